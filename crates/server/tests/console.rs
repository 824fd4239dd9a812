//! The console over HTTP without a browser (the browser tests are `scripts/e2e-console`):
//! signing in and out, the pages a refusal gives, CSRF, the security headers and the assets.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use reqwest::header::{CONTENT_SECURITY_POLICY, CONTENT_TYPE, COOKIE, LOCATION, SET_COOKIE};
use reqwest::{Client, StatusCode, redirect};
use store::Role;
use support::{Backend, TestServer};

/// A client that shows redirects instead of following them.
fn client() -> Client {
    Client::builder().redirect(redirect::Policy::none()).build().unwrap()
}

fn content_type(r: &reqwest::Response) -> String {
    r.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string()
}

/// Signs in with `token`; returns the `name=value` of the session cookie.
async fn sign_in(server: &TestServer, token: &str) -> String {
    let r = client().post(server.url("/console/login")).form(&[("token", token)]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()[LOCATION], "/console");
    let cookie = r.headers()[SET_COOKIE].to_str().unwrap().to_string();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "{cookie}");
    cookie.split(';').next().unwrap().to_string()
}

/// The CSRF token in a page's forms.
fn csrf(html: &str) -> String {
    let at = html.find(r#"name="_csrf" value=""#).expect("a form with a CSRF token") + r#"name="_csrf" value=""#.len();
    html[at..].split('"').next().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_in_refusals_and_csrf_are_pages_for_people() {
    let server = TestServer::start(Backend::Sqlite, "").await;
    let http = client();

    let r = http.get(server.url("/console")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "anonymous visits go to the sign-in page");
    assert_eq!(r.headers()[LOCATION], "/console/login");

    // A refused sign-in is the sign-in page again with the reason, not the API's JSON error.
    let r = http.post(server.url("/console/login")).form(&[("token", "fwt_not_a_token")]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(content_type(&r).starts_with("text/html"), "{}", content_type(&r));
    let page = r.text().await.unwrap();
    assert!(page.contains("Not signed in") && page.contains(r#"id="token""#), "{page}");

    // Ingest tokens do not sign in.
    let r =
        http.post(server.url("/console/login")).form(&[("token", server.token(Role::Ingest))]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);

    let session = sign_in(&server, server.token(Role::Analyst)).await;
    let r = http.get(server.url("/console")).header(COOKIE, &session).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let policy = r.headers()[CONTENT_SECURITY_POLICY].to_str().unwrap().to_string();
    assert!(policy.contains("script-src 'self'") && policy.contains("frame-ancestors 'none'"), "{policy}");
    let page = r.text().await.unwrap();
    assert!(page.contains("Incident queue"), "{page}");
    let token = csrf(&page);

    // A form without this session's CSRF token: a page saying so, and nothing changed.
    let r = http
        .post(server.url("/console/incidents/inc_x/status"))
        .header(COOKIE, &session)
        .form(&[("status", "resolved"), ("_csrf", "forged")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(content_type(&r).starts_with("text/html"));
    assert!(r.text().await.unwrap().contains("security token"));

    // With it, an unknown incident is a page too.
    let r = http
        .post(server.url("/console/incidents/inc_x/status"))
        .header(COOKIE, &session)
        .form(&[("status", "resolved"), ("_csrf", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(content_type(&r).starts_with("text/html"));

    // Signing out ends the session on the server, not only in the browser.
    let r = http
        .post(server.url("/console/logout"))
        .header(COOKIE, &session)
        .form(&[("_csrf", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(r.headers()[SET_COOKIE].to_str().unwrap().contains("Max-Age=0"));
    let r = http.get(server.url("/console")).header(COOKIE, &session).send().await.unwrap();
    assert_eq!(r.headers()[LOCATION], "/console/login");

    // The API's own refusals stay JSON.
    let r = http.get(server.url("/v1/incidents")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(content_type(&r).starts_with("application/json"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn assets_are_in_the_binary() {
    let server = TestServer::start(Backend::Sqlite, "").await;
    for (file, kind) in
        [("console.css", "text/css"), ("console.js", "text/javascript"), ("favicon.svg", "image/svg+xml")]
    {
        let r = client().get(server.url(&format!("/console/assets/{file}"))).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{file}");
        assert!(content_type(&r).starts_with(kind), "{file}: {}", content_type(&r));
    }
    let r = client().get(server.url("/console/assets/nope.js")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}
