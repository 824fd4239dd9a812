//! Providers' raw records kept at ingest: `?evidence=raw` on an incident or a finding, and
//! the console's incident page showing each record beside its normalized event, on SQLite
//! and PostgreSQL; with `keep_raw_records = false` none is kept.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../../detect/tests/story/mod.rs"]
mod story;
mod support;

use reqwest::header::{LOCATION, SET_COOKIE};
use serde_json::Value;
use store::Role;
use story::*;
use support::{Backend, TestServer};

const SETTINGS: &str = "[tenants]\nokta = \"acme.okta.com\"\n[identities]\nallowed_delegates = [\"help@acme.com\"]\n";

/// The markup an attacker could put in a record, which the console must show as text.
const MARKUP: &str = "<b>bold</b> & co";

/// The FW-002 story, the rogue binding's record carrying [`MARKUP`].
fn story_lines() -> Vec<String> {
    okta_risky_binding_then_reset_then_use()
        .into_iter()
        .map(|line| {
            if line.contains("\"uuid\":\"bind-evil\"") {
                line.replace("\"displayMessage\":\"x\"", &format!("\"displayMessage\":\"{MARKUP}\""))
            } else {
                line
            }
        })
        .collect()
}

/// The FW-002 incident's id once the story is ingested (twice: the second post is all
/// duplicates).
async fn ingest_story(server: &TestServer) -> String {
    let body = ndjson(&story_lines());
    let (status, report) = server.ingest("okta", body.clone()).await;
    assert_eq!(status, 200, "{report}");
    let (status, again) = server.ingest("okta", body).await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["stored"], 0, "{again}");
    server.drain().await;
    support::incident_with(server, "alice@acme.com", "FW-002").await
}

fn evidence_of(detail: &Value) -> Vec<&Value> {
    detail["finding_details"].as_array().unwrap().iter().flat_map(|f| f["evidence"].as_array().unwrap()).collect()
}

async fn incident_page(server: &TestServer, id: &str) -> String {
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let login =
        http.post(server.url("/console/login")).form(&[("token", server.token(Role::Viewer))]).send().await.unwrap();
    assert_eq!(login.headers()[LOCATION], "/console");
    let cookie = login.headers()[SET_COOKIE].to_str().unwrap().split(';').next().unwrap().to_string();
    let r = http.get(server.url(&format!("/console/incidents/{id}"))).header("cookie", cookie).send().await.unwrap();
    assert_eq!(r.status(), 200);
    r.text().await.unwrap()
}

async fn kept(backend: Backend) {
    let server = TestServer::start(backend, SETTINGS).await;
    let id = ingest_story(&server).await;
    let openapi = server.get_json(Role::Viewer, "/v1/openapi.json").await;

    // Without the flag, evidence is as before: no `raw`.
    let plain = server.get_json(Role::Viewer, &format!("/v1/incidents/{id}")).await;
    assert!(evidence_of(&plain).iter().all(|e| e.get("raw").is_none()), "{plain:#}");

    // With it, a viewer gets each evidence event's own record, once for all its posts.
    let detail = server.get_json(Role::Viewer, &format!("/v1/incidents/{id}?evidence=raw")).await;
    support::assert_conforms(&openapi, "IncidentDetail", &detail);
    let evidence = evidence_of(&detail);
    assert!(!evidence.is_empty(), "{detail:#}");
    for e in &evidence {
        assert_eq!(e["raw"]["uuid"], e["event_id"], "the record the event was read from: {e:#}");
        assert!(e["raw"]["eventType"].is_string(), "the provider's own fields: {e:#}");
    }
    let binding = evidence.iter().find(|e| e["event_id"] == "bind-evil").expect("the binding is evidence");
    assert_eq!(binding["raw"]["displayMessage"], MARKUP);

    let finding_id = detail["finding_details"][0]["id"].as_str().unwrap();
    let finding = server.get_json(Role::Viewer, &format!("/v1/findings/{finding_id}?evidence=raw")).await;
    support::assert_conforms(&openapi, "Finding", &finding);
    assert!(finding["evidence"].as_array().unwrap().iter().all(|e| e["raw"]["uuid"] == e["event_id"]), "{finding:#}");
    let bad = server.get(Role::Viewer, &format!("/v1/findings/{finding_id}?evidence=everything")).await;
    assert_eq!(bad.status(), 400);
    let anonymous = reqwest::get(server.url(&format!("/v1/incidents/{id}?evidence=raw"))).await.unwrap();
    assert_eq!(anonymous.status(), 401);

    // The console shows the record beside the normalized event, pretty-printed and escaped.
    let page = incident_page(&server, &id).await;
    assert_eq!(page.matches("class=\"raw-record\"").count(), page.matches("class=\"evidence-pair\"").count());
    assert!(page.contains("Provider record</h3><pre"), "{page}");
    assert!(page.contains("&quot;eventType&quot;: &quot;user.mfa.factor.activate&quot;"), "pretty-printed: {page}");
    assert!(page.contains("&lt;b&gt;bold&lt;/b&gt; &amp; co"), "escaped: {page}");
    assert!(!page.contains(MARKUP), "never as markup: {page}");
    assert!(!page.contains("No provider record was kept"), "{page}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn raw_records_are_kept_once_and_shown_as_evidence_on_sqlite() {
    kept(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn raw_records_are_kept_once_and_shown_as_evidence_on_postgresql() {
    kept(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_keep_raw_records_off_no_record_is_kept_or_shown() {
    let server = TestServer::start(Backend::Sqlite, &format!("{SETTINGS}[server]\nkeep_raw_records = false\n")).await;
    let id = ingest_story(&server).await;
    let detail = server.get_json(Role::Viewer, &format!("/v1/incidents/{id}?evidence=raw")).await;
    let evidence = evidence_of(&detail);
    assert!(!evidence.is_empty(), "{detail:#}");
    assert!(evidence.iter().all(|e| e.get("raw") == Some(&Value::Null)), "{detail:#}");
    let page = incident_page(&server, &id).await;
    assert!(page.contains("No provider record was kept"), "{page}");
    assert!(!page.contains("Provider record</h3><pre"), "{page}");
}
