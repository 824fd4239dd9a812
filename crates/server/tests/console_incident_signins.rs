//! The console's incident page shows the sign-ins around the incident (before it began and
//! from then on), not the identity's latest, on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../../detect/tests/story/mod.rs"]
mod story;
mod support;

use reqwest::header::{LOCATION, SET_COOKIE};
use store::Role;
use story::*;
use support::{Backend, TestServer};

const SETTINGS: &str = "[tenants]\nokta = \"acme.okta.com\"\n[identities]\nallowed_delegates = [\"help@acme.com\"]\n";

async fn around(backend: Backend) {
    let server = TestServer::start(backend, SETTINGS).await;
    // The attack of May 7-12, then two weeks of ordinary sign-ins (May 15-28).
    let mut lines = okta_risky_binding_then_reset_then_use();
    lines.extend((15..=28).map(|d| okta(&t(d, 9, 0), "user.session.start", &format!("late{d}")).line()));
    let (status, report) = server.ingest("okta", ndjson(&lines)).await;
    assert_eq!(status, 200, "{report}");
    server.drain().await;

    let id = &support::incident_with(&server, "alice@acme.com", "FW-002").await;

    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let login =
        http.post(server.url("/console/login")).form(&[("token", server.token(Role::Viewer))]).send().await.unwrap();
    assert_eq!(login.headers()[LOCATION], "/console");
    let cookie = login.headers()[SET_COOKIE].to_str().unwrap().split(';').next().unwrap().to_string();
    let page = http
        .get(server.url(&format!("/console/incidents/{id}")))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let start = page.find("id=\"h-signins\"").expect("the sign-ins section");
    let end = page[start..].find("id=\"h-blast\"").map_or(page.len(), |n| start + n);
    let signins = &page[start..end];
    // The risky sign-in just before the binding, and the days before it.
    for before in ["2026-05-07 10:00 UTC", "2026-05-06 09:00 UTC", "2026-05-03 09:00 UTC"] {
        assert!(signins.contains(before), "{before} in: {signins}");
    }
    assert!(signins.contains("2026-05-15 09:00 UTC"), "what followed: {signins}");
    assert!(!signins.contains("2026-05-28 09:00 UTC"), "not the latest: {signins}");
    let shown = signins.matches("<tr>").count() - 1;
    assert_eq!(shown, 10, "five on each side: {signins}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_incident_page_shows_the_sign_ins_around_it_on_sqlite() {
    around(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_incident_page_shows_the_sign_ins_around_it_on_postgresql() {
    around(Backend::Postgres).await;
}
