//! A hostile tester's requests, sent to the real `factorwatch serve` process: every kind of
//! route without a token, with a bad one and with the wrong role; bodies that are not JSON,
//! truncated, mistyped, invalid UTF-8, binary, huge or deep; gzip bombs and corrupt gzip;
//! millions of bad lines; events dated in the year 9999; oversized, slow and unauthenticated
//! bodies; bad query parameters and path tricks; session-cap abuse. Each case names its
//! expected status and error; after each one the service must still answer `/readyz` and its
//! peak memory (VmHWM) must stay under [`PEAK_RSS_BOUND_KIB`].
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod hostile;

use common::bodies::okta;
use common::service::{self, Service};
use hostile::cases::{Tokens, cases};
use hostile::wire::{raw_post, send, send_raw};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::{Duration, Instant};

/// The most the service may ever hold at its peak, in KiB: the 16 MiB bodies and 64 MiB
/// decompression limit below, with room for the store and the runtime. Before the fixes one
/// body of `{}` lines took 1.2 GB and one gzip bomb 500 MB.
const PEAK_RSS_BOUND_KIB: u64 = 400 * 1024;

const MAX_BODY: usize = 16 * 1024 * 1024;
const MAX_DECOMPRESSED: usize = 64 * 1024 * 1024;
const SLOTS: usize = 4;
const OKTA_HOOK_SECRET: &str = "okta-hook-value-0123456789";
const WEBHOOK_SECRET: &[u8] = b"webhook-secret-0123456789";

fn server_settings(dir: &Path) -> String {
    std::fs::write(dir.join("okta-hook"), OKTA_HOOK_SECRET).unwrap();
    std::fs::write(dir.join("webhook"), WEBHOOK_SECRET).unwrap();
    format!(
        r#"
[server]
data_dir = "{data}"
flush_after = "1h"
max_body_bytes = {MAX_BODY}
max_decompressed_bytes = {MAX_DECOMPRESSED}
decompression_budget_bytes = {MAX_DECOMPRESSED}
max_concurrent_ingest = {SLOTS}
body_read_timeout = "2s"
# Millions of bad lines take a debug build on a busy machine longer than the default minute;
# the cases are about status and memory, not speed.
request_timeout = "300s"
max_sessions_per_user = 3
okta_hook_authorization_file = "{okta}"

[[server.webhooks]]
name = "signed"
provider = "okta"
secret_file = "{webhook}"
"#,
        data = dir.join("data").display(),
        okta = dir.join("okta-hook").display(),
        webhook = dir.join("webhook").display(),
    )
}

fn vm_hwm_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .expect("/proc is needed to read the service's peak memory");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM in /proc/<pid>/status")
}

struct Running {
    service: Service,
    client: reqwest::blocking::Client,
    port: u16,
    tokens: Tokens,
    _dir: tempfile::TempDir,
}

fn start() -> Running {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("service.toml");
    std::fs::write(&config, server_settings(dir.path())).unwrap();
    let tokens = Tokens {
        ingest: service::token(&config, "ingest"),
        viewer: service::token(&config, "viewer"),
        analyst: service::token(&config, "analyst"),
        admin: service::token(&config, "admin"),
    };
    let port = service::free_port();
    let mut service = Service::start(&config, port);
    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(120))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    service.wait_ready(&client);
    Running { service, client, port, tokens, _dir: dir }
}

impl Running {
    /// The service still answers, and has never held more than the bound.
    fn assert_healthy(&mut self, after: &str) -> u64 {
        if let Some(status) = self.service.child.try_wait().unwrap() {
            panic!("after `{after}` the service exited: {status}");
        }
        let ready = self.client.get(format!("{}/readyz", self.service.base)).send().unwrap();
        assert_eq!(ready.status(), 200, "after `{after}` /readyz is not 200");
        let peak = vm_hwm_kib(self.service.child.id());
        assert!(
            peak < PEAK_RSS_BOUND_KIB,
            "after `{after}` the service's peak memory is {peak} KiB, over {PEAK_RSS_BOUND_KIB} KiB"
        );
        peak
    }
}

#[test]
fn every_hostile_request_is_refused_with_its_reason_and_the_service_stays_up_and_bounded() {
    let mut running = start();
    let cases = cases(&running.tokens);
    assert!(cases.len() >= 60, "{} cases", cases.len());
    let mut failures = Vec::new();
    for c in &cases {
        let started = Instant::now();
        let (mut status, mut body) = send(&running.client, &running.service.base, c);
        if status == 0 {
            // The service answered before the whole body was sent and closed; read its answer
            // from a connection that writes the same request by hand.
            (status, body) = send_raw(running.port, c);
        }
        let peak = running.assert_healthy(&c.name);
        eprintln!("{:>4} {:>7} KiB peak {:>6} ms  {}", status, peak, started.elapsed().as_millis(), c.name);
        if status != c.status || !body.contains(&c.expect) {
            let shown: String = body.chars().take(400).collect();
            failures.push(format!("`{}`: expected {} with `{}`, got {status}: {shown}", c.name, c.status, c.expect));
        }
    }
    assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), cases.len(), failures.join("\n"));
}

