//! The request mix both benchmarks decide: mostly ordinary tier 2 enrollments, with the
//! privileged, delegated, risky, step-up and weaker-factor cases the rules exist for.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../../tests/common/mod.rs"]
mod common;

pub use common::{now, point};
use model::FactorClass;
use policy::{BoundFactor, EnrollmentRequest, IdentityContext, RiskReason};

pub fn mix() -> Vec<(EnrollmentRequest, IdentityContext)> {
    let mut out = Vec::new();
    for i in 0..6 {
        let mut req = common::request();
        req.identity = format!("00user{i}");
        out.push((req, common::identity()));
    }
    let mut tier0 = common::identity();
    tier0.tier = 0;
    out.push((common::request(), tier0.clone()));
    let mut delegated_ident = tier0.clone();
    let req = common::delegated(common::request(), &mut delegated_ident, "00uhelpdesk");
    out.push((req, delegated_ident));
    let mut risky = common::identity();
    risky.risk = vec![RiskReason::ImpossibleTravel];
    out.push((common::request(), risky));
    let mut low = common::request();
    low.context.session_aal = 1;
    out.push((low, common::identity()));
    let mut weaker = common::identity();
    weaker.factors.push(BoundFactor {
        kind: "fido2".into(),
        class: FactorClass::PhishingResistant,
        device_bound: true,
    });
    let mut sms = common::request();
    sms.factor.kind = "sms".into();
    sms.factor.class = FactorClass::PossessionWeak;
    out.push((sms, weaker));
    out
}
