//! Request bodies taken under limits: read as a stream within `max_body_bytes` and
//! `body_read_timeout`, then (gzip) decompressed as a stream within the request's
//! `max_decompressed_bytes` and the bytes all requests may hold decompressed at once.

mod budget;
mod read;

pub use budget::{Budget, Reservation, decompress};
pub use read::read;

use crate::error::ApiError;

/// A body as the ingest routes take it, as plain bytes: gunzipped when `Content-Encoding`
/// says gzip or the body starts with gzip's magic bytes (within the limit and the budget,
/// which the returned reservation holds), else the body's own buffer, not a copy.
pub fn plain(
    body: axum::body::Bytes,
    gzip_header: bool,
    limit: u64,
    budget: &Budget,
    retry_after: u64,
) -> Result<(Vec<u8>, Reservation), ApiError> {
    if gzip_header || body.starts_with(&[0x1f, 0x8b]) {
        decompress(&body, limit, budget, retry_after)
    } else {
        Ok((Vec::from(body), Reservation::default()))
    }
}
