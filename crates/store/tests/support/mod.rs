//! What the behaviour tests need from a backend, and the fixtures they share.

pub mod fixtures;
pub mod postgres;
pub mod sqlite;

use store::{Store, StoreError};

/// A fresh, empty database of one backend, private to one test and removed after it.
pub trait Backend {
    /// Opens a store on the database, migrating it: the first open, or a restart.
    fn open(&self) -> Result<Box<dyn Store>, StoreError>;

    /// Runs SQL on the database directly, beside the store.
    fn execute(&self, sql: &str);

    /// The first column of the first row of `sql`, an integer.
    fn scalar(&self, sql: &str) -> i64;

    /// From now on inserting a row into `table` whose `column` is `value` fails inside the
    /// database, the way a full disk or a dropped connection would fail a write. `value`
    /// is a plain word: it also names the trigger.
    fn fail_inserts_into(&self, table: &str, column: &str, value: &str);

    /// [`Backend::fail_inserts_into`] for events whose provider id is `event_id`.
    fn fail_inserts_of(&self, event_id: &str) {
        self.fail_inserts_into("events", "event_id", event_id);
    }

    fn store(&self) -> Box<dyn Store> {
        self.open().unwrap()
    }
}

/// Takes a database at the latest schema back to version 3, as an older factorwatch left
/// it: the same SQL on both backends.
pub const UNDO_MIGRATION_4: &str = "
    ALTER TABLE events DROP COLUMN raw; DELETE FROM schema_version WHERE version = 8;
    DROP TABLE incident_assignees; DELETE FROM schema_version WHERE version = 7;
    DROP TABLE notices; DELETE FROM schema_version WHERE version = 6;
    DROP TABLE decisions; DROP TABLE approvals; DROP TABLE campaigns;
    DELETE FROM schema_version WHERE version = 5;
    DROP TABLE incident_status; DROP TABLE comments; DROP TABLE audit_log; DROP TABLE tokens;
    DROP TABLE deliveries; DROP TABLE snapshots; DROP TABLE incident_detectors;
    DROP INDEX events_subject_id; DROP INDEX events_subject_name;
    ALTER TABLE events DROP COLUMN subject_id; ALTER TABLE events DROP COLUMN subject_name;
    DROP INDEX incidents_identity; DROP INDEX incidents_identity_name;
    ALTER TABLE incidents DROP COLUMN severity_rank; ALTER TABLE incidents DROP COLUMN identity_name;
    DROP INDEX findings_time; DROP INDEX findings_identity; DROP INDEX findings_identity_name;
    DROP INDEX findings_detector;
    ALTER TABLE findings DROP COLUMN provider; ALTER TABLE findings DROP COLUMN tenant;
    ALTER TABLE findings DROP COLUMN identity; ALTER TABLE findings DROP COLUMN identity_name;
    ALTER TABLE findings DROP COLUMN severity_rank;
    DELETE FROM schema_version WHERE version = 4;";
