//! Google Workspace event names → categories (docs/events.md §5), and factor classes (§10).

use crate::context::classify_factor;
use model::{Category, FactorClass};

/// docs/events.md §10, Google column, tried top-down. `password` is not a factor.
/// The kind → class table (docs/events.md §10), shared with the snapshot importers.
const FACTORS: &[(&str, FactorClass)] = model::factor_kinds::GOOGLE;

pub fn classify(method: &str) -> FactorClass {
    classify_factor(method, FACTORS)
}

/// How an event name is read. Conditions on parameters are decided by the caller.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// A fixed category about the actor (self-service account settings).
    SelfChange(Category, Option<&'static str>),
    /// A fixed category an admin applied to `USER_EMAIL`.
    AdminChange(Category, Option<&'static str>),
    LoginSuccess,
    LoginFailure,
    /// `login_challenge`, `login_verification`.
    Challenge,
    /// Google's own verdict about `affected_email_address`.
    Risk,
    SessionCookieRevoked,
    /// `ENFORCE_`/`ALLOW_STRONG_AUTHENTICATION`: weakened only when `NEW_VALUE` is false.
    StrongAuthSetting,
    /// A 2SV policy change that always weakens.
    PolicyWeaken,
    /// `USER_PUT_IN_TWO_STEP_VERIFICATION_GRACE_PERIOD`: weakened for one user.
    GracePeriod,
    /// An API client authorized for domain-wide access: the client is the target.
    ApiClientGrant,
    DeviceRegister,
}

pub fn kind_of(name: &str) -> Option<Kind> {
    use Category as C;
    use Kind::{AdminChange as Admin, SelfChange as Own};
    let kind = match name {
        "2sv_enroll" => Own(C::FactorAdd, Some("2sv")),
        "titanium_enroll" => Own(C::FactorAdd, Some("titanium")),
        "2sv_disable" => Own(C::FactorReset, Some("2sv")),
        "titanium_unenroll" => Own(C::FactorRemove, Some("titanium")),
        "password_edit" => Own(C::PasswordChange, None),
        "recovery_email_edit" | "recovery_phone_edit" | "recovery_secret_qa_edit" => Own(C::RecoveryChange, None),
        "login_success" => Kind::LoginSuccess,
        "login_failure" => Kind::LoginFailure,
        "login_challenge" | "login_verification" => Kind::Challenge,
        "gov_attack_warning" => Kind::Risk,
        n if n.starts_with("suspicious_login")
            || n.starts_with("suspicious_programmatic_login")
            || n.starts_with("account_disabled_")
            || n.starts_with("risky_sensitive_action_") =>
        {
            Kind::Risk
        }
        "user_signed_out_due_to_suspicious_session_cookie" => Kind::SessionCookieRevoked,
        "SECURITY_KEY_REGISTERED_FOR_USER" => Admin(C::FactorAdd, Some("security_key")),
        "USER_ENROLLED_IN_TWO_STEP_VERIFICATION" => Admin(C::FactorAdd, Some("2sv")),
        "GENERATE_2SV_SCRATCH_CODES" => Admin(C::FactorAdd, Some("backup_code")),
        "REVOKE_SECURITY_KEY" => Admin(C::FactorRemove, Some("security_key")),
        "UNENROLL_USER_FROM_TITANIUM" => Admin(C::FactorRemove, Some("titanium")),
        "DELETE_2SV_SCRATCH_CODES" => Admin(C::FactorRemove, Some("backup_code")),
        "TURN_OFF_2_STEP_VERIFICATION" => Admin(C::FactorReset, Some("2sv")),
        "UNENROLL_USER_FROM_STRONG_AUTH" => Admin(C::FactorReset, Some("2sv")),
        "ADD_RECOVERY_EMAIL"
        | "CHANGE_RECOVERY_EMAIL"
        | "REMOVE_RECOVERY_EMAIL"
        | "ADD_RECOVERY_PHONE"
        | "CHANGE_RECOVERY_PHONE"
        | "REMOVE_RECOVERY_PHONE" => Admin(C::RecoveryChange, None),
        "CHANGE_PASSWORD" => Admin(C::PasswordReset, None),
        "RESET_SIGNIN_COOKIES" => Admin(C::SessionRevoke, None),
        "REVOKE_3LO_TOKEN" | "REVOKE_ASP" => Admin(C::SecretRevoke, None),
        "REGENERATE_OAUTH_CONSUMER_SECRET" => Admin(C::SecretRotate, None),
        "GRANT_ADMIN_PRIVILEGE" | "GRANT_DELEGATED_ADMIN_PRIVILEGES" | "ASSIGN_ROLE" => Admin(C::RoleGrant, None),
        "REVOKE_ADMIN_PRIVILEGE" | "UNASSIGN_ROLE" => Admin(C::RoleRevoke, None),
        "AUTHORIZE_API_CLIENT_ACCESS" => Kind::ApiClientGrant,
        "ENFORCE_STRONG_AUTHENTICATION" | "ALLOW_STRONG_AUTHENTICATION" => Kind::StrongAuthSetting,
        "CHANGE_ALLOWED_TWO_STEP_VERIFICATION_METHODS" => Kind::PolicyWeaken,
        "USER_PUT_IN_TWO_STEP_VERIFICATION_GRACE_PERIOD" => Kind::GracePeriod,
        "DEVICE_REGISTER_UNREGISTER_EVENT" => Kind::DeviceRegister,
        _ => return None,
    };
    Some(kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenge_methods_classify_per_events_md() {
        assert_eq!(classify("security_key"), FactorClass::PhishingResistant);
        assert_eq!(classify("google_prompt"), FactorClass::App);
        assert_eq!(classify("backup_code"), FactorClass::PossessionWeak);
        assert_eq!(classify("idv_preregistered_phone"), FactorClass::PossessionWeak);
        assert_eq!(classify("knowledge_employee_id"), FactorClass::Knowledge);
        assert_eq!(classify("password"), FactorClass::Unknown);
    }

    #[test]
    fn risk_families_match_by_prefix() {
        assert_eq!(kind_of("suspicious_login_less_secure_app"), Some(Kind::Risk));
        assert_eq!(kind_of("account_disabled_hijacked"), Some(Kind::Risk));
        assert_eq!(kind_of("logout"), None);
    }
}
