//! What the stream detector produced, written in one transaction, and its snapshot.

use super::db;
use super::reports::{put_findings, put_incidents};
use crate::StoreError;
use crate::codec::stamp;
use crate::records::Detections;
use crate::sql;
use chrono::Utc;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use std::collections::HashSet;

pub(super) fn apply(conn: &mut Connection, d: &Detections<'_>) -> Result<Vec<String>, StoreError> {
    // Immediate: the transaction reads which findings exist before it writes, so it takes
    // the write lock first and no other writer can change the answer in between.
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db)?;
    let now = stamp(Utc::now());
    let retracted: HashSet<&str> = d.retract.iter().map(String::as_str).collect();
    let mut new = Vec::new();
    {
        let mut known = tx.prepare("SELECT 1 FROM findings WHERE id = ?1").map_err(db)?;
        let mut seen = HashSet::new();
        for f in d.findings {
            // A finding retracted in the same call ends up not stored, so it is not new.
            if seen.insert(f.id.as_str())
                && !retracted.contains(f.id.as_str())
                && !known.exists(params![f.id]).map_err(db)?
            {
                new.push(f.id.clone());
            }
        }
        put_findings(&tx, d.findings)?;
        let mut queue = tx
            .prepare(
                "INSERT INTO deliveries (sink, finding, state, attempts, next_attempt) VALUES (?1, ?2, 'pending', 0, ?3)
                 ON CONFLICT (sink, finding) DO NOTHING",
            )
            .map_err(db)?;
        for id in &new {
            for sink in d.sinks {
                queue.execute(params![sink, id, now]).map_err(db)?;
            }
        }
        // Deliveries not yet made go with their finding; those made stay as history.
        let mut unqueue =
            tx.prepare("DELETE FROM deliveries WHERE finding = ?1 AND state <> 'delivered'").map_err(db)?;
        let mut retract = tx.prepare("DELETE FROM findings WHERE id = ?1").map_err(db)?;
        for id in d.retract {
            unqueue.execute(params![id]).map_err(db)?;
            retract.execute(params![id]).map_err(db)?;
        }
        put_incidents(&tx, d.incidents)?;
        let mut drop_detectors = tx.prepare(sql::CLEAR_DETECTORS).map_err(db)?;
        let mut drop_incident = tx.prepare("DELETE FROM incidents WHERE id = ?1").map_err(db)?;
        for id in d.drop_incidents {
            drop_detectors.execute(params![id]).map_err(db)?;
            drop_incident.execute(params![id]).map_err(db)?;
        }
        if let Some((seq, data)) = d.snapshot {
            tx.execute(sql::PUT_SNAPSHOT, params![seq, data, now]).map_err(db)?;
        }
    }
    tx.commit().map_err(db)?;
    Ok(new)
}

pub(super) fn snapshot(conn: &Connection) -> Result<Option<(i64, Vec<u8>)>, StoreError> {
    conn.query_row(sql::SNAPSHOT, [], |r| Ok((r.get(0)?, r.get(1)?))).optional().map_err(db)
}
