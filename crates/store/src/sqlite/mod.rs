//! The embedded store: one SQLite file. Each concern's code is in its own file, running the
//! statements of [`crate::sql`]; this one opens and migrates the database and routes the
//! roles' methods.

mod deliveries;
mod detections;
mod events;
mod identity_graph;
mod ledger;
mod migrations;
mod reports;
mod tokens;
mod triage;

use crate::codec::stamp;
use crate::queries::Param;
use crate::records::{
    AuditEntry, CampaignRecord, Comment, Delivery, DeliveryState, Detections, IncidentRecord, LedgerRecord,
    LedgerWrite, Notice, Page, Query, SourceStat, Status, TokenRecord,
};
use crate::roles::{Audit, Campaigns, Deliveries, Events, Findings, IdentityGraph, Ledger, Maintenance, Tokens};
use crate::{Appended, Saved, StoreError, sql};
use chrono::{DateTime, Utc};
use migrations::{MIGRATIONS, latest};
use model::{Event, Evidence, Finding, Incident, Provider};
use rusqlite::types::{ToSqlOutput, Value};
use rusqlite::{Connection, params};
use std::path::Path;

/// How long a statement waits for a lock held by another connection.
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// How long a TRUNCATE checkpoint waits for readers (writers wait behind it meanwhile).
const TRUNCATE_WAIT: std::time::Duration = std::time::Duration::from_millis(500);

/// Bytes the write-ahead log file is cut back to when it is reset (64 MiB).
const JOURNAL_SIZE_LIMIT: i64 = 64 * 1024 * 1024;

/// Creates the database file 0600 before SQLite does (SQLite would use 0644 less the umask,
/// and gives its `-wal` and `-shm` files the database file's mode), and narrows an older
/// database and its companions.
fn make_private(path: &Path) -> std::io::Result<()> {
    if !path.exists() {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, crate::private::FILE_MODE);
        match options.open(path) {
            Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => return Err(e),
            _ => {}
        }
    }
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        crate::private::restrict_file(Path::new(&name))?;
    }
    Ok(())
}

/// A connection to the embedded database.
pub struct Sqlite {
    conn: Connection,
}

fn db(e: rusqlite::Error) -> StoreError {
    StoreError::Sqlite(e)
}

/// Whether `e` is a unique or primary key violation: the record is already stored.
fn is_conflict(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::ConstraintViolation)
}

/// A count or limit as SQLite's integer.
fn int(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl rusqlite::ToSql for Param {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Param::Text(text) => ToSqlOutput::Borrowed(text.as_str().into()),
            Param::Int(n) => ToSqlOutput::Owned(Value::Integer(*n)),
        })
    }
}

