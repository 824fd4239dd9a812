//! Identities as detection sees them (factors with their binding context, baseline, tier,
//! blast radius) and the sources feeding it (coverage and blind spots).

use crate::api::incidents::PageParams;
use crate::api::names::{Ambiguous, candidates};
use crate::api::query_params;
use crate::auth::Need;
use crate::error::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use model::{Event, Provider};
use serde::{Deserialize, Serialize};
use store::{IncidentRecord, Page, SourceStat};

/// Sign-ins shown with an identity.
const RECENT_SIGNINS: usize = 20;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdentityParams {
    pub provider: Option<String>,
    pub tenant: Option<String>,
    /// Part of the id or name, case-insensitive.
    pub q: Option<String>,
    pub limit: Option<usize>,
    pub offset: Option<usize>,
}

pub async fn list(
    State(app): State<AppState>,
    headers: HeaderMap,
    params: Result<Query<IdentityParams>, QueryRejection>,
) -> Result<Json<Page<detect::IdentitySummary>>, ApiError> {
    app.authorize(&headers, Need::Read).await?;
    let params = query_params(params)?;
    let (offset, limit) = PageParams { limit: params.limit, offset: params.offset }.bounds()?;
    let provider = params
        .provider
        .as_deref()
        .map(|p| Provider::parse(p).ok_or_else(|| ApiError::bad_request(format!("`provider`: unknown provider `{p}`"))))
        .transpose()?;
    let needle = params.q.as_deref().map(str::to_lowercase);
    let stream = app.stream.clone();
    let tenant = params.tenant.clone();
    let all = tokio::task::spawn_blocking(move || {
        let guard = stream.lock().map_err(|_| ApiError::internal("detection state is unavailable"))?;
        let Some(stream) = guard.as_ref() else { return Err(not_ready()) };
        Ok(stream.engine().identities())
    })
    .await
    .map_err(|e| ApiError::internal(e.to_string()))??;
    let mut matching: Vec<detect::IdentitySummary> = all
        .into_iter()
        .filter(|i| provider.is_none_or(|p| i.key.provider == p))
        .filter(|i| tenant.as_deref().is_none_or(|t| i.key.tenant.as_str() == t))
        .filter(|i| {
            needle.as_deref().is_none_or(|n| {
                i.key.id.to_lowercase().contains(n)
                    || i.name.as_deref().is_some_and(|name| name.to_lowercase().contains(n))
            })
        })
        .collect();
    matching.sort_by(|a, b| (a.tier, &a.key).cmp(&(b.tier, &b.key)));
    let more = matching.len() > offset.saturating_add(limit);
    let items: Vec<_> = matching.into_iter().skip(offset).take(limit).collect();
    let next_offset = more.then(|| offset + items.len());
    Ok(Json(Page { items, next_offset }))
}

fn not_ready() -> ApiError {
    ApiError::unavailable("detection state is still being restored", 1)
}

#[derive(Debug, Serialize)]
pub struct IdentityDetail {
    #[serde(flatten)]
    pub view: detect::IdentityView,
    pub recent_signins: Vec<Event>,
    pub incidents: Vec<IncidentRecord>,
}

