//! Incidents and findings: upserts by id with the columns queries filter on, the queue, and
//! the filtered, paged queries.

use super::db;
use crate::codec::{login, parse, severity_rank, stamp, to_json};
use crate::queries;
use crate::records::{IncidentRecord, Page, Query};
use crate::rows::incident_record;
use crate::sql;
use crate::{Saved, StoreError};
use model::{Finding, Incident};
use rusqlite::{Connection, OptionalExtension, Row, params, params_from_iter};

pub(super) fn save(conn: &mut Connection, incidents: &[Incident], findings: &[Finding]) -> Result<Saved, StoreError> {
    let tx = conn.transaction().map_err(db)?;
    put_incidents(&tx, incidents)?;
    put_findings(&tx, findings)?;
    tx.commit().map_err(db)?;
    Ok(Saved { incidents: incidents.len(), findings: findings.len() })
}

/// Upserts incidents by id with their detectors; their status rows are not touched.
pub(super) fn put_incidents(conn: &Connection, incidents: &[Incident]) -> Result<(), StoreError> {
    let mut put = conn.prepare_cached(sql::PUT_INCIDENT).map_err(db)?;
    let mut clear = conn.prepare_cached(sql::CLEAR_DETECTORS).map_err(db)?;
    let mut detector = conn.prepare_cached(sql::PUT_DETECTOR).map_err(db)?;
    for i in incidents {
        put.execute(params![
            i.id,
            i.identity.provider.as_str(),
            i.identity.tenant.as_str(),
            i.identity.id.as_str(),
            i.identity.name.as_deref().map(login),
            i.risk_score,
            i.severity.as_str(),
            severity_rank(i.severity),
            stamp(i.first),
            stamp(i.last),
            to_json(i)?
        ])
        .map_err(db)?;
        clear.execute(params![i.id]).map_err(db)?;
        for d in &i.detectors {
            detector.execute(params![i.id, d.as_str()]).map_err(db)?;
        }
    }
    Ok(())
}

/// Upserts findings by id.
pub(super) fn put_findings(conn: &Connection, findings: &[Finding]) -> Result<(), StoreError> {
    let mut put = conn.prepare_cached(sql::PUT_FINDING).map_err(db)?;
    for f in findings {
        put.execute(params![
            f.id,
            f.incident,
            f.detector.as_str(),
            f.identity.provider.as_str(),
            f.identity.tenant.as_str(),
            f.identity.id.as_str(),
            f.identity.name.as_deref().map(login),
            f.severity.as_str(),
            severity_rank(f.severity),
            stamp(f.time),
            to_json(f)?
        ])
        .map_err(db)?;
    }
    Ok(())
}

fn id_body(r: &Row<'_>) -> rusqlite::Result<(String, String)> {
    Ok((r.get(0)?, r.get(1)?))
}

pub(super) fn queue(conn: &Connection, limit: usize) -> Result<Vec<Incident>, StoreError> {
    let mut query = conn.prepare(sql::INCIDENT_QUEUE).map_err(db)?;
    let rows = query.query_map(params![super::int(limit)], id_body).map_err(db)?;
    rows.map(|row| row.map_err(db).and_then(|(id, body)| parse(&id, &body))).collect()
}

pub(super) fn findings_for(conn: &Connection, incident: &str) -> Result<Vec<Finding>, StoreError> {
    let mut query = conn.prepare(sql::FINDINGS_OF_INCIDENT).map_err(db)?;
    let rows = query.query_map(params![incident], id_body).map_err(db)?;
    rows.map(|row| row.map_err(db).and_then(|(id, body)| parse(&id, &body))).collect()
}

type IncidentRow = (String, String, Option<String>, Option<String>, Option<String>);

fn incident_row(r: &Row<'_>) -> rusqlite::Result<IncidentRow> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
}

fn record((id, body, status, changed, assignee): IncidentRow) -> Result<IncidentRecord, StoreError> {
    incident_record(parse(&id, &body)?, status, changed, assignee)
}

pub(super) fn query_incidents(conn: &Connection, query: &Query) -> Result<Page<IncidentRecord>, StoreError> {
    let select = queries::incidents(query);
    let mut statement = conn.prepare(&select.sql).map_err(db)?;
    let rows = statement.query_map(params_from_iter(&select.params), incident_row).map_err(db)?;
    let records = rows.map(|row| row.map_err(db).and_then(record)).collect::<Result<Vec<_>, _>>()?;
    Ok(queries::page(records, query.offset, query.limit))
}

pub(super) fn incident(conn: &Connection, id: &str) -> Result<Option<IncidentRecord>, StoreError> {
    conn.query_row(sql::INCIDENT_WITH_STATUS, params![id], incident_row).optional().map_err(db)?.map(record).transpose()
}

pub(super) fn query_findings(conn: &Connection, query: &Query) -> Result<Page<Finding>, StoreError> {
    let select = queries::findings(query);
    let mut statement = conn.prepare(&select.sql).map_err(db)?;
    let rows = statement.query_map(params_from_iter(&select.params), id_body).map_err(db)?;
    let findings =
        rows.map(|row| row.map_err(db).and_then(|(id, body)| parse(&id, &body))).collect::<Result<_, _>>()?;
    Ok(queries::page(findings, query.offset, query.limit))
}

pub(super) fn finding(conn: &Connection, id: &str) -> Result<Option<Finding>, StoreError> {
    conn.query_row(sql::FINDING, params![id], id_body)
        .optional()
        .map_err(db)?
        .map(|(id, body)| parse(&id, &body))
        .transpose()
}
