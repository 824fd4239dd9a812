//! Every endpoint, with every role and with a missing, unknown or revoked token: 401 when the
//! token does not hold, 403 when its role does not reach, and through otherwise, always with a
//! JSON body that says why.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use reqwest::Method;
use serde_json::Value;
use store::Role;
use support::{Backend, TestServer};

/// Who may call an endpoint.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Who {
    Anyone,
    Metrics,
    Ingest,
    Decide,
    Read,
    Triage,
    Approve,
    Admin,
}

impl Who {
    fn admits(self, role: Role) -> bool {
        match self {
            Who::Anyone => true,
            Who::Metrics => role != Role::Ingest,
            Who::Ingest => matches!(role, Role::Ingest | Role::Admin),
            Who::Decide => matches!(role, Role::Ingest | Role::Analyst | Role::Approver | Role::Admin),
            Who::Read => !matches!(role, Role::Ingest | Role::Metrics),
            Who::Approve => matches!(role, Role::Approver | Role::Admin),
            Who::Triage => matches!(role, Role::Analyst | Role::Approver | Role::Admin),
            Who::Admin => role == Role::Admin,
        }
    }
}

const ENDPOINTS: &[(&str, &str, Who, &str)] = &[
    ("GET", "/healthz", Who::Anyone, ""),
    ("GET", "/readyz", Who::Anyone, ""),
    ("GET", "/v1/openapi.json", Who::Anyone, ""),
    ("GET", "/metrics", Who::Metrics, ""),
    ("POST", "/v1/ingest/okta", Who::Ingest, "{}"),
    ("GET", "/v1/hooks/okta", Who::Ingest, ""),
    ("POST", "/v1/hooks/okta", Who::Ingest, "{}"),
    ("POST", "/v1/hooks/entra", Who::Ingest, "{\"records\": []}"),
    ("GET", "/v1/incidents", Who::Read, ""),
    ("GET", "/v1/incidents/inc_x", Who::Read, ""),
    ("POST", "/v1/incidents/inc_x/status", Who::Triage, "{\"status\": \"resolved\"}"),
    ("POST", "/v1/incidents/inc_x/assignee", Who::Triage, "{\"assignee\": \"carol\"}"),
    ("POST", "/v1/incidents/inc_x/comments", Who::Triage, "{\"text\": \"hi\"}"),
    ("GET", "/v1/incidents/inc_x/audit", Who::Read, ""),
    ("GET", "/v1/findings", Who::Read, ""),
    ("GET", "/v1/findings/fnd_x", Who::Read, ""),
    ("GET", "/v1/identities", Who::Read, ""),
    ("GET", "/v1/identities/lookup", Who::Read, ""),
    ("GET", "/v1/identities/okta/acme/00u1", Who::Read, ""),
    ("GET", "/v1/sources", Who::Read, ""),
    ("GET", "/v1/tokens", Who::Admin, ""),
    ("POST", "/v1/tokens", Who::Admin, "{\"name\": \"x\", \"role\": \"viewer\"}"),
    ("DELETE", "/v1/tokens/tok_x", Who::Admin, ""),
    ("GET", "/v1/audit", Who::Admin, ""),
    ("GET", "/v1/sinks", Who::Read, ""),
    ("POST", "/v1/sinks/none/replay", Who::Admin, ""),
    ("POST", "/v1/admin/drain", Who::Admin, ""),
    ("POST", "/v1/decisions/enrollment", Who::Decide, DECISION),
    ("GET", "/v1/decisions/dec_x", Who::Read, ""),
    ("GET", "/v1/approvals", Who::Read, ""),
    ("GET", "/v1/approvals/apr_x", Who::Read, ""),
    ("POST", "/v1/approvals/apr_x/approve", Who::Approve, "{\"justification\": \"ok\"}"),
    ("POST", "/v1/approvals/apr_x/deny", Who::Approve, "{\"justification\": \"no\"}"),
    ("GET", "/v1/revalidation/campaigns", Who::Read, ""),
    ("POST", "/v1/revalidation/campaigns", Who::Approve, ""),
    ("GET", "/v1/revalidation/campaigns/rvc_x", Who::Read, ""),
    ("POST", "/v1/revalidation/campaigns/rvc_x/items/rvi_x/attest", Who::Approve, "{\"justification\": \"ok\"}"),
    ("POST", "/v1/revalidation/campaigns/rvc_x/items/rvi_x/revoke", Who::Approve, "{\"justification\": \"no\"}"),
    ("GET", "/v1/incidents/inc_x/remediation", Who::Read, ""),
    ("POST", "/v1/incidents/inc_x/remediation/approval", Who::Triage, "{\"reason\": \"contain\"}"),
    ("POST", "/v1/incidents/inc_x/remediation/steps/1", Who::Triage, "{}"),
];

