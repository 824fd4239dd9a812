//! The decision point's ledger: decisions, approvals (replaced by compare-and-swap on their
//! version) and revalidation campaigns.

use super::{db, int};
use crate::StoreError;
use crate::codec::stamp;
use crate::queries;
pub(super) use crate::queries::LedgerTable as Table;
use crate::records::{CampaignRecord, LedgerRecord, LedgerWrite, Page};
use crate::rows::time;
use model::Provider;
use rusqlite::{Connection, ErrorCode, OptionalExtension, params};

pub(super) fn insert(conn: &Connection, table: Table, r: &LedgerRecord) -> Result<bool, StoreError> {
    let sql = format!(
        "INSERT INTO {} (id, provider, tenant, identity, time, state, version, body)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        table.name()
    );
    let inserted = conn.execute(
        &sql,
        params![r.id, r.provider.as_str(), r.tenant, r.identity, stamp(r.time), r.state, r.version, r.body],
    );
    match inserted {
        Ok(_) => Ok(true),
        Err(rusqlite::Error::SqliteFailure(e, _)) if e.code == ErrorCode::ConstraintViolation => Ok(false),
        Err(e) => Err(db(e)),
    }
}

pub(super) fn body(conn: &Connection, table: Table, id: &str) -> Result<Option<String>, StoreError> {
    conn.query_row(&format!("SELECT body FROM {} WHERE id = ?1", table.name()), params![id], |r| r.get(0))
        .optional()
        .map_err(db)
}

pub(super) fn bodies_for(
    conn: &Connection,
    table: Table,
    provider: Provider,
    tenant: &str,
    identity: &str,
) -> Result<Vec<String>, StoreError> {
    let mut query = conn
        .prepare(&format!(
            "SELECT body FROM {} WHERE provider = ?1 AND tenant = ?2 AND identity = ?3 ORDER BY time, id",
            table.name()
        ))
        .map_err(db)?;
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
    let mut query = conn
        .prepare(
            "SELECT body FROM approvals WHERE (?1 IS NULL OR state = ?1) ORDER BY time DESC, id LIMIT ?2 OFFSET ?3",
        )
        .map_err(db)?;
    let rows = query.query_map(params![state, int(limit + 1), int(offset)], |r| r.get(0)).map_err(db)?;
    let bodies = rows.map(|r| r.map_err(db)).collect::<Result<Vec<String>, _>>()?;
    Ok(queries::page(bodies, offset, limit))
}

pub(super) fn update_approval(conn: &Connection, r: &LedgerRecord, expected: i64) -> Result<bool, StoreError> {
    let changed = conn
        .execute(
            "UPDATE approvals SET state = ?2, version = ?3, body = ?4 WHERE id = ?1 AND version = ?5",
            params![r.id, r.state, r.version, r.body, expected],
        )
        .map_err(db)?;
    Ok(changed == 1)
}

pub(super) fn save_campaign(conn: &Connection, r: &CampaignRecord, expected: Option<i64>) -> Result<bool, StoreError> {
    let changed = match expected {
        None => match conn.execute(
            "INSERT INTO campaigns (id, time, version, body) VALUES (?1, ?2, ?3, ?4)",
            params![r.id, stamp(r.time), r.version, r.body],
        ) {
            Ok(n) => n,
            Err(rusqlite::Error::SqliteFailure(e, _)) if e.code == ErrorCode::ConstraintViolation => 0,
            Err(e) => return Err(db(e)),
        },
        Some(version) => conn
            .execute(
                "UPDATE campaigns SET version = ?2, body = ?3 WHERE id = ?1 AND version = ?4",
                params![r.id, r.version, r.body, version],
            )
            .map_err(db)?,
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
    conn.query_row("SELECT id, time, version, body FROM campaigns WHERE id = ?1", params![id], campaign_row)
        .optional()
        .map_err(db)?
        .map(campaign_record)
        .transpose()
}

pub(super) fn campaigns(conn: &Connection, limit: usize) -> Result<Vec<CampaignRecord>, StoreError> {
    let mut query =
        conn.prepare("SELECT id, time, version, body FROM campaigns ORDER BY time DESC, id LIMIT ?1").map_err(db)?;
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
        };
        if !fresh {
            return Ok(false);
        }
    }
    tx.commit().map_err(db)?;
    Ok(true)
}
