//! factorwatch as a service (`factorwatch serve`): ingestion endpoints, stream detection, the
//! incident API, sinks and metrics. [`Service::start`] opens the store and starts the
//! detection worker and sinks; [`Service::serve`] serves HTTP until told to stop.

#![warn(missing_docs)]

// One line each, what the modules do:
pub mod auth; // API tokens: issued, hashed, checked against the route's need
pub mod config; // the service's settings, read once at start-up
mod config_show; // the whole settings file as TOML, secrets redacted
#[allow(missing_docs)] // plumbing public only for the tests; not part of the documented surface
pub mod db; // the pool of store connections the async handlers borrow
pub mod logging; // structured logs on stderr
pub mod oidc; // console sign-in through the team's OpenID provider: settings, PKCE, ID token checks
pub mod run; // start-up and shutdown: store, worker, sinks, HTTP
pub mod sinks; // delivering stored findings and notices to webhooks, Slack and files

mod access; // who may call a route, checked from headers before any body byte is read
mod api; // the HTTP API's handlers and routes
mod body; // request bodies read and decompressed under limits
mod console; // the web console's pages and forms
mod error; // the JSON error every handler answers with
mod gating; // the decision point, approvals and connectors, built from the settings
mod health; // whether the detection worker runs, waits on the store, or stopped
mod ingest; // the ingestion endpoints
mod listener; // the accept loop: connection limit, header timeout, TLS, graceful stop
mod metrics; // Prometheus metrics
mod openapi; // the OpenAPI document
mod raw; // providers' raw records kept at ingest, packed for the store
mod secrets; // secrets read from the environment or files
mod sigma; // Sigma rules matched at ingest, their findings handed to the worker
mod snapshot; // the detection snapshot's encoding
mod state; // what every handler shares
mod tls; // the HTTPS certificate and key, read at start-up
mod trace; // request spans without secrets: method, path, query parameter names
mod triage; // status changes and comments on incidents, audited
mod worker; // the detection worker: events in, findings and incidents stored

pub use config::{ConfigError, ServiceConfig};
pub use run::{Service, open_store};
use state::AppState;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// The router with its layers: body limit, request timeout, JSON bodies for every refusal
/// (including the framework's own 404, 405, 408 and 413), request durations for the metrics,
/// and request tracing (no secrets).
pub(crate) fn app(state: AppState) -> Router {
    let limit = state.config.server.max_body_bytes;
    let timeout = state.config.server.request_timeout;
    api::routes(&state)
        .merge(console::routes())
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(limit))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, timeout))
        .layer(axum::middleware::map_response(json_refusals))
        .layer(axum::middleware::from_fn(close_after_refusing_a_body))
        .layer(axum::middleware::from_fn_with_state(state.clone(), metrics::observe_request))
        .layer(tower_http::trace::TraceLayer::new_for_http().make_span_with(trace::request_span))
        .with_state(state)
}

async fn not_found(uri: axum::http::Uri) -> error::ApiError {
    error::ApiError::not_found(format!("no route `{}`; the API is described at /v1/openapi.json", uri.path()))
}

/// Refusals produced below the handlers (unknown method, body too large, timeout) come as
/// plain text: give them the same JSON shape as every other error. The console's own pages
/// (a refused sign-in, a refused form) are HTML meant for people and are left as they are.
async fn json_refusals(response: Response) -> Response {
    let status = response.status();
    let kept = response.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| {
        v.starts_with("application/json") || v.starts_with("application/openmetrics") || v.starts_with("text/html")
    });
    if !(status.is_client_error() || status.is_server_error()) || kept {
        return response;
    }
    let (code, message) = match status {
        StatusCode::METHOD_NOT_ALLOWED => ("method_not_allowed", "this route does not take that method".to_string()),
        StatusCode::PAYLOAD_TOO_LARGE => ("too_large", "the request body is larger than `max_body_bytes`".to_string()),
        StatusCode::REQUEST_TIMEOUT => ("timeout", "the request took longer than `request_timeout`".to_string()),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            ("unsupported_media_type", "send `Content-Type: application/json`".to_string())
        }
        other => ("error", other.canonical_reason().unwrap_or("error").to_lowercase()),
    };
    let retry = response.headers().get(header::RETRY_AFTER).cloned();
    let mut out = error::ApiError::new(status, code, message).into_response();
    if let Some(retry) = retry {
        out.headers_mut().insert(header::RETRY_AFTER, retry);
    }
    if status == StatusCode::REQUEST_TIMEOUT {
        out.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    out
}

/// A refusal may be sent before the request's body is read (no token, too large, too slow);
/// the unread rest stays on the connection, so hyper closes it after the answer, without
/// saying so. A client that then reuses the connection loses its next request. Every error
/// answer to a request that carried a body says `Connection: close`, so the client opens a
/// new one; answers without a body, and successes, keep the connection.
async fn close_after_refusing_a_body(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let headers = request.headers();
    let carries_body = headers.contains_key(header::TRANSFER_ENCODING)
        || headers.get(header::CONTENT_LENGTH).is_some_and(|length| length.as_bytes() != b"0");
    let mut response = next.run(request).await;
    let status = response.status();
    if carries_body && (status.is_client_error() || status.is_server_error()) {
        response.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

/// The service's own input decoding, for the fuzz targets (fuzz/): not a supported API.
#[doc(hidden)]
pub mod fuzzing {
    /// An ingest body decoded exactly as the ingest routes decode it (gzip by header or magic
    /// bytes, at most `limit` bytes once decompressed); `None` when the service refuses it.
    pub fn decode_body(body: &[u8], gzip_header: bool, limit: u64) -> Option<Vec<u8>> {
        use std::io::Read;
        let budget = crate::body::Budget::new(limit);
        let refusal = crate::body::Refusal::default();
        let raw = std::io::Cursor::new(body.to_vec());
        let mut out = Vec::new();
        crate::body::plain(raw, gzip_header, limit, &budget, 1, &refusal).read_to_end(&mut out).ok().map(|_| out)
    }
}
