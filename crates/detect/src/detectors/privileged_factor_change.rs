//! FW-001: any factor or recovery change on a tier 0 or tier 1 identity.

use super::{Scope, factor_words};
use crate::detector::{Detector, Draft};
use model::{ActorRelation, Severity};

pub fn on_change(s: &Scope<'_>) -> Option<Draft> {
    if !s.privileged() {
        return None;
    }
    let e = s.event;
    // Provider-initiated changes are not human changes: reported, but only as info.
    let severity = if e.relation == ActorRelation::System { Severity::Info } else { Severity::High };
    let summary = format!("{} ({}) on {}{}", e.category, factor_words(e), s.tiered_subject(), s.by_whom());
    let mut draft = Draft::new(Detector::PrivilegedFactorChange, severity, summary, vec![s.evidence.clone()]);
    draft.actor = s.actor();
    draft.conditions.ai_agent = s.is_agent(e.subject());
    Some(draft)
}
