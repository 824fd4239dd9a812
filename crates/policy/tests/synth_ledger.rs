//! `factorwatch gen` writes `decisions.ndjson` from its own structs (synth does not depend
//! on policy); it must load as policy's decisions and approvals and admit what truth.json
//! says it allows.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use detect::EnrollmentGate;
use policy::{Approvals, LedgerGate};
use std::sync::Arc;

#[test]
fn the_generated_ledger_export_loads_and_admits_the_allowed_bindings() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = synth::Config { seed: 9, users: 40, days: 14, events: 3_000, ..synth::Config::default() };
    synth::generate(&cfg, dir.path()).unwrap();
    let ledger = policy::load_ledger_file(&dir.path().join("decisions.ndjson")).unwrap();
    assert_eq!(ledger.counts(), (2, 1));
    let gate = LedgerGate::new(Approvals::new(Arc::new(ledger), std::time::Duration::from_secs(900)));
    let truth: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("truth.json")).unwrap()).unwrap();
    for allowed in truth["gating"]["allowed"].as_array().unwrap() {
        let at = chrono::DateTime::parse_from_rfc3339(allowed["time"].as_str().unwrap()).unwrap().to_utc();
        let admitted = gate.admit(
            model::Provider::parse(allowed["provider"].as_str().unwrap()).unwrap(),
            "acme.okta.com",
            allowed["identity"].as_str().unwrap(),
            allowed["factor_kind"].as_str().unwrap(),
            at,
        );
        assert_eq!(admitted.as_deref(), allowed["grant"].as_str(), "{allowed:#}");
    }
}
