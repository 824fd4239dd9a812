//! FW-012 unapproved-enrollment: with gating enabled, a factor bound to a gated identity
//! (tier 0/1 by default, or named in `[gating] identities`) that the gate does not admit is
//! a finding: critical on tier 0, high otherwise, info when the provider itself bound it.
//! The decision point's own semantics (expiry, single-use approvals) are tested through the
//! real ledger in `crates/policy/tests/ledger_gate.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod story;

use chrono::{DateTime, Utc};
use detect::EnrollmentGate;
use model::{Provider, Severity};
use std::sync::{Arc, Mutex};
use story::*;

/// What the gate was asked: provider, tenant, identity, factor kind, time.
type Question = (Provider, String, String, String, DateTime<Utc>);

/// A gate that admits what it was told to, and remembers every question.
#[derive(Default)]
struct FakeGate {
    /// (identity, factor kind, grant id).
    grants: Vec<(String, String, String)>,
    asked: Mutex<Vec<Question>>,
}

impl FakeGate {
    fn allowing(identity: &str, kind: &str) -> FakeGate {
        FakeGate { grants: vec![(identity.into(), kind.into(), "dec_1".into())], ..FakeGate::default() }
    }

    fn asked(&self) -> Vec<Question> {
        self.asked.lock().unwrap().clone()
    }
}

impl EnrollmentGate for FakeGate {
    fn admit(
        &self,
        provider: Provider,
        tenant: &str,
        identity: &str,
        factor_kind: &str,
        at: DateTime<Utc>,
    ) -> Option<String> {
        self.asked.lock().unwrap().push((provider, tenant.into(), identity.into(), factor_kind.into(), at));
        self.grants.iter().find(|(i, k, _)| i == identity && k.eq_ignore_ascii_case(factor_kind)).map(|g| g.2.clone())
    }
}

const GATED_ALICE: &str =
    "[tenants]\nokta = \"acme.okta.com\"\n[identities]\nprivileged = [\"alice@acme.com\"]\n[gating]\nenabled = true\n";

fn security_key(uuid: &str) -> String {
    okta(&t(6, 12, 0), "user.mfa.factor.activate", uuid)
        .enrollment("key-1", "Security Key or Biometric")
        .factor("FIDO_WEBAUTHN")
        .line()
}

fn hunt(config: &str, gate: &Arc<FakeGate>, lines: &[String]) -> detect::Report {
    common::hunt_gated(config, gate.clone(), &[("okta.ndjson", &ndjson(lines))])
}

#[test]
fn unapproved_factor_on_a_tier0_identity_is_critical_with_evidence_and_mappings() {
    let gate = Arc::new(FakeGate::default());
    let report = hunt(GATED_ALICE, &gate, &[security_key("bind-key")]);
    let found = common::of(&report, "FW-012");
    assert_eq!(found.len(), 1, "{:#?}", common::fired(&report));
    let f = found[0];
    assert_eq!((f.severity, f.identity.tier), (Severity::Critical, 0));
    assert_eq!(f.name, "unapproved-enrollment");
    assert_eq!(f.identity.id.as_str(), "00u1alice");
    assert!(f.summary.contains("FIDO_WEBAUTHN factor"), "{}", f.summary);
    assert!(f.summary.contains("tier 0 identity alice@acme.com"), "{}", f.summary);
    assert_eq!(evidence_ids(f), ["bind-key"]);
    assert_eq!(strs(&f.mappings.attack), ["T1098.005", "T1556.006"]);
    assert_eq!(strs(&f.mappings.csf), ["PR.AA-02", "DE.CM-03"]);
    assert!(f.mappings.owasp_agentic.is_empty());
    // The incident's plan closes the path like any other: the factor is named for removal.
    assert!(f.remediation.iter().any(|s| s.action == model::RemediationAction::RemoveFactor), "{:#?}", f.remediation);
    // FW-001 still reports the privileged change on its own.
    assert_eq!(common::of(&report, "FW-001").len(), 1);
}

#[test]
fn the_gate_is_asked_with_the_subjects_immutable_id_the_factor_kind_and_the_event_time() {
    let gate = Arc::new(FakeGate::allowing("00u1alice", "fido_webauthn"));
    let report = hunt(GATED_ALICE, &gate, &[security_key("bind-key")]);
    assert!(common::of(&report, "FW-012").is_empty(), "{:#?}", common::fired(&report));
    let asked = gate.asked();
    assert_eq!(asked.len(), 1);
    let (provider, tenant, identity, kind, at) = &asked[0];
    assert_eq!(
        (provider, tenant.as_str(), identity.as_str(), kind.as_str()),
        (&Provider::Okta, "acme.okta.com", "00u1alice", "FIDO_WEBAUTHN")
    );
    assert_eq!(at.to_rfc3339(), "2026-05-06T12:00:00+00:00");
}

