//! Persistence for events, incidents and findings behind one trait, [`Store`]. SQLite
//! ([`Sqlite`]) is the embedded default; PostgreSQL ([`Postgres`]) is chosen by URL. The store
//! never decides anything: it keeps what it was given and answers queries.

mod codec;
mod migrations;
mod paths;
mod postgres;
mod postgres_migrations;
mod sqlite;

pub use paths::{DB_FILE, data_dir_from, default_data_dir};
pub use postgres::Postgres;
pub use sqlite::Sqlite;

use model::{Event, Finding, Incident};

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

/// What one append of events wrote: `stored` new events, and `duplicates` already stored
/// (or repeated within the batch), which were left as they were.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Appended {
    pub stored: usize,
    pub duplicates: usize,
}

/// Where events, incidents and findings are kept. Saving is an upsert by id: saving the same
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

    /// Stores events durably, all or none, in one transaction: when this returns `Ok` they
    /// are committed. An event is identified by (provider, tenant, provider event id,
    /// action, time, category); one already stored is counted as a duplicate and left as
    /// it was. Each new event gets the next sequence number.
    fn append_events(&mut self, events: &[Event]) -> Result<Appended, StoreError>;

    /// Up to `limit` stored events with a sequence number above `seq`, in sequence order:
    /// for replay after a restart (`events_after(0, n)` reads from the first).
    fn events_after(&self, seq: i64, limit: usize) -> Result<Vec<(i64, Event)>, StoreError>;

    /// The sequence number of the last stored event; 0 when none is stored.
    fn last_event_seq(&self) -> Result<i64, StoreError>;
}
