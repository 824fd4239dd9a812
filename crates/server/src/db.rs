//! The store as the async server sees it: a pool of connections (r2d2), each used by one
//! blocking task at a time, so that a slow query never stalls the async workers.
//!
//! When the database goes away (a PostgreSQL restart or outage) the pool heals itself:
//! - a connection that met a lost-connection error is marked broken and dropped when it comes
//!   back to the pool. The PostgreSQL client alone does not always know: after the server's
//!   "terminating connection" message it reports itself open until it is used once more, so
//!   the pool used to hand the same dead connection out again and again;
//! - the pool opens replacements in the background with exponential backoff (r2d2's: 200 ms
//!   doubling up to half of [`CONNECTION_TIMEOUT`]), logging once when the database becomes
//!   unreachable and once when it is back ([`Reachability`]), not at every attempt;
//! - connections that sat idle through the outage are checked once before their next use
//!   (each knows the outage count when it was last known good), so no request meets them;
//! - while the database is unreachable, a request waits at most [`WAIT_WHILE_DOWN`] for a
//!   connection, then fails with a clear message (`503` with `Retry-After`).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use store::{Store, StoreError};
use tokio::sync::Semaphore;

/// One store connection, as the pool hands it out.
pub type DynStore = Box<dyn Store + Send>;

/// Opens one more connection, for the pool to replace one that broke.
pub type Opener = Box<dyn Fn() -> Result<DynStore, StoreError> + Send + Sync>;

/// How long a request waits for a free connection while the database answers; also sets the
/// longest wait between reconnection attempts (half of it).
const CONNECTION_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a request waits for a connection while the database is known unreachable.
const WAIT_WHILE_DOWN: Duration = Duration::from_millis(250);

/// Whether the database answered lately. Shared by the pool's callbacks and its users; logs
/// each change of state once.
#[derive(Debug, Default)]
pub struct Reachability {
    down: AtomicBool,
    /// How many times the database was found unreachable: a connection last known good
    /// before the latest outage is checked before use.
    outages: AtomicU64,
    /// Since when, and why, while it is unreachable.
    since: Mutex<Option<(Instant, String)>>,
}

impl Reachability {
    fn went_down(&self, reason: &str) {
        if !self.down.swap(true, Ordering::AcqRel) {
            self.outages.fetch_add(1, Ordering::AcqRel);
            if let Ok(mut since) = self.since.lock() {
                *since = Some((Instant::now(), reason.to_string()));
            }
            tracing::error!(error = %reason, "the database is unreachable; reconnecting in the background");
        }
    }

    fn came_back(&self) {
        if self.down.load(Ordering::Acquire) && self.down.swap(false, Ordering::AcqRel) {
            let since = self.since.lock().ok().and_then(|mut s| s.take());
            let seconds = since.map_or(0.0, |(at, _)| at.elapsed().as_secs_f64());
            tracing::info!(unreachable_seconds = seconds, "the database is reachable again");
        }
    }

    fn outages(&self) -> u64 {
        self.outages.load(Ordering::Acquire)
    }

    /// Why the database is unreachable, while it is.
    pub fn down(&self) -> Option<String> {
        if !self.down.load(Ordering::Acquire) {
            return None;
        }
        let since = self.since.lock().ok()?;
        since.as_ref().map(|(at, why)| format!("unreachable for {} s: {why}", at.elapsed().as_secs()))
    }
}

/// A pooled connection, with what the pool needs to know about its health.
pub struct Conn {
    store: DynStore,
    /// The outage count when this connection was last known to work.
    known_good_at: u64,
    /// It met a lost-connection error: the pool drops it.
    broken: bool,
}

/// A pool of store connections. Cloning shares the pool.
#[derive(Clone)]
pub struct Db {
    pool: Arc<Pool>,
    // Requests wait for a connection here, asynchronously, rather than each holding a
    // blocking thread while the pool is busy.
    permits: Arc<Semaphore>,
    reach: Arc<Reachability>,
    size: u32,
}

/// Hands the pool its connections: those opened before it started first, then new ones.
struct Connector {
    opened: Mutex<Vec<DynStore>>,
    open: Option<Opener>,
    reach: Arc<Reachability>,
}

impl r2d2::ManageConnection for Connector {
    type Connection = Conn;
    type Error = StoreError;

    fn connect(&self) -> Result<Conn, StoreError> {
        let known_good_at = self.reach.outages();
        if let Some(store) = self.opened.lock().ok().and_then(|mut opened| opened.pop()) {
            return Ok(Conn { store, known_good_at, broken: false });
        }
        let store = match &self.open {
            Some(open) => open()?,
            None => return Err(StoreError::unavailable("a connection was lost and this store cannot open another")),
        };
        self.reach.came_back();
        Ok(Conn { store, known_good_at, broken: false })
    }

    fn is_valid(&self, conn: &mut Conn) -> Result<(), StoreError> {
        conn.store.schema_version().map(drop)
    }

    fn has_broken(&self, conn: &mut Conn) -> bool {
        conn.broken || conn.store.is_closed()
    }
}

