//! Ingest bodies are parsed as they arrive, yet an answer still covers the whole body: a body
//! refused part-way (past `max_body_bytes`, past `max_decompressed_bytes`, or signed with a
//! signature that does not match all of it) stores none of the records read before the
//! refusal, and a body taken whole keeps its `endpoint#n:line` pointers.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use store::Role;
use support::{Backend, TestServer};

const WEBHOOK_SECRET: &str = "streaming-webhook-secret";

/// `count` distinct Okta records from `first`, one a line (about 330 bytes each).
fn okta_lines(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|i| {
            format!(
                r#"{{"uuid":"s-{i}","published":"2026-05-01T09:00:00.000Z","eventType":"user.session.start","actor":{{"id":"00u{i}","type":"User","alternateId":"u{i}@acme.com"}},"outcome":{{"result":"SUCCESS"}},"client":{{"ipAddress":"198.51.100.1"}}}}"#
            ) + "\n"
        })
        .collect()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

fn sign(body: &[u8]) -> String {
    use hmac::{KeyInit, Mac};
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(WEBHOOK_SECRET.as_bytes()).unwrap();
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

fn bearer(server: &TestServer) -> Vec<(&'static str, String)> {
    vec![("authorization", format!("Bearer {}", server.token(Role::Ingest)))]
}

/// Posting the first records again stores them all: the refused body stored none of them.
async fn assert_nothing_was_stored(server: &TestServer, first: usize) {
    let (status, answer) = server.ingest("okta", okta_lines(first, 10)).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["stored"], 10, "a refused body stored some of its records: {answer}");
    assert_eq!(answer["duplicates"], 0, "{answer}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_refused_past_max_body_bytes_midway_stores_none_of_the_records_before() {
    let limit = 128 * 1024;
    let server = TestServer::start(Backend::Sqlite, &format!("server.max_body_bytes = {limit}\n")).await;
    let body = okta_lines(0, 2000);
    assert!(body.len() > 2 * limit);
    let (status, answer) = support::post_chunked(&server, "/v1/ingest/okta", &bearer(&server), body.as_bytes()).await;
    assert_eq!(status, 413, "{answer}");
    assert!(answer["error"]["message"].as_str().unwrap().contains("max_body_bytes"), "{answer}");
    assert_nothing_was_stored(&server, 0).await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gzip_body_past_max_decompressed_bytes_midway_stores_none_of_the_records_before() {
    let server = TestServer::start(
        Backend::Sqlite,
        "server.max_decompressed_bytes = 1048576\nserver.decompression_budget_bytes = 67108864\n",
    )
    .await;
    let plain = okta_lines(0, 5000);
    assert!(plain.len() > 1_048_576);
    let body = gzip(plain.as_bytes());
    let mut headers = bearer(&server);
    headers.push(("content-encoding", "gzip".into()));
    let (status, answer) = support::post_chunked(&server, "/v1/ingest/okta", &headers, &body).await;
    assert_eq!(status, 413, "{answer}");
    assert!(answer["error"]["message"].as_str().unwrap().contains("max_decompressed_bytes"), "{answer}");
    assert_nothing_was_stored(&server, 0).await;

    // Under the limit the same kind of body streams in whole, pointers and all.
    let mut plain = okta_lines(100, 2000);
    plain.push_str("{not json\n");
    let (status, answer) = support::post_chunked(&server, "/v1/ingest/okta", &headers, &gzip(plain.as_bytes())).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["stored"], 2000, "{answer}");
    let error = answer["errors"][0].as_str().unwrap();
    assert!(error.starts_with("ingest#") && error.contains(":2001"), "{error}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_webhook_is_checked_over_the_whole_streamed_body_before_anything_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("secret");
    std::fs::write(&secret, WEBHOOK_SECRET).unwrap();
    let settings = format!(
        "[[server.webhooks]]\nname = \"streamed\"\nprovider = \"okta\"\nsecret_file = {:?}\n",
        secret.display().to_string()
    );
    let server = TestServer::start(Backend::Sqlite, &settings).await;
    let body = okta_lines(0, 3000);
    // Signed over all but the last line: every record parses, the signature does not match.
    let cut = body[..body.len() - 1].rfind('\n').unwrap() + 1;
    let wrong = vec![("x-factorwatch-signature", sign(&body.as_bytes()[..cut]))];
    let (status, answer) = support::post_chunked(&server, "/v1/webhooks/streamed", &wrong, body.as_bytes()).await;
    assert_eq!(status, 401, "{answer}");
    assert!(answer["error"]["message"].as_str().unwrap().contains("does not match"), "{answer}");
    assert_nothing_was_stored(&server, 0).await;

    let right = vec![("x-factorwatch-signature", sign(body.as_bytes()))];
    let (status, answer) = support::post_chunked(&server, "/v1/webhooks/streamed", &right, body.as_bytes()).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["records"], 3000, "{answer}");
    assert_eq!(answer["stored"], 2990, "the first 10 were stored above: {answer}");
    server.stop().await;
}
