//! Four eyes: who may approve, expiry, single use, and the audit trail of every step.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use chrono::Duration;
use common::{delegated, identity, now, point, request};
use policy::{
    Approval, ApprovalError, ApprovalState, Approvals, Decision, Grant, IdentityKey, Ledger, MemoryLedger, Outcome,
    Reviewer, Role, Verdict,
};
use std::sync::Arc;

fn setup() -> (Arc<MemoryLedger>, Approvals) {
    let ledger = Arc::new(MemoryLedger::new());
    let approvals = Approvals::new(ledger.clone(), std::time::Duration::from_secs(15 * 60));
    (ledger, approvals)
}

/// A tier 0 enrollment by the help desk on alice: needs the SOC.
fn privileged_delegated(approvals: &Approvals) -> (Decision, Approval) {
    let mut ident = identity();
    ident.tier = 0;
    let req = delegated(request(), &mut ident, "00uhelpdesk");
    let d = point().decide(&req, &ident, now()).unwrap();
    assert_eq!(d.outcome, Outcome::RequireApproval);
    let a = approvals.record(&d).unwrap().unwrap();
    (d, a)
}

/// A tier 1 self-service enrollment: the manager or the SOC.
fn privileged_self(approvals: &Approvals) -> (Decision, Approval) {
    let mut ident = identity();
    ident.tier = 1;
    let d = point().decide(&request(), &ident, now()).unwrap();
    let a = approvals.record(&d).unwrap().unwrap();
    (d, a)
}

fn soc(id: &str) -> Reviewer {
    Reviewer::new(id, Role::Soc)
}

fn key() -> IdentityKey {
    IdentityKey::new(model::Provider::Okta, "acme.okta.com", "00ualice")
}

#[test]
fn allow_decisions_open_no_approval() {
    let (_, approvals) = setup();
    let d = point().decide(&request(), &identity(), now()).unwrap();
    assert!(approvals.record(&d).unwrap().is_none());
}

#[test]
fn pending_approval_lists_eligible_approvers_and_expiry() {
    let (_, approvals) = setup();
    let (d, a) = privileged_self(&approvals);
    assert_eq!(a.state, ApprovalState::Pending);
    assert_eq!(a.eligible, d.approvers);
    assert_eq!(a.requester, "00ualice");
    assert_eq!(a.expires_at - a.created_at, Duration::minutes(15));
    assert_eq!(approvals.pending(&key(), now()).unwrap().len(), 1);
}

#[test]
fn soc_approves_with_justification() {
    let (ledger, approvals) = setup();
    let (_, a) = privileged_delegated(&approvals);
    let t = now() + Duration::minutes(5);
    let done = approvals.approve(&a.id, &soc("soc-bob"), "called alice back on her desk phone", t).unwrap();
    assert_eq!(done.state, ApprovalState::Approved);
    assert_eq!(done.expires_at, t + Duration::minutes(15), "an approval lasts the ttl once given");
    let trail: Vec<String> = ledger.audit_for(&a.id).unwrap().into_iter().map(|r| r.action).collect();
    assert_eq!(trail, ["approval.requested", "approval.approved"]);
}

#[test]
fn requester_cannot_approve_own_request() {
    let (ledger, approvals) = setup();
    let (_, a) = privileged_delegated(&approvals);
    // The help desk agent is also in the SOC role: still refused.
    let err = approvals.approve(&a.id, &soc("00uhelpdesk"), "looks fine", now()).unwrap_err();
    assert!(matches!(err, ApprovalError::Requester(_)), "{err}");
    let trail: Vec<String> = ledger.audit_for(&a.id).unwrap().into_iter().map(|r| r.action).collect();
    assert_eq!(trail.last().unwrap(), "approval.refused");
    assert_eq!(approvals.get(&a.id).unwrap().state, ApprovalState::Pending);
}

#[test]
fn target_cannot_approve_a_change_to_itself() {
    let (_, approvals) = setup();
    let (_, a) = privileged_delegated(&approvals);
    let err = approvals.approve(&a.id, &soc("00ualice"), "it is me", now()).unwrap_err();
    assert!(matches!(err, ApprovalError::Target(_)), "{err}");
}

#[test]
fn target_named_by_its_login_cannot_approve_either() {
    let (ledger, approvals) = setup();
    let (_, a) = privileged_delegated(&approvals);
    let login = |k: &IdentityKey| (k.identity == "00ualice").then(|| "alice@acme.com".to_string());
    let err = approvals.decide(&a.id, &soc("Alice@Acme.com"), Verdict::Approve, "it is me", now(), login).unwrap_err();
    assert!(matches!(err, ApprovalError::Target(_)), "{err}");
    let trail: Vec<String> = ledger.audit_for(&a.id).unwrap().into_iter().map(|r| r.action).collect();
    assert_eq!(trail.last().unwrap(), "approval.refused");
    let done = approvals.decide(&a.id, &soc("soc-bob"), Verdict::Deny, "not alice's call", now(), login).unwrap();
    assert_eq!(done.state, ApprovalState::Denied);
}

