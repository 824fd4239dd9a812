//! Revalidation campaigns: which factors come up, who may attest, and the audit trail.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use chrono::Duration;
use common::now;
use model::{FactorClass, Provider};
use policy::{
    IdentityKey, ItemReason, ItemState, MemoryLedger, RevalError, RevalFactor, RevalIdentity, Reviewer, Role, campaign,
};

const PERIOD: std::time::Duration = std::time::Duration::from_secs(90 * 24 * 3600);

fn factor(kind: &str, days_ago: i64, approved: bool) -> RevalFactor {
    RevalFactor {
        kind: kind.into(),
        id: Some(format!("{kind}-id")),
        class: FactorClass::App,
        bound_at: now() - Duration::days(days_ago),
        approved,
    }
}

fn ident(id: &str, tier: u8, factors: Vec<RevalFactor>) -> RevalIdentity {
    RevalIdentity {
        key: IdentityKey::new(Provider::Okta, "acme.okta.com", id),
        tier,
        manager: Some("00umanager".into()),
        factors,
    }
}

fn identities() -> Vec<RevalIdentity> {
    vec![
        ident("00uadmin", 0, vec![factor("push", 10, true), factor("sms", 5, false), factor("totp", 200, true)]),
        ident("00uowner", 1, vec![factor("push", 400, false)]),
        ident("00ualice", 2, vec![factor("sms", 500, false)]),
    ]
}

#[test]
fn privileged_factors_unapproved_or_older_than_the_period_become_items() {
    let c = campaign(&identities(), PERIOD, now());
    let got: Vec<(&str, &str, &[ItemReason])> =
        c.items.iter().map(|i| (i.key.identity.as_str(), i.factor.kind.as_str(), i.reasons.as_slice())).collect();
    assert_eq!(
        got,
        [
            ("00uadmin", "totp", &[ItemReason::OlderThanPeriod][..]),
            ("00uadmin", "sms", &[ItemReason::BoundWithoutApproval][..]),
            ("00uowner", "push", &[ItemReason::BoundWithoutApproval, ItemReason::OlderThanPeriod][..]),
        ],
        "tier 2 identities and recent approved factors stay out"
    );
    assert_eq!(c.period_seconds, PERIOD.as_secs());
}

#[test]
fn approver_attests_with_justification_and_it_is_audited() {
    let ledger = MemoryLedger::new();
    let mut c = campaign(&identities(), PERIOD, now());
    let item = c.items[0].id.clone();
    let done =
        c.attest(&item, &Reviewer::new("soc-bob", Role::Soc), "admin's own key, checked", now(), &ledger).unwrap();
    assert_eq!(done.state, ItemState::Attested);
    assert_eq!(c.open_items().count(), 2);
    let audit = ledger.audit();
    assert_eq!(audit.last().unwrap().action, "revalidation.attested");
    assert_eq!(audit.last().unwrap().subject, item);
}

#[test]
fn revoke_marks_the_factor_for_removal() {
    let ledger = MemoryLedger::new();
    let mut c = campaign(&identities(), PERIOD, now());
    let item = c.items[1].id.clone();
    let manager = Reviewer::new("00umanager", Role::Manager);
    assert_eq!(c.revoke(&item, &manager, "nobody knows this phone", now(), &ledger).unwrap().state, ItemState::Revoked);
    assert_eq!(ledger.audit().last().unwrap().action, "revalidation.revoked");
    let again = c.attest(&item, &Reviewer::new("soc-bob", Role::Soc), "changed my mind", now(), &ledger);
    assert!(matches!(again, Err(RevalError::Decided { .. })));
}

#[test]
fn identity_cannot_attest_its_own_factors_nor_can_strangers() {
    let ledger = MemoryLedger::new();
    let mut c = campaign(&identities(), PERIOD, now());
    let item = c.items[0].id.clone();
    let own = c.attest(&item, &Reviewer::new("00uadmin", Role::Soc), "mine", now(), &ledger);
    assert!(matches!(own, Err(RevalError::Target(_))));
    let stranger = c.attest(&item, &Reviewer::new("00ubob", Role::Manager), "ok", now(), &ledger);
    assert!(matches!(stranger, Err(RevalError::NotEligible(_))));
    let empty = c.attest(&item, &Reviewer::new("soc-bob", Role::Soc), "", now(), &ledger);
    assert!(matches!(empty, Err(RevalError::NoJustification)));
    assert_eq!(ledger.audit().iter().filter(|r| r.action == "revalidation.refused").count(), 3);
    assert_eq!(c.items[0].state, ItemState::Open);
}
