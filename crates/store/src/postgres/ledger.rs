//! The decision point's ledger: decisions, approvals (replaced by compare-and-swap on their
//! version) and revalidation campaigns.

use super::{db, is_conflict, limit_of};
use crate::StoreError;
use crate::codec::stamp;
use crate::queries;
pub(super) use crate::queries::LedgerTable as Table;
use crate::records::{CampaignRecord, LedgerRecord, LedgerWrite, Page};
use crate::rows::time;
use crate::sql::{self, dollar};
use model::Provider;
use postgres::{Client, GenericClient, Row};

fn inserted(result: Result<u64, postgres::Error>) -> Result<bool, StoreError> {
    match result {
        Ok(n) => Ok(n == 1),
        Err(e) if is_conflict(&e) => Ok(false),
        Err(e) => Err(db(e)),
    }
}

pub(super) fn insert(client: &mut impl GenericClient, table: Table, r: &LedgerRecord) -> Result<bool, StoreError> {
    inserted(client.execute(
        &*dollar(&sql::insert_ledger(table)),
        &[&r.id, &r.provider.as_str(), &r.tenant, &r.identity, &stamp(r.time), &r.state, &r.version, &r.body],
    ))
}

pub(super) fn body(client: &mut Client, table: Table, id: &str) -> Result<Option<String>, StoreError> {
    let row = client.query_opt(&*dollar(&sql::ledger_body(table)), &[&id]).map_err(db)?;
    row.map(|r| r.try_get(0).map_err(db)).transpose()
}

pub(super) fn bodies_for(
    client: &mut Client,
    table: Table,
    provider: Provider,
    tenant: &str,
    identity: &str,
) -> Result<Vec<String>, StoreError> {
    let rows = client
        .query(&*dollar(&sql::ledger_bodies_for(table)), &[&provider.as_str(), &tenant, &identity])
        .map_err(db)?;
    rows.iter().map(|r| r.try_get(0).map_err(db)).collect()
}

pub(super) fn list_approvals(
    client: &mut Client,
    state: Option<&str>,
    offset: usize,
    limit: usize,
) -> Result<Page<String>, StoreError> {
    let limit = queries::page_limit(limit);
    let rows =
        client.query(&*dollar(sql::LIST_APPROVALS), &[&state, &limit_of(limit + 1), &limit_of(offset)]).map_err(db)?;
    let bodies = rows.iter().map(|r| r.try_get(0).map_err(db)).collect::<Result<Vec<String>, _>>()?;
    Ok(queries::page(bodies, offset, limit))
}

pub(super) fn update_approval(
    client: &mut impl GenericClient,
    r: &LedgerRecord,
    expected: i64,
) -> Result<bool, StoreError> {
    let changed = client
        .execute(&*dollar(sql::UPDATE_APPROVAL), &[&r.id, &r.state, &r.version, &r.body, &expected])
        .map_err(db)?;
    Ok(changed == 1)
}

pub(super) fn save_campaign(
    client: &mut Client,
    r: &CampaignRecord,
    expected: Option<i64>,
) -> Result<bool, StoreError> {
    match expected {
        None => inserted(client.execute(&*dollar(sql::INSERT_CAMPAIGN), &[&r.id, &stamp(r.time), &r.version, &r.body])),
        Some(version) => {
            let changed =
                client.execute(&*dollar(sql::UPDATE_CAMPAIGN), &[&r.id, &r.version, &r.body, &version]).map_err(db)?;
            Ok(changed == 1)
        }
    }
}

fn campaign_record(r: &Row) -> Result<CampaignRecord, StoreError> {
    let id: String = r.try_get(0).map_err(db)?;
    let at: String = r.try_get(1).map_err(db)?;
    let time = time(&id, &at)?;
    Ok(CampaignRecord { time, version: r.try_get(2).map_err(db)?, body: r.try_get(3).map_err(db)?, id })
}

pub(super) fn campaign(client: &mut Client, id: &str) -> Result<Option<CampaignRecord>, StoreError> {
    let row = client.query_opt(&*dollar(sql::CAMPAIGN), &[&id]).map_err(db)?;
    row.as_ref().map(campaign_record).transpose()
}

pub(super) fn campaigns(client: &mut Client, limit: usize) -> Result<Vec<CampaignRecord>, StoreError> {
    let rows = client.query(&*dollar(sql::CAMPAIGNS), &[&limit_of(queries::page_limit(limit))]).map_err(db)?;
    rows.iter().map(campaign_record).collect()
}

/// Every write in one transaction; rolled back (nothing written) on a duplicate id.
pub(super) fn write_all(client: &mut Client, writes: &[LedgerWrite]) -> Result<bool, StoreError> {
    let mut tx = client.transaction().map_err(db)?;
    for write in writes {
        let fresh = match write {
            LedgerWrite::Decision(r) => insert(&mut tx, Table::Decisions, r)?,
            LedgerWrite::Approval(r) => insert(&mut tx, Table::Approvals, r)?,
            LedgerWrite::Audit(entry) => {
                super::triage::append_audit(&mut tx, entry)?;
                true
            }
            LedgerWrite::Notice(notice) => super::deliveries::put_notice(&mut tx, notice)?,
            LedgerWrite::ApprovalChange { record, expected_version } => {
                update_approval(&mut tx, record, *expected_version)?
            }
        };
        if !fresh {
            return Ok(false);
        }
    }
    tx.commit().map_err(db)?;
    Ok(true)
}
