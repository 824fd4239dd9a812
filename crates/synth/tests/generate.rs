//! Generates small tenants and reads them back through the ingest pipeline: every line
//! normalizes cleanly, every story's key events say what truth.json says, and the output
//! is a pure function of the seed.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use ingest::{Input, Options, Pipeline};
use model::{Event, Provider};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

fn small(seed: u64) -> synth::Config {
    synth::Config { seed, users: 40, days: 14, events: 6_000, ..synth::Config::default() }
}

fn generate(dir: &Path, seed: u64) -> synth::Summary {
    synth::generate(&small(seed), dir).expect("generate")
}

fn read_all(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for file in [
        "okta/system_log.ndjson",
        "entra/audit.ndjson",
        "entra/signin.ndjson",
        "aws/cloudtrail.ndjson",
        "google/activity.ndjson",
        "github/audit.ndjson",
        "duo/auth.ndjson",
        "truth.json",
        "factorwatch.toml",
        "decisions.ndjson",
    ] {
        out.insert(file.to_string(), std::fs::read(dir.join(file)).expect(file));
    }
    out
}

/// Normalizes one generated file; fails on any diagnostic.
fn normalize(dir: &Path, file: &str) -> Vec<Event> {
    let mut opts = Options::default();
    opts.set_tenant(Provider::Okta, "acme.okta.com");
    opts.set_tenant(Provider::Duo, "acme-duo");
    let mut events = Vec::new();
    let bytes = std::fs::read(dir.join(file)).expect(file);
    let tally = Pipeline::new(opts).run(vec![Input::Memory { name: file.to_string(), bytes }], &mut |e| events.push(e));
    let diags: Vec<String> = tally.diagnostics.iter().map(|d| d.to_string()).collect();
    assert!(diags.is_empty(), "{file}: diagnostics:\n{}", diags.join("\n"));
    assert!(tally.records > 0, "{file}: no records");
    events
}

#[test]
fn every_generated_line_normalizes_without_problems() {
    let dir = tempfile::tempdir().unwrap();
    let summary = generate(dir.path(), 7);
    assert!(summary.lines() >= 6_000);
    for (file, lines) in &summary.files {
        let events = normalize(dir.path(), file);
        assert!(*lines > 0, "{file} is empty");
        assert!(!events.is_empty(), "{file}: no identity events");
    }
}

#[test]
fn story_key_events_normalize_as_truth_says() {
    let dir = tempfile::tempdir().unwrap();
    generate(dir.path(), 11);
    let truth: Value = serde_json::from_slice(&std::fs::read(dir.path().join("truth.json")).unwrap()).unwrap();
    let mut by_file: BTreeMap<String, Vec<Event>> = BTreeMap::new();
    let mut checked = 0;
    let entries = ["stories", "lookalikes"]
        .into_iter()
        .flat_map(|k| truth[k].as_array().unwrap())
        .chain(["stories", "allowed"].into_iter().flat_map(|k| truth["gating"][k].as_array().unwrap()));
    for entry in entries {
        for x in entry["evidence"].as_array().unwrap() {
            let file = x["file"].as_str().unwrap();
            let events = by_file.entry(file.to_string()).or_insert_with(|| normalize(dir.path(), file));
            let time = chrono::DateTime::parse_from_rfc3339(x["time"].as_str().unwrap()).unwrap().to_utc();
            let found: Vec<&Event> = events
                .iter()
                .filter(|e| {
                    e.time == time
                        && e.action == x["action"].as_str().unwrap()
                        && e.category.as_str() == x["category"].as_str().unwrap()
                })
                .filter(|e| x["actor"].as_str().is_none_or(|a| e.actor.as_ref().and_then(|p| p.key()) == Some(a)))
                .collect();
            assert_eq!(found.len(), 1, "{entry}: evidence {x} matched {} events", found.len());
            let e = found[0];
            if let Some(actor) = x["actor"].as_str() {
                assert_eq!(e.actor.as_ref().and_then(|p| p.key()), Some(actor), "actor of {x}");
            }
            if let Some(target) = x["target"].as_str() {
                assert_eq!(e.target.as_ref().and_then(|p| p.key()), Some(target), "target of {x}");
            }
            if let Some(factor) = x["factor_id"].as_str() {
                assert_eq!(e.factor.as_ref().and_then(|f| f.id.as_deref()), Some(factor), "factor of {x}");
            }
            if let Some(relation) = x["relation"].as_str() {
                assert_eq!(e.relation.as_str(), relation, "relation of {x}");
            }
            checked += 1;
        }
    }
    let detectors: Vec<&str> =
        truth["stories"].as_array().unwrap().iter().map(|s| s["detector"].as_str().unwrap()).collect();
    for d in
        ["FW-001", "FW-002", "FW-003", "FW-004", "FW-005", "FW-006", "FW-007", "FW-008", "FW-009", "FW-010", "FW-011"]
    {
        assert!(detectors.contains(&d), "no story for {d}");
    }
    assert!(checked >= 25, "only {checked} evidence lines checked");
}

