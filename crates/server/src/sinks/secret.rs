//! Values that must never reach a log line: signing keys and URLs that carry tokens.

use reqwest::Url;
use std::fmt;

/// A signing key. Its Debug output says only that it is set.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Vec<u8>);

impl Secret {
    /// A key of these bytes.
    pub fn new(bytes: impl Into<Vec<u8>>) -> Secret {
        Secret(bytes.into())
    }

    pub(crate) fn expose(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// A receiver URL. Debug shows the scheme and host only: webhook paths and queries often
/// hold the token that authorizes posting (Slack's do).
#[derive(Clone, PartialEq, Eq)]
pub struct SecretUrl(Url);

impl SecretUrl {
    /// The URL, kept out of logs.
    pub fn new(url: Url) -> SecretUrl {
        SecretUrl(url)
    }

    pub(crate) fn expose(&self) -> &Url {
        &self.0
    }
}

impl fmt::Debug for SecretUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&redacted_url(&self.0))
    }
}

/// `https://hooks.example.com/<redacted>`: enough to tell receivers apart, nothing to post with.
pub fn redacted_url(url: &Url) -> String {
    let host = url.host_str().unwrap_or("");
    match url.port() {
        Some(port) => format!("{}://{host}:{port}/<redacted>", url.scheme()),
        None => format!("{}://{host}/<redacted>", url.scheme()),
    }
}
