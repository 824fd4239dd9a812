//! `factorwatch serve` as a process: a generated tenant posted to it gives the findings
//! `hunt` gives on the same files, and SIGKILL at random points while a client posts loses
//! no acknowledged event and duplicates no finding; nor do SIGKILLs right after the last chunk
//! of an upload or while a drain runs (each round ends with exactly the findings of `hunt`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::service::{self, Service};
use rand::{Rng, SeedableRng};
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
    let started = std::time::Instant::now();
    let tenant = service::generate(11, 8_000);
    let expected_findings = tenant.hunt_finding_ids();
    let expected_events = service::normalized_counts(&tenant);
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
        "{kills} kills, {retries} retried posts, {chunk_count} chunks, {} findings expected, {:.1} s",
        expected_findings.len(),
        started.elapsed().as_secs_f64()
    );

    service::drain(&client, &base, &admin);
    assert_eq!(
        service::stored_counts(&client, &base, &admin),
        expected_events,
        "stored events differ from the tenant's"
    );
    let found = service::service_finding_ids(&client, &base, &admin);
    let mut unique = found.clone();
    unique.dedup();
    assert_eq!(found.len(), unique.len(), "a finding is listed twice");
    assert_eq!(found, expected_findings);
    svc.terminate();
}

/// One round: a small tenant posted with a SIGKILL right after one chunk mid-upload and
/// right after the last one, then SIGKILLs while drains run; after the last restart a drain
/// must give exactly hunt's findings and every event stored once. Returns (kills, drains
/// the kill interrupted).
fn round_of_kills_at_the_end_and_during_drains(seed: u64) -> (usize, usize) {
    let tenant = service::generate(seed, 1_500);
    let expected_findings = tenant.hunt_finding_ids();
    let expected_events = service::normalized_counts(&tenant);
    assert!(expected_findings.len() > 5, "seed {seed}: the tenant should hold attack stories: {expected_findings:?}");
    let config = tenant.service_config(SERVER, None);
    let (ingest, admin) = (service::token(&config, "ingest"), service::token(&config, "admin"));
    let client = client();
    let mut svc = Service::start(&config, service::free_port());
    svc.wait_ready(&client);
    let base = svc.base.clone();
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let (mut kills, mut interrupted) = (0, 0);

    let chunks = tenant.chunks(25);
    let mid = rng.random_range(1..chunks.len() - 1);
    for (i, (provider, body)) in chunks.iter().enumerate() {
        service::post_until_acked(&client, &base, &ingest, provider, body);
        // Right after the acknowledgement: the worker has at most been woken.
        if i == mid || i == chunks.len() - 1 {
            svc.kill();
            kills += 1;
            svc.restart();
            svc.wait_ready(&client);
        }
    }
    for _ in 0..2 {
        let drained = Arc::new(AtomicBool::new(false));
        let request = {
            let (drained, base, admin) = (drained.clone(), base.clone(), admin.clone());
            std::thread::spawn(move || {
                let client = reqwest::blocking::Client::builder().timeout(Duration::from_secs(30)).build().unwrap();
                let answer = client.post(format!("{base}/v1/admin/drain")).bearer_auth(&admin).send();
                drained.store(answer.is_ok_and(|r| r.status() == 200), Ordering::SeqCst);
            })
        };
        // Kill once the worker is seen flushing, a few milliseconds in: a fixed sleep would
        // land after a quick drain on a fast machine and before the request on a slow one.
        let seen_pending = wait_for_pending_drain(&client, &base, &admin, &drained);
        std::thread::sleep(Duration::from_millis(rng.random_range(0..5)));
        let finished_before = drained.load(Ordering::SeqCst);
        svc.kill();
        kills += 1;
        request.join().unwrap();
        interrupted += usize::from(seen_pending && !finished_before);
        svc.restart();
        svc.wait_ready(&client);
    }

    service::drain(&client, &base, &admin);
    assert_eq!(service::stored_counts(&client, &base, &admin), expected_events, "seed {seed}: stored events differ");
    let found = service::service_finding_ids(&client, &base, &admin);
    let mut unique = found.clone();
    unique.dedup();
    assert_eq!(found.len(), unique.len(), "seed {seed}: a finding is listed twice");
    assert_eq!(found.len(), expected_findings.len(), "seed {seed}: {found:?}");
    assert_eq!(found, expected_findings, "seed {seed}");
    svc.terminate();
    (kills, interrupted)
}

/// Waits until `/metrics` shows a drain the worker has not finished (true), or the drain
/// answered first (false).
fn wait_for_pending_drain(client: &reqwest::blocking::Client, base: &str, admin: &str, drained: &AtomicBool) -> bool {
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while !drained.load(Ordering::SeqCst) && std::time::Instant::now() < deadline {
        let text = client.get(format!("{base}/metrics")).bearer_auth(admin).send().and_then(|r| r.text());
        let pending = text.ok().and_then(|t| {
            t.lines()
                .find_map(|l| l.strip_prefix("factorwatch_drains_pending ").and_then(|v| v.trim().parse::<u64>().ok()))
        });
        if pending.is_some_and(|n| n > 0) {
            return true;
        }
    }
    false
}

fn rounds_of_kills_at_the_end_and_during_drains(seeds: &[u64]) {
    let started = std::time::Instant::now();
    let (mut kills, mut interrupted) = (0, 0);
    for &seed in seeds {
        let (k, i) = round_of_kills_at_the_end_and_during_drains(seed);
        kills += k;
        interrupted += i;
    }
    // Two drains a round; a drain that finished before the kill leaves the next one little to do.
    assert!(interrupted >= seeds.len(), "only {interrupted} of {} drains were killed mid-way", 2 * seeds.len());
    eprintln!(
        "{kills} kills ({interrupted} during a drain) in {} rounds, {:.1} s",
        seeds.len(),
        started.elapsed().as_secs_f64()
    );
}

#[test]
fn sigkill_after_the_last_chunk_and_during_drains_keeps_hunts_findings_first_rounds() {
    rounds_of_kills_at_the_end_and_during_drains(&[31, 32, 33, 34]);
}

#[test]
fn sigkill_after_the_last_chunk_and_during_drains_keeps_hunts_findings_last_rounds() {
    rounds_of_kills_at_the_end_and_during_drains(&[35, 36, 37, 38]);
}
