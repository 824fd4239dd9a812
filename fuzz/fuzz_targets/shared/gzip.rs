//! Gzip as request bodies carry it.

use std::io::{Read, Write};

/// `data` gzipped, as a sender with `Content-Encoding: gzip` posts it.
pub fn compress(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    // Writing to a Vec cannot fail.
    let _ = encoder.write_all(data);
    encoder.finish().unwrap_or_default()
}

/// The service's body decoding (`decompress` in crates/server/src/ingest.rs, private there):
/// gunzipped when the header says so or the magic bytes do, refused past `limit` once
/// decompressed or when corrupt. `None` is a refusal.
pub fn decode_body(body: &[u8], gzip_header: bool, limit: u64) -> Option<Vec<u8>> {
    if !gzip_header && !body.starts_with(&[0x1f, 0x8b]) {
        return Some(body.to_vec());
    }
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(body).take(limit.saturating_add(1)).read_to_end(&mut out).ok()?;
    (out.len() as u64 <= limit).then_some(out)
}
