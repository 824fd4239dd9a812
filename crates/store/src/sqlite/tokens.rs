//! API tokens, kept by the hash of their secret.

use super::db;
use crate::StoreError;
use crate::codec::stamp;
use crate::records::TokenRecord;
use crate::rows::TokenRow;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, ErrorCode, OptionalExtension, Row, params};

const COLUMNS: &str = "SELECT id, name, role, hash, created, revoked FROM tokens";

fn token_row(r: &Row<'_>) -> rusqlite::Result<TokenRow> {
    Ok(TokenRow {
        id: r.get(0)?,
        name: r.get(1)?,
        role: r.get(2)?,
        hash: r.get(3)?,
        created: r.get(4)?,
        revoked: r.get(5)?,
    })
}

pub(super) fn create(conn: &Connection, token: &TokenRecord) -> Result<(), StoreError> {
    let inserted = conn.execute(
        "INSERT INTO tokens (id, name, role, hash, created, revoked) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![token.id, token.name, token.role.as_str(), token.hash, stamp(token.created), token.revoked.map(stamp)],
    );
    match inserted {
        Ok(_) => Ok(()),
        Err(rusqlite::Error::SqliteFailure(e, _)) if e.code == ErrorCode::ConstraintViolation => {
            Err(StoreError::Database(format!("token `{}` is not new: its id or its hash is already stored", token.id)))
        }
        Err(e) => Err(db(e)),
    }
}

pub(super) fn by_hash(conn: &Connection, hash: &str) -> Result<Option<TokenRecord>, StoreError> {
    conn.query_row(&format!("{COLUMNS} WHERE hash = ?1"), params![hash], token_row)
        .optional()
        .map_err(db)?
        .map(TokenRow::record)
        .transpose()
}

pub(super) fn all(conn: &Connection) -> Result<Vec<TokenRecord>, StoreError> {
    let mut query = conn.prepare(&format!("{COLUMNS} ORDER BY created, id")).map_err(db)?;
    let rows = query.query_map([], token_row).map_err(db)?;
    rows.map(|row| row.map_err(db).and_then(TokenRow::record)).collect()
}

/// The first revocation's time is kept: revoking again changes nothing.
pub(super) fn revoke(conn: &Connection, id: &str, time: DateTime<Utc>) -> Result<bool, StoreError> {
    let changed = conn
        .execute("UPDATE tokens SET revoked = COALESCE(revoked, ?2) WHERE id = ?1", params![id, stamp(time)])
        .map_err(db)?;
    Ok(changed > 0)
}
