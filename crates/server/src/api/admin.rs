//! Administration: tokens, the audit log, sink deliveries, and draining the stream after a
//! backfill.

use crate::api::incidents::PageParams;
use crate::api::{json_body, query_params};
use crate::auth::{self, Caller, Need};
use crate::error::ApiError;
use crate::state::AppState;
use axum::Extension;
use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use std::sync::atomic::Ordering;
use std::time::Duration;
use store::{AuditEntry, DeliveryState, Page, Role, TokenRecord};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    pub name: String,
    pub role: String,
}

#[derive(Debug, Serialize)]
pub struct CreatedToken {
    /// Shown once: only its hash is kept.
    pub token: String,
    #[serde(flatten)]
    pub record: TokenView,
}

/// A token as listed: never its hash.
#[derive(Debug, Serialize)]
pub struct TokenView {
    pub id: String,
    pub name: String,
    pub role: Role,
    pub created: chrono::DateTime<Utc>,
    pub revoked: Option<chrono::DateTime<Utc>>,
}

impl From<TokenRecord> for TokenView {
    fn from(t: TokenRecord) -> TokenView {
        TokenView { id: t.id, name: t.name, role: t.role, created: t.created, revoked: t.revoked }
    }
}

pub async fn create_token(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    body: Result<Json<NewToken>, JsonRejection>,
) -> Result<(StatusCode, Json<CreatedToken>), ApiError> {
    let new = json_body(body)?;
    let role = Role::parse(&new.role).ok_or_else(|| {
        let roles: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
        ApiError::bad_request(format!("`role`: `{}` is not one of {}", new.role, roles.join(", ")))
    })?;
    let name = new.name.trim().to_string();
    if name.is_empty() || name.len() > 200 {
        return Err(ApiError::bad_request("`name` must hold 1 to 200 characters"));
    }
    let now = Utc::now();
    let (token, record) = auth::new_token(&name, role, now);
    let audit = AuditEntry {
        seq: 0,
        time: now,
        actor: caller.name,
        action: "token.create".into(),
        target: record.id.clone(),
        detail: serde_json::json!({ "name": name, "role": role.as_str() }),
    };
    let stored = record.clone();
    app.db
        .run(move |s| {
            s.create_token(&stored)?;
            s.append_audit(&audit)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(CreatedToken { token, record: record.into() })))
}

pub async fn list_tokens(State(app): State<AppState>, headers: HeaderMap) -> Result<Json<Vec<TokenView>>, ApiError> {
    app.authorize(&headers, Need::Admin).await?;
    let tokens = app.db.run(|s| s.tokens()).await?;
    Ok(Json(tokens.into_iter().map(TokenView::from).collect()))
}

pub async fn revoke_token(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let caller = app.authorize(&headers, Need::Admin).await?;
    let now = Utc::now();
    let audit = AuditEntry {
        seq: 0,
        time: now,
        actor: caller.name,
        action: "token.revoke".into(),
        target: id.clone(),
        detail: serde_json::json!({}),
    };
    let target = id.clone();
    let revoked = app
        .db
        .run(move |s| {
            let revoked = s.revoke_token(&target, now)?;
            if revoked {
                s.append_audit(&audit)?;
            }
            Ok(revoked)
        })
        .await?;
    if revoked { Ok(StatusCode::NO_CONTENT) } else { Err(ApiError::not_found(format!("no token `{id}`"))) }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditParams {
    pub target: Option<String>,
    pub limit: Option<usize>,
    pub offset: Option<usize>,
}

pub async fn audit_log(
    State(app): State<AppState>,
    headers: HeaderMap,
    params: Result<Query<AuditParams>, QueryRejection>,
) -> Result<Json<Page<AuditEntry>>, ApiError> {
    app.authorize(&headers, Need::Admin).await?;
    let params = query_params(params)?;
    let (offset, limit) = PageParams { limit: params.limit, offset: params.offset }.bounds()?;
    Ok(Json(app.db.run(move |s| s.audit_log(params.target.as_deref(), offset, limit)).await?))
}

#[derive(Debug, Serialize)]
pub struct SinkStatus {
    pub name: String,
    pub kind: String,
    /// Deliveries waiting (at most 1000 counted).
    pub pending: usize,
    /// Deliveries given up, kept for replay (at most 1000 counted).
    pub failed: usize,
}

pub async fn sinks(State(app): State<AppState>, headers: HeaderMap) -> Result<Json<Vec<SinkStatus>>, ApiError> {
    app.authorize(&headers, Need::Read).await?;
    let sinks: Vec<(String, String)> =
        app.config.sinks.iter().map(|s| (s.name.clone(), s.kind.as_str().to_string())).collect();
    let status = app
        .db
        .run(move |s| {
            sinks
                .into_iter()
                .map(|(name, kind)| {
                    Ok(SinkStatus {
                        pending: s.deliveries(&name, DeliveryState::Pending, 1000)?.len(),
                        failed: s.deliveries(&name, DeliveryState::Failed, 1000)?.len(),
                        name,
                        kind,
                    })
                })
                .collect::<Result<Vec<_>, store::StoreError>>()
        })
        .await?;
    Ok(Json(status))
}

pub async fn replay_sink(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path(name): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let caller = app.authorize(&headers, Need::Admin).await?;
    if !app.config.sinks.iter().any(|s| s.name == name) {
        return Err(ApiError::not_found(format!("no sink `{name}` is configured")));
    }
    let now = Utc::now();
    let audit = AuditEntry {
        seq: 0,
        time: now,
        actor: caller.name,
        action: "sink.replay".into(),
        target: name.clone(),
        detail: serde_json::json!({}),
    };
    let sink = name.clone();
    let replayed = app
        .db
        .run(move |s| {
            let n = s.replay_failed(&sink, now)?;
            s.append_audit(&audit)?;
            Ok(n)
        })
        .await?;
    app.sink_wake.notify_one();
    Ok(Json(serde_json::json!({ "sink": name, "replayed": replayed })))
}

/// Longest a drain request waits for the worker.
const DRAIN_WAIT: Duration = Duration::from_secs(120);

/// Processes everything stored and held for reordering, runs due checks and reads the blind
/// spots now, instead of after `flush_after` of quiet: for the end of a backfill.
pub async fn drain(State(app): State<AppState>, headers: HeaderMap) -> Result<Json<serde_json::Value>, ApiError> {
    let caller = app.authorize(&headers, Need::Admin).await?;
    let target = app.progress.drains_requested.fetch_add(1, Ordering::AcqRel) + 1;
    app.wake_worker();
    let started = std::time::Instant::now();
    while app.progress.drains_done.load(Ordering::Acquire) < target {
        if started.elapsed() > DRAIN_WAIT {
            return Err(ApiError::unavailable("detection has not caught up yet; ask again", 5));
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tracing::info!(by = %caller.name, "stream drained");
    let processed = app.progress.processed.load(Ordering::Acquire);
    Ok(Json(serde_json::json!({ "processed_seq": processed })))
}
