//! FW-007: push challenges to X denied, timed out or reported as fraud, at or above a
//! threshold within a window; critical when a success or a factor change follows.

use super::Scope;
use crate::detector::{Detector, Draft};
use crate::state::IdentityState;
use model::{Category, Event, Outcome, Severity, Tag};

/// Factor kinds whose denial is a code typed wrong, not a prompt refused: a fumbled SMS or
/// app passcode is not push bombing. Matched case-insensitively in the kind as logged.
const CODE_ENTRY: [&str; 10] =
    ["passcode", "sms", "otp", "code", "token", "question", "password", "text message", "email", "hotp"];

/// Whether a denial counts towards a burst: a push (or phone prompt) denied, timed out or
/// reported as fraud. A denial that names no factor counts; a fraud report always does.
pub fn is_push_denial(e: &Event) -> bool {
    if e.category != Category::MfaDeny {
        return false;
    }
    if e.has_tag(Tag::FraudReported) {
        return true;
    }
    let Some(kind) = e.factor.as_ref().and_then(|f| f.kind.as_deref()) else { return true };
    let kind = kind.to_ascii_lowercase();
    !CODE_ENTRY.iter().any(|w| kind.contains(w))
}

/// Whether an event shows the burst may have worked: a sign-in, a factor change, or a
/// challenge passed. A challenge only issued (Okta `system.push.send_factor_verify_push`,
/// Auth0 `gd_send_pn`, GitHub `user.two_factor_requested`, Entra 50074 with no outcome) is
/// another prompt of the attack, not an approval.
fn is_followup(e: &Event) -> bool {
    match e.category {
        Category::MfaChallenge => {
            let action = e.action.to_ascii_lowercase();
            e.outcome == Outcome::Success && !["send", "start", "request"].iter().any(|w| action.contains(w))
        }
        Category::SigninSuccess => e.outcome != Outcome::Failure,
        c => c.is_factor_change() || c == Category::RecoveryChange,
    }
}

/// On a denial: a finding when this one completes a burst not yet reported.
pub fn on_deny(s: &Scope<'_>, state: &IdentityState) -> Option<Draft> {
    if !is_push_denial(s.event) {
        return None;
    }
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
    if !is_followup(s.event) {
        return None;
    }
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
