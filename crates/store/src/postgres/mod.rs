//! The PostgreSQL store, chosen by URL. It keeps the same records as [`crate::Sqlite`] and
//! answers the same queries, running the statements of [`crate::sql`]; its schema is in
//! `migrations`. Each concern's code is in its own file; this one connects, migrates and
//! routes the roles' methods.

mod deliveries;
mod detections;
mod events;
mod identity_graph;
mod ledger;
mod migrations;
mod reports;
mod tokens;
mod triage;

use crate::codec::stamp;
use crate::queries::Param;
use crate::records::{
    AuditEntry, CampaignRecord, Comment, Delivery, DeliveryState, Detections, IncidentRecord, LedgerRecord,
    LedgerWrite, Notice, Page, Query, SourceStat, Status, TokenRecord,
};
use crate::roles::{Audit, Campaigns, Deliveries, Events, Findings, IdentityGraph, Ledger, Maintenance, Tokens};
use crate::sql::{self, dollar};
use crate::{Appended, Saved, StoreError};
use chrono::{DateTime, Utc};
use migrations::{MIGRATIONS, latest};
use model::{Event, Evidence, Finding, Incident, Provider};
use postgres::error::SqlState;
use postgres::types::ToSql;
use postgres::{Client, NoTls};
use serde_json::Value;
use std::sync::{Mutex, MutexGuard};

/// A key for `pg_advisory_xact_lock`, so that two processes opening the same database do
/// not migrate it at once.
const MIGRATION_LOCK: i64 = 0x6677_6d69_6772_6174; // "fwmigrat"

/// How long opening a connection may take when the URL does not say.
const CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// A connection to a PostgreSQL database.
pub struct Postgres {
    // The roles read through `&self`; the client needs `&mut`. The mutex also makes the
    // store `Sync`, for sharing behind an `Arc`.
    client: Mutex<Client>,
}

fn db(e: postgres::Error) -> StoreError {
    StoreError::Postgres(e)
}

/// Whether `e` is a unique or primary key violation: the record is already stored.
fn is_conflict(e: &postgres::Error) -> bool {
    e.code() == Some(&SqlState::UNIQUE_VIOLATION)
}

fn to_value<T: serde::Serialize>(value: &T) -> Result<Value, StoreError> {
    serde_json::to_value(value).map_err(StoreError::Encode)
}

fn from_value<T: serde::de::DeserializeOwned>(id: &str, body: Value) -> Result<T, StoreError> {
    serde_json::from_value(body).map_err(|e| StoreError::Corrupt { id: id.to_string(), reason: e.to_string() })
}

fn limit_of(limit: usize) -> i64 {
    i64::try_from(limit).unwrap_or(i64::MAX)
}

/// Query values as the client takes them.
fn bind(params: &[Param]) -> Vec<&(dyn ToSql + Sync)> {
    params
        .iter()
        .map(|p| match p {
            Param::Text(text) => text as &(dyn ToSql + Sync),
            Param::Int(n) => n as &(dyn ToSql + Sync),
        })
        .collect()
}

/// The URL with any password replaced by `***`, for error messages.
pub(crate) fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_string() };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((user_info, host)) if user_info.contains(':') => {
            let user = user_info.split(':').next().unwrap_or_default();
            format!("{scheme}://{user}:***@{host}{path}")
        }
        _ => url.to_string(),
    }
}

fn poisoned() -> StoreError {
    StoreError::unavailable("the connection was poisoned by a panic")
}

impl Postgres {
    /// Connects to the database at `url` (`postgres://user@host:5432/name`, or a key=value
    /// string) and brings it to the latest schema. Tables go in the connection's
    /// `search_path`; `?options=-c%20search_path%3Dname` in the URL picks a schema.
    pub fn connect(url: &str) -> Result<Postgres, StoreError> {
        let mut config: postgres::Config =
            url.parse().map_err(|source| StoreError::BadUrl { url: redact(url), source })?;
        // A server that does not answer (a network partition, not a refusal) must not hold
        // the thread that reconnects forever; a URL's own `connect_timeout` wins.
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        let client = config
            .connect(NoTls)
            .map_err(|source| StoreError::Open { location: redact(url), source: Box::new(source) })?;
        let mut store = Postgres { client: Mutex::new(client) };
        store.migrate()?;
        Ok(store)
    }

