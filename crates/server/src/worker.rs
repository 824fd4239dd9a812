//! The detection worker: a thread that reads stored events in sequence order, runs them
//! through the stream detector (the same detector code as `hunt`), has detection's
//! [`Regrouper`] regroup the incidents they touch, and writes findings, incidents, sink
//! deliveries and a periodic snapshot in one transaction each time.
//!
//! Crash safety: events are stored before they are acknowledged, and detection state is only
//! ever restored from a snapshot plus the events stored after it. Replaying an event that was
//! already processed yields findings with the same ids, which the store keeps once.
//!
//! A store error is not fatal: the step that met it may already have changed the detection
//! state (events pushed, findings taken out of the stream) without writing it, so the worker
//! waits (exponential backoff), restores from its last committed snapshot and replays what
//! came after it, exactly as after a crash. Findings taken but not written are detected
//! again; findings written since the snapshot come back with the same ids and are kept once.

use crate::health::{Backoff, WorkerState};
use crate::state::AppState;
use chrono::Utc;
use detect::{Earlier, History, IdentityKey, Regrouper, Stream};
use model::Finding;
use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};
use store::{Detections, Query, StoreError};

/// Events read from the store at a time.
const BATCH: usize = 2_000;
/// The first wait after a store error, doubling with each failed retry up to the last.
const FIRST_RETRY: Duration = Duration::from_millis(200);
const LAST_RETRY: Duration = Duration::from_secs(10);

/// Why a restore did not finish: the store failed (retry), or it never can (stop).
enum Failure {
    Store(StoreError),
    Fatal(anyhow::Error),
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Failure {
        Failure::Store(e)
    }
}
/// The most findings of one identity loaded back from the store after a restart.
const MAX_IDENTITY_FINDINGS: usize = 10_000;

pub struct Worker {
    app: AppState,
    wake: Receiver<()>,
    regrouper: Regrouper,
    since_snapshot: u64,
    last_snapshot: Instant,
    sinks: Vec<String>,
    /// Drops events that repeat one already processed (docs/events.md §0), across requests.
    collapser: ingest::collapse::Collapser,
}

impl Worker {
    pub fn new(app: AppState, wake: Receiver<()>) -> Worker {
        let sinks = app.config.sinks.iter().map(|s| s.name.clone()).collect();
        Worker {
            app,
            wake,
            regrouper: Regrouper::default(),
            since_snapshot: 0,
            last_snapshot: Instant::now(),
            sinks,
            collapser: ingest::collapse::Collapser::default(),
        }
    }

    /// Runs until the service stops and every stored event has been through detection. A
    /// store error pauses it: it retries, with backoff, from its last committed snapshot.
    /// Only settings it cannot use, or a store error while the service is stopping, end it.
    pub fn run(mut self) -> anyhow::Result<()> {
        let mut backoff = Backoff::new(FIRST_RETRY, LAST_RETRY);
        let mut paused_at: Option<Instant> = None;
        loop {
            let failed = match self.restore() {
                Ok(()) => match self.work(&mut backoff, &mut paused_at) {
                    Ok(()) => return Ok(()),
                    Err(e) => e,
                },
                Err(Failure::Store(e)) => e,
                Err(Failure::Fatal(e)) => return Err(e),
            };
            if self.app.progress.stopping.load(Ordering::Acquire) {
                // Every event stays stored: the next start processes what this one did not.
                return Err(anyhow::anyhow!("the store failed while stopping: {failed}"));
            }
            let reason = failed.to_string();
            let before = self.app.progress.worker.set(WorkerState::Paused { reason: reason.clone() });
            if !matches!(before, WorkerState::Paused { .. }) {
                paused_at = Some(Instant::now());
                tracing::error!(error = %reason, "detection paused by a store error; it retries from its last snapshot");
            }
            self.pause(backoff.next_wait());
        }
    }

    /// Waits `wait` before a retry, or less when the service is stopping.
    fn pause(&self, wait: Duration) {
        let until = Instant::now() + wait;
        while Instant::now() < until && !self.app.progress.stopping.load(Ordering::Acquire) {
            std::thread::sleep((until - Instant::now()).min(Duration::from_millis(100)));
        }
    }

