//! Whole inputs through the reader: gzip detection, binary sniffing, framing (lines,
//! arrays, documents), long lines, then normalization and de-duplication; every event must
//! be of its record's provider.
#![no_main]

mod shared;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    static OPTS: std::sync::OnceLock<ingest::Options> = std::sync::OnceLock::new();
    let opts = OPTS.get_or_init(shared::options);
    shared::read_checked("fuzz", data.to_vec(), opts);
});
