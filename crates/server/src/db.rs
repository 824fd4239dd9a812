//! The store as the async server sees it: a few connections, each used by one blocking task
//! at a time, so that a slow query never stalls the async workers.

use std::sync::{Arc, Mutex};
use store::{Store, StoreError};
use tokio::sync::Semaphore;

pub type DynStore = Box<dyn Store + Send>;

/// A small pool of store connections. Cloning shares the pool.
#[derive(Clone)]
pub struct Db {
    free: Arc<Connections>,
    permits: Arc<Semaphore>,
}

/// The connections, closed on a plain thread when the last handle goes: a synchronous
/// client (PostgreSQL's runs its own runtime) must not be closed on an async worker.
struct Connections(Mutex<Vec<DynStore>>);

impl std::ops::Deref for Connections {
    type Target = Mutex<Vec<DynStore>>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl Drop for Connections {
    fn drop(&mut self) {
        let connections = match self.0.get_mut() {
            Ok(list) => std::mem::take(list),
            Err(poisoned) => std::mem::take(poisoned.into_inner()),
        };
        if !connections.is_empty() {
            let _ = std::thread::spawn(move || drop(connections)).join();
        }
    }
}

impl Db {
    /// A pool over already opened connections (at least one).
    pub fn new(connections: Vec<DynStore>) -> Db {
        let permits = Arc::new(Semaphore::new(connections.len()));
        Db { free: Arc::new(Connections(Mutex::new(connections))), permits }
    }

    /// Runs `work` on a connection, on a blocking thread.
    pub async fn run<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut dyn Store) -> Result<T, StoreError> + Send + 'static,
    {
        let closed = || StoreError::Database("the store is shut down".into());
        let permit = self.permits.clone().acquire_owned().await.map_err(|_| closed())?;
        let free = self.free.clone();
        let joined = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let mut conn = take(&free)?;
            let result = work(conn.as_mut());
            give_back(&free, conn);
            result
        })
        .await;
        joined.map_err(|e| StoreError::Database(format!("store task failed: {e}")))?
    }

    /// Runs `work` on a connection from a thread that is not async (the detection worker).
    pub fn run_blocking<T>(&self, work: impl FnOnce(&mut dyn Store) -> Result<T, StoreError>) -> Result<T, StoreError> {
        let closed = || StoreError::Database("the store is shut down".into());
        let permit = match self.permits.clone().try_acquire_owned() {
            Ok(permit) => permit,
            Err(tokio::sync::TryAcquireError::Closed) => return Err(closed()),
            // All connections busy: wait for one to come back. A blocking thread of the
            // runtime waits on the semaphore; a plain thread (the detection worker) polls.
            Err(tokio::sync::TryAcquireError::NoPermits) => match tokio::runtime::Handle::try_current() {
                Ok(handle) => handle.block_on(self.permits.clone().acquire_owned()).map_err(|_| closed())?,
                Err(_) => loop {
                    match self.permits.clone().try_acquire_owned() {
                        Ok(permit) => break permit,
                        Err(tokio::sync::TryAcquireError::Closed) => return Err(closed()),
                        Err(tokio::sync::TryAcquireError::NoPermits) => {
                            std::thread::sleep(std::time::Duration::from_micros(200))
                        }
                    }
                },
            },
        };
        let _permit = permit;
        let mut conn = take(&self.free)?;
        let result = work(conn.as_mut());
        give_back(&self.free, conn);
        result
    }
}

fn take(free: &Mutex<Vec<DynStore>>) -> Result<DynStore, StoreError> {
    let mut guard = free.lock().map_err(|_| StoreError::Database("store pool poisoned".into()))?;
    guard.pop().ok_or_else(|| StoreError::Database("store pool is empty".into()))
}

fn give_back(free: &Mutex<Vec<DynStore>>, conn: DynStore) {
    if let Ok(mut guard) = free.lock() {
        guard.push(conn);
    }
}
