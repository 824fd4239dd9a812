//! What the stream detector produced, written in one transaction, and its snapshot.

use super::db;
use super::reports::{put_findings, put_incidents};
use crate::StoreError;
use crate::codec::stamp;
use crate::records::Detections;
use crate::sql::{self, dollar};
use chrono::Utc;
use postgres::Client;
use std::collections::HashSet;

pub(super) fn apply(client: &mut Client, d: &Detections<'_>) -> Result<Vec<String>, StoreError> {
    let mut tx = client.transaction().map_err(db)?;
    // One writer of findings at a time (readers go on): the transaction reads which
    // findings exist before it writes, and another writer must not change the answer.
    tx.batch_execute("LOCK TABLE findings IN SHARE ROW EXCLUSIVE MODE").map_err(db)?;
    let now = stamp(Utc::now());
    let retracted: HashSet<&str> = d.retract.iter().map(String::as_str).collect();
    let ids: Vec<&str> = d.findings.iter().map(|f| f.id.as_str()).collect();
    let known: HashSet<String> = tx
        .query("SELECT id FROM findings WHERE id = ANY($1)", &[&ids])
        .map_err(db)?
        .iter()
        .map(|r| r.try_get(0).map_err(db))
        .collect::<Result<_, _>>()?;
    let mut new = Vec::new();
    let mut seen = HashSet::new();
    for f in d.findings {
        // A finding retracted in the same call ends up not stored, so it is not new.
        let id = f.id.as_str();
        if seen.insert(id) && !retracted.contains(id) && !known.contains(id) {
            new.push(f.id.clone());
        }
    }
    put_findings(&mut tx, d.findings)?;
    if !new.is_empty() && !d.sinks.is_empty() {
        tx.execute(
            "INSERT INTO deliveries (sink, finding, state, attempts, next_attempt)
             SELECT s, f, 'pending', 0, $3 FROM unnest($1::text[]) AS s, unnest($2::text[]) AS f
             ON CONFLICT (sink, finding) DO NOTHING",
            &[&d.sinks, &new, &now],
        )
        .map_err(db)?;
    }
    if !d.retract.is_empty() {
        // Deliveries not yet made go with their finding; those made stay as history.
        tx.execute("DELETE FROM deliveries WHERE finding = ANY($1) AND state <> 'delivered'", &[&d.retract])
            .map_err(db)?;
        tx.execute("DELETE FROM findings WHERE id = ANY($1)", &[&d.retract]).map_err(db)?;
    }
    put_incidents(&mut tx, d.incidents)?;
    if !d.drop_incidents.is_empty() {
        tx.execute("DELETE FROM incident_detectors WHERE incident = ANY($1)", &[&d.drop_incidents]).map_err(db)?;
        tx.execute("DELETE FROM incidents WHERE id = ANY($1)", &[&d.drop_incidents]).map_err(db)?;
    }
    if let Some((seq, data)) = d.snapshot {
        tx.execute(&*dollar(sql::PUT_SNAPSHOT), &[&seq, &data, &now]).map_err(db)?;
    }
    tx.commit().map_err(db)?;
    Ok(new)
}

pub(super) fn snapshot(client: &mut Client) -> Result<Option<(i64, Vec<u8>)>, StoreError> {
    let row = client.query_opt(sql::SNAPSHOT, &[]).map_err(db)?;
    row.map(|r| Ok((r.try_get(0).map_err(db)?, r.try_get(1).map_err(db)?))).transpose()
}
