//! Records the service keeps beside events and findings: incident status and comments, the
//! audit log, API tokens, sink deliveries, detection snapshots, and the queries over them.

use chrono::{DateTime, Utc};
use model::{Finding, Incident, Provider, Severity};
use serde::{Deserialize, Serialize};

/// Where an analyst has put an incident.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Not looked at yet.
    #[default]
    Open,
    /// An analyst is on it.
    Acknowledged,
    /// Dealt with.
    Resolved,
    /// Not a threat after all.
    FalsePositive,
}

impl Status {
    /// Every status, in queue order.
    pub const ALL: [Status; 4] = [Status::Open, Status::Acknowledged, Status::Resolved, Status::FalsePositive];

    /// The status's name, as stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Acknowledged => "acknowledged",
            Status::Resolved => "resolved",
            Status::FalsePositive => "false_positive",
        }
    }

    /// The status named `text`.
    pub fn parse(text: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// An incident with where it stands in the queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IncidentRecord {
    /// The incident.
    #[serde(flatten)]
    pub incident: Incident,
    /// Where it stands.
    pub status: Status,
    /// When the status last changed (the incident's first time while never changed).
    pub status_changed: DateTime<Utc>,
    /// Who is on it (a console or API user's name), if anyone.
    pub assignee: Option<String>,
}

/// Incidents by who is assigned to them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AssigneeFilter {
    /// Assigned to no one.
    Unassigned,
    /// Assigned to this name, exactly.
    Named(String),
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
    /// Of this provider.
    pub provider: Option<Provider>,
    /// Of this tenant.
    pub tenant: Option<String>,
    /// Incidents only: in this status.
    pub status: Option<Status>,
    /// Incidents only: assigned to this name, or to no one.
    pub assignee: Option<AssigneeFilter>,
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
    /// The answers on this page.
    pub items: Vec<T>,
    /// Where the next page starts; `None` on the last.
    pub next_offset: Option<usize>,
}

/// A comment an analyst left on an incident.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comment {
    /// Assigned by the store.
    pub id: i64,
    /// The incident commented on.
    pub incident: String,
    /// Who wrote it (a token name).
    pub author: String,
    /// When.
    pub time: DateTime<Utc>,
    /// What it says.
    pub text: String,
}

/// One line of the audit log: who did what to what, and when. `detail` is JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Assigned by the store; 0 before it is stored.
    pub seq: i64,
    /// When it happened.
    pub time: DateTime<Utc>,
    /// The token name (or `system`) that acted.
    pub actor: String,
    /// `incident.status`, `incident.comment`, `token.create`, `token.revoke`, …
    pub action: String,
    /// What was acted on: an incident id, a token id, …
    pub target: String,
    /// What changed, as JSON.
    pub detail: serde_json::Value,
}

/// The roles a token can carry, from least to most trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Reads `/metrics`, nothing else: for a Prometheus scraper.
    Metrics,
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
    /// Every role, least trusted first.
    pub const ALL: [Role; 6] = [Role::Metrics, Role::Ingest, Role::Viewer, Role::Analyst, Role::Approver, Role::Admin];

    /// The role's name, as stored and configured.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Metrics => "metrics",
            Role::Ingest => "ingest",
            Role::Viewer => "viewer",
            Role::Analyst => "analyst",
            Role::Approver => "approver",
            Role::Admin => "admin",
        }
    }

    /// The role named `text`.
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
    /// What it may do.
    pub role: Role,
    /// Lower-case hex SHA-256 of the secret token.
    pub hash: String,
    /// When it was made.
    pub created: DateTime<Utc>,
    /// When it was revoked, if it was.
    pub revoked: Option<DateTime<Utc>>,
}

/// Whether a sink delivery is waiting, done, or has given up (kept for replay).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    /// To be sent, now or at its next attempt.
    Pending,
    /// Sent and acknowledged.
    Delivered,
    /// Given up on after its attempts; replay makes it pending again.
    Failed,
}

impl DeliveryState {
    /// The state's name, as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Pending => "pending",
            DeliveryState::Delivered => "delivered",
            DeliveryState::Failed => "failed",
        }
    }

    /// The state named `text`.
    pub fn parse(text: &str) -> Option<DeliveryState> {
        [DeliveryState::Pending, DeliveryState::Delivered, DeliveryState::Failed]
            .into_iter()
            .find(|s| s.as_str() == text)
    }
}