/// `GET /v1/identities/{provider}/{tenant}/{id}`: `{id}` is the identity's id, or a login; a
/// login that several accounts of the tenant carry is answered `409` with the accounts.
pub async fn get(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path((provider, tenant, id)): Path<(String, String, String)>,
) -> Result<Response, ApiError> {
    app.authorize(&headers, Need::Read).await?;
    let provider =
        Provider::parse(&provider).ok_or_else(|| ApiError::bad_request(format!("unknown provider `{provider}`")))?;
    let found = candidates(&app, Some(provider), Some(tenant.clone()), id.clone()).await?;
    let id = match found.as_slice() {
        [one] => one.id.clone(),
        [] => id,
        several => return Ok(Ambiguous::new(&id, several.to_vec()).into_response()),
    };
    Ok(Json(detail(&app, provider, tenant, id).await?).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LookupParams {
    /// An id or a login, optionally prefixed by its provider (`okta:alice@acme.com`).
    pub login: Option<String>,
    pub provider: Option<String>,
    pub tenant: Option<String>,
}

/// `GET /v1/identities/lookup?login=&provider=&tenant=`: the one identity a login names, in
/// whichever provider and tenant; `409` with every account when it names several, `404` when none.
pub async fn lookup(
    State(app): State<AppState>,
    headers: HeaderMap,
    params: Result<Query<LookupParams>, QueryRejection>,
) -> Result<Response, ApiError> {
    app.authorize(&headers, Need::Read).await?;
    let params = query_params(params)?;
    let Some(who) = params.login.filter(|l| !l.trim().is_empty()) else {
        return Err(ApiError::bad_request("`login`: give the id or login to look up"));
    };
    let provider = params
        .provider
        .as_deref()
        .map(|p| Provider::parse(p).ok_or_else(|| ApiError::bad_request(format!("`provider`: unknown provider `{p}`"))))
        .transpose()?;
    let found = candidates(&app, provider, params.tenant.clone(), who.clone()).await?;
    match found.as_slice() {
        [one] => Ok(Json(detail(&app, one.provider, one.tenant.clone(), one.id.clone()).await?).into_response()),
        [] => Err(ApiError::not_found(format!("no identity has the id or login `{who}`"))),
        several => Ok(Ambiguous::new(&who, several.to_vec()).into_response()),
    }
}

/// One identity with its recent sign-ins and incidents.
async fn detail(app: &AppState, provider: Provider, tenant: String, id: String) -> Result<IdentityDetail, ApiError> {
    let stream = app.stream.clone();
    let (t, i) = (tenant.clone(), id.clone());
    let view = tokio::task::spawn_blocking(move || {
        let guard = stream.lock().map_err(|_| ApiError::internal("detection state is unavailable"))?;
        let Some(stream) = guard.as_ref() else { return Err(not_ready()) };
        Ok(stream.engine().identity(provider, &t, &i))
    })
    .await
    .map_err(|e| ApiError::internal(e.to_string()))??;
    let Some(view) = view else {
        return Err(ApiError::not_found(format!("no identity `{id}` in {provider} tenant `{tenant}`")));
    };
    // The identity's own id from here on: `id` may have been a login.
    let id = view.key.id.to_string();
    let (recent_signins, incidents) = app
        .db
        .run(move |s| {
            let signins =
                s.identity_events(provider, &tenant, &id, &["signin_success", "signin_failure"], RECENT_SIGNINS)?;
            let query = store::Query {
                identity: Some(id.clone()),
                provider: Some(provider),
                tenant: Some(tenant.clone()),
                limit: 100,
                ..store::Query::default()
            };
            Ok((signins.into_iter().map(|(_, e)| e).collect(), s.query_incidents(&query)?.items))
        })
        .await?;
    Ok(IdentityDetail { view, recent_signins, incidents })
}

#[derive(Debug, Serialize)]
pub struct Coverage {
    /// What detection knows of each provider and configured source, blind spots included.
    pub sources: Vec<detect::SourceCoverage>,
    /// Stored events per provider, tenant and category, with their time span.
    pub categories: Vec<CategoryCoverage>,
    /// Open blind-spot findings (FW-011).
    pub blind_spots: Vec<model::Finding>,
}

#[derive(Debug, Serialize)]
pub struct CategoryCoverage {
    #[serde(flatten)]
    pub stat: SourceStat,
    /// Events per hour over the span they cover.
    pub per_hour: f64,
}

pub async fn coverage(State(app): State<AppState>, headers: HeaderMap) -> Result<Json<Coverage>, ApiError> {
    app.authorize(&headers, Need::Read).await?;
    let stream = app.stream.clone();
    let sources = tokio::task::spawn_blocking(move || {
        let guard = stream.lock().map_err(|_| ApiError::internal("detection state is unavailable"))?;
        let Some(stream) = guard.as_ref() else { return Err(not_ready()) };
        Ok(stream.engine().coverage())
    })
    .await
    .map_err(|e| ApiError::internal(e.to_string()))??;
    let (stats, blind) = app
        .db
        .run(|s| {
            let query = store::Query { detector: Some("FW-011".into()), limit: 500, ..store::Query::default() };
            Ok((s.source_stats()?, s.query_findings(&query)?.items))
        })
        .await?;
    let categories = stats
        .into_iter()
        .map(|stat| {
            let hours = ((stat.last - stat.first).num_seconds() as f64 / 3600.0).max(1.0);
            CategoryCoverage { per_hour: stat.events as f64 / hours, stat }
        })
        .collect();
    Ok(Json(Coverage { sources, categories, blind_spots: blind }))
}
