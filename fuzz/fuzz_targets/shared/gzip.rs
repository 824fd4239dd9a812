//! Gzip as request bodies carry it.

use std::io::Write;

/// `data` gzipped, as a sender with `Content-Encoding: gzip` posts it.
pub fn compress(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    // Writing to a Vec cannot fail.
    let _ = encoder.write_all(data);
    encoder.finish().unwrap_or_default()
}

/// The service's own body decoding (`server::fuzzing::decode_body`): `None` is a refusal.
pub fn decode_body(body: &[u8], gzip_header: bool, limit: u64) -> Option<Vec<u8>> {
    server::fuzzing::decode_body(body, gzip_header, limit)
}