const DECISION: &str = r#"{"provider": "okta", "tenant": "acme", "identity": "00u1", "factor": {"kind": "sms"}}"#;

enum Credential<'a> {
    None,
    Token(&'a str),
}

async fn call(server: &TestServer, method: &str, path: &str, body: &str, credential: Credential<'_>) -> (u16, Value) {
    let method = Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = server.client.request(method, server.url(path)).header("content-type", "application/json");
    if !body.is_empty() {
        request = request.body(body.to_string());
    }
    if let Credential::Token(token) = credential {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

async fn matrix(backend: Backend) {
    let server = TestServer::start(backend, "").await;
    let mut checked = 0;
    for &(method, path, who, body) in ENDPOINTS {
        let what = format!("{method} {path}");
        let anonymous = [
            ("no token", Credential::None),
            (
                "unknown token",
                Credential::Token("fwt_0000000000000000000000000000000000000000000000000000000000000000"),
            ),
            ("revoked token", Credential::Token(&server.revoked)),
        ];
        for (label, credential) in anonymous {
            let (status, answer) = call(&server, method, path, body, credential).await;
            if who == Who::Anyone {
                assert!(status != 401 && status != 403, "{what} with {label}: {status} {answer}");
            } else {
                assert_eq!(status, 401, "{what} with {label}: {answer}");
                assert_eq!(answer["error"]["code"], "unauthorized", "{what} with {label}: {answer}");
                assert!(!answer["error"]["message"].as_str().unwrap().is_empty());
            }
            checked += 1;
        }
        for role in Role::ALL {
            let (status, answer) = call(&server, method, path, body, Credential::Token(server.token(role))).await;
            if who.admits(role) {
                assert!(status != 401 && status != 403, "{what} as {role:?}: {status} {answer}");
            } else {
                assert_eq!(status, 403, "{what} as {role:?}: {answer}");
                let message = answer["error"]["message"].as_str().unwrap();
                assert!(message.contains(role.as_str()), "{what} as {role:?}: the refusal names the role: {message}");
            }
            checked += 1;
        }
    }
    assert_eq!(checked, ENDPOINTS.len() * (3 + Role::ALL.len()));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_endpoint_admits_exactly_its_roles_on_sqlite() {
    matrix(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_endpoint_admits_exactly_its_roles_on_postgresql() {
    matrix(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_of_the_router_is_in_the_matrix_and_the_openapi_document() {
    let server = TestServer::start(Backend::Sqlite, "").await;
    let openapi: Value = server.client.get(server.url("/v1/openapi.json")).send().await.unwrap().json().await.unwrap();
    let paths = openapi["paths"].as_object().unwrap();
    for &(method, path, _, _) in ENDPOINTS {
        let templated = template(path);
        let operation = paths.get(&templated).and_then(|p| p.get(method.to_lowercase()));
        assert!(operation.is_some(), "{method} {templated} is not in /v1/openapi.json");
    }
    let documented: usize =
        paths.values().map(|p| p.as_object().unwrap().keys().filter(|k| is_method(k)).count()).sum();
    assert_eq!(documented, ENDPOINTS.len() + 1, "the document and the matrix list different operations");
    server.stop().await;
}

fn is_method(key: &str) -> bool {
    matches!(key, "get" | "post" | "put" | "patch" | "delete")
}

/// The documented path of a concrete one: `/v1/incidents/inc_x` → `/v1/incidents/{id}`.
fn template(path: &str) -> String {
    let parts: Vec<&str> = path.split('/').collect();
    let named: Vec<String> = parts
        .iter()
        .enumerate()
        .map(|(i, part)| match (parts.get(i.wrapping_sub(1)).copied().unwrap_or(""), *part) {
            ("ingest", _) => "{provider}".into(),
            ("decisions", "enrollment") => "enrollment".into(),
            ("incidents" | "findings" | "tokens" | "decisions" | "approvals" | "campaigns", p) if !p.is_empty() => {
                "{id}".into()
            }
            ("items", _) => "{item}".into(),
            ("steps", _) => "{step}".into(),
            ("sinks", p) if !p.is_empty() => "{name}".into(),
            ("webhooks", _) => "{name}".into(),
            _ => part.to_string(),
        })
        .collect();
    let joined = named.join("/");
    joined.replace("/v1/identities/okta/acme/00u1", "/v1/identities/{provider}/{tenant}/{id}")
}
