//! Counters per sink for the metrics endpoint: plain atomics, so the dispatcher never waits
//! on whoever reads them.

use std::sync::atomic::{AtomicU64, Ordering};

/// What one sink has done since start-up. Shared through an `Arc`; read with [`SinkStats::snapshot`].
#[derive(Debug, Default)]
pub struct SinkStats {
    delivered: AtomicU64,
    failed: AtomicU64,
    retried: AtomicU64,
    queue_depth: AtomicU64,
}

/// One reading of [`SinkStats`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StatsSnapshot {
    /// Deliveries a receiver accepted (counter).
    pub delivered: u64,
    /// Deliveries given up on: refused, out of attempts, or their finding gone (counter).
    pub failed: u64,
    /// Attempts that failed and were scheduled again (counter).
    pub retried: u64,
    /// Pending deliveries, due or waiting for a retry, as last counted (gauge; counting
    /// stops at [`super::dispatch::DEPTH_SCAN`]).
    pub queue_depth: u64,
}

impl SinkStats {
    /// The counters as they stand.
    pub fn snapshot(&self) -> StatsSnapshot {
        StatsSnapshot {
            delivered: self.delivered.load(Ordering::Relaxed),
            failed: self.failed.load(Ordering::Relaxed),
            retried: self.retried.load(Ordering::Relaxed),
            queue_depth: self.queue_depth.load(Ordering::Relaxed),
        }
    }

    pub(crate) fn add_delivered(&self) {
        self.delivered.fetch_add(1, Ordering::Relaxed);
        self.leave_queue();
    }

    pub(crate) fn add_failed(&self) {
        self.failed.fetch_add(1, Ordering::Relaxed);
        self.leave_queue();
    }

    pub(crate) fn add_retried(&self) {
        self.retried.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn set_queue_depth(&self, depth: u64) {
        self.queue_depth.store(depth, Ordering::Relaxed);
    }

    /// Keeps the gauge near the truth between counts.
    fn leave_queue(&self) {
        let _ = self.queue_depth.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |d| Some(d.saturating_sub(1)));
    }
}
