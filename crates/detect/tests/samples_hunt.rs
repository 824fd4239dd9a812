//! Hunting the public sample corpus (`../shared/samples`) completes, and what it finds is a
//! reviewed snapshot: one line per finding with its id, detector, severity, identity and
//! summary.

mod common;

use std::fmt::Write;
use std::path::PathBuf;

fn samples_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("FACTORWATCH_SAMPLES") {
        return PathBuf::from(dir);
    }
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/samples");
    assert!(dir.is_dir(), "samples not found at {}: set FACTORWATCH_SAMPLES", dir.display());
    dir
}

#[test]
fn hunting_the_sample_corpus_gives_the_reviewed_findings() {
    let dir = samples_dir();
    let manifest: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    let mut events = Vec::new();
    for file in manifest.iter().filter_map(|f| f["file"].as_str()) {
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        let (mut evs, tally) = ingest::normalize_text(file, &text, &ingest::Options::default());
        assert!(tally.diagnostics.is_empty(), "{file}: {:?}", tally.diagnostics);
        events.append(&mut evs);
    }
    let report = common::hunt_events(&detect::Config::default(), events);
    let mut text =
        format!("{} events, {} incidents, {} findings\n", report.events, report.incidents.len(), report.findings.len());
    for f in &report.findings {
        let who = f.identity.name.as_deref().unwrap_or(&f.identity.id);
        writeln!(
            text,
            "{} {} {} {} {}/{}: {}",
            f.id, f.incident, f.detector, f.severity, f.identity.provider, who, f.summary
        )
        .unwrap();
    }
    insta::assert_snapshot!("sample_findings", text);
}
