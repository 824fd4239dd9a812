//! Every HTTP request timed, labelled by the route it matched (the template, so that ids and
//! mistyped paths do not each become a series), its method and the status answered.

use super::HttpLabels;
use crate::state::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use std::time::Instant;

/// The route label of a request no route matched (the 404 fallback).
const UNMATCHED: &str = "unmatched";

/// Middleware for the whole router (`from_fn_with_state(state, observe_request)`), outside the
/// refusals made below the handlers, so that a `408` or `413` is counted as answered.
pub async fn observe_request(State(app): State<AppState>, request: Request, next: Next) -> Response {
    let route = request.extensions().get::<MatchedPath>().map_or(UNMATCHED, |m| m.as_str()).to_string();
    let method = method_label(request.method());
    let started = Instant::now();
    let response = next.run(request).await;
    let labels = HttpLabels { route, method: method.to_string(), status: response.status().as_u16().to_string() };
    app.metrics.http_requests.get_or_create(&labels).observe(started.elapsed().as_secs_f64());
    response
}

/// The standard methods by name; anything else (a client may send any token) as `other`.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unusual_methods_share_one_label() {
        assert_eq!(method_label(&Method::GET), "GET");
        assert_eq!(method_label(&Method::from_bytes(b"PROPFIND").unwrap_or_default()), "other");
    }
}
