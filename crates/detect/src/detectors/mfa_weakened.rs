//! FW-006: a stronger factor class removed while only weaker ones remain; all factors
//! reset with no re-enrollment within a window; or a tenant or org MFA policy weakened.

use super::{Scope, factor_words};
use crate::detector::{Detector, Draft};
use crate::state::IdentityState;
use model::{Evidence, FactorClass, Severity, Tag};

pub fn on_remove(s: &Scope<'_>, state: &IdentityState) -> Option<Draft> {
    let e = s.event;
    let key = crate::state::factor_key(e);
    let removed = state.find_bound(&key).map(|f| f.class).or(e.factor.as_ref().map(|f| f.class))?;
    if removed == FactorClass::Unknown {
        return None;
    }
    let remaining: Vec<FactorClass> = state.bound_factors().filter(|f| f.key != key).map(|f| f.class).collect();
    let strongest_left = remaining.iter().copied().max()?;
    if strongest_left >= removed {
        return None;
    }
    let summary =
        format!("{} removed from {}; the strongest factor left is {strongest_left}", factor_words(e), s.subject_name());
    let mut draft = Draft::new(Detector::MfaWeakened, Severity::High, summary, vec![s.evidence.clone()]);
    draft.actor = s.actor();
    Some(draft)
}

/// Called when the re-enrollment window after a reset of all factors has passed.
pub fn on_reset_unanswered(reset: &Evidence, state: &IdentityState, who: &str, window_hours: i64) -> Option<Draft> {
    let reenrolled = state.factors.iter().any(|f| f.bound_at > reset.time);
    if reenrolled {
        return None;
    }
    let summary = format!("all factors of {who} were reset and none was enrolled again within {window_hours} h");
    Some(Draft::new(Detector::MfaWeakened, Severity::High, summary, vec![reset.clone()]))
}

pub fn on_policy(s: &Scope<'_>) -> Option<Draft> {
    let e = s.event;
    let scope = if e.has_tag(Tag::IdentityScope) {
        format!("for {}", s.subject_name())
    } else {
        format!("for tenant {}", e.tenant)
    };
    let object = e.object.as_deref().map(|o| format!(" ({o})")).unwrap_or_default();
    let summary = format!("{} weakened MFA or sign-on policy {scope}: {}{object}", s.actor_name(), e.action);
    let mut draft = Draft::new(Detector::MfaWeakened, Severity::High, summary, vec![s.evidence.clone()]);
    draft.actor = s.actor();
    draft.conditions.policy_weakened = true;
    draft.conditions.federation_added = e.has_tag(Tag::FederationAdded);
    Some(draft)
}
