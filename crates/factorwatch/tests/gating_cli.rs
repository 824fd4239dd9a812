//! Enrollment gating end to end (issue 6, acceptance point 3): `factorwatch gen` writes a
//! tenant with the decision point's ledger export; `hunt --gating --decisions` reports
//! FW-012 on exactly the planted binding that nothing allowed, not on the bindings the
//! ledger allowed; without the ledger every gated binding is reported.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{factorwatch, text};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

/// A generated tenant and its truth.json.
fn tenant(dir: &Path) -> Value {
    let out = factorwatch(&["gen", "--out", dir.to_str().unwrap(), "--seed", "5", "--events", "20000"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(dir.join("decisions.ndjson").is_file());
    serde_json::from_str(&std::fs::read_to_string(dir.join("truth.json")).unwrap()).unwrap()
}

/// `hunt --format json --config <dir>/factorwatch.toml ARGS <dir>`: the findings, and stderr.
fn hunt(dir: &Path, args: &[&str]) -> (Vec<Value>, String) {
    let config = dir.join("factorwatch.toml");
    let mut all = vec!["hunt", "--format", "json", "--config", config.to_str().unwrap()];
    all.extend_from_slice(args);
    all.push(dir.to_str().unwrap());
    let out = factorwatch(&all);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let findings = text(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    (findings, stderr)
}

type Binding = (String, chrono::DateTime<chrono::Utc>);

fn time(v: &Value) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(v.as_str().unwrap()).unwrap().to_utc()
}

/// (identity id, time) of every finding of `detector`.
fn of(findings: &[Value], detector: &str) -> BTreeSet<Binding> {
    findings
        .iter()
        .filter(|f| f["detector"] == detector)
        .map(|f| (f["identity"]["id"].as_str().unwrap().to_string(), time(&f["time"])))
        .collect()
}

fn fw012(findings: &[Value]) -> BTreeSet<Binding> {
    of(findings, "FW-012")
}

/// (identity id, time) of truth entries.
fn expected(entries: &Value) -> BTreeSet<Binding> {
    entries
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["identity"].as_str().unwrap().to_string(), time(&e["time"])))
        .collect()
}

#[test]
fn hunt_with_the_ledger_export_reports_only_the_binding_nothing_allowed() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("acme");
    let truth = tenant(&dir);
    let planted = expected(&truth["gating"]["stories"]);
    let allowed = expected(&truth["gating"]["allowed"]);
    assert_eq!((planted.len(), allowed.len()), (1, 2), "{truth:#}");
    let decisions = dir.join("decisions.ndjson");

    let (findings, stderr) = hunt(&dir, &["--gating", "--decisions", decisions.to_str().unwrap()]);
    assert!(stderr.contains("2 decision(s), 1 approval(s) from"), "{stderr}");
    // The ledger export beside the logs is not read as a log.
    assert!(!stderr.contains("decisions.ndjson:"), "{stderr}");
    assert_eq!(fw012(&findings), planted, "{stderr}");
    let planted_finding = findings.iter().find(|f| f["detector"] == "FW-012").unwrap();
    assert_eq!(planted_finding["severity"], "critical", "tier 0: {planted_finding:#}");
    assert_eq!(planted_finding["mappings"]["csf"], serde_json::json!(["PR.AA-02", "DE.CM-03"]));

    // The allowed bindings are in the data and detection saw them as privileged changes:
    // the ledger is what keeps FW-012 quiet about them.
    let privileged = of(&findings, "FW-001");
    assert!(allowed.is_subset(&privileged), "allowed {allowed:?} not among FW-001 {privileged:?}");
    assert!(fw012(&findings).is_disjoint(&allowed));
}

