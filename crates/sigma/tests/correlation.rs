//! Correlation rules (event_count and temporal) over CloudTrail console logins: they fire
//! when their condition holds in the window and not otherwise, and a session resumed from
//! saved windows gives what one uninterrupted session gives.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use ingest::Options;
use sigma::correlate::Windows;
use sigma::{Evaluator, Hit, RuleSet, Session};
use std::sync::Arc;

/// Two detection rules and two correlations over them; `factorwatch`'s CLI tests use it too.
const RULES: &str = include_str!("fixtures/console_logins.yml");

fn login(n: u32, minute: u32, user: &str, outcome: &str) -> String {
    format!(
        r#"{{"eventVersion":"1.08","eventTime":"2026-05-01T10:{minute:02}:00Z","eventID":"ev-{n}","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","recipientAccountId":"111122223333","sourceIPAddress":"203.0.113.9","userIdentity":{{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/{user}","accountId":"111122223333","principalId":"AID{user}","userName":"{user}"}},"responseElements":{{"ConsoleLogin":"{outcome}"}},"additionalEventData":{{"MFAUsed":"No"}}}}"#
    )
}

fn rules() -> Arc<RuleSet> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("logins.yml");
    std::fs::write(&file, RULES).unwrap();
    let rules = RuleSet::load(dir.path()).unwrap();
    assert!(rules.skipped.is_empty(), "{:?}", rules.skipped);
    assert_eq!((rules.detections.len(), rules.correlations.len()), (2, 2));
    Arc::new(rules)
}

fn hits(rules: &Arc<RuleSet>, lines: &[String]) -> Vec<Hit> {
    let evaluator = Evaluator::new(rules.clone());
    let (events, hits, _) = ingest::normalize_bytes_observed(
        "logins.ndjson",
        lines.join("\n").into_bytes(),
        &Options::default(),
        &evaluator,
    );
    assert!(!events.is_empty());
    hits
}

fn logins() -> Vec<String> {
    vec![
        login(1, 0, "alice", "Failure"),
        login(2, 1, "bob", "Failure"),
        login(3, 2, "alice", "Failure"),
        login(4, 3, "alice", "Failure"),
        login(5, 4, "alice", "Success"),
        login(6, 30, "bob", "Success"),
        login(7, 45, "bob", "Failure"),
    ]
}

fn correlation_findings(findings: &[model::Finding]) -> Vec<(String, String, Vec<String>)> {
    findings
        .iter()
        .filter(|f| f.detector.ends_with("0003") || f.detector.ends_with("0004"))
        .map(|f| {
            let ids = f.evidence.iter().map(|e| e.event_id.to_string()).collect();
            (f.detector.to_string(), f.identity.id.to_string(), ids)
        })
        .collect()
}

#[test]
fn event_count_and_temporal_fire_within_their_window_for_one_group_only() {
    let rules = rules();
    let findings = Session::new(rules.clone()).process(hits(&rules, &logins()));
    let alice = "AIDalice".to_string();
    let ids = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        correlation_findings(&findings),
        vec![
            ("sigma:6b8a2c31-0d6f-4b8e-9c52-2f7f4f6a0003".into(), alice.clone(), ids(&["ev-1", "ev-3", "ev-4"])),
            ("sigma:6b8a2c31-0d6f-4b8e-9c52-2f7f4f6a0004".into(), alice, ids(&["ev-1", "ev-3", "ev-4", "ev-5"])),
        ],
        "bob failed once and succeeded 29 minutes later: outside the window"
    );
    let repeated = findings.iter().find(|f| f.detector.ends_with("0003")).unwrap();
    assert_eq!(repeated.severity, model::Severity::High);
    assert_eq!(repeated.mappings.attack, vec!["T1110"]);
    assert_eq!(repeated.rule.as_ref().map(|r| r.title.as_str()), Some("Repeated console login failures"));
}

#[test]
fn rules_used_by_a_correlation_make_no_findings_of_their_own() {
    let rules = rules();
    let findings = Session::new(rules.clone()).process(hits(&rules, &logins()));
    assert!(findings.iter().all(|f| f.detector.ends_with("0003") || f.detector.ends_with("0004")));
}

#[test]
fn a_session_resumed_from_saved_windows_finds_what_an_uninterrupted_one_finds() {
    let rules = rules();
    let all = hits(&rules, &logins());
    let whole = Session::new(rules.clone()).process(all.clone());
    for split in 1..all.len() {
        let mut first = Session::new(rules.clone());
        let mut found = first.process(all[..split].to_vec());
        let saved = serde_json::to_string(first.windows()).unwrap();
        let windows: Windows = serde_json::from_str(&saved).unwrap();
        found.extend(Session::with_windows(rules.clone(), windows).process(all[split..].to_vec()));
        assert_eq!(found, whole, "split after {split} matches");
    }
}

#[test]
fn the_same_record_read_twice_counts_once() {
    let rules = rules();
    let twice = vec![login(1, 0, "carol", "Failure"), login(1, 0, "carol", "Failure"), login(2, 1, "carol", "Failure")];
    let findings = Session::new(rules.clone()).process(hits(&rules, &twice));
    assert!(correlation_findings(&findings).is_empty(), "two distinct failures are under the threshold of 3");
}
