//! What analysts do to incidents: status, assignee and comments, each with its audit entry in the
//! same transaction, and the audit log.

use super::db;
use crate::StoreError;
use crate::codec::{parse, stamp, to_json};
use crate::queries;
use crate::records::{AuditEntry, Comment, Page, Status};
use crate::rows::{audit, comment};
use crate::sql;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, TransactionBehavior, params, params_from_iter};

fn incident_exists(conn: &Connection, incident: &str) -> Result<bool, StoreError> {
    conn.prepare_cached("SELECT 1 FROM incidents WHERE id = ?1")
        .and_then(|mut s| s.exists(params![incident]))
        .map_err(db)
}

pub(super) fn set_status(
    conn: &mut Connection,
    incident: &str,
    status: Status,
    entry: &AuditEntry,
) -> Result<bool, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db)?;
    if !incident_exists(&tx, incident)? {
        return Ok(false);
    }
    tx.execute(sql::PUT_STATUS, params![incident, status.as_str(), stamp(entry.time)]).map_err(db)?;
    append_audit(&tx, entry)?;
    tx.commit().map_err(db)?;
    Ok(true)
}

pub(super) fn set_assignee(
    conn: &mut Connection,
    incident: &str,
    assignee: Option<&str>,
    entry: &AuditEntry,
) -> Result<bool, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db)?;
    if !incident_exists(&tx, incident)? {
        return Ok(false);
    }
    match assignee {
        Some(name) => tx.execute(sql::PUT_ASSIGNEE, params![incident, name, stamp(entry.time)]),
        None => tx.execute(sql::CLEAR_ASSIGNEE, params![incident]),
    }
    .map_err(db)?;
    append_audit(&tx, entry)?;
    tx.commit().map_err(db)?;
    Ok(true)
}

pub(super) fn add_comment(
    conn: &mut Connection,
    incident: &str,
    author: &str,
    text: &str,
    time: DateTime<Utc>,
    entry: &AuditEntry,
) -> Result<Option<Comment>, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db)?;
    if !incident_exists(&tx, incident)? {
        return Ok(None);
    }
    let id: i64 =
        tx.query_row(sql::INSERT_COMMENT, params![incident, author, stamp(time), text], |r| r.get(0)).map_err(db)?;
    append_audit(&tx, entry)?;
    tx.commit().map_err(db)?;
    Ok(Some(Comment { id, incident: incident.to_string(), author: author.to_string(), time, text: text.to_string() }))
}

pub(super) fn comments(conn: &Connection, incident: &str) -> Result<Vec<Comment>, StoreError> {
    let mut query = conn.prepare(sql::COMMENTS).map_err(db)?;
    let rows = query
        .query_map(params![incident], |r| {
            Ok((r.get::<_, i64>(0)?, r.get(1)?, r.get(2)?, r.get::<_, String>(3)?, r.get(4)?))
        })
        .map_err(db)?;
    rows.map(|row| {
        let (id, incident, author, time, text) = row.map_err(db)?;
        comment(id, incident, author, &time, text)
    })
    .collect()
}

pub(super) fn append_audit(conn: &Connection, entry: &AuditEntry) -> Result<i64, StoreError> {
    conn.query_row(
        sql::INSERT_AUDIT,
        params![stamp(entry.time), entry.actor, entry.action, entry.target, to_json(&entry.detail)?],
        |r| r.get(0),
    )
    .map_err(db)
}

pub(super) fn audit_log(
    conn: &Connection,
    target: Option<&str>,
    offset: usize,
    limit: usize,
) -> Result<Page<AuditEntry>, StoreError> {
    let select = queries::audit_log(target, offset, limit);
    let mut query = conn.prepare(&select.sql).map_err(db)?;
    let rows = query
        .query_map(params_from_iter(&select.params), |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get::<_, String>(5)?))
        })
        .map_err(db)?;
    let entries = rows
        .map(|row| {
            let (seq, time, actor, action, target, detail) = row.map_err(db)?;
            audit(seq, &time, actor, action, target, parse(&format!("audit {seq}"), &detail)?)
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(queries::page(entries, offset, limit))
}