    fn client(&self) -> Result<MutexGuard<'_, Client>, StoreError> {
        self.client.lock().map_err(|_| poisoned())
    }

    fn client_mut(&mut self) -> Result<&mut Client, StoreError> {
        self.client.get_mut().map_err(|_| poisoned())
    }

    fn migrate(&mut self) -> Result<(), StoreError> {
        let client = self.client_mut()?;
        let mut tx = client.transaction().map_err(db)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK]).map_err(db)?;
        tx.batch_execute(
            "CREATE TABLE IF NOT EXISTS schema_version (version BIGINT PRIMARY KEY, applied TEXT NOT NULL)",
        )
        .map_err(db)?;
        let current = version_in(&mut tx)?;
        if current > latest() {
            return Err(StoreError::TooNew { found: current, known: latest() });
        }
        tx.commit().map_err(db)?;
        for (index, migration) in MIGRATIONS.iter().enumerate() {
            let version = i64::try_from(index).unwrap_or(i64::MAX).saturating_add(1);
            let mut tx = client.transaction().map_err(db)?;
            tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK]).map_err(db)?;
            // Read again under the lock: another process may have applied it meanwhile.
            if version <= version_in(&mut tx)? {
                continue;
            }
            tx.batch_execute(migration).map_err(db)?;
            tx.execute(&*dollar(sql::RECORD_VERSION), &[&version, &stamp(Utc::now())]).map_err(db)?;
            tx.commit().map_err(db)?;
        }
        Ok(())
    }
}

fn version_in(client: &mut impl postgres::GenericClient) -> Result<i64, StoreError> {
    let row = client.query_one(sql::SCHEMA_VERSION, &[]).map_err(db)?;
    row.try_get(0).map_err(db)
}

impl Events for Postgres {
    fn append_events_with_raw(&mut self, events: &[Event], raw: &[Option<&[u8]>]) -> Result<Appended, StoreError> {
        events::append(self.client_mut()?, events, raw)
    }

    fn raw_record(&self, tenant: &str, evidence: &Evidence) -> Result<Option<String>, StoreError> {
        events::raw_record(&mut *self.client()?, tenant, evidence)
    }

    fn events_after(&self, seq: i64, limit: usize) -> Result<Vec<(i64, Event)>, StoreError> {
        events::after(&mut *self.client()?, seq, limit)
    }

    fn last_event_seq(&self) -> Result<i64, StoreError> {
        let row = self.client()?.query_one(sql::LAST_EVENT_SEQ, &[]).map_err(db)?;
        row.try_get(0).map_err(db)
    }

    fn source_stats(&self) -> Result<Vec<SourceStat>, StoreError> {
        events::source_stats(&mut *self.client()?)
    }

    fn events_by_ids(&self, provider: Provider, ids: &[&str]) -> Result<Vec<Event>, StoreError> {
        events::by_ids(&mut *self.client()?, provider, ids)
    }

    fn identity_events(
        &self,
        provider: Provider,
        tenant: &str,
        identity: &str,
        categories: &[&str],
        limit: usize,
    ) -> Result<Vec<(i64, Event)>, StoreError> {
        events::about(&mut *self.client()?, provider, tenant, identity, categories, limit)
    }

    fn identity_events_around(
        &self,
        provider: Provider,
        tenant: &str,
        identity: &str,
        categories: &[&str],
        at: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<(i64, Event)>, StoreError> {
        events::around(&mut *self.client()?, provider, tenant, identity, categories, at, limit)
    }
}

impl Findings for Postgres {
    fn save_report(&mut self, incidents: &[Incident], findings: &[Finding]) -> Result<Saved, StoreError> {
        reports::save(self.client_mut()?, incidents, findings)
    }

