//! Starting and stopping the service: open the store, read the secrets, start the detection
//! worker and the sinks, serve HTTP, and on shutdown drain in-flight requests, let detection
//! catch up with what was acknowledged, and save a snapshot.

use crate::config::ServiceConfig;
use crate::db::{Db, DynStore};
use crate::gating::Gating;
use crate::metrics::Metrics;
use crate::secrets;
use crate::state::{AppState, Arrivals, Progress};
use crate::worker::Worker;
use anyhow::Context;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

/// Opens `count` connections to the configured store (PostgreSQL by URL, else the SQLite
/// file in the data folder), migrating it on the first.
pub fn open_store(config: &ServiceConfig, count: usize) -> anyhow::Result<Vec<DynStore>> {
    let location = StoreLocation::of(config)?;
    if let StoreLocation::Sqlite(path) = &location
        && let Some(dir) = path.parent()
    {
        // The data folder is the service's own: 0700, even if it was made wider before.
        store::private::restrict_dir(dir)
            .with_context(|| format!("cannot make the data folder {} private", dir.display()))?;
    }
    let mut stores: Vec<DynStore> = Vec::with_capacity(count);
    for _ in 0..count.max(1) {
        stores.push(location.connect()?);
    }
    Ok(stores)
}

/// Where the configured store is, resolved once: the pool reopens connections there.
#[derive(Clone)]
enum StoreLocation {
    Postgres(String),
    Sqlite(std::path::PathBuf),
}

impl StoreLocation {
    fn of(config: &ServiceConfig) -> anyhow::Result<StoreLocation> {
        Ok(match &config.server.database_url {
            Some(url) => StoreLocation::Postgres(url.clone()),
            None => StoreLocation::Sqlite(config.data_dir()?.join(store::DB_FILE)),
        })
    }

    fn connect(&self) -> Result<DynStore, store::StoreError> {
        let mut store: DynStore = match self {
            StoreLocation::Postgres(url) => Box::new(store::Postgres::connect(url)?),
            StoreLocation::Sqlite(path) => Box::new(store::Sqlite::open(path)?),
        };
        // Requests never fold the SQLite log themselves: a checkpoint costs milliseconds,
        // and the service's checkpointer does it in the background.
        store.defer_checkpoints()?;
        Ok(store)
    }
}

/// How often the checkpointer folds the SQLite log into the database. Each fold stalls
/// concurrent commits for a few milliseconds, so it runs rarely; the log grows meanwhile
/// (tens of MB at a thousand decisions a second).
const CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_secs(30);

/// Folds the store's write-ahead log into the database every [`CHECKPOINT_EVERY`] until the
/// service stops (a no-op on PostgreSQL).
fn checkpointer(app: &AppState) {
    while !app.progress.stopping.load(Ordering::Acquire) {
        std::thread::sleep(CHECKPOINT_EVERY);
        if let Err(e) = app.db.run_blocking(|s| s.checkpoint()) {
            tracing::warn!(error = %e, "store checkpoint failed");
        }
    }
}

/// Marks the detection worker stopped when its thread ends, however it ends: `/healthz`
/// then says so. Without a reason set, the thread panicked.
struct MarkStopped {
    app: AppState,
    reason: Option<String>,
}

impl Drop for MarkStopped {
    fn drop(&mut self) {
        let reason = self.reason.take().unwrap_or_else(|| {
            self.app.progress.ready.store(false, Ordering::Release);
            "the detection worker panicked".to_string()
        });
        self.app.progress.worker.set(crate::health::WorkerState::Stopped { reason });
    }
}

/// A running service.
pub struct Service {
    pub(crate) state: AppState,
    worker: std::thread::JoinHandle<anyhow::Result<()>>,
    sinks: tokio::task::JoinHandle<()>,
    sinks_stop: tokio::sync::watch::Sender<bool>,
    tls: Option<tokio_rustls::TlsAcceptor>,
}

