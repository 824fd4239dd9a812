//! `hunt` output people can use, through the binary on the public sample corpus:
//! `--min-severity` in every format, the table grouped by incident (findings under it with
//! `--findings`), CSV, and the providers' raw records as evidence with `--evidence raw`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{factorwatch, text};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn samples() -> PathBuf {
    let dir = std::env::var("FACTORWATCH_SAMPLES")
        .map(PathBuf::from)
        .unwrap_or_else(|_| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/samples"));
    assert!(dir.is_dir(), "samples not found at {} (set FACTORWATCH_SAMPLES)", dir.display());
    dir
}

fn hunt(args: &[&str]) -> String {
    let samples = samples();
    let mut all = vec!["hunt", "--quiet"];
    all.extend_from_slice(args);
    all.push(samples.to_str().unwrap());
    let out = factorwatch(&all);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    text(&out.stdout)
}

fn json_lines(stdout: &str) -> Vec<Value> {
    stdout.lines().map(|l| serde_json::from_str(l).expect("one JSON object per line")).collect()
}

const SEVERITIES: [&str; 5] = ["info", "low", "medium", "high", "critical"];

fn rank(severity: &str) -> usize {
    SEVERITIES.iter().position(|s| *s == severity).unwrap_or_else(|| panic!("severity `{severity}`"))
}

#[test]
fn min_severity_filters_json_ocsf_csv_and_the_table() {
    let all = json_lines(&hunt(&["--format", "json"]));
    let high: Vec<&Value> = all.iter().filter(|f| rank(f["severity"].as_str().unwrap()) >= rank("high")).collect();
    assert!(!high.is_empty() && high.len() < all.len(), "the corpus has findings on both sides of high");

    let json = json_lines(&hunt(&["--format", "json", "--min-severity", "high"]));
    assert_eq!(json.len(), high.len());
    assert!(json.iter().all(|f| rank(f["severity"].as_str().unwrap()) >= rank("high")));

    let ocsf = json_lines(&hunt(&["--format", "ocsf", "--min-severity", "high"]));
    assert_eq!(ocsf.len(), high.len());
    assert!(ocsf.iter().all(|e| e["severity_id"].as_u64().unwrap() >= 4));

    let csv = hunt(&["--format", "csv", "--min-severity", "high"]);
    assert_eq!(csv.lines().count(), high.len() + 1, "a header and one row per finding:\n{csv}");

    let table = hunt(&["--findings", "--min-severity", "high"]);
    let finding_lines: Vec<&str> = table.lines().filter(|l| l.starts_with("      ")).collect();
    assert_eq!(finding_lines.len(), high.len(), "{table}");
    for line in &finding_lines {
        assert!(line.contains(" high ") || line.contains(" critical"), "{line}");
    }
    assert!(!table.contains(" low ") && !table.contains(" medium "), "{table}");
}

#[test]
fn the_table_has_one_line_per_incident_and_its_findings_under_it_on_request() {
    let findings = json_lines(&hunt(&["--format", "json"]));
    let mut incidents: Vec<&str> = findings.iter().map(|f| f["incident"].as_str().unwrap()).collect();
    incidents.sort_unstable();
    incidents.dedup();

    let table = hunt(&[]);
    let lines: Vec<&str> = table.lines().collect();
    assert!(lines[0].starts_with("RISK  SEVERITY  FINDS  IDENTITY"), "{table}");
    assert!(lines[0].contains("FIRST (UTC)") && lines[0].contains("LAST"), "{table}");
    assert_eq!(lines.len(), incidents.len() + 1, "{table}");
    let counted: usize =
        lines[1..].iter().map(|l| l.split_whitespace().nth(2).unwrap().parse::<usize>().unwrap()).sum();
    assert_eq!(counted, findings.len(), "FINDS adds up to every finding:\n{table}");

    let detailed = hunt(&["--findings"]);
    assert_eq!(detailed.lines().count(), incidents.len() + findings.len() + 1, "{detailed}");
    for line in detailed.lines() {
        assert!(line.chars().count() <= 100, "{line}");
    }
    // Each incident line is followed by as many finding lines as it counts.
    let mut lines = detailed.lines().skip(1).peekable();
    while let Some(incident) = lines.next() {
        let count: usize = incident.split_whitespace().nth(2).unwrap().parse().unwrap();
        for _ in 0..count {
            assert!(lines.next().is_some_and(|l| l.starts_with("      FW-") || l.starts_with("      sigma")));
        }
    }
}

#[test]
fn csv_has_one_row_per_finding_with_the_finding_fields() {
    let findings = json_lines(&hunt(&["--format", "json"]));
    let csv = hunt(&["--format", "csv"]);
    assert!(csv.ends_with("\r\n"), "rows end in CRLF");
    let mut rows = csv.split("\r\n").filter(|r| !r.is_empty());
    assert_eq!(
        rows.next().unwrap(),
        "incident,risk_score,severity,detector,name,time,provider,tenant,identity_id,identity_name,actor,summary,evidence,finding_id"
    );
    let rows: Vec<&str> = rows.collect();
    assert_eq!(rows.len(), findings.len());
    for (row, finding) in rows.iter().zip(&findings) {
        assert!(row.starts_with(finding["incident"].as_str().unwrap()), "{row}");
        assert!(row.ends_with(finding["id"].as_str().unwrap()), "{row}");
    }
}

#[test]
fn evidence_raw_carries_each_evidence_events_provider_record() {
    let plain = json_lines(&hunt(&["--format", "json"]));
    assert!(plain.iter().all(|f| f["evidence"].as_array().unwrap().iter().all(|e| e.get("raw").is_none())));

    let raw = json_lines(&hunt(&["--format", "json", "--evidence", "raw"]));
    assert_eq!(raw.len(), plain.len());
    let mut same_as_the_line = 0;
    for finding in &raw {
        for evidence in finding["evidence"].as_array().unwrap() {
            let record = &evidence["raw"];
            assert!(record.is_object(), "a raw record for {}: {evidence}", evidence["source"]);
            // Where the pointer is a whole NDJSON line, the record is that line's JSON.
            let source = evidence["source"].as_str().unwrap();
            let (file, line) = source.rsplit_once(':').unwrap();
            let Ok(line) = line.parse::<usize>() else { continue };
            let text = std::fs::read_to_string(file).unwrap();
            if let Some(Ok(parsed)) = text.lines().nth(line - 1).map(serde_json::from_str::<Value>)
                && parsed.is_object()
            {
                assert_eq!(record, &parsed, "{source}");
                same_as_the_line += 1;
            }
        }
    }
    assert!(same_as_the_line > 0, "some evidence is a whole line to compare with");

    let stdin = common::factorwatch_with_stdin(&["hunt", "--format", "json", "--evidence", "raw", "-"], Some(b"{}"));
    assert_eq!(stdin.status.code(), Some(2), "stdin cannot be read twice: {}", text(&stdin.stderr));
    assert!(text(&stdin.stderr).contains("stdin"), "{}", text(&stdin.stderr));
}
