//! FW-009: a recovery method of X changed, then within a window X's password is reset or
//! the account recovered.

use super::Scope;
use crate::detector::{Detector, Draft};
use crate::state::IdentityState;
use model::{Category, Event, Severity};

/// An account recovery completed: the identity's factors reset through a recovery flow
/// (GitHub `two_factor_account_recovery.complete`), as opposed to factors turned off by the
/// signed-in user.
pub fn is_account_recovery(e: &Event) -> bool {
    e.category == Category::FactorReset && e.action.to_ascii_lowercase().contains("recover")
}

/// On a password reset or an account recovery of X.
pub fn on_reset(s: &Scope<'_>, state: &IdentityState) -> Option<Draft> {
    let what = match s.event.category {
        Category::PasswordReset => "password reset",
        _ if is_account_recovery(s.event) => "account recovery",
        _ => return None,
    };
    let window = chrono::Duration::from_std(s.config.detectors.recovery_then_reset.window).ok()?;
    let t = s.event.time;
    let change = state.recovery_changes.between(t - window, t).last()?;
    let action = change.action.to_ascii_lowercase();
    let by_phone_or_email = ["phone", "email", "sms", "mail"].iter().any(|w| action.contains(w));
    let summary = format!(
        "{what} of {} {:.1} h after its recovery method changed ({}): the new channel may be the attacker's",
        s.subject_name(),
        (t - change.time).num_minutes() as f64 / 60.0,
        change.action
    );
    let mut draft =
        Draft::new(Detector::RecoveryThenReset, Severity::High, summary, vec![change.clone(), s.evidence.clone()]);
    draft.actor = s.actor();
    draft.conditions.recovery_by_phone_or_email = by_phone_or_email;
    Some(draft)
}
