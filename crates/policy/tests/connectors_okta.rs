//! The Okta connector against a local server that answers as the Okta Management API
//! documents: factor lists, 204 deletes, lifecycle calls, Okta error bodies, and 429s
//! with `X-Rate-Limit-Reset`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "common/remediation.rs"]
mod remediation;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use chrono::Utc;
use model::Provider;
use policy::connectors::{Connector, ConnectorError, Executor, Mode, Operation, RetryPolicy};
use remediation::{Recorder, approved, http_date, serve};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

const TOKEN: &str = "00okta-test-token";

#[derive(Clone, Default)]
struct Okta {
    seen: Recorder,
    /// How many of the next requests are throttled.
    throttle: Arc<AtomicU32>,
    /// Seconds from now to the reset the 429 names.
    reset_in: Arc<AtomicU32>,
}

fn okta_error(status: StatusCode, code: &str, summary: &str) -> Response {
    let body =
        json!({"errorCode": code, "errorSummary": summary, "errorLink": code, "errorId": "oae1", "errorCauses": []});
    (status, Json(body)).into_response()
}

async fn okta(State(s): State<Okta>, method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    let seen = s.seen.record(&method, &uri, &headers, &body);
    if seen.authorization.as_deref() != Some(&format!("SSWS {TOKEN}")) {
        return okta_error(StatusCode::UNAUTHORIZED, "E0000011", "Invalid token provided");
    }
    if s.throttle.load(Ordering::SeqCst) > 0 {
        s.throttle.fetch_sub(1, Ordering::SeqCst);
        let now = Utc::now();
        let reset = now.timestamp() + i64::from(s.reset_in.load(Ordering::SeqCst));
        let mut r = okta_error(
            StatusCode::TOO_MANY_REQUESTS,
            "E0000047",
            "API call exceeded rate limit due to too many requests.",
        );
        let h = r.headers_mut();
        h.insert("x-rate-limit-limit", "600".parse().unwrap());
        h.insert("x-rate-limit-remaining", "0".parse().unwrap());
        h.insert("x-rate-limit-reset", reset.to_string().parse().unwrap());
        h.insert("date", http_date(now).parse().unwrap());
        return r;
    }
    let parts: Vec<&str> = uri.path().trim_start_matches('/').split('/').collect();
    let user = parts.get(3).copied().unwrap_or_default();
    if user == "missing" {
        return okta_error(StatusCode::NOT_FOUND, "E0000007", "Not found: Resource not found: missing (User)");
    }
    if user == "boom" {
        return okta_error(StatusCode::INTERNAL_SERVER_ERROR, "E0000009", "Internal Server Error");
    }
    match (method.as_str(), &parts[..]) {
        ("GET", ["api", "v1", "users", _, "factors"]) => Json(json!([
            {"id": "opf1", "factorType": "push", "provider": "OKTA", "vendorName": "OKTA", "status": "ACTIVE",
             "created": "2026-05-04T09:58:00.000Z", "lastUpdated": "2026-05-04T09:58:00.000Z",
             "profile": {"deviceType": "SmartPhone_Android", "name": "Pixel", "platform": "ANDROID"}},
            {"id": "sms1", "factorType": "sms", "provider": "OKTA", "status": "ACTIVE",
             "profile": {"phoneNumber": "+1-555-0100"}}
        ]))
        .into_response(),
        ("DELETE", ["api", "v1", "users", _, "factors", factor]) => {
            if *factor == "gone" {
                okta_error(StatusCode::NOT_FOUND, "E0000007", "Not found: Resource not found: gone (UserFactor)")
            } else {
                StatusCode::NO_CONTENT.into_response()
            }
        }
        ("DELETE", ["api", "v1", "users", _, "sessions"]) => StatusCode::NO_CONTENT.into_response(),
        ("POST", ["api", "v1", "users", user, "lifecycle", "suspend"]) => match *user {
            "admin" => okta_error(
                StatusCode::FORBIDDEN,
                "E0000006",
                "You do not have permission to perform the requested action",
            ),
            "suspended" => okta_error(
                StatusCode::BAD_REQUEST,
                "E0000001",
                "Api validation failed: Cannot suspend a user that is not active",
            ),
            _ => Json(json!({})).into_response(),
        },
        _ => okta_error(StatusCode::NOT_FOUND, "E0000022", "The endpoint does not support the provided HTTP method"),
    }
}

