//! Per-record normalization cost on realistic Okta and Entra records, next to the cost of
//! only parsing the same bytes into a `serde_json::Value` (the peer: what any normalizer
//! built on a generic JSON tree pays before reading a field).
//!
//! Records come from `../shared/samples` (or `FACTORWATCH_SAMPLES`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use ingest::{Options, Tally, record::normalize_record};
use model::SourceRef;
use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Arc;

fn sample_line(rel: &str, line: usize) -> Vec<u8> {
    let dir = std::env::var("FACTORWATCH_SAMPLES")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/samples"));
    let text = std::fs::read_to_string(dir.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    text.lines().nth(line - 1).unwrap_or_else(|| panic!("{rel} has no line {line}")).as_bytes().to_vec()
}

fn normalize(c: &mut Criterion) {
    let records = [
        ("okta_session_start", sample_line("ocsf-examples/okta_systemlog.ndjson", 3)),
        ("entra_signin", sample_line("elastic-integrations/azure/entra_signinlogs_portal_sample.ndjson", 1)),
        (
            "entra_audit_sp_credentials",
            sample_line("elastic-integrations/azure/entra_auditlogs_sp_credentials.ndjson", 1),
        ),
    ];
    let opts = Options::default();
    let at = SourceRef::new(Arc::from("bench.ndjson"), 1);
    for (name, line) in records {
        let mut group = c.benchmark_group(name);
        group.throughput(Throughput::Bytes(line.len() as u64));
        let mut events = Vec::with_capacity(8);
        let mut tally = Tally::default();
        group.bench_function("factorwatch_normalize", |b| {
            b.iter_batched_ref(
                || line.clone(),
                |bytes| {
                    events.clear();
                    normalize_record(bytes, &at, &opts, &mut events, &mut tally);
                    black_box(events.len())
                },
                BatchSize::SmallInput,
            )
        });
        assert!(tally.diagnostics.is_empty(), "{name}: {:?}", tally.diagnostics);
        group.bench_function("peer_serde_json_value_parse_only", |b| {
            b.iter(|| black_box(serde_json::from_slice::<serde_json::Value>(black_box(&line)).is_ok()))
        });
        group.finish();
    }
}

criterion_group!(benches, normalize);
criterion_main!(benches);
