//! `--format json` writes the output contract: one finding per line, every field the
//! contract names, and every line valid against `schemas/finding.schema.json`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use detect::output::{Format, write};
use serde_json::Value;

fn schema() -> jsonschema::Validator {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../schemas/finding.schema.json");
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("schema file")).expect("schema JSON");
    jsonschema::draft202012::new(&schema).expect("a valid draft 2020-12 schema")
}

fn lines() -> Vec<Value> {
    let mut out = Vec::new();
    write(Format::Json, &common::report(), "0.1.0", &mut out).expect("written");
    String::from_utf8(out)
        .expect("utf-8")
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect()
}

#[test]
fn every_finding_line_validates_against_the_schema() {
    let validator = schema();
    let lines = lines();
    assert_eq!(lines.len(), 3);
    for line in &lines {
        let errors: Vec<String> =
            validator.iter_errors(line).map(|e| format!("{} at {}", e, e.instance_path())).collect();
        assert!(errors.is_empty(), "{errors:#?}\n{line:#}");
    }
}

#[test]
fn findings_carry_every_contract_field_with_incident_and_risk_filled_in() {
    let contract = [
        "id",
        "detector",
        "name",
        "severity",
        "risk_score",
        "time",
        "identity",
        "actor",
        "summary",
        "evidence",
        "blast_radius",
        "mappings",
        "incident",
        "remediation",
    ];
    let lines = lines();
    for line in &lines {
        for field in contract {
            assert!(line.get(field).is_some(), "missing {field}: {line:#}");
        }
        assert!(line["incident"].as_str().unwrap().starts_with("inc_"));
        assert!(line["risk_score"].as_u64().unwrap() > 0);
        for field in ["provider", "tenant", "id", "name", "kind", "tier"] {
            assert!(line["identity"].get(field).is_some(), "identity.{field}");
        }
        for field in ["provider", "event_id", "time", "category", "source"] {
            assert!(line["evidence"][0].get(field).is_some(), "evidence.{field}");
        }
    }
    assert_eq!(lines[0]["time"], "2026-05-04T10:01:12Z");
    assert_eq!(lines[0]["risk_score"], 92);
    assert_eq!(lines[2]["incident"], "inc_0000000000000002");
}

#[test]
fn the_schema_rejects_what_breaks_the_contract() {
    let validator = schema();
    let good = lines().remove(0);
    let broken = [
        ("id", Value::from("finding_1")),
        ("incident", Value::from("1")),
        ("detector", Value::from("FW-013")),
        ("severity", Value::from("severe")),
        ("risk_score", Value::from(101)),
    ];
    for (field, value) in broken {
        let mut bad = good.clone();
        bad[field] = value;
        assert!(!validator.is_valid(&bad), "{field} should be rejected");
    }
    let mut missing = good.clone();
    missing.as_object_mut().unwrap().remove("evidence");
    assert!(!validator.is_valid(&missing));
    for basis in [Value::from(""), Value::from(0)] {
        let mut bad = good.clone();
        bad["identity"]["tier_basis"] = basis;
        assert!(!validator.is_valid(&bad), "tier_basis {} should be rejected", bad["identity"]["tier_basis"]);
    }
}

#[test]
fn an_observed_tier_basis_is_written_only_when_set_and_validates() {
    let validator = schema();
    let lines = lines();
    assert!(lines.iter().all(|l| l["identity"].get("tier_basis").is_none()), "absent unless the logs gave the tier");
    let mut report = common::report();
    report.findings[0].identity.tier_basis = Some("observed: reset factors of 4 identities".into());
    let mut out = Vec::new();
    write(Format::Json, &report, "0.1.0", &mut out).unwrap();
    let first: Value = serde_json::from_str(String::from_utf8(out).unwrap().lines().next().unwrap()).unwrap();
    assert_eq!(first["identity"]["tier_basis"], "observed: reset factors of 4 identities");
    let errors: Vec<String> = validator.iter_errors(&first).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
}
