//! Decision latency per request over a mix of request kinds.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod mix;

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

fn decide(c: &mut Criterion) {
    let point = mix::point();
    let requests = mix::mix();
    let now = mix::now();
    let mut i = 0;
    c.bench_function("decide/mix", |b| {
        b.iter(|| {
            let (req, ident) = &requests[i % requests.len()];
            i += 1;
            black_box(point.decide(req, ident, now).unwrap())
        })
    });
    let (req, ident) = &requests[0];
    c.bench_function("decide/tier2_allow", |b| b.iter(|| black_box(point.decide(req, ident, now).unwrap())));
}

criterion_group!(benches, decide);
criterion_main!(benches);
