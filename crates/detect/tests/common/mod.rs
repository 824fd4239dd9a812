//! Helpers for detector story tests: native log lines in, findings out, through the same
//! normalizers and engine as `hunt`.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod built;
pub mod native_lines;

#[allow(unused_imports)]
pub use built::*;

use detect::{Config, Engine, Report};
use model::{Event, Severity};

/// Normalizes each (file name, native NDJSON text), sorts by event time, and hunts.
pub fn hunt(config_toml: &str, files: &[(&str, &str)]) -> Report {
    hunt_with_graph(config_toml, graph::Graph::new(), files)
}

/// [`hunt`] with an identity graph loaded (an inventory).
pub fn hunt_with_graph(config_toml: &str, graph: graph::Graph, files: &[(&str, &str)]) -> Report {
    hunt_full(config_toml, graph, None, files)
}

/// [`hunt`] with an enrollment gate (FW-012).
pub fn hunt_gated(
    config_toml: &str,
    gate: std::sync::Arc<dyn detect::EnrollmentGate>,
    files: &[(&str, &str)],
) -> Report {
    hunt_full(config_toml, graph::Graph::new(), Some(gate), files)
}

fn hunt_full(
    config_toml: &str,
    graph: graph::Graph,
    gate: Option<std::sync::Arc<dyn detect::EnrollmentGate>>,
    files: &[(&str, &str)],
) -> Report {
    let config: Config = toml::from_str(config_toml).unwrap_or_else(|e| panic!("config: {e}"));
    let mut opts = ingest::Options::default();
    for (provider, tenant) in &config.tenants {
        opts.set_tenant(model::Provider::parse(provider).unwrap(), tenant);
    }
    let mut events: Vec<Event> = Vec::new();
    for (name, text) in files {
        let (mut evs, tally) = ingest::normalize_text(name, text, &opts);
        let problems: Vec<String> = tally.diagnostics.iter().map(|d| d.to_string()).collect();
        assert!(problems.is_empty(), "story logs must normalize cleanly:\n{}", problems.join("\n"));
        events.append(&mut evs);
    }
    events.sort_by(detect::order::compare);
    let mut engine = Engine::with_graph(&config, graph).unwrap();
    engine.set_gate(gate);
    for e in &events {
        engine.process(e);
    }
    engine.finish()
}

/// Hunts already-normalized events, sorted by time here.
pub fn hunt_events(config: &Config, mut events: Vec<Event>) -> Report {
    events.sort_by(|a, b| {
        (a.time, a.provider, &a.tenant, &a.id, a.category).cmp(&(b.time, b.provider, &b.tenant, &b.id, b.category))
    });
    let mut engine = Engine::new(config).unwrap();
    for e in &events {
        engine.process(e);
    }
    engine.finish()
}

/// `FW-002 high alice@acme.com` per finding, sorted, for compact assertions.
pub fn fired(report: &Report) -> Vec<String> {
    let mut out: Vec<String> = report
        .findings
        .iter()
        .map(|f| format!("{} {} {}", f.detector, f.severity, f.identity.name.as_deref().unwrap_or(&f.identity.id)))
        .collect();
    out.sort();
    out
}

/// The findings of one detector.
pub fn of<'r>(report: &'r Report, detector: &str) -> Vec<&'r model::Finding> {
    report.findings.iter().filter(|f| f.detector == detector).collect()
}

pub fn has(report: &Report, detector: &str, severity: Severity) -> bool {
    report.findings.iter().any(|f| f.detector == detector && f.severity == severity)
}

/// Settings that load the test GeoIP databases (crates/detect/tests/data: 198.51.100.0/24 is
/// Tokyo and 192.0.2.0/24 Paris, on two networks), for records that carry only an IP.
pub fn geoip_config() -> String {
    let data = |file: &str| format!("{}/tests/data/{file}", env!("CARGO_MANIFEST_DIR"));
    format!("[geoip]\ncity_database = \"{}\"\nasn_database = \"{}\"\n", data("test-city.mmdb"), data("test-asn.mmdb"))
}
