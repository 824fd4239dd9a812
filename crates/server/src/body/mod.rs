//! Request bodies taken under limits, as a stream: frames are read within `max_body_bytes`
//! and `body_read_timeout` on the async side ([`pump`]) and handed to a blocking reader
//! (`Wire`) that the parser reads as they arrive; gzip is decompressed as it is read
//! within the request's `max_decompressed_bytes` and the bytes all requests may hold
//! decompressed at once ([`Budget`]).

mod budget;
mod read;

pub use budget::Budget;
use budget::Inflate;
pub use read::{channel, pump};

use crate::error::ApiError;
use std::io::{self, Read};
use std::sync::{Arc, Mutex};

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Why a body read on a blocking thread was refused: the reader can only fail with an
/// `io::Error`, so the answer the sender gets is kept here. The first reason wins.
#[derive(Debug, Clone, Default)]
pub struct Refusal(Arc<Mutex<Option<ApiError>>>);

impl Refusal {
    /// Records `error` unless a reason is already recorded.
    pub fn set(&self, error: ApiError) {
        if let Ok(mut slot) = self.0.lock() {
            slot.get_or_insert(error);
        }
    }

    /// The recorded reason, if any.
    pub fn take(&self) -> Option<ApiError> {
        self.0.lock().ok().and_then(|mut slot| slot.take())
    }
}

/// A body as the ingest routes read it, as plain bytes: gunzipped as it is read when
/// `Content-Encoding` says gzip or the body starts with gzip's magic bytes (within `limit`
/// and `budget`), else as it came. A refusal fails the read and is recorded in `refusal`.
pub fn plain(
    mut raw: impl Read + Send + 'static,
    gzip_header: bool,
    limit: u64,
    budget: &Budget,
    retry_after: u64,
    refusal: &Refusal,
) -> Box<dyn Read + Send> {
    let mut head = Vec::with_capacity(GZIP_MAGIC.len());
    // A failed read here is a refused wire, already recorded; the chain then fails again.
    let _ = (&mut raw).take(GZIP_MAGIC.len() as u64).read_to_end(&mut head);
    let gzip = gzip_header || head.starts_with(&GZIP_MAGIC);
    let raw = io::Cursor::new(head).chain(raw);
    if gzip { Box::new(Inflate::new(raw, limit, budget, retry_after, refusal)) } else { Box::new(raw) }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use std::io::Write;

    /// Hands out one byte per read, as a body arriving in tiny frames.
    struct OneByte(io::Cursor<Vec<u8>>);
    impl Read for OneByte {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = buf.len().min(1);
            self.0.read(buf.get_mut(..n).unwrap_or_default())
        }
    }

    fn read_plain(body: Vec<u8>, gzip_header: bool) -> (io::Result<Vec<u8>>, Option<ApiError>) {
        let refusal = Refusal::default();
        let mut reader =
            plain(OneByte(io::Cursor::new(body)), gzip_header, 1 << 20, &Budget::new(1 << 30), 1, &refusal);
        let mut out = Vec::new();
        (reader.read_to_end(&mut out).map(|_| out), refusal.take())
    }

    #[test]
    fn gzip_is_recognized_by_its_magic_bytes_even_split_across_frames() {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(b"{\"a\":1}\n").unwrap();
        let (out, refused) = read_plain(enc.finish().unwrap(), false);
        assert_eq!(out.unwrap(), b"{\"a\":1}\n");
        assert!(refused.is_none());
    }

    #[test]
    fn a_plain_body_passes_as_it_came() {
        let (out, refused) = read_plain(b"{\"a\":1}\n{\"b\":2}\n".to_vec(), false);
        assert_eq!(out.unwrap(), b"{\"a\":1}\n{\"b\":2}\n");
        assert!(refused.is_none());
    }

    #[test]
    fn a_gzip_header_on_a_plain_body_is_refused_as_corrupt() {
        let (out, refused) = read_plain(b"{\"a\":1}\n".to_vec(), true);
        assert!(out.is_err());
        assert!(refused.unwrap().message.contains("gzip body is corrupt"));
    }
}
