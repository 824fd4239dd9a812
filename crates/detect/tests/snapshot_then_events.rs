//! A provider snapshot gives an identity the factors bound before the first log line; later
//! events change them as they change enrolled ones, and every detector sees them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod story;

use chrono::{DateTime, Utc};
use detect::{Config, Engine};
use graph::Graph;
use graph::import::{ImportOptions, import_with};
use model::{Provider, RemediationAction, Severity};
use story::*;

const TENANT: &str = "acme.okta.com";
const KEY: &str = r#"{"id": "fwf1alice", "factorType": "webauthn", "provider": "FIDO", "status": "ACTIVE",
    "created": "2025-01-10T09:00:00.000Z", "profile": {"authenticatorName": "YubiKey 5"}}"#;
const SMS: &str = r#"{"id": "mbl1alice", "factorType": "sms", "provider": "OKTA", "status": "ACTIVE",
    "created": "2024-06-01T09:00:00.000Z", "profile": {"phoneNumber": "+1 555 0100"}}"#;
/// Listed with no enrollment time: known from the snapshot's time on.
const SMS_UNDATED: &str = r#"{"id": "mbl1alice", "factorType": "sms", "provider": "OKTA", "status": "ACTIVE", "profile": {"phoneNumber": "+1 555 0100"}}"#;

/// alice (a super administrator) with `factors`, as `GET /api/v1/users/{id}/factors` listed
/// them at `taken`.
fn snapshot(taken: &str, factors: &[&str]) -> Graph {
    let doc = format!(
        r#"{{"tenant": "{TENANT}",
            "user": {{"id": "00u1alice", "status": "ACTIVE", "profile": {{"login": "alice@acme.com"}}}},
            "factors": [{}],
            "roles": [{{"type": "SUPER_ADMIN", "label": "Super Administrator", "status": "ACTIVE"}}]}}"#,
        factors.join(",")
    );
    let taken = DateTime::parse_from_rfc3339(taken).unwrap().with_timezone(&Utc);
    let mut g = Graph::new();
    let options = ImportOptions { snapshot_time: Some(taken), file_time: None };
    assert_eq!(import_with(&mut g, "alice.factors.json", &doc, &options).unwrap().format, "okta factors");
    g
}

/// The engine after the lines, before `finish`, to read identity state.
fn run(graph: Graph, lines: &[String]) -> Engine {
    let config: Config = toml::from_str(OKTA_TENANT).unwrap();
    let mut opts = ingest::Options::default();
    opts.set_tenant(Provider::Okta, TENANT);
    let (mut events, _) = ingest::normalize_text("okta.ndjson", &ndjson(lines), &opts);
    events.sort_by(detect::order::compare);
    let mut engine = Engine::with_graph(&config, graph).unwrap();
    for e in &events {
        engine.process(e);
    }
    engine
}

/// Keys of alice's factors still bound, sorted.
fn bound(engine: &Engine) -> Vec<String> {
    let view = engine.identity(Provider::Okta, TENANT, "00u1alice").unwrap();
    let mut keys: Vec<String> =
        view.factors.iter().filter(|f| f.removed_at.is_none()).map(|f| f.key.to_string()).collect();
    keys.sort();
    keys
}

fn drop_key(by: Option<(&str, &str)>) -> String {
    let line = okta(&t(7, 10, 0), "user.mfa.factor.deactivate", "drop-key").enrollment("fwf1alice", "Security Key");
    match by {
        Some((id, login)) => line.by(id, login).on("00u1alice", "alice@acme.com").from(HELPDESK_DESK).line(),
        None => line.line(),
    }
}

#[test]
fn a_snapshot_security_key_removed_leaving_the_snapshot_sms_gives_fw_006() {
    let mut lines = okta_baseline(1..=6);
    lines.push(drop_key(None));

    let engine = run(snapshot("2026-04-30T00:00:00Z", &[KEY, SMS]), &lines);
    assert_eq!(bound(&engine), ["mbl1alice"]);
    let view = engine.identity(Provider::Okta, TENANT, "00u1alice").unwrap();
    let sms = view.factors.iter().find(|f| f.key == "mbl1alice").unwrap();
    assert!(sms.description.contains("listed in the snapshot of"), "{}", sms.description);
    let report = engine.finish();
    let found = common::of(&report, "FW-006");
    assert_eq!(found.len(), 1, "{:#?}", common::fired(&report));
    assert!(found[0].severity >= Severity::High, "{:?}", found[0].severity);
    assert_eq!(found[0].identity.tier, 0, "the snapshot's admin role");
    assert!(found[0].summary.contains("the strongest factor left is possession_weak"), "{}", found[0].summary);

    // Without the snapshot, nothing says a weaker factor is left.
    let report = common::hunt(OKTA_TENANT, &[("okta.ndjson", &ndjson(&lines))]);
    assert!(common::of(&report, "FW-006").is_empty(), "{:#?}", common::fired(&report));
}

