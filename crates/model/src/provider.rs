use serde::{Deserialize, Serialize};
use std::fmt;

/// The identity providers factorwatch reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    Okta,
    Entra,
    M365,
    Aws,
    Google,
    Github,
    Duo,
    Auth0,
    Onelogin,
}

impl Provider {
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

    pub fn parse(name: &str) -> Option<Provider> {
        Provider::ALL.into_iter().find(|p| p.as_str().eq_ignore_ascii_case(name))
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
