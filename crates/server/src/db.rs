//! The store as the async server sees it: a pool of connections (r2d2), each used by one
//! blocking task at a time, so that a slow query never stalls the async workers.
//!
//! A connection the database closed (a PostgreSQL restart) is dropped when it comes back,
//! and the pool opens a new one in the background to keep its size: the request that met
//! the closed connection fails, the ones after it are served again.

use std::sync::{Arc, Mutex};
use store::{Store, StoreError};
use tokio::sync::Semaphore;

/// One store connection, as the pool hands it out.
pub type DynStore = Box<dyn Store + Send>;

/// Opens one more connection, for the pool to replace one that broke.
pub type Opener = Box<dyn Fn() -> Result<DynStore, StoreError> + Send + Sync>;

/// A pool of store connections. Cloning shares the pool.
#[derive(Clone)]
pub struct Db {
    pool: Arc<Pool>,
    // Requests wait for a connection here, asynchronously, rather than each holding a
    // blocking thread while the pool is busy.
    permits: Arc<Semaphore>,
}

/// Hands the pool its connections: those opened before it started first, then new ones.
struct Connector {
    opened: Mutex<Vec<DynStore>>,
    open: Option<Opener>,
}

impl r2d2::ManageConnection for Connector {
    type Connection = DynStore;
    type Error = StoreError;

    fn connect(&self) -> Result<DynStore, StoreError> {
        if let Some(conn) = self.opened.lock().ok().and_then(|mut opened| opened.pop()) {
            return Ok(conn);
        }
        match &self.open {
            Some(open) => open(),
            None => Err(StoreError::unavailable("a connection was lost and this store cannot open another")),
        }
    }

    fn is_valid(&self, conn: &mut DynStore) -> Result<(), StoreError> {
        conn.schema_version().map(drop)
    }

    fn has_broken(&self, conn: &mut DynStore) -> bool {
        conn.is_closed()
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
        let connector = Connector { opened: Mutex::new(connections), open };
        let pool = r2d2::Pool::builder()
            .max_size(size)
            .min_idle(Some(size))
            // A round trip per checkout would cost every request; a closed connection is
            // noticed when it comes back instead (`has_broken`).
            .test_on_check_out(false)
            // Connections live as long as they work: no reaping of idle or old ones.
            .idle_timeout(None)
            .max_lifetime(None)
            .build(connector)
            .map_err(unavailable)?;
        Ok(Db { pool: Arc::new(Pool(Some(pool))), permits: Arc::new(Semaphore::new(size as usize)) })
    }

    fn pool(&self) -> Result<&r2d2::Pool<Connector>, StoreError> {
        self.pool.0.as_ref().ok_or_else(shut_down)
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
        let mut conn = self.pool()?.get().map_err(unavailable)?;
        work(conn.as_mut())
    }
}

fn shut_down() -> StoreError {
    StoreError::unavailable("the store is shut down")
}

fn unavailable(e: r2d2::Error) -> StoreError {
    StoreError::unavailable(e.to_string())
}