async fn start() -> (Okta, String) {
    let state = Okta::default();
    let app = Router::new().fallback(okta).with_state(state.clone());
    (state, serve(app).await)
}

fn fast() -> RetryPolicy {
    RetryPolicy { max_retries: 3, max_wait: Duration::from_secs(5), default_wait: Duration::from_millis(50) }
}

fn execute(s: &remediation::Setup) -> Mode {
    Mode::Execute { approval: Some(s.approval.clone()) }
}

#[tokio::test]
async fn dry_run_returns_the_request_and_sends_nothing() {
    let (okta, url) = start().await;
    let s = approved(Provider::Okta, "acme.okta.com", "00ualice", Utc::now());
    let c = Connector::okta(&url, TOKEN).unwrap();
    let op = Operation::DeleteFactor { user: "00ualice".into(), factor: "opf1".into() };
    let r =
        Executor::new(s.approvals.clone()).run(&c, &s.key, &op, &Mode::DryRun, "analyst-1", Utc::now()).await.unwrap();
    assert!(r.dry_run && r.answer.is_none());
    assert_eq!(r.request.method, "DELETE");
    assert_eq!(r.request.url, format!("{url}/api/v1/users/00ualice/factors/opf1"));
    assert_eq!(r.request.authorization, "SSWS ***");
    assert!(okta.seen.all().is_empty());
    let journal = s.ledger.audit();
    assert_eq!(journal.last().unwrap().action, "connector.dry_run");
    assert!(!serde_json::to_string(&journal).unwrap().contains(TOKEN), "the token never reaches the journal");
}

#[tokio::test]
async fn list_factors_sends_ssws_token_and_reads_the_array() {
    let (okta, url) = start().await;
    let s = approved(Provider::Okta, "acme.okta.com", "00ualice", Utc::now());
    let c = Connector::okta(&url, TOKEN).unwrap();
    let op = Operation::ListFactors { user: "00ualice".into() };
    // Reads need no approval.
    let mode = Mode::Execute { approval: None };
    let r = Executor::new(s.approvals.clone()).run(&c, &s.key, &op, &mode, "analyst-1", Utc::now()).await.unwrap();
    let answer = r.answer.unwrap();
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body[0]["id"], "opf1");
    let seen = okta.seen.all();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].method, Method::GET);
    assert_eq!(seen[0].path, "/api/v1/users/00ualice/factors");
    assert_eq!(seen[0].authorization.as_deref(), Some(&*format!("SSWS {TOKEN}")));
}

#[tokio::test]
async fn delete_factor_executes_under_an_approved_approval_and_is_journaled() {
    let (okta, url) = start().await;
    let s = approved(Provider::Okta, "acme.okta.com", "00ualice", Utc::now());
    let c = Connector::okta(&url, TOKEN).unwrap();
    let op = Operation::DeleteFactor { user: "00ualice".into(), factor: "opf1".into() };
    let r =
        Executor::new(s.approvals.clone()).run(&c, &s.key, &op, &execute(&s), "analyst-1", Utc::now()).await.unwrap();
    assert_eq!(r.answer.unwrap().status, 204);
    assert_eq!(okta.seen.all()[0].path, "/api/v1/users/00ualice/factors/opf1");
    let call = s.ledger.audit().into_iter().find(|r| r.action == "connector.call").unwrap();
    assert_eq!(call.subject, s.approval);
    assert_eq!(call.detail["status"], 204);
    assert_eq!(call.detail["op"], "delete_factor");
}

