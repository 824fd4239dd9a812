//! Executing an incident's remediation plan step by step through the provider connectors.
//! A step is a dry run unless `execute` is set; executing a step that changes something
//! needs an approved remediation approval for the identity (SOC, four eyes). Every call,
//! dry or not, and its answer go to the audit log under the incident.

use crate::api::approvals::approval_error;
use crate::api::blocking;
use crate::api::json_body;
use crate::auth::{Caller, Need};
use crate::error::ApiError;
use crate::state::AppState;
use axum::Extension;
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use chrono::Utc;
use model::{RemediationAction, RemediationStep};
use policy::connectors::{
    CallResult, ConnectorError, MethodType, Mode, StepError, StepTarget, automated, step_operation,
};
use policy::{Approval, IdentityKey};
use serde::{Deserialize, Serialize};
use serde_json::json;
use store::{AuditEntry, IncidentRecord};

/// A plan step with where it stands.
#[derive(Debug, Serialize)]
pub struct StepView {
    #[serde(flatten)]
    pub step: RemediationStep,
    /// `todo`, `dry_run`, `done`, `failed` or `refused`: the last thing that happened to it.
    pub state: String,
    /// Whether a connector can perform it (else it is done at the provider by hand).
    pub automated: bool,
}

#[derive(Debug, Serialize)]
pub struct Plan {
    pub incident: String,
    /// `okta`, `graph`, or absent when no connector is configured for the provider.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connector: Option<&'static str>,
    pub steps: Vec<StepView>,
}

async fn incident(app: &AppState, id: &str) -> Result<IncidentRecord, ApiError> {
    let lookup = id.to_string();
    app.db.run(move |s| s.incident(&lookup)).await?.ok_or_else(|| ApiError::not_found(format!("no incident `{id}`")))
}

pub async fn plan(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<Plan>, ApiError> {
    app.authorize(&headers, Need::Read).await?;
    Ok(Json(plan_of(&app, id).await?))
}

/// The incident's plan with each step's state, for the API and the console.
pub async fn plan_of(app: &AppState, id: String) -> Result<Plan, ApiError> {
    let record = incident(app, &id).await?;
    let target = id.clone();
    let audit = app.db.run(move |s| s.audit_log(Some(&target), 0, 1000)).await?;
    let provider = record.incident.identity.provider;
    let steps = record
        .incident
        .remediation
        .iter()
        .map(|step| {
            // The audit log reads newest first: the first entry about the step is its state.
            let state = audit
                .items
                .iter()
                .find(|e| e.action.starts_with("remediation.") && e.detail["step"] == json!(step.step))
                .map_or("todo".to_string(), |e| e.action.trim_start_matches("remediation.").to_string());
            StepView { automated: automated(provider, step.action), step: step.clone(), state }
        })
        .collect();
    let connector = app.gating.connector_for(provider).map(|c| c.api().as_str());
    Ok(Plan { incident: id, connector, steps })
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApprovalAsk {
    /// Why the remediation is needed, for the reviewer.
    pub reason: String,
}

/// Asks the SOC to approve executing this incident's remediation on its identity.
pub async fn request_approval(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    body: Result<Json<ApprovalAsk>, JsonRejection>,
) -> Result<(StatusCode, Json<Approval>), ApiError> {
    let ask = json_body(body)?;
    if ask.reason.trim().is_empty() {
        return Err(ApiError::bad_request("`reason` is required"));
    }
    let record = incident(&app, &id).await?;
    let key = key_of(&record);
    let what = format!("remediation of incident {id}: {}", ask.reason.trim());
    let approval = blocking(move || {
        app.gating.approvals.request_remediation(key, &caller.name, &what, Utc::now()).map_err(approval_error)
    })
    .await?;
    Ok((StatusCode::CREATED, Json(approval)))
}

fn key_of(record: &IncidentRecord) -> IdentityKey {
    let who = &record.incident.identity;
    IdentityKey::new(who.provider, &who.tenant, &who.id)
}

/// What to do with a step.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepRun {
    /// Send the call (default: a dry run that shows the request).
    #[serde(default)]
    pub execute: bool,
    /// An approved remediation approval for the identity; needed to execute changes.
    #[serde(default)]
    pub approval: Option<String>,
    /// `remove_factor`: the provider's factor or method id. Absent: the factors are listed.
    #[serde(default)]
    pub factor: Option<String>,
    /// `remove_factor` on Graph: the method type (`fido2`, `phone`, `microsoft_authenticator`, …).
    #[serde(default)]
    pub method_type: Option<MethodType>,
    /// `rotate_secret` on Graph: the application object id and the credential's key id.
    #[serde(default)]
    pub application: Option<String>,
    #[serde(default)]
    pub key_id: Option<String>,
    /// Record a step done by hand at the provider (no connector call).
    #[serde(default)]
    pub done_by_hand: bool,
}

#[derive(Debug, Serialize)]
pub struct StepAnswer {
    pub step: u32,
    pub action: RemediationAction,
    pub state: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub call: Option<CallResult>,
}

impl StepRun {
    fn target(&self) -> StepTarget {
        StepTarget {
            factor: self.factor.clone(),
            method_type: self.method_type,
            application: self.application.clone(),
            key_id: self.key_id.clone(),
        }
    }
}

fn step_error(e: StepError) -> ApiError {
    match e {
        StepError::Manual { .. } => {
            ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "manual_step", format!("{e} and send `done_by_hand: true`"))
        }
        _ => ApiError::bad_request(e.to_string()),
    }
}

