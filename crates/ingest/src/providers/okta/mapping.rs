//! Okta event types → categories (docs/events.md §1) and factor kinds → strength classes
//! (docs/events.md §10). Shared by the native System Log reader and the `Okta_CL` reader.

use crate::context::{classify_factor, contains_ignore_case};
use model::{Category, FactorClass, Outcome};

/// How an event type becomes events; the conditions are decided from the record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    Fixed(Category),
    /// `user.mfa.factor.deactivate`: removal; `User reset <FACTOR> factor` marks a reset part.
    FactorDeactivate,
    /// Sign-in success or failure by `outcome.result`.
    SignIn,
    /// `user.authentication.auth_via_mfa`: by factor and outcome.
    MfaVerify,
    /// A push or SMS sent to verify a factor.
    MfaSend,
    /// `policy.evaluate_sign_on`: other, plus a risk signal when Okta judged it risky.
    PolicyEvaluate,
    /// `policy.lifecycle.*`, `policy.rule.*`: other with `policy_change`, or a weakening.
    PolicyChange,
    /// `group.user_membership.*`: a role only when the group holds admin roles, which the
    /// record cannot tell; left as other naming the group for the identity graph.
    GroupMembership,
    /// Password reset mail or SMS sent: other, tag `recovery_requested`.
    RecoveryRequested,
    /// A new or activated identity provider: can bypass MFA.
    IdpAdded,
    /// `user.session.access_admin_app`: other, tag `admin_console` (only admins can).
    AdminConsole,
}

/// The rule for an event type, or `None` for types docs/events.md does not list.
pub fn rule_for(event_type: &str) -> Option<Rule> {
    use Category as C;
    let rule = match event_type {
        "user.mfa.factor.activate" | "user.mfa.factor.unsuspend" => Rule::Fixed(C::FactorAdd),
        "user.mfa.factor.deactivate" => Rule::FactorDeactivate,
        "user.mfa.factor.suspend" => Rule::Fixed(C::FactorRemove),
        "user.mfa.factor.reset_all" => Rule::Fixed(C::FactorReset),
        "user.mfa.factor.update" => Rule::Fixed(C::FactorUpdate),
        "system.mfa.factor.deactivate" => Rule::Fixed(C::PolicyWeaken),
        "device.enrollment.create" | "device.user.add" => Rule::Fixed(C::DeviceRegister),
        "system.push.send_factor_verify_push" | "system.sms.send_factor_verify_message" => Rule::MfaSend,
        "user.authentication.auth_via_mfa" => Rule::MfaVerify,
        "user.mfa.okta_verify.deny_push" => Rule::Fixed(C::MfaDeny),
        "user.session.start"
        | "user.authentication.verify"
        | "user.authentication.sso"
        | "user.authentication.auth_via_IDP"
        | "user.authentication.auth_via_inbound_SAML"
        | "user.authentication.auth_via_social"
        | "user.account.lock" => Rule::SignIn,
        "policy.evaluate_sign_on" => Rule::PolicyEvaluate,
        "user.account.update_password" => Rule::Fixed(C::PasswordChange),
        "user.account.reset_password" => Rule::Fixed(C::PasswordReset),
        "system.email.password_reset.sent_message" | "system.sms.send_password_reset_message" => {
            Rule::RecoveryRequested
        }
        "user.account.privilege.grant"
        | "group.privilege.grant"
        | "iam.resourceset.bindings.add"
        | "iam.role.permissions.add"
        | "user.session.impersonation.grant" => Rule::Fixed(C::RoleGrant),
        // The mirror of each grant (`*.privilege.revoke` below covers users and groups).
        "iam.resourceset.bindings.delete" | "iam.role.permissions.delete" | "user.session.impersonation.revoke" => {
            Rule::Fixed(C::RoleRevoke)
        }
        "group.user_membership.add" | "group.user_membership.remove" => Rule::GroupMembership,
        "system.api_token.create" => Rule::Fixed(C::SecretIssue),
        "system.api_token.revoke" => Rule::Fixed(C::SecretRevoke),
        "user.session.clear" | "user.authentication.universal_logout" => Rule::Fixed(C::SessionRevoke),
        "security.threat.detected"
        | "user.account.report_suspicious_activity_by_enduser"
        | "app.oauth2.as.token.detect_reuse" => Rule::Fixed(C::RiskSignal),
        "system.idp.lifecycle.create" | "system.idp.lifecycle.activate" => Rule::IdpAdded,
        "user.session.access_admin_app" => Rule::AdminConsole,
        t if t.ends_with(".privilege.revoke") => Rule::Fixed(C::RoleRevoke),
        t if t.starts_with("policy.lifecycle.") || t.starts_with("policy.rule.") => Rule::PolicyChange,
        _ => return None,
    };
    Some(rule)
}

/// `outcome.result`: `SUCCESS`/`ALLOW` and `FAILURE`/`DENY`; `CHALLENGE`, `SKIPPED` and
/// `UNKNOWN` say nothing about whether the action took effect.
pub fn outcome(result: Option<&str>) -> Outcome {
    match result {
        Some(r) if r.eq_ignore_ascii_case("SUCCESS") || r.eq_ignore_ascii_case("ALLOW") => Outcome::Success,
        Some(r) if r.eq_ignore_ascii_case("FAILURE") || r.eq_ignore_ascii_case("DENY") => Outcome::Failure,
        _ => Outcome::Unknown,
    }
}

/// The password verified as a step of an MFA flow is not a factor (docs/events.md §10).
pub const PASSWORD_FACTOR: &str = "PASSWORD_AS_FACTOR";

/// Okta Verify number challenge answered wrongly (Classic Engine).
const WRONG_NUMBER: &str = "OV_WITH_CHALLENGE_RESPONSE_INVALID";

