//! Entra records through the service's reader and the entra normalizer: no panic, and
//! every event is of its record's provider (inputs without a entra record are not kept).
#![no_main]

mod shared;

use libfuzzer_sys::{Corpus, fuzz_target};
use model::Provider;

fuzz_target!(|data: &[u8]| -> Corpus { shared::records_of(Provider::Entra, data) });
