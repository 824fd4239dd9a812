//! Console sign-in through the team's OpenID provider: the authorization code flow with PKCE
//! (S256), state and nonce; the ID token verified against the issuer's published keys; the
//! console role taken from the groups claim through a mapping in the settings.

pub mod client;
pub mod id_token;
pub mod pkce;

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;
use store::Role;

pub use client::{Identity, OidcClient, OidcError};

/// `[server.oidc]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OidcSettings {
    /// The issuer URL, exactly as the provider states it in its discovery document
    /// (`https://acme.okta.com`, `https://login.microsoftonline.com/<tenant>/v2.0`).
    pub issuer: String,
    /// The client id registered for the console.
    pub client_id: String,
    /// Environment variable holding the client secret …
    #[serde(default)]
    pub client_secret_env: Option<String>,
    /// … or a file holding it; neither for a public client (PKCE alone).
    #[serde(default)]
    pub client_secret_file: Option<PathBuf>,
    /// Where the provider sends the browser back: the console's `/console/oidc/callback`.
    pub redirect_url: String,
    /// Scopes asked for; `openid` must be one.
    #[serde(default = "default_scopes")]
    pub scopes: Vec<String>,
    /// The ID token claim holding the user's groups.
    #[serde(default = "default_groups_claim")]
    pub groups_claim: String,
    /// The sign-in button's words: "Sign in with <label>".
    #[serde(default = "default_label")]
    pub label: String,
    /// Group name → console role (`viewer`, `analyst`, `approver`, `admin`). A user in several
    /// mapped groups gets the highest of their roles; a user in none is refused.
    #[serde(default)]
    pub roles: BTreeMap<String, String>,
}

fn default_scopes() -> Vec<String> {
    ["openid", "profile", "email"].map(String::from).to_vec()
}

fn default_groups_claim() -> String {
    "groups".into()
}

fn default_label() -> String {
    "your identity provider".into()
}

impl OidcSettings {
    /// What the types cannot check: URLs, scopes, the secret's source and the role names.
    pub fn validate(&self) -> Result<(), String> {
        web_url("issuer", &self.issuer)?;
        web_url("redirect_url", &self.redirect_url)?;
        if self.client_id.is_empty() {
            return Err("`client_id` is empty".into());
        }
        if self.client_secret_env.is_some() && self.client_secret_file.is_some() {
            return Err("give at most one of `client_secret_env` and `client_secret_file`".into());
        }
        if !self.scopes.iter().any(|s| s == "openid") {
            return Err("`scopes` must include `openid`".into());
        }
        if self.roles.is_empty() {
            return Err("`roles` maps no group to a role: nobody could sign in".into());
        }
        for (group, role) in &self.roles {
            match Role::parse(role) {
                Some(Role::Ingest) | None => {
                    return Err(format!(
                        "`roles`: group `{group}` maps to `{role}`; use viewer, analyst, approver or admin"
                    ));
                }
                Some(_) => {}
            }
        }
        Ok(())
    }

    /// The highest console role the groups are mapped to; `None` when no group is mapped.
    pub fn role_for(&self, groups: &[String]) -> Option<Role> {
        groups.iter().filter_map(|g| self.roles.get(g)).filter_map(|r| Role::parse(r)).max()
    }
}

/// An `https://` URL, or `http://` to this machine only (a provider run locally for tests).
fn web_url(setting: &str, text: &str) -> Result<(), String> {
    let url = reqwest::Url::parse(text).map_err(|e| format!("`{setting}` = `{text}` is not a URL: {e}"))?;
    let loopback = matches!(url.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"));
    match url.scheme() {
        "https" => Ok(()),
        "http" if loopback => Ok(()),
        _ => Err(format!("`{setting}` = `{text}` must be https:// (http:// only to localhost)")),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn settings(roles: &[(&str, &str)]) -> OidcSettings {
        OidcSettings {
            issuer: "https://idp.example.com".into(),
            client_id: "factorwatch".into(),
            client_secret_env: Some("FW_OIDC_SECRET".into()),
            client_secret_file: None,
            redirect_url: "https://fw.example.com/console/oidc/callback".into(),
            scopes: default_scopes(),
            groups_claim: default_groups_claim(),
            label: default_label(),
            roles: roles.iter().map(|(g, r)| (g.to_string(), r.to_string())).collect(),
        }
    }

    #[test]
    fn the_highest_mapped_role_wins_and_unmapped_groups_give_none() {
        let s = settings(&[("soc", "analyst"), ("soc-leads", "approver"), ("all", "viewer")]);
        let groups = |g: &[&str]| g.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(s.role_for(&groups(&["all", "soc-leads", "soc"])), Some(Role::Approver));
        assert_eq!(s.role_for(&groups(&["marketing"])), None);
        assert_eq!(s.role_for(&[]), None);
    }

    #[test]
    fn plain_http_issuers_and_unknown_roles_are_refused() {
        assert!(settings(&[("soc", "analyst")]).validate().is_ok());
        let mut s = settings(&[("soc", "analyst")]);
        s.issuer = "http://idp.example.com".into();
        assert!(s.validate().unwrap_err().contains("https://"));
        s.issuer = "http://127.0.0.1:9000".into();
        assert!(s.validate().is_ok());
        assert!(settings(&[("soc", "root")]).validate().unwrap_err().contains("`root`"));
        assert!(settings(&[("soc", "ingest")]).validate().is_err());
        assert!(settings(&[]).validate().unwrap_err().contains("nobody"));
    }
}