#[tokio::test]
async fn changes_without_an_approval_are_refused_before_any_request() {
    let (okta, url) = start().await;
    let s = approved(Provider::Okta, "acme.okta.com", "00ualice", Utc::now());
    let c = Connector::okta(&url, TOKEN).unwrap();
    let ex = Executor::new(s.approvals.clone());
    let op = Operation::Suspend { user: "00ualice".into() };
    let none = ex.run(&c, &s.key, &op, &Mode::Execute { approval: None }, "analyst-1", Utc::now()).await;
    assert!(matches!(none, Err(ConnectorError::ApprovalRequired { .. })), "{none:?}");
    // An approval for another identity does not carry over.
    let bob = policy::IdentityKey::new(Provider::Okta, "acme.okta.com", "00ubob");
    let other =
        ex.run(&c, &bob, &Operation::Suspend { user: "00ubob".into() }, &execute(&s), "analyst-1", Utc::now()).await;
    assert!(matches!(other, Err(ConnectorError::Approval(_))), "{other:?}");
    assert!(okta.seen.all().is_empty());
    assert_eq!(s.ledger.audit().iter().filter(|r| r.action == "connector.refused").count(), 2);
}

#[tokio::test]
async fn clear_sessions_revokes_oauth_tokens_too() {
    let (okta, url) = start().await;
    let s = approved(Provider::Okta, "acme.okta.com", "00ualice", Utc::now());
    let c = Connector::okta(&url, TOKEN).unwrap();
    let op = Operation::ClearSessions { user: "00ualice".into() };
    Executor::new(s.approvals.clone()).run(&c, &s.key, &op, &execute(&s), "a", Utc::now()).await.unwrap();
    let seen = &okta.seen.all()[0];
    assert_eq!((seen.method.as_str(), seen.path.as_str()), ("DELETE", "/api/v1/users/00ualice/sessions"));
    assert_eq!(seen.query.as_deref(), Some("oauthTokens=true"));
}

#[tokio::test]
async fn suspend_posts_to_the_lifecycle_endpoint() {
    let (okta, url) = start().await;
    let s = approved(Provider::Okta, "acme.okta.com", "00ualice", Utc::now());
    let c = Connector::okta(&url, TOKEN).unwrap();
    let op = Operation::Suspend { user: "00ualice".into() };
    let r = Executor::new(s.approvals.clone()).run(&c, &s.key, &op, &execute(&s), "a", Utc::now()).await.unwrap();
    assert_eq!(r.answer.unwrap().status, 200);
    let seen = &okta.seen.all()[0];
    assert_eq!((seen.method.as_str(), seen.path.as_str()), ("POST", "/api/v1/users/00ualice/lifecycle/suspend"));
    assert_eq!(seen.content_type.as_deref(), Some("application/json"));
}

#[tokio::test]
async fn okta_errors_carry_the_error_code_and_summary() {
    let (_, url) = start().await;
    let cases = [
        ("missing", Operation::ListFactors { user: "missing".into() }, 404, "E0000007"),
        ("admin", Operation::Suspend { user: "admin".into() }, 403, "E0000006"),
        ("suspended", Operation::Suspend { user: "suspended".into() }, 400, "E0000001"),
        ("boom", Operation::ClearSessions { user: "boom".into() }, 500, "E0000009"),
    ];
    for (user, op, status, code) in cases {
        let s = approved(Provider::Okta, "acme.okta.com", user, Utc::now());
        let c = Connector::okta(&url, TOKEN).unwrap();
        let err =
            Executor::new(s.approvals.clone()).run(&c, &s.key, &op, &execute(&s), "a", Utc::now()).await.unwrap_err();
        match &err {
            ConnectorError::Rejected { status: got, message: Some(m), .. } => {
                assert_eq!(*got, status);
                assert!(m.starts_with(code), "{m}");
            }
            other => panic!("{user}: expected a rejection, got {other:?}"),
        }
        let call = s.ledger.audit().into_iter().find(|r| r.action == "connector.call").unwrap();
        assert_eq!(call.detail["status"], status, "the failed call is journaled");
    }
}

