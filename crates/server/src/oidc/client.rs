//! Talking to the provider: its discovery document, the authorization URL of a new sign-in
//! (state, nonce and PKCE challenge kept here until the browser returns), and the code
//! exchanged for an ID token that is then verified.

use super::OidcSettings;
use super::id_token::{self, Expected, IdTokenError};
use super::pkce;
use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A sign-in must come back from the provider within this long.
const PENDING_LIFETIME: Duration = Duration::from_secs(600);
/// Sign-ins started and not finished kept at most; the oldest go first.
const MAX_PENDING: usize = 10_000;
/// The discovery document is fetched again after this long.
const DISCOVERY_LIFETIME: Duration = Duration::from_secs(3600);
/// Each call to the provider must answer within this long.
const PROVIDER_TIMEOUT: Duration = Duration::from_secs(10);

/// Why a sign-in through the provider failed.
#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    /// No answer from the provider (down, wrong URL, timeout).
    #[error("the identity provider could not be asked ({0})")]
    Unreachable(String),
    /// An answer that refuses, or that is not what the protocol says.
    #[error("the identity provider's answer cannot be used: {0}")]
    Provider(String),
    /// The browser came back with a state this service did not hand out, or no longer holds.
    #[error("this sign-in was not started here, was already used, or took longer than ten minutes; start again")]
    UnknownState,
    /// The ID token failed a check.
    #[error("{0}")]
    IdToken(#[from] IdTokenError),
}

/// The parts of `/.well-known/openid-configuration` the sign-in uses.
#[derive(Debug, Clone, Deserialize)]
struct Discovery {
    issuer: String,
    authorization_endpoint: String,
    token_endpoint: String,
    jwks_uri: String,
    #[serde(default)]
    token_endpoint_auth_methods_supported: Vec<String>,
    #[serde(default)]
    code_challenge_methods_supported: Vec<String>,
}

/// What the browser will bring back, by state.
#[derive(Debug)]
struct Pending {
    nonce: String,
    verifier: String,
    started: Instant,
}

/// A sign-in just started: the state (also set in a cookie, to bind the browser) and where
/// to send the browser.
#[derive(Debug)]
pub struct Begun {
    /// The `state` sent to the provider.
    pub state: String,
    /// The provider's authorization URL with every parameter.
    pub url: String,
}

/// Who signed in, from the verified ID token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// The `sub` claim: stable at this issuer.
    pub subject: String,
    /// `preferred_username`, else `email`, else `name`, else the subject.
    pub name: String,
    /// The groups claim (absent: none).
    pub groups: Vec<String>,
}

/// The provider as the console sees it: settings, the client secret, the cached discovery
/// document and the sign-ins under way.
pub struct OidcClient {
    /// `[server.oidc]`.
    pub settings: OidcSettings,
    secret: Option<String>,
    http: reqwest::Client,
    discovery: tokio::sync::Mutex<Option<(Discovery, Instant)>>,
    pending: Mutex<HashMap<String, Pending>>,
}

impl std::fmt::Debug for OidcClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcClient").field("issuer", &self.settings.issuer).finish_non_exhaustive()
    }
}

impl OidcClient {
    /// A client for the configured provider; nothing is fetched until the first sign-in, so
    /// the service starts while the provider is down.
    pub fn new(settings: OidcSettings, secret: Option<String>) -> anyhow::Result<OidcClient> {
        let http = reqwest::Client::builder().timeout(PROVIDER_TIMEOUT).build()?;
        Ok(OidcClient { settings, secret, http, discovery: Default::default(), pending: Default::default() })
    }

    async fn discovery(&self) -> Result<Discovery, OidcError> {
        let mut cached = self.discovery.lock().await;
        if let Some((doc, at)) = cached.as_ref()
            && at.elapsed() < DISCOVERY_LIFETIME
        {
            return Ok(doc.clone());
        }
        let url = format!("{}/.well-known/openid-configuration", self.settings.issuer.trim_end_matches('/'));
        let doc: Discovery = serde_json::from_value(self.get_json(&url).await?)
            .map_err(|e| OidcError::Provider(format!("`{url}`: {e}")))?;
        if doc.issuer != self.settings.issuer {
            return Err(OidcError::Provider(format!(
                "`{url}` names the issuer `{}`, not the configured `{}`",
                doc.issuer, self.settings.issuer
            )));
        }
        if !doc.code_challenge_methods_supported.is_empty()
            && !doc.code_challenge_methods_supported.iter().any(|m| m == "S256")
        {
            return Err(OidcError::Provider("the provider does not support PKCE with S256".into()));
        }
        *cached = Some((doc.clone(), Instant::now()));
        Ok(doc)
    }

    async fn get_json(&self, url: &str) -> Result<Value, OidcError> {
        let response = self.http.get(url).send().await.map_err(|e| OidcError::Unreachable(format!("{url}: {e}")))?;
        if !response.status().is_success() {
            return Err(OidcError::Provider(format!("`{url}` answered {}", response.status())));
        }
        response.json().await.map_err(|e| OidcError::Provider(format!("`{url}`: {e}")))
    }

