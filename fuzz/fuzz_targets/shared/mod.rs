//! What the reading targets share: the limits they read with, and the checks every input
//! must pass besides not panicking.
#![allow(dead_code)] // each target uses its own part

pub mod gzip;

use ingest::json::View;
use ingest::shape::Shape;
use ingest::{Options, RecordError, RecordObserver, Tally};
use libfuzzer_sys::Corpus;
use model::{Event, Provider, SourceRef};

/// The service's options with small limits, so the fuzzer reaches the too-large paths.
pub fn options() -> Options {
    let mut opts = Options::default();
    opts.max_record_bytes = 4096;
    opts.max_document_bytes = 65536;
    opts
}

/// Sees each recognized record with the events it gave: every event must be of the record's
/// provider and point back at the record. Reports each record's provider.
pub struct EventsMatchTheirRecord;

impl RecordObserver for EventsMatchTheirRecord {
    type Hit = Provider;

    fn observe(&self, shape: Shape, _: View<'_, '_>, at: &SourceRef, events: &[Event], hits: &mut Vec<Provider>) {
        for event in events {
            assert_eq!(event.provider, shape.provider(), "{at}: a {shape:?} record gave a `{}` event", event.provider);
            assert_eq!(&event.source, at, "{at}: an event points at another record");
        }
        hits.push(shape.provider());
    }
}

/// Reads `body` as the service reads a request body, checks what came out, and returns the
/// provider of every record recognized in it, with the tally.
pub fn read_checked(name: &str, body: Vec<u8>, opts: &Options) -> (Vec<Provider>, Tally) {
    let (events, providers, tally) = ingest::normalize_bytes_observed(name, body, opts, &EventsMatchTheirRecord);
    // The summary a user sees counts what was emitted, duplicates taken out.
    assert_eq!(events.len() as u64, tally.event_total(), "the tally's event count is not the events emitted");
    assert!(tally.relevant <= tally.records, "more relevant records than records");
    (providers, tally)
}

/// Reads `data` and keeps it in the corpus only when it holds a record of `provider`, read
/// or refused by its normalizer, so a provider's target spends its time in that normalizer.
pub fn records_of(provider: Provider, data: &[u8]) -> Corpus {
    static OPTS: std::sync::OnceLock<Options> = std::sync::OnceLock::new();
    let opts = OPTS.get_or_init(options);
    let (providers, tally) = read_checked("fuzz", data.to_vec(), opts);
    let refused_by_it = tally.diagnostics.iter().any(|d| match &d.error {
        RecordError::Invalid { shape, .. } => shape.split('.').next() == Some(shape_prefix(provider)),
        _ => false,
    });
    if providers.contains(&provider) || refused_by_it { Corpus::Keep } else { Corpus::Reject }
}

/// How the provider's shape names begin in `RecordError::Invalid` (`aws.cloudtrail`).
fn shape_prefix(provider: Provider) -> &'static str {
    match provider {
        Provider::Google => "gws",
        other => other.as_str(),
    }
}
