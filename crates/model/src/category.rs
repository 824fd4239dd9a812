use serde::{Deserialize, Serialize};
use std::fmt;

/// Normalized event categories (docs/detection-contract.md §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// A factor bound to an identity.
    FactorAdd,
    /// A factor removed from an identity.
    FactorRemove,
    /// All factors of an identity removed at once.
    FactorReset,
    /// A factor's phone number, device or secret replaced.
    FactorUpdate,
    /// A recovery method (recovery e-mail or phone, questions, recovery codes) changed.
    RecoveryChange,
    /// The identity changed its own password.
    PasswordChange,
    /// The password was reset by someone else or by a recovery flow.
    PasswordReset,
    /// Sessions or refresh tokens revoked.
    SessionRevoke,
    /// A role, admin privilege, group with rights or ownership granted.
    RoleGrant,
    /// A role, admin privilege, group with rights or ownership removed.
    RoleRevoke,
    /// A secret issued: API token, access key, client secret, certificate, app password.
    SecretIssue,
    /// A secret replaced by a new one.
    SecretRotate,
    /// A secret revoked or deactivated.
    SecretRevoke,
    /// A successful sign-in.
    SigninSuccess,
    /// A failed sign-in.
    SigninFailure,
    /// A second factor asked for or passed.
    MfaChallenge,
    /// A second factor refused, timed out or reported as fraud.
    MfaDeny,
    /// A tenant, org or identity-wide MFA or sign-on policy weakened.
    PolicyWeaken,
    /// A device registered to an identity.
    DeviceRegister,
    /// The provider's own risk verdict.
    RiskSignal,
    /// Recognised and kept for context; never a change of state.
    Other,
}

impl Category {
    /// Every category, in declaration order.
    pub const ALL: [Category; 21] = [
        Category::FactorAdd,
        Category::FactorRemove,
        Category::FactorReset,
        Category::FactorUpdate,
        Category::RecoveryChange,
        Category::PasswordChange,
        Category::PasswordReset,
        Category::SessionRevoke,
        Category::RoleGrant,
        Category::RoleRevoke,
        Category::SecretIssue,
        Category::SecretRotate,
        Category::SecretRevoke,
        Category::SigninSuccess,
        Category::SigninFailure,
        Category::MfaChallenge,
        Category::MfaDeny,
        Category::PolicyWeaken,
        Category::DeviceRegister,
        Category::RiskSignal,
        Category::Other,
    ];

    /// The category's name in the event format (`factor_add`).
    pub fn as_str(self) -> &'static str {
        match self {
            Category::FactorAdd => "factor_add",
            Category::FactorRemove => "factor_remove",
            Category::FactorReset => "factor_reset",
            Category::FactorUpdate => "factor_update",
            Category::RecoveryChange => "recovery_change",
            Category::PasswordChange => "password_change",
            Category::PasswordReset => "password_reset",
            Category::SessionRevoke => "session_revoke",
            Category::RoleGrant => "role_grant",
            Category::RoleRevoke => "role_revoke",
            Category::SecretIssue => "secret_issue",
            Category::SecretRotate => "secret_rotate",
            Category::SecretRevoke => "secret_revoke",
            Category::SigninSuccess => "signin_success",
            Category::SigninFailure => "signin_failure",
            Category::MfaChallenge => "mfa_challenge",
            Category::MfaDeny => "mfa_deny",
            Category::PolicyWeaken => "policy_weaken",
            Category::DeviceRegister => "device_register",
            Category::RiskSignal => "risk_signal",
            Category::Other => "other",
        }
    }

    /// Changes to the factors that authenticate an identity.
    pub fn is_factor_change(self) -> bool {
        matches!(self, Category::FactorAdd | Category::FactorRemove | Category::FactorReset | Category::FactorUpdate)
    }

    /// Sign-in attempts, successful or not.
    pub fn is_signin(self) -> bool {
        matches!(self, Category::SigninSuccess | Category::SigninFailure)
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether the provider says the action took effect. Failed changes never alter state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The action took effect.
    Success,
    /// The action was refused or failed.
    Failure,
    /// The record does not say (a challenge sent, a step skipped).
    #[default]
    Unknown,
}

impl Outcome {
    /// The outcome's name in the event format (`success`).
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Failure => "failure",
            Outcome::Unknown => "unknown",
        }
    }
}
