//! The ingestion endpoints: provider logs posted as they are (JSON, NDJSON, gzip), the Okta
//! event hook contract, Entra diagnostic records from Event Hubs, and HMAC-signed webhooks.
//! An answer of 200 means the events are committed to the store.

use crate::auth::Need;
use crate::error::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use hmac::{Hmac, Mac};
use model::{Event, Provider};
use serde::Serialize;
use std::io::Read;
use std::sync::atomic::Ordering;
use subtle::ConstantTimeEq;

/// Most record errors listed in an answer; all are counted.
const LISTED_ERRORS: usize = 20;

/// What one ingest request did.
#[derive(Debug, Serialize)]
pub struct IngestReport {
    /// Records read (lines, array elements, envelope members).
    pub records: u64,
    /// Identity events found in them.
    pub events: usize,
    /// Events stored now.
    pub stored: usize,
    /// Events already stored (posted before), left as they were.
    pub duplicates: usize,
    /// Records not about identity (ignored by design).
    pub not_relevant: u64,
    /// Records that could not be read, with where and why (the first few).
    pub errors: Vec<String>,
    pub error_count: usize,
}

/// `POST /v1/ingest/{provider}`.
pub async fn provider(
    State(app): State<AppState>,
    Path(provider): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<IngestReport>, ApiError> {
    app.authorize(&headers, Need::Ingest).await?;
    let provider = Provider::parse(&provider).ok_or_else(|| {
        ApiError::not_found(format!(
            "unknown provider `{provider}`; expected one of {}",
            Provider::ALL.iter().map(|p| format!("`{}`", p.as_str())).collect::<Vec<_>>().join(", ")
        ))
    })?;
    accept(&app, provider, "ingest", &headers, body).await.map(Json)
}

/// `GET /v1/hooks/okta`: Okta's one-time verification echoes the challenge header.
pub async fn okta_verify(State(app): State<AppState>, headers: HeaderMap) -> Result<Json<serde_json::Value>, ApiError> {
    okta_authorize(&app, &headers).await?;
    let challenge = headers
        .get("x-okta-verification-challenge")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| ApiError::bad_request("the `x-okta-verification-challenge` header is missing"))?;
    Ok(Json(serde_json::json!({ "verification": challenge })))
}

