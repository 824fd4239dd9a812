use serde::{Deserialize, Serialize};
use std::fmt;

/// Normalized event categories (docs/detection-contract.md §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    FactorAdd,
    FactorRemove,
    /// All factors of an identity removed at once.
    FactorReset,
    /// A factor's phone number, device or secret replaced.
    FactorUpdate,
    RecoveryChange,
    PasswordChange,
    PasswordReset,
    SessionRevoke,
    RoleGrant,
    RoleRevoke,
    SecretIssue,
    SecretRotate,
    SecretRevoke,
    SigninSuccess,
    SigninFailure,
    MfaChallenge,
    MfaDeny,
    /// A tenant, org or identity-wide MFA or sign-on policy weakened.
    PolicyWeaken,
    DeviceRegister,
    /// The provider's own risk verdict.
    RiskSignal,
    Other,
}

impl Category {
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
    Success,
    Failure,
    #[default]
    Unknown,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Failure => "failure",
            Outcome::Unknown => "unknown",
        }
    }
}
