//! The store's roles, one trait each, implemented by both backends. [`Store`] is all of them
//! at once, for callers that hold a whole connection.

use crate::records::{
    AuditEntry, CampaignRecord, Comment, Delivery, DeliveryState, Detections, IncidentRecord, LedgerRecord,
    LedgerWrite, Notice, Page, Query, SourceStat, Status, TokenRecord,
};
use crate::{Appended, Saved, StoreError};
use chrono::{DateTime, Utc};
use model::{Event, Evidence, Finding, Incident, Provider};

/// Events as they arrived: appended once, read back for replay, counted, and looked up.
pub trait Events {
    /// Stores events durably, all or none, in one transaction: when this returns `Ok` they
    /// are committed. An event is identified by (provider, tenant, provider event id,
    /// action, time, category); one already stored is counted as a duplicate and left as
    /// it was. Each new event gets the next sequence number.
    fn append_events(&mut self, events: &[Event]) -> Result<Appended, StoreError> {
        self.append_events_with_raw(events, &[])
    }

    /// [`Events::append_events`], each event stored with `raw[i]`, the provider record it
    /// was made from packed by [`crate::raw::pack`] (`None`, or past the end of `raw`: no
    /// record kept). A duplicate event is left as it was, its record with it.
    fn append_events_with_raw(&mut self, events: &[Event], raw: &[Option<&[u8]>]) -> Result<Appended, StoreError>;

    /// The provider record kept for the evidence event `evidence` of an identity in
    /// `tenant`: `None` when the event is not stored or its record was not kept.
    fn raw_record(&self, tenant: &str, evidence: &Evidence) -> Result<Option<String>, StoreError>;

    /// Up to `limit` stored events with a sequence number above `seq`, in sequence order:
    /// for replay after a restart (`events_after(0, n)` reads from the first).
    fn events_after(&self, seq: i64, limit: usize) -> Result<Vec<(i64, Event)>, StoreError>;

    /// The sequence number of the last stored event; 0 when none is stored.
    fn last_event_seq(&self) -> Result<i64, StoreError>;

    /// Counts of stored events per provider, tenant and category, with their time span.
    fn source_stats(&self) -> Result<Vec<SourceStat>, StoreError>;

    /// Stored events of `provider` with these provider event ids (any tenant), oldest first:
    /// the evidence behind a finding.
    fn events_by_ids(&self, provider: Provider, ids: &[&str]) -> Result<Vec<Event>, StoreError>;

    /// The latest stored events about one identity (the event's subject, matched by
    /// immutable id or by login, case-insensitive), newest first; only `categories` when
    /// not empty (`signin_success`, …).
    fn identity_events(
        &self,
        provider: Provider,
        tenant: &str,
        identity: &str,
        categories: &[&str],
        limit: usize,
    ) -> Result<Vec<(i64, Event)>, StoreError>;

    /// Stored events about one identity (matched as [`Events::identity_events`] matches)
    /// around `at`: up to `limit` at or before it and up to `limit` after it, oldest first.
    /// The sign-ins around an incident, not the identity's latest.
    fn identity_events_around(
        &self,
        provider: Provider,
        tenant: &str,
        identity: &str,
        categories: &[&str],
        at: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<(i64, Event)>, StoreError>;
}

/// Findings and incidents: reports, stream detections with their snapshot, queries, and
/// triage (status, assignee and comments).
pub trait Findings {
    /// Writes incidents and findings in one transaction. Saving is an upsert by id: saving
    /// the same finding twice keeps one row, with the latest content.
    fn save_report(&mut self, incidents: &[Incident], findings: &[Finding]) -> Result<Saved, StoreError>;

    /// The incident queue: highest risk first, then earliest, at most `limit`.
    fn incidents(&self, limit: usize) -> Result<Vec<Incident>, StoreError>;

    /// The findings of one incident, in time order.
    fn findings_for(&self, incident: &str) -> Result<Vec<Finding>, StoreError>;

