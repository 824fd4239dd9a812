//! What every handler shares: the store, the settings compiled at start-up, metrics, and
//! the detection worker's progress.

use crate::auth::{self, Caller, Need};
use crate::config::ServiceConfig;
use crate::db::Db;
use crate::error::ApiError;
use crate::metrics::Metrics;
use detect::Stream;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::Semaphore;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    /// The enrollment decision point, approvals, revalidation and connectors.
    pub gating: Arc<crate::gating::Gating>,
    pub config: Arc<ServiceConfig>,
    pub metrics: Arc<Metrics>,
    pub progress: Arc<Progress>,
    /// The detection state, shared with the worker (which holds it while it processes).
    pub stream: Arc<Mutex<Option<Stream>>>,
    /// Wakes the worker when events were stored.
    pub wake: std::sync::mpsc::SyncSender<()>,
    pub ingest_slots: Arc<Semaphore>,
    /// `[server] decompression_budget_bytes`: what every gzip body draws from.
    pub decompression: crate::body::Budget,
    pub ingest_options: Arc<ingest::Options>,
    pub secrets: Arc<Secrets>,
    pub sink_wake: Arc<tokio::sync::Notify>,
    /// Console sessions.
    pub sessions: Arc<crate::console::session::Sessions>,
    /// Console sign-in through the OpenID provider, when `[server.oidc]` is set.
    pub oidc: Option<Arc<crate::oidc::OidcClient>>,
    /// When recent events were stored, for the ingest-to-finding latency.
    pub arrivals: Arc<Arrivals>,
    /// Ingest request numbers, for pointers to where an event came from.
    pub requests: Arc<AtomicU64>,
    /// Sigma rules matched at ingest (`[sigma] rules`), when configured.
    pub sigma: Option<Arc<crate::sigma::SigmaRules>>,
}

/// Secrets read from the environment once, at start-up.
#[derive(Default)]
pub struct Secrets {
    pub okta_hook_authorization: Option<String>,
    /// Webhook name → (provider, signature header, secret).
    pub webhooks: HashMap<String, (model::Provider, String, Vec<u8>)>,
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Secrets")
            .field("okta_hook_authorization", &self.okta_hook_authorization.as_ref().map(|_| "<redacted>"))
            .field("webhooks", &self.webhooks.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// Where detection stands, readable without taking the detection lock.
#[derive(Debug, Default)]
pub struct Progress {
    /// The sequence number of the last event stored by this process (or found at start).
    pub stored: AtomicI64,
    /// The sequence number of the last event handed to detection.
    pub processed: AtomicI64,
    /// The worker restored its state and is taking events.
    pub ready: AtomicBool,
    /// The service is shutting down: ingest is refused.
    pub stopping: AtomicBool,
    /// Drains asked for (`POST /v1/admin/drain`) and drains done.
    pub drains_requested: AtomicU64,
    pub drains_done: AtomicU64,
    /// Whether the worker is running, paused on a store error, or stopped, and its heartbeat.
    pub worker: crate::health::WorkerHealth,
}

impl Progress {
    pub fn backlog(&self) -> u64 {
        let stored = self.stored.load(Ordering::Acquire);
        let processed = self.processed.load(Ordering::Acquire);
        u64::try_from(stored.saturating_sub(processed)).unwrap_or(0)
    }

    /// Drains asked for that the worker has not finished: it is flushing, or about to.
    pub fn drains_pending(&self) -> u64 {
        let requested = self.drains_requested.load(Ordering::Acquire);
        requested.saturating_sub(self.drains_done.load(Ordering::Acquire))
    }

    pub fn note_stored(&self, seq: i64) {
        self.stored.fetch_max(seq, Ordering::AcqRel);
    }
}

impl AppState {
    /// The caller behind the request's bearer token, if its role allows `need`.
    pub async fn authorize(&self, headers: &axum::http::HeaderMap, need: Need) -> Result<Caller, ApiError> {
        let Some(token) = auth::bearer(headers) else {
            self.metrics.refuse("unauthenticated");
            return Err(ApiError::unauthorized("this needs `Authorization: Bearer <token>`"));
        };
        let hash = auth::hash_token(token);
        let record = self.db.run(move |s| s.token_by_hash(&hash)).await?;
        auth::check(record, need).inspect_err(|e| self.metrics.refuse(e.code))
    }

    pub fn wake_worker(&self) {
        // A full channel already holds a wake-up: nothing is lost by dropping this one.
        let _ = self.wake.try_send(());
    }
}

/// When the events up to each sequence number were stored, for the latest few thousand
/// requests: the worker reads how long an event waited before its finding.
#[derive(Debug, Default)]
pub struct Arrivals {
    marks: Mutex<std::collections::VecDeque<(i64, std::time::Instant)>>,
}

const ARRIVAL_MARKS: usize = 4096;

impl Arrivals {
    pub fn note(&self, last_seq: i64) {
        if let Ok(mut marks) = self.marks.lock() {
            if marks.len() == ARRIVAL_MARKS {
                marks.pop_front();
            }
            marks.push_back((last_seq, std::time::Instant::now()));
        }
    }

    /// When the event with this sequence number was stored, if still remembered.
    pub fn of(&self, seq: i64) -> Option<std::time::Instant> {
        let marks = self.marks.lock().ok()?;
        let at = marks.partition_point(|(s, _)| *s < seq);
        marks.get(at).map(|(_, t)| *t)
    }
}
