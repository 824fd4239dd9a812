use crate::Text;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Strength classes of authentication factors, weakest first so that `Ord` compares
/// strength (docs/detection-contract.md §1; docs/events.md §10). `Unknown` sorts lowest: an
/// unmapped kind is never taken as stronger than it can be shown to be (NIST SP 800-63B-4
/// §4.1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FactorClass {
    /// A kind no provider list recognises.
    #[default]
    Unknown,
    /// Something known: security questions.
    Knowledge,
    /// A code sent or read out: SMS, voice, e-mail, hardware OATH, backup codes.
    PossessionWeak,
    /// An authenticator app: push, number matching, TOTP.
    App,
    /// Bound to the origin: WebAuthn/FIDO2, passkeys, certificates, Windows Hello.
    PhishingResistant,
}

impl FactorClass {
    /// The class's name in the event format (`phishing_resistant`).
    pub fn as_str(self) -> &'static str {
        match self {
            FactorClass::Unknown => "unknown",
            FactorClass::Knowledge => "knowledge",
            FactorClass::PossessionWeak => "possession_weak",
            FactorClass::App => "app",
            FactorClass::PhishingResistant => "phishing_resistant",
        }
    }
}

impl fmt::Display for FactorClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A factor named by an event: the provider's own kind string, its strength class, and
/// whatever identifies this particular factor (enrollment id, MFA serial, phone number).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Factor {
    /// The provider's name for the kind, as logged (`OKTA_VERIFY_PUSH`, `fido2`, `duo_push`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<Text>,
    /// The strength class of the kind (docs/events.md §10).
    pub class: FactorClass,
    /// The provider's id of this factor: enrollment id, MFA device serial, method number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<Text>,
    /// A display name: the phone number, device name or key nickname.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<Text>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_order_by_strength_with_unknown_weakest() {
        assert!(FactorClass::PhishingResistant > FactorClass::App);
        assert!(FactorClass::App > FactorClass::PossessionWeak);
        assert!(FactorClass::PossessionWeak > FactorClass::Knowledge);
        assert!(FactorClass::Knowledge > FactorClass::Unknown);
    }
}