    /// Writes what the stream detector produced, all or none (see [`Detections`]); returns
    /// the ids of findings that were not stored before.
    fn apply_detections(&mut self, detections: &Detections<'_>) -> Result<Vec<String>, StoreError>;

    /// The latest detection snapshot and the event sequence number it covers.
    fn load_snapshot(&self) -> Result<Option<(i64, Vec<u8>)>, StoreError>;

    /// Incidents matching `query`, highest risk first, then earliest, then id.
    fn query_incidents(&self, query: &Query) -> Result<Page<IncidentRecord>, StoreError>;

    /// One incident with its status.
    fn incident(&self, id: &str) -> Result<Option<IncidentRecord>, StoreError>;

    /// Findings matching `query` (`status` is ignored), newest first, then id.
    fn query_findings(&self, query: &Query) -> Result<Page<Finding>, StoreError>;

    /// One finding.
    fn finding(&self, id: &str) -> Result<Option<Finding>, StoreError>;

    /// Sets an incident's status and appends `audit` (its seq is assigned) in one
    /// transaction. `Ok(false)` when no such incident is stored.
    fn set_status(&mut self, incident: &str, status: Status, audit: &AuditEntry) -> Result<bool, StoreError>;

    /// Assigns the incident to `assignee` (`None` clears it) and appends `audit` in one
    /// transaction. `Ok(false)` when no such incident is stored.
    fn set_assignee(&mut self, incident: &str, assignee: Option<&str>, audit: &AuditEntry) -> Result<bool, StoreError>;

    /// Adds a comment and its audit entry in one transaction; returns the stored comment,
    /// or `None` when no such incident is stored.
    fn add_comment(
        &mut self,
        incident: &str,
        author: &str,
        text: &str,
        time: DateTime<Utc>,
        audit: &AuditEntry,
    ) -> Result<Option<Comment>, StoreError>;

    /// An incident's comments, oldest first.
    fn comments(&self, incident: &str) -> Result<Vec<Comment>, StoreError>;
}

/// The identity graph, replaced whole and read whole.
pub trait IdentityGraph {
    /// Replaces the stored identity graph with `graph`, in one transaction.
    fn save_graph(&mut self, graph: &graph::Graph) -> Result<(), StoreError>;

    /// The stored identity graph (empty when none was saved).
    fn load_graph(&self) -> Result<graph::Graph, StoreError>;
}

/// API tokens, kept by hash.
pub trait Tokens {
    /// Stores a new token record (its id and hash must be new).
    fn create_token(&mut self, token: &TokenRecord) -> Result<(), StoreError>;

    /// The token with this hash, revoked or not.
    fn token_by_hash(&self, hash: &str) -> Result<Option<TokenRecord>, StoreError>;

    /// Every token, oldest first.
    fn tokens(&self) -> Result<Vec<TokenRecord>, StoreError>;

    /// Marks a token revoked at `time`; `Ok(false)` when no such token id exists.
    fn revoke_token(&mut self, id: &str, time: DateTime<Utc>) -> Result<bool, StoreError>;
}

/// The sinks' outbox: one delivery per (sink, finding or notice), retried until delivered or
/// given up.
pub trait Deliveries {
    /// The notice `id` that a delivery of kind notice carries.
    fn notice(&self, id: &str) -> Result<Option<Notice>, StoreError>;

    /// Pending deliveries of `sink` due at `now`, oldest first, at most `limit`.
    fn due_deliveries(&self, sink: &str, now: DateTime<Utc>, limit: usize) -> Result<Vec<Delivery>, StoreError>;

    /// Deliveries of `sink` in `state`, oldest first, at most `limit`.
    fn deliveries(&self, sink: &str, state: DeliveryState, limit: usize) -> Result<Vec<Delivery>, StoreError>;

    /// Records an attempt: delivered, or failed with `error` and retried at `retry_at`
    /// (`None`: given up, kept as failed for replay).
    fn record_attempt(
        &mut self,
        delivery: i64,
        outcome: Result<(), (&str, Option<DateTime<Utc>>)>,
    ) -> Result<(), StoreError>;

