//! A SQLite file in a temporary folder.

use super::Backend;
use std::path::PathBuf;
use store::{Sqlite, Store, StoreError};

pub struct SqliteDb {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

impl SqliteDb {
    pub fn new() -> SqliteDb {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("factorwatch.db");
        SqliteDb { _dir: dir, path }
    }

    fn raw(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(&self.path).unwrap()
    }
}

impl Backend for SqliteDb {
    fn open(&self) -> Result<Box<dyn Store>, StoreError> {
        Ok(Box::new(Sqlite::open(&self.path)?))
    }

    fn execute(&self, sql: &str) {
        self.raw().execute_batch(sql).unwrap();
    }

    fn scalar(&self, sql: &str) -> i64 {
        self.raw().query_row(sql, [], |r| r.get(0)).unwrap()
    }

    fn fail_inserts_into(&self, table: &str, column: &str, value: &str) {
        self.execute(&format!(
            "CREATE TRIGGER fail_{table}_{value} BEFORE INSERT ON {table} WHEN NEW.{column} = '{value}'
             BEGIN SELECT RAISE(ABORT, 'simulated failure'); END;"
        ));
    }
}