    /// The worker finished a step: it is alive, and running again if it was paused.
    fn step_done(&self, backoff: &mut Backoff, paused_at: &mut Option<Instant>) {
        let health = &self.app.progress.worker;
        health.beat();
        if health.state() != WorkerState::Running {
            health.set(WorkerState::Running);
            backoff.reset();
            if let Some(since) = paused_at.take() {
                tracing::info!(paused_seconds = since.elapsed().as_secs_f64(), "detection resumed");
            }
        }
    }

    /// Processes events, drains and snapshots until the service stops or the store fails.
    fn work(&mut self, backoff: &mut Backoff, paused_at: &mut Option<Instant>) -> Result<(), StoreError> {
        let server = &self.app.config.server;
        let (flush_after, snapshot_every) = (server.flush_after, server.snapshot_every);
        let mut quiet_since = Instant::now();
        let mut flushed = true;
        loop {
            let cursor = self.app.progress.processed.load(Ordering::Acquire);
            let batch = self.app.db.run_blocking(|s| s.events_after(cursor, BATCH))?;
            if !batch.is_empty() {
                self.process(batch)?;
                self.step_done(backoff, paused_at);
                quiet_since = Instant::now();
                flushed = false;
                continue;
            }
            if self.app.sigma.as_ref().is_some_and(|s| s.has_pending()) {
                self.persist_sigma()?;
                continue;
            }
            if self.app.progress.stopping.load(Ordering::Acquire) {
                self.persist(Vec::new(), None, true)?;
                return Ok(());
            }
            let requested = self.app.progress.drains_requested.load(Ordering::Acquire);
            if requested > self.app.progress.drains_done.load(Ordering::Acquire) {
                self.flush()?;
                flushed = true;
                self.app.progress.drains_done.store(requested, Ordering::Release);
                continue;
            }
            if !flushed && quiet_since.elapsed() >= flush_after {
                self.flush()?;
                flushed = true;
            }
            if self.since_snapshot > 0 && self.last_snapshot.elapsed() >= snapshot_every {
                self.persist(Vec::new(), None, true)?;
            }
            // Caught up with everything stored and written what it owed.
            self.step_done(backoff, paused_at);
            let wait =
                if flushed { Duration::from_millis(500) } else { flush_after.saturating_sub(quiet_since.elapsed()) };
            match self.wake.recv_timeout(wait.clamp(Duration::from_millis(5), Duration::from_millis(500))) {
                Ok(()) | Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => self.app.progress.stopping.store(true, Ordering::Release),
            }
        }
    }

