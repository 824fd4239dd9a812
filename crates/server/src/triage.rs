//! Incident triage as the API and the console both write it: a status change with its
//! optional comment, an assignment, or a comment alone, each stored with its audit entries
//! in one call.

use crate::auth::Caller;
use crate::state::AppState;
use chrono::Utc;
use serde_json::{Value, json};
use store::{AuditEntry, Comment, IncidentRecord, Status, StoreError};

/// Longest comment kept, in bytes.
pub const MAX_COMMENT: usize = 10_000;

/// Longest assignee name kept, in bytes.
pub const MAX_ASSIGNEE: usize = 200;

/// The word that means "assigned to no one" in list filters, so never a name.
pub const UNASSIGNED: &str = "none";

/// `name` as an assignee (trimmed), or why it cannot be one.
pub fn assignee_name(name: &str) -> Result<String, String> {
    let name = name.trim();
    if name.is_empty() || name.len() > MAX_ASSIGNEE {
        return Err(format!("an assignee's name must hold 1 to {MAX_ASSIGNEE} bytes"));
    }
    if name.chars().any(char::is_control) {
        return Err("an assignee's name must not hold control characters".into());
    }
    if name.eq_ignore_ascii_case(UNASSIGNED) {
        return Err(format!("`{UNASSIGNED}` means no one in filters; clear the assignee instead"));
    }
    Ok(name.to_string())
}

/// Who acts on an incident, and through what (`via` is recorded in the audit detail:
/// `console` for the console; the API records none).
#[derive(Debug, Clone)]
pub struct Actor {
    pub caller: Caller,
    pub via: Option<&'static str>,
}

impl Actor {
    fn entry(&self, action: &str, incident: &str, mut detail: Value) -> AuditEntry {
        detail["token"] = json!(self.caller.token_id);
        if let Some(via) = self.via {
            detail["via"] = json!(via);
        }
        AuditEntry {
            seq: 0,
            time: Utc::now(),
            actor: self.caller.name.clone(),
            action: action.to_string(),
            target: incident.to_string(),
            detail,
        }
    }
}

/// Sets the incident's status, with `comment` (when given) as a comment of its own, each
/// audited. `None` when there is no such incident.
pub async fn set_status(
    app: &AppState,
    actor: &Actor,
    incident: &str,
    status: Status,
    comment: Option<String>,
) -> Result<Option<IncidentRecord>, StoreError> {
    let audit = actor.entry("incident.status", incident, json!({ "status": status.as_str(), "comment": comment }));
    let target = incident.to_string();
    app.db
        .run(move |s| {
            if !s.set_status(&target, status, &audit)? {
                return Ok(None);
            }
            if let Some(text) = &comment {
                // The comment's own audit entry carries only its text.
                let note =
                    AuditEntry { action: "incident.comment".into(), detail: json!({ "text": text }), ..audit.clone() };
                s.add_comment(&target, &audit.actor, text, audit.time, &note)?;
            }
            s.incident(&target)
        })
        .await
}

/// Assigns the incident to `assignee` (a name checked by [`assignee_name`]), or to no one,
/// audited. `None` when there is no such incident.
pub async fn set_assignee(
    app: &AppState,
    actor: &Actor,
    incident: &str,
    assignee: Option<String>,
) -> Result<Option<IncidentRecord>, StoreError> {
    let audit = actor.entry("incident.assignee", incident, json!({ "assignee": assignee }));
    let target = incident.to_string();
    app.db
        .run(move |s| {
            if !s.set_assignee(&target, assignee.as_deref(), &audit)? {
                return Ok(None);
            }
            s.incident(&target)
        })
        .await
}

/// Adds a comment to the incident, audited. `None` when there is no such incident.
pub async fn comment(
    app: &AppState,
    actor: &Actor,
    incident: &str,
    text: String,
) -> Result<Option<Comment>, StoreError> {
    let audit = actor.entry("incident.comment", incident, json!({ "text": text }));
    let target = incident.to_string();
    app.db.run(move |s| s.add_comment(&target, &audit.actor, &text, audit.time, &audit)).await
}
