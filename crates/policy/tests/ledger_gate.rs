//! FW-012 against the real ledger: `LedgerGate` answers detection's `EnrollmentGate` from
//! the decisions and approvals of the decision point (an `allow` in force, an approved
//! approval used once), and `load_ledger_file` reads the ledger export it is given.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{DateTime, Duration, TimeZone, Utc};
use detect::EnrollmentGate;
use model::{FactorClass, Provider, Severity};
use policy::{
    Approval, ApprovalState, Approvals, Approver, AuditRecord, Decision, IdentityKey, Ledger, LedgerEntry, LedgerError,
    LedgerFileError, LedgerGate, MemoryLedger, Outcome, Purpose, Reviewer, Role,
};
use std::io::Write;
use std::sync::Arc;

const TENANT: &str = "acme.okta.com";
const ALICE: &str = "00ualice";
const KEY: &str = "FIDO_WEBAUTHN";

fn at(h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 5, 4, h, m, 0).unwrap()
}

fn decision(id: &str, outcome: Outcome, time: DateTime<Utc>, valid: Duration) -> Decision {
    Decision {
        id: id.into(),
        time,
        provider: Provider::Okta,
        tenant: TENANT.into(),
        identity: ALICE.into(),
        actor: ALICE.into(),
        factor_kind: KEY.into(),
        factor_class: FactorClass::PhishingResistant,
        outcome,
        reasons: vec![],
        required_aal: 2,
        approvers: if outcome == Outcome::RequireApproval { vec![Approver::Soc] } else { vec![] },
        approval_ttl_seconds: 900,
        valid_until: time + valid,
        notify: vec![],
        policies: vec![],
    }
}

/// An approval of `decision` given by the SOC at `decided`, lasting 15 minutes.
fn approved(id: &str, decision: &Decision, decided: DateTime<Utc>) -> Approval {
    Approval {
        id: id.into(),
        key: IdentityKey::of(decision),
        purpose: Purpose::Enrollment { decision_id: decision.id.clone(), factor_kind: decision.factor_kind.clone() },
        requester: decision.actor.clone(),
        eligible: vec![Approver::Soc],
        reasons: vec!["privileged-approval: tier 0".into()],
        required_aal: 2,
        created_at: decision.time,
        expires_at: decided + Duration::minutes(15),
        state: ApprovalState::Approved,
        reviewer: Some(Reviewer::new("soc-bob", Role::Soc)),
        justification: Some("called alice back".into()),
        decided_at: Some(decided),
        consumed_at: None,
        version: 1,
    }
}

fn gate(entries: &[LedgerEntry]) -> Arc<LedgerGate> {
    let ledger = MemoryLedger::new();
    for e in entries {
        match e {
            LedgerEntry::Decision(d) => ledger.insert_decision(d).unwrap(),
            LedgerEntry::Approval(a) => ledger.insert_approval(a).unwrap(),
        }
    }
    Arc::new(LedgerGate::new(Approvals::new(Arc::new(ledger), std::time::Duration::from_secs(900))))
}

/// A security key bound to alice at `time`.
fn binding(id: &str, time: DateTime<Utc>) -> model::Event {
    serde_json::from_value(serde_json::json!({
        "provider": "okta", "tenant": TENANT, "id": id, "time": time,
        "category": "factor_add", "action": "user.mfa.factor.activate", "outcome": "success",
        "actor": {"id": ALICE, "name": "alice@acme.com", "kind": "human"},
        "relation": "self",
        "factor": {"kind": KEY, "class": "phishing_resistant", "id": format!("fwf-{id}")},
        "source": format!("okta.ndjson:{}", id.len()),
    }))
    .unwrap()
}

