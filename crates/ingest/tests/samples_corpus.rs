//! The public sample corpus (`../shared/samples`) as a conformance test: every record is
//! normalized or reported as not identity-relevant, none is a problem, and the whole
//! normalized output is a reviewed snapshot.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use serde_json::Value;
use std::fmt::Write;

fn manifest_files() -> Vec<String> {
    let text = std::fs::read_to_string(common::samples_dir().join("manifest.json")).unwrap();
    let manifest: Vec<Value> = serde_json::from_str(&text).unwrap();
    manifest.iter().map(|f| f["file"].as_str().unwrap().to_string()).collect()
}

#[test]
fn every_sample_record_is_normalized_or_not_relevant() {
    let mut total = 0;
    for file in manifest_files() {
        let (_, tally) = common::sample(&file);
        common::assert_clean(&tally);
        assert_eq!(tally.records, tally.relevant + tally.not_relevant_total(), "{file}: records unaccounted for");
        total += tally.records;
    }
    assert_eq!(total, 892, "the samples README counts 892 events");
}

#[test]
fn normalized_corpus_matches_the_reviewed_snapshot() {
    let mut text = String::new();
    for file in manifest_files() {
        let (events, tally) = common::sample(&file);
        writeln!(
            text,
            "## {file}: {} records, {} events, {} not relevant",
            tally.records,
            events.len(),
            tally.not_relevant_total()
        )
        .unwrap();
        for event in &events {
            writeln!(text, "{}", serde_json::to_string(event).unwrap()).unwrap();
        }
        for ((provider, action), n) in &tally.not_relevant {
            writeln!(text, "not relevant: {provider} {action} ×{n}").unwrap();
        }
        for d in &tally.diagnostics {
            writeln!(text, "problem: {d}").unwrap();
        }
    }
    insta::assert_snapshot!("samples", text);
}
