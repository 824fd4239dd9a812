//! From an attempt's outcome to what the store records: delivered, retry later, or give up.

use super::config::RetryConfig;
use super::outbox::Attempt;
use super::outcome::Outcome;
use chrono::{DateTime, TimeDelta, Utc};
use std::time::Duration;

/// The delay before retry number `attempts` (1 after the first failure): `initial_backoff`
/// doubled per attempt, capped at `max_backoff`, then scaled by `jitter` (0.5 to 1.0, drawn
/// per retry) so that deliveries failed together do not return together.
pub fn backoff(retry: &RetryConfig, attempts: u32, jitter: f64) -> Duration {
    let doubling = 2u32.saturating_pow(attempts.saturating_sub(1));
    let base = retry.initial_backoff.saturating_mul(doubling).min(retry.max_backoff);
    base.mul_f64(jitter.clamp(0.5, 1.0))
}

/// What to record after an attempt of a delivery that had `attempts_before` attempts.
/// A receiver's `Retry-After` is a floor: it is never retried sooner than asked.
pub fn decide(retry: &RetryConfig, attempts_before: u32, outcome: Outcome, now: DateTime<Utc>, jitter: f64) -> Attempt {
    match outcome {
        Outcome::Delivered => Attempt::Delivered,
        Outcome::Permanent { error } => Attempt::GaveUp { error },
        Outcome::Retry { error, after } => {
            let attempts = attempts_before.saturating_add(1);
            if attempts >= retry.max_attempts {
                return Attempt::GaveUp { error: format!("{error} (gave up after {attempts} attempts)") };
            }
            let delay = backoff(retry, attempts, jitter).max(after.unwrap_or(Duration::ZERO));
            Attempt::Retry { error, at: later(now, delay) }
        }
    }
}

fn later(now: DateTime<Utc>, delay: Duration) -> DateTime<Utc> {
    TimeDelta::from_std(delay).ok().and_then(|d| now.checked_add_signed(d)).unwrap_or(DateTime::<Utc>::MAX_UTC)
}