#[test]
fn a_grant_for_another_factor_kind_does_not_cover_the_binding() {
    let gate = Arc::new(FakeGate::allowing("00u1alice", "OKTA_VERIFY_PUSH"));
    let report = hunt(GATED_ALICE, &gate, &[security_key("bind-key")]);
    assert_eq!(common::of(&report, "FW-012").len(), 1, "{:#?}", common::fired(&report));
}

#[test]
fn unapproved_factor_on_a_tier1_identity_is_high() {
    let config =
        "[tenants]\nokta = \"acme.okta.com\"\n[identities]\ntier1 = [\"okta:00u1alice\"]\n[gating]\nenabled = true\n";
    let gate = Arc::new(FakeGate::default());
    let report = hunt(config, &gate, &[security_key("bind-key")]);
    let found = common::of(&report, "FW-012");
    assert_eq!(found.len(), 1, "{:#?}", common::fired(&report));
    assert_eq!((found[0].severity, found[0].identity.tier), (Severity::High, 1));
}

#[test]
fn a_tier2_identity_is_not_gated_and_the_gate_is_never_asked() {
    let config = "[tenants]\nokta = \"acme.okta.com\"\n[gating]\nenabled = true\n";
    let gate = Arc::new(FakeGate::default());
    let mut lines = okta_baseline(1..=5);
    lines.push(security_key("plain-bind"));
    let report = hunt(config, &gate, &lines);
    assert!(common::of(&report, "FW-012").is_empty(), "{:#?}", common::fired(&report));
    assert!(gate.asked().is_empty());
}

#[test]
fn an_identity_named_in_gating_identities_is_gated_whatever_its_tier() {
    let config = "[tenants]\nokta = \"acme.okta.com\"\n[gating]\nenabled = true\ntiers = []\nidentities = [\"ALICE@acme.com\"]\n";
    let gate = Arc::new(FakeGate::default());
    let report = hunt(config, &gate, &[security_key("bind-key")]);
    let found = common::of(&report, "FW-012");
    assert_eq!(found.len(), 1, "{:#?}", common::fired(&report));
    assert_eq!((found[0].severity, found[0].identity.tier), (Severity::High, 2));
}

#[test]
fn tier2_is_gated_when_the_tiers_setting_says_so() {
    let config = "[tenants]\nokta = \"acme.okta.com\"\n[gating]\nenabled = true\ntiers = [2]\n";
    let gate = Arc::new(FakeGate::default());
    let report = hunt(config, &gate, &[security_key("bind-key")]);
    assert_eq!(common::fired(&report), ["FW-012 high alice@acme.com"]);
}

#[test]
fn with_gating_off_the_gate_is_never_asked_and_nothing_fires() {
    let config = "[tenants]\nokta = \"acme.okta.com\"\n[identities]\nprivileged = [\"alice@acme.com\"]\n";
    let gate = Arc::new(FakeGate::default());
    let report = hunt(config, &gate, &[security_key("bind-key")]);
    assert!(common::of(&report, "FW-012").is_empty(), "{:#?}", common::fired(&report));
    assert!(gate.asked().is_empty());
}

#[test]
fn with_gating_on_but_no_gate_set_nothing_fires() {
    let report = common::hunt(GATED_ALICE, &[("okta.ndjson", &security_key("bind-key"))]);
    assert!(common::of(&report, "FW-012").is_empty(), "{:#?}", common::fired(&report));
}

#[test]
fn a_binding_the_provider_made_itself_is_info_only() {
    let gate = Arc::new(FakeGate::default());
    let line = okta(&t(6, 12, 0), "user.mfa.factor.activate", "sys-bind")
        .by_system()
        .on("00u1alice", "alice@acme.com")
        .enrollment("mfa-1", "Okta Verify")
        .line();
    let report = hunt(GATED_ALICE, &gate, &[line]);
    let found = common::of(&report, "FW-012");
    assert_eq!(found.len(), 1, "{:#?}", common::fired(&report));
    assert_eq!(found[0].severity, Severity::Info);
    assert!(found[0].summary.contains("by the provider itself"), "{}", found[0].summary);
}

