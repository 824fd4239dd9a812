//! FW-004: a factor or recovery change on X made by another person Y.

use super::{Scope, factor_words};
use crate::detector::{Detector, Draft};
use model::{ActorRelation, Severity};

/// `actor_risky` tells whether Y had a risky sign-in within the configured window.
pub fn on_change(s: &Scope<'_>, actor_risky: bool) -> Option<Draft> {
    let e = s.event;
    if e.relation != ActorRelation::Delegated {
        return None;
    }
    let actor = e.actor.as_ref()?;
    let (provider, tenant) = (e.provider, e.tenant.as_str());
    // The list decides only where it was configured: an empty list would make every
    // help-desk action critical.
    let unlisted = s.lists.has_delegates() && !s.lists.is_allowed_delegate(provider, tenant, actor);
    let severity = if unlisted || actor_risky {
        Severity::Critical
    } else if s.privileged() {
        Severity::High
    } else {
        Severity::Medium
    };
    let mut why = Vec::new();
    if unlisted {
        why.push("not an allowed delegate");
    }
    if actor_risky {
        why.push("had a risky sign-in");
    }
    let summary = format!(
        "{} changed {} of {}{}",
        s.actor_name(),
        factor_words(e),
        s.subject_name(),
        if why.is_empty() { String::new() } else { format!("; the actor {}", why.join(" and ")) }
    );
    let mut draft = Draft::new(Detector::DelegatedFactorChange, severity, summary, vec![s.evidence.clone()]);
    draft.actor = s.actor();
    draft.conditions.external_actor = s.lists.is_external(provider, tenant, actor);
    draft.conditions.ai_agent = s.is_agent(Some(actor));
    Some(draft)
}
