//! API tokens, kept by the hash of their secret.

use super::{db, is_conflict};
use crate::StoreError;
use crate::codec::stamp;
use crate::records::TokenRecord;
use crate::rows::TokenRow;
use crate::sql;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};

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
        sql::INSERT_TOKEN,
        params![token.id, token.name, token.role.as_str(), token.hash, stamp(token.created), token.revoked.map(stamp)],
    );
    match inserted {
        Ok(_) => Ok(()),
        Err(e) if is_conflict(&e) => Err(StoreError::Conflict { what: format!("token `{}`", token.id) }),
        Err(e) => Err(db(e)),
    }
}

pub(super) fn by_hash(conn: &Connection, hash: &str) -> Result<Option<TokenRecord>, StoreError> {
    conn.query_row(sql::TOKEN_BY_HASH, params![hash], token_row)
        .optional()
        .map_err(db)?
        .map(TokenRow::record)
        .transpose()
}

pub(super) fn all(conn: &Connection) -> Result<Vec<TokenRecord>, StoreError> {
    let mut query = conn.prepare(sql::TOKENS).map_err(db)?;
    let rows = query.query_map([], token_row).map_err(db)?;
    rows.map(|row| row.map_err(db).and_then(TokenRow::record)).collect()
}

pub(super) fn revoke(conn: &Connection, id: &str, time: DateTime<Utc>) -> Result<bool, StoreError> {
    let changed = conn.execute(sql::REVOKE_TOKEN, params![id, stamp(time)]).map_err(db)?;
    Ok(changed > 0)
}
