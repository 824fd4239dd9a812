//! Gzip bodies decompressed as a stream: the output grows in steps, each step reserved from a
//! byte budget shared by every request (`decompression_budget_bytes`), and never past the
//! request's own limit (`max_decompressed_bytes`). A bomb costs its limit, not twice it, and
//! many bombs at once cost the budget, not the machine.

use crate::error::ApiError;
use axum::http::StatusCode;
use std::io::Read;
use std::sync::Arc;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The budget is counted in units of this many bytes (a semaphore's permits are `u32` per ask).
const UNIT: u64 = 1024;
/// Bytes decompressed per read.
const READ_STEP: usize = 64 * 1024;
/// The smallest growth of the output, so that small bodies take few reservations.
const MIN_GROWTH: usize = 1 << 20;

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
    fn reserve(&self, reservation: &mut Reservation, bytes: usize, retry_after: u64) -> Result<(), ApiError> {
        let units = u32::try_from((bytes as u64).div_ceil(UNIT)).unwrap_or(u32::MAX);
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

/// `body` gunzipped (all members) into at most `limit` bytes, the output's capacity reserved
/// from `budget` as it grows: `413` past the limit, `503` past the budget, `400` when corrupt.
pub fn decompress(
    body: &[u8],
    limit: u64,
    budget: &Budget,
    retry_after: u64,
) -> Result<(Vec<u8>, Reservation), ApiError> {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let mut reservation = Reservation::default();
    let mut decoder = flate2::read::MultiGzDecoder::new(body);
    let mut out: Vec<u8> = Vec::new();
    let mut step = vec![0u8; READ_STEP];
    loop {
        let n = match decoder.read(&mut step) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(ApiError::bad_request(format!("the gzip body is corrupt: {e}"))),
        };
        let len = out.len().saturating_add(n);
        if len > limit {
            return Err(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                format!("the body is larger than `max_decompressed_bytes` ({limit} bytes) once decompressed"),
            ));
        }
        if len > out.capacity() {
            // Doubling for few copies, but capped at the limit, and paid for before it is taken.
            let target = out.capacity().saturating_mul(2).max(len).max(MIN_GROWTH).min(limit);
            budget.reserve(&mut reservation, target - out.capacity(), retry_after)?;
            out.reserve_exact(target - out.len());
        }
        out.extend_from_slice(step.get(..n).unwrap_or_default());
    }
    Ok((out, reservation))
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

    #[test]
    fn a_gzip_bomb_is_refused_at_the_limit_and_its_budget_returned() {
        let bomb = gzip(&vec![b' '; 8_000_000]);
        let budget = Budget::new(64 << 20);
        let err = decompress(&bomb, 3_000_000, &budget, 1).unwrap_err();
        assert_eq!(err.status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(budget.available_bytes(), 64 << 20);
        let (out, held) = decompress(&bomb, 8_000_000, &budget, 1).unwrap();
        assert_eq!(out.len(), 8_000_000);
        assert!(out.capacity() <= 8_000_000, "grew past the limit: {}", out.capacity());
        assert!(budget.available_bytes() <= (64 << 20) - 8_000_000);
        drop(held);
        assert_eq!(budget.available_bytes(), 64 << 20);
    }

    #[test]
    fn past_the_shared_budget_a_request_is_told_to_retry() {
        let body = gzip(&vec![b'{'; 3_000_000]);
        let budget = Budget::new(4 << 20);
        let (_first, _held) = decompress(&body, 8_000_000, &budget, 1).unwrap();
        let err = decompress(&body, 8_000_000, &budget, 7).unwrap_err();
        assert_eq!(err.status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(err.retry_after, Some(7));
        assert!(err.message.contains("decompression_budget_bytes"), "{}", err.message);
    }

    #[test]
    fn corrupt_gzip_is_a_bad_request() {
        let mut body = gzip(b"{\"a\":1}\n");
        let mid = body.len() / 2;
        body.truncate(mid);
        let err = decompress(&body, 1 << 20, &Budget::new(1 << 30), 1).unwrap_err();
        assert_eq!(err.status, StatusCode::BAD_REQUEST);
    }
}
