//! The Microsoft Graph connector against a local server that answers as Graph v1.0
//! documents: authentication method lists and per-type deletes, revokeSignInSessions,
//! removePassword/removeKey, Graph error bodies, and 429/503 with `Retry-After`.
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
use policy::connectors::{Connector, ConnectorError, Executor, MethodType, Mode, Operation, RetryPolicy};
use remediation::{Recorder, approved, serve};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const TOKEN: &str = "eyJ0eXAiOiJKV1Qi.graph-test-token";

#[derive(Clone, Default)]
struct Graph {
    seen: Recorder,
    /// Throttling answers to give before serving: (status, Retry-After seconds).
    throttle: Arc<Mutex<Vec<(u16, u64)>>>,
}

fn graph_error(status: StatusCode, code: &str, message: &str) -> Response {
    let body = json!({"error": {"code": code, "message": message,
        "innerError": {"date": "2026-05-04T10:00:00", "request-id": "r1", "client-request-id": "c1"}}});
    (status, Json(body)).into_response()
}

async fn graph(State(s): State<Graph>, method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    let seen = s.seen.record(&method, &uri, &headers, &body);
    if seen.authorization.as_deref() != Some(&format!("Bearer {TOKEN}")) {
        return graph_error(StatusCode::UNAUTHORIZED, "InvalidAuthenticationToken", "Access token validation failure.");
    }
    if let Some((status, wait)) = s.throttle.lock().unwrap().pop() {
        let mut r = graph_error(StatusCode::from_u16(status).unwrap(), "TooManyRequests", "Please retry again later.");
        r.headers_mut().insert("retry-after", wait.to_string().parse().unwrap());
        return r;
    }
    let Some(path) = uri.path().strip_prefix("/v1.0/") else {
        return graph_error(StatusCode::BAD_REQUEST, "BadRequest", "Invalid version.");
    };
    let parts: Vec<&str> = path.split('/').collect();
    if parts.get(1) == Some(&"missing") {
        return graph_error(StatusCode::NOT_FOUND, "Request_ResourceNotFound", "Resource 'missing' does not exist.");
    }
    if parts.get(1) == Some(&"readonly") {
        return graph_error(
            StatusCode::FORBIDDEN,
            "Authorization_RequestDenied",
            "Insufficient privileges to complete the operation.",
        );
    }
    if parts.get(1) == Some(&"boom") {
        return graph_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "generalException",
            "General exception while processing",
        );
    }
    let json_body = || serde_json::from_slice::<Value>(&body).unwrap_or(Value::Null);
    match (method.as_str(), &parts[..]) {
        ("GET", ["users", user, "authentication", "methods"]) => Json(json!({
            "@odata.context": format!("https://graph.microsoft.com/v1.0/$metadata#users('{user}')/authentication/methods"),
            "value": [
                {"@odata.type": "#microsoft.graph.passwordAuthenticationMethod", "id": "28c10230-6103-485e-b985-444c60001490"},
                {"@odata.type": "#microsoft.graph.fido2AuthenticationMethod", "id": "-2_GRUg2-HYz6_1YG4YRAQ2", "displayName": "YubiKey"},
                {"@odata.type": "#microsoft.graph.phoneAuthenticationMethod", "id": "3179e48a-750b-4051-897c-87b9720928f7", "phoneNumber": "+1 5555550100", "phoneType": "mobile"}
            ]
        }))
        .into_response(),
        ("DELETE", ["users", _, "authentication", collection, _]) => {
            let known = ["phoneMethods", "microsoftAuthenticatorMethods", "fido2Methods", "softwareOathMethods", "emailMethods"];
            if known.contains(collection) {
                StatusCode::NO_CONTENT.into_response()
            } else {
                graph_error(StatusCode::BAD_REQUEST, "BadRequest", "Resource not found for the segment.")
            }
        }
        ("POST", ["users", _, "revokeSignInSessions"]) => Json(json!({
            "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#Edm.Boolean", "value": true
        }))
        .into_response(),
        ("POST", ["applications", _, "removePassword"]) => {
            if json_body().get("keyId").and_then(Value::as_str).is_some() {
                StatusCode::NO_CONTENT.into_response()
            } else {
                graph_error(StatusCode::BAD_REQUEST, "Request_BadRequest", "keyId is required.")
            }
        }
        ("POST", ["applications", _, "removeKey"]) => {
            let b = json_body();
            if b.get("keyId").is_some() && b.get("proof").and_then(Value::as_str).is_some_and(|p| !p.is_empty()) {
                StatusCode::NO_CONTENT.into_response()
            } else {
                graph_error(StatusCode::BAD_REQUEST, "Request_BadRequest", "proof is required.")
            }
        }
        _ => graph_error(StatusCode::BAD_REQUEST, "BadRequest", "Unsupported request."),
    }
}