impl Sqlite {
    /// Opens (creating it and its directory if needed) and migrates the database at `path`.
    pub fn open(path: &Path) -> Result<Sqlite, StoreError> {
        let location = || path.display().to_string();
        let open_error = |e: rusqlite::Error| StoreError::Open { location: location(), source: Box::new(e) };
        let bad_path = |source| StoreError::BadPath { path: location(), source };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            crate::private::create_dir(dir).map_err(bad_path)?;
        }
        make_private(path).map_err(bad_path)?;
        let conn = Connection::open(path).map_err(open_error)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(open_error)?;
        // The service reads while it writes: with a write-ahead log readers do not wait for
        // the writer. With `synchronous = NORMAL` a commit survives a crash of the process
        // (only a power loss may take the last commits back), at a fraction of FULL's fsyncs.
        let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0)).map_err(open_error)?;
        if !mode.eq_ignore_ascii_case("wal") {
            let reason = format!("cannot use a write-ahead log: the journal mode stays `{mode}`");
            return Err(StoreError::Open { location: location(), source: reason.into() });
        }
        conn.pragma_update(None, "synchronous", "NORMAL").map_err(open_error)?;
        // A log that grew during a burst is cut back to this size when it is next reset,
        // instead of keeping its largest size on disk for good.
        conn.pragma_update(None, "journal_size_limit", JOURNAL_SIZE_LIMIT).map_err(open_error)?;
        Sqlite::with_connection(conn)
    }

    /// An in-memory database, for tests and dry runs.
    pub fn in_memory() -> Result<Sqlite, StoreError> {
        let conn = Connection::open_in_memory()
            .map_err(|e| StoreError::Open { location: ":memory:".into(), source: Box::new(e) })?;
        Sqlite::with_connection(conn)
    }

    fn with_connection(conn: Connection) -> Result<Sqlite, StoreError> {
        conn.busy_timeout(BUSY_TIMEOUT).map_err(db)?;
        let mut store = Sqlite { conn };
        store.migrate()?;
        Ok(store)
    }

    fn migrate(&mut self) -> Result<(), StoreError> {
        self.conn
            .execute_batch(
                "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied TEXT NOT NULL)",
            )
            .map_err(db)?;
        let current = self.schema_version()?;
        if current > latest() {
            return Err(StoreError::TooNew { found: current, known: latest() });
        }
        for (index, sql) in MIGRATIONS.iter().enumerate() {
            let version = i64::try_from(index).unwrap_or(i64::MAX).saturating_add(1);
            if version <= current {
                continue;
            }
            let tx = self.conn.transaction().map_err(db)?;
            tx.execute_batch(sql).map_err(db)?;
            tx.execute(sql::RECORD_VERSION, params![version, stamp(Utc::now())]).map_err(db)?;
            tx.commit().map_err(db)?;
        }
        Ok(())
    }
}

impl Events for Sqlite {
    fn append_events_with_raw(&mut self, events: &[Event], raw: &[Option<&[u8]>]) -> Result<Appended, StoreError> {
        events::append(&mut self.conn, events, raw)
    }

    fn raw_record(&self, tenant: &str, evidence: &Evidence) -> Result<Option<String>, StoreError> {
        events::raw_record(&self.conn, tenant, evidence)
    }

    fn events_after(&self, seq: i64, limit: usize) -> Result<Vec<(i64, Event)>, StoreError> {
        events::after(&self.conn, seq, limit)
    }

    fn last_event_seq(&self) -> Result<i64, StoreError> {
        self.conn.query_row(sql::LAST_EVENT_SEQ, [], |r| r.get(0)).map_err(db)
    }

    fn source_stats(&self) -> Result<Vec<SourceStat>, StoreError> {
        events::source_stats(&self.conn)
    }

    fn events_by_ids(&self, provider: Provider, ids: &[&str]) -> Result<Vec<Event>, StoreError> {
        events::by_ids(&self.conn, provider, ids)
    }

    fn identity_events(
        &self,
        provider: Provider,
        tenant: &str,
        identity: &str,
        categories: &[&str],
        limit: usize,
    ) -> Result<Vec<(i64, Event)>, StoreError> {
        events::about(&self.conn, provider, tenant, identity, categories, limit)
    }

    fn identity_events_around(
        &self,
        provider: Provider,
        tenant: &str,
        identity: &str,
        categories: &[&str],
        at: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<(i64, Event)>, StoreError> {
        events::around(&self.conn, provider, tenant, identity, categories, at, limit)
    }
}

impl Findings for Sqlite {
    fn save_report(&mut self, incidents: &[Incident], findings: &[Finding]) -> Result<Saved, StoreError> {
        reports::save(&mut self.conn, incidents, findings)
    }

    fn incidents(&self, limit: usize) -> Result<Vec<Incident>, StoreError> {
        reports::queue(&self.conn, limit)
    }

    fn findings_for(&self, incident: &str) -> Result<Vec<Finding>, StoreError> {
        reports::findings_for(&self.conn, incident)
    }

    fn apply_detections(&mut self, detections: &Detections<'_>) -> Result<Vec<String>, StoreError> {
        detections::apply(&mut self.conn, detections)
    }

