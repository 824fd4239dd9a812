//! Stream mode on a generated tenant (`synth`, 100,000 lines by default): push + release
//! throughput with events delivered up to 30 minutes late (lateness 31 minutes), next to
//! the batch engine on the same events already sorted (the peer: what `hunt` pays after
//! sorting); and snapshot size, snapshot time and restore time, mid-run (events buffered)
//! and at the end.
//!
//! Before criterion's runs (which report means) it prints one timed pass of each:
//! `cargo bench -p factorwatch-detect --bench stream`. `FACTORWATCH_BENCH_EVENTS` changes
//! the size.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{DateTime, Duration, Utc};
use criterion::{Criterion, Throughput};
use detect::{Config, Engine, Stream};
use model::Event;
use std::hint::black_box;
use std::time::Instant;

const LATENESS: std::time::Duration = std::time::Duration::from_secs(31 * 60);

/// The generated tenant's events, normalized, and its config.
fn tenant(events: usize) -> (Config, Vec<Event>) {
    let dir = tempfile::tempdir().unwrap();
    let cfg = synth::Config { seed: 7, events, ..synth::Config::default() };
    synth::generate(&cfg, dir.path()).unwrap();
    let config = Config::load(&dir.path().join("factorwatch.toml")).unwrap();
    let mut opts = ingest::Options::default();
    for (provider, tenant) in &config.tenants {
        opts.set_tenant(model::Provider::parse(provider).unwrap(), tenant);
    }
    let inputs =
        config.sources.values().map(|s| ingest::Input::Path(dir.path().join(s.path.as_deref().unwrap()))).collect();
    let mut out = Vec::new();
    ingest::Pipeline::new(opts).run(inputs, &mut |e| out.push(e));
    (config, out)
}

/// The events as a store receives them: each delivered up to 30 minutes after it happened.
fn delivered(events: &[Event]) -> Vec<Event> {
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut keyed: Vec<(DateTime<Utc>, usize, &Event)> = events
        .iter()
        .enumerate()
        .map(|(i, e)| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (e.time + Duration::seconds((state % 1801) as i64), i, e)
        })
        .collect();
    keyed.sort_by_key(|(at, i, _)| (*at, *i));
    keyed.into_iter().map(|(_, _, e)| e.clone()).collect()
}

fn run_stream(config: &Config, events: &[Event]) -> Stream {
    let mut stream = Stream::new(Engine::new(config).unwrap(), LATENESS);
    for (i, e) in events.iter().enumerate() {
        stream.push(i as i64 + 1, e.clone());
        stream.release();
    }
    stream
}

fn run_batch(config: &Config, sorted: &[Event]) -> Engine {
    let mut engine = Engine::new(config).unwrap();
    for e in sorted {
        engine.process(e);
    }
    engine
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, f64) {
    let start = Instant::now();
    let out = f();
    (out, start.elapsed().as_secs_f64())
}

fn main() {
    let test_mode = std::env::args().any(|a| a == "--test");
    let size: usize = std::env::var("FACTORWATCH_BENCH_EVENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if test_mode { 5_000 } else { 100_000 });
    let (config, events) = tenant(size);
    let arrived = delivered(&events);
    let mut sorted = events.clone();
    sorted.sort_by(detect::order::compare);
    let n = events.len();

    let (stream, secs) = timed(|| run_stream(&config, &arrived));
    println!("stream push+release: {n} events in {secs:.3} s, {:.0} events/s", n as f64 / secs);
    let (_, secs) = timed(|| run_batch(&config, &sorted));
    println!("peer batch process (sorted): {n} events in {secs:.3} s, {:.0} events/s", n as f64 / secs);

    let mid = run_stream(&config, &arrived[..n / 2]);
    for (name, s) in [("mid-run", &mid), ("end", &stream)] {
        let (bytes, save) = timed(|| s.snapshot().unwrap());
        let (_, load) = timed(|| Stream::restore(&config, &bytes).unwrap());
        println!(
            "snapshot {name}: {} identities, {} events buffered, {:.1} KiB, snapshot {:.1} ms, restore {:.1} ms",
            s.engine().identities().len(),
            s.buffered(),
            bytes.len() as f64 / 1024.0,
            save * 1e3,
            load * 1e3
        );
    }

    let mut c = Criterion::default().configure_from_args().sample_size(10);
    let mut group = c.benchmark_group("stream");
    group.throughput(Throughput::Elements(n as u64));
    group.bench_function("push_release", |b| b.iter(|| black_box(run_stream(&config, &arrived).buffered())));
    group.bench_function("peer_batch_process_sorted", |b| b.iter(|| black_box(run_batch(&config, &sorted).events())));
    group.finish();
    let bytes = stream.snapshot().unwrap();
    let mut group = c.benchmark_group("snapshot");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("write", |b| b.iter(|| black_box(stream.snapshot().unwrap().len())));
    group.bench_function("restore", |b| b.iter(|| black_box(Stream::restore(&config, &bytes).unwrap().cursor())));
    group.finish();
    c.final_summary();
}
