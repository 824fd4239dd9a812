//! Rows read back into records, shared by both backends: each backend reads its columns
//! into plain values, and these check them. A value the store cannot have written is a
//! [`StoreError::Corrupt`] naming the row.

use crate::StoreError;
use crate::codec::unstamp;
use crate::records::{
    AuditEntry, Comment, Delivery, DeliveryKind, DeliveryState, IncidentRecord, Notice, Role, SourceStat, Status,
    TokenRecord,
};
use chrono::{DateTime, Utc};
use model::{Incident, Provider};

fn corrupt(id: &str, reason: String) -> StoreError {
    StoreError::Corrupt { id: id.to_string(), reason }
}

/// A stored time stamp.
pub(crate) fn time(id: &str, text: &str) -> Result<DateTime<Utc>, StoreError> {
    unstamp(text).ok_or_else(|| corrupt(id, format!("`{text}` is not a time stamp")))
}

/// An incident with its status row, if it has one, and its assignee.
pub(crate) fn incident_record(
    incident: Incident,
    status: Option<String>,
    changed: Option<String>,
    assignee: Option<String>,
) -> Result<IncidentRecord, StoreError> {
    let status = match status {
        Some(text) => Status::parse(&text).ok_or_else(|| corrupt(&incident.id, format!("unknown status `{text}`")))?,
        None => Status::Open,
    };
    let status_changed = match changed {
        Some(text) => time(&incident.id, &text)?,
        None => incident.first,
    };
    Ok(IncidentRecord { incident, status, status_changed, assignee })
}

/// The columns of a `tokens` row.
pub(crate) struct TokenRow {
    pub id: String,
    pub name: String,
    pub role: String,
    pub hash: String,
    pub created: String,
    pub revoked: Option<String>,
}

impl TokenRow {
    pub(crate) fn record(self) -> Result<TokenRecord, StoreError> {
        let role = Role::parse(&self.role).ok_or_else(|| corrupt(&self.id, format!("unknown role `{}`", self.role)))?;
        let created = time(&self.id, &self.created)?;
        let revoked = self.revoked.map(|t| time(&self.id, &t)).transpose()?;
        Ok(TokenRecord { id: self.id, name: self.name, role, hash: self.hash, created, revoked })
    }
}

/// The columns of a `deliveries` row.
pub(crate) struct DeliveryRow {
    pub id: i64,
    pub sink: String,
    pub kind: String,
    pub finding: String,
    pub state: String,
    pub attempts: i64,
    pub next_attempt: String,
    pub last_error: Option<String>,
}

impl DeliveryRow {
    pub(crate) fn record(self) -> Result<Delivery, StoreError> {
        let id = format!("delivery {}", self.id);
        let state =
            DeliveryState::parse(&self.state).ok_or_else(|| corrupt(&id, format!("unknown state `{}`", self.state)))?;
        let kind =
            DeliveryKind::parse(&self.kind).ok_or_else(|| corrupt(&id, format!("unknown kind `{}`", self.kind)))?;
        let attempts = u32::try_from(self.attempts)
            .map_err(|_| corrupt(&id, format!("{} attempts is out of range", self.attempts)))?;
        Ok(Delivery {
            id: self.id,
            sink: self.sink,
            kind,
            finding: self.finding,
            state,
            attempts,
            next_attempt: time(&id, &self.next_attempt)?,
            last_error: self.last_error,
        })
    }
}

/// The columns of a `notices` row.
pub(crate) struct NoticeRow {
    pub id: String,
    pub kind: String,
    pub recipient: String,
    pub not_via: Option<String>,
    pub time: String,
    pub body: String,
}

impl NoticeRow {
    pub(crate) fn record(self) -> Result<Notice, StoreError> {
        let time = time(&self.id, &self.time)?;
        Ok(Notice {
            id: self.id,
            kind: self.kind,
            recipient: self.recipient,
            not_via: self.not_via,
            time,
            body: self.body,
        })
    }
}

/// The columns of a `comments` row.
pub(crate) fn comment(
    id: i64,
    incident: String,
    author: String,
    at: &str,
    text: String,
) -> Result<Comment, StoreError> {
    let time = time(&format!("comment {id}"), at)?;
    Ok(Comment { id, incident, author, time, text })
}

/// The columns of an `audit_log` row, its detail already parsed.
pub(crate) fn audit(
    seq: i64,
    at: &str,
    actor: String,
    action: String,
    target: String,
    detail: serde_json::Value,
) -> Result<AuditEntry, StoreError> {
    let time = time(&format!("audit {seq}"), at)?;
    Ok(AuditEntry { seq, time, actor, action, target, detail })
}

/// The columns of a [`crate::queries::SOURCE_STATS`] row.
pub(crate) fn source_stat(
    provider: &str,
    tenant: String,
    category: String,
    events: i64,
    first: &str,
    last: &str,
) -> Result<SourceStat, StoreError> {
    let id = format!("events of {provider}/{tenant}/{category}");
    let provider = Provider::parse(provider).ok_or_else(|| corrupt(&id, format!("unknown provider `{provider}`")))?;
    Ok(SourceStat {
        provider,
        tenant,
        category,
        events: u64::try_from(events).unwrap_or_default(),
        first: time(&id, first)?,
        last: time(&id, last)?,
    })
}

/// The columns of a `graph_edges` row.
pub(crate) struct EdgeRow {
    pub from: String,
    pub to: String,
    pub kind: String,
    pub learned: Option<String>,
}

/// Links a stored edge into `g`, whose nodes are already loaded.
pub(crate) fn link_edge(g: &mut graph::Graph, edge: EdgeRow) -> Result<(), StoreError> {
    let id = format!("{} -> {}", edge.from, edge.to);
    let kind: graph::EdgeKind =
        serde_json::from_value(serde_json::Value::String(edge.kind)).map_err(|e| corrupt(&id, e.to_string()))?;
    let learned = edge.learned.and_then(|t| unstamp(&t));
    let (Some(from), Some(to)) = (g.find(&edge.from), g.find(&edge.to)) else {
        return Err(corrupt(&id, "edge names a node that is not stored".into()));
    };
    g.link(from, to, kind, learned);
    Ok(())
}

/// An edge kind as its column holds it: its name (`member_of`).
pub(crate) fn edge_kind(kind: graph::EdgeKind) -> Result<String, StoreError> {
    match serde_json::to_value(kind).map_err(StoreError::Encode)? {
        serde_json::Value::String(name) => Ok(name),
        other => Ok(other.to_string()),
    }
}
