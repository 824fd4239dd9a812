//! A factor detection knows only from its use (bound before the logs began) counts for the
//! decision point like an enrolled one: binding something weaker than it needs approval, and
//! revalidation lists it with its provider id.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use model::{FactorClass, Provider};
use policy::{Approvals, MemoryLedger, identity_context, privileged_identities};
use std::collections::BTreeMap;
use std::sync::Arc;

const TENANT: &str = "acme.okta.com";
const ALICE: &str = "00ualice";

/// Alice answers a challenge with her security key (enrollment `pfd-key`) a day before.
fn key_used() -> model::Event {
    let time = common::now() - chrono::Duration::days(1);
    serde_json::from_value(serde_json::json!({
        "provider": "okta", "tenant": TENANT, "id": "use-1", "time": time,
        "category": "mfa_challenge", "action": "user.authentication.auth_via_mfa", "outcome": "success",
        "actor": {"id": ALICE, "name": "alice@acme.com", "kind": "human"},
        "target": {"id": ALICE, "name": "alice@acme.com", "kind": "human"},
        "relation": "self",
        "factor": {"kind": "FIDO_WEBAUTHN", "class": "phishing_resistant", "id": "pfd-key"},
        "source": "okta.ndjson:1",
    }))
    .unwrap()
}

fn engine(config: &str, events: &[model::Event]) -> detect::Engine {
    let config: detect::Config = toml::from_str(config).unwrap();
    let mut engine = detect::Engine::new(&config).unwrap();
    for e in events {
        engine.process(e);
    }
    engine
}

/// The rules that matched an SMS binding for alice, from a session at AAL 3.
fn sms_rules(engine: &detect::Engine) -> Vec<String> {
    let mut req = common::request();
    req.factor.kind = "SMS_FACTOR".into();
    req.factor.class = FactorClass::PossessionWeak;
    req.context.session_aal = 3;
    let view = engine.identity(Provider::Okta, TENANT, ALICE);
    let ident = identity_context(engine, view, &BTreeMap::new(), &req, common::now());
    let decision = common::point().decide(&req, &ident, common::now()).unwrap();
    decision.reasons.iter().map(|r| r.rule.to_string()).collect()
}

#[test]
fn binding_sms_below_a_key_seen_only_in_use_is_weaker_than_what_the_identity_holds() {
    let with_use = sms_rules(&engine("", &[key_used()]));
    assert!(with_use.iter().any(|r| r == "weaker-class-approval"), "{with_use:?}");
    let without = sms_rules(&engine("", &[]));
    assert!(!without.iter().any(|r| r == "weaker-class-approval"), "{without:?}");
}

#[test]
fn revalidation_lists_a_privileged_identitys_factor_seen_only_in_use_by_its_id() {
    let engine = engine("[identities]\nprivileged = [\"okta:00ualice\"]\n", &[key_used()]);
    let approvals = Approvals::new(Arc::new(MemoryLedger::new()), std::time::Duration::from_secs(900));
    let identities = privileged_identities(&engine, &approvals, &BTreeMap::new()).unwrap();
    let alice = identities.iter().find(|i| i.key.identity == ALICE).expect("alice is privileged");
    assert_eq!(alice.factors.len(), 1, "{:?}", alice.factors);
    assert_eq!(alice.factors[0].id.as_deref(), Some("pfd-key"));
    assert_eq!(alice.factors[0].class, FactorClass::PhishingResistant);
    assert!(!alice.factors[0].approved);
}