/// The ledger export allows each binding truth says it allows, under the id detection keys
/// the subject by and the factor kind the normalized event names, at the binding's time;
/// and it holds nothing about the bindings that must fire FW-012.
#[test]
fn the_ledger_export_covers_exactly_the_allowed_bindings() {
    let dir = tempfile::tempdir().unwrap();
    generate(dir.path(), 11);
    let truth: Value = serde_json::from_slice(&std::fs::read(dir.path().join("truth.json")).unwrap()).unwrap();
    assert_eq!(truth["gating"]["decisions"], "decisions.ndjson");
    let ledger: Vec<Value> = std::fs::read_to_string(dir.path().join("decisions.ndjson"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let time = |v: &Value| chrono::DateTime::parse_from_rfc3339(v.as_str().unwrap()).unwrap().to_utc();
    let events = normalize(dir.path(), "okta/system_log.ndjson");
    let allowed = truth["gating"]["allowed"].as_array().unwrap();
    let kinds: Vec<&str> = allowed.iter().map(|a| a["allowed_by"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["decision", "approval"]);
    for a in allowed {
        let at = time(&a["time"]);
        let e = events.iter().find(|e| e.time == at && e.category.as_str() == "factor_add").expect("the binding");
        let identity = e.target.as_ref().or(e.actor.as_ref()).and_then(|p| p.key()).unwrap();
        let kind = e.factor.as_ref().and_then(|f| f.kind.as_deref()).unwrap();
        assert_eq!((a["identity"].as_str(), a["factor_kind"].as_str()), (Some(identity), Some(kind)));
        let grant = a["grant"].as_str().unwrap();
        let record = ledger
            .iter()
            .find_map(|l| [&l["decision"], &l["approval"]].into_iter().find(|r| r["id"] == grant))
            .unwrap_or_else(|| panic!("{grant} not in the ledger export"));
        match a["allowed_by"].as_str() {
            Some("decision") => {
                assert_eq!((record["identity"].as_str(), record["outcome"].as_str()), (Some(identity), Some("allow")));
                assert!(time(&record["time"]) <= at && at <= time(&record["valid_until"]), "{record}");
            }
            _ => {
                assert_eq!(
                    (record["key"]["identity"].as_str(), record["state"].as_str()),
                    (Some(identity), Some("approved"))
                );
                assert_eq!(record["purpose"]["factor_kind"].as_str(), Some(kind));
                assert!(time(&record["decided_at"]) <= at && at <= time(&record["expires_at"]), "{record}");
            }
        }
    }
    for story in truth["gating"]["stories"].as_array().unwrap() {
        assert_eq!(story["detector"], "FW-012");
        let who = &story["identity"];
        assert!(ledger.iter().all(|l| l["decision"]["identity"] != *who && l["approval"]["key"]["identity"] != *who));
    }
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let (a, b, c) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    generate(a.path(), 3);
    generate(b.path(), 3);
    generate(c.path(), 4);
    let (fa, fb, fc) = (read_all(a.path()), read_all(b.path()), read_all(c.path()));
    assert!(fa == fb, "same seed wrote different bytes");
    for (file, bytes) in &fa {
        if file.ends_with(".toml") {
            continue;
        }
        assert_ne!(Some(bytes), fc.get(file), "{file} did not change with the seed");
    }
}

#[test]
fn github_goes_silent_three_days_before_the_end() {
    let dir = tempfile::tempdir().unwrap();
    generate(dir.path(), 5);
    let events = normalize(dir.path(), "github/audit.ndjson");
    let last = events.iter().map(|e| e.time).max().unwrap();
    let end = synth::Config::default().start + chrono::Duration::days(14);
    assert!(end - last >= chrono::Duration::days(3) - chrono::Duration::hours(1), "last GitHub event {last}");
}

#[test]
fn config_lists_tenants_networks_and_sources() {
    let dir = tempfile::tempdir().unwrap();
    generate(dir.path(), 1);
    let toml = std::fs::read_to_string(dir.path().join("factorwatch.toml")).unwrap();
    for needle in [
        "[tenants]",
        "okta = \"acme.okta.com\"",
        "duo = \"acme-duo\"",
        "[identities]",
        "privileged = [",
        "allowed_delegates = [",
        "vpn_egress = [\"203.0.113.0/24\"]",
        "helpdesk_egress = [\"198.51.100.0/28\"]",
        "[sources.okta]",
        "path = \"okta/system_log.ndjson\"",
        "expected_interval = \"6h\"",
        "[sources.github]",
    ] {
        assert!(toml.contains(needle), "missing {needle} in\n{toml}");
    }
}

#[test]
fn too_short_periods_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = synth::Config { days: 5, ..small(1) };
    assert!(matches!(synth::generate(&cfg, dir.path()), Err(synth::SynthError::TooFewDays(5))));
}
