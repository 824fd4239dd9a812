//! The regrouper `serve` uses: blind spots that no longer hold are retracted, incidents a
//! regrouping no longer forms are dropped, and an identity's stored findings are read once.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::built::finding;
use detect::{Config, Earlier, Engine, History, IdentityKey, Regrouper};
use model::{Finding, Severity};
use std::collections::HashMap;

/// A store of earlier findings by identity id, counting the questions asked.
#[derive(Default)]
struct Stored {
    findings: HashMap<String, Vec<Finding>>,
    incidents: HashMap<String, Vec<String>>,
    asked: Vec<String>,
}

impl History for Stored {
    type Error = std::convert::Infallible;

    fn earlier(&mut self, key: &IdentityKey) -> Result<Earlier, Self::Error> {
        self.asked.push(key.id.to_string());
        Ok(Earlier {
            findings: self.findings.get(key.id.as_str()).cloned().unwrap_or_default(),
            incidents: self.incidents.get(key.id.as_str()).cloned().unwrap_or_default(),
        })
    }
}

fn blind_spot(n: u32) -> Finding {
    let mut f = finding(n, "FW-011", "blind-spot", Severity::Medium, "source");
    f.identity.id = format!("source:okta:{n}").into();
    // A reading's blind spot is about a source's silence: it cites no event.
    f.evidence.clear();
    f
}

#[test]
fn a_blind_spot_missing_from_the_next_reading_is_retracted_and_its_incident_dropped() {
    let engine = Engine::new(&Config::default()).unwrap();
    let mut stored = Stored::default();
    let mut regrouper = Regrouper::default();

    let learned = regrouper.learn(Vec::new(), Some(vec![blind_spot(1), blind_spot(2)]), &mut stored).unwrap();
    let first = regrouper.regroup(learned, &engine);
    assert!(first.retracted.is_empty() && first.dropped.is_empty());
    assert_eq!(first.incidents.len(), 2);
    let gone = first.incidents.iter().find(|i| i.identity.id == "source:okta:2").unwrap().id.clone();

    let learned = regrouper.learn(Vec::new(), Some(vec![blind_spot(1)]), &mut stored).unwrap();
    let second = regrouper.regroup(learned, &engine);
    assert_eq!(second.retracted, [blind_spot(2).id]);
    assert_eq!(second.dropped, [gone]);
    assert!(second.findings.iter().all(|f| f.id != blind_spot(2).id));
}

#[test]
fn stored_findings_join_the_new_ones_and_are_read_once_per_identity() {
    let engine = Engine::new(&Config::default()).unwrap();
    let earlier = finding(1, "FW-001", "factor-survives-reset", Severity::High, "alice");
    let mut later = finding(2, "FW-002", "enroll-after-risky-signin", Severity::Critical, "alice");
    later.identity = earlier.identity.clone();
    let mut stored = Stored::default();
    stored.findings.insert("00u1".into(), vec![earlier.clone()]);
    stored.incidents.insert("00u1".into(), vec!["inc_before_restart".into()]);
    // After a restart the regrouper knows nothing: the store says what came before.
    let mut regrouper = Regrouper::new(Vec::new());

    let learned = regrouper.learn(vec![later.clone()], None, &mut stored).unwrap();
    let changes = regrouper.regroup(learned, &engine);
    assert_eq!(changes.incidents.len(), 1, "one identity, minutes apart: one incident");
    let incident = &changes.incidents[0];
    assert_eq!(incident.findings, [earlier.id.clone(), later.id.clone()]);
    assert!(changes.findings.iter().all(|f| f.incident == incident.id && f.risk_score == incident.risk_score));
    assert_eq!(changes.dropped, ["inc_before_restart"], "the incident stored before is regrouped away");

    let learned = regrouper.learn(vec![later], None, &mut stored).unwrap();
    let again = regrouper.regroup(learned, &engine);
    assert!(again.dropped.is_empty());
    assert_eq!(stored.asked, ["00u1"], "the store is asked about an identity once");
}

#[test]
fn after_a_restart_a_reading_retracts_stored_silences_but_never_an_audit_log_removal() {
    let engine = Engine::new(&Config::default()).unwrap();
    // FW-011 from an event (audit log streaming removed): it cites the event.
    let mut removal = finding(3, "FW-011", "blind-spot", Severity::Low, "admin");
    removal.identity.id = "00u3".into();
    let silence = blind_spot(4);
    let mut stored = Stored::default();
    stored.findings.insert("00u3".into(), vec![removal.clone()]);
    stored.findings.insert("source:okta:4".into(), vec![silence.clone()]);
    // The service restores its regrouper from every stored FW-011 finding.
    let mut regrouper = Regrouper::new(vec![removal.clone(), silence.clone()]);

    let learned = regrouper.learn(Vec::new(), Some(Vec::new()), &mut stored).unwrap();
    let changes = regrouper.regroup(learned, &engine);
    assert_eq!(changes.retracted, [silence.id], "a silence no reading holds any more is retracted");
    assert!(!changes.retracted.contains(&removal.id), "an audit log removal is not a reading's to retract");
}
