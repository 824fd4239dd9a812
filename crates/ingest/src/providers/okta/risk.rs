//! Okta's own risk verdicts, written by `debugData` as Java map strings rather than JSON:
//! `behaviors` `{New Device=POSITIVE, New IP=NEGATIVE}`, `risk` `{level=LOW}` (docs/events.md §1).

use crate::json::{View, decode_embedded};
use model::{Risk, RiskLevel, Text};

/// The risk fields of one record, as read by either shape.
#[derive(Default, Clone, Copy)]
pub struct RiskFields<'v> {
    pub behaviors: Option<&'v str>,
    pub risk: Option<&'v str>,
    pub threat_suspected: Option<bool>,
    /// JSON in a string: `{"Login Failures":"HIGH"}`.
    pub threat_detections: Option<&'v str>,
}

/// What the risk fields say: behaviors detected (`POSITIVE`) and detections are markers; the
/// level is the highest of `risk.level` and the detections' levels.
pub fn read(fields: &RiskFields<'_>, reason: Option<&str>) -> Risk {
    let mut risk = Risk { level: fields.risk.and_then(risk_level), markers: Vec::new() };
    if let Some(b) = fields.behaviors {
        risk.markers.extend(positive_behaviors(b).map(Text::from));
    }
    if let Some(decoded) = fields.threat_detections.and_then(decode_embedded) {
        for (name, level) in View::new(&decoded).entries() {
            risk.markers.push(Text::from(name));
            raise(&mut risk, level.str().and_then(RiskLevel::parse));
        }
    }
    if fields.threat_suspected == Some(true) && risk.markers.is_empty() {
        risk.markers.push(Text::from("threatSuspected"));
    }
    // Okta FastPass refused a sign-in it judged phishing (OIE).
    if let Some(r) = reason.filter(|r| r.eq_ignore_ascii_case("FastPass declined phishing attempt")) {
        risk.markers.push(Text::from(r));
    }
    risk
}

/// Okta's own verdict worth a `risk_signal` event of its own: medium or higher, or a threat.
pub fn is_verdict(risk: &Risk, fields: &RiskFields<'_>) -> bool {
    risk.level.is_some_and(|l| l >= RiskLevel::Medium) || fields.threat_suspected == Some(true)
}

fn raise(risk: &mut Risk, level: Option<RiskLevel>) {
    if level > risk.level {
        risk.level = level;
    }
}

/// The entries of a `{k=v, k=v}` map string.
fn map_entries(text: &str) -> impl Iterator<Item = (&str, &str)> {
    let inner = text.trim().trim_start_matches('{').trim_end_matches('}');
    inner.split(',').filter_map(|pair| pair.split_once('=')).map(|(k, v)| (k.trim(), v.trim()))
}

/// Behavior names Okta flagged `POSITIVE` (the behavior was detected).
pub fn positive_behaviors(text: &str) -> impl Iterator<Item = &str> {
    map_entries(text).filter(|(_, v)| v.eq_ignore_ascii_case("POSITIVE")).map(|(k, _)| k).filter(|k| !k.is_empty())
}

/// `{level=HIGH}` or `{reasons=New Device, New IP, level=HIGH}` → the level. Reasons may hold
/// commas, so the level is looked up by its key rather than by splitting pairs.
pub fn risk_level(text: &str) -> Option<RiskLevel> {
    let at = text.find("level=")?;
    let rest = text.get(at + "level=".len()..)?;
    let end = rest.find([',', '}']).unwrap_or(rest.len());
    RiskLevel::parse(rest.get(..end)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_positive_behaviors_are_markers() {
        let b = "{New Geo-Location=NEGATIVE, New Device=POSITIVE, New IP=POSITIVE, Velocity=NEGATIVE}";
        assert_eq!(positive_behaviors(b).collect::<Vec<_>>(), ["New Device", "New IP"]);
        assert_eq!(positive_behaviors("{}").count(), 0);
        assert_eq!(positive_behaviors("garbage").count(), 0);
    }

    #[test]
    fn risk_level_is_read_by_key() {
        assert_eq!(risk_level("{level=LOW}"), Some(RiskLevel::Low));
        assert_eq!(risk_level("{reasons=Anomalous Device, New IP, level=HIGH}"), Some(RiskLevel::High));
        assert_eq!(risk_level("{level=MEDIUM, reasons=x}"), Some(RiskLevel::Medium));
        assert_eq!(risk_level("{reasons=x}"), None);
        assert_eq!(risk_level("{level="), None);
    }

    #[test]
    fn threat_detections_raise_the_level_and_name_markers() {
        let f = RiskFields {
            threat_suspected: Some(true),
            threat_detections: Some(r#"{"Login Failures":"HIGH"}"#),
            ..RiskFields::default()
        };
        let r = read(&f, None);
        assert_eq!(r.level, Some(RiskLevel::High));
        assert_eq!(r.markers, ["Login Failures"]);
        assert!(is_verdict(&r, &f));
    }

    #[test]
    fn low_risk_without_threat_is_no_verdict() {
        let f = RiskFields { risk: Some("{level=LOW}"), threat_suspected: Some(false), ..RiskFields::default() };
        let r = read(&f, None);
        assert_eq!(r.level, Some(RiskLevel::Low));
        assert!(!is_verdict(&r, &f));
    }
}