#[test]
fn manager_is_not_eligible_when_only_the_soc_is() {
    let (_, approvals) = setup();
    let (_, a) = privileged_delegated(&approvals);
    let err = approvals.approve(&a.id, &Reviewer::new("00umanager", Role::Manager), "ok", now()).unwrap_err();
    assert!(matches!(err, ApprovalError::NotEligible { .. }), "{err}");
    assert!(err.to_string().contains("eligible: soc"), "{err}");
}

#[test]
fn named_manager_may_approve_but_another_manager_may_not() {
    let (_, approvals) = setup();
    let (_, a) = privileged_self(&approvals);
    let other = approvals.approve(&a.id, &Reviewer::new("00uothermgr", Role::Manager), "ok", now()).unwrap_err();
    assert!(matches!(other, ApprovalError::NotEligible { .. }));
    let mine = approvals.approve(&a.id, &Reviewer::new("00umanager", Role::Manager), "saw her in person", now());
    assert_eq!(mine.unwrap().state, ApprovalState::Approved);
}

#[test]
fn justification_is_required() {
    let (_, approvals) = setup();
    let (_, a) = privileged_delegated(&approvals);
    let err = approvals.approve(&a.id, &soc("soc-bob"), "   ", now()).unwrap_err();
    assert!(matches!(err, ApprovalError::NoJustification));
}

#[test]
fn approval_expires_after_fifteen_minutes() {
    let (ledger, approvals) = setup();
    let (_, a) = privileged_delegated(&approvals);
    let late = now() + Duration::minutes(15) + Duration::seconds(1);
    let err = approvals.approve(&a.id, &soc("soc-bob"), "ok", late).unwrap_err();
    assert!(matches!(err, ApprovalError::Expired { .. }), "{err}");
    assert_eq!(approvals.get(&a.id).unwrap().state, ApprovalState::Expired);
    let trail: Vec<String> = ledger.audit_for(&a.id).unwrap().into_iter().map(|r| r.action).collect();
    assert_eq!(trail, ["approval.requested", "approval.expired", "approval.refused"]);
    // Just inside the window it would have worked.
    let (_, b) = privileged_delegated(&approvals);
    assert!(approvals.approve(&b.id, &soc("soc-bob"), "ok", now() + Duration::minutes(15)).is_ok());
}

#[test]
fn expire_due_marks_stale_pending_approvals() {
    let (_, approvals) = setup();
    let (_, a) = privileged_delegated(&approvals);
    assert_eq!(approvals.expire_due(&key(), now() + Duration::minutes(10)).unwrap(), 0);
    assert_eq!(approvals.expire_due(&key(), now() + Duration::minutes(16)).unwrap(), 1);
    assert_eq!(approvals.get(&a.id).unwrap().state, ApprovalState::Expired);
}

#[test]
fn denied_approval_cannot_be_approved_later() {
    let (_, approvals) = setup();
    let (_, a) = privileged_delegated(&approvals);
    approvals.deny(&a.id, &soc("soc-bob"), "alice is on leave", now()).unwrap();
    let err = approvals.approve(&a.id, &soc("soc-carol"), "ok", now()).unwrap_err();
    assert!(matches!(err, ApprovalError::NotPending { state: ApprovalState::Denied, .. }), "{err}");
    assert_eq!(approvals.in_force(&key(), "OKTA_VERIFY_PUSH", now()).unwrap(), None);
}

#[test]
fn approval_is_single_use() {
    let (ledger, approvals) = setup();
    let (_, a) = privileged_delegated(&approvals);
    approvals.approve(&a.id, &soc("soc-bob"), "verified", now()).unwrap();
    let t1 = now() + Duration::minutes(1);
    let first = approvals.consume(&key(), "okta_verify_push", t1).unwrap();
    assert_eq!(first, Some(Grant::Approval(a.id.clone())));
    let second = approvals.consume(&key(), "OKTA_VERIFY_PUSH", now() + Duration::minutes(2)).unwrap();
    assert_eq!(second, None, "a second enrollment is not covered");
    assert_eq!(approvals.get(&a.id).unwrap().state, ApprovalState::Consumed);
    assert!(ledger.audit_for(&a.id).unwrap().iter().any(|r| r.action == "approval.consumed"));
}

