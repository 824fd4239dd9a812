//! `factorwatch hunt` end to end: any mix of providers, files, folders and stdin; output in
//! every format on stdout and the summary on stderr; the documented exit codes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::text;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// `factorwatch hunt ARGS`.
fn hunt(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut all = vec!["hunt"];
    all.extend_from_slice(args);
    common::factorwatch_with_stdin(&all, stdin)
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../ingest/tests/fixtures")
}

#[test]
fn a_multi_provider_folder_is_hunted_with_the_summary_on_stderr() {
    let dir = fixtures();
    let out = hunt(&[dir.to_str().unwrap()], None);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stdout.starts_with("RISK"), "{stdout}");
    for line in stdout.lines() {
        assert!(line.chars().count() <= 100, "{line}");
    }
    assert!(stderr.contains("events by provider and category"), "{stderr}");
    for provider in ["okta", "entra", "aws", "google", "github", "duo"] {
        assert!(stderr.contains(provider), "{provider} in {stderr}");
    }
    assert!(stderr.contains("hunted "), "{stderr}");
    assert!(stderr.contains(" incidents"), "{stderr}");
}

#[test]
fn json_output_is_one_schema_valid_finding_per_line() {
    let schema_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schemas/finding.schema.json");
    let schema: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(schema_path).unwrap()).unwrap();
    let validator = jsonschema::draft202012::new(&schema).unwrap();
    let out = hunt(&["--format", "json", fixtures().to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    for line in text(&out.stdout).lines() {
        let value: serde_json::Value = serde_json::from_str(line).expect("one JSON finding per line");
        let errors: Vec<String> = validator.iter_errors(&value).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{errors:?}\n{line}");
    }
}

#[test]
fn ocsf_output_is_one_detection_finding_per_line() {
    let out = hunt(&["--format", "ocsf", fixtures().to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    for line in text(&out.stdout).lines() {
        let value: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(value["class_uid"], 2004);
    }
}

#[test]
fn fail_on_exits_3_exactly_when_a_finding_reaches_the_severity() {
    let out = hunt(&["--format", "json", "--fail-on", "info", fixtures().to_str().unwrap()], None);
    let findings = text(&out.stdout).lines().count();
    let expected = if findings > 0 { 3 } else { 0 };
    assert_eq!(out.status.code(), Some(expected), "{findings} findings; {}", text(&out.stderr));
    let bad = hunt(&["--fail-on", "severe", fixtures().to_str().unwrap()], None);
    assert_eq!(bad.status.code(), Some(2), "clap rejects an unknown severity");
}

#[test]
fn the_same_events_in_another_order_give_the_same_output_even_when_sorting_spills() {
    let okta = fixtures().join("okta");
    let entra = fixtures().join("entra");
    let forward = hunt(&["--format", "json", okta.to_str().unwrap(), entra.to_str().unwrap()], None);
    let backward =
        hunt(&["--format", "json", "--sort-run-events", "3", entra.to_str().unwrap(), okta.to_str().unwrap()], None);
    assert_eq!(forward.status.code(), Some(0));
    assert_eq!(backward.status.code(), Some(0));
    assert_eq!(text(&forward.stdout), text(&backward.stdout));
    assert!(text(&backward.stderr).contains("runs on disk"), "{}", text(&backward.stderr));
}

#[test]
fn stdin_and_a_time_window_are_read() {
    let okta = std::fs::read(fixtures().join("aws/signin.ndjson")).unwrap();
    let all = hunt(&["-"], Some(&okta));
    assert_eq!(all.status.code(), Some(0), "{}", text(&all.stderr));
    let none = hunt(&["--since", "2100-01-01T00:00:00Z", "-"], Some(&okta));
    assert_eq!(none.status.code(), Some(0));
    let stderr = text(&none.stderr);
    assert!(stderr.contains("hunted 0 events"), "{stderr}");
    assert!(stderr.contains("outside --since/--until skipped"), "{stderr}");
}

#[test]
fn usage_and_config_errors_exit_2() {
    let dir = fixtures();
    let bad_time = hunt(&["--since", "yesterday", dir.to_str().unwrap()], None);
    assert_eq!(bad_time.status.code(), Some(2));
    assert!(text(&bad_time.stderr).contains("RFC 3339"), "{}", text(&bad_time.stderr));

    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("bad.toml");
    std::fs::write(&config, "[detectors.mfa_fatigue]\nthreshhold = 3\n").unwrap();
    let bad_config = hunt(&["--config", config.to_str().unwrap(), dir.to_str().unwrap()], None);
    assert_eq!(bad_config.status.code(), Some(2));
    assert!(text(&bad_config.stderr).contains("threshhold"), "{}", text(&bad_config.stderr));

    let bad_tenant = hunt(&["--tenant", "okra=acme", dir.to_str().unwrap()], None);
    assert_eq!(bad_tenant.status.code(), Some(2));
}

#[test]
fn strict_exits_1_when_records_were_bad() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("bad.ndjson");
    let good = std::fs::read_to_string(fixtures().join("aws/signin.ndjson")).unwrap();
    std::fs::write(&bad, format!("{}\n{{not json\n", good.trim_end())).unwrap();
    let out = hunt(&["--strict", bad.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let lenient = hunt(&[bad.to_str().unwrap()], None);
    assert_eq!(lenient.status.code(), Some(0));
}

/// `hunt` over the public sample corpus completes (exit 0, problems only as warnings for
/// the corpus's non-log files) and its incident queue, each incident's findings under it, is
/// the reviewed snapshot.
#[test]
fn hunting_the_sample_corpus_completes_and_matches_the_reviewed_queue() {
    let samples = std::env::var("FACTORWATCH_SAMPLES")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/samples"));
    assert!(samples.is_dir(), "samples not found at {}", samples.display());
    let out = Command::new(env!("CARGO_BIN_EXE_factorwatch"))
        .args(["hunt", "--format", "table", "--findings", samples.to_str().unwrap()])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    insta::assert_snapshot!("sample_corpus_queue", String::from_utf8_lossy(&out.stdout));
}
