//! What the decision point knows about an identity, read from detection state and the
//! identity graph at the moment of the request: tier, manager, recent risk, baseline
//! membership of the request's context, current factors and blast radius.

use crate::request::{BlastSummary, BoundFactor, EnrollmentRequest, Familiar, IdentityContext, RiskReason};
use chrono::{DateTime, Utc};
use detect::{Engine, IdentityView, RiskCause};
use model::{FactorClass, PrincipalKind};
use std::collections::BTreeMap;

/// The identity context for `req` at `now`, given the identity's view (read once by the
/// caller). Identities detection has never seen get their tier from the config lists and
/// graph and an empty history.
pub fn identity_context(
    engine: &Engine,
    view: Option<IdentityView>,
    managers: &BTreeMap<String, String>,
    req: &EnrollmentRequest,
    now: DateTime<Utc>,
) -> IdentityContext {
    let config = engine.config();
    let tier = engine.tier_of_named(req.provider, &req.tenant, &req.identity);
    let actor = req.actor.as_deref().filter(|a| !same_identity(a, req, view.as_ref()));
    let actor_view = actor.and_then(|a| engine.identity(req.provider, &req.tenant, a));
    let actor_tier = actor.map_or(2, |a| engine.tier_of_named(req.provider, &req.tenant, a));
    let manager = manager_of(managers, req, view.as_ref());

    let Some(view) = view else {
        return IdentityContext {
            tier,
            manager,
            delegated: actor.is_some(),
            actor_kind: actor_view.as_ref().map_or(PrincipalKind::Unknown, |v| v.kind),
            actor_privileged: actor_tier <= 1,
            ..IdentityContext::default()
        };
    };
    let window = chrono::Duration::from_std(config.detectors.enroll_after_risky_signin.window)
        .unwrap_or(chrono::Duration::hours(2));
    let mut risk: Vec<RiskReason> = view
        .risk
        .iter()
        .filter(|r| r.time <= now && now - r.time <= window)
        .flat_map(|r| r.reasons.iter().map(reason_of))
        .collect();
    let familiar = familiarity(&view, req, config.baseline.min_signins);
    if familiar.established {
        if !familiar.device && req.context.device_id.is_some() {
            risk.push(RiskReason::UnfamiliarDevice);
        }
        if !familiar.country && req.context.geo.as_ref().is_some_and(|g| g.country.is_some()) {
            risk.push(RiskReason::UnfamiliarCountry);
        }
    }
    risk.sort_unstable();
    risk.dedup();
    let factors = view
        .factors
        .iter()
        .filter(|f| f.removed_at.is_none())
        .map(|f| BoundFactor {
            kind: f.kind.as_deref().unwrap_or("unknown").to_string(),
            class: f.class,
            device_bound: f.class == FactorClass::PhishingResistant && is_hardware(f.kind.as_deref()),
        })
        .collect();
    IdentityContext {
        tier,
        kind: view.kind,
        manager,
        delegated: actor.is_some(),
        actor_kind: actor_view.as_ref().map_or(PrincipalKind::Unknown, |v| v.kind),
        actor_privileged: actor_tier <= 1,
        risk,
        familiar,
        factors,
        max_aal: None,
        blast: BlastSummary::from(&view.blast_radius),
    }
}

/// The actor names the identity itself (by id or login): a self-service change.
fn same_identity(actor: &str, req: &EnrollmentRequest, view: Option<&IdentityView>) -> bool {
    actor.eq_ignore_ascii_case(&req.identity)
        || view.is_some_and(|v| {
            v.key.id.as_str() == actor || v.name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(actor))
        })
}

/// The configured manager of the identity, by the id or login the request or detection
/// state names it with.
fn manager_of(
    managers: &BTreeMap<String, String>,
    req: &EnrollmentRequest,
    view: Option<&IdentityView>,
) -> Option<String> {
    let mut names = vec![req.identity.as_str()];
    if let Some(v) = view {
        names.push(v.key.id.as_ref());
        if let Some(n) = v.name.as_deref() {
            names.push(n);
        }
    }
    names.iter().find_map(|n| {
        managers.get(*n).or_else(|| managers.iter().find(|(k, _)| k.eq_ignore_ascii_case(n)).map(|(_, m)| m)).cloned()
    })
}

