//! Incidents follow the attack, not the clock: findings on one identity that cite the same
//! event (the same binding, reset or sign-in) form one incident however far apart they are;
//! findings that share nothing and are days apart stay separate.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod story;

use chrono::Duration;
use common::built::finding;
use model::{Finding, Severity};
use story::*;

const OKTA_CONFIG: &str =
    "[tenants]\nokta = \"acme.okta.com\"\n[identities]\nallowed_delegates = [\"help@acme.com\"]\n";

#[test]
fn the_enrollment_after_a_risky_signin_and_its_use_three_days_after_the_reset_are_one_incident() {
    let report = common::hunt(OKTA_CONFIG, &[("okta.ndjson", &ndjson(&okta_risky_binding_then_reset_then_use()))]);
    let fired = common::fired(&report);
    let enrolled = common::of(&report, "FW-002");
    assert_eq!(enrolled.len(), 1, "{fired:#?}");
    let used: Vec<&Finding> =
        common::of(&report, "FW-003").into_iter().filter(|f| f.severity == Severity::Critical).collect();
    assert_eq!(used.len(), 1, "{fired:#?}");
    // Days apart: the clock alone would split them.
    assert!(used[0].time - enrolled[0].time > Duration::days(4));
    assert_eq!(enrolled[0].incident, used[0].incident, "{fired:#?}");

    let incident = report.incidents.iter().find(|i| i.id == used[0].incident).unwrap();
    for f in common::of(&report, "FW-003").into_iter().chain(enrolled.iter().copied()) {
        assert!(incident.findings.contains(&f.id), "{} not in {:?}", f.id, incident.findings);
    }
    assert_eq!(incident.severity, Severity::Critical);
    assert_eq!(incident.first, enrolled[0].time);
    assert_eq!(incident.last, used[0].time);
    assert!(incident.detectors.iter().any(|d| d == "FW-002") && incident.detectors.iter().any(|d| d == "FW-003"));
}

#[test]
fn findings_on_one_identity_that_share_no_evidence_and_are_days_apart_stay_separate_incidents() {
    let first = finding(1, "FW-002", "enroll-after-risky-signin", Severity::High, "alice");
    let mut later = finding(2, "FW-001", "privileged-factor-change", Severity::High, "alice");
    later.identity = first.identity.clone();
    later.time = first.time + Duration::days(3);
    for e in &mut later.evidence {
        e.time = later.time;
    }
    let engine = detect::Engine::new(&detect::Config::default()).unwrap();
    let mut findings = vec![first.clone(), later.clone()];
    let incidents = engine.group(&mut findings);
    assert_eq!(incidents.len(), 2);

    // The same two, the later one citing the first one's binding: one incident, with the
    // id the first finding's incident had alone.
    let mut linked = later.clone();
    linked.evidence.push(first.evidence[0].clone());
    let alone = engine.group(&mut [first.clone()]);
    let mut findings = vec![linked, first];
    let incidents = engine.group(&mut findings);
    assert_eq!(incidents.len(), 1);
    assert_eq!(incidents[0].id, alone[0].id);
    assert_eq!(incidents[0].findings.len(), 2);
}
