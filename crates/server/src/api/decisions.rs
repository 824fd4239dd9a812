//! The enrollment decision point over HTTP: `POST /v1/decisions/enrollment` decides a
//! pending factor binding from the request and what detection knows of the identity, files
//! the decision (and, for `require_approval`, a pending approval) in the ledger.

use crate::api::approvals::approval_error;
use crate::api::names::{Ambiguous, Candidate};
use crate::api::{blocking, json_body};
use crate::auth::{Caller, Need};
use crate::error::ApiError;
use crate::gating::ledger::Batch;
use crate::sinks::SinkConfig;
use crate::state::AppState;
use axum::Extension;
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use chrono::{DateTime, Utc};
use policy::{Approval, Approvals, Decision, EnrollmentRequest, IdentityContext, Ledger, identity_context};
use serde::Serialize;
use std::sync::Arc;
use store::{Notice, NoticeWrite};

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
    /// The login detection knows the identity by (absent: not seen).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity_name: Option<String>,
}

pub async fn enrollment(
    State(app): State<AppState>,
    Extension(_caller): Extension<Caller>,
    body: Result<Json<EnrollmentRequest>, JsonRejection>,
) -> Result<(StatusCode, Json<DecisionAnswer>), ApiError> {
    let request = json_body(body)?;
    let answer = blocking(move || decide(&app, &request, Utc::now())).await?;
    Ok((StatusCode::CREATED, Json(answer)))
}

/// Decides and files one request. Runs off the async workers: it reads detection state
/// under its lock and writes the ledger.
pub fn decide(app: &AppState, request: &EnrollmentRequest, now: DateTime<Utc>) -> Result<DecisionAnswer, ApiError> {
    let retry = app.config.server.retry_after_seconds;
    let (context, canonical, identity_name) = {
        let guard = app.stream.lock().map_err(|_| ApiError::internal("detection state is poisoned"))?;
        let Some(stream) = guard.as_ref() else {
            return Err(ApiError::unavailable("detection state is still being restored", retry));
        };
        let engine = stream.engine();
        let named = engine.ids_named(request.provider, &request.tenant, &request.identity);
        if named.len() > 1 {
            // A gate must not guess which account is meant: each may have another tier.
            let candidates = named
                .iter()
                .map(|id| Candidate {
                    provider: request.provider,
                    tenant: request.tenant.clone(),
                    id: id.to_string(),
                    login: engine
                        .identity(request.provider, &request.tenant, id)
                        .and_then(|v| v.name.map(|n| n.to_string())),
                })
                .collect();
            return Err(Ambiguous::new(&request.identity, candidates).into());
        }
        let view = engine.identity(request.provider, &request.tenant, &request.identity);
        let canonical = view.as_ref().map(|v| v.key.id.clone());
        let name = view.as_ref().and_then(|v| v.name.as_ref()).map(|n| n.to_string());
        (identity_context(engine, view, &app.gating.managers, request, now), canonical, name)
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
    let notices = notices(&decision, approval.as_ref(), &app.config.sinks);
    let queued = notices.iter().any(|n| !n.sinks.is_empty());
    for notice in notices {
        batch.notice(notice);
    }
    batch.commit().map_err(|e| ApiError::internal(e.to_string()))?;
    if queued {
        app.sink_wake.notify_one();
    }
    app.metrics.decision(decision.outcome.as_str());
    Ok(DecisionAnswer { decision, approval, context, identity_name })
}

/// The decision's notices, each queued on the sinks that carry notices to its recipient and
/// do not reach people through the factor being bound (NIST SP 800-63B-4: a binding is
/// announced on a channel other than the one bound). A notice no sink carries is still kept.
fn notices(decision: &Decision, approval: Option<&Approval>, sinks: &[SinkConfig]) -> Vec<NoticeWrite> {
    let kind = if approval.is_some() { "approval_needed" } else { "decision" };
    decision
        .notify
        .iter()
        .map(|n| {
            let recipient = n.to.to_string();
            let body = serde_json::json!({
                "kind": kind,
                "recipient": recipient,
                "not_via": n.not_via,
                "rule": n.rule,
                "decision": decision.id,
                "outcome": decision.outcome.as_str(),
                "approval": approval.map(|a| a.id.as_str()),
                "provider": decision.provider,
                "tenant": decision.tenant,
                "identity": decision.identity,
                "actor": decision.actor,
                "factor_kind": decision.factor_kind,
                "time": decision.time,
            });
            let notice = Notice {
                id: detect::stable_id("ntc", &[&decision.id, &recipient, kind]),
                kind: kind.to_string(),
                recipient: recipient.clone(),
                not_via: n.not_via.clone(),
                time: decision.time,
                body: body.to_string(),
            };
            let sinks = sinks
                .iter()
                .filter(|s| s.carries_notice(&recipient, n.not_via.as_deref()))
                .map(|s| s.name.clone())
                .collect();
            NoticeWrite { notice, sinks }
        })
        .collect()
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
