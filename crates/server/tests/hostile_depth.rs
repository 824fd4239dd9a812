//! A body nested thousands of levels deep, whole or inside one field of a valid record, is
//! refused record by record with the reason, on every ingest route, and the service keeps
//! serving: it used to overflow the stack and abort the process.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use reqwest::Method;
use serde_json::Value;
use store::Role;
use support::{Backend, TestServer};

fn deep(n: usize) -> String {
    format!("{}{}", "[".repeat(n), "]".repeat(n))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deeply_nested_bodies_are_refused_with_the_reason_and_the_service_stays_up() {
    let server = TestServer::start(Backend::Sqlite, "").await;
    let okta = r#"{"uuid":"u1","published":"2026-05-01T09:00:00.000Z","eventType":"user.session.start","actor":{"id":"00u1","type":"User","alternateId":"a@acme.com"},"outcome":{"result":"SUCCESS"},"client":{"ipAddress":"198.51.100.1"}}"#;
    let in_a_field = okta.replace(r#""outcome":"#, &format!(r#""junk":{},"outcome":"#, deep(9_000)));
    let bodies = [
        ("/v1/ingest/okta", deep(9_000)),
        ("/v1/ingest/okta", format!("{in_a_field}\n{okta}")),
        ("/v1/hooks/entra", format!(r#"{{"records":[{}]}}"#, deep(9_000))),
        ("/v1/hooks/okta", format!(r#"{{"data":{{"events":[{in_a_field}]}}}}"#)),
    ];
    for (path, body) in bodies {
        let response = server.as_role(Role::Ingest, Method::POST, path).body(body).send().await.unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        assert!(status == 200 || status == 400, "{path}: {status} {text}");
        assert!(text.contains("nested more than 128 levels") || text.contains("too_deep"), "{path}: {text}");
    }
    // Still serving, and the valid record posted beside the deep one was stored.
    let health = server.client.get(server.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    let (status, report) = server.ingest("okta", okta.replace("\"u1\"", "\"u2\"")).await;
    assert_eq!(status, 200, "{report}");
    let stored: Value = report["stored"].clone();
    assert_eq!(stored, 1, "{report}");
}
