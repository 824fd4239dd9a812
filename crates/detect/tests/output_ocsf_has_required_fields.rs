//! `--format ocsf` writes OCSF 1.3 Detection Finding events (class 2004) with every
//! attribute the class requires.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use detect::output::{Format, write};
use serde_json::Value;

fn events() -> Vec<Value> {
    let mut out = Vec::new();
    write(Format::Ocsf, &common::report(), "0.1.0", &mut out).expect("written");
    String::from_utf8(out).expect("utf-8").lines().map(|l| serde_json::from_str(l).expect("JSON")).collect()
}

#[test]
fn every_event_has_the_detection_finding_required_attributes() {
    let events = events();
    assert_eq!(events.len(), 3);
    for e in &events {
        for field in
            ["activity_id", "category_uid", "class_uid", "type_uid", "severity_id", "time", "metadata", "finding_info"]
        {
            assert!(e.get(field).is_some(), "missing {field}: {e:#}");
        }
        assert_eq!(e["class_uid"], 2004);
        assert_eq!(e["category_uid"], 2);
        assert_eq!(e["activity_id"], 1);
        assert_eq!(e["activity_name"], "Create");
        assert_eq!(e["type_uid"], 200401);
        assert_eq!(e["status_id"], 1);
        assert_eq!(e["metadata"]["version"], "1.3.0");
        assert_eq!(e["metadata"]["product"]["name"], "factorwatch");
        assert_eq!(e["metadata"]["product"]["vendor_name"], "factorwatch");
        assert_eq!(e["metadata"]["product"]["version"], "0.1.0");
        assert!(e["finding_info"]["uid"].as_str().unwrap().starts_with("fnd_"));
        assert!(!e["finding_info"]["title"].as_str().unwrap().is_empty());
        assert_eq!(e["finding_info"]["analytic"]["type_id"], 1);
        assert!(e["time"].is_i64());
    }
}

#[test]
fn severity_time_attacks_and_evidence_map_from_the_finding() {
    let e = &events()[0];
    assert_eq!(e["severity_id"], 5);
    assert_eq!(e["severity"], "Critical");
    assert_eq!(e["time"], 1_777_888_872_000_i64);
    assert_eq!(e["risk_score"], 92);
    let info = &e["finding_info"];
    assert_eq!(info["analytic"]["uid"], "FW-003");
    assert_eq!(info["attacks"][0]["technique"]["uid"], "T1098.005");
    assert_eq!(info["attacks"][0]["technique"]["name"], "Account Manipulation: Device Registration");
    assert_eq!(info["attacks"][0]["tactic"]["uid"], "TA0003");
    assert_eq!(info["first_seen_time"], 1_777_888_872_000_i64);
    assert_eq!(info["last_seen_time"], 1_777_889_172_000_i64);
    assert_eq!(info["related_events"].as_array().unwrap().len(), 2);
    assert_eq!(e["actor"]["user"]["name"], "helpdesk@acme.com");
    assert_eq!(e["resources"][0]["name"], "alice@acme.com");
    assert_eq!(e["evidences"][0]["api"]["operation"], "user.mfa.factor.activate");
    assert_eq!(e["unmapped"]["mappings"]["owasp_nhi"][0], "NHI10:2025");
    assert_eq!(events()[2]["severity_id"], 3);
}
