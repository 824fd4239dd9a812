//! The few store operations the dispatcher needs, as a narrow trait: the store-backed
//! implementation is in `store_outbox.rs`; tests use an in-memory one.

use chrono::{DateTime, Utc};
use model::Finding;
use std::future::Future;
use store::{Delivery, StoreError};

/// A due delivery with the finding it carries; `None` when the finding is no longer stored
/// (retracted after the delivery was queued).
#[derive(Debug, Clone, PartialEq)]
pub struct Due {
    /// The delivery.
    pub delivery: Delivery,
    /// Its finding, unless retracted.
    pub finding: Option<Finding>,
}

/// What to record about one attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attempt {
    /// The receiver accepted it.
    Delivered,
    /// Failed; try again at `at`.
    Retry {
        /// What went wrong.
        error: String,
        /// When to try again.
        at: DateTime<Utc>,
    },
    /// Failed for good: kept as failed until replayed.
    GaveUp {
        /// What went wrong.
        error: String,
    },
}

/// Sink deliveries as kept by the store. Each attempt recorded adds one to the delivery's
/// `attempts`; a replay makes failed deliveries pending and due again (resetting `attempts`
/// gives them a full retry budget).
pub trait Outbox: Send + Sync {
    /// Pending deliveries of `sink` due at `now`, oldest first, at most `limit`, each with its finding.
    fn due(
        &self,
        sink: &str,
        now: DateTime<Utc>,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<Due>, StoreError>> + Send;

    /// Pending deliveries of `sink`, due or not, at most `limit`: for the queue depth and
    /// the next time one falls due.
    fn pending(&self, sink: &str, limit: usize) -> impl Future<Output = Result<Vec<Delivery>, StoreError>> + Send;

    /// Records attempts (delivery id, outcome), in order.
    fn record(&self, attempts: Vec<(i64, Attempt)>) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Makes the failed deliveries of `sink` pending, due at `now`; returns how many.
    fn replay(&self, sink: &str, now: DateTime<Utc>) -> impl Future<Output = Result<usize, StoreError>> + Send;
}
