//! Decision latency at a fixed arrival rate, in process: requests are scheduled every
//! 1/rate seconds and each latency is measured from its scheduled time, so a slow decision
//! that delays the next ones shows up (no coordinated omission).
//!
//! `cargo bench -p factorwatch-policy --bench decide_rate`; FW_RATE (default 1000/s) and
//! FW_SECONDS (default 10) change the load.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod mix;

use std::hint::black_box;
use std::time::{Duration, Instant};

const SPIN: Duration = Duration::from_micros(300);

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn main() {
    // `cargo bench` passes `--bench`; a filter argument that is not ours means skip.
    if std::env::args().skip(1).any(|a| !a.starts_with("--") && a != "decide_rate") {
        return;
    }
    let rate = env("FW_RATE", 1000).max(1);
    let seconds = env("FW_SECONDS", 10).max(1);
    let point = mix::point();
    let requests = mix::mix();
    let now = mix::now();
    // Warm up caches and the allocator.
    for (req, ident) in requests.iter().cycle().take(2000) {
        black_box(point.decide(req, ident, now).unwrap());
    }
    let total = (rate * seconds) as usize;
    let interval = Duration::from_nanos(1_000_000_000 / rate);
    let mut from_schedule = Vec::with_capacity(total);
    let mut service = Vec::with_capacity(total);
    let start = Instant::now();
    for i in 0..total {
        let due = start + interval * i as u32;
        // Sleep most of the gap, then spin: a sleep alone wakes late by tens to hundreds of
        // microseconds, which would be counted against the decision.
        let now_i = Instant::now();
        if due > now_i + SPIN {
            std::thread::sleep(due - now_i - SPIN);
        }
        while Instant::now() < due {
            std::hint::spin_loop();
        }
        let (req, ident) = &requests[i % requests.len()];
        let began = Instant::now();
        black_box(point.decide(req, ident, now).unwrap());
        let done = Instant::now();
        service.push(done - began);
        from_schedule.push(done.saturating_duration_since(due));
    }
    let elapsed = start.elapsed();
    from_schedule.sort();
    service.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "decide_rate: {total} decisions at {rate}/s target, {:.0}/s achieved over {:.1} s",
        total as f64 / elapsed.as_secs_f64(),
        elapsed.as_secs_f64()
    );
    for (name, v) in [("from schedule", &from_schedule), ("service time", &service)] {
        println!(
            "  {name:>13}: p50 {:.3} ms  p99 {:.3} ms  p99.9 {:.3} ms  max {:.3} ms",
            ms(percentile(v, 0.50)),
            ms(percentile(v, 0.99)),
            ms(percentile(v, 0.999)),
            ms(*v.last().unwrap())
        );
    }
}
