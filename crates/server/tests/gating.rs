//! The enrollment decision point through the HTTP API: each default rule decided on what
//! detection learnt from posted Okta events, and the four-eyes approval workflow with its
//! expiry, on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};
use store::Role;
use support::{BACKENDS, Backend, TestServer, extra_token};

const SETTINGS: &str = r#"
[tenants]
okta = "acme.okta.com"

[identities]
privileged = ["root@acme.com"]
tier1 = ["ci-owner@acme.com"]

[policy.managers]
"root@acme.com" = "boss@acme.com"
"#;

/// A person at Okta: (immutable id, login).
type Person = (&'static str, &'static str);
const ALICE: Person = ("00ualice", "alice@acme.com");
const ROOT: Person = ("00uroot", "root@acme.com");
const HELPDESK: Person = ("00uhelpdesk", "helpdesk@acme.com");

fn user(who: Person) -> Value {
    json!({"id": who.0, "type": "User", "alternateId": who.1, "displayName": who.1})
}

/// Where a sign-in or change comes from: (city, country, lat, lon, ip).
type Place = (&'static str, &'static str, f64, f64, &'static str);
const BERLIN: Place = ("Berlin", "DE", 52.52, 13.40, "198.51.100.7");
const SYDNEY: Place = ("Sydney", "AU", -33.87, 151.21, "203.0.113.9");

/// One Okta System Log event (docs/events.md §1) as the ingest endpoint reads it.
fn okta(
    n: u32,
    time: DateTime<Utc>,
    event_type: &str,
    actor: Person,
    subject: Person,
    place: Place,
    factor: Option<&str>,
) -> Value {
    let (city, country, lat, lon, ip) = place;
    let mut debug = json!({"requestId": format!("req{n}"), "dtHash": "dev-1"});
    let mut target = vec![];
    if event_type != "user.session.start" {
        target.push(user(subject));
    }
    if let Some(kind) = factor {
        debug["factor"] = json!(kind);
        target.push(json!({"id": format!("fct{n}"), "type": "AuthenticatorEnrollment", "alternateId": "unknown", "displayName": kind}));
    }
    json!({
        "uuid": format!("00000000-0000-4000-8000-{n:012}"),
        "published": time.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "eventType": event_type,
        "version": "0",
        "severity": "INFO",
        "displayMessage": event_type,
        "actor": user(actor),
        "client": {
            "userAgent": {"rawUserAgent": "Mozilla/5.0", "os": "Mac OS X", "browser": "CHROME"},
            "ipAddress": ip,
            "geographicalContext": {"city": city, "country": country, "geolocation": {"lat": lat, "lon": lon}},
        },
        "outcome": {"result": "SUCCESS"},
        "securityContext": {"asNumber": 64500, "asOrg": "Example", "isProxy": false},
        "debugContext": {"debugData": debug},
        "target": target,
    })
}

/// A history for `who`: six ordinary sign-ins from Berlin over the last days (an
/// established baseline) and, when given, factors bound long ago.
fn history(who: Person, first: u32, factors: &[&str]) -> Vec<Value> {
    let now = Utc::now();
    let mut events = Vec::new();
    for (i, kind) in factors.iter().enumerate() {
        let n = first + u32::try_from(i).unwrap();
        events.push(okta(n, now - Duration::days(20), "user.mfa.factor.activate", who, who, BERLIN, Some(kind)));
    }
    for day in 0..6u32 {
        let when = now - Duration::days(i64::from(6 - day)) - Duration::hours(3);
        events.push(okta(first + 10 + day, when, "user.session.start", who, who, BERLIN, None));
    }
    events
}

/// Impossible travel: Berlin, then Sydney 30 minutes later (both recent).
fn travel(who: Person, first: u32) -> Vec<Value> {
    let now = Utc::now();
    vec![
        okta(first, now - Duration::minutes(50), "user.session.start", who, who, BERLIN, None),
        okta(first + 1, now - Duration::minutes(20), "user.session.start", who, who, SYDNEY, None),
    ]
}

async fn serve(backend: Backend, extra: &str, events: &[Value]) -> TestServer {
    let server = TestServer::start(backend, &format!("{SETTINGS}\n{extra}")).await;
    if events.is_empty() {
        return server;
    }
    let body = events.iter().map(Value::to_string).collect::<Vec<_>>().join("\n");
    let (status, report) = server.ingest("okta", body).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["error_count"], 0, "{report}");
    server.drain().await;
    server
}

