//! The decision point's ledger: decisions, approvals (replaced by compare-and-swap on their
//! version) and revalidation campaigns.

use super::{db, int, is_conflict};
use crate::StoreError;
use crate::codec::stamp;
use crate::queries;
pub(super) use crate::queries::LedgerTable as Table;
use crate::records::{CampaignRecord, LedgerRecord, LedgerWrite, Page};
use crate::rows::time;
use crate::sql;
use model::Provider;
use rusqlite::{Connection, OptionalExtension, params};

pub(super) fn insert(conn: &Connection, table: Table, r: &LedgerRecord) -> Result<bool, StoreError> {
    let inserted = conn.execute(
        &sql::insert_ledger(table),
        params![r.id, r.provider.as_str(), r.tenant, r.identity, stamp(r.time), r.state, r.version, r.body],
    );
    match inserted {
        Ok(_) => Ok(true),
        Err(e) if is_conflict(&e) => Ok(false),
        Err(e) => Err(db(e)),
    }
}

pub(super) fn body(conn: &Connection, table: Table, id: &str) -> Result<Option<String>, StoreError> {
    conn.query_row(&sql::ledger_body(table), params![id], |r| r.get(0)).optional().map_err(db)
}

pub(super) fn bodies_for(
    conn: &Connection,
    table: Table,
    provider: Provider,
    tenant: &str,
    identity: &str,
) -> Result<Vec<String>, StoreError> {
    let mut query = conn.prepare(&sql::ledger_bodies_for(table)).map_err(db)?;
    let rows = query.query_map(params![provider.as_str(), tenant, identity], |r| r.get(0)).map_err(db)?;
    rows.map(|r| r.map_err(db)).collect()
}

pub(super) fn list_approvals(
    conn: &Connection,
    state: Option<&str>,
    offset: usize,
    limit: usize,
) -> Result<Page<String>, StoreError> {
    let limit = queries::page_limit(limit);
    let mut query = conn.prepare(sql::LIST_APPROVALS).map_err(db)?;
    let rows = query.query_map(params![state, int(limit + 1), int(offset)], |r| r.get(0)).map_err(db)?;
    let bodies = rows.map(|r| r.map_err(db)).collect::<Result<Vec<String>, _>>()?;
    Ok(queries::page(bodies, offset, limit))
}

pub(super) fn update_approval(conn: &Connection, r: &LedgerRecord, expected: i64) -> Result<bool, StoreError> {
    let changed =
        conn.execute(sql::UPDATE_APPROVAL, params![r.id, r.state, r.version, r.body, expected]).map_err(db)?;
    Ok(changed == 1)
}

pub(super) fn save_campaign(conn: &Connection, r: &CampaignRecord, expected: Option<i64>) -> Result<bool, StoreError> {
    let changed = match expected {
        None => match conn.execute(sql::INSERT_CAMPAIGN, params![r.id, stamp(r.time), r.version, r.body]) {
            Ok(n) => n,
            Err(e) if is_conflict(&e) => 0,
            Err(e) => return Err(db(e)),
        },
        Some(version) => conn.execute(sql::UPDATE_CAMPAIGN, params![r.id, r.version, r.body, version]).map_err(db)?,
    };
    Ok(changed == 1)
}

fn campaign_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(String, String, i64, String)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
}

fn campaign_record((id, at, version, body): (String, String, i64, String)) -> Result<CampaignRecord, StoreError> {
    let time = time(&id, &at)?;
    Ok(CampaignRecord { id, time, version, body })
}

pub(super) fn campaign(conn: &Connection, id: &str) -> Result<Option<CampaignRecord>, StoreError> {
    conn.query_row(sql::CAMPAIGN, params![id], campaign_row).optional().map_err(db)?.map(campaign_record).transpose()
}

pub(super) fn campaigns(conn: &Connection, limit: usize) -> Result<Vec<CampaignRecord>, StoreError> {
    let mut query = conn.prepare(sql::CAMPAIGNS).map_err(db)?;
    let rows = query.query_map(params![int(queries::page_limit(limit))], campaign_row).map_err(db)?;
    rows.map(|r| r.map_err(db).and_then(campaign_record)).collect()
}

/// Every write in one transaction; rolled back (nothing written) on a duplicate id.
pub(super) fn write_all(conn: &mut Connection, writes: &[LedgerWrite]) -> Result<bool, StoreError> {
    let tx = conn.transaction().map_err(db)?;
    for write in writes {
        let fresh = match write {
            LedgerWrite::Decision(r) => insert(&tx, Table::Decisions, r)?,
            LedgerWrite::Approval(r) => insert(&tx, Table::Approvals, r)?,
            LedgerWrite::Audit(entry) => {
                super::triage::append_audit(&tx, entry)?;
                true
            }
            LedgerWrite::Notice(notice) => super::deliveries::put_notice(&tx, notice)?,
            LedgerWrite::ApprovalChange { record, expected_version } => {
                update_approval(&tx, record, *expected_version)?
            }
        };
        if !fresh {
            return Ok(false);
        }
    }
    tx.commit().map_err(db)?;
    Ok(true)
}
