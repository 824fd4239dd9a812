//! Persistence for incidents and findings behind one trait, [`Store`]. SQLite ([`Sqlite`])
//! is the embedded default; a PostgreSQL implementation fits the same trait. The store
//! never decides anything: it keeps what the engine reported and answers queries.

mod migrations;
mod paths;
mod sqlite;

pub use paths::{DB_FILE, data_dir_from, default_data_dir};
pub use sqlite::Sqlite;

use model::{Finding, Incident};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Database(String),
    #[error("database `{path}`: {reason}")]
    Open { path: String, reason: String },
    #[error("database schema version {found} is newer than this factorwatch knows ({known}); upgrade factorwatch")]
    TooNew { found: i64, known: i64 },
    #[error("stored record `{id}` is not readable: {reason}")]
    Corrupt { id: String, reason: String },
}

/// What one save wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Saved {
    pub incidents: usize,
    pub findings: usize,
}

/// Where incidents and findings are kept. Saving is an upsert by id: saving the same
/// finding twice keeps one row, with the latest content.
pub trait Store {
    /// Writes incidents and findings in one transaction.
    fn save_report(&mut self, incidents: &[Incident], findings: &[Finding]) -> Result<Saved, StoreError>;

    /// The incident queue: highest risk first, then earliest, at most `limit`.
    fn incidents(&self, limit: usize) -> Result<Vec<Incident>, StoreError>;

    /// The findings of one incident, in time order.
    fn findings_for(&self, incident: &str) -> Result<Vec<Finding>, StoreError>;

    /// The schema version the database is at.
    fn schema_version(&self) -> Result<i64, StoreError>;

    /// Replaces the stored identity graph with `graph`, in one transaction.
    fn save_graph(&mut self, graph: &graph::Graph) -> Result<(), StoreError>;

    /// The stored identity graph (empty when none was saved).
    fn load_graph(&self) -> Result<graph::Graph, StoreError>;
}