    /// Detection state from the last snapshot, or from nothing (replaying every event).
    fn restore(&mut self) -> Result<(), Failure> {
        let config = &self.app.config.detect;
        let snapshot = self.app.db.run_blocking(|s| s.load_snapshot())?;
        let restored = snapshot.and_then(|(seq, bytes)| {
            let read = crate::snapshot::decode(&bytes).map_err(|e| e.to_string()).and_then(|(collapser, stream)| {
                Ok((collapser, Stream::restore(config, stream).map_err(|e| e.to_string())?))
            });
            match read {
                Ok((collapser, stream)) => {
                    self.collapser = collapser;
                    Some((seq, stream))
                }
                Err(e) => {
                    tracing::error!(error = %e, "the detection snapshot cannot be read; replaying every stored event");
                    None
                }
            }
        });
        let (cursor, stream) = match restored {
            Some((seq, stream)) => {
                tracing::info!(seq, buffered = stream.buffered(), "detection restored from its snapshot");
                (seq, stream)
            }
            None => {
                // Nothing was processed: nothing was collapsed either (a retry after a store
                // error starts over from here too).
                self.collapser = ingest::collapse::Collapser::default();
                let graph = self.app.db.run_blocking(|s| s.load_graph())?;
                let engine = detect::Engine::with_graph(config, graph)
                    .map_err(|e| Failure::Fatal(anyhow::anyhow!("detection settings: {e}")))?;
                (0, Stream::new(engine, config.stream.lateness))
            }
        };
        // FW-012 asks the decision point's ledger whether each gated binding was allowed
        // (the gate is not part of the snapshot, so a restored stream gets it again).
        let stream = if config.gating.enabled {
            let gate = policy::LedgerGate::new(self.app.gating.approvals.clone());
            stream.with_gate(std::sync::Arc::new(gate))
        } else {
            stream
        };
        let blind = Query { detector: Some("FW-011".into()), limit: MAX_IDENTITY_FINDINGS, ..Query::default() };
        let stored_blind = self.app.db.run_blocking(|s| s.query_findings(&blind))?;
        self.regrouper = Regrouper::new(stored_blind.items);
        let last = self.app.db.run_blocking(|s| s.last_event_seq())?;
        self.app.progress.note_stored(last);
        self.app.progress.processed.store(cursor, Ordering::Release);
        if let Ok(mut slot) = self.app.stream.lock() {
            *slot = Some(stream);
        }
        // What the stream held is replaced by the snapshot's state: the periodic snapshot
        // counts again from here.
        self.since_snapshot = 0;
        self.app.progress.ready.store(true, Ordering::Release);
        Ok(())
    }

    fn process(&mut self, batch: Vec<(i64, model::Event)>) -> Result<(), StoreError> {
        let first_seq = batch.first().map_or(0, |(seq, _)| *seq);
        let last_seq = batch.last().map_or(0, |(seq, _)| *seq);
        let count = batch.len() as u64;
        let collapser = &mut self.collapser;
        let findings = with_stream(&self.app, |stream| {
            let mut late = 0u64;
            for (seq, event) in batch {
                if collapser.admit(&event) {
                    late += u64::from(stream.push(seq, event));
                }
            }
            stream.release();
            (late, stream.buffered(), stream.take_findings())
        });
        let Some((late, buffered, findings)) = findings else { return Ok(()) };
        let metrics = &self.app.metrics;
        metrics.processed.inc_by(count);
        metrics.late.inc_by(late);
        metrics.buffered.set(i64::try_from(buffered).unwrap_or(i64::MAX));
        if let Some(arrived) = self.app.arrivals.of(first_seq) {
            let waited = arrived.elapsed().as_secs_f64();
            for _ in &findings {
                metrics.latency.observe(waited);
            }
        }
        self.since_snapshot += count;
        self.app.progress.processed.store(last_seq, Ordering::Release);
        let due = self.since_snapshot >= self.app.config.server.snapshot_every_events;
        self.persist(findings, None, due)?;
        let backlog = self.app.progress.backlog();
        self.app.metrics.queue_depth.set(i64::try_from(backlog).unwrap_or(i64::MAX));
        Ok(())
    }

    /// Stores the findings of Sigma rules matched at ingest with the detectors' own
    /// (crate::sigma), regrouping their identities' incidents.
    fn persist_sigma(&mut self) -> Result<(), StoreError> {
        let Some(sigma) = self.app.sigma.clone() else { return Ok(()) };
        let pending = sigma.pending();
        let ids: Vec<String> = pending.iter().map(|f| f.id.clone()).collect();
        let findings = with_stream(&self.app, |stream| {
            pending.into_iter().for_each(|f| stream.adopt(f));
            stream.take_findings()
        });
        let Some(findings) = findings else { return Ok(()) };
        self.persist(findings, None, false)?;
        if let Err(e) = sigma.stored(&ids) {
            tracing::error!(error = %e, "cannot save the Sigma state");
        }
        Ok(())
    }

    /// The input went quiet: process what is held for reordering, run due checks, and take a
    /// new reading of the blind spots.
    fn flush(&mut self) -> Result<(), StoreError> {
        let result = with_stream(&self.app, |stream| {
            stream.drain(Utc::now());
            let findings = stream.take_findings();
            let blind = stream.blind_spots();
            (findings, blind)
        });
        let Some((findings, blind)) = result else { return Ok(()) };
        self.app.metrics.buffered.set(0);
        self.persist(findings, Some(blind), true)
    }

