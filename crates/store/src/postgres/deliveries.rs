//! Sink deliveries: which are due, each attempt's outcome, and replay of those given up.

use super::{db, limit_of};
use crate::StoreError;
use crate::codec::stamp;
use crate::records::{Delivery, DeliveryState, Notice, NoticeWrite};
use crate::rows::{DeliveryRow, NoticeRow};
use crate::sql::{self, dollar};
use chrono::{DateTime, Utc};
use postgres::types::ToSql;
use postgres::{Client, GenericClient};

fn read(client: &mut Client, select: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Vec<Delivery>, StoreError> {
    let rows = client.query(&*dollar(select), params).map_err(db)?;
    rows.iter()
        .map(|r| {
            DeliveryRow {
                id: r.try_get(0).map_err(db)?,
                sink: r.try_get(1).map_err(db)?,
                kind: r.try_get(2).map_err(db)?,
                finding: r.try_get(3).map_err(db)?,
                state: r.try_get(4).map_err(db)?,
                attempts: r.try_get(5).map_err(db)?,
                next_attempt: r.try_get(6).map_err(db)?,
                last_error: r.try_get(7).map_err(db)?,
            }
            .record()
        })
        .collect()
}

pub(super) fn due(
    client: &mut Client,
    sink: &str,
    now: DateTime<Utc>,
    limit: usize,
) -> Result<Vec<Delivery>, StoreError> {
    read(client, sql::DUE_DELIVERIES, &[&sink, &stamp(now), &limit_of(limit)])
}

pub(super) fn in_state(
    client: &mut Client,
    sink: &str,
    state: DeliveryState,
    limit: usize,
) -> Result<Vec<Delivery>, StoreError> {
    read(client, sql::DELIVERIES_IN_STATE, &[&sink, &state.as_str(), &limit_of(limit)])
}

/// An attempt on a delivery that is no longer stored (its finding was retracted while it
/// was being sent) changes nothing.
pub(super) fn record_attempt(
    client: &mut Client,
    delivery: i64,
    outcome: Result<(), (&str, Option<DateTime<Utc>>)>,
) -> Result<(), StoreError> {
    match outcome {
        Ok(()) => client.execute(&*dollar(sql::DELIVERED), &[&delivery]),
        Err((error, Some(retry_at))) => {
            client.execute(&*dollar(sql::RETRY_LATER), &[&delivery, &error, &stamp(retry_at)])
        }
        Err((error, None)) => client.execute(&*dollar(sql::GIVE_UP), &[&delivery, &error]),
    }
    .map_err(db)?;
    Ok(())
}

pub(super) fn replay_failed(client: &mut Client, sink: &str, now: DateTime<Utc>) -> Result<usize, StoreError> {
    let changed = client.execute(&*dollar(sql::REPLAY_FAILED), &[&sink, &stamp(now)]).map_err(db)?;
    Ok(usize::try_from(changed).unwrap_or(usize::MAX))
}

/// Stores a notice and queues a delivery of it per sink; `false` when its id is stored.
pub(super) fn put_notice(client: &mut impl GenericClient, write: &NoticeWrite) -> Result<bool, StoreError> {
    let n = &write.notice;
    let stored = client
        .execute(&*dollar(sql::INSERT_NOTICE), &[&n.id, &n.kind, &n.recipient, &n.not_via, &stamp(n.time), &n.body]);
    match stored {
        Ok(_) => {}
        Err(e) if super::is_conflict(&e) => return Ok(false),
        Err(e) => return Err(db(e)),
    }
    if !write.sinks.is_empty() {
        let queue = client.prepare(&dollar(sql::QUEUE_NOTICE)).map_err(db)?;
        let now = stamp(chrono::Utc::now());
        for sink in &write.sinks {
            client.execute(&queue, &[sink, &n.id, &now]).map_err(db)?;
        }
    }
    Ok(true)
}

pub(super) fn notice(client: &mut Client, id: &str) -> Result<Option<Notice>, StoreError> {
    let row = client.query_opt(&*dollar(sql::NOTICE), &[&id]).map_err(db)?;
    row.map(|r| {
        NoticeRow {
            id: r.try_get(0).map_err(db)?,
            kind: r.try_get(1).map_err(db)?,
            recipient: r.try_get(2).map_err(db)?,
            not_via: r.try_get(3).map_err(db)?,
            time: r.try_get(4).map_err(db)?,
            body: r.try_get(5).map_err(db)?,
        }
        .record()
    })
    .transpose()
}