#[test]
fn a_delegated_binding_names_the_actor() {
    let gate = Arc::new(FakeGate::default());
    let line = okta(&t(6, 12, 0), "user.mfa.factor.activate", "hd-bind")
        .by("00u9help", "helpdesk@acme.com")
        .on("00u1alice", "alice@acme.com")
        .enrollment("mfa-1", "Okta Verify")
        .line();
    let report = hunt(GATED_ALICE, &gate, &[line]);
    let found = common::of(&report, "FW-012");
    assert_eq!(found.len(), 1, "{:#?}", common::fired(&report));
    assert!(found[0].summary.contains("by helpdesk@acme.com"), "{}", found[0].summary);
    assert_eq!(found[0].actor.as_ref().and_then(|a| a.name.as_deref()), Some("helpdesk@acme.com"));
}

#[test]
fn a_binding_on_a_gated_ai_agent_maps_to_asi03() {
    let config = "[tenants]\nokta = \"acme.okta.com\"\n[identities]\nprivileged = [\"alice@acme.com\"]\nai_agents = [\"okta:00u1alice\"]\n[gating]\nenabled = true\n";
    let gate = Arc::new(FakeGate::default());
    let report = hunt(config, &gate, &[security_key("bind-key")]);
    let found = common::of(&report, "FW-012");
    assert_eq!(found.len(), 1, "{:#?}", common::fired(&report));
    assert_eq!(strs(&found[0].mappings.owasp_agentic), ["ASI03"]);
}

#[test]
fn removals_updates_and_failed_bindings_are_not_asked_about() {
    let gate = Arc::new(FakeGate::default());
    let lines = [
        okta(&t(6, 12, 0), "user.mfa.factor.activate", "failed-bind")
            .enrollment("mfa-1", "Okta Verify")
            .failed()
            .line(),
        okta(&t(6, 12, 5), "user.mfa.factor.deactivate", "unbind").enrollment("mfa-0", "Okta Verify").line(),
    ];
    let report = hunt(GATED_ALICE, &gate, &lines);
    assert!(common::of(&report, "FW-012").is_empty(), "{:#?}", common::fired(&report));
    assert!(gate.asked().is_empty(), "{:?}", gate.asked());
}

#[test]
fn the_same_unapproved_binding_gives_the_same_finding_id_every_run() {
    let a = hunt(GATED_ALICE, &Arc::new(FakeGate::default()), &[security_key("bind-key")]);
    let b = hunt(GATED_ALICE, &Arc::new(FakeGate::default()), &[security_key("bind-key")]);
    let ids = |r: &detect::Report| common::of(r, "FW-012").iter().map(|f| f.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&a).len(), 1);
    assert_eq!(ids(&a), ids(&b));
}

#[test]
fn a_stream_with_a_gate_reports_what_a_hunt_reports_and_a_restored_one_takes_its_gate_again() {
    let config: detect::Config = toml::from_str(GATED_ALICE).unwrap();
    let mut opts = ingest::Options::default();
    opts.set_tenant(Provider::Okta, "acme.okta.com");
    let (events, _) = ingest::normalize_text("okta.ndjson", &security_key("bind-key"), &opts);
    let hunted = hunt(GATED_ALICE, &Arc::new(FakeGate::default()), &[security_key("bind-key")]);

    let gate = Arc::new(FakeGate::default());
    let engine = detect::Engine::new(&config).unwrap();
    let mut stream = detect::Stream::new(engine, config.stream.lateness).with_gate(gate.clone());
    let snapshot = stream.snapshot().unwrap();
    for (seq, e) in events.into_iter().enumerate() {
        stream.push(seq as i64 + 1, e);
    }
    stream.drain(DateTime::<Utc>::MAX_UTC);
    let ids: Vec<String> =
        stream.take_findings().into_iter().filter(|f| f.detector == "FW-012").map(|f| f.id).collect();
    assert_eq!(ids, common::of(&hunted, "FW-012").iter().map(|f| f.id.clone()).collect::<Vec<_>>());

    // The snapshot format holds no gate: a restored stream asks the gate it is given.
    let restored_gate = Arc::new(FakeGate::default());
    let mut restored = detect::Stream::restore(&config, &snapshot).unwrap().with_gate(restored_gate.clone());
    let (events, _) = ingest::normalize_text("okta.ndjson", &security_key("bind-key"), &opts);
    for (seq, e) in events.into_iter().enumerate() {
        restored.push(seq as i64 + 1, e);
    }
    restored.drain(DateTime::<Utc>::MAX_UTC);
    assert_eq!(restored_gate.asked().len(), 1);
    assert_eq!(restored.take_findings().iter().filter(|f| f.detector == "FW-012").count(), 1);
}
