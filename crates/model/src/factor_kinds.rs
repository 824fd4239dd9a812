//! Factor kind text → strength class, per provider (docs/events.md §10), for readers outside
//! the log normalizer: state snapshots list the same factors the logs name, and must rank
//! them the same way, so the normalizer and the importers share these tables (matching is a
//! case-insensitive substring test, tried top-down).

use crate::{FactorClass, Provider};

/// Okta factor kinds, as its logs and exports name them.
pub const OKTA: &[(&str, FactorClass)] = &[
    ("PASSWORD_AS_FACTOR", FactorClass::Unknown),
    ("SIGNED_NONCE", FactorClass::PhishingResistant),
    ("FIDO_WEBAUTHN", FactorClass::PhishingResistant),
    ("webauthn", FactorClass::PhishingResistant),
    ("u2f", FactorClass::PhishingResistant),
    ("FastPass", FactorClass::PhishingResistant),
    ("Security Key", FactorClass::PhishingResistant),
    ("Biometric", FactorClass::PhishingResistant),
    ("OKTA_VERIFY_PUSH", FactorClass::App),
    ("OKTA_SOFT_TOKEN", FactorClass::App),
    ("token:software:totp", FactorClass::App),
    ("Okta Verify", FactorClass::App),
    ("OKTA_VERIFY", FactorClass::App),
    ("Authenticator", FactorClass::App),
    ("SMS", FactorClass::PossessionWeak),
    ("call", FactorClass::PossessionWeak),
    ("email", FactorClass::PossessionWeak),
    ("token:hardware", FactorClass::PossessionWeak),
    ("token:hotp", FactorClass::PossessionWeak),
    ("Phone", FactorClass::PossessionWeak),
    ("SECURITY_QUESTION", FactorClass::Knowledge),
    ("question", FactorClass::Knowledge),
];

/// Entra factor kinds, as its logs and exports name them.
pub const ENTRA: &[(&str, FactorClass)] = &[
    ("fido2", FactorClass::PhishingResistant),
    ("passkey", FactorClass::PhishingResistant),
    ("windows hello", FactorClass::PhishingResistant),
    ("certificate", FactorClass::PhishingResistant),
    ("platform credential", FactorClass::PhishingResistant),
    ("passwordless phone", FactorClass::App),
    ("authenticator", FactorClass::App),
    ("app notification", FactorClass::App),
    ("oath verification code", FactorClass::App),
    ("temporary access pass", FactorClass::PossessionWeak),
    ("hardware oath", FactorClass::PossessionWeak),
    ("sms", FactorClass::PossessionWeak),
    ("text message", FactorClass::PossessionWeak),
    ("phone", FactorClass::PossessionWeak),
    ("voice", FactorClass::PossessionWeak),
    ("email", FactorClass::PossessionWeak),
    ("security question", FactorClass::Knowledge),
    ("password", FactorClass::Unknown),
    ("previously satisfied", FactorClass::Unknown),
];

/// Aws factor kinds, as its logs and exports name them.
pub const AWS: &[(&str, FactorClass)] = &[
    (":u2f", FactorClass::PhishingResistant),
    ("u2f", FactorClass::PhishingResistant),
    ("fido", FactorClass::PhishingResistant),
    ("passkey", FactorClass::PhishingResistant),
    ("multiple mfa devices", FactorClass::Unknown),
    (":mfa", FactorClass::App),
    ("virtual", FactorClass::App),
    ("hardware", FactorClass::PossessionWeak),
    // Identity Center `CredentialType`s.
    ("webauthn", FactorClass::PhishingResistant),
    ("totp", FactorClass::App),
];

/// Google factor kinds, as its logs and exports name them.
pub const GOOGLE: &[(&str, FactorClass)] = &[
    ("security_key", FactorClass::PhishingResistant),
    ("passkey", FactorClass::PhishingResistant),
    ("titanium", FactorClass::PhishingResistant),
    ("advanced_protection", FactorClass::PhishingResistant),
    ("google_prompt", FactorClass::App),
    ("google_authenticator", FactorClass::App),
    ("offline_otp", FactorClass::App),
    ("backup_code", FactorClass::PossessionWeak),
    ("scratch_code", FactorClass::PossessionWeak),
    ("idv_", FactorClass::PossessionWeak),
    ("knowledge_", FactorClass::Knowledge),
];