#[test]
fn hunt_with_gating_and_no_ledger_reports_every_gated_binding() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("acme");
    let truth = tenant(&dir);
    std::fs::remove_file(dir.join("decisions.ndjson")).unwrap();
    let every: BTreeSet<_> =
        expected(&truth["gating"]["stories"]).union(&expected(&truth["gating"]["allowed"])).cloned().collect();

    let (findings, stderr) = hunt(&dir, &["--gating"]);
    assert!(stderr.contains("with no --decisions: every factor bound to a gated identity is reported"), "{stderr}");
    assert_eq!(fw012(&findings), every, "{stderr}");

    // Gating as a config setting does the same as the flag.
    let config = std::fs::read_to_string(dir.join("factorwatch.toml")).unwrap();
    std::fs::write(dir.join("factorwatch.toml"), format!("{config}\n[gating]\nenabled = true\n")).unwrap();
    let (by_config, _) = hunt(&dir, &[]);
    assert_eq!(fw012(&by_config), every);
}

#[test]
fn without_gating_nothing_changes_and_a_ledger_alone_is_a_usage_error() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("acme");
    tenant(&dir);
    let (findings, _) = hunt(&dir, &[]);
    assert!(fw012(&findings).is_empty());

    let decisions = dir.join("decisions.ndjson");
    let config = dir.join("factorwatch.toml");
    let out = factorwatch(&[
        "hunt",
        "--config",
        config.to_str().unwrap(),
        "--decisions",
        decisions.to_str().unwrap(),
        dir.to_str().unwrap(),
    ]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("needs enrollment gating on") && stderr.contains("--gating"), "{stderr}");
}

#[test]
fn a_missing_or_bad_ledger_export_stops_the_hunt_naming_the_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("acme");
    tenant(&dir);
    let missing = tmp.path().join("nowhere.ndjson");
    let out = factorwatch(&["hunt", "--gating", "--decisions", missing.to_str().unwrap(), dir.to_str().unwrap()]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("cannot read ledger export") && stderr.contains("nowhere.ndjson"), "{stderr}");

    let bad = tmp.path().join("bad.ndjson");
    let first = std::fs::read_to_string(dir.join("decisions.ndjson")).unwrap().lines().next().unwrap().to_string();
    std::fs::write(&bad, format!("{first}\n{{\"verdict\": 1}}\n")).unwrap();
    let out = factorwatch(&["hunt", "--gating", "--decisions", bad.to_str().unwrap(), dir.to_str().unwrap()]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(&format!("{}:2: unknown variant `verdict`", bad.display())), "{stderr}");
}

#[test]
fn demo_on_a_tenant_folder_with_gating_on_uses_its_ledger_export_and_reads_it_as_no_log() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("acme");
    tenant(&dir);
    let config = std::fs::read_to_string(dir.join("factorwatch.toml")).unwrap();
    std::fs::write(dir.join("factorwatch.toml"), format!("{config}\n[gating]\nenabled = true\n")).unwrap();
    let data = tmp.path().join("data");
    let out = factorwatch(&["demo", "--data-dir", data.to_str().unwrap(), "--tenant-dir", dir.to_str().unwrap()]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("2 decision(s), 1 approval(s) from"), "{stderr}");
    assert!(stderr.contains(" 0 problems"), "{stderr}");
    let fw012: Vec<&str> = stdout.lines().filter(|l| l.contains("FW-012")).collect();
    assert_eq!(fw012.len(), 1, "{stdout}");
}

#[test]
fn hunting_the_whole_generated_folder_skips_its_answer_key_and_ledger_without_a_problem() {
    let tmp = tempfile::tempdir().unwrap();
    tenant(tmp.path());
    let ledger_lines = std::fs::read_to_string(tmp.path().join("decisions.ndjson")).unwrap().lines().count();
    let (_, stderr) = hunt(tmp.path(), &[]);
    assert!(stderr.contains(" 0 problems"), "{stderr}");
    // The ledger's lines and the one answer key.
    let skipped = format!("skipped {} records of factorwatch's own files", ledger_lines + 1);
    assert!(stderr.contains(&skipped), "{skipped} in: {stderr}");
}
