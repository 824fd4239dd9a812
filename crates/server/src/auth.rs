//! API tokens: created at random, shown once, stored only as a SHA-256 hash; each request's
//! bearer token is looked up by hash and its role checked against what the route needs.

use crate::error::ApiError;
use chrono::{DateTime, Utc};
use rand::{RngCore, TryRngCore};
use sha2::{Digest, Sha256};
use store::{Role, TokenRecord};

/// Tokens start with this, so that leaked ones are easy to find in code and logs.
pub const TOKEN_PREFIX: &str = "fwt_";

/// A new token: the secret to hand out once, and the record to store.
pub fn new_token(name: &str, role: Role, now: DateTime<Utc>) -> (String, TokenRecord) {
    // The operating system's generator; failing to read it is not recoverable.
    let mut rng = rand::rngs::OsRng.unwrap_err();
    let mut secret = [0u8; 32];
    rng.fill_bytes(&mut secret);
    let token = format!("{TOKEN_PREFIX}{}", hex::encode(secret));
    let mut id = [0u8; 8];
    rng.fill_bytes(&mut id);
    let record = TokenRecord {
        id: format!("tok_{}", hex::encode(id)),
        name: name.to_string(),
        role,
        hash: hash_token(&token),
        created: now,
        revoked: None,
    };
    (token, record)
}

/// Tokens are 256 random bits, so one unsalted SHA-256 is enough: there is nothing to guess.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Who is calling: the token's public id, its holder's name, and its role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The token's public id.
    pub token_id: String,
    /// Who holds the token.
    pub name: String,
    /// What the token may do.
    pub role: Role,
}

/// What a route needs. Metrics tokens only read `/metrics`; ingest tokens only post events;
/// every other role reads; analysts change incidents; approvers decide approvals; admins do
/// everything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Scraping `/metrics`.
    Metrics,
    /// Posting events.
    Ingest,
    /// Asking the enrollment decision point: identity-provider integrations (ingest
    /// tokens) and people who request changes (analysts and up).
    Decide,
    /// Reading incidents, findings, identities and approvals.
    Read,
    /// Changing incidents and running remediation.
    Triage,
    /// Deciding approvals and revalidation items.
    Approve,
    /// Managing tokens and the service.
    Admin,
}

impl Need {
    /// Whether a token of `role` may do what this needs.
    pub fn allows(self, role: Role) -> bool {
        match self {
            Need::Metrics => role == Role::Metrics || role >= Role::Viewer,
            Need::Ingest => matches!(role, Role::Ingest | Role::Admin),
            Need::Decide => role == Role::Ingest || role >= Role::Analyst,
            Need::Read => role >= Role::Viewer,
            Need::Triage => role >= Role::Analyst,
            Need::Approve => role >= Role::Approver,
            Need::Admin => role == Role::Admin,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Need::Metrics => "a metrics, viewer, analyst, approver or admin token",
            Need::Ingest => "an ingest or admin token",
            Need::Decide => "an ingest, analyst, approver or admin token",
            Need::Read => "a viewer, analyst, approver or admin token",
            Need::Triage => "an analyst, approver or admin token",
            Need::Approve => "an approver or admin token",
            Need::Admin => "an admin token",
        }
    }
}

/// The token in `Authorization: Bearer <token>` (or, for senders that cannot add the word,
/// the bare token).
pub fn bearer(headers: &axum::http::HeaderMap) -> Option<&str> {
    let value = headers.get(axum::http::header::AUTHORIZATION)?.to_str().ok()?.trim();
    let token = match value.split_once(char::is_whitespace) {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("bearer") => rest.trim(),
        None if value.eq_ignore_ascii_case("bearer") => "",
        _ => value,
    };
    Some(token).filter(|t| !t.is_empty())
}

/// Checks a stored token against what the route needs.
pub fn check(record: Option<TokenRecord>, need: Need) -> Result<Caller, ApiError> {
    let Some(record) = record else {
        return Err(ApiError::unauthorized("the token is not known"));
    };
    if record.revoked.is_some() {
        return Err(ApiError::unauthorized(format!("the token `{}` was revoked", record.id)));
    }
    if !need.allows(record.role) {
        return Err(ApiError::forbidden(format!(
            "the token `{}` has the role `{}`; this needs {}",
            record.id,
            record.role.as_str(),
            need.describe()
        )));
    }
    Ok(Caller { token_id: record.id, name: record.name, role: record.role })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_need_admits_exactly_the_roles_it_names() {
        let admitted = |need: Need| Role::ALL.into_iter().filter(|r| need.allows(*r)).collect::<Vec<_>>();
        assert_eq!(admitted(Need::Metrics), [Role::Metrics, Role::Viewer, Role::Analyst, Role::Approver, Role::Admin]);
        assert_eq!(admitted(Need::Ingest), [Role::Ingest, Role::Admin]);
        assert_eq!(admitted(Need::Decide), [Role::Ingest, Role::Analyst, Role::Approver, Role::Admin]);
        assert_eq!(admitted(Need::Read), [Role::Viewer, Role::Analyst, Role::Approver, Role::Admin]);
        assert_eq!(admitted(Need::Triage), [Role::Analyst, Role::Approver, Role::Admin]);
        assert_eq!(admitted(Need::Approve), [Role::Approver, Role::Admin]);
        assert_eq!(admitted(Need::Admin), [Role::Admin]);
    }

    #[test]
    fn a_new_token_is_stored_only_as_its_hash() {
        let (token, record) = new_token("alice", Role::Analyst, Utc::now());
        assert!(token.starts_with(TOKEN_PREFIX) && token.len() == TOKEN_PREFIX.len() + 64);
        assert_eq!(record.hash, hash_token(&token));
        assert!(!format!("{record:?}").contains(&token));
        let (other, _) = new_token("alice", Role::Analyst, Utc::now());
        assert_ne!(token, other);
    }

    #[test]
    fn the_bearer_word_is_optional() {
        let mut headers = axum::http::HeaderMap::new();
        headers.insert(axum::http::header::AUTHORIZATION, "Bearer fwt_abc".parse().unwrap());
        assert_eq!(bearer(&headers), Some("fwt_abc"));
        headers.insert(axum::http::header::AUTHORIZATION, "fwt_abc".parse().unwrap());
        assert_eq!(bearer(&headers), Some("fwt_abc"));
        headers.insert(axum::http::header::AUTHORIZATION, "Bearer ".parse().unwrap());
        assert_eq!(bearer(&headers), None);
    }
}
