//! FW-008: two sign-ins of X whose implied speed is above the limit over at least the
//! minimum distance, where neither network is trusted (VPN/egress list, or the provider's
//! own trusted zone).

use super::Scope;
use crate::detector::{Detector, Draft};
use crate::geo::distance_km;
use crate::state::{IdentityState, SigninPoint};
use model::Severity;

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
        trusted: e.client.trusted_network || s.lists.is_vpn(e.client.ip),
        session: e.session.clone(),
        evidence: s.evidence.clone(),
    })
}

pub fn on_signin(s: &Scope<'_>, state: &IdentityState, here: &SigninPoint) -> Option<Draft> {
    let settings = &s.config.detectors.impossible_travel;
    let before = state.last_signin.as_ref()?;
    if before.trusted || here.trusted || here.time < before.time {
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
