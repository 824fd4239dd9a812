//! `factorwatch demo` hunts a tenant folder with its own config, stores the findings in
//! SQLite under the data folder and prints the incident queue with what to do next;
//! `factorwatch config show` prints a config that `config check` accepts.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{factorwatch, text};

use std::path::Path;

/// A tiny tenant: an Okta log, a CloudTrail log, its config and an answer key.
fn tenant(dir: &Path) {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ingest/tests/fixtures");
    std::fs::create_dir_all(dir.join("okta")).unwrap();
    std::fs::copy(fixtures.join("okta/factors.ndjson"), dir.join("okta/factors.ndjson")).unwrap();
    std::fs::copy(fixtures.join("aws/mfa.ndjson"), dir.join("cloudtrail.ndjson")).unwrap();
    std::fs::write(
        dir.join("factorwatch.toml"),
        "[tenants]\nokta = \"demo.okta.com\"\n\n[identities]\nprivileged = [\"alice@demo.com\"]\n",
    )
    .unwrap();
    std::fs::write(dir.join("truth.json"), "{\"incidents\": []}").unwrap();
}

#[test]
fn demo_hunts_a_tenant_folder_stores_findings_and_prints_the_queue() {
    let tmp = tempfile::tempdir().unwrap();
    let tenant_dir = tmp.path().join("tenant");
    tenant(&tenant_dir);
    let data = tmp.path().join("data");
    let out =
        factorwatch(&["demo", "--data-dir", data.to_str().unwrap(), "--tenant-dir", tenant_dir.to_str().unwrap()]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stdout.starts_with("RISK"), "{stdout}");
    assert!(stdout.contains("factorwatch hunt --format json"), "{stdout}");
    assert!(stdout.contains("factorwatch.db"), "{stdout}");
    for line in stdout.lines() {
        assert!(
            line.chars().count() <= 100 || line.starts_with("  factorwatch") || line.starts_with("findings stored"),
            "{line}"
        );
    }
    assert!(data.join("factorwatch.db").is_file());
    assert!(!stderr.contains("truth.json"), "the answer key is not read as a log: {stderr}");
    assert!(stderr.contains("okta"), "{stderr}");
    assert!(stderr.contains("aws"), "{stderr}");
    assert!(stderr.contains("0 problems"), "{stderr}");

    // A second run upserts into the same database.
    let again =
        factorwatch(&["demo", "--data-dir", data.to_str().unwrap(), "--tenant-dir", tenant_dir.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again.stderr));
}

#[test]
fn demo_with_no_setup_generates_a_tenant_hunts_it_and_ranks_the_attacks_first() {
    let tmp = tempfile::tempdir().unwrap();
    let out = factorwatch(&["demo", "--data-dir", tmp.path().to_str().unwrap(), "--seed", "3"]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("generated a demo tenant"), "{stderr}");
    assert!(stderr.contains("0 problems"), "{stderr}");
    assert!(tmp.path().join("demo/factorwatch.toml").is_file());
    assert!(tmp.path().join("factorwatch.db").is_file());
    let queue: Vec<&str> = stdout.lines().take_while(|l| !l.is_empty()).collect();
    assert!(queue[0].starts_with("RISK"), "{stdout}");
    // Highest risk first; the persistence stories are all in the queue.
    let risks: Vec<u32> = queue[1..].iter().filter_map(|l| l.split_whitespace().next()?.parse().ok()).collect();
    assert!(risks.windows(2).all(|w| w[0] >= w[1]), "{risks:?}");
    for detector in ["FW-002", "FW-003", "FW-004", "FW-005", "FW-007", "FW-009", "FW-010", "FW-011"] {
        assert!(stdout.contains(detector), "{detector} missing from the queue:\n{stdout}");
    }
}

#[test]
fn config_show_prints_a_config_that_parses_back_and_checks() {
    let out = factorwatch(&["config", "show"]);
    assert_eq!(out.status.code(), Some(0));
    let shown = text(&out.stdout);
    assert!(shown.contains("[detectors.mfa_fatigue]"), "{shown}");
    assert!(shown.contains("threshold = 5"), "{shown}");
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("factorwatch.toml");
    std::fs::write(&file, &shown).unwrap();
    let check = factorwatch(&["config", "check", file.to_str().unwrap()]);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stderr));
    let again = factorwatch(&["config", "show", "--config", file.to_str().unwrap()]);
    assert_eq!(text(&again.stdout), shown);
}

#[test]
fn config_check_names_what_is_wrong_and_exits_2() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("factorwatch.toml");
    std::fs::write(&file, "[tenants]\nokra = \"acme\"\n").unwrap();
    let out = factorwatch(&["config", "check", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("unknown provider `okra`"), "{}", text(&out.stderr));
}
