//! The incident queue and findings: lists with filters and pages, one incident with its
//! findings and comments, status changes, assignments and comments (each written to the
//! audit log).

use crate::api::evidence::{EvidenceParams, with_raw};
use crate::api::query::ListParams;
use crate::api::{json_body, query_params};
use crate::auth::{Caller, Need};
use crate::error::ApiError;
use crate::state::AppState;
use crate::triage::{self, Actor, MAX_COMMENT};
use axum::Extension;
use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use model::Finding;
use serde::{Deserialize, Serialize};
use store::{AuditEntry, Comment, IncidentRecord, Page, Status};

pub async fn list(
    State(app): State<AppState>,
    headers: HeaderMap,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Result<Json<Page<IncidentRecord>>, ApiError> {
    app.authorize(&headers, Need::Read).await?;
    let query = query_params(params)?.to_query()?;
    Ok(Json(app.db.run(move |s| s.query_incidents(&query)).await?))
}

#[derive(Debug, Serialize)]
pub struct IncidentDetail {
    #[serde(flatten)]
    pub record: IncidentRecord,
    pub finding_details: Vec<Finding>,
    pub comments: Vec<Comment>,
}

pub async fn get(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    params: Result<Query<EvidenceParams>, QueryRejection>,
) -> Result<Json<serde_json::Value>, ApiError> {
    app.authorize(&headers, Need::Read).await?;
    let raw = query_params(params)?.raw()?;
    let lookup = id.clone();
    let found = app
        .db
        .run(move |s| {
            let Some(record) = s.incident(&lookup)? else { return Ok(None) };
            let detail =
                IncidentDetail { finding_details: s.findings_for(&lookup)?, comments: s.comments(&lookup)?, record };
            let mut value = serde_json::to_value(&detail).map_err(store::StoreError::Encode)?;
            if raw {
                let findings: Result<Vec<_>, _> = detail.finding_details.iter().map(|f| with_raw(&*s, f)).collect();
                value["finding_details"] = serde_json::Value::Array(findings?);
            }
            Ok(Some(value))
        })
        .await?;
    found.map(Json).ok_or_else(|| ApiError::not_found(format!("no incident `{id}`")))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusChange {
    pub status: String,
    #[serde(default)]
    pub comment: Option<String>,
}

pub async fn set_status(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    body: Result<Json<StatusChange>, JsonRejection>,
) -> Result<Json<IncidentRecord>, ApiError> {
    let change = json_body(body)?;
    let status = Status::parse(&change.status).ok_or_else(|| {
        ApiError::bad_request(format!(
            "`status`: `{}` is not one of open, acknowledged, resolved, false_positive",
            change.status
        ))
    })?;
    let comment = change.comment.filter(|c| !c.trim().is_empty());
    if comment.as_ref().is_some_and(|c| c.len() > MAX_COMMENT) {
        return Err(ApiError::bad_request(format!("`comment` is longer than {MAX_COMMENT} bytes")));
    }
    let actor = Actor { caller, via: None };
    let updated = triage::set_status(&app, &actor, &id, status, comment).await?;
    updated.map(Json).ok_or_else(|| ApiError::not_found(format!("no incident `{id}`")))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssigneeChange {
    /// A name, or `null` for no one; required, so that a forgotten field clears nothing.
    pub assignee: serde_json::Value,
}

pub async fn set_assignee(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    body: Result<Json<AssigneeChange>, JsonRejection>,
) -> Result<Json<IncidentRecord>, ApiError> {
    let assignee = match json_body(body)?.assignee {
        serde_json::Value::Null => None,
        serde_json::Value::String(name) => {
            Some(triage::assignee_name(&name).map_err(|e| ApiError::bad_request(format!("`assignee`: {e}")))?)
        }
        other => return Err(ApiError::bad_request(format!("`assignee`: `{other}` is neither a name nor null"))),
    };
    let updated = triage::set_assignee(&app, &Actor { caller, via: None }, &id, assignee).await?;
    updated.map(Json).ok_or_else(|| ApiError::not_found(format!("no incident `{id}`")))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewComment {
    pub text: String,
}

pub async fn comment(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    body: Result<Json<NewComment>, JsonRejection>,
) -> Result<(StatusCode, Json<Comment>), ApiError> {
    let text = json_body(body)?.text;
    if text.trim().is_empty() || text.len() > MAX_COMMENT {
        return Err(ApiError::bad_request(format!("`text` must hold 1 to {MAX_COMMENT} bytes")));
    }
    let stored = triage::comment(&app, &Actor { caller, via: None }, &id, text).await?;
    stored.map(|c| (StatusCode::CREATED, Json(c))).ok_or_else(|| ApiError::not_found(format!("no incident `{id}`")))
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageParams {
    pub limit: Option<usize>,
    pub offset: Option<usize>,
}

impl PageParams {
    pub fn bounds(&self) -> Result<(usize, usize), ApiError> {
        let limit = self.limit.unwrap_or(crate::api::query::DEFAULT_LIMIT);
        if limit == 0 || limit > crate::api::query::MAX_LIMIT {
            return Err(ApiError::bad_request(format!(
                "`limit` must be between 1 and {}",
                crate::api::query::MAX_LIMIT
            )));
        }
        Ok((self.offset.unwrap_or(0), limit))
    }
}

pub async fn audit(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    params: Result<Query<PageParams>, QueryRejection>,
) -> Result<Json<Page<AuditEntry>>, ApiError> {
    app.authorize(&headers, Need::Read).await?;
    let (offset, limit) = query_params(params)?.bounds()?;
    Ok(Json(app.db.run(move |s| s.audit_log(Some(&id), offset, limit)).await?))
}

pub async fn findings(
    State(app): State<AppState>,
    headers: HeaderMap,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Result<Json<Page<Finding>>, ApiError> {
    app.authorize(&headers, Need::Read).await?;
    let params = query_params(params)?;
    if params.status.is_some() {
        return Err(ApiError::bad_request("`status` belongs to incidents; findings have none"));
    }
    let query = params.to_query()?;
    Ok(Json(app.db.run(move |s| s.query_findings(&query)).await?))
}

pub async fn finding(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    params: Result<Query<EvidenceParams>, QueryRejection>,
) -> Result<Json<serde_json::Value>, ApiError> {
    app.authorize(&headers, Need::Read).await?;
    let raw = query_params(params)?.raw()?;
    let lookup = id.clone();
    let found = app
        .db
        .run(move |s| {
            let Some(finding) = s.finding(&lookup)? else { return Ok(None) };
            let value = if raw {
                with_raw(&*s, &finding)?
            } else {
                serde_json::to_value(&finding).map_err(store::StoreError::Encode)?
            };
            Ok(Some(value))
        })
        .await?;
    found.map(Json).ok_or_else(|| ApiError::not_found(format!("no finding `{id}`")))
}