    fn load_snapshot(&self) -> Result<Option<(i64, Vec<u8>)>, StoreError> {
        detections::snapshot(&self.conn)
    }

    fn query_incidents(&self, query: &Query) -> Result<Page<IncidentRecord>, StoreError> {
        reports::query_incidents(&self.conn, query)
    }

    fn incident(&self, id: &str) -> Result<Option<IncidentRecord>, StoreError> {
        reports::incident(&self.conn, id)
    }

    fn query_findings(&self, query: &Query) -> Result<Page<Finding>, StoreError> {
        reports::query_findings(&self.conn, query)
    }

    fn finding(&self, id: &str) -> Result<Option<Finding>, StoreError> {
        reports::finding(&self.conn, id)
    }

    fn set_status(&mut self, incident: &str, status: Status, audit: &AuditEntry) -> Result<bool, StoreError> {
        triage::set_status(&mut self.conn, incident, status, audit)
    }

    fn set_assignee(&mut self, incident: &str, assignee: Option<&str>, audit: &AuditEntry) -> Result<bool, StoreError> {
        triage::set_assignee(&mut self.conn, incident, assignee, audit)
    }

    fn add_comment(
        &mut self,
        incident: &str,
        author: &str,
        text: &str,
        time: DateTime<Utc>,
        audit: &AuditEntry,
    ) -> Result<Option<Comment>, StoreError> {
        triage::add_comment(&mut self.conn, incident, author, text, time, audit)
    }

    fn comments(&self, incident: &str) -> Result<Vec<Comment>, StoreError> {
        triage::comments(&self.conn, incident)
    }
}

impl IdentityGraph for Sqlite {
    fn save_graph(&mut self, graph: &graph::Graph) -> Result<(), StoreError> {
        identity_graph::write(&mut self.conn, graph)
    }

    fn load_graph(&self) -> Result<graph::Graph, StoreError> {
        identity_graph::read(&self.conn)
    }
}

impl Tokens for Sqlite {
    fn create_token(&mut self, token: &TokenRecord) -> Result<(), StoreError> {
        tokens::create(&self.conn, token)
    }

    fn token_by_hash(&self, hash: &str) -> Result<Option<TokenRecord>, StoreError> {
        tokens::by_hash(&self.conn, hash)
    }

    fn tokens(&self) -> Result<Vec<TokenRecord>, StoreError> {
        tokens::all(&self.conn)
    }

    fn revoke_token(&mut self, id: &str, time: DateTime<Utc>) -> Result<bool, StoreError> {
        tokens::revoke(&self.conn, id, time)
    }
}

impl Deliveries for Sqlite {
    fn notice(&self, id: &str) -> Result<Option<Notice>, StoreError> {
        deliveries::notice(&self.conn, id)
    }

    fn due_deliveries(&self, sink: &str, now: DateTime<Utc>, limit: usize) -> Result<Vec<Delivery>, StoreError> {
        deliveries::due(&self.conn, sink, now, limit)
    }

    fn deliveries(&self, sink: &str, state: DeliveryState, limit: usize) -> Result<Vec<Delivery>, StoreError> {
        deliveries::in_state(&self.conn, sink, state, limit)
    }

    fn record_attempt(
        &mut self,
        delivery: i64,
        outcome: Result<(), (&str, Option<DateTime<Utc>>)>,
    ) -> Result<(), StoreError> {
        deliveries::record_attempt(&self.conn, delivery, outcome)
    }

    fn replay_failed(&mut self, sink: &str, now: DateTime<Utc>) -> Result<usize, StoreError> {
        deliveries::replay_failed(&self.conn, sink, now)
    }
}

impl Audit for Sqlite {
    fn append_audit(&mut self, entry: &AuditEntry) -> Result<i64, StoreError> {
        triage::append_audit(&self.conn, entry)
    }

