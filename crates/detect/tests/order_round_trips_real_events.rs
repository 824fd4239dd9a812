//! Spilled runs hold real normalized events: every fixture of every provider comes back
//! from disk equal to what went in.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use detect::order::{EventSorter, compare};
use ingest::{Options, Pipeline};
use std::path::PathBuf;

#[test]
fn every_fixture_event_survives_a_spill_unchanged() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ingest/tests/fixtures");
    let (inputs, problems) = ingest::expand_paths(&[dir]);
    assert!(problems.is_empty());
    let mut events = Vec::new();
    Pipeline::new(Options::default()).run(inputs, &mut |e| events.push(e));
    assert!(events.len() > 100);
    let mut sorter = EventSorter::new(1);
    for e in events.iter().rev() {
        sorter.push(e.clone()).unwrap();
    }
    let spilled: Vec<_> = sorter.finish().unwrap().map(|e| e.unwrap()).collect();
    events.sort_by(compare);
    assert_eq!(spilled, events);
}