/// Github factor kinds, as its logs and exports name them.
pub const GITHUB: &[(&str, FactorClass)] = &[
    ("passkey", FactorClass::PhishingResistant),
    ("security_key", FactorClass::PhishingResistant),
    ("security key", FactorClass::PhishingResistant),
    ("webauthn", FactorClass::PhishingResistant),
    ("totp", FactorClass::App),
    ("authenticator", FactorClass::App),
    ("mobile", FactorClass::App),
    ("sms", FactorClass::PossessionWeak),
    ("recovery", FactorClass::PossessionWeak),
];

/// Duo factor kinds, as its logs and exports name them.
pub const DUO: &[(&str, FactorClass)] = &[
    ("webauthn", FactorClass::PhishingResistant),
    ("security key", FactorClass::PhishingResistant),
    ("u2f", FactorClass::PhishingResistant),
    ("duo_push", FactorClass::App),
    ("duo push", FactorClass::App),
    ("duo_mobile_passcode", FactorClass::App),
    ("duo mobile passcode", FactorClass::App),
    ("sms_passcode", FactorClass::PossessionWeak),
    ("sms passcode", FactorClass::PossessionWeak),
    ("phone_call", FactorClass::PossessionWeak),
    ("phone call", FactorClass::PossessionWeak),
    ("hardware_token", FactorClass::PossessionWeak),
    ("hardware token", FactorClass::PossessionWeak),
    ("bypass_code", FactorClass::PossessionWeak),
    ("bypass code", FactorClass::PossessionWeak),
    // A Duo phone answers calls and SMS at least; whether it also runs Duo Mobile is not logged.
    ("phone", FactorClass::PossessionWeak),
];

/// Auth0 factor kinds, as its logs and exports name them.
pub const AUTH0: &[(&str, FactorClass)] = &[
    ("passkey", FactorClass::PhishingResistant),
    ("webauthn", FactorClass::PhishingResistant),
    ("push", FactorClass::App),
    ("otp", FactorClass::App),
    ("sms", FactorClass::PossessionWeak),
    ("voice", FactorClass::PossessionWeak),
    ("phone", FactorClass::PossessionWeak),
    ("email", FactorClass::PossessionWeak),
    ("recovery", FactorClass::PossessionWeak),
];

/// Onelogin factor kinds, as its logs and exports name them.
pub const ONELOGIN: &[(&str, FactorClass)] = &[
    ("webauthn", FactorClass::PhishingResistant),
    ("security key", FactorClass::PhishingResistant),
    ("protect", FactorClass::App),
    ("authenticator", FactorClass::App),
    ("duo", FactorClass::App),
    ("sms", FactorClass::PossessionWeak),
    ("voice", FactorClass::PossessionWeak),
    ("email", FactorClass::PossessionWeak),
    ("yubikey", FactorClass::PossessionWeak),
    ("question", FactorClass::Knowledge),
];

/// The strength class of a factor kind as `provider` names it; `unknown` when no row matches
/// (or the provider has no table here).
pub fn classify_kind(provider: Provider, kind: &str) -> FactorClass {
    let table = match provider {
        Provider::Okta => OKTA,
        Provider::Entra | Provider::M365 => ENTRA,
        Provider::Aws => AWS,
        Provider::Google => GOOGLE,
        Provider::Github => GITHUB,
        Provider::Duo => DUO,
        Provider::Auth0 => AUTH0,
        Provider::Onelogin => ONELOGIN,
    };
    table.iter().find(|(needle, _)| contains_ignore_case(kind, needle)).map(|(_, class)| *class).unwrap_or_default()
}

fn contains_ignore_case(haystack: &str, needle: &str) -> bool {
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    n.is_empty() || h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_rank_as_the_events_table_says() {
        assert_eq!(classify_kind(Provider::Okta, "FIDO_WEBAUTHN"), FactorClass::PhishingResistant);
        assert_eq!(classify_kind(Provider::Okta, "OKTA_VERIFY_PUSH"), FactorClass::App);
        assert_eq!(classify_kind(Provider::Okta, "SMS_FACTOR"), FactorClass::PossessionWeak);
        assert_eq!(classify_kind(Provider::Entra, "Passwordless phone sign-in"), FactorClass::App);
        assert_eq!(classify_kind(Provider::Entra, "Mobile phone"), FactorClass::PossessionWeak);
        assert_eq!(classify_kind(Provider::Aws, "arn:aws:iam::1:u2f/user/a/key"), FactorClass::PhishingResistant);
        assert_eq!(classify_kind(Provider::Duo, "duo_push"), FactorClass::App);
        assert_eq!(classify_kind(Provider::Google, "two-step verification"), FactorClass::Unknown);
        assert_eq!(classify_kind(Provider::Auth0, "sms"), FactorClass::PossessionWeak);
    }
}
