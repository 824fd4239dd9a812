//! Authenticator assurance levels of factor classes (docs/standards.md §5, factorwatch's
//! convention for DP-3) and the strength rank policies compare.

use model::FactorClass;

/// The AAL a factor of this class can reach. A phishing-resistant key reaches AAL3 only
/// when device-bound (a syncable passkey is AAL2); email OTP is AAL1 although its class is
/// `possession_weak`. Unknown kinds get the weakest plausible level (SP 800-63B-4 §4.1.3).
pub fn aal_of(kind: &str, class: FactorClass, device_bound: bool) -> u8 {
    match class {
        FactorClass::PhishingResistant if device_bound => 3,
        FactorClass::PhishingResistant | FactorClass::App => 2,
        FactorClass::PossessionWeak if is_email(kind) => 1,
        FactorClass::PossessionWeak => 2,
        FactorClass::Knowledge | FactorClass::Unknown => 1,
    }
}

/// Strength rank, 0 (unknown) to 4 (phishing-resistant), in the order of `FactorClass`.
pub fn strength(class: FactorClass) -> i64 {
    match class {
        FactorClass::Unknown => 0,
        FactorClass::Knowledge => 1,
        FactorClass::PossessionWeak => 2,
        FactorClass::App => 3,
        FactorClass::PhishingResistant => 4,
    }
}

fn is_email(kind: &str) -> bool {
    kind.to_ascii_lowercase().contains("email")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_bound_keys_reach_aal3_and_syncable_ones_aal2() {
        assert_eq!(aal_of("fido2", FactorClass::PhishingResistant, true), 3);
        assert_eq!(aal_of("passkey", FactorClass::PhishingResistant, false), 2);
    }

    #[test]
    fn email_otp_is_aal1_while_sms_is_aal2() {
        assert_eq!(aal_of("email", FactorClass::PossessionWeak, false), 1);
        assert_eq!(aal_of("sms", FactorClass::PossessionWeak, false), 2);
    }

    #[test]
    fn unknown_kinds_are_weakest() {
        assert_eq!(aal_of("mystery", FactorClass::Unknown, true), 1);
        assert!(strength(FactorClass::Unknown) < strength(FactorClass::Knowledge));
    }
}
