//! A fresh schema in the PostgreSQL test database, dropped after the test, so that tests
//! run in parallel on one database.

use super::Backend;
use postgres::{Client, NoTls};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};
use store::{Postgres, Store, StoreError};

pub const DEFAULT_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// `FACTORWATCH_TEST_POSTGRES`, else the machine's test database.
pub fn test_url() -> String {
    std::env::var("FACTORWATCH_TEST_POSTGRES").ok().filter(|u| !u.is_empty()).unwrap_or_else(|| DEFAULT_URL.into())
}

pub struct PostgresDb {
    url: String,
    schema: String,
    admin: Mutex<Client>,
}

impl PostgresDb {
    pub fn new() -> PostgresDb {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let url = test_url();
        let mut admin = Client::connect(&url, NoTls).unwrap_or_else(|e| {
            let cause = std::error::Error::source(&e).map(|c| format!(": {c}")).unwrap_or_default();
            panic!(
                "PostgreSQL at `{url}` is unreachable: {e}{cause}\nhelp: start it (`.ci/run` does) or set \
                 FACTORWATCH_TEST_POSTGRES to a reachable database URL"
            )
        });
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
        let schema = format!("fw_test_{}_{}_{nanos}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
        admin.batch_execute(&format!("CREATE SCHEMA {schema}; SET search_path TO {schema}")).unwrap();
        PostgresDb { url, schema, admin: Mutex::new(admin) }
    }

    /// The test URL, with the connection's `search_path` set to this test's schema.
    fn store_url(&self) -> String {
        let join = if self.url.contains('?') { '&' } else { '?' };
        format!("{}{join}options=-c%20search_path%3D{}", self.url, self.schema)
    }
}

impl Drop for PostgresDb {
    fn drop(&mut self) {
        if let Ok(admin) = self.admin.get_mut() {
            let _ = admin.batch_execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.schema));
        }
    }
}

impl Backend for PostgresDb {
    fn open(&self) -> Result<Box<dyn Store>, StoreError> {
        Ok(Box::new(Postgres::connect(&self.store_url())?))
    }

    fn execute(&self, sql: &str) {
        self.admin.lock().unwrap().batch_execute(sql).unwrap();
    }

    fn scalar(&self, sql: &str) -> i64 {
        self.admin.lock().unwrap().query_one(sql, &[]).unwrap().get(0)
    }

    fn fail_inserts_into(&self, table: &str, column: &str, value: &str) {
        self.execute(&format!(
            "CREATE FUNCTION fail_{table}_{value}() RETURNS trigger LANGUAGE plpgsql AS $$
             BEGIN
               IF NEW.{column} = '{value}' THEN RAISE EXCEPTION 'simulated failure'; END IF;
               RETURN NEW;
             END $$;
             CREATE TRIGGER fail_{table}_{value} BEFORE INSERT ON {table}
               FOR EACH ROW EXECUTE FUNCTION fail_{table}_{value}();"
        ));
    }
}
