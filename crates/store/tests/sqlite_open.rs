//! Opening the embedded database creates its folder and puts it in write-ahead-log mode.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use store::{Events, Maintenance, Sqlite};

#[test]
fn opening_creates_the_folder_of_a_new_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested").join("factorwatch.db");
    let store = Sqlite::open(&path).unwrap();
    assert!(path.exists());
    assert_eq!(store.schema_version().unwrap(), 8);
}

#[test]
fn a_file_database_lets_a_reader_hold_a_snapshot_while_the_store_writes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("factorwatch.db");
    let mut store = Sqlite::open(&path).unwrap();
    let reader = rusqlite::Connection::open(&path).unwrap();
    let mode: String = reader.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal", "the mode is kept in the file");

    // With a rollback journal this commit would wait for the reader, then fail.
    reader.execute_batch("BEGIN").unwrap();
    let count =
        |c: &rusqlite::Connection| c.query_row("SELECT COUNT(*) FROM events", [], |r| r.get::<_, i64>(0)).unwrap();
    assert_eq!(count(&reader), 0);
    let started = std::time::Instant::now();
    assert_eq!(store.append_events(&[okta_event("e1")]).unwrap().stored, 1);
    assert!(started.elapsed() < std::time::Duration::from_secs(2), "the writer did not wait for the reader");
    assert_eq!(count(&reader), 0, "the reader keeps its snapshot");
    reader.execute_batch("COMMIT").unwrap();
    assert_eq!(count(&reader), 1, "and sees the commit after");
}

fn okta_event(id: &str) -> model::Event {
    serde_json::from_value(serde_json::json!({
        "provider": "okta",
        "tenant": "acme.okta.com",
        "id": id,
        "time": "2026-05-04T10:00:00Z",
        "category": "factor_add",
        "action": "user.mfa.factor.activate",
        "outcome": "success",
        "relation": "self",
        "source": "okta.ndjson:1",
    }))
    .unwrap()
}