/// Hunts alice's bindings with alice at tier 0 and gating on; returns the FW-012 findings.
fn hunt(gate: Arc<LedgerGate>, bindings: &[model::Event]) -> Vec<model::Finding> {
    let config: detect::Config =
        toml::from_str("[identities]\nprivileged = [\"okta:00ualice\"]\n[gating]\nenabled = true\n").unwrap();
    let mut engine = detect::Engine::new(&config).unwrap().with_gate(gate);
    for e in bindings {
        engine.process(e);
    }
    engine.finish().findings.into_iter().filter(|f| f.detector == "FW-012").collect()
}

fn evidence(findings: &[model::Finding]) -> Vec<String> {
    findings.iter().flat_map(|f| f.evidence.iter().map(|e| e.event_id.to_string())).collect()
}

#[test]
fn a_tier0_binding_with_no_decision_is_critical() {
    let found = hunt(gate(&[]), &[binding("b1", at(10, 5))]);
    assert_eq!(found.len(), 1);
    assert_eq!((found[0].severity, found[0].identity.tier), (Severity::Critical, 0));
}

#[test]
fn an_allow_decision_in_force_admits_the_binding_and_again_while_it_lasts() {
    let allow = decision("dec_allow", Outcome::Allow, at(10, 0), Duration::minutes(15));
    let g = gate(&[LedgerEntry::Decision(allow)]);
    assert!(hunt(g.clone(), &[binding("b1", at(10, 5)), binding("b2", at(10, 10))]).is_empty());
    assert_eq!(g.admit(Provider::Okta, TENANT, ALICE, "fido_webauthn", at(10, 14)).as_deref(), Some("dec_allow"));
}

#[test]
fn an_allow_decision_that_expired_before_the_binding_gives_fw012() {
    let allow = decision("dec_allow", Outcome::Allow, at(10, 0), Duration::minutes(15));
    let found = hunt(gate(&[LedgerEntry::Decision(allow)]), &[binding("late", at(10, 16))]);
    assert_eq!(evidence(&found), ["late"]);
}

#[test]
fn a_decision_made_after_the_binding_does_not_cover_it() {
    let allow = decision("dec_allow", Outcome::Allow, at(10, 10), Duration::minutes(15));
    assert_eq!(evidence(&hunt(gate(&[LedgerEntry::Decision(allow)]), &[binding("early", at(10, 5))])), ["early"]);
}

#[test]
fn deny_and_step_up_decisions_allow_nothing() {
    let deny = decision("dec_deny", Outcome::Deny, at(10, 0), Duration::minutes(15));
    let step = decision("dec_step", Outcome::StepUp, at(10, 0), Duration::minutes(15));
    let found = hunt(gate(&[LedgerEntry::Decision(deny), LedgerEntry::Decision(step)]), &[binding("b1", at(10, 5))]);
    assert_eq!(evidence(&found), ["b1"]);
}

#[test]
fn an_approval_is_single_use_the_second_binding_of_that_kind_gives_fw012() {
    let asked = decision("dec_ask", Outcome::RequireApproval, at(10, 0), Duration::minutes(15));
    let approval = approved("apr_1", &asked, at(10, 3));
    let g = gate(&[LedgerEntry::Decision(asked), LedgerEntry::Approval(approval)]);
    let found = hunt(g.clone(), &[binding("first", at(10, 5)), binding("second", at(10, 8))]);
    assert_eq!(evidence(&found), ["second"]);
    let used = g.approvals().get("apr_1").unwrap();
    assert_eq!((used.state, used.consumed_at), (ApprovalState::Consumed, Some(at(10, 5))));
}

#[test]
fn a_pending_or_denied_approval_allows_nothing() {
    let asked = decision("dec_ask", Outcome::RequireApproval, at(10, 0), Duration::minutes(15));
    let mut pending = approved("apr_p", &asked, at(10, 3));
    pending.state = ApprovalState::Pending;
    pending.decided_at = None;
    let mut denied = approved("apr_d", &asked, at(10, 3));
    denied.state = ApprovalState::Denied;
    let g = gate(&[LedgerEntry::Decision(asked), LedgerEntry::Approval(pending), LedgerEntry::Approval(denied)]);
    assert_eq!(evidence(&hunt(g, &[binding("b1", at(10, 5))])), ["b1"]);
}

