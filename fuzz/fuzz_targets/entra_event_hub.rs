//! Entra ID diagnostic records as Event Hubs delivers them: the input is the `records`
//! array's contents, sent inside `{"records":[...]}`; every event must be of its record's
//! provider.
#![no_main]

mod shared;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    static OPTS: std::sync::OnceLock<ingest::Options> = std::sync::OnceLock::new();
    let opts = OPTS.get_or_init(shared::options);
    let mut body = Vec::with_capacity(data.len() + 16);
    body.extend_from_slice(br#"{"records":["#);
    body.extend_from_slice(data);
    body.extend_from_slice(b"]}");
    shared::read_checked("entra-event-hub", body, opts);
});
