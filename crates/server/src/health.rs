//! Whether the detection worker is doing its job, readable by `/healthz` without taking the
//! detection lock: running, paused on a store error (it retries by itself), or stopped; and
//! when it last showed it was alive, so that a worker blocked while events wait is told from
//! one that merely has nothing to do.

use std::sync::Mutex;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// What the detection worker is doing.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum WorkerState {
    /// Restoring its state after a start (or after a store error).
    #[default]
    Starting,
    /// Taking events.
    Running,
    /// A store error stopped the last step; it retries from its last committed position.
    Paused { reason: String },
    /// It will not run again in this process.
    Stopped { reason: String },
}

/// The worker's state and heartbeat.
#[derive(Debug, Default)]
pub struct WorkerHealth {
    state: Mutex<WorkerState>,
    /// Milliseconds after [`epoch`] at which the worker last finished a step.
    alive_at: AtomicU64,
}

/// A fixed point of this process's monotonic clock, for heartbeats kept in an atomic.
fn epoch() -> Instant {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    *EPOCH.get_or_init(Instant::now)
}

fn now_millis() -> u64 {
    u64::try_from(epoch().elapsed().as_millis()).unwrap_or(u64::MAX)
}

impl WorkerHealth {
    pub fn state(&self) -> WorkerState {
        self.state.lock().map(|s| s.clone()).unwrap_or_else(|p| p.into_inner().clone())
    }

    /// Sets the state; returns the one before, so that the caller logs only changes.
    pub fn set(&self, state: WorkerState) -> WorkerState {
        let mut slot = self.state.lock().unwrap_or_else(|p| p.into_inner());
        std::mem::replace(&mut *slot, state)
    }

    /// The worker finished a step (a batch, a drain, or a look at an empty queue).
    pub fn beat(&self) {
        self.alive_at.store(now_millis(), Ordering::Release);
    }

    /// How long ago the worker last finished a step.
    pub fn silent_for(&self) -> Duration {
        Duration::from_millis(now_millis().saturating_sub(self.alive_at.load(Ordering::Acquire)))
    }
}

/// Exponential backoff between retries: `first`, doubling, at most `max`.
#[derive(Debug)]
pub struct Backoff {
    next: Duration,
    first: Duration,
    max: Duration,
}

impl Backoff {
    pub fn new(first: Duration, max: Duration) -> Backoff {
        Backoff { next: first, first, max }
    }

    /// The wait before the next attempt.
    pub fn next_wait(&mut self) -> Duration {
        let wait = self.next;
        self.next = (self.next * 2).min(self.max);
        wait
    }

    /// An attempt worked: the next failure waits `first` again.
    pub fn reset(&mut self) {
        self.next = self.first;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_its_cap_and_starts_over_after_a_success() {
        let mut b = Backoff::new(Duration::from_millis(100), Duration::from_millis(500));
        let waits: Vec<u128> = (0..5).map(|_| b.next_wait().as_millis()).collect();
        assert_eq!(waits, [100, 200, 400, 500, 500]);
        b.reset();
        assert_eq!(b.next_wait(), Duration::from_millis(100));
    }

    #[test]
    fn a_state_change_returns_the_state_before() {
        let health = WorkerHealth::default();
        assert_eq!(health.set(WorkerState::Running), WorkerState::Starting);
        let before = health.set(WorkerState::Paused { reason: "down".into() });
        assert_eq!(before, WorkerState::Running);
        health.beat();
        assert!(health.silent_for() < Duration::from_secs(5));
    }
}
