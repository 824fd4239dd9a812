//! Sink deliveries: which are due, each attempt's outcome, and replay of those given up.

use super::{db, int};
use crate::StoreError;
use crate::codec::stamp;
use crate::records::{Delivery, DeliveryState, Notice, NoticeWrite};
use crate::rows::{DeliveryRow, NoticeRow};
use crate::sql;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Params, Row, params};

fn delivery_row(r: &Row<'_>) -> rusqlite::Result<DeliveryRow> {
    Ok(DeliveryRow {
        id: r.get(0)?,
        sink: r.get(1)?,
        kind: r.get(2)?,
        finding: r.get(3)?,
        state: r.get(4)?,
        attempts: r.get(5)?,
        next_attempt: r.get(6)?,
        last_error: r.get(7)?,
    })
}

fn read(conn: &Connection, select: &str, params: impl Params) -> Result<Vec<Delivery>, StoreError> {
    let mut query = conn.prepare(select).map_err(db)?;
    let rows = query.query_map(params, delivery_row).map_err(db)?;
    rows.map(|row| row.map_err(db).and_then(DeliveryRow::record)).collect()
}

pub(super) fn due(
    conn: &Connection,
    sink: &str,
    now: DateTime<Utc>,
    limit: usize,
) -> Result<Vec<Delivery>, StoreError> {
    read(conn, sql::DUE_DELIVERIES, params![sink, stamp(now), int(limit)])
}

pub(super) fn in_state(
    conn: &Connection,
    sink: &str,
    state: DeliveryState,
    limit: usize,
) -> Result<Vec<Delivery>, StoreError> {
    read(conn, sql::DELIVERIES_IN_STATE, params![sink, state.as_str(), int(limit)])
}

/// An attempt on a delivery that is no longer stored (its finding was retracted while it
/// was being sent) changes nothing.
pub(super) fn record_attempt(
    conn: &Connection,
    delivery: i64,
    outcome: Result<(), (&str, Option<DateTime<Utc>>)>,
) -> Result<(), StoreError> {
    match outcome {
        Ok(()) => conn.execute(sql::DELIVERED, params![delivery]),
        Err((error, Some(retry_at))) => conn.execute(sql::RETRY_LATER, params![delivery, error, stamp(retry_at)]),
        Err((error, None)) => conn.execute(sql::GIVE_UP, params![delivery, error]),
    }
    .map_err(db)?;
    Ok(())
}

pub(super) fn replay_failed(conn: &Connection, sink: &str, now: DateTime<Utc>) -> Result<usize, StoreError> {
    conn.execute(sql::REPLAY_FAILED, params![sink, stamp(now)]).map_err(db)
}

/// Stores a notice and queues a delivery of it per sink; `false` when its id is stored.
pub(super) fn put_notice(conn: &Connection, write: &NoticeWrite) -> Result<bool, StoreError> {
    let n = &write.notice;
    let stored = conn.execute(sql::INSERT_NOTICE, params![n.id, n.kind, n.recipient, n.not_via, stamp(n.time), n.body]);
    match stored {
        Ok(_) => {}
        Err(e) if super::is_conflict(&e) => return Ok(false),
        Err(e) => return Err(db(e)),
    }
    let now = stamp(chrono::Utc::now());
    for sink in &write.sinks {
        conn.execute(sql::QUEUE_NOTICE, params![sink, n.id, now]).map_err(db)?;
    }
    Ok(true)
}

pub(super) fn notice(conn: &Connection, id: &str) -> Result<Option<Notice>, StoreError> {
    conn.query_row(sql::NOTICE, params![id], |r| {
        Ok(NoticeRow {
            id: r.get(0)?,
            kind: r.get(1)?,
            recipient: r.get(2)?,
            not_via: r.get(3)?,
            time: r.get(4)?,
            body: r.get(5)?,
        })
    })
    .optional()
    .map_err(db)?
    .map(NoticeRow::record)
    .transpose()
}
