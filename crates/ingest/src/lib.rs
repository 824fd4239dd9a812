//! Reads identity providers' native logs into factorwatch [`model::Event`]s.
//!
//! Bytes come from files, directories, gzip, stdin or request bodies ([`reader`]); each
//! record is parsed once into borrowed JSON ([`record`]), its provider shape is detected
//! ([`shape`]) and its provider module normalizes it ([`providers`]). Everything that goes
//! wrong is a [`Diagnostic`] with the source and line, never a panic.

pub mod context;
pub mod error;
pub mod json;
pub mod record;
pub mod shape;
pub mod tally;
pub mod values;

mod providers;

pub use context::{Options, Relevance};
pub use error::{Diagnostic, RecordError};
pub use tally::Tally;

use model::{Event, SourceRef};
use std::sync::Arc;

/// Normalizes newline-delimited or whole-document JSON held in memory, as a test or a
/// request handler would: `name` is the source used in pointers and diagnostics.
pub fn normalize_text(name: &str, text: &str, opts: &Options) -> (Vec<Event>, Tally) {
    let source: Arc<str> = Arc::from(name);
    let mut events = Vec::new();
    let mut tally = Tally::default();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let mut bytes = line.as_bytes().to_vec();
        let at = SourceRef::new(source.clone(), i as u64 + 1);
        record::normalize_record(&mut bytes, &at, opts, &mut events, &mut tally);
    }
    (events, tally)
}
