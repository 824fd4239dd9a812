//! Audit records: every decision, approval step, connector call and attestation.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One step in the audit log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditRecord {
    /// When it happened.
    pub time: DateTime<Utc>,
    /// What happened: `decision`, `approval.requested`, `approval.approved`,
    /// `approval.denied`, `approval.refused`, `approval.expired`, `approval.consumed`,
    /// `connector.dry_run`, `connector.call`, `revalidation.attested`, `revalidation.revoked`.
    pub action: String,
    /// The id the step is about (decision, approval, campaign item).
    pub subject: String,
    /// Who acted, when a person did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    /// The particulars; never secrets.
    pub detail: serde_json::Value,
}

impl AuditRecord {
    /// A record of `action` on `subject` by `actor`.
    pub fn new(
        time: DateTime<Utc>,
        action: &str,
        subject: &str,
        actor: Option<&str>,
        detail: serde_json::Value,
    ) -> Self {
        AuditRecord {
            time,
            action: action.to_string(),
            subject: subject.to_string(),
            actor: actor.map(str::to_string),
            detail,
        }
    }
}
