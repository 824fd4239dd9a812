//! Enrollment decision latency over HTTP at a fixed arrival rate: a real service (SQLite in
//! a temporary folder) holding a generated tenant's detection state, asked
//! `POST /v1/decisions/enrollment` for random identities and factor kinds. Requests are
//! sent on schedule whether or not earlier ones have answered, and each latency is measured
//! from its scheduled time (no coordinated omission). Every decision is filed in the ledger,
//! as in production.
//!
//! `cargo bench -p factorwatch-server --bench decide_http`; FW_RATE (default 1000/s) and
//! FW_SECONDS (default 20) change the load.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    if std::env::args().skip(1).any(|a| !a.starts_with("--") && a != "decide_http") {
        return;
    }
    let rate = env("FW_RATE", 1000).max(1);
    let seconds = env("FW_SECONDS", 20).max(1);

    let data = tempfile::tempdir().unwrap();
    let tenant = tempfile::tempdir().unwrap();
    synth::generate(&synth::Config { seed: 7, events: 50_000, ..synth::Config::default() }, tenant.path()).unwrap();
    let settings = std::fs::read_to_string(tenant.path().join("factorwatch.toml")).unwrap();
    let mut config = server::ServiceConfig::parse(&format!(
        "{settings}\n[server]\nflush_after = \"1h\"\nmax_body_bytes = 268435456\n"
    ))
    .unwrap();
    config.server.data_dir = Some(data.path().to_path_buf());
    let (admin, ingest) = {
        let mut store = server::open_store(&config, 1).unwrap().pop().unwrap();
        let now = chrono::Utc::now();
        let (admin, a) = server::auth::new_token("bench-admin", store::Role::Admin, now);
        let (ingest, i) = server::auth::new_token("bench-idp", store::Role::Ingest, now);
        store.create_token(&a).unwrap();
        store.create_token(&i).unwrap();
        (admin, ingest)
    };
    let stores = server::open_store(&config, config.server.database_connections).unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    // The service runs on a runtime of its own, as it would in its own process; the client
    // (this runtime) shares only the machine's two cores with it.
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        runtime.block_on(async move {
            listener.set_nonblocking(true).unwrap();
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            let service = server::Service::start(config, stores).unwrap();
            service.serve(listener, std::future::pending()).await.unwrap();
        });
    });
    let client = reqwest::Client::builder().pool_max_idle_per_host(256).build().unwrap();
    while client.get(format!("{base}/readyz")).send().await.map(|r| !r.status().is_success()).unwrap_or(true) {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // The tenant's state: every native log file through the ingest endpoint, then drained.
    for (folder, provider) in [
        ("okta", "okta"),
        ("entra", "entra"),
        ("aws", "aws"),
        ("google", "google"),
        ("github", "github"),
        ("duo", "duo"),
    ] {
        let Ok(entries) = std::fs::read_dir(tenant.path().join(folder)) else { continue };
        for entry in entries {
            let body = std::fs::read(entry.unwrap().path()).unwrap();
            let r = client
                .post(format!("{base}/v1/ingest/{provider}"))
                .bearer_auth(&ingest)
                .body(body)
                .send()
                .await
                .unwrap();
            assert!(r.status().is_success(), "{}", r.text().await.unwrap());
        }
    }
    let r = client.post(format!("{base}/v1/admin/drain")).bearer_auth(&admin).send().await.unwrap();
    assert!(r.status().is_success());
    let identities: Value = client
        .get(format!("{base}/v1/identities?limit=500"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let keys: Vec<(String, String, String)> = identities["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| matches!(i["key"]["provider"].as_str(), Some("okta" | "entra")))
        .map(|i| {
            let k = &i["key"];
            (
                k["provider"].as_str().unwrap().into(),
                k["tenant"].as_str().unwrap().into(),
                k["id"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert!(!keys.is_empty());
    let tiers = identities["items"].as_array().unwrap().iter().filter(|i| i["tier"].as_u64() == Some(0)).count();
    let kinds = [
        ("OKTA_VERIFY_PUSH", "app"),
        ("sms", "possession_weak"),
        ("webauthn", "phishing_resistant"),
        ("recovery_email", "knowledge"),
    ];
    let mut rng = rand::rngs::StdRng::seed_from_u64(11);
    let total = (rate * seconds) as usize;
    let bodies: Vec<Value> = (0..total)
        .map(|_| {
            let (provider, tenant, id) = &keys[rng.random_range(0..keys.len())];
            let (kind, class) = kinds[rng.random_range(0..kinds.len())];
            json!({"provider": provider, "tenant": tenant, "identity": id, "factor": {"kind": kind, "class": class},
                   "context": {"ip": "198.51.100.7", "device_id": "dev-1", "geo": {"country": "DE"}, "session_aal": rng.random_range(1..=3)}})
        })
        .collect();
    // Warm-up: connections, caches.
    for body in bodies.iter().take(500) {
        client.post(format!("{base}/v1/decisions/enrollment")).bearer_auth(&ingest).json(body).send().await.unwrap();
    }

    // Service times one at a time, by layer: the HTTP round trip, + token check and a read,
    // + a decision.
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    for (name, path, post) in [
        ("healthz", "/healthz", false),
        ("auth + read", "/v1/decisions/dec_none", false),
        ("decision", "/v1/decisions/enrollment", true),
    ] {
        let mut times = Vec::new();
        for body in bodies.iter().take(300) {
            let began = Instant::now();
            let request = if post {
                client.post(format!("{base}{path}")).bearer_auth(&ingest).json(body)
            } else {
                client.get(format!("{base}{path}")).bearer_auth(&admin)
            };
            request.send().await.unwrap().bytes().await.unwrap();
            times.push(began.elapsed());
        }
        times.sort();
        println!(
            "  one at a time, {name}: p50 {:.3} ms  p99 {:.3} ms",
            ms(percentile(&times, 0.5)),
            ms(percentile(&times, 0.99))
        );
    }

    let interval = Duration::from_nanos(1_000_000_000 / rate);
    let start = Instant::now() + Duration::from_millis(100);
    // The schedule is kept by a plain thread that sleeps most of each gap and spins the
    // rest: the runtime's timer wakes up to a millisecond late, which would be counted
    // against the service.
    let runtime = tokio::runtime::Handle::current();
    let url = format!("{base}/v1/decisions/enrollment");
    let pacer = std::thread::spawn(move || {
        let mut tasks = Vec::with_capacity(total);
        for (i, body) in bodies.into_iter().enumerate() {
            let due = start + interval * i as u32;
            let now = Instant::now();
            if due > now + Duration::from_micros(100) {
                std::thread::sleep(due - now - Duration::from_micros(100));
            }
            while Instant::now() < due {
                std::hint::spin_loop();
            }
            let (client, url, token) = (client.clone(), url.clone(), ingest.clone());
            tasks.push(runtime.spawn(async move {
                let r = client.post(url).bearer_auth(token).json(&body).send().await.unwrap();
                let ok = r.status().as_u16() == 201;
                let outcome: Value = r.json().await.unwrap_or(Value::Null);
                (
                    Instant::now().saturating_duration_since(due),
                    ok,
                    outcome["outcome"].as_str().unwrap_or("").to_string(),
                )
            }));
        }
        tasks
    });
    let tasks = tokio::task::spawn_blocking(move || pacer.join().unwrap()).await.unwrap();
    let mut latencies = Vec::with_capacity(total);
    let mut outcomes = std::collections::BTreeMap::<String, usize>::new();
    let mut failed = 0;
    for t in tasks {
        let (latency, ok, outcome) = t.await.unwrap();
        latencies.push(latency);
        failed += usize::from(!ok);
        *outcomes.entry(outcome).or_default() += 1;
    }
    let elapsed = start.elapsed();
    latencies.sort();
    println!(
        "decide_http: {total} decisions at {rate}/s target over {:.1} s; {} identities known ({} okta/entra asked, {tiers} tier 0); {failed} failed",
        elapsed.as_secs_f64(),
        identities["items"].as_array().unwrap().len(),
        keys.len()
    );
    println!("  outcomes: {outcomes:?}");
    println!(
        "  latency from schedule: p50 {:.3} ms  p90 {:.3} ms  p99 {:.3} ms  p99.9 {:.3} ms  max {:.3} ms",
        ms(percentile(&latencies, 0.50)),
        ms(percentile(&latencies, 0.90)),
        ms(percentile(&latencies, 0.99)),
        ms(percentile(&latencies, 0.999)),
        ms(*latencies.last().unwrap())
    );
    assert_eq!(failed, 0);
}
