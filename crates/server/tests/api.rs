//! Every endpoint of a real service on a loopback port, on SQLite and on PostgreSQL: a
//! generated tenant goes in through the ingest endpoints, and the queue, triage, identity,
//! coverage, token, audit, sink and operations endpoints answer about it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use model::percent::path_segment as enc;
use reqwest::Method;
use serde_json::{Value, json};
use store::Role;
use support::{Backend, TestServer};

fn samples() -> std::path::PathBuf {
    let dir = std::env::var("FACTORWATCH_SAMPLES")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/samples"));
    assert!(dir.is_dir(), "samples not found at {}: set FACTORWATCH_SAMPLES", dir.display());
    dir
}

/// A small generated tenant: (provider endpoint, file contents) per native log file.
fn tenant() -> (tempfile::TempDir, Vec<(&'static str, String)>) {
    let dir = tempfile::tempdir().unwrap();
    let config = synth::Config { seed: 3, events: 4_000, ..synth::Config::default() };
    synth::generate(&config, dir.path()).unwrap();
    let mut files = Vec::new();
    for (folder, provider) in [
        ("okta", "okta"),
        ("entra", "entra"),
        ("aws", "aws"),
        ("google", "google"),
        ("github", "github"),
        ("duo", "duo"),
    ] {
        let Ok(entries) = std::fs::read_dir(dir.path().join(folder)) else { continue };
        for entry in entries {
            files.push((provider, std::fs::read_to_string(entry.unwrap().path()).unwrap()));
        }
    }
    assert!(files.len() >= 5, "gen wrote {} files", files.len());
    (dir, files)
}

/// The generated tenant's detection settings (tenant names, sources) as service settings.
fn tenant_settings(dir: &std::path::Path) -> String {
    std::fs::read_to_string(dir.join("factorwatch.toml")).unwrap()
}

async fn load_tenant(server: &TestServer, files: &[(&str, String)]) -> u64 {
    let mut stored = 0;
    for (provider, text) in files {
        let (status, report) = server.ingest(provider, text.clone()).await;
        assert_eq!(status, 200, "{provider}: {report}");
        assert_eq!(report["error_count"], 0, "{provider}: {report}");
        stored += report["stored"].as_u64().unwrap();
    }
    server.drain().await;
    stored
}

async fn walkthrough(backend: Backend) {
    let (dir, files) = tenant();
    let server = TestServer::start(backend, &tenant_settings(dir.path())).await;

    // Operations and the API description need no token.
    let health: Value = server.client.get(server.url("/healthz")).send().await.unwrap().json().await.unwrap();
    assert_eq!(health["status"], "ok");
    let ready = server.client.get(server.url("/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), 200);
    let openapi: Value = server.client.get(server.url("/v1/openapi.json")).send().await.unwrap().json().await.unwrap();
    assert_eq!(openapi["openapi"], "3.1.0");

    // Ingest: everything is stored once; posting a file again stores nothing new.
    let stored = load_tenant(&server, &files).await;
    assert!(stored > 1000, "stored {stored}");
    let conforms = |name: &str, value: &Value| support::assert_conforms(&openapi, name, value);
    let (status, again) = server.ingest(files[0].0, files[0].1.clone()).await;
    assert_eq!(status, 200);
    assert_eq!(again["stored"], 0);
    assert_eq!(again["duplicates"], again["events"]);
    conforms("IngestReport", &again);

    // The queue: highest risk first, filters, pages.
    let queue = server.get_json(Role::Viewer, "/v1/incidents?limit=500").await;
    conforms("IncidentPage", &queue);
    let incidents = queue["items"].as_array().unwrap();
    assert!(incidents.len() >= 5, "{queue}");
    let risks: Vec<u64> = incidents.iter().map(|i| i["risk_score"].as_u64().unwrap()).collect();
    assert!(risks.windows(2).all(|w| w[0] >= w[1]), "{risks:?}");
    assert!(incidents.iter().all(|i| i["status"] == "open"));

    let page = server.get_json(Role::Viewer, "/v1/incidents?limit=2").await;
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    assert_eq!(page["next_offset"], 2);
    let second = server.get_json(Role::Viewer, "/v1/incidents?limit=2&offset=2").await;
    assert_eq!(second["items"][0]["id"], incidents[2]["id"]);
    let last = server.get_json(Role::Viewer, &format!("/v1/incidents?limit=500&offset={}", incidents.len() - 1)).await;
    assert_eq!(last["items"].as_array().unwrap().len(), 1);
    assert!(last["next_offset"].is_null());

    let high = server.get_json(Role::Viewer, "/v1/incidents?severity=high&limit=500").await;
    let high = high["items"].as_array().unwrap();
    assert!(!high.is_empty() && high.len() < incidents.len());
    assert!(high.iter().all(|i| matches!(i["severity"].as_str(), Some("high" | "critical"))));

    let top = &incidents[0];
    let detector = top["detectors"][0].as_str().unwrap();
    let by_detector = server.get_json(Role::Viewer, &format!("/v1/incidents?detector={detector}&limit=500")).await;
    assert!(
        by_detector["items"].as_array().unwrap().iter().all(|i| i["detectors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d == detector))
    );
    let who = top["identity"]["name"].as_str().or(top["identity"]["id"].as_str()).unwrap();
    let by_identity =
        server.get_json(Role::Viewer, &format!("/v1/incidents?identity={}&limit=500", who.to_uppercase())).await;
    assert!(by_identity["items"].as_array().unwrap().iter().any(|i| i["id"] == top["id"]));
    let first = top["first"].as_str().unwrap();
    let after =
        server.get_json(Role::Viewer, &format!("/v1/incidents?since={}&limit=500", "2100-01-01T00:00:00Z")).await;
    assert!(after["items"].as_array().unwrap().is_empty());
    let until = server.get_json(Role::Viewer, &format!("/v1/incidents?until={first}&limit=500")).await;
    assert!(until["items"].as_array().unwrap().iter().all(|i| i["first"].as_str().unwrap() < first));
    let bad = server.get(Role::Viewer, "/v1/incidents?severity=urgent").await;
    assert_eq!(bad.status(), 400);
    let err: Value = bad.json().await.unwrap();
    assert!(err["error"]["message"].as_str().unwrap().contains("urgent"), "{err}");

    // One incident, its status, comments and audit trail.
    let id = top["id"].as_str().unwrap();
    let detail = server.get_json(Role::Viewer, &format!("/v1/incidents/{id}")).await;
    assert_eq!(detail["finding_details"].as_array().unwrap().len(), detail["findings"].as_array().unwrap().len());
    assert!(!detail["remediation"].as_array().unwrap().is_empty());
    conforms("IncidentDetail", &detail);
    assert_eq!(server.get(Role::Viewer, "/v1/incidents/inc_nope").await.status(), 404);

    let (status, changed) = server
        .post_json(
            Role::Analyst,
            &format!("/v1/incidents/{id}/status"),
            json!({"status": "acknowledged", "comment": "on it"}),
        )
        .await;
    assert_eq!(status, 200, "{changed}");
    conforms("IncidentRecord", &changed);
    assert_eq!(changed["status"], "acknowledged");
    let (status, _) =
        server.post_json(Role::Analyst, &format!("/v1/incidents/{id}/status"), json!({"status": "maybe"})).await;
    assert_eq!(status, 400);
    let (status, comment) = server
        .post_json(Role::Analyst, &format!("/v1/incidents/{id}/comments"), json!({"text": "factor removed"}))
        .await;
    assert_eq!(status, 201, "{comment}");
    conforms("Comment", &comment);
    let detail = server.get_json(Role::Viewer, &format!("/v1/incidents/{id}")).await;
    let texts: Vec<&str> = detail["comments"].as_array().unwrap().iter().map(|c| c["text"].as_str().unwrap()).collect();
    assert_eq!(texts, ["on it", "factor removed"]);
    let acked = server.get_json(Role::Viewer, "/v1/incidents?status=acknowledged").await;
    assert_eq!(acked["items"].as_array().unwrap().len(), 1);
    let trail = server.get_json(Role::Viewer, &format!("/v1/incidents/{id}/audit")).await;
    let actions: Vec<&str> = trail["items"].as_array().unwrap().iter().map(|a| a["action"].as_str().unwrap()).collect();
    assert!(actions.contains(&"incident.status") && actions.contains(&"incident.comment"), "{actions:?}");
    assert!(trail["items"].as_array().unwrap().iter().all(|a| a["actor"] == "test-analyst"));

    // Findings.
    let findings = server.get_json(Role::Viewer, &format!("/v1/findings?detector={detector}&limit=500")).await;
    conforms("FindingPage", &findings);
    let findings = findings["items"].as_array().unwrap();
    assert!(!findings.is_empty() && findings.iter().all(|f| f["detector"] == detector));
    let one = findings[0]["id"].as_str().unwrap();
    assert_eq!(server.get_json(Role::Viewer, &format!("/v1/findings/{one}")).await["id"], one);
    assert_eq!(server.get(Role::Viewer, "/v1/findings/fnd_nope").await.status(), 404);
    assert_eq!(server.get(Role::Viewer, "/v1/findings?status=open").await.status(), 400);

    // Identities and coverage.
    let ident = &top["identity"];
    let (p, t, i) =
        (ident["provider"].as_str().unwrap(), ident["tenant"].as_str().unwrap(), ident["id"].as_str().unwrap());
    let listed = server.get_json(Role::Viewer, &format!("/v1/identities?provider={p}&q={i}")).await;
    assert!(listed["items"].as_array().unwrap().iter().any(|x| x["key"]["id"] == i), "{listed}");
    let identity = server.get_json(Role::Viewer, &format!("/v1/identities/{p}/{}/{}", enc(t), enc(i))).await;
    assert!(identity["factors"].is_array(), "{identity}");
    conforms("IdentityDetail", &identity);
    conforms("IdentityPage", &listed);
    assert!(identity["incidents"].as_array().unwrap().iter().any(|x| x["id"] == top["id"]));
    assert_eq!(server.get(Role::Viewer, &format!("/v1/identities/{p}/{}/nobody", enc(t))).await.status(), 404);
    let coverage = server.get_json(Role::Viewer, "/v1/sources").await;
    let providers: std::collections::BTreeSet<&str> =
        coverage["categories"].as_array().unwrap().iter().map(|c| c["provider"].as_str().unwrap()).collect();
    assert!(providers.len() >= 5, "{providers:?}");
    assert!(coverage["sources"].is_array());
    conforms("Coverage", &coverage);

    // Tokens: made, used, revoked; the audit log shows it.
    let (status, created) =
        server.post_json(Role::Admin, "/v1/tokens", json!({"name": "carol", "role": "viewer"})).await;
    assert_eq!(status, 201, "{created}");
    let carol = created["token"].as_str().unwrap().to_string();
    assert!(created.get("hash").is_none());
    conforms("CreatedToken", &created);
    let as_carol = server.client.get(server.url("/v1/incidents")).bearer_auth(&carol).send().await.unwrap();
    assert_eq!(as_carol.status(), 200);
    let listed: Value = server.get_json(Role::Admin, "/v1/tokens").await;
    assert!(listed.as_array().unwrap().iter().any(|t| t["name"] == "carol" && t.get("hash").is_none()));
    let tok = created["id"].as_str().unwrap();
    let revoke = server.as_role(Role::Admin, Method::DELETE, &format!("/v1/tokens/{tok}")).send().await.unwrap();
    assert_eq!(revoke.status(), 204);
    let as_carol = server.client.get(server.url("/v1/incidents")).bearer_auth(&carol).send().await.unwrap();
    assert_eq!(as_carol.status(), 401);
    let audit = server.get_json(Role::Admin, "/v1/audit?limit=500").await;
    conforms("AuditPage", &audit);
    let actions: Vec<&str> = audit["items"].as_array().unwrap().iter().map(|a| a["action"].as_str().unwrap()).collect();
    assert!(actions.contains(&"token.create") && actions.contains(&"token.revoke"), "{actions:?}");

    // Metrics count what came in and what was found.
    let metrics = server.get(Role::Viewer, "/metrics").await.text().await.unwrap();
    assert!(metrics.contains("factorwatch_events_ingested_total{provider=\"okta\""), "{metrics}");
    assert!(metrics.contains("factorwatch_findings_total{detector=\"FW-"), "{metrics}");
    assert!(metrics.contains("factorwatch_ingest_to_finding_seconds_bucket"), "{metrics}");
    assert!(metrics.contains("factorwatch_queue_depth"), "{metrics}");

    // A restart keeps the queue and triage as they were.
    let before = server.get_json(Role::Viewer, "/v1/incidents?limit=500").await;
    let server = server.restart().await;
    let after = server.get_json(Role::Viewer, "/v1/incidents?limit=500").await;
    assert_eq!(before, after);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_endpoint_answers_about_a_generated_tenant_on_sqlite() {
    walkthrough(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_endpoint_answers_about_a_generated_tenant_on_postgresql() {
    walkthrough(Backend::Postgres).await;
}

async fn hooks(backend: Backend) {
    let secret_dir = tempfile::tempdir().unwrap();
    let okta_secret = secret_dir.path().join("okta");
    std::fs::write(&okta_secret, "okta-hook-secret\n").unwrap();
    let hmac_secret = secret_dir.path().join("hmac");
    std::fs::write(&hmac_secret, "duo-forwarder-secret").unwrap();
    let settings = format!(
        "server.okta_hook_authorization_file = {okta:?}\n\
         [[server.webhooks]]\nname = \"duo-forwarder\"\nprovider = \"duo\"\nsecret_file = {hmac:?}\n",
        okta = okta_secret.display().to_string(),
        hmac = hmac_secret.display().to_string(),
    );
    let server = TestServer::start(backend, &settings).await;
    let samples = samples();

    // Okta: the one-time verification, then a delivery of data.events[].
    let verify = server
        .client
        .get(server.url("/v1/hooks/okta"))
        .header("authorization", "okta-hook-secret")
        .header("x-okta-verification-challenge", "dBAhZ3-QmFj")
        .send()
        .await
        .unwrap();
    assert_eq!(verify.status(), 200);
    assert_eq!(verify.json::<Value>().await.unwrap(), json!({"verification": "dBAhZ3-QmFj"}));
    let wrong = server
        .client
        .get(server.url("/v1/hooks/okta"))
        .header("authorization", "guess")
        .header("x-okta-verification-challenge", "x")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let okta_lines =
        std::fs::read_to_string(samples.join("elastic-integrations/okta/okta_system_head.ndjson")).unwrap();
    let events: Vec<Value> = okta_lines.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let delivery = json!({"eventType": "com.okta.event_hook", "eventTypeVersion": "1.0", "data": {"events": events}});
    let posted = server
        .client
        .post(server.url("/v1/hooks/okta"))
        .header("authorization", "okta-hook-secret")
        .json(&delivery)
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), 200);
    let report: Value = posted.json().await.unwrap();
    assert!(report["stored"].as_u64().unwrap() >= 1, "{report}");

    // Entra: an Event Hubs batch of diagnostic records.
    let entra_lines =
        std::fs::read_to_string(samples.join("elastic-integrations/azure/entra_signinlogs_all_categories.ndjson"))
            .unwrap();
    let records: Vec<Value> = entra_lines.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let posted = server
        .as_role(Role::Ingest, Method::POST, "/v1/hooks/entra")
        .json(&json!({"records": records}))
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), 200);
    let report: Value = posted.json().await.unwrap();
    assert!(report["stored"].as_u64().unwrap() >= 1, "{report}");

    // A signed webhook: a good signature is taken, a bad or missing one is refused.
    let body = r#"{"timestamp": 1715000000, "txid": "t-1", "result": "denied", "reason": "user_marked_fraud", "factor": "duo_push", "user": {"name": "bob@acme.com", "key": "DU1"}, "access_device": {"ip": "198.51.100.4"}, "event_type": "authentication", "isotimestamp": "2024-05-06T12:53:20.000000+00:00"}"#;
    let sign = |secret: &str| {
        use hmac::{KeyInit, Mac};
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(body.as_bytes());
        format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
    };
    let post_signed = |signature: Option<String>| {
        let mut request = server.client.post(server.url("/v1/webhooks/duo-forwarder")).body(body);
        if let Some(s) = signature {
            request = request.header("x-factorwatch-signature", s);
        }
        request.send()
    };
    let good = post_signed(Some(sign("duo-forwarder-secret"))).await.unwrap();
    let good_status = good.status();
    let good_body: Value = good.json().await.unwrap();
    assert_eq!(good_status, 200, "{good_body}");
    assert_eq!(good_body["stored"], 1, "{good_body}");
    assert_eq!(post_signed(Some(sign("guess"))).await.unwrap().status(), 401);
    assert_eq!(post_signed(None).await.unwrap().status(), 401);
    let unknown = server.client.post(server.url("/v1/webhooks/nobody")).body(body).send().await.unwrap();
    assert_eq!(unknown.status(), 404);

    // Bad input is refused with where and why; a record of another provider is not stored.
    let (status, refused) = server.ingest("okta", "not json at all\n{\"also\": \"not okta\"}\n").await;
    assert_eq!(status, 400, "{refused}");
    let err: Value = refused;
    assert!(err["error"]["message"].as_str().unwrap().contains("#"), "{err}");
    let (status, mixed) = server.ingest("duo", okta_lines.clone()).await;
    assert_eq!(status, 400, "{mixed}");
    assert!(mixed["error"]["message"].as_str().unwrap().contains("posted to the `duo` endpoint"), "{mixed}");
    let unknown_provider = server.ingest("myspace", "{}").await;
    assert_eq!(unknown_provider.0, 404);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn okta_hooks_entra_batches_and_signed_webhooks_store_events_on_sqlite() {
    hooks(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn okta_hooks_entra_batches_and_signed_webhooks_store_events_on_postgresql() {
    hooks(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_are_json_with_a_reason() {
    let server =
        TestServer::start(Backend::Sqlite, "server.max_body_bytes = 1024\nserver.max_concurrent_ingest = 1\n").await;
    // Too large.
    let (status, body) = server.ingest("okta", "x".repeat(4096)).await;
    assert_eq!(status, 413, "{body}");
    assert_eq!(body["error"]["code"], "too_large");
    // No such route, wrong method.
    let missing = server.get(Role::Viewer, "/v1/nothing").await;
    assert_eq!(missing.status(), 404);
    assert_eq!(missing.json::<Value>().await.unwrap()["error"]["code"], "not_found");
    let method = server.as_role(Role::Viewer, Method::PUT, "/v1/incidents").send().await.unwrap();
    assert_eq!(method.status(), 405);
    assert_eq!(method.json::<Value>().await.unwrap()["error"]["code"], "method_not_allowed");
    // Overload: a slow sender holds the only ingest slot; the next request gets 429.
    use tokio::io::AsyncWriteExt;
    let mut slow = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    let head = format!(
        "POST /v1/ingest/okta HTTP/1.1\r\nhost: x\r\nauthorization: Bearer {}\r\ncontent-length: 500\r\n\r\n{{",
        server.token(Role::Ingest)
    );
    slow.write_all(head.as_bytes()).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let refused = server.as_role(Role::Ingest, Method::POST, "/v1/ingest/okta").body("{}").send().await.unwrap();
    assert_eq!(refused.status(), 429);
    assert_eq!(refused.headers()["retry-after"], "1");
    assert_eq!(refused.json::<Value>().await.unwrap()["error"]["code"], "overloaded");
    drop(slow);
    let metrics = server.get(Role::Viewer, "/metrics").await.text().await.unwrap();
    assert!(metrics.contains("factorwatch_requests_refused_total{reason=\"overloaded\"} 1"), "{metrics}");
    server.stop().await;
}
