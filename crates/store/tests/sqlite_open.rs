//! Opening the embedded database creates its folder.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use store::{Sqlite, Store};

#[test]
fn opening_creates_the_folder_of_a_new_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested").join("factorwatch.db");
    let store = Sqlite::open(&path).unwrap();
    assert!(path.exists());
    assert_eq!(store.schema_version().unwrap(), 3);
}
