//! The enrollment decision point over HTTP: `POST /v1/decisions/enrollment` decides a
//! pending factor binding from the request and what detection knows of the identity, files
//! the decision (and, for `require_approval`, a pending approval) in the ledger.

use crate::api::approvals::approval_error;
use crate::api::{blocking, json_body};
use crate::auth::Need;
use crate::error::ApiError;
use crate::gating::ledger::Batch;
use crate::state::AppState;
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use chrono::{DateTime, Utc};
use policy::{Approval, Approvals, Decision, EnrollmentRequest, IdentityContext, Ledger, identity_context};
use serde::Serialize;
use std::sync::Arc;

/// The decision, with the approval it opened and the identity context it was made on.
#[derive(Debug, Serialize)]
pub struct DecisionAnswer {
    #[serde(flatten)]
    pub decision: Decision,
    /// The pending approval, when the outcome is `require_approval`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approval: Option<Approval>,
    /// What factorwatch knew of the identity (tier, risk, baseline, factors, blast radius).
    pub context: IdentityContext,
}

pub async fn enrollment(
    State(app): State<AppState>,
    headers: HeaderMap,
    body: Result<Json<EnrollmentRequest>, JsonRejection>,
) -> Result<(StatusCode, Json<DecisionAnswer>), ApiError> {
    app.authorize(&headers, Need::Decide).await?;
    let request = json_body(body)?;
    let answer = blocking(move || decide(&app, &request, Utc::now())).await?;
    Ok((StatusCode::CREATED, Json(answer)))
}

/// Decides and files one request. Runs off the async workers: it reads detection state
/// under its lock and writes the ledger.
pub fn decide(app: &AppState, request: &EnrollmentRequest, now: DateTime<Utc>) -> Result<DecisionAnswer, ApiError> {
    let retry = app.config.server.retry_after_seconds;
    let (context, canonical) = {
        let guard = app.stream.lock().map_err(|_| ApiError::internal("detection state is poisoned"))?;
        let Some(stream) = guard.as_ref() else {
            return Err(ApiError::unavailable("detection state is still being restored", retry));
        };
        let engine = stream.engine();
        let view = engine.identity(request.provider, &request.tenant, &request.identity);
        let canonical = view.as_ref().map(|v| v.key.id.clone());
        (identity_context(engine, view, &app.gating.managers, request, now), canonical)
    };
    // Filed under the identity's immutable id when detection knows it (a request may name
    // the login), so that FW-012 and revalidation find it by the id events carry.
    let mut filed = request.clone();
    if let Some(id) = canonical {
        filed.identity = id.to_string();
    }
    let decision = app.gating.point.decide(&filed, &context, now).map_err(|e| ApiError::bad_request(e.to_string()))?;
    // The decision, its approval and their audit records are stored in one transaction.
    let batch = Arc::new(Batch::new(app.gating.ledger.clone()));
    let approvals = Approvals::new(batch.clone(), app.config.policy.approval_ttl);
    let approval = approvals.record(&decision).map_err(approval_error)?;
    batch.commit().map_err(|e| ApiError::internal(e.to_string()))?;
    app.metrics.decision(decision.outcome.as_str());
    Ok(DecisionAnswer { decision, approval, context })
}

pub async fn get(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<Decision>, ApiError> {
    app.authorize(&headers, Need::Read).await?;
    let lookup = id.clone();
    let found =
        blocking(move || app.gating.ledger.decision(&lookup).map_err(|e| ApiError::internal(e.to_string()))).await?;
    found.map(Json).ok_or_else(|| ApiError::not_found(format!("no decision `{id}`")))
}
