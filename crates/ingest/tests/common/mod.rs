//! Helpers shared by the ingest integration tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use ingest::{Options, Tally};
use model::Event;
use std::path::PathBuf;

/// `../shared/samples` beside the repository (CI lays it out the same way), or
/// `FACTORWATCH_SAMPLES`. Missing samples fail the test: they are the conformance corpus.
pub fn samples_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("FACTORWATCH_SAMPLES") {
        return PathBuf::from(dir);
    }
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/samples");
    assert!(dir.is_dir(), "samples not found at {}: set FACTORWATCH_SAMPLES", dir.display());
    dir
}

pub fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn normalize_path(path: PathBuf, name: &str) -> (Vec<Event>, Tally) {
    normalize_with(path, name, &Options::default())
}

fn normalize_with(path: PathBuf, name: &str, opts: &Options) -> (Vec<Event>, Tally) {
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    ingest::normalize_text(name, &text, opts)
}

/// Like [`sample`], but keeps events that repeat one already read: for tests of how each
/// record is read, where sample files reuse one id for variants of a record.
pub fn sample_keeping_duplicates(rel: &str) -> (Vec<Event>, Tally) {
    let mut opts = Options::default();
    opts.keep_duplicates = true;
    normalize_with(samples_dir().join(rel), rel, &opts)
}

/// Normalizes a file of `../shared/samples`, named by its path inside that folder.
pub fn sample(rel: &str) -> (Vec<Event>, Tally) {
    normalize_path(samples_dir().join(rel), rel)
}

/// Normalizes a file of `tests/fixtures`, named by its path inside that folder.
pub fn fixture(rel: &str) -> (Vec<Event>, Tally) {
    normalize_path(fixtures_dir().join(rel), rel)
}

/// The events that came from one line.
pub fn on_line(events: &[Event], line: u64) -> Vec<&Event> {
    events.iter().filter(|e| e.source.line == line).collect()
}

/// Asserts that a run produced no diagnostics, printing them if it did.
pub fn assert_clean(tally: &Tally) {
    let diags: Vec<String> = tally.diagnostics.iter().map(|d| d.to_string()).collect();
    assert!(diags.is_empty(), "unexpected diagnostics:\n{}", diags.join("\n"));
}

/// The identity fields tests compare, in one line: category, actor, target, IP, country.
pub fn brief(e: &Event) -> String {
    let who = |p: &Option<model::Principal>| {
        p.as_ref().map(|p| p.name.clone().or(p.id.clone()).unwrap_or_default().to_string()).unwrap_or("-".into())
    };
    format!(
        "{} actor={} target={} ip={} country={}",
        e.category,
        who(&e.actor),
        who(&e.target),
        e.client.ip.map(|i| i.to_string()).unwrap_or("-".into()),
        e.client.geo.as_ref().and_then(|g| g.country.clone()).map(|c| c.to_string()).unwrap_or("-".into()),
    )
}

/// Events per category, as `category=n` in category order.
pub fn counts(t: &Tally) -> String {
    t.events.iter().filter(|(_, n)| **n > 0).map(|((_, c), n)| format!("{c}={n}")).collect::<Vec<_>>().join(" ")
}

/// The only event of a line (fails the test if the line made none or several).
pub fn only(events: &[Event], line: u64) -> &Event {
    let found = on_line(events, line);
    assert_eq!(found.len(), 1, "line {line}: {:?}", found.iter().map(|e| brief(e)).collect::<Vec<_>>());
    found[0]
}

/// Asserts the brief of the only event of each line.
pub fn check_briefs(events: &[Event], expected: &[(u64, &str)]) {
    for (line, want) in expected {
        assert_eq!(brief(only(events, *line)), *want, "line {line}");
    }
}

/// The factor's kind and class (fails the test when the event names no factor).
pub fn kind_and_class(e: &Event) -> (Option<&str>, model::FactorClass) {
    let f = e.factor.as_ref().expect("factor");
    (f.kind.as_deref(), f.class)
}
