//! Whole inputs through the reader: gzip detection, binary sniffing, framing (lines,
//! arrays, documents), long lines, then normalization and de-duplication.
#![no_main]

use ingest::Options;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut opts = Options::default();
    // Small limits so the fuzzer reaches the too-large paths.
    opts.max_record_bytes = 4096;
    opts.max_document_bytes = 65536;
    let _ = ingest::normalize_bytes("fuzz", data.to_vec(), &opts);
});