#[test]
fn asking_again_about_a_binding_that_used_its_approval_admits_it_again() {
    // Stream mode replays events after a crash: the same binding must get the same answer.
    let asked = decision("dec_ask", Outcome::RequireApproval, at(10, 0), Duration::minutes(15));
    let g = gate(&[LedgerEntry::Approval(approved("apr_1", &asked, at(10, 3))), LedgerEntry::Decision(asked)]);
    for _ in 0..2 {
        assert_eq!(g.admit(Provider::Okta, TENANT, ALICE, KEY, at(10, 5)).as_deref(), Some("apr_1"));
    }
    assert_eq!(g.admit(Provider::Okta, TENANT, ALICE, KEY, at(10, 6)), None);
    assert_eq!(g.errors(), 0);
}

#[test]
fn decisions_about_another_identity_or_tenant_do_not_count() {
    let mut other = decision("dec_bob", Outcome::Allow, at(10, 0), Duration::minutes(15));
    other.identity = "00ubob".into();
    let mut elsewhere = decision("dec_else", Outcome::Allow, at(10, 0), Duration::minutes(15));
    elsewhere.tenant = "other.okta.com".into();
    let found =
        hunt(gate(&[LedgerEntry::Decision(other), LedgerEntry::Decision(elsewhere)]), &[binding("b1", at(10, 5))]);
    assert_eq!(evidence(&found), ["b1"]);
}

/// A ledger whose backend is down.
struct Down;

impl Ledger for Down {
    fn insert_decision(&self, _: &Decision) -> Result<(), LedgerError> {
        Err(LedgerError::Backend("down".into()))
    }
    fn decision(&self, _: &str) -> Result<Option<Decision>, LedgerError> {
        Err(LedgerError::Backend("down".into()))
    }
    fn decisions_for(&self, _: &IdentityKey) -> Result<Vec<Decision>, LedgerError> {
        Err(LedgerError::Backend("down".into()))
    }
    fn insert_approval(&self, _: &Approval) -> Result<(), LedgerError> {
        Err(LedgerError::Backend("down".into()))
    }
    fn approval(&self, _: &str) -> Result<Option<Approval>, LedgerError> {
        Err(LedgerError::Backend("down".into()))
    }
    fn approvals_for(&self, _: &IdentityKey) -> Result<Vec<Approval>, LedgerError> {
        Err(LedgerError::Backend("down".into()))
    }
    fn update_approval(&self, _: &Approval, _: u64) -> Result<bool, LedgerError> {
        Err(LedgerError::Backend("down".into()))
    }
    fn append_audit(&self, _: &AuditRecord) -> Result<(), LedgerError> {
        Err(LedgerError::Backend("down".into()))
    }
    fn audit_for(&self, _: &str) -> Result<Vec<AuditRecord>, LedgerError> {
        Err(LedgerError::Backend("down".into()))
    }
}

#[test]
fn a_ledger_that_fails_to_answer_is_counted_and_the_binding_reported() {
    let g = Arc::new(LedgerGate::new(Approvals::new(Arc::new(Down), std::time::Duration::from_secs(900))));
    assert_eq!(evidence(&hunt(g.clone(), &[binding("b1", at(10, 5))])), ["b1"]);
    assert_eq!(g.errors(), 1);
}

// ------------------------------------------------------------------ the ledger export

fn export(lines: &[String]) -> tempfile::NamedTempFile {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(lines.join("\n").as_bytes()).unwrap();
    file
}

fn line(entry: &LedgerEntry) -> String {
    serde_json::to_string(entry).unwrap()
}

