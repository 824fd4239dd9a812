//! Request bodies taken under limits: read as a stream within `max_body_bytes` and
//! `body_read_timeout`, then (gzip) decompressed as a stream within the request's
//! `max_decompressed_bytes` and the bytes all requests may hold decompressed at once.

mod budget;
mod read;

pub use budget::{Budget, Reservation, decompress};
pub use read::read;
