//! Who an id is, for people: approvals and revalidation items carry providers' immutable ids
//! (`00u1x9…`, object ids); reviewers read the login detection has seen each identity use.
//! And the other way: which identities a login names, all of them when it names several.

use crate::error::ApiError;
use crate::state::AppState;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use detect::IdentitySummary;
use model::Provider;
use serde::Serialize;
use std::collections::HashMap;

/// The identities detection knows, by key, read once per answer.
#[derive(Debug, Default)]
pub struct Names {
    by_key: HashMap<(Provider, String, String), String>,
}

impl Names {
    /// What detection knows now; empty while its state is being restored (ids are then shown
    /// as they are). Blocking: takes the detection lock.
    pub fn read(app: &AppState) -> Names {
        let guard = app.stream.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let Some(stream) = guard.as_ref() else { return Names::default() };
        Names::from_summaries(stream.engine().identities())
    }

    pub fn from_summaries(identities: Vec<IdentitySummary>) -> Names {
        let by_key = identities
            .into_iter()
            .filter_map(|i| {
                let name = i.name?.to_string();
                Some(((i.key.provider, i.key.tenant.to_string(), i.key.id.to_string()), name))
            })
            .collect();
        Names { by_key }
    }

    /// The login of the identity `id` in `provider`'s `tenant`, when detection has seen one.
    pub fn of(&self, provider: Provider, tenant: &str, id: &str) -> Option<String> {
        self.by_key.get(&(provider, tenant.to_string(), id.to_string())).cloned()
    }
}

/// One account a login may name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Candidate {
    pub provider: Provider,
    pub tenant: String,
    pub id: String,
    pub login: Option<String>,
}

/// The accounts `who` names, from detection's state (`503` while it is being restored).
pub async fn candidates(
    app: &AppState,
    provider: Option<Provider>,
    tenant: Option<String>,
    who: String,
) -> Result<Vec<Candidate>, ApiError> {
    let stream = app.stream.clone();
    tokio::task::spawn_blocking(move || {
        let guard = stream.lock().map_err(|_| ApiError::internal("detection state is unavailable"))?;
        let Some(stream) = guard.as_ref() else {
            return Err(ApiError::unavailable("detection state is still being restored", 1));
        };
        Ok(resolve(&stream.engine().identities(), provider, tenant.as_deref(), &who))
    })
    .await
    .map_err(|e| ApiError::internal(e.to_string()))?
}

/// The identities `who` names within the filters: the one whose id it is, else every one whose
/// login it is (any case). `who` may name its provider as a prefix (`okta:alice@acme.com`).
pub fn resolve(
    identities: &[IdentitySummary],
    provider: Option<Provider>,
    tenant: Option<&str>,
    who: &str,
) -> Vec<Candidate> {
    let mut found = matching(identities, provider, tenant, who);
    if found.is_empty()
        && provider.is_none()
        && let Some((prefix, rest)) = who.split_once(':')
        && let Some(named) = Provider::parse(prefix)
    {
        found = matching(identities, Some(named), tenant, rest);
    }
    found
}

fn matching(
    identities: &[IdentitySummary],
    provider: Option<Provider>,
    tenant: Option<&str>,
    who: &str,
) -> Vec<Candidate> {
    let within = |i: &&IdentitySummary| {
        provider.is_none_or(|p| i.key.provider == p) && tenant.is_none_or(|t| i.key.tenant.as_str() == t)
    };
    let candidate = |i: &IdentitySummary| Candidate {
        provider: i.key.provider,
        tenant: i.key.tenant.to_string(),
        id: i.key.id.to_string(),
        login: i.name.as_ref().map(|n| n.to_string()),
    };
    let by_id: Vec<Candidate> =
        identities.iter().filter(within).filter(|i| i.key.id.as_str() == who).map(candidate).collect();
    if !by_id.is_empty() {
        return by_id;
    }
    let mut by_login: Vec<Candidate> = identities
        .iter()
        .filter(within)
        .filter(|i| i.name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(who)))
        .map(candidate)
        .collect();
    by_login.sort_by(|a, b| (a.provider.as_str(), &a.tenant, &a.id).cmp(&(b.provider.as_str(), &b.tenant, &b.id)));
    by_login
}

/// `409 ambiguous`: the login names several accounts. The error says so and how to name one;
/// `candidates` lists them (provider, tenant, id, login) for a client to offer.
#[derive(Debug)]
pub struct Ambiguous {
    pub who: String,
    pub candidates: Vec<Candidate>,
}

impl Ambiguous {
    pub fn new(who: &str, candidates: Vec<Candidate>) -> Ambiguous {
        Ambiguous { who: who.to_string(), candidates }
    }

    pub fn message(&self) -> String {
        let listed: Vec<String> = self
            .candidates
            .iter()
            .map(|c| format!("{} {} {} ({})", c.provider, c.tenant, c.id, c.login.as_deref().unwrap_or("no login")))
            .collect();
        let who = &self.who;
        format!(
            "`{who}` names {} accounts: {}; name the provider (`provider=okta` or `okta:{who}`) and tenant, or give the id",
            self.candidates.len(),
            listed.join("; ")
        )
    }
}

/// Where the answer cannot carry the list as data (the decision point, console forms), the
/// message still names every account.
impl From<Ambiguous> for ApiError {
    fn from(a: Ambiguous) -> ApiError {
        ApiError::new(StatusCode::CONFLICT, "ambiguous", a.message())
    }
}

impl IntoResponse for Ambiguous {
    fn into_response(self) -> Response {
        let body = serde_json::json!({
            "error": {"code": "ambiguous", "message": self.message()},
            "candidates": self.candidates,
        });
        (StatusCode::CONFLICT, axum::Json(body)).into_response()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn summary(provider: Provider, tenant: &str, id: &str, name: &str) -> IdentitySummary {
        IdentitySummary {
            key: detect::IdentityKey { provider, tenant: tenant.into(), id: id.into() },
            name: Some(name.into()),
            kind: model::PrincipalKind::Human,
            tier: 2,
            factors_bound: 0,
            last_seen: chrono::Utc::now(),
        }
    }

    fn alice_twice() -> Vec<IdentitySummary> {
        vec![
            summary(Provider::Okta, "acme.okta.com", "00u1alice", "alice@acme.com"),
            summary(Provider::Entra, "acme-tenant", "b7e1-alice", "Alice@acme.com"),
            summary(Provider::Okta, "acme.okta.com", "00u2bob", "bob@acme.com"),
        ]
    }

    #[test]
    fn a_login_of_several_accounts_lists_them_all() {
        let found = resolve(&alice_twice(), None, None, "alice@acme.com");
        let ids: Vec<&str> = found.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["b7e1-alice", "00u1alice"]);
    }

    #[test]
    fn the_provider_by_filter_or_prefix_picks_the_one_meant() {
        let all = alice_twice();
        let by_filter = resolve(&all, Some(Provider::Okta), None, "alice@acme.com");
        let by_prefix = resolve(&all, None, None, "okta:alice@acme.com");
        assert_eq!(by_filter.len(), 1);
        assert_eq!(by_filter, by_prefix);
        assert_eq!(by_filter[0].id, "00u1alice");
    }

    #[test]
    fn an_id_is_exact() {
        let found = resolve(&alice_twice(), None, None, "00u2bob");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].login.as_deref(), Some("bob@acme.com"));
    }
}