    /// Starts a sign-in: a new state, nonce and PKCE verifier, and the provider's URL.
    pub async fn begin(&self) -> Result<Begun, OidcError> {
        let doc = self.discovery().await?;
        let (state, nonce, verifier) = (pkce::random_value(), pkce::random_value(), pkce::random_value());
        let scope = self.settings.scopes.join(" ");
        let challenge = pkce::challenge(&verifier);
        let url = reqwest::Url::parse_with_params(
            &doc.authorization_endpoint,
            [
                ("response_type", "code"),
                ("client_id", self.settings.client_id.as_str()),
                ("redirect_uri", self.settings.redirect_url.as_str()),
                ("scope", scope.as_str()),
                ("state", state.as_str()),
                ("nonce", nonce.as_str()),
                ("code_challenge", challenge.as_str()),
                ("code_challenge_method", "S256"),
            ],
        )
        .map_err(|e| OidcError::Provider(format!("authorization_endpoint `{}`: {e}", doc.authorization_endpoint)))?;
        if let Ok(mut pending) = self.pending.lock() {
            pending.retain(|_, p| p.started.elapsed() < PENDING_LIFETIME);
            if pending.len() >= MAX_PENDING
                && let Some(oldest) = pending.iter().min_by_key(|(_, p)| p.started).map(|(k, _)| k.clone())
            {
                pending.remove(&oldest);
            }
            pending.insert(state.clone(), Pending { nonce, verifier, started: Instant::now() });
        }
        Ok(Begun { state, url: url.into() })
    }

    /// Finishes the sign-in `state` started: the code exchanged (with the PKCE verifier) for
    /// an ID token, verified. A state is used once.
    pub async fn finish(&self, state: &str, code: &str) -> Result<Identity, OidcError> {
        let pending = self
            .pending
            .lock()
            .ok()
            .and_then(|mut p| p.remove(state))
            .filter(|p| p.started.elapsed() < PENDING_LIFETIME)
            .ok_or(OidcError::UnknownState)?;
        let doc = self.discovery().await?;
        let id_token = self.exchange(&doc, code, &pending.verifier).await?;
        let keys = id_token::signing_keys(&self.get_json(&doc.jwks_uri).await?);
        let expected =
            Expected { issuer: &self.settings.issuer, client_id: &self.settings.client_id, nonce: &pending.nonce };
        let claims = id_token::verify(&id_token, &keys, expected)?;
        Ok(identity(&claims, &self.settings.groups_claim))
    }

    async fn exchange(&self, doc: &Discovery, code: &str, verifier: &str) -> Result<String, OidcError> {
        let mut form = vec![
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", self.settings.redirect_url.as_str()),
            ("code_verifier", verifier),
            ("client_id", self.settings.client_id.as_str()),
        ];
        let mut request = self.http.post(&doc.token_endpoint);
        if let Some(secret) = &self.secret {
            // client_secret_basic is the default every provider takes unless it lists only post.
            let post_only = !doc.token_endpoint_auth_methods_supported.is_empty()
                && !doc.token_endpoint_auth_methods_supported.iter().any(|m| m == "client_secret_basic");
            if post_only {
                form.push(("client_secret", secret.as_str()));
            } else {
                // RFC 6749 §2.3.1: both parts form-encoded before Basic encoding.
                request = request.basic_auth(form_encode(&self.settings.client_id), Some(form_encode(secret)));
            }
        }
        let url = &doc.token_endpoint;
        let response = request.form(&form).send().await.map_err(|e| OidcError::Unreachable(format!("{url}: {e}")))?;
        let status = response.status();
        let body: Value = response.json().await.map_err(|e| OidcError::Provider(format!("`{url}`: {e}")))?;
        if !status.is_success() {
            let error = body.get("error").and_then(Value::as_str).unwrap_or("no error code");
            let description = body.get("error_description").and_then(Value::as_str).unwrap_or_default();
            return Err(OidcError::Provider(format!("the token endpoint refused the code: {error} {description}")));
        }
        body.get("id_token")
            .and_then(Value::as_str)
            .map(String::from)
            .ok_or_else(|| OidcError::Provider("the token endpoint returned no id_token".into()))
    }
}

fn form_encode(text: &str) -> String {
    reqwest::Url::parse_with_params("http://x/", [("", text)])
        .ok()
        .and_then(|u| u.query().map(|q| q.trim_start_matches('=').to_string()))
        .unwrap_or_else(|| text.to_string())
}

/// Who the claims name, and their groups (a list of names, or one name).
fn identity(claims: &Map<String, Value>, groups_claim: &str) -> Identity {
    let text = |name: &str| claims.get(name).and_then(Value::as_str).filter(|s| !s.is_empty()).map(String::from);
    let subject = text("sub").unwrap_or_default();
    let name = text("preferred_username").or_else(|| text("email")).or_else(|| text("name")).unwrap_or(subject.clone());
    let groups = match claims.get(groups_claim) {
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).map(String::from).collect(),
        Some(Value::String(one)) => vec![one.clone()],
        _ => Vec::new(),
    };
    Identity { subject, name, groups }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    #[test]
    fn the_name_falls_back_from_username_to_email_to_subject_and_groups_may_be_one_string() {
        let claims = json!({"sub": "00u1", "email": "dana@acme.example", "roles": "soc"});
        let who = identity(claims.as_object().unwrap(), "roles");
        assert_eq!(
            who,
            Identity { subject: "00u1".into(), name: "dana@acme.example".into(), groups: vec!["soc".into()] }
        );
        let who = identity(json!({"sub": "00u2"}).as_object().unwrap(), "groups");
        assert_eq!((who.name.as_str(), who.groups.len()), ("00u2", 0));
    }

    #[test]
    fn client_credentials_are_form_encoded_for_basic_authentication() {
        assert_eq!(form_encode("a b+c/d"), "a+b%2Bc%2Fd");
        assert_eq!(form_encode("plain-id_1.x"), "plain-id_1.x");
    }
}
