//! `factorwatch serve` as a process: a generated tenant posted to it gives the findings
//! `hunt` gives on the same files, and SIGKILL at random points while a client posts loses
//! no acknowledged event and duplicates no finding.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::service::{self, Service};
use rand::{Rng, SeedableRng};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder().timeout(Duration::from_secs(30)).build().unwrap()
}

const SERVER: &str = r#"
flush_after = "1h"
snapshot_every_events = 1000
"#;

/// Events stored per provider and category, from `/v1/sources`.
fn stored_counts(client: &reqwest::blocking::Client, base: &str, token: &str) -> BTreeMap<String, u64> {
    let coverage: serde_json::Value =
        client.get(format!("{base}/v1/sources")).bearer_auth(token).send().unwrap().json().unwrap();
    coverage["categories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                format!("{}/{}", c["provider"].as_str().unwrap(), c["category"].as_str().unwrap()),
                c["events"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// Events per provider and category the service must hold for the tenant: every event
/// `normalize --keep-duplicates` reads, once per (provider, tenant, event id, action, time,
/// category), the store's identity of an event.
fn normalized_counts(tenant: &service::Tenant) -> BTreeMap<String, u64> {
    let config: toml::Table = toml::from_str(&std::fs::read_to_string(tenant.config()).unwrap()).unwrap();
    let tenants: Vec<String> = config
        .get("tenants")
        .and_then(|t| t.as_table())
        .map(|t| t.iter().map(|(p, n)| format!("{p}={}", n.as_str().unwrap())).collect())
        .unwrap_or_default();
    let mut args = vec![
        "normalize".to_string(),
        tenant.dir.path().display().to_string(),
        "--quiet".into(),
        "--keep-duplicates".into(),
    ];
    for pair in tenants {
        args.extend(["--tenant".to_string(), pair]);
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = common::factorwatch(&args);
    let mut counts = BTreeMap::new();
    let mut seen = std::collections::HashSet::new();
    for line in common::text(&out.stdout).lines() {
        let e: serde_json::Value = serde_json::from_str(line).unwrap();
        let key: Vec<String> =
            ["provider", "tenant", "id", "action", "time", "category"].iter().map(|k| e[k].to_string()).collect();
        if !seen.insert(key) {
            continue;
        }
        *counts
            .entry(format!("{}/{}", e["provider"].as_str().unwrap(), e["category"].as_str().unwrap()))
            .or_default() += 1;
    }
    counts
}

fn post_all(client: &reqwest::blocking::Client, base: &str, token: &str, chunks: &[(String, String)]) {
    for (provider, body) in chunks {
        let r =
            client.post(format!("{base}/v1/ingest/{provider}")).bearer_auth(token).body(body.clone()).send().unwrap();
        assert_eq!(r.status(), 200, "{}", r.text().unwrap_or_default());
    }
}

fn same_findings_as_hunt(database_url: Option<&str>) {
    let tenant = service::generate(7, 6_000);
    let expected = tenant.hunt_finding_ids();
    assert!(expected.len() > 10, "the generated tenant should hold attack stories: {expected:?}");
    let config = tenant.service_config(SERVER, database_url);
    let (ingest, admin) = (service::token(&config, "ingest"), service::token(&config, "admin"));
    let client = client();
    let mut svc = Service::start(&config, service::free_port());
    svc.wait_ready(&client);
    post_all(&client, &svc.base, &ingest, &tenant.chunks(250));
    service::drain(&client, &svc.base, &admin);
    assert_eq!(service::service_finding_ids(&client, &svc.base, &admin), expected);
    svc.terminate();
}

#[test]
fn posting_a_generated_tenant_gives_exactly_the_findings_of_hunt_on_sqlite() {
    same_findings_as_hunt(None);
}

#[test]
fn posting_a_generated_tenant_gives_exactly_the_findings_of_hunt_on_postgresql() {
    let schema = store::testing::PgSchema::new();
    same_findings_as_hunt(Some(&schema.url()));
}

/// At least this many SIGKILLs while the client posts.
const KILLS: usize = 20;

#[test]
fn sigkill_at_random_points_loses_no_acknowledged_event_and_repeats_no_finding() {
    let tenant = service::generate(11, 8_000);
    let expected_findings = tenant.hunt_finding_ids();
    let expected_events = normalized_counts(&tenant);
    let config = tenant.service_config(SERVER, None);
    let (ingest, admin) = (service::token(&config, "ingest"), service::token(&config, "admin"));
    let client = client();
    let port = service::free_port();
    let mut svc = Service::start(&config, port);
    svc.wait_ready(&client);
    let base = svc.base.clone();

    // The client posts small chunks in order and retries each until it is acknowledged;
    // an acknowledged chunk is never posted again, so a lost one would show in the counts.
    let chunks = tenant.chunks(10);
    let acked = Arc::new(AtomicUsize::new(0));
    let posting = Arc::new(AtomicBool::new(true));
    let kills = Arc::new(AtomicUsize::new(0));
    let poster = {
        let (acked, posting, base, ingest) = (acked.clone(), posting.clone(), base.clone(), ingest.clone());
        let kills = kills.clone();
        std::thread::spawn(move || {
            let client = reqwest::blocking::Client::builder().timeout(Duration::from_secs(5)).build().unwrap();
            let mut retries = 0usize;
            let total = chunks.len();
            for (i, (provider, body)) in chunks.iter().enumerate() {
                // Spread the kills over the whole upload, whatever the machine's speed.
                while kills.load(Ordering::SeqCst) + 1 < (i * (KILLS + 2)) / total {
                    std::thread::sleep(Duration::from_millis(5));
                }
                loop {
                    let sent = client
                        .post(format!("{base}/v1/ingest/{provider}"))
                        .bearer_auth(&ingest)
                        .body(body.clone())
                        .send();
                    match sent {
                        Ok(r) if r.status() == 200 => break,
                        Ok(r) if r.status().is_server_error() || r.status() == 429 => retries += 1,
                        Ok(r) => panic!("refused: {} {}", r.status(), r.text().unwrap_or_default()),
                        Err(_) => retries += 1,
                    }
                    std::thread::sleep(Duration::from_millis(10));
                }
                acked.fetch_add(1, Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(3));
            }
            posting.store(false, Ordering::SeqCst);
            (chunks.len(), retries)
        })
    };

    let mut rng = rand::rngs::StdRng::seed_from_u64(2026);
    while posting.load(Ordering::SeqCst) && kills.load(Ordering::SeqCst) < 200 {
        std::thread::sleep(Duration::from_millis(rng.random_range(20..250)));
        if !posting.load(Ordering::SeqCst) {
            break;
        }
        svc.kill();
        kills.fetch_add(1, Ordering::SeqCst);
        svc.restart();
        svc.wait_ready(&client);
    }
    let (chunk_count, retries) = poster.join().unwrap();
    let kills = kills.load(Ordering::SeqCst);
    assert_eq!(acked.load(Ordering::SeqCst), chunk_count);
    assert!(kills >= KILLS, "only {kills} kills happened while posting; post more or kill sooner");
    eprintln!(
        "{kills} kills, {retries} retried posts, {chunk_count} chunks, {} findings expected",
        expected_findings.len()
    );

    service::drain(&client, &base, &admin);
    assert_eq!(stored_counts(&client, &base, &admin), expected_events, "stored events differ from the tenant's");
    let found = service::service_finding_ids(&client, &base, &admin);
    let mut unique = found.clone();
    unique.dedup();
    assert_eq!(found.len(), unique.len(), "a finding is listed twice");
    assert_eq!(found, expected_findings);
    svc.terminate();
}
