//! A request body as the ingest routes take it: the first byte says how it was sent (as it
//! is, where gzip magic still means gzip, or gzipped with `Content-Encoding: gzip`); the
//! rest is gunzipped within the service's limit, then read and normalized.
#![no_main]

mod shared;

use libfuzzer_sys::fuzz_target;
use shared::gzip;

/// The decompressed-size limit: the same small document limit the options use.
const LIMIT: u64 = 65536;

fuzz_target!(|data: &[u8]| {
    static OPTS: std::sync::OnceLock<ingest::Options> = std::sync::OnceLock::new();
    let opts = OPTS.get_or_init(|| {
        let mut opts = shared::options();
        // The service reads a body as one document of at most the decompressed limit.
        opts.max_document_bytes = LIMIT;
        opts
    });
    let Some((&how, rest)) = data.split_first() else { return };
    let body = if how & 1 == 0 {
        gzip::decode_body(rest, false, LIMIT)
    } else {
        let decoded = gzip::decode_body(&gzip::compress(rest), true, LIMIT);
        if rest.len() as u64 <= LIMIT {
            assert_eq!(decoded.as_deref(), Some(rest), "a gzipped body within the limit reads back as sent");
        }
        decoded
    };
    if let Some(body) = body {
        shared::read_checked("http_body", body, opts);
    }
});
