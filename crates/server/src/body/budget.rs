//! Gzip bodies decompressed as a stream, as the parser reads them: never past the request's
//! own limit (`max_decompressed_bytes`), and paid for, as the output grows, from a byte budget
//! shared by every request (`decompression_budget_bytes`).
//!
//! Why the budget stays now that bodies stream: an NDJSON body is parsed line by line and no
//! longer held, but a JSON array or document is still held whole (up to
//! `max_document_bytes`, which the service sets to `max_decompressed_bytes`), and the reader
//! only knows which after reading. So a request still pays for every decompressed byte, up to
//! its limit, and gives it all back once its records are read: many bombs or big arrays at
//! once cost the budget, not the machine. For NDJSON this over-counts; it never under-counts.

use super::Refusal;
use crate::error::ApiError;
use axum::http::StatusCode;
use flate2::read::MultiGzDecoder;
use std::io::{self, BufReader, Read};
use std::sync::Arc;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The budget is counted in units of this many bytes (a semaphore's permits are `u32` per ask).
const UNIT: u64 = 1024;
/// The smallest step the charge grows by, so that small bodies take few reservations.
const MIN_GROWTH: u64 = 1 << 20;

/// Decompressed bytes all requests may hold at once.
#[derive(Debug, Clone)]
pub struct Budget {
    units: Arc<Semaphore>,
    bytes: u64,
}

/// Budget held by one request until it drops this (after its events are read).
#[derive(Debug, Default)]
pub struct Reservation {
    held: Option<OwnedSemaphorePermit>,
}

impl Budget {
    /// A budget of `bytes` in all.
    pub fn new(bytes: u64) -> Budget {
        let units = usize::try_from(bytes / UNIT).unwrap_or(usize::MAX).min(Semaphore::MAX_PERMITS);
        Budget { units: Arc::new(Semaphore::new(units)), bytes }
    }

    /// Bytes not reserved now.
    pub fn available_bytes(&self) -> u64 {
        self.units.available_permits() as u64 * UNIT
    }

    /// Takes `bytes` more for `reservation`, or says the service is too busy.
    fn reserve(&self, reservation: &mut Reservation, bytes: u64, retry_after: u64) -> Result<(), ApiError> {
        let units = u32::try_from(bytes.div_ceil(UNIT)).unwrap_or(u32::MAX);
        let Ok(permit) = self.units.clone().try_acquire_many_owned(units) else {
            return Err(ApiError {
                retry_after: Some(retry_after),
                ..ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "decompression_budget",
                    format!(
                        "requests being decompressed now hold the service's `decompression_budget_bytes` ({} bytes); retry later",
                        self.bytes
                    ),
                )
            });
        };
        match &mut reservation.held {
            Some(held) => held.merge(permit),
            None => reservation.held = Some(permit),
        }
        Ok(())
    }
}

/// A gzip stream (all members) gunzipped as it is read. Past `limit` bytes out it fails
/// (`413`), past the budget it fails (`503`), on corrupt data it fails (`400`); the reason
/// goes to the request's [`Refusal`]. The budget it took is given back when it is dropped.
pub struct Inflate<R: Read> {
    decoder: MultiGzDecoder<BufReader<R>>,
    limit: u64,
    out: u64,
    charged: u64,
    budget: Budget,
    reservation: Reservation,
    retry_after: u64,
    refusal: Refusal,
}

impl<R: Read> Inflate<R> {
    /// Gunzips `gzip` within `limit` bytes and `budget`.
    pub fn new(gzip: R, limit: u64, budget: &Budget, retry_after: u64, refusal: &Refusal) -> Inflate<R> {
        Inflate {
            decoder: MultiGzDecoder::new(BufReader::new(gzip)),
            limit,
            out: 0,
            charged: 0,
            budget: budget.clone(),
            reservation: Reservation::default(),
            retry_after,
            refusal: refusal.clone(),
        }
    }