    /// Makes failed deliveries of `sink` pending again, due now; returns how many.
    fn replay_failed(&mut self, sink: &str, now: DateTime<Utc>) -> Result<usize, StoreError>;
}

/// The audit log: who did what to what, and when.
pub trait Audit {
    /// Appends to the audit log; returns the entry's sequence number.
    fn append_audit(&mut self, entry: &AuditEntry) -> Result<i64, StoreError>;

    /// Audit entries, newest first; only those about `target` when given.
    fn audit_log(&self, target: Option<&str>, offset: usize, limit: usize) -> Result<Page<AuditEntry>, StoreError>;
}

/// The decision point's ledger: decisions and approvals.
pub trait Ledger {
    /// Stores a decision; `false` when its id is already stored (nothing changes).
    fn insert_decision(&mut self, record: &LedgerRecord) -> Result<bool, StoreError>;

    /// Writes a decision with what it opened (an approval, audit records) in one
    /// transaction: all or nothing. `false`, writing nothing, when a decision or approval id
    /// is already stored.
    fn write_ledger(&mut self, writes: &[LedgerWrite]) -> Result<bool, StoreError>;

    /// The body of decision `id`.
    fn decision(&self, id: &str) -> Result<Option<String>, StoreError>;

    /// The bodies of the decisions about an identity, oldest first.
    fn decisions_for(&self, provider: Provider, tenant: &str, identity: &str) -> Result<Vec<String>, StoreError>;

    /// Stores a new approval; `false` when its id is already stored (nothing changes).
    fn insert_approval(&mut self, record: &LedgerRecord) -> Result<bool, StoreError>;

    /// The body of approval `id`.
    fn approval(&self, id: &str) -> Result<Option<String>, StoreError>;

    /// The bodies of the approvals about an identity, oldest first.
    fn approvals_for(&self, provider: Provider, tenant: &str, identity: &str) -> Result<Vec<String>, StoreError>;

    /// Approvals newest first, those in `state` only when given.
    fn list_approvals(&self, state: Option<&str>, offset: usize, limit: usize) -> Result<Page<String>, StoreError>;

    /// Replaces approval `record.id` only if its stored version is `expected_version`
    /// (compare and swap): `false` when someone else changed it first, or it is not stored.
    fn update_approval(&mut self, record: &LedgerRecord, expected_version: i64) -> Result<bool, StoreError>;
}

/// Revalidation campaigns, replaced by compare-and-swap on their version.
pub trait Campaigns {
    /// Stores a campaign: a new one when `expected_version` is `None`, else a replacement
    /// of the stored one at that version. `false` when the id is taken or the version moved.
    fn save_campaign(&mut self, record: &CampaignRecord, expected_version: Option<i64>) -> Result<bool, StoreError>;

    /// Campaign `id`.
    fn campaign(&self, id: &str) -> Result<Option<CampaignRecord>, StoreError>;

    /// The latest `limit` campaigns, newest first.
    fn campaigns(&self, limit: usize) -> Result<Vec<CampaignRecord>, StoreError>;
}

/// The database itself: its schema version and the write-ahead log.
pub trait Maintenance {
    /// The schema version the database is at.
    fn schema_version(&self) -> Result<i64, StoreError>;

    /// Leaves folding the write-ahead log into the database to [`Maintenance::checkpoint`],
    /// so that no request's commit pays for it (SQLite; nothing to do elsewhere).
    fn defer_checkpoints(&mut self) -> Result<(), StoreError> {
        Ok(())
    }

    /// Folds what it can of the write-ahead log into the database without waiting for
    /// readers or writers (SQLite; nothing to do elsewhere).
    fn checkpoint(&mut self) -> Result<(), StoreError> {
        Ok(())
    }

    /// Whether the connection is known to be closed (the server went away): a pool drops
    /// it and opens another. No round trip; a connection that was never used since the
    /// server left is noticed at its next use.
    fn is_closed(&self) -> bool {
        false
    }
}

/// Every role at once: what a connection of either backend offers.
pub trait Store:
    Events + Findings + IdentityGraph + Tokens + Deliveries + Audit + Ledger + Campaigns + Maintenance
{
}

impl<T> Store for T where
    T: Events + Findings + IdentityGraph + Tokens + Deliveries + Audit + Ledger + Campaigns + Maintenance + ?Sized
{
}
