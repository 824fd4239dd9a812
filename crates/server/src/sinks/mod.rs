//! Sinks: where findings go once stored. When the detector stores a new finding, the store
//! queues one pending delivery per configured sink in the same transaction; the dispatcher
//! ([`run`]) sends them, retries with backoff, and keeps the ones it gave up on for
//! [`replay`]. Delivery is at least once (see [`dispatch`]).
//!
//! Kinds: `webhook` (the finding JSON, HMAC-signed), `slack` (an incoming-webhook message),
//! `ndjson` (a local file, one finding per line).
//!
//! ```toml
//! [[sinks]]
//! name = "soc-webhook"
//! kind = "webhook"
//! url = "https://soc.example.com/hooks/factorwatch"
//! secret_env = "FW_SINK_SECRET"
//! retry = { initial_backoff = "1s", max_backoff = "5m", max_attempts = 10 }
//! ```

pub mod config;
pub mod dispatch;
pub mod ndjson;
pub mod outbox;
pub mod outcome;
pub mod retry;
pub mod secret;
pub mod sink;
pub mod slack;
pub mod stats;
mod store_outbox;
pub mod webhook;

pub use config::{RetryConfig, SinkConfig, SinkKind};
pub use dispatch::{replay, run};
pub use outbox::{Attempt, Due, Outbox, Payload};
pub use outcome::Outcome;
pub use secret::{Secret, SecretUrl};
pub use sink::{Sender, Sink, SinkError, build_sinks, build_sinks_with};
pub use stats::{SinkStats, StatsSnapshot};

/// Starts delivering: one task per configured sink, woken by the detection worker.
pub fn spawn(
    sinks: Vec<Sink>,
    state: &crate::AppState,
    shutdown: tokio::sync::watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    let outbox = std::sync::Arc::new(state.db.clone());
    tokio::spawn(run(sinks, outbox, state.sink_wake.clone(), shutdown))
}