#[test]
fn bodies_announced_or_sent_raw_are_refused_before_they_cost_anything() {
    let mut running = start();
    let port = running.port;
    let t = running.tokens.ingest.clone();
    // A gigabyte announced without a token: 401 at once, nothing read.
    let (status, answer) = raw_post(port, "/v1/ingest/okta", None, 1 << 30, b"{", Duration::from_secs(10));
    assert_eq!(status, 401, "{answer}");
    // The unread body stays on the connection: the answer must say the connection closes, or
    // a client reusing it would lose its next request.
    assert!(answer.to_ascii_lowercase().contains("connection: close"), "{answer}");
    // A gigabyte announced with a token: 413 at once.
    let (status, answer) = raw_post(port, "/v1/ingest/okta", Some(&t), 1 << 30, b"{", Duration::from_secs(10));
    assert_eq!(status, 413, "{answer}");
    assert!(answer.contains("max_body_bytes"), "{answer}");
    running.assert_healthy("announced gigabytes");
    // A body slower than body_read_timeout (2 s): 408 with a JSON error, and the slot is freed.
    let started = Instant::now();
    let (status, answer) = raw_post(port, "/v1/ingest/okta", Some(&t), 1000, b"{\"uuid\":", Duration::from_secs(20));
    assert_eq!(status, 408, "{answer}");
    assert!(answer.contains("\"body_timeout\"") && answer.contains("body_read_timeout"), "{answer}");
    assert!(started.elapsed() < Duration::from_secs(10), "took {:?}", started.elapsed());
    running.assert_healthy("slow body");
}

#[test]
fn unauthenticated_slow_posts_hold_no_ingest_slot() {
    let mut running = start();
    let port = running.port;
    // max_concurrent_ingest + 10 senders without a token, each announcing a body and sending
    // one byte of it, then stalling.
    let mut stalled = Vec::new();
    for _ in 0..SLOTS + 10 {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream.write_all(b"POST /v1/ingest/okta HTTP/1.1\r\nhost: x\r\ncontent-length: 100000\r\n\r\n{").unwrap();
        stalled.push(stream);
    }
    std::thread::sleep(Duration::from_millis(300));
    let body = okta("slots-1", "2026-05-01T09:00:00.000Z");
    let response = running
        .client
        .post(format!("{}/v1/ingest/okta", running.service.base))
        .bearer_auth(&running.tokens.ingest)
        .body(body)
        .send()
        .unwrap();
    let status = response.status().as_u16();
    let text = response.text().unwrap();
    assert_eq!(status, 200, "the authenticated ingest was refused while unauthenticated senders stalled: {text}");
    assert!(text.contains("\"stored\":1"), "{text}");
    // Each stalled sender was answered 401 without waiting for its body.
    for mut stream in stalled {
        stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut answer = [0u8; 64];
        let n = stream.read(&mut answer).unwrap_or(0);
        let head = String::from_utf8_lossy(&answer[..n]).to_string();
        assert!(head.starts_with("HTTP/1.1 401"), "{head}");
    }
    running.assert_healthy("stalled unauthenticated posts");
}

#[test]
fn one_user_signing_in_again_and_again_signs_nobody_else_out() {
    let mut running = start();
    let base = running.service.base.clone();
    let sign_in = |token: &str| -> String {
        let response = running.client.post(format!("{base}/console/login")).form(&[("token", token)]).send().unwrap();
        assert_eq!(response.status(), 303, "sign-in refused");
        let cookie = response.headers().get("set-cookie").unwrap().to_str().unwrap().to_string();
        cookie.split(';').next().unwrap().to_string()
    };
    let page = |cookie: &str| -> u16 {
        running.client.get(format!("{base}/console")).header("cookie", cookie).send().unwrap().status().as_u16()
    };
    let victim = sign_in(&running.tokens.analyst);
    let first_own = sign_in(&running.tokens.viewer);
    let mut own = Vec::new();
    for _ in 0..200 {
        own.push(sign_in(&running.tokens.viewer));
    }
    assert_eq!(page(&victim), 200, "another user's session was ended");
    assert_eq!(page(&first_own), 303, "the abuser kept more than max_sessions_per_user sessions");
    for cookie in own.iter().rev().take(3) {
        assert_eq!(page(cookie), 200, "one of the abuser's three latest sessions ended");
    }
    assert_eq!(page(&own[own.len() - 4]), 303);
    // An oversized sign-in form is refused without being taken in.
    let response =
        running.client.post(format!("{base}/console/login")).form(&[("token", "x".repeat(1 << 20))]).send().unwrap();
    assert_eq!(response.status(), 413);
    let _ = &running.tokens.admin;
    running.assert_healthy("session-cap abuse");
}