    /// Regroups the incidents of every identity with new findings and writes it all, with a
    /// snapshot when `snapshot`, in one transaction.
    fn persist(&mut self, new: Vec<Finding>, blind: Option<Vec<Finding>>, snapshot: bool) -> Result<(), StoreError> {
        // Earlier findings are read before the detection state is locked: a request may hold
        // a store connection while it waits for that lock.
        let learned = self.regrouper.learn(new, blind, &mut StoredHistory(&self.app.db))?;
        let guard = self.app.stream.lock().ok();
        let Some(stream) = guard.as_ref().and_then(|g| g.as_ref()) else { return Ok(()) };
        let regrouped = self.regrouper.regroup(learned, stream.engine());
        let snapshot_bytes = if snapshot {
            let encoded = stream
                .snapshot()
                .map_err(|e| e.to_string())
                .and_then(|bytes| crate::snapshot::encode(&self.collapser, &bytes).map_err(|e| e.to_string()));
            match encoded {
                Ok(bytes) => Some((stream.cursor(), bytes)),
                Err(e) => {
                    tracing::error!(error = %e, "cannot take a detection snapshot");
                    None
                }
            }
        } else {
            None
        };
        drop(guard);
        if regrouped.is_empty() && snapshot_bytes.is_none() {
            return Ok(());
        }
        let sinks = self.sinks.clone();
        let new_ids = self.app.db.run_blocking(|s| {
            s.apply_detections(&Detections {
                findings: &regrouped.findings,
                retract: &regrouped.retracted,
                incidents: &regrouped.incidents,
                drop_incidents: &regrouped.dropped,
                sinks: &sinks,
                snapshot: snapshot_bytes.as_ref().map(|(seq, bytes)| (*seq, bytes.as_slice())),
            })
        })?;
        if snapshot_bytes.is_some() {
            self.since_snapshot = 0;
            self.last_snapshot = Instant::now();
            self.app.metrics.snapshots.inc();
        }
        if !new_ids.is_empty() {
            let by_id: HashMap<&str, &Finding> = regrouped.findings.iter().map(|f| (f.id.as_str(), f)).collect();
            for id in &new_ids {
                if let Some(f) = by_id.get(id.as_str()) {
                    let labels = crate::metrics::DetectorLabels { detector: f.detector.to_string() };
                    self.app.metrics.findings.get_or_create(&labels).inc();
                }
            }
            self.app.sink_wake.notify_one();
            tracing::info!(new = new_ids.len(), "findings stored");
        }
        Ok(())
    }
}

/// The store as the regrouper's history: an identity's findings and incidents stored before
/// the worker started.
struct StoredHistory<'a>(&'a crate::db::Db);

impl History for StoredHistory<'_> {
    type Error = StoreError;

    fn earlier(&mut self, key: &IdentityKey) -> Result<Earlier, StoreError> {
        let query = Query {
            identity: Some(key.id.to_string()),
            provider: Some(key.provider),
            tenant: Some(key.tenant.to_string()),
            limit: MAX_IDENTITY_FINDINGS,
            ..Query::default()
        };
        let (findings, incidents) =
            self.0.run_blocking(|s| Ok((s.query_findings(&query)?, s.query_incidents(&query)?)))?;
        // The query also matches by login: keep the identity's own records.
        let mine = |id: &str| id == key.id.as_str();
        Ok(Earlier {
            findings: findings.items.into_iter().filter(|f| mine(&f.identity.id)).collect(),
            incidents: incidents
                .items
                .into_iter()
                .filter(|i| mine(&i.incident.identity.id))
                .map(|i| i.incident.id)
                .collect(),
        })
    }
}

fn with_stream<T>(app: &AppState, work: impl FnOnce(&mut Stream) -> T) -> Option<T> {
    let mut guard = app.stream.lock().ok()?;
    guard.as_mut().map(work)
}