#[test]
fn a_ledger_export_loads_its_decisions_and_approvals_and_gates_with_them() {
    let asked = decision("dec_ask", Outcome::RequireApproval, at(10, 0), Duration::minutes(15));
    let allow = decision("dec_allow", Outcome::Allow, at(11, 0), Duration::minutes(15));
    let approval = approved("apr_1", &asked, at(10, 3));
    let lines = [
        line(&LedgerEntry::Decision(asked)),
        String::new(),
        line(&LedgerEntry::Approval(approval)),
        format!("  {}\r", line(&LedgerEntry::Decision(allow))),
    ];
    assert!(lines[0].starts_with("{\"decision\":{\"id\":\"dec_ask\""), "{}", lines[0]);
    assert!(lines[2].starts_with("{\"approval\":{\"id\":\"apr_1\""), "{}", lines[2]);
    let file = export(&lines);
    let ledger = policy::load_ledger_file(file.path()).unwrap();
    assert_eq!(ledger.counts(), (2, 1));
    let g = LedgerGate::new(Approvals::new(Arc::new(ledger), std::time::Duration::from_secs(900)));
    assert_eq!(g.admit(Provider::Okta, TENANT, ALICE, KEY, at(10, 5)).as_deref(), Some("apr_1"));
    assert_eq!(g.admit(Provider::Okta, TENANT, ALICE, KEY, at(11, 5)).as_deref(), Some("dec_allow"));
}

#[test]
fn every_bad_line_of_a_ledger_export_is_reported_with_file_line_and_reason() {
    let allow = decision("dec_allow", Outcome::Allow, at(10, 0), Duration::minutes(15));
    let good = line(&LedgerEntry::Decision(allow));
    let mut missing: serde_json::Value = serde_json::from_str(&good).unwrap();
    missing["decision"].as_object_mut().unwrap().remove("valid_until");
    let lines = [
        good.clone(),
        "not json".to_string(),
        r#"{"decison": {}}"#.to_string(),
        missing.to_string(),
        good,
        r#"{"approval": {"id": 7}}"#.to_string(),
        "[1, 2]".to_string(),
    ];
    let file = export(&lines);
    let err = policy::load_ledger_file(file.path()).unwrap_err();
    let LedgerFileError::Bad { problems, .. } = &err else { panic!("{err}") };
    let numbers: Vec<u64> = problems.iter().map(|p| p.line).collect();
    assert_eq!(numbers, [2, 3, 4, 5, 6, 7]);
    let text = err.to_string();
    let path = file.path().display().to_string();
    assert!(text.contains(&format!("`{path}` refused: 6 bad line(s)")), "{text}");
    assert!(text.contains(&format!("{path}:2: expected value at column 1")), "{text}");
    assert!(
        text.contains(&format!("{path}:3: unknown variant `decison`, expected `decision` or `approval`")),
        "{text}"
    );
    assert!(text.contains(&format!("{path}:4: missing field `valid_until`")), "{text}");
    assert!(text.contains(&format!("{path}:5: ledger: duplicate id `dec_allow`")), "{text}");
    assert!(text.contains("help: each line is one JSON object"), "{text}");
}

#[test]
fn a_ledger_export_of_arbitrary_bytes_is_refused_without_panicking() {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(b"\xff\xfe\x00garbage\n{\"decision\": \xc3\x28}\n\n").unwrap();
    let err = policy::load_ledger_file(file.path()).unwrap_err();
    let LedgerFileError::Bad { problems, .. } = &err else { panic!("{err}") };
    assert_eq!(problems.iter().map(|p| p.line).collect::<Vec<_>>(), [1, 2]);
}

#[test]
fn an_empty_ledger_export_is_an_empty_ledger_and_a_missing_one_an_error_naming_it() {
    let file = export(&[]);
    assert_eq!(policy::load_ledger_file(file.path()).unwrap().counts(), (0, 0));
    let err = policy::load_ledger_file(std::path::Path::new("/nonexistent/decisions.ndjson")).unwrap_err();
    assert!(err.to_string().starts_with("cannot read ledger export `/nonexistent/decisions.ndjson`"), "{err}");
}
