//! An assignee on incidents: set and cleared through the API (analysts and up, never a
//! viewer) and the console's form, each change audited, shown in the queue, and the queue
//! filtered by it (`none` for incidents assigned to no one), on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../../detect/tests/story/mod.rs"]
mod story;
mod support;

use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use serde_json::{Value, json};
use store::Role;
use story::*;
use support::{Backend, TestServer, assert_conforms};

const SETTINGS: &str = "[tenants]\nokta = \"acme.okta.com\"\n[identities]\nallowed_delegates = [\"help@acme.com\"]\n";

/// A service holding at least one incident; returns it and the first incident's id.
async fn with_an_incident(backend: Backend) -> (TestServer, String) {
    let server = TestServer::start(backend, SETTINGS).await;
    let (status, report) = server.ingest("okta", ndjson(&okta_risky_binding_then_reset_then_use())).await;
    assert_eq!(status, 200, "{report}");
    server.drain().await;
    let queue = server.get_json(Role::Viewer, "/v1/incidents").await;
    let id = queue["items"][0]["id"].as_str().unwrap_or_else(|| panic!("no incident: {queue:#}")).to_string();
    (server, id)
}

fn ids(page: &Value) -> Vec<&str> {
    page["items"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap()).collect()
}

async fn assign_over_the_api(backend: Backend) {
    let (server, id) = with_an_incident(backend).await;
    let path = format!("/v1/incidents/{id}/assignee");
    let openapi = server.get_json(Role::Viewer, "/v1/openapi.json").await;

    let (status, refused) = server.post_json(Role::Viewer, &path, json!({"assignee": "carol"})).await;
    assert_eq!(status, 403, "a viewer may not assign: {refused}");
    assert_eq!(server.get_json(Role::Viewer, &format!("/v1/incidents/{id}")).await["assignee"], Value::Null);

    let (status, assigned) = server.post_json(Role::Analyst, &path, json!({"assignee": " carol "})).await;
    assert_eq!(status, 200, "{assigned}");
    assert_eq!(assigned["assignee"], "carol", "the name is trimmed");
    assert_conforms(&openapi, "IncidentRecord", &assigned);

    for bad in [json!({"assignee": "none"}), json!({"assignee": ""}), json!({"assignee": 5})] {
        let (status, reason) = server.post_json(Role::Analyst, &path, bad.clone()).await;
        assert_eq!(status, 400, "{bad} must be refused: {reason}");
    }
    let (status, reason) = server.post_json(Role::Analyst, &path, json!({})).await;
    assert_eq!(status, 422, "a forgotten field clears nothing: {reason}");
    let (status, _) =
        server.post_json(Role::Analyst, "/v1/incidents/inc_nope/assignee", json!({"assignee": "x"})).await;
    assert_eq!(status, 404);

    let carols = server.get_json(Role::Viewer, "/v1/incidents?assignee=carol").await;
    assert_eq!(ids(&carols), [id.as_str()], "{carols:#}");
    assert_conforms(&openapi, "IncidentPage", &carols);
    let unassigned = server.get_json(Role::Viewer, "/v1/incidents?assignee=none&limit=500").await;
    assert!(!ids(&unassigned).contains(&id.as_str()), "{unassigned:#}");

    let (status, cleared) = server.post_json(Role::Analyst, &path, json!({"assignee": null})).await;
    assert_eq!(status, 200, "{cleared}");
    assert_eq!(cleared["assignee"], Value::Null);
    assert!(ids(&server.get_json(Role::Viewer, "/v1/incidents?assignee=carol").await).is_empty());
    let unassigned = server.get_json(Role::Viewer, "/v1/incidents?assignee=none&limit=500").await;
    assert!(ids(&unassigned).contains(&id.as_str()), "{unassigned:#}");

    let audit = server.get_json(Role::Viewer, &format!("/v1/incidents/{id}/audit")).await;
    let changes: Vec<(&str, &Value)> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "incident.assignee")
        .map(|e| (e["actor"].as_str().unwrap(), &e["detail"]["assignee"]))
        .collect();
    assert_eq!(changes, [("test-analyst", &Value::Null), ("test-analyst", &json!("carol"))], "{audit:#}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn analysts_assign_and_clear_over_the_api_audited_and_the_list_filters_on_sqlite() {
    assign_over_the_api(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn analysts_assign_and_clear_over_the_api_audited_and_the_list_filters_on_postgresql() {
    assign_over_the_api(Backend::Postgres).await;
}

/// The CSRF token in a page's forms.
fn csrf(html: &str) -> String {
    let at = html.find(r#"name="_csrf" value=""#).expect("a form with a CSRF token") + r#"name="_csrf" value=""#.len();
    html[at..].split('"').next().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_console_assigns_from_the_incident_page_and_the_queue_shows_and_filters_it() {
    let (server, id) = with_an_incident(Backend::Sqlite).await;
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let login =
        http.post(server.url("/console/login")).form(&[("token", server.token(Role::Analyst))]).send().await.unwrap();
    assert_eq!(login.headers()[LOCATION], "/console");
    let cookie = login.headers()[SET_COOKIE].to_str().unwrap().split(';').next().unwrap().to_string();
    let page = |path: String| {
        let (http, cookie, url) = (http.clone(), cookie.clone(), server.url(&path));
        async move { http.get(url).header(COOKIE, cookie).send().await.unwrap().text().await.unwrap() }
    };
    let incident_page = format!("/console/incidents/{id}");
    let before = page(incident_page.clone()).await;
    assert!(before.contains(&format!(r#"action="/console/incidents/{id}/assignee""#)), "{before}");
    let token = csrf(&before);
    let post = |fields: Vec<(&'static str, String)>| {
        let (http, cookie) = (http.clone(), cookie.clone());
        let url = server.url(&format!("/console/incidents/{id}/assignee"));
        async move { http.post(url).header(COOKIE, cookie).form(&fields).send().await.unwrap() }
    };

    // Assign to me: the signed-in user's name.
    let r = post(vec![("_csrf", token.clone()), ("to", "me".into())]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let after = page(incident_page.clone()).await;
    assert!(after.contains(r#"<dd id="assignee">test-analyst</dd>"#), "{after}");
    let queue = page("/console".into()).await;
    assert!(queue.contains(r#"<td class="assignee">test-analyst</td>"#), "{queue}");
    let filtered = page("/console?assignee=test-analyst".into()).await;
    assert!(filtered.contains(&format!(r#"data-id="{id}""#)), "{filtered}");
    let unassigned = page("/console?assignee=none&limit=500".into()).await;
    assert!(!unassigned.contains(&format!(r#"data-id="{id}""#)), "{unassigned}");

    // To a name typed in; a name that cannot be one is a page saying why, and changes nothing.
    let r = post(vec![("_csrf", token.clone()), ("to", "name".into()), ("name", "dana".into())]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(page(incident_page.clone()).await.contains(r#"<dd id="assignee">dana</dd>"#));
    let r = post(vec![("_csrf", token.clone()), ("to", "name".into()), ("name", "  ".into())]).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("1 to 200 bytes"));
    assert!(page(incident_page.clone()).await.contains(r#"<dd id="assignee">dana</dd>"#));

    // A forged form changes nothing.
    let r = post(vec![("_csrf", "forged".into()), ("to", "clear".into())]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    let r = post(vec![("_csrf", token), ("to", "clear".into())]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let cleared = page(incident_page).await;
    assert!(cleared.contains("no one"), "{cleared}");
    assert!(cleared.contains("incident.assignee"), "the audit trail shows each change: {cleared}");
    let unassigned = page("/console?assignee=none&limit=500".into()).await;
    assert!(unassigned.contains(&format!(r#"data-id="{id}""#)), "{unassigned}");
}