impl Service {
    /// Opens the store and starts the detection worker and sinks (no HTTP yet).
    pub fn start(config: ServiceConfig, stores: Vec<DynStore>) -> anyhow::Result<Service> {
        // Read first: a bad certificate or key stops start-up before anything runs.
        let tls = crate::tls::acceptor(&config.server)?;
        let secrets = secrets::read_all(&config)?;
        let sinks = crate::sinks::build_sinks(&config.sinks)?;
        let sink_stats: Arc<Vec<_>> = Arc::new(sinks.iter().map(|s| (s.name().to_string(), s.stats())).collect());
        let mut ingest_options = ingest::Options::default();
        for (provider, tenant) in &config.detect.tenants {
            if let Some(p) = model::Provider::parse(provider) {
                ingest_options.set_tenant(p, tenant);
            }
        }
        ingest_options.max_document_bytes = config.server.max_decompressed_bytes;
        // Everything read is stored; the worker drops repeats in sequence order, as `hunt`
        // does in reading order, so that a change split across requests collapses too.
        ingest_options.keep_duplicates = true;
        // A year 9999 would open false FW-011 silences: later than this is refused.
        ingest_options.future_tolerance = chrono::TimeDelta::from_std(config.server.future_tolerance).ok();
        let sigma = match &config.detect.sigma.rules {
            Some(dir) => {
                let data_dir = config.data_dir()?;
                store::private::restrict_dir(&data_dir)
                    .with_context(|| format!("cannot create the data folder {}", data_dir.display()))?;
                Some(Arc::new(crate::sigma::SigmaRules::open(dir, &data_dir)?))
            }
            None => None,
        };
        let (wake_tx, wake_rx) = std::sync::mpsc::sync_channel(1);
        let location = StoreLocation::of(&config)?;
        let db = Db::new(stores, Some(Box::new(move || location.connect())))?;
        let gating = Arc::new(Gating::new(&config, db.clone())?);
        let oidc = match &config.server.oidc {
            Some(settings) => {
                let secret =
                    secrets::read(settings.client_secret_env.as_deref(), settings.client_secret_file.as_deref())
                        .context("[server.oidc] client secret")?;
                Some(Arc::new(crate::oidc::OidcClient::new(settings.clone(), secret)?))
            }
            None => None,
        };
        let state = AppState {
            db,
            gating,
            ingest_slots: Arc::new(Semaphore::new(config.server.max_concurrent_ingest)),
            decompression: crate::body::Budget::new(config.server.decompression_budget_bytes),
            config: Arc::new(config),
            metrics: Arc::new(Metrics::new(sink_stats.clone())),
            progress: Arc::new(Progress::default()),
            stream: Arc::new(Mutex::new(None)),
            wake: wake_tx,
            ingest_options: Arc::new(ingest_options),
            secrets: Arc::new(secrets),
            sink_wake: Arc::new(tokio::sync::Notify::new()),
            arrivals: Arc::new(Arrivals::default()),
            sessions: Arc::new(crate::console::session::Sessions::default()),
            oidc,
            requests: Arc::new(AtomicU64::new(0)),
            sigma,
        };
        let worker_state = state.clone();
        let worker = std::thread::Builder::new()
            .name("detection".into())
            .spawn(move || {
                // Set before the worker runs, so that a panic too leaves it marked stopped.
                let mut stopped = MarkStopped { app: worker_state.clone(), reason: None };
                let result = Worker::new(worker_state, wake_rx).run();
                stopped.reason = Some(match &result {
                    Ok(()) => "the service stopped".to_string(),
                    Err(e) => {
                        tracing::error!(error = %e, "the detection worker stopped");
                        stopped.app.progress.ready.store(false, Ordering::Release);
                        e.to_string()
                    }
                });
                result
            })
            .context("cannot start the detection worker")?;
        let checkpoints = state.clone();
        std::thread::Builder::new()
            .name("checkpoint".into())
            .spawn(move || checkpointer(&checkpoints))
            .context("cannot start the store checkpointer")?;
        let (sinks_stop, stop_rx) = tokio::sync::watch::channel(false);
        let sinks = crate::sinks::spawn(sinks, &state, stop_rx);
        Ok(Service { state, worker, sinks, sinks_stop, tls })
    }

    /// `https` when every connection is TLS, else `http`.
    pub fn scheme(&self) -> &'static str {
        if self.tls.is_some() { "https" } else { "http" }
    }

    /// Serves HTTP (HTTPS when a certificate is configured) on `listener`, within the
    /// connection limit and header timeout, until `shutdown` completes, then stops in order: in-flight
    /// requests finish (up to the grace period), detection processes everything that was
    /// acknowledged and saves a snapshot, and the sinks stop.
    pub async fn serve(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let state = self.state.clone();
        let grace = state.config.server.shutdown_grace;
        let (signalled_tx, signalled_rx) = tokio::sync::oneshot::channel::<()>();
        let stopping = state.progress.clone();
        let router = crate::app(state.clone());
        let connections = crate::listener::Connections {
            max: state.config.server.max_connections,
            header_read_timeout: state.config.server.header_read_timeout,
            tls: self.tls.clone(),
        };
        let server = crate::listener::serve(listener, router, connections, async move {
            shutdown.await;
            tracing::info!("shutting down: finishing in-flight requests");
            stopping.stopping.store(true, Ordering::Release);
            let _ = signalled_tx.send(());
        });
        let mut server = Box::pin(server);
        tokio::select! {
            () = &mut server => {},
            _ = async {
                let _ = signalled_rx.await;
                tokio::time::sleep(grace).await;
            } => tracing::warn!("in-flight requests did not finish within the grace period"),
        }
        self.stop().await
    }

    /// Stops detection (after it has processed every stored event) and the sinks.
    pub async fn stop(self) -> anyhow::Result<()> {
        self.state.progress.stopping.store(true, Ordering::Release);
        self.state.wake_worker();
        let worker = self.worker;
        let result = tokio::task::spawn_blocking(move || worker.join()).await;
        let _ = self.sinks_stop.send(true);
        let _ = self.sinks.await;
        match result {
            Ok(Ok(Ok(()))) => Ok(()),
            Ok(Ok(Err(e))) => Err(e),
            Ok(Err(_)) | Err(_) => Err(anyhow::anyhow!("the detection worker panicked")),
        }
    }
}
