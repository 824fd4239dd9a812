//! The ingestion endpoints: provider logs posted as they are (JSON, NDJSON, gzip), the Okta
//! event hook contract, Entra diagnostic records from Event Hubs, and HMAC-signed webhooks.
//! An answer of 200 means the events are committed to the store.

use crate::auth::{Caller, Need};
use crate::error::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::body::Body;
use axum::extract::{FromRequestParts, MatchedPath, Path, State};
use axum::http::HeaderMap;
use hmac::{Hmac, KeyInit, Mac};
use model::{Event, Provider};
use serde::Serialize;
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
    /// Records that could not be read, in all.
    pub error_count: u64,
    /// Of those, how many `errors` does not list.
    pub errors_not_listed: u64,
    /// Every error counted by kind (`not_json`, `future_time`, `wrong_provider`, …).
    pub errors_by_kind: std::collections::BTreeMap<&'static str, u64>,
}

/// `POST /v1/ingest/{provider}`. The token was checked by [`admit`].
pub async fn provider(
    State(app): State<AppState>,
    Path(provider): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<IngestReport>, ApiError> {
    let provider = Provider::parse(&provider).ok_or_else(|| {
        ApiError::not_found(format!(
            "unknown provider `{provider}`; expected one of {}",
            Provider::ALL.iter().map(|p| format!("`{}`", p.as_str())).collect::<Vec<_>>().join(", ")
        ))
    })?;
    accept(&app, provider, "ingest", &headers, body, None).await.map(Json)
}

/// `GET /v1/hooks/okta`: Okta's one-time verification echoes the challenge header. The
/// Authorization value was checked by [`admit`].
pub async fn okta_verify(headers: HeaderMap) -> Result<Json<serde_json::Value>, ApiError> {
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
    body: Body,
) -> Result<Json<IngestReport>, ApiError> {
    accept(&app, Provider::Okta, "okta-hook", &headers, body, None).await.map(Json)
}

/// Okta sends the Authorization header value it was configured with: the configured secret
/// when there is one, else an ingest token.
async fn okta_authorize(app: &AppState, headers: &HeaderMap) -> Result<Option<Caller>, ApiError> {
    let Some(expected) = &app.secrets.okta_hook_authorization else {
        return app.authorize(headers, Need::Ingest).await.map(Some);
    };
    let given = headers.get(axum::http::header::AUTHORIZATION).map(|v| v.as_bytes()).unwrap_or_default();
    if bool::from(given.ct_eq(expected.as_bytes())) {
        Ok(None)
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
    body: Body,
) -> Result<Json<IngestReport>, ApiError> {
    accept(&app, Provider::Entra, "entra-event-hub", &headers, body, None).await.map(Json)
}

/// `POST /v1/webhooks/{name}`: a configured sender that signs each body with HMAC-SHA256.
/// [`admit`] checked that the name exists and a signature came; the signature itself covers
/// the body, so it is computed as the body streams and checked once all of it has arrived,
/// before anything is stored.
pub async fn signed(
    State(app): State<AppState>,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<IngestReport>, ApiError> {
    let (provider, header, secret, signature) = webhook_signature(&app, &name, &headers)?;
    let signed = Signed { header, secret, signature };
    accept(&app, provider, &format!("webhook:{name}"), &headers, body, Some(signed)).await.map(Json)
}

/// The configured webhook `name` and the signature its request carries, from headers alone.
fn webhook_signature<'a>(
    app: &'a AppState,
    name: &str,
    headers: &HeaderMap,
) -> Result<(Provider, &'a str, &'a [u8], String), ApiError> {
    let Some((provider, header, secret)) = app.secrets.webhooks.get(name) else {
        app.metrics.refuse("unauthenticated");
        return Err(ApiError::not_found(format!("no webhook named `{name}` is configured")));
    };
    let signature = headers.get(header.as_str()).and_then(|v| v.to_str().ok()).ok_or_else(|| {
        app.metrics.refuse("bad_signature");
        ApiError::unauthorized(format!("the `{header}` signature header is missing"))
    })?;
    Ok((*provider, header.as_str(), secret.as_slice(), signature.to_string()))
}

/// Admits an ingest request, in this order and before any body byte is read: the sender is
/// authenticated from its headers (a token, the Okta hook's value, a webhook's name and
/// signature header), then it takes one of `max_concurrent_ingest` slots or is answered 429.
/// A sender without credentials never holds a slot; a slow sender holds one only until
/// `body_read_timeout`.
pub async fn admit(
    State(app): State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let (mut parts, body) = request.into_parts();
    let route = parts.extensions.get::<MatchedPath>().map(|m| m.as_str().to_string()).unwrap_or_default();
    let authenticated = match route.as_str() {
        "/v1/hooks/okta" => okta_authorize(&app, &parts.headers).await,
        "/v1/webhooks/{name}" => match Path::<String>::from_request_parts(&mut parts, &app).await {
            Ok(Path(name)) => webhook_signature(&app, &name, &parts.headers).map(|_| None),
            Err(e) => Err(ApiError::bad_request(e.body_text())),
        },
        _ => app.authorize(&parts.headers, Need::Ingest).await.map(Some),
    };
    match authenticated {
        Ok(Some(caller)) => {
            parts.extensions.insert(caller);
        }
        Ok(None) => {}
        Err(e) => return e.into_response(),
    }
    let Ok(_slot) = app.ingest_slots.clone().try_acquire_owned() else {
        app.metrics.refuse("overloaded");
        let retry = app.config.server.retry_after_seconds;
        return ApiError::too_many("too many ingest requests at once; retry later", retry).into_response();
    };
    next.run(axum::extract::Request::from_parts(parts, body)).await
}

/// A MAC fed the whole body checked against `sha256=<hex>` (or bare hex), in constant time.
fn mac_matches(mac: Hmac<sha2::Sha256>, signature: &str) -> bool {
    let hex_part = signature.trim().strip_prefix("sha256=").unwrap_or(signature.trim());
    let Ok(given) = hex::decode(hex_part) else { return false };
    mac.verify_slice(&given).is_ok()
}

/// A signed webhook's signature header, its secret and the signature the request carries.
struct Signed<'a> {
    header: &'a str,
    secret: &'a [u8],
    signature: String,
}

/// Reads, checks and stores the events of one request; answers only once they are committed.
async fn accept(
    app: &AppState,
    provider: Provider,
    endpoint: &str,
    headers: &HeaderMap,
    body: Body,
    signed: Option<Signed<'_>>,
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
    let request = app.requests.fetch_add(1, Ordering::Relaxed);
    let name = format!("{endpoint}#{request}");
    let crate::raw::Normalized { events, hits, raw, tally } = read_records(app, name, headers, body, signed).await?;

    let (events, foreign): (Vec<Event>, Vec<Event>) = events.into_iter().partition(|e| e.provider == provider);
    let mut errors: Vec<String> = tally.diagnostics.iter().take(LISTED_ERRORS).map(|d| d.to_string()).collect();
    let room = LISTED_ERRORS.saturating_sub(errors.len());
    errors.extend(foreign.iter().take(room).map(|e| {
        format!("{}: a `{}` record was posted to the `{}` endpoint; not stored", e.source, e.provider, provider)
    }));
    let mut errors_by_kind = tally.problems_by_kind.clone();
    if !foreign.is_empty() {
        errors_by_kind.insert("wrong_provider", foreign.len() as u64);
    }
    let error_count: u64 = errors_by_kind.values().sum();
    let errors_not_listed = error_count.saturating_sub(errors.len() as u64);
    drop(foreign);
    let endpoint_label =
        crate::metrics::EndpointLabels { endpoint: endpoint.split(':').next().unwrap_or(endpoint).into() };
    app.metrics.parse_errors.get_or_create(&endpoint_label).inc_by(error_count);
    if events.is_empty() && error_count > 0 {
        app.metrics.refuse("unreadable");
        let kinds: Vec<String> = errors_by_kind.iter().map(|(k, n)| format!("{k} {n}")).collect();
        return Err(ApiError::bad_request(format!(
            "no event could be read ({error_count} errors: {}; the first {} listed): {}",
            kinds.join(", "),
            errors.len(),
            errors.join("; ")
        )));
    }
    let count = events.len();
    let labels: Vec<(Provider, model::Category)> = events.iter().map(|e| (e.provider, e.category)).collect();
    let (appended, last) = app
        .db
        .run(move |s| {
            let appended = s.append_events_with_raw(&events, &raw.for_events(&events))?;
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
    Ok(IngestReport {
        records: tally.records,
        events: count,
        stored: appended.stored,
        duplicates: appended.duplicates + usize::try_from(tally.duplicates).unwrap_or(usize::MAX),
        not_relevant: tally.not_relevant_total(),
        errors,
        error_count,
        errors_not_listed,
        errors_by_kind,
    })
}

/// The records of a body parsed as it arrives: the body's frames go to the pipeline on a
/// blocking thread while they are read here, so the raw body is never held whole. Nothing
/// is returned unless the whole body arrived within the limits (and, when signed, matches
/// its signature): a refusal mid-body leaves nothing to store.
async fn read_records(
    app: &AppState,
    name: String,
    headers: &HeaderMap,
    body: Body,
    signed: Option<Signed<'_>>,
) -> Result<crate::raw::Normalized, ApiError> {
    let server = &app.config.server;
    let gzip = headers
        .get(axum::http::header::CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("gzip"));
    let (limit, retry) = (server.max_decompressed_bytes, server.retry_after_seconds);
    // Times are judged against this request's clock (the pipeline reads it once).
    let options = app.ingest_options.clone();
    let sigma = app.sigma.clone();
    let keep_raw = server.keep_raw_records;
    let budget = app.decompression.clone();
    let mut mac = match &signed {
        Some(s) => Some(Hmac::<sha2::Sha256>::new_from_slice(s.secret).map_err(|e| ApiError::internal(e.to_string()))?),
        None => None,
    };
    let refusal = crate::body::Refusal::default();
    let (frames, wire) = crate::body::channel(&refusal);
    let refused = refusal.clone();
    let parsing = tokio::task::spawn_blocking(move || {
        // The budget is held until the records are read, then given back.
        let reader = crate::body::plain(wire, gzip, limit, &budget, retry, &refused);
        let input = ingest::Input::Reader { name, reader };
        crate::raw::normalize(input, &options, sigma.as_ref().map(|s| &s.evaluator), keep_raw)
    });
    let mut tap = |data: &[u8]| {
        if let Some(mac) = mac.as_mut() {
            mac.update(data);
        }
    };
    let pumped =
        crate::body::pump(body, headers, server.max_body_bytes, server.body_read_timeout, frames, &mut tap).await;
    // The parser ends soon after a refusal (its reader fails); wait so that nothing outlives
    // the request.
    let parsed = parsing.await.map_err(|e| ApiError::internal(format!("reading the body failed: {e}")));
    pumped.inspect_err(|e| app.metrics.refuse(e.code))?;
    if let (Some(signed), Some(mac)) = (&signed, mac)
        && !mac_matches(mac, &signed.signature)
    {
        app.metrics.refuse("bad_signature");
        return Err(ApiError::unauthorized(format!(
            "the `{}` signature does not match the body (expected `sha256=<hex HMAC-SHA256 of the raw body>`)",
            signed.header
        )));
    }
    if let Some(e) = refusal.take() {
        app.metrics.refuse(e.code);
        return Err(e);
    }
    parsed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signature_matches(secret: &[u8], body: &[u8], signature: &str) -> bool {
        let Ok(mut mac) = Hmac::<sha2::Sha256>::new_from_slice(secret) else { return false };
        mac.update(body);
        mac_matches(mac, signature)
    }

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
}
