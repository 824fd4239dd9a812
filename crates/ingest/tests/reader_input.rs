//! `Input::Reader`: a source read as it arrives (a request body streamed from the network)
//! gives what the same bytes give from memory, whatever sizes the reads come in, and a read
//! that fails mid-way ends the source with a diagnostic at the line it stopped on.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use ingest::{Input, Options, Tally};
use model::Event;
use std::io::{self, Read, Write};

/// A reader that hands out at most `step` bytes per read, then fails if `fail_at_end`.
struct Trickle {
    bytes: Vec<u8>,
    at: usize,
    step: usize,
    fail_at_end: bool,
}

impl Read for Trickle {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let rest = &self.bytes[self.at..];
        if rest.is_empty() {
            return if self.fail_at_end { Err(io::Error::other("the sender went away")) } else { Ok(0) };
        }
        let n = rest.len().min(self.step).min(buf.len());
        buf[..n].copy_from_slice(&rest[..n]);
        self.at += n;
        Ok(n)
    }
}

fn trickle(bytes: Vec<u8>, step: usize) -> Input {
    Input::Reader { name: "ingest#7".into(), reader: Box::new(Trickle { bytes, at: 0, step, fail_at_end: false }) }
}

fn factors_with_a_bad_line() -> Vec<u8> {
    let mut text = std::fs::read(common::fixtures_dir().join("okta/factors.ndjson")).unwrap();
    text.extend_from_slice(b"{not json\n");
    text
}

fn summary(events: &[Event], tally: &Tally) -> (Vec<String>, Vec<String>, u64) {
    let events = events.iter().map(|e| format!("{} {:?}", e.source, e.category)).collect();
    let diags = tally.diagnostics.iter().map(|d| d.to_string()).collect();
    (events, diags, tally.records)
}

#[test]
fn a_reader_gives_the_events_pointers_and_diagnostics_of_the_same_bytes_in_memory() {
    let bytes = factors_with_a_bad_line();
    let (mem_events, mem_tally) = ingest::normalize_bytes("ingest#7", bytes.clone(), &Options::default());
    let expected = summary(&mem_events, &mem_tally);
    assert!(!expected.0.is_empty() && expected.1.len() == 1, "{expected:?}");
    assert!(expected.0[0].starts_with("ingest#7:"), "{:?}", expected.0[0]);
    for step in [1, 7, 4096, usize::MAX] {
        let (events, tally) = ingest::normalize_input(trickle(bytes.clone(), step), &Options::default());
        assert_eq!(summary(&events, &tally), expected, "reads of {step} bytes");
    }
}

#[test]
fn a_gzipped_reader_is_gunzipped_by_its_magic_bytes() {
    let bytes = factors_with_a_bad_line();
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(&bytes).unwrap();
    let gz = enc.finish().unwrap();
    let (mem_events, mem_tally) = ingest::normalize_bytes("ingest#7", bytes, &Options::default());
    let (events, tally) = ingest::normalize_input(trickle(gz, 3), &Options::default());
    assert_eq!(summary(&events, &tally), summary(&mem_events, &mem_tally));
}

#[test]
fn a_read_that_fails_midway_keeps_earlier_records_and_names_the_line_it_stopped_on() {
    let bytes = std::fs::read(common::fixtures_dir().join("okta/factors.ndjson")).unwrap();
    let lines = bytes.iter().filter(|&&b| b == b'\n').count() as u64;
    let (whole, _) = ingest::normalize_bytes("ingest#7", bytes.clone(), &Options::default());
    let reader = Trickle { bytes, at: 0, step: 100, fail_at_end: true };
    let input = Input::Reader { name: "ingest#7".into(), reader: Box::new(reader) };
    let (events, tally) = ingest::normalize_input(input, &Options::default());
    assert_eq!(events.len(), whole.len(), "records before the failure are read");
    let diags: Vec<String> = tally.diagnostics.iter().map(|d| d.to_string()).collect();
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert!(diags[0].starts_with(&format!("ingest#7:{}", lines + 1)), "{diags:?}");
    assert!(diags[0].contains("the sender went away"), "{diags:?}");
}

#[test]
fn an_array_from_a_reader_is_held_only_up_to_max_document_bytes() {
    let record = r#"{"uuid":"u1","published":"2026-05-01T09:00:00.000Z","eventType":"user.session.start","actor":{"id":"00u1","type":"User","alternateId":"a@acme.com"}}"#;
    let array = format!("[{}]", vec![record; 100].join(","));
    let mut opts = Options::default();
    opts.max_document_bytes = (array.len() - 1) as u64;
    let (events, tally) = ingest::normalize_input(trickle(array.clone().into_bytes(), 64), &opts);
    assert!(events.is_empty());
    assert_eq!(tally.problems_by_kind.get("too_large"), Some(&1), "{:?}", tally.problems_by_kind);
    opts.max_document_bytes = array.len() as u64;
    let (events, tally) = ingest::normalize_input(trickle(array.into_bytes(), 64), &opts);
    assert_eq!(tally.records, 100);
    assert_eq!(events.len(), 1, "one event, its 99 repeats collapsed");
}
