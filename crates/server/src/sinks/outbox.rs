//! The few store operations the dispatcher needs, as a narrow trait: the store-backed
//! implementation is in `store_outbox.rs`; tests use an in-memory one.

use chrono::{DateTime, Utc};
use model::Finding;
use std::future::Future;
use store::{Delivery, Notice, StoreError};

/// A due delivery with the finding it carries; `None` when the finding is no longer stored
/// (retracted after the delivery was queued).
#[derive(Debug, Clone, PartialEq)]
pub struct Due {
    /// The delivery.
    pub delivery: Delivery,
    /// Its finding, unless retracted (for a finding's delivery).
    pub finding: Option<Finding>,
    /// Its notice (for a notice's delivery).
    pub notice: Option<Notice>,
}

impl Due {
    /// What the delivery carries, when it is still stored.
    pub fn payload(&self) -> Option<Payload<'_>> {
        match (&self.finding, &self.notice) {
            (Some(finding), _) => Some(Payload::Finding(finding)),
            (None, Some(notice)) => Some(Payload::Notice(notice)),
            (None, None) => None,
        }
    }
}

/// What one delivery carries: a finding, or a notice of the decision point.
#[derive(Debug, Clone, Copy)]
pub enum Payload<'a> {
    /// A finding.
    Finding(&'a Finding),
    /// A notice; its body is the JSON sent.
    Notice(&'a Notice),
}

impl Payload<'_> {
    /// The `X-Factorwatch-Event` name of the payload.
    pub fn event(&self) -> &'static str {
        match self {
            Payload::Finding(_) => "finding",
            Payload::Notice(_) => "notice",
        }
    }

    /// The id of what is carried.
    pub fn id(&self) -> &str {
        match self {
            Payload::Finding(f) => &f.id,
            Payload::Notice(n) => &n.id,
        }
    }

    /// The JSON body.
    pub fn body(&self) -> Result<Vec<u8>, String> {
        match self {
            Payload::Finding(f) => {
                serde_json::to_vec(f).map_err(|e| format!("finding `{}` does not encode: {e}", f.id))
            }
            Payload::Notice(n) => Ok(n.body.clone().into_bytes()),
        }
    }
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