async fn start() -> (Graph, String) {
    let state = Graph::default();
    let app = Router::new().fallback(graph).with_state(state.clone());
    let base = serve(app).await;
    (state, format!("{base}/v1.0"))
}

fn fast() -> RetryPolicy {
    RetryPolicy { max_retries: 3, max_wait: Duration::from_secs(5), default_wait: Duration::from_millis(50) }
}

async fn run(
    url: &str,
    user: &str,
    op: Operation,
) -> (remediation::Setup, Result<policy::connectors::CallResult, ConnectorError>) {
    let s = approved(Provider::Entra, "contoso", user, Utc::now());
    let c = Connector::graph(url, TOKEN).unwrap().with_retry(fast());
    let mode = Mode::Execute { approval: Some(s.approval.clone()) };
    let r = Executor::new(s.approvals.clone()).run(&c, &s.key, &op, &mode, "analyst-1", Utc::now()).await;
    (s, r)
}

#[tokio::test]
async fn list_methods_sends_bearer_token_and_maps_types_to_delete_endpoints() {
    let (g, url) = start().await;
    let (_, r) = run(&url, "alice", Operation::ListMethods { user: "alice".into() }).await;
    let body = r.unwrap().answer.unwrap().body;
    let types: Vec<Option<MethodType>> = body["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| MethodType::from_odata_type(m["@odata.type"].as_str().unwrap()))
        .collect();
    assert_eq!(types, [None, Some(MethodType::Fido2), Some(MethodType::Phone)]);
    let seen = &g.seen.all()[0];
    assert_eq!(seen.path, "/v1.0/users/alice/authentication/methods");
    assert_eq!(seen.authorization.as_deref(), Some(&*format!("Bearer {TOKEN}")));
}

#[tokio::test]
async fn each_method_type_is_deleted_at_its_own_endpoint() {
    let (g, url) = start().await;
    let cases = [
        (MethodType::Phone, "phoneMethods"),
        (MethodType::MicrosoftAuthenticator, "microsoftAuthenticatorMethods"),
        (MethodType::Fido2, "fido2Methods"),
        (MethodType::SoftwareOath, "softwareOathMethods"),
        (MethodType::Email, "emailMethods"),
    ];
    for (method_type, collection) in cases {
        let op = Operation::DeleteMethod { user: "alice".into(), method_type, method: "m-1".into() };
        let (_, r) = run(&url, "alice", op).await;
        assert_eq!(r.unwrap().answer.unwrap().status, 204);
        let seen = g.seen.all().pop().unwrap();
        assert_eq!(seen.method, Method::DELETE);
        assert_eq!(seen.path, format!("/v1.0/users/alice/authentication/{collection}/m-1"));
    }
}

#[tokio::test]
async fn revoke_sign_in_sessions_answers_true() {
    let (g, url) = start().await;
    let (_, r) = run(&url, "alice", Operation::RevokeSessions { user: "alice".into() }).await;
    assert_eq!(r.unwrap().answer.unwrap().body["value"], true);
    let seen = &g.seen.all()[0];
    assert_eq!((seen.method.as_str(), seen.path.as_str()), ("POST", "/v1.0/users/alice/revokeSignInSessions"));
}

#[tokio::test]
async fn remove_password_posts_the_key_id() {
    let (g, url) = start().await;
    let op = Operation::RemovePassword { application: "app-1".into(), key_id: "k-1".into() };
    let (_, r) = run(&url, "app-1", op).await;
    assert_eq!(r.unwrap().answer.unwrap().status, 204);
    let seen = &g.seen.all()[0];
    assert_eq!(seen.path, "/v1.0/applications/app-1/removePassword");
    assert_eq!(seen.content_type.as_deref(), Some("application/json"));
    assert_eq!(serde_json::from_str::<Value>(&seen.body).unwrap(), json!({"keyId": "k-1"}));
}

#[tokio::test]
async fn remove_key_sends_the_proof_but_never_journals_it() {
    let (g, url) = start().await;
    let op = Operation::RemoveKey {
        application: "app-1".into(),
        key_id: "k-2".into(),
        proof: "eyJhbGciOi.proof.sig".into(),
    };
    let (s, r) = run(&url, "app-1", op).await;
    assert_eq!(r.unwrap().answer.unwrap().status, 204);
    let sent: Value = serde_json::from_str(&g.seen.all()[0].body).unwrap();
    assert_eq!(sent["proof"], "eyJhbGciOi.proof.sig");
    let journal = serde_json::to_string(&s.ledger.audit()).unwrap();
    assert!(!journal.contains("eyJhbGciOi.proof.sig") && !journal.contains(TOKEN), "{journal}");
}

#[tokio::test]
async fn graph_errors_carry_code_and_message() {
    let (_, url) = start().await;
    let cases = [
        ("missing", 404, "Request_ResourceNotFound"),
        ("readonly", 403, "Authorization_RequestDenied"),
        ("boom", 500, "generalException"),
    ];
    for (user, status, code) in cases {
        let (_, r) = run(&url, user, Operation::RevokeSessions { user: user.into() }).await;
        match r {
            Err(ConnectorError::Rejected { status: got, message: Some(m), .. }) => {
                assert_eq!(got, status);
                assert!(m.starts_with(code), "{m}");
            }
            other => panic!("{user}: expected a rejection, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn expired_token_is_a_401_rejection() {
    let (_, url) = start().await;
    let s = approved(Provider::Entra, "contoso", "alice", Utc::now());
    let c = Connector::graph(&url, "stale").unwrap();
    let mode = Mode::Execute { approval: Some(s.approval.clone()) };
    let op = Operation::RevokeSessions { user: "alice".into() };
    let err = Executor::new(s.approvals.clone()).run(&c, &s.key, &op, &mode, "a", Utc::now()).await.unwrap_err();
    assert!(err.to_string().contains("401 (InvalidAuthenticationToken"), "{err}");
}

#[tokio::test]
async fn throttled_429_and_503_are_retried_after_the_retry_after_wait() {
    let (g, url) = start().await;
    // Served in reverse: first a 429, then a 503.
    *g.throttle.lock().unwrap() = vec![(503, 1), (429, 0)];
    let started = Instant::now();
    let (_, r) = run(&url, "alice", Operation::RevokeSessions { user: "alice".into() }).await;
    let answer = r.unwrap().answer.unwrap();
    assert_eq!((answer.status, answer.attempts), (200, 3));
    assert!(started.elapsed() >= Duration::from_millis(900), "waited {:?}", started.elapsed());
    assert_eq!(g.seen.all().len(), 3);
}

#[tokio::test]
async fn retry_after_beyond_the_bound_is_not_waited_for() {
    let (g, url) = start().await;
    *g.throttle.lock().unwrap() = vec![(429, 3600)];
    let (s, r) = run(&url, "alice", Operation::RevokeSessions { user: "alice".into() }).await;
    let err = r.unwrap_err();
    assert!(matches!(err, ConnectorError::Throttled { wait, .. } if wait == Duration::from_secs(3600)), "{err}");
    assert_eq!(g.seen.all().len(), 1);
    let call = s.ledger.audit().into_iter().find(|r| r.action == "connector.call").unwrap();
    assert!(call.detail["error"].as_str().unwrap().contains("throttled"));
}

#[tokio::test]
async fn expired_approval_cannot_execute() {
    let (g, url) = start().await;
    let s = approved(Provider::Entra, "contoso", "alice", Utc::now());
    let c = Connector::graph(&url, TOKEN).unwrap();
    let mode = Mode::Execute { approval: Some(s.approval.clone()) };
    let later = Utc::now() + chrono::Duration::minutes(16);
    let op = Operation::RevokeSessions { user: "alice".into() };
    let err = Executor::new(s.approvals.clone()).run(&c, &s.key, &op, &mode, "a", later).await.unwrap_err();
    assert!(err.to_string().contains("expired"), "{err}");
    assert!(g.seen.all().is_empty());
}

#[tokio::test]
async fn okta_operations_are_not_graph_calls_and_base_urls_are_checked() {
    let c = Connector::graph("https://graph.microsoft.com/v1.0/", TOKEN).unwrap();
    assert!(matches!(c.plan(&Operation::Suspend { user: "u".into() }), Err(ConnectorError::Unsupported { .. })));
    let planned = c.plan(&Operation::RevokeSessions { user: "a/b".into() }).unwrap();
    assert_eq!(planned.url, "https://graph.microsoft.com/v1.0/users/a%2Fb/revokeSignInSessions");
    assert_eq!(planned.authorization, "Bearer ***");
    assert!(format!("{c:?}").contains("***") && !format!("{c:?}").contains(TOKEN));
    assert!(matches!(Connector::graph("graph.microsoft.com", TOKEN), Err(ConnectorError::BaseUrl(_))));
}
