//! Health, readiness, metrics and the OpenAPI document.

use crate::auth::Need;
use crate::error::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::sync::atomic::Ordering;

/// The process is up.
pub async fn healthz() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok" }))
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

pub async fn metrics(State(app): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    app.authorize(&headers, Need::Read).await?;
    app.metrics.queue_depth.set(i64::try_from(app.progress.backlog()).unwrap_or(i64::MAX));
    app.metrics.observe_sinks(&app.sink_stats);
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