/// The request for binding `kind` (class `class`) to `who`, from Berlin on the known device.
fn request(who: Person, actor: Option<Person>, kind: &str, class: &str, session_aal: u8) -> Value {
    let mut r = json!({
        "provider": "okta",
        "tenant": "acme.okta.com",
        "identity": who.1,
        "factor": {"kind": kind, "class": class},
        "context": {"ip": BERLIN.4, "device_id": "dev-1", "geo": {"country": "DE", "city": "Berlin"}, "session_aal": session_aal},
    });
    if let Some(a) = actor {
        r["actor"] = json!(a.1);
    }
    r
}

async fn decide(server: &TestServer, body: Value) -> Value {
    let (status, answer) = server.post_json(Role::Ingest, "/v1/decisions/enrollment", body).await;
    assert_eq!(status, 201, "{answer}");
    answer
}

fn rules(answer: &Value) -> Vec<&str> {
    let mut r: Vec<&str> = answer["reasons"].as_array().unwrap().iter().map(|r| r["rule"].as_str().unwrap()).collect();
    r.sort_unstable();
    r
}

fn approvers(answer: &Value) -> Vec<&str> {
    answer["approvers"].as_array().unwrap().iter().map(|a| a.as_str().unwrap()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ordinary_tier_2_enrollment_is_allowed_and_the_subject_told_on_another_channel() {
    let server = serve(Backend::Sqlite, "", &history(ALICE, 1, &["token:software:totp"])).await;
    let answer = decide(&server, request(ALICE, None, "OKTA_VERIFY_PUSH", "app", 2)).await;
    assert_eq!(answer["outcome"], "allow", "{answer}");
    assert_eq!(rules(&answer), ["tier2-ordinary-allow"]);
    assert_eq!(answer["identity"], "00ualice", "filed under the immutable id the events carry");
    let ctx = &answer["context"];
    assert_eq!(ctx["tier"], 2);
    assert_eq!(ctx["familiar"], json!({"device": true, "ip": true, "country": true, "established": true}));
    assert_eq!(ctx["factors"][0]["kind"], "token:software:totp");
    let subject = answer["notify"].as_array().unwrap().iter().find(|n| n["to"] == "subject").unwrap();
    assert_eq!(subject["not_via"], "OKTA_VERIFY_PUSH", "SP 800-63B-4: not through the factor being bound");
    assert!(answer.get("approval").is_none());
    let id = answer["id"].as_str().unwrap();
    let stored = server.get_json(Role::Viewer, &format!("/v1/decisions/{id}")).await;
    assert_eq!(stored["outcome"], "allow");
    let audit = server.get_json(Role::Admin, &format!("/v1/audit?target={id}")).await;
    assert_eq!(audit["items"][0]["action"], "decision");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_below_the_level_of_the_binding_must_step_up() {
    let server = serve(Backend::Sqlite, "", &history(ALICE, 1, &["token:software:totp"])).await;
    let answer = decide(&server, request(ALICE, None, "OKTA_VERIFY_PUSH", "app", 1)).await;
    assert_eq!(answer["outcome"], "step_up", "{answer}");
    assert_eq!(rules(&answer), ["dp3-binding-aal"]);
    assert_eq!(answer["required_aal"], 2, "the lower of the account's AAL2 and the new factor's AAL2");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recovery_method_is_always_notified() {
    let server = serve(Backend::Sqlite, "", &history(ALICE, 1, &["token:software:totp"])).await;
    let answer = decide(&server, request(ALICE, None, "recovery_email", "knowledge", 2)).await;
    assert!(answer["policies"].as_array().unwrap().contains(&json!("dp8-notify-recovery")), "{answer}");
    let subject = answer["notify"].as_array().unwrap().iter().find(|n| n["to"] == "subject").unwrap();
    assert_eq!(subject["not_via"], "recovery_email");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tier_0_enrollment_waits_for_the_manager_or_the_soc() {
    let server = serve(Backend::Sqlite, "", &history(ROOT, 1, &["token:software:totp"])).await;
    let answer = decide(&server, request(ROOT, None, "OKTA_VERIFY_PUSH", "app", 2)).await;
    assert_eq!(answer["outcome"], "require_approval", "{answer}");
    assert_eq!(rules(&answer), ["privileged-approval"]);
    assert_eq!(approvers(&answer), ["manager:boss@acme.com", "soc"]);
    assert_eq!(answer["context"]["tier"], 0);
    assert_eq!(answer["approval"]["state"], "pending");
    assert_eq!(answer["approval_ttl_seconds"], 900, "15 minutes by default");
    let pending = server.get_json(Role::Viewer, "/v1/approvals?state=pending").await;
    assert_eq!(pending["items"][0]["id"], answer["approval"]["id"]);
    assert_eq!(pending["items"][0]["identity_name"], ROOT.1, "the reviewer reads the login: {pending}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_console_shows_an_approval_by_the_login_of_its_identity() {
    let server = serve(Backend::Sqlite, "", &history(ROOT, 1, &["token:software:totp"])).await;
    let answer = decide(&server, request(ROOT, Some(HELPDESK), "OKTA_VERIFY_PUSH", "app", 2)).await;
    assert_eq!(answer["outcome"], "require_approval", "{answer}");
    let one =
        server.get_json(Role::Viewer, &format!("/v1/approvals/{}", answer["approval"]["id"].as_str().unwrap())).await;
    assert_eq!(one["identity_name"], ROOT.1, "{one}");
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let signed_in =
        http.post(server.url("/console/login")).form(&[("token", server.token(Role::Approver))]).send().await.unwrap();
    let cookie = signed_in.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string();
    let page = http.get(server.url("/console/approvals")).header("cookie", cookie).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    let heading = html.split("<h3").nth(1).unwrap_or_default();
    assert!(heading.contains(ROOT.1), "the card is titled by the login: {heading}");
    assert!(html.contains(ROOT.0), "the id stays beside it: {html}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_help_desk_change_on_a_privileged_identity_needs_the_soc_not_the_manager() {
    let mut events = history(ROOT, 1, &["token:software:totp"]);
    events.extend(history(HELPDESK, 40, &[]));
    let server = serve(Backend::Sqlite, "", &events).await;
    let answer = decide(&server, request(ROOT, Some(HELPDESK), "OKTA_VERIFY_PUSH", "app", 2)).await;
    assert_eq!(answer["outcome"], "require_approval", "{answer}");
    assert!(rules(&answer).contains(&"delegated-privileged-soc"), "{answer}");
    assert_eq!(approvers(&answer), ["soc"]);
    assert_eq!(answer["context"]["delegated"], true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_risky_context_denies_a_privileged_change_and_asks_approval_for_tier_2() {
    let mut events = history(ROOT, 1, &["token:software:totp"]);
    events.extend(travel(ROOT, 30));
    events.extend(history(ALICE, 50, &["token:software:totp"]));
    events.extend(travel(ALICE, 80));
    let server = serve(Backend::Sqlite, "", &events).await;

    let root = decide(&server, request(ROOT, None, "OKTA_VERIFY_PUSH", "app", 2)).await;
    assert_eq!(root["outcome"], "deny", "{root}");
    assert!(rules(&root).contains(&"risky-privileged-deny"), "{root}");
    assert!(root["context"]["risk"].as_array().unwrap().contains(&json!("impossible_travel")), "{root}");
    assert!(root.get("approval").is_none(), "a denial opens no approval");

    let alice = decide(&server, request(ALICE, None, "OKTA_VERIFY_PUSH", "app", 2)).await;
    assert_eq!(alice["outcome"], "require_approval", "{alice}");
    assert!(rules(&alice).contains(&"risky-approval"), "{alice}");
    assert!(!rules(&alice).contains(&"tier2-ordinary-allow"), "{alice}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_weaker_factor_than_the_identity_holds_steps_up_and_needs_approval() {
    let server = serve(Backend::Sqlite, "", &history(ALICE, 1, &["webauthn"])).await;
    // From an AAL1 session: below the account's highest level (AAL2, its passkey).
    let answer = decide(&server, request(ALICE, None, "sms", "possession_weak", 1)).await;
    assert_eq!(answer["context"]["factors"][0]["class"], "phishing_resistant", "{answer}");
    assert_eq!(answer["required_aal"], 2, "{answer}");
    assert_eq!(answer["outcome"], "require_approval", "{answer}");
    let r = rules(&answer);
    assert!(r.contains(&"weaker-class-step-up") && r.contains(&"weaker-class-approval"), "{answer}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_request_is_refused_with_the_reason() {
    let server = serve(Backend::Sqlite, "", &[]).await;
    let mut bad = request(ALICE, None, "sms", "possession_weak", 2);
    bad["context"]["session_aal"] = json!(7);
    let (status, answer) = server.post_json(Role::Ingest, "/v1/decisions/enrollment", bad).await;
    assert_eq!(status, 400, "{answer}");
    assert!(answer["error"]["message"].as_str().unwrap().contains("session_aal"), "{answer}");
    let (status, answer) =
        server.post_json(Role::Ingest, "/v1/decisions/enrollment", json!({"provider": "okta", "colour": 1})).await;
    assert!(status == 400 || status == 422, "{status} {answer}");
    let (status, _) =
        server.post_json(Role::Viewer, "/v1/decisions/enrollment", request(ALICE, None, "sms", "app", 2)).await;
    assert_eq!(status, 403, "a viewer may not ask for decisions");
}

/// A token with its own name, for four-eyes tests.
fn token(server: &TestServer, name: &str, role: Role) -> String {
    tokio::task::block_in_place(|| extra_token(&server.config, name, role))
}

async fn review(server: &TestServer, token: &str, id: &str, verb: &str, justification: &str) -> (u16, Value) {
    let response = server
        .client
        .post(server.url(&format!("/v1/approvals/{id}/{verb}")))
        .bearer_auth(token)
        .json(&json!({ "justification": justification }))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn four_eyes(backend: Backend) {
    let server = serve(backend, "", &history(ROOT, 1, &["token:software:totp"])).await;
    let root_self = token(&server, "root@acme.com", Role::Approver);
    let requester = token(&server, "carol@acme.com", Role::Approver);
    let soc = token(&server, "soc-bob", Role::Approver);
    let analyst = server.token(Role::Analyst).to_string();

    let answer = decide(&server, request(ROOT, Some(("", "carol@acme.com")), "OKTA_VERIFY_PUSH", "app", 2)).await;
    let id = answer["approval"]["id"].as_str().unwrap().to_string();
    assert_eq!(answer["approval"]["requester"], "carol@acme.com");

    let (status, body) = review(&server, &requester, &id, "approve", "looks fine").await;
    assert_eq!((status, body["error"]["code"].as_str()), (403, Some("four_eyes")), "the requester: {body}");
    let (status, body) = review(&server, &root_self, &id, "approve", "it is me").await;
    assert_eq!((status, body["error"]["code"].as_str()), (403, Some("four_eyes")), "the target: {body}");
    let (status, _) = review(&server, &analyst, &id, "approve", "ok").await;
    assert_eq!(status, 403, "an analyst token may not approve");
    let (status, body) = review(&server, &soc, &id, "approve", "  ").await;
    assert_eq!(status, 400, "a justification is required: {body}");

    let (status, body) = review(&server, &soc, &id, "approve", "verified by phone with the manager").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["state"], "approved");
    assert_eq!(body["reviewer"]["id"], "soc-bob");
    let (status, body) = review(&server, &soc, &id, "deny", "changed my mind").await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("not_pending")), "decided once: {body}");

    let pending = server.get_json(Role::Viewer, "/v1/approvals?state=pending").await;
    assert!(pending["items"].as_array().unwrap().is_empty());
    let audit = server.get_json(Role::Admin, &format!("/v1/audit?target={id}")).await;
    let mut actions: Vec<&str> =
        audit["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    actions.reverse();
    assert_eq!(
        actions,
        [
            "approval.requested",
            "approval.refused",
            "approval.refused",
            "approval.refused",
            "approval.approved",
            "approval.refused"
        ],
        "every step, refusals included, is audited"
    );

    let second =
        decide(&server, request(ROOT, Some(("", "carol@acme.com")), "webauthn", "phishing_resistant", 2)).await;
    let id2 = second["approval"]["id"].as_str().unwrap();
    let (status, body) = review(&server, &soc, id2, "deny", "no ticket for this").await;
    assert_eq!((status, body["state"].as_str()), (200, Some("denied")), "{body}");
    let one = server.get_json(Role::Viewer, &format!("/v1/approvals/{id2}")).await;
    assert_eq!(one["state_now"], "denied");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn approvals_need_four_eyes_and_a_justification_on_sqlite() {
    four_eyes(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn approvals_need_four_eyes_and_a_justification_on_postgresql() {
    four_eyes(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_approval_not_given_in_time_expires_and_cannot_be_given_later() {
    for backend in BACKENDS {
        let server = serve(backend, "[policy]\napproval_ttl = \"1s\"\n", &history(ROOT, 1, &[])).await;
        let soc = token(&server, "soc-bob", Role::Approver);
        let answer = decide(&server, request(ROOT, None, "OKTA_VERIFY_PUSH", "app", 2)).await;
        assert_eq!(answer["approval_ttl_seconds"], 1);
        let id = answer["approval"]["id"].as_str().unwrap().to_string();
        tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
        let listed = server.get_json(Role::Viewer, "/v1/approvals?state=expired").await;
        assert_eq!(listed["items"][0]["id"], json!(id), "{backend:?}: {listed}");
        let (status, body) = review(&server, &soc, &id, "approve", "too late").await;
        assert_eq!((status, body["error"]["code"].as_str()), (409, Some("expired")), "{backend:?}: {body}");
        let one = server.get_json(Role::Viewer, &format!("/v1/approvals/{id}")).await;
        assert_eq!(one["state"], "expired", "the expiry is written down");
        assert!(
            server.get_json(Role::Viewer, "/v1/approvals?state=pending").await["items"].as_array().unwrap().is_empty()
        );
    }
}

/// A stand-in for Okta's Management API: records each call, answers as documented.
async fn okta_api() -> (String, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use axum::routing::{delete, get};
    let calls = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let seen = calls.clone();
    let record = move |req: axum::extract::Request| {
        let seen = seen.clone();
        async move {
            let auth = req.headers().get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
            let uri = req.uri().to_string();
            seen.lock().unwrap().push(format!("{} {uri} {auth}", req.method()));
            let answer = if req.method() == axum::http::Method::GET {
                (axum::http::StatusCode::OK, r#"[{"id":"fct1","factorType":"token:software:totp","status":"ACTIVE"}]"#)
            } else {
                (axum::http::StatusCode::NO_CONTENT, "")
            };
            ([("content-type", "application/json")], answer)
        }
    };
    let app = axum::Router::new()
        .route("/api/v1/users/{user}/sessions", delete(record.clone()))
        .route("/api/v1/users/{user}/factors", get(record.clone()))
        .route("/api/v1/users/{user}/factors/{factor}", delete(record));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (base, calls)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_remediation_step_is_a_dry_run_until_an_approved_request_lets_it_call_okta() {
    let (base, calls) = okta_api().await;
    let secret = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(secret.path(), "00okta-api-token\n").unwrap();
    let settings = format!("[connectors.okta]\nbase_url = \"{base}\"\ntoken_file = \"{}\"\n", secret.path().display());
    let server = serve(Backend::Sqlite, &settings, &history(ROOT, 1, &["token:software:totp"])).await;
    let incidents = server.get_json(Role::Viewer, "/v1/incidents?identity=root@acme.com").await;
    let incident = incidents["items"][0]["id"].as_str().expect("a finding on the tier 0 admin").to_string();
    let plan = server.get_json(Role::Viewer, &format!("/v1/incidents/{incident}/remediation")).await;
    assert_eq!(plan["connector"], "okta", "{plan}");
    let revoke = plan["steps"].as_array().unwrap().iter().find(|s| s["action"] == "revoke_sessions").unwrap();
    assert_eq!((revoke["state"].as_str(), revoke["automated"].as_bool()), (Some("todo"), Some(true)));
    let step = revoke["step"].as_u64().unwrap();
    let path = format!("/v1/incidents/{incident}/remediation/steps/{step}");

    let (status, dry) = server.post_json(Role::Analyst, &path, json!({})).await;
    assert_eq!(status, 200, "{dry}");
    assert_eq!(dry["call"]["dry_run"], true);
    assert_eq!(dry["call"]["request"]["method"], "DELETE");
    assert_eq!(dry["call"]["request"]["url"], format!("{base}/api/v1/users/00uroot/sessions?oauthTokens=true"));
    assert_eq!(dry["call"]["request"]["authorization"], "SSWS ***", "the token is never shown");
    assert!(calls.lock().unwrap().is_empty(), "a dry run calls nothing");

    let (status, refused) = server.post_json(Role::Analyst, &path, json!({"execute": true})).await;
    assert_eq!((status, refused["error"]["code"].as_str()), (403, Some("approval_required")), "{refused}");

    let (status, approval) = server
        .post_json(
            Role::Analyst,
            &format!("/v1/incidents/{incident}/remediation/approval"),
            json!({"reason": "contain"}),
        )
        .await;
    assert_eq!(status, 201, "{approval}");
    let approval_id = approval["id"].as_str().unwrap().to_string();
    let (status, _) = server.post_json(Role::Analyst, &path, json!({"execute": true, "approval": approval_id})).await;
    assert_eq!(status, 409, "a pending approval authorizes nothing");
    let analyst_as_approver = token(&server, "test-analyst", Role::Approver);
    let (status, body) = review(&server, &analyst_as_approver, &approval_id, "approve", "mine").await;
    assert_eq!((status, body["error"]["code"].as_str()), (403, Some("four_eyes")), "the requester: {body}");
    let soc = token(&server, "soc-bob", Role::Approver);
    let (status, body) = review(&server, &soc, &approval_id, "approve", "confirmed compromise").await;
    assert_eq!(status, 200, "{body}");

    let (status, done) =
        server.post_json(Role::Analyst, &path, json!({"execute": true, "approval": approval_id})).await;
    assert_eq!(status, 200, "{done}");
    assert_eq!((done["state"].as_str(), done["call"]["answer"]["status"].as_u64()), (Some("done"), Some(204)));
    assert_eq!(
        *calls.lock().unwrap(),
        ["DELETE /api/v1/users/00uroot/sessions?oauthTokens=true SSWS 00okta-api-token"],
        "one call, with the configured token"
    );
    let plan = server.get_json(Role::Viewer, &format!("/v1/incidents/{incident}/remediation")).await;
    let revoke = plan["steps"].as_array().unwrap().iter().find(|s| s["step"] == json!(step)).unwrap();
    assert_eq!(revoke["state"], "done");
    let audit = server.get_json(Role::Admin, &format!("/v1/audit?target={approval_id}")).await;
    let call = audit["items"].as_array().unwrap().iter().find(|e| e["action"] == "connector.call").unwrap();
    assert_eq!(call["detail"]["status"], 204);
    assert!(!call.to_string().contains("00okta-api-token"), "secrets never reach the audit log");

    let manual = plan["steps"].as_array().unwrap().iter().find(|s| s["action"] == "reset_password").unwrap();
    let manual_path = format!("/v1/incidents/{incident}/remediation/steps/{}", manual["step"]);
    let (status, body) = server.post_json(Role::Analyst, &manual_path, json!({})).await;
    assert_eq!((status, body["error"]["code"].as_str()), (422, Some("manual_step")), "{body}");
    let (status, _) = server.post_json(Role::Analyst, &manual_path, json!({"done_by_hand": true})).await;
    assert_eq!(status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revalidation_lists_privileged_factors_bound_without_approval_for_approvers_to_attest() {
    let mut events = history(ROOT, 1, &["token:software:totp"]);
    events.extend(history(ALICE, 50, &["token:software:totp"]));
    let server = serve(Backend::Sqlite, "", &events).await;
    let (status, campaign) = server.post_json(Role::Approver, "/v1/revalidation/campaigns", json!({})).await;
    assert_eq!(status, 201, "{campaign}");
    let items = campaign["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "only the tier 0 identity's factor: {campaign}");
    assert_eq!(items[0]["key"]["identity"], "00uroot");
    assert_eq!(items[0]["identity_name"], ROOT.1, "the reviewer reads the login: {campaign}");
    assert_eq!(items[0]["reasons"], json!(["bound_without_approval"]));
    let (id, item) = (campaign["id"].as_str().unwrap(), items[0]["id"].as_str().unwrap());
    let path = |verb: &str| format!("/v1/revalidation/campaigns/{id}/items/{item}/{verb}");

    let root = token(&server, "00uroot", Role::Approver);
    let response = server
        .client
        .post(server.url(&path("attest")))
        .bearer_auth(&root)
        .json(&json!({"justification": "mine"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403, "nobody attests their own factors");
    let (status, attested) = server
        .post_json(Role::Approver, &path("attest"), json!({"justification": "enrolled at the desk, ticket 4411"}))
        .await;
    assert_eq!(status, 200, "{attested}");
    assert_eq!(attested["items"][0]["state"], "attested");
    let (status, _) = server.post_json(Role::Approver, &path("revoke"), json!({"justification": "again"})).await;
    assert_eq!(status, 409, "an item is decided once");
    let stored = server.get_json(Role::Viewer, &format!("/v1/revalidation/campaigns/{id}")).await;
    assert_eq!(stored["items"][0]["reviewer"]["id"], "test-approver");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_gating_on_an_approved_binding_passes_and_one_nobody_allowed_is_fw_012() {
    for backend in BACKENDS {
        let server = serve(backend, "[gating]\nenabled = true\n", &history(ROOT, 1, &[])).await;
        let soc = token(&server, "soc-bob", Role::Approver);
        let answer = decide(&server, request(ROOT, None, "OKTA_VERIFY_PUSH", "app", 2)).await;
        let id = answer["approval"]["id"].as_str().unwrap().to_string();
        let (status, body) = review(&server, &soc, &id, "approve", "verified in person").await;
        assert_eq!(status, 200, "{body}");

        let now = Utc::now() + Duration::seconds(1);
        let bindings = [
            okta(200, now, "user.mfa.factor.activate", ROOT, ROOT, BERLIN, Some("OKTA_VERIFY_PUSH")),
            okta(201, now + Duration::seconds(5), "user.mfa.factor.activate", ROOT, ROOT, BERLIN, Some("sms")),
        ];
        let body = bindings.iter().map(Value::to_string).collect::<Vec<_>>().join("\n");
        let (status, report) = server.ingest("okta", body).await;
        assert_eq!(status, 200, "{report}");
        server.drain().await;

        let found = server.get_json(Role::Viewer, "/v1/findings?detector=FW-012").await;
        let items = found["items"].as_array().unwrap();
        assert_eq!(items.len(), 1, "{backend:?}: only the binding nobody allowed: {found}");
        assert_eq!(items[0]["severity"], "critical", "tier 0");
        assert!(items[0].to_string().contains("sms"), "{}", items[0]);
        let used = server.get_json(Role::Viewer, &format!("/v1/approvals/{id}")).await;
        assert_eq!(used["state"], "consumed", "{backend:?}: the approval was used by the binding it allowed");
    }
}

/// A local webhook receiver: every body posted to `/{path}`, with its event header, by path.
struct Receiver {
    url: String,
    got: std::sync::Arc<std::sync::Mutex<Vec<(String, String, Value)>>>,
}

impl Receiver {
    async fn start() -> Receiver {
        use axum::extract::{Path, State};
        type Got = std::sync::Arc<std::sync::Mutex<Vec<(String, String, Value)>>>;
        async fn take(
            State(got): State<Got>,
            Path(path): Path<String>,
            headers: axum::http::HeaderMap,
            body: axum::body::Bytes,
        ) -> &'static str {
            let event = headers.get("x-factorwatch-event").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
            let body = serde_json::from_slice(&body).unwrap_or(Value::Null);
            got.lock().unwrap().push((path, event, body));
            "ok"
        }
        let got: Got = std::sync::Arc::default();
        let app = axum::Router::new().route("/{path}", axum::routing::post(take)).with_state(got.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Receiver { url, got }
    }

    /// The notices posted to `/{path}` (sinks carry findings too).
    fn at(&self, path: &str) -> Vec<(String, Value)> {
        let got = self.got.lock().unwrap();
        got.iter().filter(|(p, e, _)| p == path && e == "notice").map(|(_, e, b)| (e.clone(), b.clone())).collect()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_approval_needed_notice_goes_out_through_the_sinks_and_never_through_the_factor_being_bound() {
    let receiver = Receiver::start().await;
    let url = &receiver.url;
    // The SOC's webhook carries every notice; a push gateway and an SMS gateway reach the
    // subject through their channels.
    let sinks = format!(
        r#"
[[sinks]]
name = "soc-hook"
kind = "webhook"
url = "{url}/soc"
notices = ["soc", "manager", "subject"]
retry = {{ initial_backoff = "50ms", max_backoff = "200ms" }}

[[sinks]]
name = "push-gateway"
kind = "webhook"
url = "{url}/push"
notices = ["subject"]
channel = "push"
retry = {{ initial_backoff = "50ms", max_backoff = "200ms" }}

[[sinks]]
name = "sms-gateway"
kind = "webhook"
url = "{url}/sms"
notices = ["subject"]
channel = "sms"
retry = {{ initial_backoff = "50ms", max_backoff = "200ms" }}
"#
    );
    let server = serve(Backend::Sqlite, &sinks, &history(ROOT, 1, &["token:software:totp"])).await;
    let answer = decide(&server, request(ROOT, None, "OKTA_VERIFY_PUSH", "app", 2)).await;
    assert_eq!(answer["outcome"], "require_approval", "{answer}");
    let approval = answer["approval"]["id"].as_str().unwrap();
    let mut recipients: Vec<&str> =
        answer["notify"].as_array().unwrap().iter().map(|n| n["to"].as_str().unwrap()).collect();
    recipients.sort_unstable();
    assert!(recipients.contains(&"subject") && recipients.contains(&"soc"), "{answer}");

    // Every recipient's notice reaches the SOC's webhook; the subject's reaches the SMS
    // gateway, a channel other than the one being bound.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while (receiver.at("soc").len() < recipients.len() || receiver.at("sms").is_empty())
        && std::time::Instant::now() < deadline
    {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let soc = receiver.at("soc");
    let mut told: Vec<&str> = soc.iter().map(|(_, b)| b["recipient"].as_str().unwrap()).collect();
    told.sort_unstable();
    assert_eq!(told, recipients, "one notice per recipient: {soc:?}");
    for (event, body) in &soc {
        assert_eq!(event, "notice");
        assert_eq!(body["kind"], "approval_needed");
        assert_eq!(body["approval"], approval);
        assert_eq!(body["decision"], answer["id"]);
        assert_eq!(body["factor_kind"], "OKTA_VERIFY_PUSH");
    }
    let subject = soc.iter().find(|(_, b)| b["recipient"] == "subject").unwrap();
    assert_eq!(subject.1["not_via"], "OKTA_VERIFY_PUSH", "the payload names the channel to avoid");
    let sms = receiver.at("sms");
    assert_eq!(sms.len(), 1, "{sms:?}");
    assert_eq!(sms[0].1["recipient"], "subject");

    // The push gateway is the factor being bound: nothing was queued for it.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert!(receiver.at("push").is_empty(), "a notice went through the factor being bound: {:?}", receiver.at("push"));
}
