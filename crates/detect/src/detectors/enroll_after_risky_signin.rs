//! FW-002: a factor or recovery method bound to X within a window after a risky sign-in
//! (or MFA fatigue) of X.

use super::{Scope, factor_words};
use crate::detector::{Detector, Draft};
use crate::state::IdentityState;
use model::{ActorRelation, Severity, Tag};

pub fn on_binding(s: &Scope<'_>, state: &IdentityState) -> Option<Draft> {
    let e = s.event;
    // The provider's own renewals and a new account's first factor are not attacks.
    if e.relation == ActorRelation::System || e.has_tag(Tag::Onboarding) {
        return None;
    }
    let window = chrono::Duration::from_std(s.config.detectors.enroll_after_risky_signin.window).ok()?;
    let mark = state.risky_within(e.time, window)?;
    let minutes = (e.time - mark.time).num_minutes();
    let severity = if s.privileged() { Severity::Critical } else { Severity::High };
    let summary = format!(
        "{} bound to {} {minutes} min after a risky sign-in ({})",
        factor_words(e),
        s.subject_name(),
        crate::risk::describe(&mark.reasons)
    );
    let mut draft = Draft::new(
        Detector::EnrollAfterRiskySignin,
        severity,
        summary,
        vec![mark.evidence.clone(), s.evidence.clone()],
    );
    draft.actor = s.actor();
    Some(draft)
}
