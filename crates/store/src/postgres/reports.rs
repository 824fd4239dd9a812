//! Incidents and findings: upserts by id with the columns queries filter on, the queue, and
//! the filtered, paged queries.

use super::{bind, db, from_value, limit_of, to_value};
use crate::codec::{login, severity_rank, stamp};
use crate::queries;
use crate::records::{IncidentRecord, Page, Query};
use crate::rows::incident_record;
use crate::sql::{self, dollar};
use crate::{Saved, StoreError};
use model::{Finding, Incident};
use postgres::{Client, GenericClient, Row};

pub(super) fn save(client: &mut Client, incidents: &[Incident], findings: &[Finding]) -> Result<Saved, StoreError> {
    let mut tx = client.transaction().map_err(db)?;
    put_incidents(&mut tx, incidents)?;
    put_findings(&mut tx, findings)?;
    tx.commit().map_err(db)?;
    Ok(Saved { incidents: incidents.len(), findings: findings.len() })
}

/// Upserts incidents by id with their detectors; their status rows are not touched.
pub(super) fn put_incidents(tx: &mut impl GenericClient, incidents: &[Incident]) -> Result<(), StoreError> {
    if incidents.is_empty() {
        return Ok(());
    }
    let put = tx.prepare(&dollar(sql::PUT_INCIDENT)).map_err(db)?;
    let clear = tx.prepare(&dollar(sql::CLEAR_DETECTORS)).map_err(db)?;
    let detector = tx.prepare(&dollar(sql::PUT_DETECTOR)).map_err(db)?;
    for i in incidents {
        tx.execute(
            &put,
            &[
                &i.id,
                &i.identity.provider.as_str(),
                &i.identity.tenant.as_str(),
                &i.identity.id.as_str(),
                &i.identity.name.as_deref().map(login),
                &i32::from(i.risk_score),
                &i.severity.as_str(),
                &severity_rank(i.severity),
                &stamp(i.first),
                &stamp(i.last),
                &to_value(i)?,
            ],
        )
        .map_err(db)?;
        tx.execute(&clear, &[&i.id]).map_err(db)?;
        for d in &i.detectors {
            tx.execute(&detector, &[&i.id, &d.as_str()]).map_err(db)?;
        }
    }
    Ok(())
}

/// Upserts findings by id.
pub(super) fn put_findings(tx: &mut impl GenericClient, findings: &[Finding]) -> Result<(), StoreError> {
    if findings.is_empty() {
        return Ok(());
    }
    let put = tx.prepare(&dollar(sql::PUT_FINDING)).map_err(db)?;
    for f in findings {
        tx.execute(
            &put,
            &[
                &f.id,
                &f.incident,
                &f.detector.as_str(),
                &f.identity.provider.as_str(),
                &f.identity.tenant.as_str(),
                &f.identity.id.as_str(),
                &f.identity.name.as_deref().map(login),
                &f.severity.as_str(),
                &severity_rank(f.severity),
                &stamp(f.time),
                &to_value(f)?,
            ],
        )
        .map_err(db)?;
    }
    Ok(())
}

fn body<T: serde::de::DeserializeOwned>(row: &Row) -> Result<T, StoreError> {
    let id: String = row.try_get(0).map_err(db)?;
    from_value(&id, row.try_get(1).map_err(db)?)
}

fn record(row: &Row) -> Result<IncidentRecord, StoreError> {
    incident_record(body(row)?, row.try_get(2).map_err(db)?, row.try_get(3).map_err(db)?, row.try_get(4).map_err(db)?)
}

pub(super) fn queue(client: &mut Client, limit: usize) -> Result<Vec<Incident>, StoreError> {
    let rows = client.query(&*dollar(sql::INCIDENT_QUEUE), &[&limit_of(limit)]).map_err(db)?;
    rows.iter().map(body).collect()
}

pub(super) fn findings_for(client: &mut Client, incident: &str) -> Result<Vec<Finding>, StoreError> {
    let rows = client.query(&*dollar(sql::FINDINGS_OF_INCIDENT), &[&incident]).map_err(db)?;
    rows.iter().map(body).collect()
}

pub(super) fn query_incidents(client: &mut Client, query: &Query) -> Result<Page<IncidentRecord>, StoreError> {
    let select = queries::incidents(query);
    let rows = client.query(&*dollar(&select.sql), &bind(&select.params)).map_err(db)?;
    let records = rows.iter().map(record).collect::<Result<Vec<_>, _>>()?;
    Ok(queries::page(records, query.offset, query.limit))
}

pub(super) fn incident(client: &mut Client, id: &str) -> Result<Option<IncidentRecord>, StoreError> {
    let row = client.query_opt(&*dollar(sql::INCIDENT_WITH_STATUS), &[&id]).map_err(db)?;
    row.as_ref().map(record).transpose()
}

pub(super) fn query_findings(client: &mut Client, query: &Query) -> Result<Page<Finding>, StoreError> {
    let select = queries::findings(query);
    let rows = client.query(&*dollar(&select.sql), &bind(&select.params)).map_err(db)?;
    let findings = rows.iter().map(body).collect::<Result<Vec<_>, _>>()?;
    Ok(queries::page(findings, query.offset, query.limit))
}

pub(super) fn finding(client: &mut Client, id: &str) -> Result<Option<Finding>, StoreError> {
    let row = client.query_opt(&*dollar(sql::FINDING), &[&id]).map_err(db)?;
    row.as_ref().map(body).transpose()
}