fn connector_error(e: ConnectorError) -> ApiError {
    let message = e.to_string();
    match e {
        ConnectorError::ApprovalRequired { .. } => ApiError::new(StatusCode::FORBIDDEN, "approval_required", message),
        ConnectorError::Approval(a) => approval_error(a),
        ConnectorError::Throttled { .. } => ApiError::unavailable(message, 60),
        ConnectorError::Rejected { .. } | ConnectorError::Transport { .. } => {
            ApiError::new(StatusCode::BAD_GATEWAY, "provider_error", message)
        }
        _ => ApiError::internal(message),
    }
}

pub async fn run_step(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path((id, number)): Path<(String, u32)>,
    body: Result<Json<StepRun>, JsonRejection>,
) -> Result<Json<StepAnswer>, ApiError> {
    let run = json_body(body)?;
    Ok(Json(execute_step(&app, &caller, id, number, run).await?))
}

/// Runs step `number` of the incident's plan as `caller`: the one code path of the API and
/// the console, with the same approval rules (an approved remediation approval, four eyes,
/// to execute a change) and the same audit entries.
pub async fn execute_step(
    app: &AppState,
    caller: &Caller,
    id: String,
    number: u32,
    run: StepRun,
) -> Result<StepAnswer, ApiError> {
    let record = incident(app, &id).await?;
    let Some(step) = record.incident.remediation.iter().find(|s| s.step == number).cloned() else {
        return Err(ApiError::not_found(format!("incident `{id}` has no step {number}")));
    };
    let key = key_of(&record);
    let audit = |action: &str, detail: serde_json::Value| AuditEntry {
        seq: 0,
        time: Utc::now(),
        actor: caller.name.clone(),
        action: action.to_string(),
        target: id.clone(),
        detail,
    };
    if run.done_by_hand {
        let entry = audit("remediation.done", json!({ "step": number, "action": step.action, "by_hand": true }));
        app.db.run(move |s| s.append_audit(&entry)).await?;
        return Ok(StepAnswer { step: number, action: step.action, state: "done".into(), call: None });
    }
    let provider = key.provider;
    let op = step_operation(provider, step.action, &key.identity, &run.target()).map_err(step_error)?;
    let Some(connector) = app.gating.connector_for(provider).cloned() else {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "no_connector",
            format!("no connector is configured for {provider}: see [connectors] in the settings"),
        ));
    };
    let mode = if run.execute { Mode::Execute { approval: run.approval.clone() } } else { Mode::DryRun };
    let outcome = app.gating.executor.run(&connector, &key, &op, &mode, &caller.name, Utc::now()).await;
    let (state, detail) = match &outcome {
        Ok(call) if call.dry_run => ("dry_run", json!({ "step": number, "op": op.name() })),
        Ok(call) => {
            let status = call.answer.as_ref().map(|a| a.status);
            // Listing factors is a read: the step is not done until a factor is removed.
            let state = if op.is_read() { "dry_run" } else { "done" };
            (state, json!({ "step": number, "op": op.name(), "status": status }))
        }
        Err(ConnectorError::ApprovalRequired { .. } | ConnectorError::Approval(_)) => {
            ("refused", json!({ "step": number, "op": op.name() }))
        }
        Err(e) => ("failed", json!({ "step": number, "op": op.name(), "error": e.to_string() })),
    };
    let entry = audit(&format!("remediation.{state}"), detail);
    app.db.run(move |s| s.append_audit(&entry)).await?;
    let call = outcome.map_err(connector_error)?;
    Ok(StepAnswer { step: number, action: step.action, state: state.into(), call: Some(call) })
}
