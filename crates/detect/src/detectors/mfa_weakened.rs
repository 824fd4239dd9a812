//! FW-006: a stronger factor class removed while only weaker ones remain; all factors
//! reset (or the last one removed) with no re-enrollment within a window; or a tenant or org
//! MFA policy weakened. A removal waits out a short grace first, so that a key or phone
//! swapped by its owner (removed, then its successor added) stays quiet.

use super::{Scope, factor_words};
use crate::detector::{Detector, Draft};
use crate::state::IdentityState;
use model::{Category, Evidence, FactorClass, FindingActor, Severity, Tag};
use serde::{Deserialize, Serialize};

/// A removal that leaves only weaker factors, held until the swap grace has passed: an owner
/// replacing a key or phone often removes the old one before adding the new one.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PendingRemoval {
    pub removal: Evidence,
    /// The class of the factor removed.
    pub removed: FactorClass,
    pub summary: String,
    pub actor: Option<FindingActor>,
}

/// At the removal (state as before it): whether it leaves only weaker factors bound.
pub fn on_remove(s: &Scope<'_>, state: &IdentityState) -> Option<PendingRemoval> {
    let e = s.event;
    let hits = crate::seen_in_use::removal_hits(state, e);
    let taken = |i: usize| hits.contains(&i);
    let removed = hits
        .iter()
        .filter_map(|&i| state.factors.get(i).map(|f| f.class))
        .max()
        .or(e.factor.as_ref().map(|f| f.class))?;
    if removed == FactorClass::Unknown {
        return None;
    }
    let remaining: Vec<FactorClass> =
        state.factors.iter().enumerate().filter(|(i, f)| f.is_bound() && !taken(*i)).map(|(_, f)| f.class).collect();
    let strongest_left = remaining.iter().copied().max()?;
    if strongest_left >= removed {
        return None;
    }
    let summary =
        format!("{} removed from {}; the strongest factor left is {strongest_left}", factor_words(e), s.subject_name());
    Some(PendingRemoval { removal: s.evidence.clone(), removed, summary, actor: s.actor() })
}

/// When the swap grace has passed: reported unless a factor as strong as the one removed
/// is bound again.
pub fn on_grace_over(pending: PendingRemoval, state: &IdentityState) -> Option<Draft> {
    if state.bound_factors().any(|f| f.class >= pending.removed) {
        return None;
    }
    let mut draft = Draft::new(Detector::MfaWeakened, Severity::High, pending.summary, vec![pending.removal]);
    draft.actor = pending.actor;
    Some(draft)
}

/// Called when the re-enrollment window after a reset of all factors has passed.
pub fn on_reset_unanswered(reset: &Evidence, state: &IdentityState, who: &str, window_hours: i64) -> Option<Draft> {
    let reenrolled = state.factors.iter().any(|f| f.bound_at > reset.time);
    if reenrolled {
        return None;
    }
    let summary = if reset.category == Category::FactorRemove {
        format!("the last factor of {who} was removed and none was enrolled again within {window_hours} h")
    } else {
        format!("all factors of {who} were reset and none was enrolled again within {window_hours} h")
    };
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