    fn incidents(&self, limit: usize) -> Result<Vec<Incident>, StoreError> {
        reports::queue(&mut *self.client()?, limit)
    }

    fn findings_for(&self, incident: &str) -> Result<Vec<Finding>, StoreError> {
        reports::findings_for(&mut *self.client()?, incident)
    }

    fn apply_detections(&mut self, detections: &Detections<'_>) -> Result<Vec<String>, StoreError> {
        detections::apply(self.client_mut()?, detections)
    }

    fn load_snapshot(&self) -> Result<Option<(i64, Vec<u8>)>, StoreError> {
        detections::snapshot(&mut *self.client()?)
    }

    fn query_incidents(&self, query: &Query) -> Result<Page<IncidentRecord>, StoreError> {
        reports::query_incidents(&mut *self.client()?, query)
    }

    fn incident(&self, id: &str) -> Result<Option<IncidentRecord>, StoreError> {
        reports::incident(&mut *self.client()?, id)
    }

    fn query_findings(&self, query: &Query) -> Result<Page<Finding>, StoreError> {
        reports::query_findings(&mut *self.client()?, query)
    }

    fn finding(&self, id: &str) -> Result<Option<Finding>, StoreError> {
        reports::finding(&mut *self.client()?, id)
    }

    fn set_status(&mut self, incident: &str, status: Status, audit: &AuditEntry) -> Result<bool, StoreError> {
        triage::set_status(self.client_mut()?, incident, status, audit)
    }

    fn set_assignee(&mut self, incident: &str, assignee: Option<&str>, audit: &AuditEntry) -> Result<bool, StoreError> {
        triage::set_assignee(self.client_mut()?, incident, assignee, audit)
    }

    fn add_comment(
        &mut self,
        incident: &str,
        author: &str,
        text: &str,
        time: DateTime<Utc>,
        audit: &AuditEntry,
    ) -> Result<Option<Comment>, StoreError> {
        triage::add_comment(self.client_mut()?, incident, author, text, time, audit)
    }

    fn comments(&self, incident: &str) -> Result<Vec<Comment>, StoreError> {
        triage::comments(&mut *self.client()?, incident)
    }
}

impl IdentityGraph for Postgres {
    fn save_graph(&mut self, g: &graph::Graph) -> Result<(), StoreError> {
        identity_graph::write(self.client_mut()?, g)
    }

    fn load_graph(&self) -> Result<graph::Graph, StoreError> {
        identity_graph::read(&mut *self.client()?)
    }
}

impl Tokens for Postgres {
    fn create_token(&mut self, token: &TokenRecord) -> Result<(), StoreError> {
        tokens::create(self.client_mut()?, token)
    }

    fn token_by_hash(&self, hash: &str) -> Result<Option<TokenRecord>, StoreError> {
        tokens::by_hash(&mut *self.client()?, hash)
    }

    fn tokens(&self) -> Result<Vec<TokenRecord>, StoreError> {
        tokens::all(&mut *self.client()?)
    }

    fn revoke_token(&mut self, id: &str, time: DateTime<Utc>) -> Result<bool, StoreError> {
        tokens::revoke(self.client_mut()?, id, time)
    }
}

impl Deliveries for Postgres {
    fn notice(&self, id: &str) -> Result<Option<Notice>, StoreError> {
        deliveries::notice(&mut *self.client()?, id)
    }

    fn due_deliveries(&self, sink: &str, now: DateTime<Utc>, limit: usize) -> Result<Vec<Delivery>, StoreError> {
        deliveries::due(&mut *self.client()?, sink, now, limit)
    }

    fn deliveries(&self, sink: &str, state: DeliveryState, limit: usize) -> Result<Vec<Delivery>, StoreError> {
        deliveries::in_state(&mut *self.client()?, sink, state, limit)
    }

