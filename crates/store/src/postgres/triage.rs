//! What analysts do to incidents: status, assignee and comments, each with its audit entry in the
//! same transaction, and the audit log.

use super::{bind, db};
use crate::StoreError;
use crate::codec::stamp;
use crate::queries;
use crate::records::{AuditEntry, Comment, Page, Status};
use crate::rows::{audit, comment};
use crate::sql::{self, dollar};
use chrono::{DateTime, Utc};
use postgres::{Client, GenericClient};

/// Whether the incident is stored, holding it (`FOR KEY SHARE`) so that it cannot be
/// deleted before the transaction ends.
fn hold_incident(tx: &mut impl GenericClient, incident: &str) -> Result<bool, StoreError> {
    let row = tx.query_opt("SELECT 1 FROM incidents WHERE id = $1 FOR KEY SHARE", &[&incident]).map_err(db)?;
    Ok(row.is_some())
}

pub(super) fn set_status(
    client: &mut Client,
    incident: &str,
    status: Status,
    entry: &AuditEntry,
) -> Result<bool, StoreError> {
    let mut tx = client.transaction().map_err(db)?;
    if !hold_incident(&mut tx, incident)? {
        return Ok(false);
    }
    tx.execute(&*dollar(sql::PUT_STATUS), &[&incident, &status.as_str(), &stamp(entry.time)]).map_err(db)?;
    append_audit(&mut tx, entry)?;
    tx.commit().map_err(db)?;
    Ok(true)
}

pub(super) fn set_assignee(
    client: &mut Client,
    incident: &str,
    assignee: Option<&str>,
    entry: &AuditEntry,
) -> Result<bool, StoreError> {
    let mut tx = client.transaction().map_err(db)?;
    if !hold_incident(&mut tx, incident)? {
        return Ok(false);
    }
    match assignee {
        Some(name) => tx.execute(&*dollar(sql::PUT_ASSIGNEE), &[&incident, &name, &stamp(entry.time)]),
        None => tx.execute(&*dollar(sql::CLEAR_ASSIGNEE), &[&incident]),
    }
    .map_err(db)?;
    append_audit(&mut tx, entry)?;
    tx.commit().map_err(db)?;
    Ok(true)
}

pub(super) fn add_comment(
    client: &mut Client,
    incident: &str,
    author: &str,
    text: &str,
    time: DateTime<Utc>,
    entry: &AuditEntry,
) -> Result<Option<Comment>, StoreError> {
    let mut tx = client.transaction().map_err(db)?;
    if !hold_incident(&mut tx, incident)? {
        return Ok(None);
    }
    let row = tx.query_one(&*dollar(sql::INSERT_COMMENT), &[&incident, &author, &stamp(time), &text]).map_err(db)?;
    let id: i64 = row.try_get(0).map_err(db)?;
    append_audit(&mut tx, entry)?;
    tx.commit().map_err(db)?;
    Ok(Some(Comment { id, incident: incident.to_string(), author: author.to_string(), time, text: text.to_string() }))
}

pub(super) fn comments(client: &mut Client, incident: &str) -> Result<Vec<Comment>, StoreError> {
    let rows = client.query(&*dollar(sql::COMMENTS), &[&incident]).map_err(db)?;
    rows.iter()
        .map(|r| {
            let time: String = r.try_get(3).map_err(db)?;
            comment(
                r.try_get(0).map_err(db)?,
                r.try_get(1).map_err(db)?,
                r.try_get(2).map_err(db)?,
                &time,
                r.try_get(4).map_err(db)?,
            )
        })
        .collect()
}

pub(super) fn append_audit(client: &mut impl GenericClient, entry: &AuditEntry) -> Result<i64, StoreError> {
    let row = client
        .query_one(
            &*dollar(sql::INSERT_AUDIT),
            &[&stamp(entry.time), &entry.actor, &entry.action, &entry.target, &entry.detail],
        )
        .map_err(db)?;
    row.try_get(0).map_err(db)
}

pub(super) fn audit_log(
    client: &mut Client,
    target: Option<&str>,
    offset: usize,
    limit: usize,
) -> Result<Page<AuditEntry>, StoreError> {
    let select = queries::audit_log(target, offset, limit);
    let rows = client.query(&*dollar(&select.sql), &bind(&select.params)).map_err(db)?;
    let entries = rows
        .iter()
        .map(|r| {
            let time: String = r.try_get(1).map_err(db)?;
            audit(
                r.try_get(0).map_err(db)?,
                &time,
                r.try_get(2).map_err(db)?,
                r.try_get(3).map_err(db)?,
                r.try_get(4).map_err(db)?,
                r.try_get(5).map_err(db)?,
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(queries::page(entries, offset, limit))
}
