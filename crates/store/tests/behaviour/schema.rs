//! Migrations bring a new or old database to the latest schema, once.

use crate::support::Backend;
use crate::support::fixtures::{event, finding, incident};
use store::StoreError;

const LATEST: i64 = 3;

pub fn a_new_database_is_migrated_to_the_latest_schema_once(db: &dyn Backend) {
    let store = db.store();
    assert_eq!(store.schema_version().unwrap(), LATEST);
    drop(store);
    let again = db.store();
    assert_eq!(again.schema_version().unwrap(), LATEST);
    assert_eq!(db.scalar("SELECT COUNT(*) FROM schema_version"), LATEST);
    assert!(again.incidents(10).unwrap().is_empty());
    assert_eq!(again.last_event_seq().unwrap(), 0);
}

pub fn a_database_from_a_newer_factorwatch_is_refused(db: &dyn Backend) {
    drop(db.store());
    db.execute("INSERT INTO schema_version (version, applied) VALUES (99, 'future')");
    match db.open() {
        Err(StoreError::TooNew { found: 99, known: LATEST }) => {}
        other => panic!("expected TooNew, got {:?}", other.map(|_| ())),
    }
}

/// A database from before events were stored (schema 2) gets the events table on open and
/// keeps what it had.
pub fn an_older_database_gains_the_events_table_and_keeps_its_records(db: &dyn Backend) {
    let mut store = db.store();
    let f = finding(1, "inc_a", "kept");
    store.save_report(&[incident("inc_a", 70, 10, &[&f])], std::slice::from_ref(&f)).unwrap();
    drop(store);
    db.execute("DROP TABLE events; DELETE FROM schema_version WHERE version = 3;");

    let mut store = db.store();
    assert_eq!(store.schema_version().unwrap(), LATEST);
    assert_eq!(store.findings_for("inc_a").unwrap(), vec![f]);
    assert_eq!(store.append_events(&[event("e1", 1)]).unwrap().stored, 1);
}
