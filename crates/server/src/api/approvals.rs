//! Four-eyes approvals: the pending list with each request's context, approve or deny with
//! a justification. The reviewer is the caller's token name; approver and admin tokens act
//! for the SOC, and a manager named by the decision may approve by name. The requester and
//! the identity the change is about may never review it.

use crate::api::blocking;
use crate::api::names::Names;
use crate::api::{json_body, query_params};
use crate::auth::{Caller, Need};
use crate::error::ApiError;
use crate::state::AppState;
use axum::Extension;
use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use chrono::{DateTime, Utc};
use policy::{Approval, ApprovalError, ApprovalState, IdentityKey, Reviewer, Role};
use serde::{Deserialize, Serialize};
use store::Page;

/// An approval error as an HTTP answer: four-eyes refusals are 403, a request no longer
/// open is 409, a missing one 404.
pub(crate) fn approval_error(e: ApprovalError) -> ApiError {
    let message = e.to_string();
    match e {
        ApprovalError::NotFound(_) => ApiError::not_found(message),
        ApprovalError::Requester(_) | ApprovalError::Target(_) => {
            ApiError::new(StatusCode::FORBIDDEN, "four_eyes", message)
        }
        ApprovalError::NotEligible { .. } => ApiError::new(StatusCode::FORBIDDEN, "not_eligible", message),
        ApprovalError::Expired { .. } => ApiError::new(StatusCode::CONFLICT, "expired", message),
        ApprovalError::NotPending { .. } | ApprovalError::NotApproved { .. } => {
            ApiError::new(StatusCode::CONFLICT, "not_pending", message)
        }
        ApprovalError::Conflict(_) => ApiError::new(StatusCode::CONFLICT, "conflict", message),
        ApprovalError::NoJustification => ApiError::bad_request(message),
        ApprovalError::NotRequired(_) | ApprovalError::WrongPurpose { .. } => {
            ApiError::new(StatusCode::CONFLICT, "wrong_purpose", message)
        }
        ApprovalError::Ledger(e) => ApiError::internal(e.to_string()),
        _ => ApiError::internal(message),
    }
}

/// The reviewer a caller acts as.
pub(crate) fn reviewer(caller: &Caller) -> Reviewer {
    Reviewer::new(&caller.name, if caller.role >= store::Role::Approver { Role::Soc } else { Role::Other })
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    /// `pending`, `approved`, `denied`, `expired` or `consumed`.
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub offset: usize,
    #[serde(default)]
    pub limit: usize,
}

/// An approval as listed: its state at the time of reading (a pending one past its time
/// reads `expired`), and the people in it by the logins detection knows them by.
#[derive(Debug, Serialize)]
pub struct ApprovalView {
    #[serde(flatten)]
    pub approval: Approval,
    pub state_now: ApprovalState,
    /// The login of the identity the change is about (absent: detection has not seen one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity_name: Option<String>,
    /// The requester's login, when the requester is an identity's id in the same tenant.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requester_name: Option<String>,
}

fn view(approval: Approval, now: DateTime<Utc>, names: &Names) -> ApprovalView {
    let key = &approval.key;
    let identity_name = names.of(key.provider, &key.tenant, &key.identity);
    let requester_name = names.of(key.provider, &key.tenant, &approval.requester);
    ApprovalView { state_now: approval.state_at(now), identity_name, requester_name, approval }
}

impl ApprovalView {
    /// The identity for people: its login, else its id.
    pub fn identity_shown(&self) -> &str {
        self.identity_name.as_deref().unwrap_or(&self.approval.key.identity)
    }

    /// The requester for people: its login, else as recorded.
    pub fn requester_shown(&self) -> &str {
        self.requester_name.as_deref().unwrap_or(&self.approval.requester)
    }
}

const STATES: [&str; 5] = ["pending", "approved", "denied", "expired", "consumed"];

