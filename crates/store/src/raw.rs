//! Providers' own records, kept beside the events made from them (schema 8): the console and
//! `?evidence=raw` show them next to the normalized event. A record is stored deflated
//! (zlib): provider JSON repeats its keys and shrinks about fourfold at the fastest level.

use crate::StoreError;
use flate2::read::ZlibDecoder;
use flate2::{Compress, Compression, FlushCompress, Status};
use std::io::Read;

/// The largest record read back; a stored value that inflates past it is refused as corrupt.
const MAX_UNPACKED: u64 = 16 * 1024 * 1024;

thread_local! {
    /// One deflate state per thread, reset between records: setting one up allocates and
    /// clears its window and hash tables (hundreds of KiB), more work than packing a record.
    static COMPRESSOR: std::cell::RefCell<Compress> = std::cell::RefCell::new(Compress::new(Compression::fast(), true));
}

/// A raw record packed for storage, as [`crate::Events::append_events_with_raw`] takes it.
pub fn pack(record: &[u8]) -> std::io::Result<Vec<u8>> {
    COMPRESSOR.with(|cell| {
        let mut compress = cell.borrow_mut();
        compress.reset();
        let mut out = Vec::with_capacity(record.len() / 2 + 64);
        loop {
            let read = usize::try_from(compress.total_in()).unwrap_or(usize::MAX);
            let rest = record.get(read..).unwrap_or_default();
            match compress.compress_vec(rest, &mut out, FlushCompress::Finish).map_err(std::io::Error::other)? {
                Status::StreamEnd => return Ok(out),
                // The output was full: give it room and go on.
                Status::Ok | Status::BufError => out.reserve(out.capacity().max(64)),
            }
        }
    })
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
    fn records_packed_one_after_another_each_unpack_alone() {
        // The deflate state is reused: nothing of one record may leak into the next.
        let records: Vec<Vec<u8>> =
            (0..50).map(|i| format!("{{\"uuid\":\"{i}\",\"pad\":\"{}\"}}", "x".repeat(i * 97)).into_bytes()).collect();
        for record in &records {
            let packed = pack(record).expect("packs");
            assert_eq!(unpack("x", &packed).expect("unpacks").as_bytes(), record.as_slice());
        }
        let big: Vec<u8> = (0..200_000u32).flat_map(|i| i.to_le_bytes()).collect();
        let packed = pack(&big).expect("packs an incompressible record larger than its first buffer");
        let mut back = Vec::new();
        ZlibDecoder::new(&packed[..]).read_to_end(&mut back).expect("inflates");
        assert_eq!(back, big);
    }

    #[test]
    fn bytes_that_are_not_deflate_are_refused_as_corrupt() {
        assert!(matches!(unpack("e1", b"{\"plain\":true}"), Err(StoreError::Corrupt { .. })));
    }
}
