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

    /// From now on inserting an event whose provider id is `event_id` fails inside the
    /// database, the way a full disk or a dropped connection would fail a write.
    fn fail_inserts_of(&self, event_id: &str);

    fn store(&self) -> Box<dyn Store> {
        self.open().unwrap()
    }
}