pub async fn list(
    State(app): State<AppState>,
    headers: HeaderMap,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Result<Json<Page<ApprovalView>>, ApiError> {
    app.authorize(&headers, Need::Read).await?;
    let params = query_params(params)?;
    if let Some(state) = params.state.as_deref()
        && !STATES.contains(&state)
    {
        return Err(ApiError::bad_request(format!("`state`: `{state}` is not one of {}", STATES.join(", "))));
    }
    let page = list_page(&app, params.state, params.offset, params.limit.min(500)).await?;
    Ok(Json(page))
}

/// Approvals newest first. Expiry is a matter of time, not of a write: `pending` lists
/// those still open now, `expired` adds those whose time ran out unanswered.
pub(crate) async fn list_page(
    app: &AppState,
    state: Option<String>,
    offset: usize,
    limit: usize,
) -> Result<Page<ApprovalView>, ApiError> {
    let now = Utc::now();
    let stored_state = match state.as_deref() {
        Some("expired") => None,
        other => other.map(str::to_string),
    };
    let page = app.db.run(move |s| s.list_approvals(stored_state.as_deref(), offset, limit)).await?;
    let names = {
        let app = app.clone();
        blocking(move || Ok(Names::read(&app))).await?
    };
    let mut items = Vec::with_capacity(page.items.len());
    for body in &page.items {
        let approval: Approval = serde_json::from_str(body)
            .map_err(|e| ApiError::internal(format!("a stored approval is unreadable: {e}")))?;
        let shown = view(approval, now, &names);
        let keep = match state.as_deref() {
            Some("pending") => shown.state_now == ApprovalState::Pending,
            Some("expired") => shown.state_now == ApprovalState::Expired,
            _ => true,
        };
        if keep {
            items.push(shown);
        }
    }
    Ok(Page { items, next_offset: page.next_offset })
}

pub async fn get(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<ApprovalView>, ApiError> {
    app.authorize(&headers, Need::Read).await?;
    let shown = blocking(move || {
        let approval = app.gating.approvals.get(&id).map_err(approval_error)?;
        Ok(view(approval, Utc::now(), &Names::read(&app)))
    })
    .await?;
    Ok(Json(shown))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Verdict {
    pub justification: String,
}

pub async fn approve(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    body: Result<Json<Verdict>, JsonRejection>,
) -> Result<Json<ApprovalView>, ApiError> {
    review(app, caller, id, body, policy::Verdict::Approve).await
}

pub async fn deny(
    State(app): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    body: Result<Json<Verdict>, JsonRejection>,
) -> Result<Json<ApprovalView>, ApiError> {
    review(app, caller, id, body, policy::Verdict::Deny).await
}

async fn review(
    app: AppState,
    caller: Caller,
    id: String,
    body: Result<Json<Verdict>, JsonRejection>,
    verdict: policy::Verdict,
) -> Result<Json<ApprovalView>, ApiError> {
    let body = json_body(body)?;
    let reviewer = reviewer(&caller);
    let decided =
        blocking(move || decide_review(&app, &id, &reviewer, verdict, &body.justification, Utc::now())).await?;
    Ok(Json(decided))
}

/// Approves or denies one approval as `reviewer`; the four-eyes rule knows the identity by
/// the login detection has seen it use, too.
pub(crate) fn decide_review(
    app: &AppState,
    id: &str,
    reviewer: &Reviewer,
    verdict: policy::Verdict,
    justification: &str,
    now: DateTime<Utc>,
) -> Result<ApprovalView, ApiError> {
    let login_of = |key: &IdentityKey| login(app, key);
    let decided = app.gating.approvals.decide(id, reviewer, verdict, justification, now, login_of);
    decided.map(|a| view(a, now, &Names::read(app))).map_err(approval_error)
}

/// The login detection knows an identity by (a poisoned lock still holds readable state).
fn login(app: &AppState, key: &IdentityKey) -> Option<String> {
    let guard = app.stream.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let view = guard.as_ref()?.engine().identity(key.provider, &key.tenant, &key.identity)?;
    view.name.map(|n| n.to_string())
}