#[test]
fn in_force_answers_for_the_enrollment_time_fw012_asks_about() {
    let (_, approvals) = setup();
    let (_, a) = privileged_delegated(&approvals);
    let approved_at = now() + Duration::minutes(2);
    approvals.approve(&a.id, &soc("soc-bob"), "verified", approved_at).unwrap();
    let t1 = now() + Duration::minutes(3);
    approvals.consume(&key(), "OKTA_VERIFY_PUSH", t1).unwrap();
    let grant = Some(Grant::Approval(a.id.clone()));
    assert_eq!(approvals.in_force(&key(), "OKTA_VERIFY_PUSH", t1).unwrap(), grant, "the enrollment it allowed");
    assert_eq!(
        approvals.in_force(&key(), "OKTA_VERIFY_PUSH", now() + Duration::minutes(1)).unwrap(),
        None,
        "before approval"
    );
    assert_eq!(
        approvals.in_force(&key(), "OKTA_VERIFY_PUSH", now() + Duration::minutes(4)).unwrap(),
        None,
        "after use"
    );
    assert_eq!(approvals.in_force(&key(), "sms", t1).unwrap(), None, "another factor kind");
}

#[test]
fn allow_decision_is_in_force_for_its_ttl() {
    let (_, approvals) = setup();
    let d = point().decide(&request(), &identity(), now()).unwrap();
    approvals.record(&d).unwrap();
    let inside = now() + Duration::minutes(10);
    assert_eq!(approvals.in_force(&key(), "OKTA_VERIFY_PUSH", inside).unwrap(), Some(Grant::Decision(d.id.clone())));
    assert_eq!(approvals.in_force(&key(), "OKTA_VERIFY_PUSH", now() + Duration::minutes(16)).unwrap(), None);
    assert_eq!(approvals.in_force(&key(), "OKTA_VERIFY_PUSH", now() - Duration::minutes(1)).unwrap(), None);
}

#[test]
fn step_up_and_deny_decisions_allow_nothing() {
    let (_, approvals) = setup();
    let mut req = request();
    req.context.session_aal = 1;
    let d = point().decide(&req, &identity(), now()).unwrap();
    assert_eq!(d.outcome, Outcome::StepUp);
    approvals.record(&d).unwrap();
    assert_eq!(approvals.in_force(&key(), "OKTA_VERIFY_PUSH", now()).unwrap(), None);
}

#[test]
fn every_decision_is_audited() {
    let (ledger, approvals) = setup();
    let d = point().decide(&request(), &identity(), now()).unwrap();
    approvals.record(&d).unwrap();
    let records = ledger.audit_for(&d.id).unwrap();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].action, "decision");
    assert_eq!(records[0].detail["outcome"], "allow");
}

#[test]
fn remediation_approval_authorizes_only_its_identity_until_expiry() {
    let (_, approvals) = setup();
    let a =
        approvals.request_remediation(key(), "analyst-1", "remove factors bound since the incident", now()).unwrap();
    let err = approvals.authorize_remediation(&a.id, &key(), now()).unwrap_err();
    assert!(matches!(err, ApprovalError::NotApproved { state: ApprovalState::Pending, .. }));
    let err = approvals.approve(&a.id, &soc("analyst-1"), "mine", now()).unwrap_err();
    assert!(matches!(err, ApprovalError::Requester(_)));
    approvals.approve(&a.id, &soc("soc-bob"), "incident inc_1 confirmed", now()).unwrap();
    assert!(approvals.authorize_remediation(&a.id, &key(), now() + Duration::minutes(1)).is_ok());
    let other = IdentityKey::new(model::Provider::Okta, "acme.okta.com", "00ubob");
    assert!(matches!(approvals.authorize_remediation(&a.id, &other, now()), Err(ApprovalError::WrongPurpose { .. })));
    let late = now() + Duration::minutes(16);
    assert!(matches!(approvals.authorize_remediation(&a.id, &key(), late), Err(ApprovalError::Expired { .. })));
}

#[test]
fn racing_reviewers_cannot_both_decide() {
    let (ledger, approvals) = setup();
    let (_, a) = privileged_delegated(&approvals);
    // A stale copy loses the swap.
    let mut stale = a.clone();
    stale.state = ApprovalState::Denied;
    stale.version = 1;
    approvals.approve(&a.id, &soc("soc-bob"), "ok", now()).unwrap();

    assert!(!ledger.update_approval(&stale, 0).unwrap());
    assert_eq!(approvals.get(&a.id).unwrap().state, ApprovalState::Approved);
}