/// What a delivery carries to its sink.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryKind {
    /// A finding of the detector.
    Finding,
    /// A notice of the decision point ([`Notice`]).
    Notice,
}

impl DeliveryKind {
    /// The kind's name, as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryKind::Finding => "finding",
            DeliveryKind::Notice => "notice",
        }
    }

    /// The kind named `text`.
    pub fn parse(text: &str) -> Option<DeliveryKind> {
        [DeliveryKind::Finding, DeliveryKind::Notice].into_iter().find(|k| k.as_str() == text)
    }
}

/// One finding or notice to send to one sink.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Delivery {
    /// Assigned by the store.
    pub id: i64,
    /// The sink's name.
    pub sink: String,
    /// What it carries.
    pub kind: DeliveryKind,
    /// The id of what it carries: the finding's, or the notice's for a notice.
    pub finding: String,
    /// Where it stands.
    pub state: DeliveryState,
    /// Attempts made in the current series (replay starts a new one).
    pub attempts: u32,
    /// Not to be tried before this time.
    pub next_attempt: DateTime<Utc>,
    /// Why the last attempt failed.
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
    /// The provider.
    pub provider: Provider,
    /// The tenant.
    pub tenant: String,
    /// The event category (`signin_success`, …).
    pub category: String,
    /// How many are stored.
    pub events: u64,
    /// The first event's time.
    pub first: DateTime<Utc>,
    /// The last event's time.
    pub last: DateTime<Utc>,
}

/// A decision or approval of the decision point, kept whole as JSON (`body`) beside the
/// columns it is found by. The store does not read the body; the policy crate owns its shape.
#[derive(Debug, Clone, PartialEq)]
pub struct LedgerRecord {
    /// The decision's or approval's id.
    pub id: String,
    /// The provider of the identity it is about.
    pub provider: Provider,
    /// The tenant of the identity it is about.
    pub tenant: String,
    /// The identity it is about.
    pub identity: String,
    /// When it was made (a decision's time, an approval's request time).
    pub time: DateTime<Utc>,
    /// A decision's outcome, an approval's state.
    pub state: String,
    /// Approvals: bumped on every change, the compare-and-swap key. Decisions: 0.
    pub version: i64,
    /// The whole record, as JSON.
    pub body: String,
}

/// A revalidation campaign, kept whole as JSON and replaced on `version`.
#[derive(Debug, Clone, PartialEq)]
pub struct CampaignRecord {
    /// The campaign's id.
    pub id: String,
    /// When it was started.
    pub time: DateTime<Utc>,
    /// Bumped on every change, the compare-and-swap key.
    pub version: i64,
    /// The whole campaign, as JSON.
    pub body: String,
}

/// A notice of the decision point to one recipient (an approval is needed, was given or
/// refused, a decision was made), delivered by the sinks like a finding. The store keeps
/// it whole; the server owns its shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Notice {
    /// Unique; the same change noticed again has the same id.
    pub id: String,
    /// What it tells: `approval_needed`, `approved`, `denied`, `expired`, `decision`.
    pub kind: String,
    /// Who it is for: `subject`, `manager:<id>`, `soc`.
    pub recipient: String,
    /// The channel it must not go through: the factor being bound.
    pub not_via: Option<String>,
    /// When what it tells happened.
    pub time: DateTime<Utc>,
    /// The payload the sinks send, as JSON.
    pub body: String,
}

/// A notice and the sinks that deliver it, written with the ledger change it tells of.
#[derive(Debug, Clone, PartialEq)]
pub struct NoticeWrite {
    /// The notice.
    pub notice: Notice,
    /// One pending delivery is queued per sink named here.
    pub sinks: Vec<String>,
}

/// One write of the decision point, for [`crate::Ledger::write_ledger`].
#[derive(Debug, Clone, PartialEq)]
pub enum LedgerWrite {
    /// A new decision.
    Decision(LedgerRecord),
    /// A new approval.
    Approval(LedgerRecord),
    /// An audit entry.
    Audit(AuditEntry),
    /// A notice with its deliveries; `false` (nothing written) when its id is stored.
    Notice(NoticeWrite),
    /// A change to a stored approval, made only at the version its writer read (compare and
    /// swap); `false` (nothing written) when the version moved.
    ApprovalChange {
        /// The approval as it is to be stored.
        record: LedgerRecord,
        /// The version its writer read.
        expected_version: i64,
    },
}
