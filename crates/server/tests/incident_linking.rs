//! Incidents follow the attack in the service too: the enrollment after a risky sign-in and
//! the use of that factor three days after the password reset are one incident in the API
//! and one row in the console's queue, on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../../detect/tests/story/mod.rs"]
mod story;
mod support;

use reqwest::header::{LOCATION, SET_COOKIE};
use store::Role;
use story::*;
use support::{Backend, TestServer};

const SETTINGS: &str = "[tenants]\nokta = \"acme.okta.com\"\n[identities]\nallowed_delegates = [\"help@acme.com\"]\n";

async fn linked(backend: Backend) {
    let server = TestServer::start(backend, SETTINGS).await;
    let (status, report) = server.ingest("okta", ndjson(&okta_risky_binding_then_reset_then_use())).await;
    assert_eq!(status, 200, "{report}");
    server.drain().await;

    let queue = server.get_json(Role::Viewer, "/v1/incidents?identity=alice@acme.com&limit=50").await;
    let items = queue["items"].as_array().unwrap();
    let with = |detector: &str| {
        items.iter().filter(|i| i["detectors"].as_array().unwrap().iter().any(|d| d == detector)).collect::<Vec<_>>()
    };
    assert_eq!(with("FW-002").len(), 1, "{queue:#}");
    assert_eq!(with("FW-002")[0]["id"], with("FW-003")[0]["id"], "{queue:#}");
    let incident = with("FW-003")[0];
    assert_eq!(incident["severity"], "critical", "{incident:#}");

    let id = incident["id"].as_str().unwrap();
    let detail = server.get_json(Role::Viewer, &format!("/v1/incidents/{id}")).await;
    let findings = detail["finding_details"].as_array().unwrap();
    let detectors: Vec<(&str, &str)> =
        findings.iter().map(|f| (f["detector"].as_str().unwrap(), f["severity"].as_str().unwrap())).collect();
    assert!(detectors.contains(&("FW-002", "high")), "{detectors:?}");
    assert!(detectors.contains(&("FW-003", "critical")), "{detectors:?}");

    // The console's queue: one row for the attack.
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let login =
        http.post(server.url("/console/login")).form(&[("token", server.token(Role::Viewer))]).send().await.unwrap();
    assert_eq!(login.headers()[LOCATION], "/console");
    let cookie = login.headers()[SET_COOKIE].to_str().unwrap().split(';').next().unwrap().to_string();
    let page = http.get(server.url("/console")).header("cookie", cookie).send().await.unwrap().text().await.unwrap();
    assert_eq!(page.matches(&format!("/console/incidents/{id}")).count(), 1, "{page}");
    assert!(page.contains("FW-002, FW-003"), "{page}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_risky_enrollment_and_its_use_after_the_reset_are_one_incident_on_sqlite() {
    linked(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_risky_enrollment_and_its_use_after_the_reset_are_one_incident_on_postgresql() {
    linked(Backend::Postgres).await;
}
