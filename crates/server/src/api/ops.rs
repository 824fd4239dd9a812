//! Health, readiness, metrics and the OpenAPI document.

use crate::auth::Need;
use crate::error::ApiError;
use crate::health::WorkerState;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::sync::atomic::Ordering;
use std::time::Duration;

/// How long `/healthz` waits for the store to answer.
const STORE_PROBE: Duration = Duration::from_secs(3);

/// The service can do its job: the store answers and the detection worker runs (`200`);
/// else `503` with the reason: the store is unreachable, or the worker is stopped, paused on
/// a store error, or stuck while events wait. A load balancer may keep sending traffic
/// (`/readyz` says when not to); an orchestrator may restart a process that stays unhealthy.
pub async fn healthz(State(app): State<AppState>) -> Response {
    let store = match app.db.reachability().down() {
        Some(why) => Err(format!("the database is {why}")),
        None => match tokio::time::timeout(STORE_PROBE, app.db.run(|s| s.schema_version())).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) => Err(e.to_string()),
            Err(_) => Err(format!("the store did not answer within {} s", STORE_PROBE.as_secs())),
        },
    };
    let backlog = app.progress.backlog();
    let detection = match app.progress.worker.state() {
        WorkerState::Stopped { reason } => Err(format!("stopped: {reason}")),
        WorkerState::Paused { reason } => Err(format!("paused by a store error, retrying: {reason}")),
        WorkerState::Starting | WorkerState::Running => {
            let silent = app.progress.worker.silent_for();
            let stuck_after = app.config.server.detection_stuck_after;
            if backlog > 0 && silent >= stuck_after && app.progress.ready.load(Ordering::Acquire) {
                Err(format!("stuck: no step finished for {} s while {backlog} events wait", silent.as_secs()))
            } else {
                Ok(())
            }
        }
    };
    let healthy = store.is_ok() && detection.is_ok();
    let body = serde_json::json!({
        "status": if healthy { "ok" } else { "unhealthy" },
        "store": store.err().unwrap_or_else(|| "ok".into()),
        "detection": detection.err().unwrap_or_else(|| "ok".into()),
        "backlog": backlog,
    });
    if healthy {
        return (StatusCode::OK, Json(body)).into_response();
    }
    let mut response = (StatusCode::SERVICE_UNAVAILABLE, Json(body)).into_response();
    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
    response
}

/// The store answers and detection has restored its state.
pub async fn readyz(State(app): State<AppState>) -> Response {
    let store = app.db.run(|s| s.schema_version()).await;
    let ready = app.progress.ready.load(Ordering::Acquire);
    let stopping = app.progress.stopping.load(Ordering::Acquire);
    let body = serde_json::json!({
        "store": store.as_ref().map_or_else(|e| e.to_string(), |v| format!("ok (schema {v})")),
        "detection": if ready { "ready" } else { "restoring" },
        "backlog": app.progress.backlog(),
        "stopping": stopping,
    });
    let status = if store.is_ok() && ready && !stopping { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (status, Json(body)).into_response()
}

/// The Prometheus exposition, for a `metrics` token (a scraper's, which reads nothing else)
/// or any role that reads.
pub async fn metrics(State(app): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    app.authorize(&headers, Need::Metrics).await?;
    app.metrics.queue_depth.set(i64::try_from(app.progress.backlog()).unwrap_or(i64::MAX));
    app.metrics.drains_pending.set(i64::try_from(app.progress.drains_pending()).unwrap_or(i64::MAX));
    let mut response = app.metrics.render().into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
    );
    Ok(response)
}

/// The OpenAPI 3.1 description of this API (public, like any API reference).
pub async fn openapi() -> Response {
    let mut response = crate::openapi::DOCUMENT.into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}
