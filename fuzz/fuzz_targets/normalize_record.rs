//! One record through validation, parsing, envelope unwrapping, shape detection and every
//! provider normalizer. Any panic is a bug.
#![no_main]

use ingest::{Options, Tally, record::normalize_record};
use libfuzzer_sys::fuzz_target;
use model::SourceRef;
use std::sync::{Arc, OnceLock};

fuzz_target!(|data: &[u8]| {
    static OPTS: OnceLock<Options> = OnceLock::new();
    let opts = OPTS.get_or_init(Options::default);
    let mut bytes = data.to_vec();
    let at = SourceRef::new(Arc::from("fuzz"), 1);
    let mut events = Vec::new();
    let mut tally = Tally::default();
    normalize_record(&mut bytes, &at, opts, &mut events, &mut tally);
});
