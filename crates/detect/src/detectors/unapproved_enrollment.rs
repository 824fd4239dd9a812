//! FW-012: a factor bound to an identity under enrollment gating that no `allow` decision or
//! approved approval of the decision point allowed at the event's time.

use super::{Scope, factor_words};
use crate::detector::{Detector, Draft};
use crate::gate::{EnrollmentGate, UNKNOWN_FACTOR_KIND};
use model::{ActorRelation, Severity};

/// A successful `factor_add` on the identity detection keys as `identity`. Asks the gate
/// only when gating is enabled, a gate is set and the identity is gated, so the path costs
/// nothing otherwise.
pub fn on_add(s: &Scope<'_>, gate: Option<&dyn EnrollmentGate>, identity: &str) -> Option<Draft> {
    if !s.config.gating.enabled {
        return None;
    }
    let gate = gate?;
    let e = s.event;
    // A binding names whom it binds to; without a subject there is nobody to ask about.
    let subject = e.subject()?;
    if !s.lists.is_gated(s.tier, e.provider, &e.tenant, Some(subject)) {
        return None;
    }
    let kind = e.factor.as_ref().and_then(|f| f.kind.as_deref()).unwrap_or(UNKNOWN_FACTOR_KIND);
    // Asked even for the provider's own registrations: a binding that a decision allowed
    // uses up its approval whoever logs it.
    if gate.admit(e.provider, &e.tenant, identity, kind, e.time).is_some() {
        return None;
    }
    // Provider-initiated changes are not human changes (docs/detection-contract.md §4): reported, as info.
    let severity = match (e.relation, s.tier) {
        (ActorRelation::System, _) => Severity::Info,
        (_, 0) => Severity::Critical,
        _ => Severity::High,
    };
    let summary = format!(
        "{} bound to {}{} with no allow decision or approved approval in force (enrollment gating)",
        factor_words(e),
        s.tiered_subject(),
        s.by_whom()
    );
    let mut draft = Draft::new(Detector::UnapprovedEnrollment, severity, summary, vec![s.evidence.clone()]);
    draft.actor = s.actor();
    draft.conditions.ai_agent = s.is_agent(e.subject()) || s.is_agent(e.actor.as_ref());
    Some(draft)
}
