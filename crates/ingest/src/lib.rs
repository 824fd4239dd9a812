//! Reads identity providers' native logs into factorwatch [`model::Event`]s.
//!
//! Bytes come from files, directories, gzip, stdin, memory or a streamed reader ([`reader`]); each
//! record is parsed once into borrowed JSON ([`record`]), its provider shape is detected
//! ([`shape`]) and its provider module normalizes it ([`providers`]). Everything that goes
//! wrong is a [`Diagnostic`] with the source and line, never a panic.

#![warn(missing_docs)]

pub mod collapse;
mod context;
mod error;
mod framing;
pub mod json;
mod observe;
mod own;
mod pipeline;
mod reader;
pub mod record;
pub mod shape;
mod tally;
mod values;

mod providers;

pub use context::{EARLIEST_TIME, Options, Relevance};
pub use error::{Diagnostic, RecordError, SharedIoError};
pub use observe::{NoObserver, RecordObserver};
pub use pipeline::Pipeline;
pub use reader::{Input, expand_paths};
pub use tally::{LISTED_PROBLEMS, Tally};

use model::Event;

/// Normalizes logs held in memory (a request body, a test's text) through the same reader
/// and pipeline as files: `name` is the source used in pointers and diagnostics.
pub fn normalize_bytes(name: &str, bytes: Vec<u8>, opts: &Options) -> (Vec<Event>, Tally) {
    normalize_input(Input::Memory { name: name.to_string(), bytes }, opts)
}

/// [`normalize_bytes`] with `observer` shown each recognized record; returns its hits too.
pub fn normalize_bytes_observed<O: RecordObserver>(
    name: &str,
    bytes: Vec<u8>,
    opts: &Options,
    observer: &O,
) -> (Vec<Event>, Vec<O::Hit>, Tally) {
    normalize_input_observed(Input::Memory { name: name.to_string(), bytes }, opts, observer)
}

/// Normalizes one source (for a request body as it arrives, [`Input::Reader`]), collecting
/// its events; the reader is read to its end (or first error) before this returns.
pub fn normalize_input(input: Input, opts: &Options) -> (Vec<Event>, Tally) {
    let mut events = Vec::new();
    let tally = Pipeline::new(opts.clone()).run(vec![input], &mut |e| events.push(e));
    (events, tally)
}

/// [`normalize_input`] with `observer` shown each recognized record; returns its hits too.
pub fn normalize_input_observed<O: RecordObserver>(
    input: Input,
    opts: &Options,
    observer: &O,
) -> (Vec<Event>, Vec<O::Hit>, Tally) {
    let (mut events, mut hits) = (Vec::new(), Vec::new());
    let tally =
        Pipeline::new(opts.clone()).run_observed(vec![input], observer, &mut |e| events.push(e), &mut |h| hits.push(h));
    (events, hits, tally)
}

/// [`normalize_bytes`] for text.
pub fn normalize_text(name: &str, text: &str, opts: &Options) -> (Vec<Event>, Tally) {
    normalize_bytes(name, text.as_bytes().to_vec(), opts)
}
