//! Requests and identities for the tests: a tier 2 self-service push enrollment from a
//! familiar place at AAL2, by an identity holding an app factor; tests change one thing.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{DateTime, TimeZone, Utc};
use model::{FactorClass, Provider};
use policy::{
    BoundFactor, DecisionConfig, DecisionPoint, EnrollmentRequest, FactorSpec, Familiar, GeoSpec, IdentityContext,
    Policies, RequestContext,
};

pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 5, 4, 10, 0, 0).unwrap()
}

pub fn point() -> DecisionPoint {
    DecisionPoint::new(Policies::defaults().unwrap(), DecisionConfig::default()).unwrap()
}

pub fn request() -> EnrollmentRequest {
    EnrollmentRequest {
        provider: Provider::Okta,
        tenant: "acme.okta.com".into(),
        identity: "00ualice".into(),
        actor: None,
        factor: FactorSpec {
            kind: "OKTA_VERIFY_PUSH".into(),
            class: FactorClass::App,
            device_bound: false,
            recovery: false,
        },
        context: RequestContext {
            ip: Some("198.51.100.7".parse().unwrap()),
            user_agent: Some("Mozilla/5.0".into()),
            device_id: Some("dev-1".into()),
            geo: Some(GeoSpec { country: Some("DE".into()), city: Some("Berlin".into()) }),
            session_aal: 2,
        },
    }
}

pub fn identity() -> IdentityContext {
    IdentityContext {
        tier: 2,
        manager: Some("00umanager".into()),
        familiar: Familiar { device: true, ip: true, country: true, established: true },
        factors: vec![BoundFactor { kind: "totp".into(), class: FactorClass::App, device_bound: false }],
        ..IdentityContext::default()
    }
}

/// A request made by another person.
pub fn delegated(mut req: EnrollmentRequest, ident: &mut IdentityContext, actor: &str) -> EnrollmentRequest {
    req.actor = Some(actor.into());
    ident.delegated = true;
    ident.actor_kind = model::PrincipalKind::Human;
    req
}
