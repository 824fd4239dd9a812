//! One story per default rule: the rule fires where it should, and stays quiet where it
//! should not.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{delegated, identity, now, point, request};
use model::FactorClass;
use policy::{Approver, BoundFactor, Outcome, Recipient, RiskReason};

fn rules(d: &policy::Decision) -> Vec<&str> {
    d.reasons.iter().map(|r| r.rule.as_str()).collect()
}

#[test]
fn tier2_ordinary_self_service_enrollment_is_allowed() {
    let d = point().decide(&request(), &identity(), now()).unwrap();
    assert_eq!(d.outcome, Outcome::Allow, "{:?}", d.reasons);
    assert_eq!(rules(&d), ["tier2-ordinary-allow"]);
    assert!(d.approvers.is_empty());
    assert!(d.id.starts_with("dec_") && d.id.len() == 36);
    assert_eq!(d.valid_until - d.time, chrono::Duration::minutes(15));
}

#[test]
fn decision_ids_are_unique() {
    let p = point();
    let a = p.decide(&request(), &identity(), now()).unwrap();
    let b = p.decide(&request(), &identity(), now()).unwrap();
    assert_ne!(a.id, b.id);
}

#[test]
fn session_below_binding_aal_must_step_up() {
    // The account holds an app factor (AAL2) and binds another app factor: AAL2 required.
    let mut req = request();
    req.context.session_aal = 1;
    let d = point().decide(&req, &identity(), now()).unwrap();
    assert_eq!(d.outcome, Outcome::StepUp);
    assert_eq!(rules(&d), ["dp3-binding-aal"]);
    assert_eq!(d.required_aal, 2);
}

#[test]
fn password_only_account_binds_at_aal1() {
    // SP 800-63B-4 §4.1.2.1: the lower of the account's maximum (AAL1) and the factor's.
    let mut req = request();
    req.context.session_aal = 1;
    let mut ident = identity();
    ident.factors.clear();
    let d = point().decide(&req, &ident, now()).unwrap();
    assert_eq!(d.outcome, Outcome::Allow, "{:?}", d.reasons);
    assert_eq!(d.required_aal, 1);
}

#[test]
fn binding_level_is_the_lower_of_account_and_factor() {
    // A device-bound key (AAL3) on the account; binding an app factor (AAL2) needs AAL2.
    let mut ident = identity();
    ident.factors.push(BoundFactor { kind: "fido2".into(), class: FactorClass::PhishingResistant, device_bound: true });
    let mut req = request();
    req.factor.class = FactorClass::PhishingResistant;
    req.factor.kind = "fido2".into();
    req.factor.device_bound = true;
    req.context.session_aal = 2;
    let d = point().decide(&req, &ident, now()).unwrap();
    assert_eq!(d.outcome, Outcome::StepUp, "{:?}", d.reasons);
    assert_eq!(d.required_aal, 3);
}

#[test]
fn subject_is_notified_through_a_channel_other_than_the_new_factor() {
    let d = point().decide(&request(), &identity(), now()).unwrap();
    let subject = d.notify.iter().find(|n| n.to == Recipient::Subject).unwrap();
    assert_eq!(subject.rule, "dp4-notify-subject");
    assert_eq!(subject.not_via.as_deref(), Some("OKTA_VERIFY_PUSH"));
    assert!(!d.notify.iter().any(|n| n.to == Recipient::Soc), "tier 2 allow does not page the SOC");
}

#[test]
fn recovery_changes_are_always_notified() {
    let mut req = request();
    req.factor.kind = "recovery_question".into();
    req.factor.class = FactorClass::Knowledge;
    let mut ident = identity();
    ident.factors.clear();
    let d = point().decide(&req, &ident, now()).unwrap();
    assert!(d.policies.contains(&"dp8-notify-recovery".to_string()), "{:?}", d.policies);
    assert!(d.notify.iter().any(|n| n.to == Recipient::Subject));
}

#[test]
fn privileged_identities_need_manager_or_soc_approval() {
    for tier in [0, 1] {
        let mut ident = identity();
        ident.tier = tier;
        let d = point().decide(&request(), &ident, now()).unwrap();
        assert_eq!(d.outcome, Outcome::RequireApproval, "tier {tier}");
        assert_eq!(rules(&d), ["privileged-approval"]);
        assert_eq!(d.approvers, [Approver::Manager("00umanager".into()), Approver::Soc]);
        assert_eq!(d.approval_ttl_seconds, 900);
        assert!(d.notify.iter().any(|n| n.to == Recipient::Soc));
        assert!(d.notify.iter().any(|n| n.to == Recipient::Manager("00umanager".into())));
    }
}

#[test]
fn privileged_identity_without_a_manager_is_approved_by_the_soc() {
    let mut ident = identity();
    ident.tier = 0;
    ident.manager = None;
    let d = point().decide(&request(), &ident, now()).unwrap();
    assert_eq!(d.approvers, [Approver::Soc]);
}