/// The decision point's risk reason for a reason detection recorded.
fn reason_of(cause: &RiskCause) -> RiskReason {
    match cause {
        RiskCause::ImpossibleTravel => RiskReason::ImpossibleTravel,
        RiskCause::UnfamiliarDevice { .. } => RiskReason::UnfamiliarDevice,
        RiskCause::UnfamiliarCountry { .. } => RiskReason::UnfamiliarCountry,
        RiskCause::UnfamiliarNetwork { .. } => RiskReason::UnfamiliarAsn,
        RiskCause::AnonymizingProxy => RiskReason::AnonymizingProxy,
        RiskCause::ProviderRiskLevel | RiskCause::ProviderRisk { .. } => RiskReason::ProviderRisk,
        RiskCause::MfaFatigue => RiskReason::MfaFatigue,
    }
}

/// Whether the request's device, IP and country are in the identity's baseline.
fn familiarity(view: &IdentityView, req: &EnrollmentRequest, min_signins: u32) -> Familiar {
    let ctx = &req.context;
    let device = ctx.device_id.as_deref().is_some_and(|d| view.baseline.devices.iter().any(|b| b.as_str() == d));
    let country = ctx
        .geo
        .as_ref()
        .and_then(|g| g.country.as_deref())
        .is_some_and(|c| view.baseline.countries.iter().any(|b| b.eq_ignore_ascii_case(c)));
    let ip = ctx.ip.is_some_and(|ip| {
        view.last_signin.as_ref().is_some_and(|p| p.ip == Some(ip)) || view.factors.iter().any(|f| f.ip == Some(ip))
    });
    Familiar { device, ip, country, established: view.signins >= min_signins }
}

/// Factor kinds that are hardware-bound keys (AAL3) rather than syncable passkeys.
fn is_hardware(kind: Option<&str>) -> bool {
    kind.is_some_and(|k| {
        let k = k.to_ascii_lowercase();
        k.contains("u2f") || k.contains("yubikey") || k.contains("hardware") || k.contains("piv")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::Text;

    #[test]
    fn detection_reasons_become_policy_risk_reasons() {
        let reasons = |causes: &[RiskCause]| causes.iter().map(reason_of).collect::<Vec<_>>();
        assert_eq!(
            reasons(&[RiskCause::ImpossibleTravel, RiskCause::UnfamiliarCountry { country: Text::from("BR") }]),
            [RiskReason::ImpossibleTravel, RiskReason::UnfamiliarCountry]
        );
        assert_eq!(reasons(&[RiskCause::MfaFatigue]), [RiskReason::MfaFatigue]);
        assert_eq!(
            reasons(&[RiskCause::ProviderRisk { signal: "anonymizedIPAddress".into() }, RiskCause::ProviderRiskLevel]),
            [RiskReason::ProviderRisk, RiskReason::ProviderRisk]
        );
        assert_eq!(reasons(&[RiskCause::UnfamiliarNetwork { asn: 64500 }]), [RiskReason::UnfamiliarAsn]);
        assert_eq!(
            reasons(&[RiskCause::UnfamiliarDevice { device: Text::from("d-1") }]),
            [RiskReason::UnfamiliarDevice]
        );
        assert_eq!(reasons(&[RiskCause::AnonymizingProxy]), [RiskReason::AnonymizingProxy]);
    }

    #[test]
    fn a_provider_signal_is_provider_risk_whatever_its_words() {
        // Markers are the provider's words: one naming a country is not an unfamiliar country.
        let cause = RiskCause::ProviderRisk { signal: "newCountry, unfamiliar device".into() };
        assert_eq!(reason_of(&cause), RiskReason::ProviderRisk);
    }
}