/// r2d2 reports each failed attempt to open a connection here: the database is unreachable
/// (logged once per outage, not per attempt).
#[derive(Debug)]
struct NoteFailures(Arc<Reachability>);

impl r2d2::HandleError<StoreError> for NoteFailures {
    fn handle_error(&self, error: StoreError) {
        self.0.went_down(&error.to_string());
    }
}

/// The r2d2 pool, dropped on a plain thread when the last handle goes: a synchronous client
/// (PostgreSQL's runs its own runtime) must not be closed on an async worker.
struct Pool(Option<r2d2::Pool<Connector>>);

impl Drop for Pool {
    fn drop(&mut self) {
        if let Some(pool) = self.0.take() {
            let _ = std::thread::spawn(move || drop(pool)).join();
        }
    }
}

impl Db {
    /// A pool over already opened connections (at least one). A connection that breaks is
    /// replaced by `open` when given; without it the pool shrinks.
    pub fn new(connections: Vec<DynStore>, open: Option<Opener>) -> Result<Db, StoreError> {
        let size = u32::try_from(connections.len()).unwrap_or(u32::MAX).max(1);
        let reach = Arc::new(Reachability::default());
        let connector = Connector { opened: Mutex::new(connections), open, reach: reach.clone() };
        let pool = r2d2::Pool::builder()
            .max_size(size)
            .min_idle(Some(size))
            // A round trip per checkout would cost every request; a closed connection is
            // noticed when it comes back instead (`has_broken`), and after an outage each
            // connection is checked once (`checkout`).
            .test_on_check_out(false)
            // Connections live as long as they work: no reaping of idle or old ones.
            .idle_timeout(None)
            .max_lifetime(None)
            .connection_timeout(CONNECTION_TIMEOUT)
            .error_handler(Box::new(NoteFailures(reach.clone())))
            .build(connector)
            .map_err(|e| StoreError::unavailable(e.to_string()))?;
        Ok(Db { pool: Arc::new(Pool(Some(pool))), permits: Arc::new(Semaphore::new(size as usize)), reach, size })
    }

    fn pool(&self) -> Result<&r2d2::Pool<Connector>, StoreError> {
        self.pool.0.as_ref().ok_or_else(shut_down)
    }

    /// Whether the database answered lately: why not, while it does not.
    pub fn reachability(&self) -> &Reachability {
        &self.reach
    }

    /// Runs `work` on a connection, on a blocking thread.
    pub async fn run<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut dyn Store) -> Result<T, StoreError> + Send + 'static,
    {
        let permit = self.permits.clone().acquire_owned().await.map_err(|_| shut_down())?;
        let db = self.clone();
        let joined = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            db.run_blocking(work)
        })
        .await;
        joined.map_err(|e| StoreError::unavailable(format!("a store task failed: {e}")))?
    }

    /// Runs `work` on a connection from a thread that may block (the detection worker, a
    /// blocking task), waiting for a free connection if needed.
    pub fn run_blocking<T>(&self, work: impl FnOnce(&mut dyn Store) -> Result<T, StoreError>) -> Result<T, StoreError> {
        let mut conn = self.checkout()?;
        match work(conn.store.as_mut()) {
            Ok(value) => {
                self.reach.came_back();
                Ok(value)
            }
            Err(e) => {
                if e.is_connection_lost() || conn.store.is_closed() {
                    conn.broken = true;
                    self.reach.went_down(&e.to_string());
                }
                Err(e)
            }
        }
    }

    /// A connection known to work since the latest outage, or why none can be had.
    fn checkout(&self) -> Result<r2d2::PooledConnection<Connector>, StoreError> {
        let pool = self.pool()?;
        // Each try either returns or drops a connection left from before the outage, so
        // one more try than the pool holds reaches a fresh one or a timeout.
        for _ in 0..=self.size {
            let wait = if self.reach.down.load(Ordering::Acquire) { WAIT_WHILE_DOWN } else { CONNECTION_TIMEOUT };
            let mut conn = pool.get_timeout(wait).map_err(|e| self.unavailable(&e))?;
            let outages = self.reach.outages();
            if conn.known_good_at == outages {
                return Ok(conn);
            }
            match conn.store.schema_version() {
                Ok(_) => {
                    conn.known_good_at = outages;
                    return Ok(conn);
                }
                Err(e) => {
                    conn.broken = true;
                    self.reach.went_down(&e.to_string());
                }
            }
        }
        Err(self.unavailable_now())
    }

    fn unavailable(&self, e: &r2d2::Error) -> StoreError {
        match self.reach.down() {
            Some(_) => self.unavailable_now(),
            None => StoreError::unavailable(format!("no store connection became free: {e}")),
        }
    }

    fn unavailable_now(&self) -> StoreError {
        let why = self.reach.down().unwrap_or_else(|| "no connection could be checked".to_string());
        StoreError::unavailable(format!("the database is {why}; the service reconnects by itself, retry later"))
    }
}

fn shut_down() -> StoreError {
    StoreError::unavailable("the store is shut down")
}
