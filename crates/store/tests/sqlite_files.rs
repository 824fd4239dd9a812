//! The embedded database's files: private to the service's user, and a write-ahead log that
//! shrinks back after a checkpoint instead of keeping the largest size it ever reached.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use store::{Events, Maintenance, Sqlite};

fn size(path: &Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

fn companion(db: &Path, suffix: &str) -> std::path::PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(suffix);
    name.into()
}

fn events(batch: usize, count: usize) -> Vec<model::Event> {
    (0..count)
        .map(|n| {
            serde_json::from_value(serde_json::json!({
                "provider": "okta",
                "tenant": "acme.okta.com",
                "id": format!("e{batch}-{n}"),
                "time": "2026-05-04T10:00:00Z",
                "category": "factor_add",
                "action": "user.mfa.factor.activate",
                "outcome": "success",
                "relation": "self",
                "reason": "a reason long enough to make the rows as wide as real ones are ".repeat(4),
                "source": format!("okta.ndjson:{n}"),
            }))
            .unwrap()
        })
        .collect()
}

#[test]
fn the_checkpoint_truncates_a_grown_write_ahead_log() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("factorwatch.db");
    let mut store = Sqlite::open(&path).unwrap();
    store.defer_checkpoints().unwrap();
    // An idle reader, as the service's pool holds: it must not keep the log from shrinking.
    let reader = Sqlite::open(&path).unwrap();
    let wal = companion(&path, "-wal");
    const GROWN: u64 = 8 * 1024 * 1024;
    let mut batch = 0;
    while size(&wal) < GROWN {
        assert!(batch < 400, "the log did not grow past {GROWN} bytes: {}", size(&wal));
        store.append_events(&events(batch, 500)).unwrap();
        batch += 1;
    }
    let grown = size(&wal);
    assert!(reader.last_event_seq().unwrap() > 0);
    store.checkpoint().unwrap();
    let after = size(&wal);
    assert!(after < 64 * 1024, "the log is {after} bytes after the checkpoint (it was {grown})");
    // Still a working database: the next write goes to a fresh log.
    store.append_events(&events(batch, 1)).unwrap();
    assert!(size(&wal) < grown);
    assert_eq!(reader.last_event_seq().unwrap(), i64::try_from(batch * 500 + 1).unwrap());
}

#[cfg(unix)]
mod modes {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn a_new_database_its_log_and_its_folder_are_private_to_the_user() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("data");
        let path = dir.join("factorwatch.db");
        let mut store = Sqlite::open(&path).unwrap();
        store.append_events(&events(0, 1)).unwrap();
        assert_eq!(mode(&dir), 0o700, "the folder");
        for file in [path.clone(), companion(&path, "-wal"), companion(&path, "-shm")] {
            assert!(file.exists(), "{} exists", file.display());
            assert_eq!(mode(&file), 0o600, "{}", file.display());
        }
    }

    #[test]
    fn opening_an_older_world_readable_database_narrows_it_and_its_log() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("factorwatch.db");
        {
            let mut store = Sqlite::open(&path).unwrap();
            store.defer_checkpoints().unwrap();
            store.append_events(&events(0, 1)).unwrap();
            // Keep the log on disk: leak the connection's close, as a crash would.
            std::mem::forget(store);
        }
        for file in [path.clone(), companion(&path, "-wal"), companion(&path, "-shm")] {
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        }
        let store = Sqlite::open(&path).unwrap();
        assert_eq!(store.last_event_seq().unwrap(), 1);
        for file in [path.clone(), companion(&path, "-wal"), companion(&path, "-shm")] {
            assert_eq!(mode(&file), 0o600, "{}", file.display());
        }
    }
}
