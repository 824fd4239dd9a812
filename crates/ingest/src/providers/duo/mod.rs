//! Cisco Duo (docs/events.md §7): administrator, authentication v2, activity and telephony logs.
//! Duo records carry no tenant, so the tenant is the configured one or `duo`.

mod activity;
mod admin;
mod auth;

pub use activity::activity;
pub use admin::admin;
pub use auth::auth;

use super::Result;
use crate::context::{Ctx, Relevance};
use crate::error::RecordError;
use crate::json::View;
use crate::values;
use chrono::{DateTime, Utc};
use model::{Client, Event, FactorClass, Geo, Risk, RiskLevel, Text};

/// Duo factor names → strength class (docs/events.md §10, Duo column), tried top-down.
/// `passcode` alone is ambiguous (app or hardware), so it is matched only in full names.
/// The kind → class table (docs/events.md §10), shared with the snapshot importers.
pub(crate) const FACTOR_CLASSES: &[(&str, FactorClass)] = model::factor_kinds::DUO;

/// Telephony records count SMS and call credits spent for a context; they name no user
/// and repeat what the authentication log already says, so docs/events.md does not list them.
pub fn telephony(rec: View<'_, '_>, _ctx: &Ctx<'_>, _out: &mut Vec<Event>) -> Result {
    let context = rec.get("context").str().unwrap_or("telephony");
    Ok(Relevance::NotRelevant(Text::from(context)))
}

/// The record's time: the numeric field first (Duo's ISO strings may hold spaces), else
/// the ISO string.
fn time(
    rec: View<'_, '_>,
    shape: &'static str,
    numeric: &str,
    iso: &'static str,
) -> std::result::Result<DateTime<Utc>, RecordError> {
    let n = rec.get(numeric);
    if n.f64().is_some() {
        return values::parse_time(n).map_err(|e| RecordError::invalid(shape, "timestamp", e));
    }
    values::parse_time(rec.get(iso)).map_err(|e| RecordError::invalid(shape, iso, e))
}

/// Client of an `access_device`: IP (string in auth, `ip.address` in activity), geo names,
/// endpoint key.
fn access_client(device: View<'_, '_>) -> Client {
    let mut client = Client::default();
    let ip = device.get("ip");
    let ip = if ip.is_object() { ip.get("address") } else { ip };
    values::set_address(&mut client, ip.str());
    client.geo = geo(device.get("location"));
    client.device_id = device.get("epkey").str().map(Text::from);
    client
}

fn geo(location: View<'_, '_>) -> Option<Geo> {
    let g = Geo {
        country: location.get("country").str().map(Text::from),
        region: location.get("state").str().map(Text::from),
        city: location.get("city").str().map(Text::from),
        lat: None,
        lon: None,
    };
    (!g.is_empty()).then_some(g)
}

/// Duo's adaptive trust verdict: a low trust level and any attack detectors that fired.
fn trust_risk(rec: View<'_, '_>) -> Risk {
    let msa = rec.path("adaptive_trust_assessments.more_secure_auth");
    // Duo rates trust, not risk: low trust is elevated risk.
    let level = match msa.get("trust_level").str() {
        Some(t) if t.eq_ignore_ascii_case("low") => Some(RiskLevel::Medium),
        Some(t) if t.eq_ignore_ascii_case("normal") || t.eq_ignore_ascii_case("elevated") => Some(RiskLevel::None),
        _ => None,
    };
    let mut risk = Risk { level, markers: Vec::new() };
    let detectors = msa
        .get("detected_attack_detectors")
        .items()
        .chain(rec.get("rbfs_triggered_attacks").items().map(|a| a.get("detector")));
    for d in detectors {
        if let Some(name) = d.str()
            && !risk.markers.iter().any(|m| m.eq_ignore_ascii_case(name))
        {
            risk.markers.push(Text::from(name));
        }
    }
    risk
}

/// Keeps the digits of a phone number (and a leading `+`), so the same phone written
/// `+1 555-555-0142` and `+15555550142` gets one factor id.
fn phone_id(text: &str) -> Text {
    let mut id = Text::default();
    for (i, c) in text.trim().chars().enumerate() {
        if c.is_ascii_digit() || (i == 0 && c == '+') {
            id.push(c);
        }
    }
    id
}

fn looks_like_phone(text: &str) -> bool {
    let t = text.trim();
    t.bytes().filter(|b| b.is_ascii_digit()).count() >= 7
        && t.bytes().all(|b| b.is_ascii_digit() || b" +-().".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::classify_factor;

    #[test]
    fn duo_factor_names_classify_per_events_table() {
        assert_eq!(classify_factor("duo_push", FACTOR_CLASSES), FactorClass::App);
        assert_eq!(classify_factor("Security key", FACTOR_CLASSES), FactorClass::PhishingResistant);
        assert_eq!(classify_factor("WebAuthn Credential", FACTOR_CLASSES), FactorClass::PhishingResistant);
        assert_eq!(classify_factor("sms_passcode", FACTOR_CLASSES), FactorClass::PossessionWeak);
        assert_eq!(classify_factor("bypass_code", FACTOR_CLASSES), FactorClass::PossessionWeak);
        assert_eq!(classify_factor("not_available", FACTOR_CLASSES), FactorClass::Unknown);
    }

    #[test]
    fn phone_numbers_reduce_to_digits_with_plus() {
        assert_eq!(phone_id("+1 555-555-0142"), "+15555550142");
        assert_eq!(phone_id("940-967-2177"), "9409672177");
        assert!(looks_like_phone("940-967-2177"));
        assert!(!looks_like_phone("jsmith"));
        assert!(!looks_like_phone("+1"));
    }
}