/// `user.authentication.auth_via_mfa`: the password step is a sign-in attempt (its success
/// is only a step), any other factor is an MFA challenge or a denial.
pub fn mfa_verify_category(factor: Option<&str>, outcome: Outcome, reason: Option<&str>) -> Category {
    let password = factor.is_some_and(|f| f.eq_ignore_ascii_case(PASSWORD_FACTOR));
    let wrong_number = reason.is_some_and(|r| contains_ignore_case(r, WRONG_NUMBER));
    match (password, outcome) {
        (true, Outcome::Failure) => Category::SigninFailure,
        (true, _) => Category::Other,
        (false, Outcome::Failure) => Category::MfaDeny,
        (false, _) if wrong_number => Category::MfaDeny,
        (false, _) => Category::MfaChallenge,
    }
}

/// The factor a challenge was sent to, where only the event type says it (named as
/// `debugData.factor` names it in the `auth_via_mfa` that follows).
pub fn implied_factor(event_type: &str) -> Option<&'static str> {
    match event_type {
        "system.sms.send_factor_verify_message" => Some("SMS_FACTOR"),
        "system.push.send_factor_verify_push" => Some("OKTA_VERIFY_PUSH"),
        _ => None,
    }
}

/// `User reset SMS factor` → `SMS`: the reason Okta writes when a factor is reset.
pub fn reset_factor_kind(reason: &str) -> Option<&str> {
    let rest = reason.trim().strip_prefix("User reset ")?;
    let kind = rest.strip_suffix(" factor")?.trim();
    (!kind.is_empty()).then_some(kind)
}

/// Whether a policy type (`detailEntry.policyType`) governs sign-on or MFA. An unknown type
/// is treated as one: a deleted policy that cannot be shown harmless counts as weakening.
pub fn is_signon_or_mfa_policy(policy_type: Option<&str>) -> bool {
    match policy_type {
        None => true,
        Some(t) => ["SignOn", "SIGN_ON", "MFA", "ACCESS_POLICY", "AUTHENTICATOR"]
            .iter()
            .any(|needle| contains_ignore_case(t, needle)),
    }
}

/// Policy or rule turned off or deleted.
pub fn is_policy_removal(event_type: &str) -> bool {
    event_type.ends_with(".deactivate") || event_type.ends_with(".delete")
}

/// docs/events.md §10, Okta column, tried top-down; OIE authenticator display names added after
/// the documented kinds (`Security Key or Biometric`, `Phone`, `Google Authenticator`).
/// The kind → class table (docs/events.md §10), shared with the snapshot importers.
const FACTOR_CLASSES: &[(&str, FactorClass)] = model::factor_kinds::OKTA;

pub fn factor_class(kind: &str) -> FactorClass {
    classify_factor(kind, FACTOR_CLASSES)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reset_reasons_name_the_factor() {
        assert_eq!(reset_factor_kind("User reset SMS factor"), Some("SMS"));
        assert_eq!(reset_factor_kind("User reset FIDO_WEBAUTHN factor"), Some("FIDO_WEBAUTHN"));
        assert_eq!(reset_factor_kind("User reset  factor"), None);
        assert_eq!(reset_factor_kind("Factor deactivated"), None);
    }

    #[test]
    fn password_step_is_a_signin_not_a_factor() {
        let p = Some(PASSWORD_FACTOR);
        assert_eq!(mfa_verify_category(p, Outcome::Failure, None), Category::SigninFailure);
        assert_eq!(mfa_verify_category(p, Outcome::Success, None), Category::Other);
        assert_eq!(mfa_verify_category(Some("SMS_FACTOR"), Outcome::Failure, None), Category::MfaDeny);
        assert_eq!(mfa_verify_category(Some("OKTA_VERIFY_PUSH"), Outcome::Success, None), Category::MfaChallenge);
        assert_eq!(
            mfa_verify_category(Some("OKTA_VERIFY_PUSH"), Outcome::Unknown, Some(WRONG_NUMBER)),
            Category::MfaDeny
        );
    }

    #[test]
    fn factor_kinds_classify_by_strength() {
        assert_eq!(factor_class("SIGNED_NONCE"), FactorClass::PhishingResistant);
        assert_eq!(factor_class("FIDO_WEBAUTHN"), FactorClass::PhishingResistant);
        assert_eq!(factor_class("OKTA_VERIFY_PUSH"), FactorClass::App);
        assert_eq!(factor_class("Okta Verify"), FactorClass::App);
        assert_eq!(factor_class("token:software:totp"), FactorClass::App);
        assert_eq!(factor_class("SMS_FACTOR"), FactorClass::PossessionWeak);
        assert_eq!(factor_class("SMS"), FactorClass::PossessionWeak);
        assert_eq!(factor_class("SECURITY_QUESTION"), FactorClass::Knowledge);
        assert_eq!(factor_class(PASSWORD_FACTOR), FactorClass::Unknown);
        assert_eq!(factor_class("SOMETHING_NEW"), FactorClass::Unknown);
    }

    #[test]
    fn unlisted_event_types_have_no_rule() {
        assert_eq!(rule_for("system.import.start"), None);
        assert_eq!(rule_for("user.session.end"), None);
        assert_eq!(rule_for("group.privilege.revoke"), Some(Rule::Fixed(Category::RoleRevoke)));
        assert_eq!(rule_for("policy.rule.delete"), Some(Rule::PolicyChange));
    }

    #[test]
    fn policy_types_that_govern_sign_on() {
        assert!(is_signon_or_mfa_policy(Some("OktaSignOn")));
        assert!(is_signon_or_mfa_policy(Some("MFA_ENROLL")));
        assert!(is_signon_or_mfa_policy(None));
        assert!(!is_signon_or_mfa_policy(Some("PASSWORD")));
    }
}
