//! `factorwatch serve` on a PostgreSQL server that goes away mid-ingest and comes back: the
//! service heals by itself (no restart), says it is unhealthy while it cannot work, stores
//! every acknowledged event once and ends with the findings `hunt` gives.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::postgres::Cluster;
use common::service::{self, Service};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const SERVER: &str = r#"
flush_after = "1h"
snapshot_every_events = 500
database_connections = 4
"#;

/// How long the database stays down.
const OUTAGE: Duration = Duration::from_secs(15);

/// `/healthz` answers seen, with when (since the test started).
type Seen = Arc<Mutex<Vec<(Duration, u16)>>>;

#[test]
fn a_database_outage_mid_ingest_heals_without_a_restart_and_loses_nothing() {
    let started = Instant::now();
    let mut cluster = Cluster::start();
    let tenant = service::generate(23, 5_000);
    let expected_findings = tenant.hunt_finding_ids();
    let expected_events = service::normalized_counts(&tenant);
    assert!(expected_findings.len() > 10, "the generated tenant should hold attack stories");
    let config = tenant.service_config(SERVER, Some(&cluster.url()));
    let (ingest, admin) = (service::token(&config, "ingest"), service::token(&config, "admin"));
    let client = reqwest::blocking::Client::builder().timeout(Duration::from_secs(30)).build().unwrap();
    let mut svc = Service::start(&config, service::free_port());
    svc.wait_ready(&client);
    let pid = svc.child.id();
    let base = svc.base.clone();

    // Health, polled all along.
    let seen: Seen = Arc::default();
    let watching = Arc::new(AtomicBool::new(true));
    let watcher = {
        let (seen, watching, base) = (seen.clone(), watching.clone(), base.clone());
        std::thread::spawn(move || {
            let client = reqwest::blocking::Client::builder().timeout(Duration::from_secs(10)).build().unwrap();
            while watching.load(Ordering::SeqCst) {
                if let Ok(r) = client.get(format!("{base}/healthz")).send() {
                    seen.lock().unwrap().push((started.elapsed(), r.status().as_u16()));
                }
                std::thread::sleep(Duration::from_millis(200));
            }
        })
    };

    // The client posts in order and retries each chunk until it is acknowledged.
    let chunks = tenant.chunks(20);
    let total = chunks.len();
    let acked = Arc::new(AtomicUsize::new(0));
    let poster = {
        let (acked, base, ingest) = (acked.clone(), base.clone(), ingest.clone());
        std::thread::spawn(move || {
            let client = reqwest::blocking::Client::builder().timeout(Duration::from_secs(10)).build().unwrap();
            let mut retries = 0;
            for (provider, body) in &chunks {
                retries += service::post_until_acked(&client, &base, &ingest, provider, body);
                acked.fetch_add(1, Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(5));
            }
            retries
        })
    };

    while acked.load(Ordering::SeqCst) < total / 3 {
        std::thread::sleep(Duration::from_millis(20));
    }
    let down_at = started.elapsed();
    cluster.stop();
    let acked_before = acked.load(Ordering::SeqCst);
    std::thread::sleep(OUTAGE);
    let acked_during = acked.load(Ordering::SeqCst) - acked_before;
    cluster.resume();
    let up_at = started.elapsed();

    // Recovered: the first healthy answer and the first acknowledged chunk after the restart.
    let acked_at_up = acked.load(Ordering::SeqCst);
    let mut first_ack_after = None;
    while first_ack_after.is_none() && started.elapsed() < up_at + Duration::from_secs(60) {
        if acked.load(Ordering::SeqCst) > acked_at_up {
            first_ack_after = Some(started.elapsed() - up_at);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let retries = poster.join().unwrap();
    assert_eq!(acked.load(Ordering::SeqCst), total);
    service::drain_retrying(&client, &base, &admin);
    std::thread::sleep(Duration::from_millis(600));
    watching.store(false, Ordering::SeqCst);
    watcher.join().unwrap();

    assert!(svc.child.try_wait().unwrap().is_none(), "the service exited");
    assert_eq!(svc.child.id(), pid, "the service was restarted");
    let seen = seen.lock().unwrap().clone();
    let unhealthy_during = seen.iter().any(|(t, s)| *t > down_at && *t < up_at && *s == 503);
    assert!(unhealthy_during, "/healthz never said 503 while the database was down: {seen:?}");
    let healthy_again = seen.iter().find(|(t, s)| *t > up_at && *s == 200).map(|(t, _)| *t - up_at);
    assert!(healthy_again.is_some(), "/healthz never said 200 after the database came back: {seen:?}");
    let last = seen.last().unwrap();
    assert_eq!(last.1, 200, "/healthz at the end: {seen:?}");
    let health: serde_json::Value = client.get(format!("{base}/healthz")).send().unwrap().json().unwrap();
    assert_eq!(health["status"], "ok", "{health}");

    assert_eq!(service::stored_counts(&client, &base, &admin), expected_events, "stored events differ");
    let found = service::service_finding_ids(&client, &base, &admin);
    let mut unique = found.clone();
    unique.dedup();
    assert_eq!(found.len(), unique.len(), "a finding is listed twice");
    assert_eq!(found.len(), expected_findings.len());
    assert_eq!(found, expected_findings);
    eprintln!(
        "outage {:.1} s after {acked_before} of {total} chunks ({acked_during} acknowledged during it, {retries} retried posts); \
         healthy again {:.1} s and first chunk acknowledged {:.1} s after the database came back; test took {:.1} s",
        OUTAGE.as_secs_f64(),
        healthy_again.unwrap().as_secs_f64(),
        first_ack_after.map_or(f64::NAN, |d| d.as_secs_f64()),
        started.elapsed().as_secs_f64()
    );
    svc.terminate();
}
