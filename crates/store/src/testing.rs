//! For tests of crates built on the store: a fresh PostgreSQL schema per test, on the
//! machine's test database (`FACTORWATCH_TEST_POSTGRES` overrides it), dropped afterwards.
//! An unreachable server fails the test with a hint; it never skips.

use std::sync::atomic::{AtomicU32, Ordering};

/// The machine's test database.
pub const DEFAULT_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// `FACTORWATCH_TEST_POSTGRES`, else the machine's test database.
pub fn test_url() -> String {
    std::env::var("FACTORWATCH_TEST_POSTGRES").ok().filter(|u| !u.is_empty()).unwrap_or_else(|| DEFAULT_URL.into())
}

/// A schema of its own for one test, dropped with it.
pub struct PgSchema {
    base: String,
    name: String,
}

impl PgSchema {
    /// Creates the schema. Panics (failing the test) when PostgreSQL is unreachable.
    #[allow(clippy::panic)]
    pub fn new() -> PgSchema {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let base = test_url();
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
        let name = format!("fw_t_{}_{}_{nanos}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
        if let Err(e) = execute(&base, &format!("CREATE SCHEMA {name}")) {
            panic!(
                "PostgreSQL at `{base}` is unreachable or refused: {e}\nhelp: start it (`.ci/run` does) or set \
                 FACTORWATCH_TEST_POSTGRES to a reachable database URL"
            );
        }
        PgSchema { base, name }
    }

    /// The URL whose sessions use this schema.
    pub fn url(&self) -> String {
        let join = if self.base.contains('?') { '&' } else { '?' };
        format!("{}{join}options=-c%20search_path%3D{}", self.base, self.name)
    }
}

impl Default for PgSchema {
    fn default() -> PgSchema {
        PgSchema::new()
    }
}

impl Drop for PgSchema {
    fn drop(&mut self) {
        let _ = execute(&self.base, &format!("DROP SCHEMA IF EXISTS {} CASCADE", self.name));
    }
}

/// Runs SQL on its own thread: the sync client must not run on an async worker thread.
fn execute(url: &str, sql: &str) -> Result<(), String> {
    let (url, sql) = (url.to_string(), sql.to_string());
    std::thread::spawn(move || {
        let mut client = postgres::Client::connect(&url, postgres::NoTls).map_err(|e| {
            let cause = std::error::Error::source(&e).map(|c| format!(": {c}")).unwrap_or_default();
            format!("{e}{cause}")
        })?;
        client.batch_execute(&sql).map_err(|e| e.to_string())
    })
    .join()
    .map_err(|_| "the PostgreSQL thread failed".to_string())?
}
