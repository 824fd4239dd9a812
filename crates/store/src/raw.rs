//! Providers' own records, kept beside the events made from them (schema 8): the console and
//! `?evidence=raw` show them next to the normalized event. A record is stored deflated
//! (zlib): provider JSON repeats its keys and shrinks about fourfold at the fastest level.

use crate::StoreError;
use flate2::Compression;
use flate2::read::ZlibDecoder;
use flate2::write::ZlibEncoder;
use std::io::{Read, Write};

/// The largest record read back; a stored value that inflates past it is refused as corrupt.
const MAX_UNPACKED: u64 = 16 * 1024 * 1024;

/// A raw record packed for storage, as [`crate::Events::append_events_with_raw`] takes it.
pub fn pack(record: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut encoder = ZlibEncoder::new(Vec::with_capacity(record.len() / 3 + 16), Compression::fast());
    encoder.write_all(record)?;
    encoder.finish()
}

/// The record text of a packed value; `id` names it in the error.
pub(crate) fn unpack(id: &str, packed: &[u8]) -> Result<String, StoreError> {
    let mut text = String::new();
    let corrupt = |reason: String| StoreError::Corrupt { id: id.to_string(), reason };
    ZlibDecoder::new(packed)
        .take(MAX_UNPACKED + 1)
        .read_to_string(&mut text)
        .map_err(|e| corrupt(format!("the raw record does not inflate: {e}")))?;
    if text.len() as u64 > MAX_UNPACKED {
        return Err(corrupt(format!("the raw record inflates past {MAX_UNPACKED} bytes")));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_packed_record_unpacks_to_the_same_text_and_is_smaller() {
        let record = br#"{"uuid":"a","eventType":"user.session.start","actor":{"id":"00u1","type":"User"},"outcome":{"result":"SUCCESS"},"client":{"ipAddress":"203.0.113.9"}}"#.repeat(3);
        let packed = pack(&record).expect("packs");
        assert!(packed.len() < record.len(), "{} >= {}", packed.len(), record.len());
        assert_eq!(unpack("x", &packed).expect("unpacks").as_bytes(), record.as_slice());
    }

    #[test]
    fn bytes_that_are_not_deflate_are_refused_as_corrupt() {
        assert!(matches!(unpack("e1", b"{\"plain\":true}"), Err(StoreError::Corrupt { .. })));
    }
}
