//! The HTTP surface: routes, and the helpers that turn extractor rejections into JSON errors.

pub mod admin;
pub mod approvals;
pub mod decisions;
pub mod evidence;
pub mod identities;
pub mod incidents;
pub mod names;
pub mod ops;
pub mod query;
pub mod remediation;
pub mod revalidation;

use crate::error::ApiError;
use crate::ingest;
use crate::state::AppState;
use axum::Json;
use axum::Router;
use axum::extract::Query;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::routing::{delete, get, post};

/// A route whose caller is authenticated, and its role checked for `Need::$need`, from the
/// headers before the handler reads the body ([`crate::access::require`]).
macro_rules! needs {
    ($state:expr, $need:ident, $method:expr) => {
        $method.route_layer(axum::middleware::from_fn_with_state(
            ($state.clone(), crate::auth::Need::$need),
            crate::access::require,
        ))
    };
}

/// Every route. Layers (body limit, timeouts, tracing) are added by [`crate::app`].
pub fn routes(state: &AppState) -> Router<AppState> {
    let ingest = Router::new()
        .route("/v1/ingest/{provider}", post(ingest::provider))
        .route("/v1/hooks/okta", get(ingest::okta_verify).post(ingest::okta_events))
        .route("/v1/hooks/entra", post(ingest::entra_records))
        .route("/v1/webhooks/{name}", post(ingest::signed))
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), ingest::admit));
    Router::new()
        .merge(ingest)
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics))
        .route("/v1/openapi.json", get(ops::openapi))
        .route("/v1/incidents", get(incidents::list))
        .route("/v1/incidents/{id}", get(incidents::get))
        .route("/v1/incidents/{id}/status", needs!(state, Triage, post(incidents::set_status)))
        .route("/v1/incidents/{id}/assignee", needs!(state, Triage, post(incidents::set_assignee)))
        .route("/v1/incidents/{id}/comments", needs!(state, Triage, post(incidents::comment)))
        .route("/v1/incidents/{id}/audit", get(incidents::audit))
        .route("/v1/findings", get(incidents::findings))
        .route("/v1/findings/{id}", get(incidents::finding))
        .route("/v1/identities", get(identities::list))
        .route("/v1/identities/lookup", get(identities::lookup))
        .route("/v1/identities/{provider}/{tenant}/{id}", get(identities::get))
        .route("/v1/sources", get(identities::coverage))
        .route("/v1/tokens", needs!(state, Admin, get(admin::list_tokens).post(admin::create_token)))
        .route("/v1/tokens/{id}", delete(admin::revoke_token))
        .route("/v1/audit", get(admin::audit_log))
        .route("/v1/sinks", get(admin::sinks))
        .route("/v1/sinks/{name}/replay", post(admin::replay_sink))
        .route("/v1/admin/drain", post(admin::drain))
        .route("/v1/decisions/enrollment", needs!(state, Decide, post(decisions::enrollment)))
        .route("/v1/decisions/{id}", get(decisions::get))
        .route("/v1/approvals", get(approvals::list))
        .route("/v1/approvals/{id}", get(approvals::get))
        .route("/v1/approvals/{id}/approve", needs!(state, Approve, post(approvals::approve)))
        .route("/v1/approvals/{id}/deny", needs!(state, Approve, post(approvals::deny)))
        .route("/v1/revalidation/campaigns", get(revalidation::list).post(revalidation::create))
        .route("/v1/revalidation/campaigns/{id}", get(revalidation::get))
        .route(
            "/v1/revalidation/campaigns/{id}/items/{item}/attest",
            needs!(state, Approve, post(revalidation::attest)),
        )
        .route(
            "/v1/revalidation/campaigns/{id}/items/{item}/revoke",
            needs!(state, Approve, post(revalidation::revoke)),
        )
        .route("/v1/incidents/{id}/remediation", get(remediation::plan))
        .route("/v1/incidents/{id}/remediation/approval", needs!(state, Triage, post(remediation::request_approval)))
        .route("/v1/incidents/{id}/remediation/steps/{step}", needs!(state, Triage, post(remediation::run_step)))
}

pub(crate) fn json_body<T>(body: Result<Json<T>, JsonRejection>) -> Result<T, ApiError> {
    body.map(|Json(v)| v).map_err(|e| {
        // The same codes the refusals made below the handlers carry (crate::json_refusals).
        let code = match e.status() {
            axum::http::StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
            axum::http::StatusCode::PAYLOAD_TOO_LARGE => "too_large",
            _ => "bad_request",
        };
        ApiError::new(e.status(), code, e.body_text())
    })
}

pub(crate) fn query_params<T>(params: Result<Query<T>, QueryRejection>) -> Result<T, ApiError> {
    params.map(|Query(v)| v).map_err(|e| ApiError::bad_request(e.body_text()))
}

/// Runs synchronous work (the decision point's ledger, detection state) on a blocking
/// thread, off the async workers.
pub(crate) async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(work).await.map_err(|e| ApiError::internal(format!("blocking task failed: {e}")))?
}