#[test]
fn a_help_desk_removing_a_snapshot_admins_security_key_is_a_privileged_change_and_a_weakening() {
    let mut lines = okta_baseline(1..=6);
    lines.push(drop_key(Some(("00u9mal", "mallory@acme.com"))));
    let report = run(snapshot("2026-04-30T00:00:00Z", &[KEY, SMS]), &lines).finish();
    let fired = common::fired(&report);
    assert!(common::of(&report, "FW-006").iter().any(|f| f.identity.id == "00u1alice"), "{fired:#?}");
    let fw004 = common::of(&report, "FW-004");
    assert!(fw004.iter().any(|f| f.severity >= Severity::High && f.identity.tier == 0), "{fired:#?}");
}

#[test]
fn a_factor_enrolled_after_the_snapshot_and_the_snapshot_sms_removed_leave_no_weakening() {
    let mut lines = okta_baseline(1..=6);
    lines.push(
        okta(&t(7, 9, 0), "user.mfa.factor.activate", "bind-key")
            .enrollment("mfa-key2", "Security Key")
            .factor("FIDO_WEBAUTHN")
            .line(),
    );
    lines.push(okta(&t(7, 11, 0), "user.mfa.factor.deactivate", "drop-sms").enrollment("mbl1alice", "SMS").line());
    let engine = run(snapshot("2026-04-30T00:00:00Z", &[SMS]), &lines);
    assert_eq!(bound(&engine), ["mfa-key2"]);
    let report = engine.finish();
    assert!(common::of(&report, "FW-006").is_empty(), "{:#?}", common::fired(&report));
}

#[test]
fn a_factor_the_snapshot_dates_after_the_first_event_comes_from_its_enrollment_event_once() {
    let later_key = r#"{"id": "mfa-key2", "factorType": "webauthn", "provider": "FIDO", "status": "ACTIVE",
        "created": "2026-05-07T09:00:00.000Z"}"#;
    let mut lines = okta_baseline(1..=6);
    lines.push(
        okta(&t(7, 9, 0), "user.mfa.factor.activate", "bind-key")
            .enrollment("mfa-key2", "Security Key")
            .factor("FIDO_WEBAUTHN")
            .line(),
    );
    let engine = run(snapshot("2026-05-08T00:00:00Z", &[later_key, SMS]), &lines);
    let view = engine.identity(Provider::Okta, TENANT, "00u1alice").unwrap();
    let keys: Vec<&str> = view.factors.iter().filter(|f| f.key == "mfa-key2").map(|f| f.description.as_str()).collect();
    assert_eq!(keys.len(), 1, "{keys:?}");
    assert!(keys[0].contains(" bound 2026-05-07 09:00"), "the enrollment event's binding: {}", keys[0]);
    assert_eq!(bound(&engine), ["mbl1alice", "mfa-key2"]);
}

#[test]
fn a_snapshot_taken_during_the_incident_has_remediation_name_its_factor_by_id() {
    let mut lines = okta_baseline(1..=6);
    lines.push(drop_key(Some(("00u9mal", "mallory@acme.com"))));
    // Exported the day after: the key is gone, the SMS (of unknown age) is what is left.
    let report = run(snapshot("2026-05-08T00:00:00Z", &[SMS_UNDATED]), &lines).finish();
    assert!(!common::of(&report, "FW-006").is_empty(), "{:#?}", common::fired(&report));
    let incident = report.incidents.iter().find(|i| i.identity.id == "00u1alice").unwrap();
    let removal = incident.remediation.iter().find(|s| s.action == RemediationAction::RemoveFactor);
    let removal = removal.unwrap_or_else(|| panic!("{:#?}", incident.remediation));
    assert!(removal.detail.contains("factor id mbl1alice"), "{}", removal.detail);
    assert!(removal.detail.contains("listed in the snapshot of 2026-05-08 00:00 UTC"), "{}", removal.detail);
}