    fn refuse(&self, error: ApiError) -> io::Error {
        let message = error.message.clone();
        self.refusal.set(error);
        io::Error::other(message)
    }
}

impl<R: Read> Read for Inflate<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = match self.decoder.read(buf) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => return Err(e),
            // A refused wire already said why; otherwise the data itself is bad.
            Err(e) => return Err(self.refuse(ApiError::bad_request(format!("the gzip body is corrupt: {e}")))),
        };
        self.out = self.out.saturating_add(n as u64);
        if self.out > self.limit {
            return Err(self.refuse(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                format!("the body is larger than `max_decompressed_bytes` ({} bytes) once decompressed", self.limit),
            )));
        }
        if self.out > self.charged {
            // Doubling for few reservations, but never past the limit, and paid before use.
            let target = self.charged.saturating_mul(2).max(self.out).max(MIN_GROWTH).min(self.limit);
            let more = target - self.charged;
            if let Err(e) = self.budget.reserve(&mut self.reservation, more, self.retry_after) {
                return Err(self.refuse(e));
            }
            self.charged = target;
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use std::io::Write;

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        enc.write_all(bytes).unwrap();
        enc.finish().unwrap()
    }

    fn inflate(body: Vec<u8>, limit: u64, budget: &Budget, retry: u64) -> (Inflate<io::Cursor<Vec<u8>>>, Refusal) {
        let refusal = Refusal::default();
        (Inflate::new(io::Cursor::new(body), limit, budget, retry, &refusal), refusal)
    }

    #[test]
    fn a_gzip_bomb_is_refused_at_the_limit_and_its_budget_returned() {
        let bomb = gzip(&vec![b' '; 8_000_000]);
        let budget = Budget::new(64 << 20);
        let (mut reader, refusal) = inflate(bomb.clone(), 3_000_000, &budget, 1);
        assert!(io::copy(&mut reader, &mut io::sink()).is_err());
        assert_eq!(refusal.take().unwrap().status, StatusCode::PAYLOAD_TOO_LARGE);
        drop(reader);
        assert_eq!(budget.available_bytes(), 64 << 20);
        let (mut reader, refusal) = inflate(bomb, 8_000_000, &budget, 1);
        assert_eq!(io::copy(&mut reader, &mut io::sink()).unwrap(), 8_000_000);
        assert!(refusal.take().is_none());
        assert!(budget.available_bytes() <= (64 << 20) - 8_000_000, "the output was paid for");
        assert!(budget.available_bytes() >= (64 << 20) - 8_000_000 - UNIT, "never more than the limit");
        drop(reader);
        assert_eq!(budget.available_bytes(), 64 << 20);
    }

    #[test]
    fn past_the_shared_budget_a_request_is_told_to_retry() {
        let body = gzip(&vec![b'{'; 3_000_000]);
        let budget = Budget::new(4 << 20);
        let (mut first, _) = inflate(body.clone(), 8_000_000, &budget, 1);
        io::copy(&mut first, &mut io::sink()).unwrap();
        let (mut second, refusal) = inflate(body, 8_000_000, &budget, 7);
        assert!(io::copy(&mut second, &mut io::sink()).is_err());
        let err = refusal.take().unwrap();
        assert_eq!(err.status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(err.retry_after, Some(7));
        assert!(err.message.contains("decompression_budget_bytes"), "{}", err.message);
    }

    #[test]
    fn corrupt_gzip_is_a_bad_request() {
        let mut body = gzip(b"{\"a\":1}\n");
        let mid = body.len() / 2;
        body.truncate(mid);
        let (mut reader, refusal) = inflate(body, 1 << 20, &Budget::new(1 << 30), 1);
        assert!(io::copy(&mut reader, &mut io::sink()).is_err());
        let err = refusal.take().unwrap();
        assert_eq!(err.status, StatusCode::BAD_REQUEST);
        assert!(err.message.contains("gzip body is corrupt"), "{}", err.message);
    }
}
