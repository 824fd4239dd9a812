//! API tokens, kept by the hash of their secret.

use super::db;
use crate::StoreError;
use crate::codec::stamp;
use crate::records::TokenRecord;
use crate::rows::TokenRow;
use chrono::{DateTime, Utc};
use postgres::error::SqlState;
use postgres::{Client, Row};

const COLUMNS: &str = "SELECT id, name, role, hash, created, revoked FROM tokens";

fn token(r: &Row) -> Result<TokenRecord, StoreError> {
    TokenRow {
        id: r.try_get(0).map_err(db)?,
        name: r.try_get(1).map_err(db)?,
        role: r.try_get(2).map_err(db)?,
        hash: r.try_get(3).map_err(db)?,
        created: r.try_get(4).map_err(db)?,
        revoked: r.try_get(5).map_err(db)?,
    }
    .record()
}

pub(super) fn create(client: &mut Client, t: &TokenRecord) -> Result<(), StoreError> {
    let inserted = client.execute(
        "INSERT INTO tokens (id, name, role, hash, created, revoked) VALUES ($1, $2, $3, $4, $5, $6)",
        &[&t.id, &t.name, &t.role.as_str(), &t.hash, &stamp(t.created), &t.revoked.map(stamp)],
    );
    match inserted {
        Ok(_) => Ok(()),
        Err(e) if e.code() == Some(&SqlState::UNIQUE_VIOLATION) => {
            Err(StoreError::Database(format!("token `{}` is not new: its id or its hash is already stored", t.id)))
        }
        Err(e) => Err(db(e)),
    }
}

pub(super) fn by_hash(client: &mut Client, hash: &str) -> Result<Option<TokenRecord>, StoreError> {
    let row = client.query_opt(&format!("{COLUMNS} WHERE hash = $1"), &[&hash]).map_err(db)?;
    row.as_ref().map(token).transpose()
}

pub(super) fn all(client: &mut Client) -> Result<Vec<TokenRecord>, StoreError> {
    let rows = client.query(&format!("{COLUMNS} ORDER BY created, id"), &[]).map_err(db)?;
    rows.iter().map(token).collect()
}

/// The first revocation's time is kept: revoking again changes nothing.
pub(super) fn revoke(client: &mut Client, id: &str, time: DateTime<Utc>) -> Result<bool, StoreError> {
    let changed = client
        .execute("UPDATE tokens SET revoked = COALESCE(revoked, $2) WHERE id = $1", &[&id, &stamp(time)])
        .map_err(db)?;
    Ok(changed > 0)
}