#[test]
fn delegated_change_on_privileged_identity_needs_the_soc() {
    let mut ident = identity();
    ident.tier = 1;
    let req = delegated(request(), &mut ident, "00uhelpdesk");
    let d = point().decide(&req, &ident, now()).unwrap();
    assert_eq!(d.outcome, Outcome::RequireApproval);
    assert_eq!(rules(&d), ["delegated-privileged-soc", "privileged-approval"]);
    assert_eq!(d.approvers, [Approver::Soc], "the manager alone cannot approve a delegated change");
}

#[test]
fn delegated_change_on_tier2_identity_is_allowed() {
    let mut ident = identity();
    let req = delegated(request(), &mut ident, "00uhelpdesk");
    let d = point().decide(&req, &ident, now()).unwrap();
    assert_eq!(d.outcome, Outcome::Allow, "{:?}", d.reasons);
}

#[test]
fn manager_making_the_change_is_not_listed_as_approver() {
    let mut ident = identity();
    ident.tier = 0;
    let req = delegated(request(), &mut ident, "00umanager");
    let d = point().decide(&req, &ident, now()).unwrap();
    assert!(!d.approvers.contains(&Approver::Manager("00umanager".into())));
    assert_eq!(d.approvers, [Approver::Soc]);
}

#[test]
fn risky_context_denies_privileged_identities() {
    let mut ident = identity();
    ident.tier = 0;
    ident.risk = vec![RiskReason::ImpossibleTravel];
    let d = point().decide(&request(), &ident, now()).unwrap();
    assert_eq!(d.outcome, Outcome::Deny);
    assert_eq!(d.reasons[0].rule, "risky-privileged-deny");
    assert!(d.reasons[0].text.contains("impossible_travel"));
    assert!(rules(&d).contains(&"privileged-approval"), "reasons accumulate");
    assert!(d.approvers.is_empty());
}

#[test]
fn risky_context_needs_approval_for_tier2() {
    let mut ident = identity();
    ident.risk = vec![RiskReason::MfaFatigue];
    let d = point().decide(&request(), &ident, now()).unwrap();
    assert_eq!(d.outcome, Outcome::RequireApproval);
    assert_eq!(rules(&d), ["risky-approval"]);
}

#[test]
fn unfamiliar_device_is_risky_once_the_baseline_is_established() {
    let mut ident = identity();
    ident.familiar.device = false;
    let d = point().decide(&request(), &ident, now()).unwrap();
    assert_eq!(d.outcome, Outcome::RequireApproval);
    assert!(d.reasons[0].text.contains("unfamiliar_device"));

    ident.familiar.established = false;
    let d = point().decide(&request(), &ident, now()).unwrap();
    assert_eq!(d.outcome, Outcome::Allow, "a new employee is not an attacker");
}

#[test]
fn weaker_factor_needs_step_up_and_approval() {
    let mut ident = identity();
    ident.factors.push(BoundFactor { kind: "fido2".into(), class: FactorClass::PhishingResistant, device_bound: true });
    let mut req = request();
    req.factor.kind = "sms".into();
    req.factor.class = FactorClass::PossessionWeak;
    let d = point().decide(&req, &ident, now()).unwrap();
    assert_eq!(d.outcome, Outcome::RequireApproval);
    assert_eq!(rules(&d), ["weaker-class-approval", "weaker-class-step-up"]);
    assert_eq!(d.required_aal, 3, "prove the strongest factor the account holds");
    assert_eq!(d.approvers, [Approver::Manager("00umanager".into()), Approver::Soc]);
}

#[test]
fn weaker_factor_from_a_session_at_the_account_level_needs_only_approval() {
    let mut ident = identity();
    ident.factors.push(BoundFactor { kind: "fido2".into(), class: FactorClass::PhishingResistant, device_bound: true });
    let mut req = request();
    req.factor.kind = "sms".into();
    req.factor.class = FactorClass::PossessionWeak;
    req.context.session_aal = 3;
    let d = point().decide(&req, &ident, now()).unwrap();
    assert_eq!(rules(&d), ["weaker-class-approval"]);
}

#[test]
fn out_of_range_session_aal_is_an_error() {
    let mut req = request();
    req.context.session_aal = 4;
    let err = point().decide(&req, &identity(), now()).unwrap_err();
    assert!(err.to_string().contains("`session_aal` 4"), "{err}");
}

#[test]
fn request_reads_from_json_as_the_api_receives_it() {
    let json = r#"{"provider":"entra","tenant":"t1","identity":"u1","actor":"u2",
        "factor":{"kind":"fido2","class":"phishing_resistant","device_bound":true},
        "context":{"ip":"2001:db8::1","geo":{"country":"FR"},"session_aal":3}}"#;
    let req: policy::EnrollmentRequest = serde_json::from_str(json).unwrap();
    assert_eq!(req.actor_id(), "u2");
    let d = point().decide(&req, &identity(), now()).unwrap();
    assert_eq!(d.actor, "u2");
    let back = serde_json::to_value(&d).unwrap();
    assert_eq!(back["outcome"], "allow");
}
