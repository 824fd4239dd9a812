//! FW-008: two sign-ins of X whose implied speed is above the limit over at least the
//! minimum distance, where neither network is trusted (VPN/egress list, learned egress, or
//! the provider's own trusted zone).
//!
//! A pair with a side on a network other identities use too, not yet learned as egress, is
//! held for twice `[networks.learned_egress] min_span`: if that network is egress by then, the
//! travel was through it and nothing is reported; otherwise the finding is reported, dated
//! at the second sign-in. So is every pair in the first `min_span` of the sign-ins, when
//! nothing can be learned yet. After that, a pair between networks of this identity alone is
//! reported at once.

use super::Scope;
use crate::detector::{Detector, Draft};
use crate::geo::distance_km;
use crate::state::{IdentityState, SigninPoint};
use model::{Evidence, Severity};
use serde::{Deserialize, Serialize};
use std::net::IpAddr;

/// The point of this sign-in, when it carries coordinates.
pub fn point(s: &Scope<'_>) -> Option<SigninPoint> {
    let e = s.event;
    let geo = e.client.geo.as_ref()?;
    Some(SigninPoint {
        time: e.time,
        lat: geo.lat?,
        lon: geo.lon?,
        country: geo.country.clone(),
        ip: e.client.ip,
        asn: e.client.asn,
        trusted: s.trusted_network(),
        session: e.session.clone(),
        evidence: s.evidence.clone(),
    })
}

pub fn on_signin(s: &Scope<'_>, state: &IdentityState, here: &SigninPoint) -> Option<Draft> {
    let settings = &s.config.detectors.impossible_travel;
    let before = state.last_signin.as_ref()?;
    let learned = &s.config.networks.learned_egress;
    // Its network may have been learned as egress since.
    let before_trusted = before.trusted || s.egress.is_egress(learned, before.ip, before.asn);
    if before_trusted || here.trusted || here.time < before.time {
        return None;
    }
    let km = distance_km((before.lat, before.lon), (here.lat, here.lon));
    let seconds = (here.time - before.time).num_seconds().max(1) as f64;
    // Closer than the noise distance is the same place as far as IP geolocation can tell.
    if km < settings.noise_km || km < settings.min_distance_km {
        return None;
    }
    let speed = km / (seconds / 3600.0);
    if speed <= settings.max_speed_kmh {
        return None;
    }
    let place = |p: &SigninPoint| {
        p.country.as_deref().map(String::from).unwrap_or_else(|| format!("{:.1},{:.1}", p.lat, p.lon))
    };
    let summary = format!(
        "{} signed in from {} then {} {:.0} km apart in {:.0} min ({:.0} km/h)",
        s.subject_name(),
        place(before),
        place(here),
        km,
        seconds / 60.0,
        speed
    );
    let mut draft = Draft::new(
        Detector::ImpossibleTravel,
        Severity::Medium,
        summary,
        vec![before.evidence.clone(), here.evidence.clone()],
    );
    draft.conditions.session_reused = before.session.is_some() && before.session == here.session;
    Some(draft)
}

/// A travel finding waiting to know whether one of its networks is egress.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Held {
    summary: String,
    evidence: Vec<Evidence>,
    session_reused: bool,
    /// The two sign-ins' networks: (address, ASN).
    networks: [(Option<IpAddr>, Option<u32>); 2],
}

/// The finding held, when a side of the pair is on a network others use too and it may
/// still be learned as egress; `None` reports it now.
pub fn hold(s: &Scope<'_>, state: &IdentityState, here: &SigninPoint, draft: &Draft) -> Option<Held> {
    let learned = &s.config.networks.learned_egress;
    let before = state.last_signin.as_ref()?;
    let networks = [(before.ip, before.asn), (here.ip, here.asn)];
    if !s.egress.warming_up(learned, here.time)
        && !networks.iter().any(|(ip, asn)| s.egress.is_shared(learned, *ip, *asn))
    {
        return None;
    }
    Some(Held {
        summary: draft.summary.clone(),
        evidence: draft.evidence.clone(),
        session_reused: draft.conditions.session_reused,
        networks,
    })
}

/// The held finding, unless one of its networks has become egress; dated at the second
/// sign-in.
pub fn on_hold_over(
    held: Held,
    egress: &crate::egress::Egress,
    settings: &crate::config::LearnedEgress,
) -> Option<Draft> {
    if held.networks.iter().any(|(ip, asn)| egress.is_egress(settings, *ip, *asn)) {
        return None;
    }
    let mut draft = Draft::new(Detector::ImpossibleTravel, Severity::Medium, held.summary, held.evidence);
    draft.conditions.session_reused = held.session_reused;
    Some(draft)
}
