//! FW-007: push challenges to X denied, timed out or reported as fraud, at or above a
//! threshold within a window; critical when a success or a factor change follows.

use super::Scope;
use crate::detector::{Detector, Draft};
use crate::state::IdentityState;
use model::Severity;

/// On a denial: a finding when this one completes a burst not yet reported.
pub fn on_deny(s: &Scope<'_>, state: &IdentityState) -> Option<Draft> {
    let settings = &s.config.detectors.mfa_fatigue;
    let window = chrono::Duration::from_std(settings.window).ok()?;
    let t = s.event.time;
    if state.fatigue.as_ref().is_some_and(|(at, _)| t - *at <= window) {
        return None;
    }
    let mut evidence: Vec<_> = state.push_denials.between(t - window, t).cloned().collect();
    evidence.push(s.evidence.clone());
    if (evidence.len() as u32) < settings.threshold {
        return None;
    }
    let minutes = evidence.first().map(|f| (t - f.time).num_minutes()).unwrap_or(0);
    let summary =
        format!("{} MFA challenges to {} denied within {minutes} min: push bombing", evidence.len(), s.subject_name());
    Some(Draft::new(Detector::MfaFatigue, Severity::High, summary, evidence))
}

/// After a burst: a success or a factor change within the follow-up window.
pub fn on_followup(s: &Scope<'_>, state: &IdentityState) -> Option<Draft> {
    let followup = chrono::Duration::from_std(s.config.detectors.mfa_fatigue.followup).ok()?;
    let (at, burst) = state.fatigue.as_ref()?;
    let t = s.event.time;
    if t < *at || t - *at > followup {
        return None;
    }
    let summary = format!(
        "{} followed {} denied MFA challenges to {} by {} min: the push bombing may have worked",
        s.event.category,
        burst.len(),
        s.subject_name(),
        (t - *at).num_minutes()
    );
    let mut evidence = burst.clone();
    evidence.push(s.evidence.clone());
    Some(Draft::new(Detector::MfaFatigue, Severity::Critical, summary, evidence))
}