/// `POST /v1/hooks/okta`: event hook deliveries, `{"data": {"events": [...]}}`.
pub async fn okta_events(
    State(app): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<IngestReport>, ApiError> {
    okta_authorize(&app, &headers).await?;
    accept(&app, Provider::Okta, "okta-hook", &headers, body).await.map(Json)
}

/// Okta sends the Authorization header value it was configured with: the configured secret
/// when there is one, else an ingest token.
async fn okta_authorize(app: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(expected) = &app.secrets.okta_hook_authorization else {
        return app.authorize(headers, Need::Ingest).await.map(|_| ());
    };
    let given = headers.get(axum::http::header::AUTHORIZATION).map(|v| v.as_bytes()).unwrap_or_default();
    if bool::from(given.ct_eq(expected.as_bytes())) {
        Ok(())
    } else {
        app.metrics.refuse("unauthenticated");
        Err(ApiError::unauthorized("the Authorization header is not the value this Okta event hook is configured with"))
    }
}

/// `POST /v1/hooks/entra`: Entra ID diagnostic records as Event Hubs deliver them,
/// `{"records": [...]}`.
pub async fn entra_records(
    State(app): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<IngestReport>, ApiError> {
    app.authorize(&headers, Need::Ingest).await?;
    accept(&app, Provider::Entra, "entra-event-hub", &headers, body).await.map(Json)
}

/// `POST /v1/webhooks/{name}`: a configured sender that signs each body with HMAC-SHA256.
pub async fn signed(
    State(app): State<AppState>,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<IngestReport>, ApiError> {
    let Some((provider, header, secret)) = app.secrets.webhooks.get(&name) else {
        return Err(ApiError::not_found(format!("no webhook named `{name}` is configured")));
    };
    let signature = headers.get(header.as_str()).and_then(|v| v.to_str().ok()).ok_or_else(|| {
        app.metrics.refuse("bad_signature");
        ApiError::unauthorized(format!("the `{header}` signature header is missing"))
    })?;
    if !signature_matches(secret, &body, signature) {
        app.metrics.refuse("bad_signature");
        return Err(ApiError::unauthorized(format!(
            "the `{header}` signature does not match the body (expected `sha256=<hex HMAC-SHA256 of the raw body>`)"
        )));
    }
    accept(&app, *provider, &format!("webhook:{name}"), &headers, body).await.map(Json)
}

/// Admits an ingest request before its body is read, or answers 429: bodies in flight are
/// bounded by `max_concurrent_ingest`, and a slow sender holds its slot while it sends.
pub async fn gate(
    State(app): State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let Ok(_slot) = app.ingest_slots.clone().try_acquire_owned() else {
        app.metrics.refuse("overloaded");
        let retry = app.config.server.retry_after_seconds;
        return ApiError::too_many("too many ingest requests at once; retry later", retry).into_response();
    };
    next.run(request).await
}

/// `sha256=<hex>` (or bare hex), compared in constant time.
pub fn signature_matches(secret: &[u8], body: &[u8], signature: &str) -> bool {
    let hex_part = signature.trim().strip_prefix("sha256=").unwrap_or(signature.trim());
    let Ok(given) = hex::decode(hex_part) else { return false };
    let Ok(mut mac) = Hmac::<sha2::Sha256>::new_from_slice(secret) else { return false };
    mac.update(body);
    mac.verify_slice(&given).is_ok()
}

/// Reads, checks and stores the events of one request; answers only once they are committed.
async fn accept(
    app: &AppState,
    provider: Provider,
    endpoint: &str,
    headers: &HeaderMap,
    body: Bytes,
) -> Result<IngestReport, ApiError> {
    let retry = app.config.server.retry_after_seconds;
    if app.progress.stopping.load(Ordering::Acquire) {
        app.metrics.refuse("stopping");
        return Err(ApiError::unavailable("the service is shutting down", retry));
    }
    let backlog = app.progress.backlog();
    if backlog > app.config.server.max_backlog {
        app.metrics.refuse("backlog");
        return Err(ApiError::too_many(format!("detection is {backlog} events behind; retry later"), retry));
    }
    let gzip = headers
        .get(axum::http::header::CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("gzip"));
    let limit = app.config.server.max_decompressed_bytes;
    let request = app.requests.fetch_add(1, Ordering::Relaxed);
    let name = format!("{endpoint}#{request}");
    let options = app.ingest_options.clone();
    let sigma = app.sigma.clone();
    let (events, hits, tally) = tokio::task::spawn_blocking(move || {
        let bytes = decompress(body, gzip, limit)?;
        Ok::<_, ApiError>(match &sigma {
            Some(rules) => ingest::normalize_bytes_observed(&name, bytes, &options, &rules.evaluator),
            None => {
                let (events, tally) = ingest::normalize_bytes(&name, bytes, &options);
                (events, Vec::new(), tally)
            }
        })
    })
    .await
    .map_err(|e| ApiError::internal(format!("reading the body failed: {e}")))??;

    let mut errors: Vec<String> = tally.diagnostics.iter().map(|d| d.to_string()).collect();
    let (events, foreign): (Vec<Event>, Vec<Event>) = events.into_iter().partition(|e| e.provider == provider);
    errors.extend(foreign.iter().map(|e| {
        format!("{}: a `{}` record was posted to the `{}` endpoint; not stored", e.source, e.provider, provider)
    }));
    let endpoint_label =
        crate::metrics::EndpointLabels { endpoint: endpoint.split(':').next().unwrap_or(endpoint).into() };
    app.metrics.parse_errors.get_or_create(&endpoint_label).inc_by(errors.len() as u64);
    if events.is_empty() && !errors.is_empty() {
        app.metrics.refuse("unreadable");
        let shown: Vec<String> = errors.iter().take(LISTED_ERRORS).cloned().collect();
        return Err(ApiError::bad_request(format!(
            "no event could be read ({} errors): {}",
            errors.len(),
            shown.join("; ")
        )));
    }
    let count = events.len();
    let labels: Vec<(Provider, model::Category)> = events.iter().map(|e| (e.provider, e.category)).collect();
    let (appended, last) = app
        .db
        .run(move |s| {
            let appended = s.append_events(&events)?;
            Ok((appended, s.last_event_seq()?))
        })
        .await?;
    app.progress.note_stored(last);
    app.arrivals.note(last);
    if appended.stored > 0 {
        for (p, c) in labels {
            app.metrics.count_event(p.as_str(), c.as_str());
        }
        app.wake_worker();
    }
    app.metrics.duplicates.inc_by(appended.duplicates as u64);
    crate::sigma::accept(app, provider, hits).await;
    let error_count = errors.len();
    errors.truncate(LISTED_ERRORS);
    Ok(IngestReport {
        records: tally.records,
        events: count,
        stored: appended.stored,
        duplicates: appended.duplicates + usize::try_from(tally.duplicates).unwrap_or(usize::MAX),
        not_relevant: tally.not_relevant_total(),
        errors,
        error_count,
    })
}

/// The body as plain bytes: gunzipped (by header or by magic bytes) up to `limit`.
fn decompress(body: Bytes, gzip_header: bool, limit: u64) -> Result<Vec<u8>, ApiError> {
    let gzip = gzip_header || body.starts_with(&[0x1f, 0x8b]);
    if !gzip {
        return Ok(body.to_vec());
    }
    let mut out = Vec::new();
    let mut reader = flate2::read::MultiGzDecoder::new(&body[..]).take(limit.saturating_add(1));
    reader.read_to_end(&mut out).map_err(|e| ApiError::bad_request(format!("the gzip body is corrupt: {e}")))?;
    if out.len() as u64 > limit {
        return Err(ApiError::new(
            axum::http::StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("the body is larger than {limit} bytes once decompressed"),
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_verifies_only_for_its_body_and_secret() {
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(b"s3cret").unwrap();
        mac.update(b"{\"a\":1}");
        let sig = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
        assert!(signature_matches(b"s3cret", b"{\"a\":1}", &sig));
        assert!(!signature_matches(b"s3cret", b"{\"a\":2}", &sig));
        assert!(!signature_matches(b"other", b"{\"a\":1}", &sig));
        assert!(!signature_matches(b"s3cret", b"{\"a\":1}", "sha256=zz"));
    }

    #[test]
    fn a_gzip_bomb_is_refused_past_the_limit() {
        use std::io::Write;
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        enc.write_all(&vec![b' '; 1_000_000]).unwrap();
        let gz = enc.finish().unwrap();
        let err = decompress(Bytes::from(gz.clone()), false, 1000).unwrap_err();
        assert_eq!(err.status, axum::http::StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(decompress(Bytes::from(gz), true, 2_000_000).unwrap().len(), 1_000_000);
    }
}
