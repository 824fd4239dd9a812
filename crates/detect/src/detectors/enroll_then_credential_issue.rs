//! FW-005: a factor change on X, then within a window X issues or rotates a secret, grants
//! a role or adds an owner.

use super::Scope;
use crate::detector::{Detector, Draft};
use crate::state::IdentityState;
use model::{Category, Severity};

/// `actor_state` is the state of the identity that issued the credential.
pub fn on_issue(s: &Scope<'_>, actor_state: &IdentityState) -> Option<Draft> {
    let e = s.event;
    if !s.human_actor() {
        return None;
    }
    let window = chrono::Duration::from_std(s.config.detectors.enroll_then_credential_issue.window).ok()?;
    let change = actor_state.factor_changes.between(e.time - window, e.time).last()?;
    let hours = (e.time - change.time).num_minutes() as f64 / 60.0;
    let what = match e.category {
        Category::RoleGrant => "granted a role",
        Category::SecretRotate => "rotated a secret",
        _ => "issued a secret",
    };
    let object = e.object.as_deref().or(e.target.as_ref().and_then(|t| t.name.as_deref())).unwrap_or("a credential");
    let summary = format!(
        "{} {what} ({object}) {hours:.1} h after a factor change ({}): a persistence path that survives MFA reset",
        s.actor_name(),
        change.action
    );
    let mut draft = Draft::new(
        Detector::EnrollThenCredentialIssue,
        Severity::Critical,
        summary,
        vec![change.clone(), s.evidence.clone()],
    );
    draft.actor = s.actor();
    draft.conditions.role_granted = e.category == Category::RoleGrant;
    draft.conditions.ai_agent = s.is_agent(e.actor.as_ref()) || s.is_agent(e.target.as_ref());
    Some(draft)
}
