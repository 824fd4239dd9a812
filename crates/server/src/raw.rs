//! Reading an ingest body with its raw provider records kept for the store: each record that
//! made events is written back as JSON and packed ([`store::raw::pack`]) on the pipeline's
//! worker threads, beside the Sigma rules when they are on, so the record is parsed once.

use ingest::json::View;
use ingest::shape::Shape;
use ingest::{Input, Options, RecordObserver, Tally};
use model::{Event, SourceRef};
use sigma::Evaluator;
use std::collections::HashMap;
use std::sync::Arc;

/// What one body read to: events, Sigma matches, and the packed raw record of each event.
pub struct Normalized {
    pub events: Vec<Event>,
    pub hits: Vec<sigma::Hit>,
    pub raw: RawRecords,
    pub tally: Tally,
}

/// Packed raw records by the pointer of the record they came from (every event of a record
/// shares it).
#[derive(Default)]
pub struct RawRecords(HashMap<SourceRef, Arc<[u8]>>);

impl RawRecords {
    /// The packed record of each of `events`, in their order: what
    /// [`store::Events::append_events_with_raw`] takes.
    pub fn for_events<'a>(&'a self, events: &[Event]) -> Vec<Option<&'a [u8]>> {
        if self.0.is_empty() {
            return Vec::new();
        }
        events.iter().map(|e| self.0.get(&e.source).map(|r| &r[..])).collect()
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.0.len()
    }
}

/// Reads `input` as `ingest::normalize_input` does, matching `sigma` when given and keeping
/// raw records when `keep_raw`.
pub fn normalize(input: Input, options: &Options, sigma: Option<&Evaluator>, keep_raw: bool) -> Normalized {
    if sigma.is_none() && !keep_raw {
        let (events, tally) = ingest::normalize_input(input, options);
        return Normalized { events, hits: Vec::new(), raw: RawRecords::default(), tally };
    }
    let observer = Observer { sigma, keep_raw };
    let (events, seen, tally) = ingest::normalize_input_observed(input, options, &observer);
    let (mut hits, mut raw) = (Vec::new(), HashMap::new());
    for item in seen {
        match item {
            Seen::Rule(hit) => hits.push(*hit),
            Seen::Raw(at, record) => {
                raw.insert(at, record);
            }
        }
    }
    Normalized { events, hits, raw: RawRecords(raw), tally }
}

/// The Sigma evaluator and the raw record keeper as one observer.
struct Observer<'a> {
    sigma: Option<&'a Evaluator>,
    keep_raw: bool,
}

enum Seen {
    /// Boxed: a match is rare and large beside a record.
    Rule(Box<sigma::Hit>),
    Raw(SourceRef, Arc<[u8]>),
}

impl RecordObserver for Observer<'_> {
    type Hit = Seen;

    fn observe(&self, shape: Shape, rec: View<'_, '_>, at: &SourceRef, events: &[Event], hits: &mut Vec<Seen>) {
        if let Some(sigma) = self.sigma {
            let mut matched = Vec::new();
            sigma.observe(shape, rec, at, events, &mut matched);
            hits.extend(matched.into_iter().map(|hit| Seen::Rule(Box::new(hit))));
        }
        // A record that made no event is never shown: keep nothing for it.
        if !self.keep_raw || events.is_empty() {
            return;
        }
        let packed =
            rec.node().and_then(|node| serde_json::to_vec(node).ok()).and_then(|json| store::raw::pack(&json).ok());
        if let Some(packed) = packed {
            hits.push(Seen::Raw(at.clone(), packed.into()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OKTA: &str = r#"{"uuid":"u-1","published":"2026-05-04T10:00:00.000Z","eventType":"user.session.start","displayMessage":"User login to Okta","outcome":{"result":"SUCCESS"},"actor":{"id":"00u1","type":"User","alternateId":"bob@acme.com","displayName":"Bob"},"client":{"ipAddress":"192.0.2.7"},"target":[]}
{"uuid":"u-2","published":"2026-05-04T10:01:00.000Z","eventType":"system.org.rate_limit.warning","actor":{"id":"x","type":"SystemPrincipal"},"outcome":{"result":"SUCCESS"}}
"#;

    fn read(keep_raw: bool) -> Normalized {
        let input = Input::Memory { name: "ingest#1".into(), bytes: OKTA.as_bytes().to_vec() };
        normalize(input, &Options::default(), None, keep_raw)
    }

    #[test]
    fn each_event_gets_the_record_it_was_read_from() {
        let read = read(true);
        assert!(!read.events.is_empty());
        let packed = read.raw.for_events(&read.events);
        assert_eq!(packed.len(), read.events.len());
        for (event, record) in read.events.iter().zip(&packed) {
            let record = record.expect("a record per event");
            let mut text = String::new();
            std::io::Read::read_to_string(&mut flate2::read::ZlibDecoder::new(record), &mut text).unwrap();
            let value: serde_json::Value = serde_json::from_str(&text).unwrap();
            assert_eq!(value["uuid"], event.id.as_str(), "{text}");
        }
    }

    #[test]
    fn records_that_made_no_event_and_reads_with_keeping_off_keep_nothing() {
        let kept = read(true);
        assert!(kept.raw.len() <= kept.events.len(), "the rate-limit record made no event and is not kept");
        let off = read(false);
        assert_eq!(off.events.len(), kept.events.len());
        assert_eq!(off.raw.len(), 0);
        assert!(off.raw.for_events(&off.events).is_empty());
    }
}