    fn audit_log(&self, target: Option<&str>, offset: usize, limit: usize) -> Result<Page<AuditEntry>, StoreError> {
        triage::audit_log(&self.conn, target, offset, limit)
    }
}

impl Ledger for Sqlite {
    fn insert_decision(&mut self, record: &LedgerRecord) -> Result<bool, StoreError> {
        ledger::insert(&self.conn, ledger::Table::Decisions, record)
    }

    fn write_ledger(&mut self, writes: &[LedgerWrite]) -> Result<bool, StoreError> {
        ledger::write_all(&mut self.conn, writes)
    }

    fn decision(&self, id: &str) -> Result<Option<String>, StoreError> {
        ledger::body(&self.conn, ledger::Table::Decisions, id)
    }

    fn decisions_for(&self, provider: Provider, tenant: &str, identity: &str) -> Result<Vec<String>, StoreError> {
        ledger::bodies_for(&self.conn, ledger::Table::Decisions, provider, tenant, identity)
    }

    fn insert_approval(&mut self, record: &LedgerRecord) -> Result<bool, StoreError> {
        ledger::insert(&self.conn, ledger::Table::Approvals, record)
    }

    fn approval(&self, id: &str) -> Result<Option<String>, StoreError> {
        ledger::body(&self.conn, ledger::Table::Approvals, id)
    }

    fn approvals_for(&self, provider: Provider, tenant: &str, identity: &str) -> Result<Vec<String>, StoreError> {
        ledger::bodies_for(&self.conn, ledger::Table::Approvals, provider, tenant, identity)
    }

    fn list_approvals(&self, state: Option<&str>, offset: usize, limit: usize) -> Result<Page<String>, StoreError> {
        ledger::list_approvals(&self.conn, state, offset, limit)
    }

    fn update_approval(&mut self, record: &LedgerRecord, expected_version: i64) -> Result<bool, StoreError> {
        ledger::update_approval(&self.conn, record, expected_version)
    }
}

impl Campaigns for Sqlite {
    fn save_campaign(&mut self, record: &CampaignRecord, expected_version: Option<i64>) -> Result<bool, StoreError> {
        ledger::save_campaign(&self.conn, record, expected_version)
    }

    fn campaign(&self, id: &str) -> Result<Option<CampaignRecord>, StoreError> {
        ledger::campaign(&self.conn, id)
    }

    fn campaigns(&self, limit: usize) -> Result<Vec<CampaignRecord>, StoreError> {
        ledger::campaigns(&self.conn, limit)
    }
}

impl Maintenance for Sqlite {
    fn schema_version(&self) -> Result<i64, StoreError> {
        self.conn.query_row(sql::SCHEMA_VERSION, [], |r| r.get(0)).map_err(db)
    }

    fn defer_checkpoints(&mut self) -> Result<(), StoreError> {
        self.conn.pragma_update(None, "wal_autocheckpoint", 0).map_err(db)
    }

    fn checkpoint(&mut self) -> Result<(), StoreError> {
        // PASSIVE first: copies what no reader still needs without blocking anyone, so the
        // TRUNCATE after it has little left to copy. TRUNCATE then waits for the readers of
        // older snapshots and empties the log file, which PASSIVE never does: without it the
        // file keeps its largest size (2 GB beside a 560 MB database was seen). Writers wait
        // while it is pending, so its wait is kept short; a busy log is cut next time.
        self.conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())).map_err(db)?;
        self.conn.busy_timeout(TRUNCATE_WAIT).map_err(db)?;
        let truncated = self.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
        self.conn.busy_timeout(BUSY_TIMEOUT).map_err(db)?;
        match truncated {
            Ok(()) => Ok(()),
            Err(rusqlite::Error::SqliteFailure(f, _)) if f.code == rusqlite::ErrorCode::DatabaseBusy => Ok(()),
            Err(e) => Err(db(e)),
        }
    }
}
