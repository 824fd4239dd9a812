//! Events: appended once per identity key under a growing sequence number, read back for
//! replay, counted per source, and looked up by the identity they are about.

use super::{db, int};
use crate::codec::{EventKey, evidence_key, parse, seq_id, subject_of, to_json};
use crate::queries::{self, Side};
use crate::records::SourceStat;
use crate::rows::source_stat;
use crate::sql;
use crate::{Appended, StoreError};
use chrono::{DateTime, Utc};
use model::{Event, Evidence, Provider};
use rusqlite::OptionalExtension;
use rusqlite::{Connection, Row, TransactionBehavior, params, params_from_iter};

pub(super) fn append(conn: &mut Connection, events: &[Event], raw: &[Option<&[u8]>]) -> Result<Appended, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db)?;
    let mut stored = 0;
    {
        let mut put = tx.prepare(sql::INSERT_EVENT).map_err(db)?;
        for (i, event) in events.iter().enumerate() {
            let k = EventKey::of(event);
            let record = raw.get(i).copied().flatten();
            let (subject_id, subject_name) = subject_of(event);
            stored += put
                .execute(params![
                    k.provider,
                    k.tenant,
                    k.id,
                    k.action,
                    k.time,
                    k.category,
                    subject_id,
                    subject_name,
                    to_json(event)?,
                    record
                ])
                .map_err(db)?;
        }
    }
    tx.commit().map_err(db)?;
    Ok(Appended { stored, duplicates: events.len().saturating_sub(stored) })
}

fn seq_body(r: &Row<'_>) -> rusqlite::Result<(i64, String)> {
    Ok((r.get(0)?, r.get(1)?))
}

fn event((seq, body): (i64, String)) -> Result<(i64, Event), StoreError> {
    Ok((seq, parse(&seq_id(seq), &body)?))
}

pub(super) fn after(conn: &Connection, seq: i64, limit: usize) -> Result<Vec<(i64, Event)>, StoreError> {
    let mut query = conn.prepare(sql::EVENTS_AFTER).map_err(db)?;
    let rows = query.query_map(params![seq, int(limit)], seq_body).map_err(db)?;
    rows.map(|row| row.map_err(db).and_then(event)).collect()
}

pub(super) fn source_stats(conn: &Connection) -> Result<Vec<SourceStat>, StoreError> {
    let mut query = conn.prepare(queries::SOURCE_STATS).map_err(db)?;
    let rows = query
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
            ))
        })
        .map_err(db)?;
    rows.map(|row| {
        let (provider, tenant, category, events, first, last) = row.map_err(db)?;
        source_stat(&provider, tenant, category, events, &first, &last)
    })
    .collect()
}

pub(super) fn about(
    conn: &Connection,
    provider: Provider,
    tenant: &str,
    identity: &str,
    categories: &[&str],
    limit: usize,
) -> Result<Vec<(i64, Event)>, StoreError> {
    let select = queries::identity_events(provider, tenant, identity, categories, limit);
    let mut query = conn.prepare(&select.sql).map_err(db)?;
    let rows = query.query_map(params_from_iter(&select.params), seq_body).map_err(db)?;
    rows.map(|row| row.map_err(db).and_then(event)).collect()
}

pub(super) fn around(
    conn: &Connection,
    provider: Provider,
    tenant: &str,
    identity: &str,
    categories: &[&str],
    at: DateTime<Utc>,
    limit: usize,
) -> Result<Vec<(i64, Event)>, StoreError> {
    let mut found = Vec::new();
    for side in [Side::AtOrBefore, Side::After] {
        let select = queries::identity_events_near(provider, tenant, identity, categories, at, side, limit);
        let mut query = conn.prepare(&select.sql).map_err(db)?;
        let rows = query.query_map(params_from_iter(&select.params), seq_body).map_err(db)?;
        for row in rows {
            found.push(row.map_err(db).and_then(event)?);
        }
    }
    found.sort_by(|(a_seq, a), (b_seq, b)| a.time.cmp(&b.time).then(a_seq.cmp(b_seq)));
    Ok(found)
}

pub(super) fn by_ids(conn: &Connection, provider: Provider, ids: &[&str]) -> Result<Vec<Event>, StoreError> {
    let select = queries::events_by_ids(provider, ids);
    let mut query = conn.prepare(&select.sql).map_err(db)?;
    let rows = query.query_map(params_from_iter(&select.params), seq_body).map_err(db)?;
    rows.map(|row| row.map_err(db).and_then(event).map(|(_, e)| e)).collect()
}

pub(super) fn raw_record(conn: &Connection, tenant: &str, evidence: &Evidence) -> Result<Option<String>, StoreError> {
    let k = evidence_key(tenant, evidence);
    let row: Option<(i64, Option<Vec<u8>>)> = conn
        .query_row(sql::RAW_RECORD, params![k.provider, k.tenant, k.id, k.action, k.time, k.category], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()
        .map_err(db)?;
    match row {
        Some((seq, Some(packed))) => crate::raw::unpack(&seq_id(seq), &packed).map(Some),
        _ => Ok(None),
    }
}
