//! Records the service keeps beside events and findings: incident status and comments, the
//! audit log, API tokens, sink deliveries, detection snapshots, and the queries over them.

use chrono::{DateTime, Utc};
use model::{Finding, Incident, Provider, Severity};
use serde::{Deserialize, Serialize};

/// Where an analyst has put an incident.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    #[default]
    Open,
    Acknowledged,
    Resolved,
    FalsePositive,
}

impl Status {
    pub const ALL: [Status; 4] = [Status::Open, Status::Acknowledged, Status::Resolved, Status::FalsePositive];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Acknowledged => "acknowledged",
            Status::Resolved => "resolved",
            Status::FalsePositive => "false_positive",
        }
    }

    pub fn parse(text: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// An incident with where it stands in the queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IncidentRecord {
    #[serde(flatten)]
    pub incident: Incident,
    pub status: Status,
    /// When the status last changed (the incident's first time while never changed).
    pub status_changed: DateTime<Utc>,
}

/// Filters for incidents and findings; every field that is set must hold.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Query {
    /// At least this severity.
    pub severity: Option<Severity>,
    /// Has a finding of this detector (`FW-003`).
    pub detector: Option<String>,
    /// The identity's immutable id or its name (login), exactly, case-insensitive.
    pub identity: Option<String>,
    pub provider: Option<Provider>,
    pub tenant: Option<String>,
    /// Incidents only: in this status.
    pub status: Option<Status>,
    /// Incidents whose last finding is at or after `since`; findings at or after it.
    pub since: Option<DateTime<Utc>>,
    /// Incidents whose first finding is before `until`; findings before it.
    pub until: Option<DateTime<Utc>>,
    /// Rows skipped, for paging.
    pub offset: usize,
    /// Most rows returned.
    pub limit: usize,
}

/// One page of answers, and the offset of the next page when there is one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_offset: Option<usize>,
}

/// A comment an analyst left on an incident.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comment {
    pub id: i64,
    pub incident: String,
    pub author: String,
    pub time: DateTime<Utc>,
    pub text: String,
}

/// One line of the audit log: who did what to what, and when. `detail` is JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Assigned by the store; 0 before it is stored.
    pub seq: i64,
    pub time: DateTime<Utc>,
    /// The token name (or `system`) that acted.
    pub actor: String,
    /// `incident.status`, `incident.comment`, `token.create`, `token.revoke`, …
    pub action: String,
    /// What was acted on: an incident id, a token id, …
    pub target: String,
    pub detail: serde_json::Value,
}

/// The roles a token can carry, from least to most trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Posts events to the ingest endpoints, nothing else.
    Ingest,
    /// Reads incidents, findings, identities and coverage.
    Viewer,
    /// A viewer who may also change incident status and comment.
    Analyst,
    /// An analyst who may also decide approvals.
    Approver,
    /// Everything, including tokens and sinks.
    Admin,
}

impl Role {
    pub const ALL: [Role; 5] = [Role::Ingest, Role::Viewer, Role::Analyst, Role::Approver, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Ingest => "ingest",
            Role::Viewer => "viewer",
            Role::Analyst => "analyst",
            Role::Approver => "approver",
            Role::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == text)
    }
}

/// An API token as stored: never the token itself, only its SHA-256 hash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TokenRecord {
    /// Public id (`tok_…`), shown in lists and the audit log.
    pub id: String,
    /// Who or what holds it: `alice`, `okta-hook`.
    pub name: String,
    pub role: Role,
    /// Lower-case hex SHA-256 of the secret token.
    pub hash: String,
    pub created: DateTime<Utc>,
    pub revoked: Option<DateTime<Utc>>,
}

/// Whether a sink delivery is waiting, done, or has given up (kept for replay).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    Pending,
    Delivered,
    Failed,
}

impl DeliveryState {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Pending => "pending",
            DeliveryState::Delivered => "delivered",
            DeliveryState::Failed => "failed",
        }
    }

    pub fn parse(text: &str) -> Option<DeliveryState> {
        [DeliveryState::Pending, DeliveryState::Delivered, DeliveryState::Failed]
            .into_iter()
            .find(|s| s.as_str() == text)
    }
}

/// One finding to send to one sink.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Delivery {
    pub id: i64,
    pub sink: String,
    pub finding: String,
    pub state: DeliveryState,
    pub attempts: u32,
    /// Not to be tried before this time.
    pub next_attempt: DateTime<Utc>,
    pub last_error: Option<String>,
}

/// What the stream detector produced for a stretch of events, written in one transaction
/// so that a crash leaves either all of it or none.
#[derive(Debug, Clone, Default)]
pub struct Detections<'a> {
    /// Findings to upsert by id. Each id not stored before gets a pending delivery per sink.
    pub findings: &'a [Finding],
    /// Findings no longer true (a blind spot replaced by a newer reading), deleted by id.
    pub retract: &'a [String],
    /// Incidents to upsert by id (status is kept).
    pub incidents: &'a [Incident],
    /// Incidents regrouped away, deleted by id (their status and comments are kept).
    pub drop_incidents: &'a [String],
    /// The sinks that get a delivery for each new finding.
    pub sinks: &'a [String],
    /// Detection state after these events, and the event sequence number it covers.
    pub snapshot: Option<(i64, &'a [u8])>,
}

/// Events seen from one provider, tenant and category.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceStat {
    pub provider: Provider,
    pub tenant: String,
    pub category: String,
    pub events: u64,
    /// Event times of the first and last.
    pub first: DateTime<Utc>,
    pub last: DateTime<Utc>,
}

/// A decision or approval of the decision point, kept whole as JSON (`body`) beside the
/// columns it is found by. The store does not read the body; the policy crate owns its shape.
#[derive(Debug, Clone, PartialEq)]
pub struct LedgerRecord {
    pub id: String,
    pub provider: Provider,
    pub tenant: String,
    pub identity: String,
    /// When it was made (a decision's time, an approval's request time).
    pub time: DateTime<Utc>,
    /// A decision's outcome, an approval's state.
    pub state: String,
    /// Approvals: bumped on every change, the compare-and-swap key. Decisions: 0.
    pub version: i64,
    pub body: String,
}

/// A revalidation campaign, kept whole as JSON and replaced on `version`.
#[derive(Debug, Clone, PartialEq)]
pub struct CampaignRecord {
    pub id: String,
    pub time: DateTime<Utc>,
    pub version: i64,
    pub body: String,
}

/// One write of the decision point, for [`crate::Store::write_ledger`].
#[derive(Debug, Clone, PartialEq)]
pub enum LedgerWrite {
    Decision(LedgerRecord),
    Approval(LedgerRecord),
    Audit(AuditEntry),
}
