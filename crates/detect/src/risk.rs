//! Why detection took a sign-in for risky. FW-002 quotes the reasons in its summary; the
//! decision point maps them to its own risk reasons, so they are kept typed, and written
//! in words only when shown.

use model::Text;
use serde::{Deserialize, Serialize};
use std::fmt;

/// One reason a sign-in (or an MFA prompt) was risky.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RiskCause {
    /// The sign-in was impossible travel from the one before (FW-010).
    ImpossibleTravel,
    /// A device outside the identity's baseline.
    UnfamiliarDevice {
        /// The device id the provider reported.
        device: Text,
    },
    /// A country outside the identity's baseline.
    UnfamiliarCountry {
        /// The country code.
        country: Text,
    },
    /// A network (autonomous system) outside the identity's baseline.
    UnfamiliarNetwork {
        /// The autonomous system number.
        asn: u32,
    },
    /// The client came through an anonymizing proxy.
    AnonymizingProxy,
    /// The provider rated the sign-in medium risk or higher.
    ProviderRiskLevel,
    /// The provider sent a risk signal about the identity.
    ProviderRisk {
        /// The provider's risk markers, or the signal's action when it has none.
        signal: String,
    },
    /// The identity denied a burst of MFA prompts (FW-003).
    MfaFatigue,
}

impl fmt::Display for RiskCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RiskCause::ImpossibleTravel => f.write_str("impossible travel"),
            RiskCause::UnfamiliarDevice { device } => write!(f, "device `{device}` never seen"),
            RiskCause::UnfamiliarCountry { country } => write!(f, "country {country} never seen"),
            RiskCause::UnfamiliarNetwork { asn } => write!(f, "network AS{asn} never seen"),
            RiskCause::AnonymizingProxy => f.write_str("anonymizing proxy"),
            RiskCause::ProviderRiskLevel => f.write_str("provider risk medium or higher"),
            RiskCause::ProviderRisk { signal } => write!(f, "provider risk: {signal}"),
            RiskCause::MfaFatigue => f.write_str("MFA fatigue"),
        }
    }
}

/// The reasons of one risky sign-in in words, comma-separated.
pub fn describe(causes: &[RiskCause]) -> String {
    causes.iter().map(RiskCause::to_string).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_read_as_detection_has_always_worded_them() {
        let causes = [
            RiskCause::ImpossibleTravel,
            RiskCause::UnfamiliarCountry { country: Text::from("BR") },
            RiskCause::ProviderRisk { signal: "anonymizedIPAddress".into() },
        ];
        assert_eq!(describe(&causes), "impossible travel, country BR never seen, provider risk: anonymizedIPAddress");
        assert_eq!(RiskCause::UnfamiliarNetwork { asn: 64500 }.to_string(), "network AS64500 never seen");
        assert_eq!(RiskCause::UnfamiliarDevice { device: Text::from("d-1") }.to_string(), "device `d-1` never seen");
        assert_eq!(RiskCause::MfaFatigue.to_string(), "MFA fatigue");
    }
}
