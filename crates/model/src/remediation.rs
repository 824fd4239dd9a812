//! What a remediation step does. Written into findings, incidents and stored records as its
//! snake_case name (`revoke_sessions`, …), which the connectors' table keys on.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The action of one remediation step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RemediationAction {
    /// End every session and refresh token.
    RevokeSessions,
    /// Remove a factor bound since the incident began.
    RemoveFactor,
    /// Undo a change to the recovery methods.
    RevertRecovery,
    /// Revoke a secret or token the identity issued.
    RotateSecret,
    /// Reset the password, once the factors and sessions are gone.
    ResetPassword,
    /// Enroll factors again under approval.
    RequireReenrollment,
    /// Revert a tenant-wide policy change.
    RestorePolicy,
    /// Turn a silent log source back on.
    RestoreLogSource,
}

impl RemediationAction {
    /// Every action, in plan order.
    pub const ALL: [RemediationAction; 8] = [
        RemediationAction::RevokeSessions,
        RemediationAction::RemoveFactor,
        RemediationAction::RevertRecovery,
        RemediationAction::RotateSecret,
        RemediationAction::ResetPassword,
        RemediationAction::RequireReenrollment,
        RemediationAction::RestorePolicy,
        RemediationAction::RestoreLogSource,
    ];

    /// The name the action is written with.
    pub fn as_str(self) -> &'static str {
        match self {
            RemediationAction::RevokeSessions => "revoke_sessions",
            RemediationAction::RemoveFactor => "remove_factor",
            RemediationAction::RevertRecovery => "revert_recovery",
            RemediationAction::RotateSecret => "rotate_secret",
            RemediationAction::ResetPassword => "reset_password",
            RemediationAction::RequireReenrollment => "require_reenrollment",
            RemediationAction::RestorePolicy => "restore_policy",
            RemediationAction::RestoreLogSource => "restore_log_source",
        }
    }
}

impl fmt::Display for RemediationAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::RemediationAction;

    #[test]
    fn actions_serialize_to_their_names() {
        for action in RemediationAction::ALL {
            let json = serde_json::to_string(&action).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", action.as_str()));
            assert_eq!(serde_json::from_str::<RemediationAction>(&json).ok(), Some(action));
        }
    }
}
