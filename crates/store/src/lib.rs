//! Persistence for events, incidents and findings. SQLite ([`Sqlite`]) is the embedded
//! default; PostgreSQL ([`Postgres`]) is chosen by URL. The store never decides anything: it
//! keeps what it was given and answers queries.
//!
//! Each role is its own trait ([`Events`], [`Findings`], [`IdentityGraph`], [`Tokens`],
//! [`Deliveries`], [`Audit`], [`Ledger`], [`Campaigns`], [`Maintenance`]), implemented by both
//! backends, so that code that needs one role asks for that role; [`Store`] is all of them,
//! for callers that hold a whole connection.
#![warn(missing_docs)]

mod codec;
mod error;
mod paths;
mod postgres;
pub mod private;
mod queries;
pub mod raw;
mod records;
mod roles;
mod rows;
mod sql;
mod sqlite;
#[cfg(feature = "testing")]
pub mod testing;

pub use error::StoreError;
pub use paths::{DB_FILE, default_data_dir};
pub use postgres::Postgres;
pub use records::{
    AssigneeFilter, AuditEntry, CampaignRecord, Comment, Delivery, DeliveryKind, DeliveryState, Detections,
    IncidentRecord, LedgerRecord, LedgerWrite, Notice, NoticeWrite, Page, Query, Role, SourceStat, Status, TokenRecord,
};
pub use roles::{Audit, Campaigns, Deliveries, Events, Findings, IdentityGraph, Ledger, Maintenance, Store};
pub use sqlite::Sqlite;

// The server moves stores to worker threads: both backends must stay `Send`.
const _: () = {
    const fn send<T: Send>() {}
    send::<Sqlite>();
    send::<Postgres>();
};

/// What one save wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Saved {
    /// Incidents written.
    pub incidents: usize,
    /// Findings written.
    pub findings: usize,
}

/// What one append of events wrote: `stored` new events, and `duplicates` already stored
/// (or repeated within the batch), which were left as they were.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Appended {
    /// Events stored for the first time.
    pub stored: usize,
    /// Events already stored, left as they were.
    pub duplicates: usize,
}
