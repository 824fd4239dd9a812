//! Events: appended once per identity key under a growing sequence number, read back for
//! replay, counted per source, and looked up by the identity they are about.

use super::{bind, db, from_value, limit_of, to_value};
use crate::codec::{EventKey, evidence_key, seq_id, subject_of};
use crate::queries::{self, Side};
use crate::records::SourceStat;
use crate::rows::source_stat;
use crate::sql::{self, dollar};
use crate::{Appended, StoreError};
use chrono::{DateTime, Utc};
use model::{Event, Evidence, Provider};
use postgres::{Client, Row};

pub(super) fn append(client: &mut Client, events: &[Event], raw: &[Option<&[u8]>]) -> Result<Appended, StoreError> {
    let mut tx = client.transaction().map_err(db)?;
    // One appender at a time (readers go on): sequence numbers are taken at insert, so
    // without this a later number could commit before an earlier one, and a reader
    // following `events_after` would skip the earlier for good.
    tx.batch_execute("LOCK TABLE events IN SHARE ROW EXCLUSIVE MODE").map_err(db)?;
    let put = tx.prepare(&dollar(sql::INSERT_EVENT)).map_err(db)?;
    let mut stored = 0u64;
    for (i, event) in events.iter().enumerate() {
        let k = EventKey::of(event);
        let record = raw.get(i).copied().flatten();
        let (subject_id, subject_name) = subject_of(event);
        stored += tx
            .execute(
                &put,
                &[
                    &k.provider,
                    &k.tenant,
                    &k.id,
                    &k.action,
                    &k.time,
                    &k.category,
                    &subject_id,
                    &subject_name,
                    &to_value(event)?,
                    &record,
                ],
            )
            .map_err(db)?;
    }
    tx.commit().map_err(db)?;
    let stored = usize::try_from(stored).unwrap_or(usize::MAX);
    Ok(Appended { stored, duplicates: events.len().saturating_sub(stored) })
}

fn event(row: &Row) -> Result<(i64, Event), StoreError> {
    let seq: i64 = row.try_get(0).map_err(db)?;
    Ok((seq, from_value(&seq_id(seq), row.try_get(1).map_err(db)?)?))
}

pub(super) fn after(client: &mut Client, seq: i64, limit: usize) -> Result<Vec<(i64, Event)>, StoreError> {
    let rows = client.query(&*dollar(sql::EVENTS_AFTER), &[&seq, &limit_of(limit)]).map_err(db)?;
    rows.iter().map(event).collect()
}

pub(super) fn source_stats(client: &mut Client) -> Result<Vec<SourceStat>, StoreError> {
    let rows = client.query(queries::SOURCE_STATS, &[]).map_err(db)?;
    rows.iter()
        .map(|r| {
            let provider: String = r.try_get(0).map_err(db)?;
            let (first, last): (String, String) = (r.try_get(4).map_err(db)?, r.try_get(5).map_err(db)?);
            source_stat(
                &provider,
                r.try_get(1).map_err(db)?,
                r.try_get(2).map_err(db)?,
                r.try_get(3).map_err(db)?,
                &first,
                &last,
            )
        })
        .collect()
}

pub(super) fn about(
    client: &mut Client,
    provider: Provider,
    tenant: &str,
    identity: &str,
    categories: &[&str],
    limit: usize,
) -> Result<Vec<(i64, Event)>, StoreError> {
    let select = queries::identity_events(provider, tenant, identity, categories, limit);
    let rows = client.query(&*dollar(&select.sql), &bind(&select.params)).map_err(db)?;
    rows.iter().map(event).collect()
}

pub(super) fn around(
    client: &mut Client,
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
        let rows = client.query(&*dollar(&select.sql), &bind(&select.params)).map_err(db)?;
        for row in &rows {
            found.push(event(row)?);
        }
    }
    found.sort_by(|(a_seq, a), (b_seq, b)| a.time.cmp(&b.time).then(a_seq.cmp(b_seq)));
    Ok(found)
}

pub(super) fn by_ids(client: &mut Client, provider: Provider, ids: &[&str]) -> Result<Vec<Event>, StoreError> {
    let select = queries::events_by_ids(provider, ids);
    let rows = client.query(&*dollar(&select.sql), &bind(&select.params)).map_err(db)?;
    rows.iter().map(|row| event(row).map(|(_, e)| e)).collect()
}

pub(super) fn raw_record(client: &mut Client, tenant: &str, evidence: &Evidence) -> Result<Option<String>, StoreError> {
    let k = evidence_key(tenant, evidence);
    let row = client
        .query_opt(&*dollar(sql::RAW_RECORD), &[&k.provider, &k.tenant, &k.id, &k.action, &k.time, &k.category])
        .map_err(db)?;
    let Some(row) = row else { return Ok(None) };
    let seq: i64 = row.try_get(0).map_err(db)?;
    let packed: Option<Vec<u8>> = row.try_get(1).map_err(db)?;
    packed.map(|p| crate::raw::unpack(&seq_id(seq), &p)).transpose()
}
