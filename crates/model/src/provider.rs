use serde::{Deserialize, Serialize};
use std::fmt;

/// The identity providers factorwatch reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    /// Okta (System Log).
    Okta,
    /// Microsoft Entra ID (audit and sign-in logs).
    Entra,
    /// Microsoft 365 (unified audit log).
    M365,
    /// AWS (CloudTrail).
    Aws,
    /// Google Workspace (Reports API).
    Google,
    /// GitHub (audit log).
    Github,
    /// Cisco Duo.
    Duo,
    /// Auth0.
    Auth0,
    /// OneLogin.
    Onelogin,
}

impl Provider {
    /// Every provider, in declaration order.
    pub const ALL: [Provider; 9] = [
        Provider::Okta,
        Provider::Entra,
        Provider::M365,
        Provider::Aws,
        Provider::Google,
        Provider::Github,
        Provider::Duo,
        Provider::Auth0,
        Provider::Onelogin,
    ];

    /// The provider's name in the event format and on the command line (`okta`).
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Okta => "okta",
            Provider::Entra => "entra",
            Provider::M365 => "m365",
            Provider::Aws => "aws",
            Provider::Google => "google",
            Provider::Github => "github",
            Provider::Duo => "duo",
            Provider::Auth0 => "auth0",
            Provider::Onelogin => "onelogin",
        }
    }

    /// The provider with this name, in any case.
    pub fn parse(name: &str) -> Option<Provider> {
        Provider::ALL.into_iter().find(|p| p.as_str().eq_ignore_ascii_case(name))
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
