//! A login two accounts carry (alice at Okta and at Google Workspace): the API and the console
//! say so and list both, and pick the one meant when the provider is named; never the first.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use serde_json::Value;
use store::Role;
use support::{Backend, TestServer};

const LOGIN: &str = "alice@acme.com";

fn okta_sign_in() -> String {
    format!(
        r#"{{"uuid":"n1","published":"2026-05-01T09:00:00.000Z","eventType":"user.session.start","actor":{{"id":"00ualice","type":"User","alternateId":"{LOGIN}"}},"outcome":{{"result":"SUCCESS"}},"client":{{"ipAddress":"198.51.100.1"}}}}"#
    )
}

fn google_sign_in() -> String {
    format!(
        r#"{{"kind":"admin#reports#activity","id":{{"time":"2026-05-01T09:05:00.000Z","uniqueQualifier":"-1","applicationName":"login","customerId":"C0acme"}},"actor":{{"callerType":"USER","email":"{LOGIN}","profileId":"1090alice"}},"ipAddress":"198.51.100.1","events":[{{"type":"login","name":"login_success","parameters":[{{"name":"login_type","value":"google_password"}}]}}]}}"#
    )
}

async fn two_alices() -> TestServer {
    let server = TestServer::start(Backend::Sqlite, "").await;
    for (provider, body) in [("okta", okta_sign_in()), ("google", google_sign_in())] {
        let (status, report) = server.ingest(provider, body).await;
        assert_eq!(status, 200, "{provider}: {report}");
        assert_eq!(report["stored"], 1, "{provider}: {report}");
    }
    server.drain().await;
    server
}

async fn get(server: &TestServer, path: &str) -> (u16, Value) {
    let response = server.get(Role::Viewer, path).await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_lists_every_account_a_login_names_and_the_provider_picks_one() {
    let server = two_alices().await;

    let (status, answer) = get(&server, &format!("/v1/identities/lookup?login={LOGIN}")).await;
    assert_eq!(status, 409, "{answer}");
    assert_eq!(answer["error"]["code"], "ambiguous");
    let message = answer["error"]["message"].as_str().unwrap();
    assert!(message.contains("00ualice") && message.contains("1090alice") && message.contains("provider"), "{message}");
    let listed: Vec<(&str, &str)> = answer["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["provider"].as_str().unwrap(), c["id"].as_str().unwrap()))
        .collect();
    assert_eq!(listed, [("google", "1090alice"), ("okta", "00ualice")]);
    assert!(answer["candidates"].as_array().unwrap().iter().all(|c| c["login"] == LOGIN && c["tenant"].is_string()));

    let (status, okta) = get(&server, &format!("/v1/identities/lookup?login={LOGIN}&provider=okta")).await;
    assert_eq!(status, 200, "{okta}");
    assert_eq!(okta["key"]["id"], "00ualice");
    let (status, google) = get(&server, &format!("/v1/identities/lookup?login=google:{LOGIN}")).await;
    assert_eq!(status, 200, "{google}");
    assert_eq!(google["key"]["id"], "1090alice");

    // Within one provider and tenant the login is one account: the path takes it.
    let tenant = okta["key"]["tenant"].as_str().unwrap();
    let (status, by_login) = get(&server, &format!("/v1/identities/okta/{tenant}/{LOGIN}")).await;
    assert_eq!(status, 200, "{by_login}");
    assert_eq!(by_login["key"]["id"], "00ualice");

    let (status, none) = get(&server, "/v1/identities/lookup?login=nobody@acme.com").await;
    assert_eq!(status, 404, "{none}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_console_offers_the_accounts_a_login_names_instead_of_opening_one() {
    let server = two_alices().await;
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let signed_in =
        http.post(server.url("/console/login")).form(&[("token", server.token(Role::Viewer))]).send().await.unwrap();
    let cookie = signed_in.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string();
    let page = |path: String| http.get(server.url(&path)).header("cookie", cookie.clone()).send();

    let choice = page(format!("/console/identities?login={LOGIN}")).await.unwrap();
    assert_eq!(choice.status(), 409);
    let html = choice.text().await.unwrap();
    assert!(html.contains("is the login of 2 accounts"), "{html}");
    for link in ["/console/identities/okta/", "/console/identities/google/"] {
        assert!(html.contains(link), "{link} missing: {html}");
    }
    assert!(html.contains("00ualice") && html.contains("1090alice"), "{html}");

    let picked = page(format!("/console/identities?login={LOGIN}&provider=google")).await.unwrap();
    assert_eq!(picked.status(), 303, "one account: its page");
    let location = picked.headers()["location"].to_str().unwrap().to_string();
    assert!(location.starts_with("/console/identities/google/") && location.ends_with("/1090alice"), "{location}");
    let identity = page(location).await.unwrap();
    assert_eq!(identity.status(), 200);
    server.stop().await;
}

/// Okta's alice, deleted and created again under the same login: one provider, one tenant,
/// two accounts.
async fn alice_twice_in_okta() -> (TestServer, String) {
    let server = TestServer::start(Backend::Sqlite, "").await;
    let again = okta_sign_in().replace("\"n1\"", "\"n2\"").replace("00ualice", "00ualice2").replace("09:00", "10:00");
    for body in [okta_sign_in(), again] {
        let (status, report) = server.ingest("okta", body).await;
        assert_eq!((status, &report["stored"]), (200, &Value::from(1)), "{report}");
    }
    server.drain().await;
    let (status, answer) = get(&server, "/v1/identities/lookup?login=00ualice2").await;
    assert_eq!(status, 200, "{answer}");
    let tenant = answer["key"]["tenant"].as_str().unwrap().to_string();
    (server, tenant)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_decision_point_refuses_a_login_of_two_accounts_and_names_both() {
    let (server, tenant) = alice_twice_in_okta().await;
    let request = |identity: &str| {
        serde_json::json!({
            "provider": "okta",
            "tenant": tenant,
            "identity": identity,
            "factor": {"kind": "sms", "class": "possession_weak"},
        })
    };

    let (status, answer) = server.post_json(Role::Ingest, "/v1/decisions/enrollment", request(LOGIN)).await;
    assert_eq!(status, 409, "{answer}");
    assert_eq!(answer["error"]["code"], "ambiguous");
    let message = answer["error"]["message"].as_str().unwrap();
    assert!(message.contains("00ualice ") && message.contains("00ualice2"), "{message}");

    // Named by id, each account is decided on its own.
    let (status, answer) = server.post_json(Role::Ingest, "/v1/decisions/enrollment", request("00ualice2")).await;
    assert_eq!(status, 201, "{answer}");
    assert_eq!(answer["identity"], "00ualice2", "{answer}");
    assert_eq!(answer["identity_name"], LOGIN, "{answer}");

    let (status, listed) = get(&server, &format!("/v1/identities/lookup?login={LOGIN}&provider=okta")).await;
    assert_eq!(status, 409, "{listed}");
    assert_eq!(listed["candidates"].as_array().unwrap().len(), 2, "{listed}");
    server.stop().await;
}