#[tokio::test]
async fn wrong_token_is_a_401_rejection() {
    let (_, url) = start().await;
    let s = approved(Provider::Okta, "acme.okta.com", "00ualice", Utc::now());
    let c = Connector::okta(&url, "wrong").unwrap();
    let op = Operation::ListFactors { user: "00ualice".into() };
    let err = Executor::new(s.approvals.clone()).run(&c, &s.key, &op, &execute(&s), "a", Utc::now()).await.unwrap_err();
    assert!(matches!(err, ConnectorError::Rejected { status: 401, .. }), "{err}");
    assert!(err.to_string().contains("E0000011"), "{err}");
}

#[tokio::test]
async fn throttled_call_waits_until_the_rate_limit_reset_then_succeeds() {
    let (okta, url) = start().await;
    okta.throttle.store(1, Ordering::SeqCst);
    okta.reset_in.store(1, Ordering::SeqCst);
    let s = approved(Provider::Okta, "acme.okta.com", "00ualice", Utc::now());
    let c = Connector::okta(&url, TOKEN).unwrap().with_retry(fast());
    let op = Operation::DeleteFactor { user: "00ualice".into(), factor: "opf1".into() };
    let started = Instant::now();
    let r = Executor::new(s.approvals.clone()).run(&c, &s.key, &op, &execute(&s), "a", Utc::now()).await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(900), "waited {:?}", started.elapsed());
    let answer = r.answer.unwrap();
    assert_eq!((answer.status, answer.attempts), (204, 2));
    assert_eq!(okta.seen.all().len(), 2);
}

#[tokio::test]
async fn reset_further_away_than_allowed_ends_the_call_as_throttled() {
    let (okta, url) = start().await;
    okta.throttle.store(1, Ordering::SeqCst);
    okta.reset_in.store(600, Ordering::SeqCst);
    let s = approved(Provider::Okta, "acme.okta.com", "00ualice", Utc::now());
    let c = Connector::okta(&url, TOKEN).unwrap().with_retry(fast());
    let op = Operation::ClearSessions { user: "00ualice".into() };
    let err = Executor::new(s.approvals.clone()).run(&c, &s.key, &op, &execute(&s), "a", Utc::now()).await.unwrap_err();
    assert!(matches!(err, ConnectorError::Throttled { .. }), "{err}");
    assert_eq!(okta.seen.all().len(), 1, "no retry when the wait is beyond the bound");
}

#[tokio::test]
async fn retries_are_bounded() {
    let (okta, url) = start().await;
    okta.throttle.store(10, Ordering::SeqCst);
    okta.reset_in.store(0, Ordering::SeqCst);
    let s = approved(Provider::Okta, "acme.okta.com", "00ualice", Utc::now());
    let c = Connector::okta(&url, TOKEN).unwrap().with_retry(fast());
    let op = Operation::ListFactors { user: "00ualice".into() };
    let err = Executor::new(s.approvals.clone()).run(&c, &s.key, &op, &execute(&s), "a", Utc::now()).await.unwrap_err();
    assert!(matches!(err, ConnectorError::Rejected { status: 429, .. }), "{err}");
    assert_eq!(okta.seen.all().len(), 4, "one attempt and three retries");
}

#[tokio::test]
async fn graph_operations_are_not_okta_calls() {
    let c = Connector::okta("https://acme.okta.com", TOKEN).unwrap();
    let err = c.plan(&Operation::RevokeSessions { user: "u".into() }).unwrap_err();
    assert_eq!(err.to_string(), "okta has no `revoke_sessions` call");
    let v: Value = serde_json::to_value(Operation::DeleteFactor { user: "u".into(), factor: "f".into() }).unwrap();
    assert_eq!(v["op"], "delete_factor");
}