    fn record_attempt(
        &mut self,
        delivery: i64,
        outcome: Result<(), (&str, Option<DateTime<Utc>>)>,
    ) -> Result<(), StoreError> {
        deliveries::record_attempt(self.client_mut()?, delivery, outcome)
    }

    fn replay_failed(&mut self, sink: &str, now: DateTime<Utc>) -> Result<usize, StoreError> {
        deliveries::replay_failed(self.client_mut()?, sink, now)
    }
}

impl Audit for Postgres {
    fn append_audit(&mut self, entry: &AuditEntry) -> Result<i64, StoreError> {
        triage::append_audit(self.client_mut()?, entry)
    }

    fn audit_log(&self, target: Option<&str>, offset: usize, limit: usize) -> Result<Page<AuditEntry>, StoreError> {
        triage::audit_log(&mut *self.client()?, target, offset, limit)
    }
}

impl Ledger for Postgres {
    fn insert_decision(&mut self, record: &LedgerRecord) -> Result<bool, StoreError> {
        ledger::insert(self.client_mut()?, ledger::Table::Decisions, record)
    }

    fn write_ledger(&mut self, writes: &[LedgerWrite]) -> Result<bool, StoreError> {
        ledger::write_all(self.client_mut()?, writes)
    }

    fn decision(&self, id: &str) -> Result<Option<String>, StoreError> {
        ledger::body(&mut *self.client()?, ledger::Table::Decisions, id)
    }

    fn decisions_for(&self, provider: Provider, tenant: &str, identity: &str) -> Result<Vec<String>, StoreError> {
        ledger::bodies_for(&mut *self.client()?, ledger::Table::Decisions, provider, tenant, identity)
    }

    fn insert_approval(&mut self, record: &LedgerRecord) -> Result<bool, StoreError> {
        ledger::insert(self.client_mut()?, ledger::Table::Approvals, record)
    }

    fn approval(&self, id: &str) -> Result<Option<String>, StoreError> {
        ledger::body(&mut *self.client()?, ledger::Table::Approvals, id)
    }

    fn approvals_for(&self, provider: Provider, tenant: &str, identity: &str) -> Result<Vec<String>, StoreError> {
        ledger::bodies_for(&mut *self.client()?, ledger::Table::Approvals, provider, tenant, identity)
    }

    fn list_approvals(&self, state: Option<&str>, offset: usize, limit: usize) -> Result<Page<String>, StoreError> {
        ledger::list_approvals(&mut *self.client()?, state, offset, limit)
    }

    fn update_approval(&mut self, record: &LedgerRecord, expected_version: i64) -> Result<bool, StoreError> {
        ledger::update_approval(self.client_mut()?, record, expected_version)
    }
}

impl Campaigns for Postgres {
    fn save_campaign(&mut self, record: &CampaignRecord, expected_version: Option<i64>) -> Result<bool, StoreError> {
        ledger::save_campaign(self.client_mut()?, record, expected_version)
    }

    fn campaign(&self, id: &str) -> Result<Option<CampaignRecord>, StoreError> {
        ledger::campaign(&mut *self.client()?, id)
    }

    fn campaigns(&self, limit: usize) -> Result<Vec<CampaignRecord>, StoreError> {
        ledger::campaigns(&mut *self.client()?, limit)
    }
}

impl Maintenance for Postgres {
    fn schema_version(&self) -> Result<i64, StoreError> {
        version_in(&mut *self.client()?)
    }

    fn is_closed(&self) -> bool {
        self.client.lock().map_or(true, |client| client.is_closed())
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn a_password_in_the_url_is_not_shown() {
        assert_eq!(redact("postgres://fw:s3cret@db:5432/fw"), "postgres://fw:***@db:5432/fw");
        assert_eq!(redact("postgres://postgres@127.0.0.1:5432/test"), "postgres://postgres@127.0.0.1:5432/test");
        assert_eq!(redact("host=db user=fw"), "host=db user=fw");
    }
}
