//! API tokens, kept by the hash of their secret.

use super::{db, is_conflict};
use crate::StoreError;
use crate::codec::stamp;
use crate::records::TokenRecord;
use crate::rows::TokenRow;
use crate::sql::{self, dollar};
use chrono::{DateTime, Utc};
use postgres::{Client, Row};

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
        &*dollar(sql::INSERT_TOKEN),
        &[&t.id, &t.name, &t.role.as_str(), &t.hash, &stamp(t.created), &t.revoked.map(stamp)],
    );
    match inserted {
        Ok(_) => Ok(()),
        Err(e) if is_conflict(&e) => Err(StoreError::Conflict { what: format!("token `{}`", t.id) }),
        Err(e) => Err(db(e)),
    }
}

pub(super) fn by_hash(client: &mut Client, hash: &str) -> Result<Option<TokenRecord>, StoreError> {
    let row = client.query_opt(&*dollar(sql::TOKEN_BY_HASH), &[&hash]).map_err(db)?;
    row.as_ref().map(token).transpose()
}

pub(super) fn all(client: &mut Client) -> Result<Vec<TokenRecord>, StoreError> {
    let rows = client.query(sql::TOKENS, &[]).map_err(db)?;
    rows.iter().map(token).collect()
}

pub(super) fn revoke(client: &mut Client, id: &str, time: DateTime<Utc>) -> Result<bool, StoreError> {
    let changed = client.execute(&*dollar(sql::REVOKE_TOKEN), &[&id, &stamp(time)]).map_err(db)?;
    Ok(changed > 0)
}
