//! What a detector reports (docs/detection-contract.md §6), and the incident findings
//! group into. Field names are stable: new fields may be added, none renamed.

use crate::{Category, PrincipalKind, Provider, Text};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Severity, weakest first so that `Ord` compares it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; no action expected.
    Info,
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
    /// Critical: act now.
    Critical,
}

impl Severity {
    /// Every severity, weakest first.
    pub const ALL: [Severity; 5] =
        [Severity::Info, Severity::Low, Severity::Medium, Severity::High, Severity::Critical];

    /// The severity's name in the output (`high`).
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// The severity with this name, in any case.
    pub fn parse(text: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|s| s.as_str().eq_ignore_ascii_case(text.trim()))
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The identity a finding is about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FindingIdentity {
    /// The provider the identity belongs to.
    pub provider: Provider,
    /// The tenant the identity belongs to.
    pub tenant: Text,
    /// The identity's immutable id (its login when the provider gives no id).
    pub id: Text,
    /// The login or display name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<Text>,
    /// Person, non-human identity or system.
    pub kind: PrincipalKind,
    /// Privilege tier: 0 controls other identities, 1 controls non-human credentials, 2 the rest.
    pub tier: u8,
    /// Why the identity has its tier, when the logs rather than the inventory gave it
    /// (`observed: reset factors of 4 identities`); absent for inventory and config tiers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier_basis: Option<Text>,
}

/// Who made the change a finding is about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FindingActor {
    /// The provider the actor belongs to.
    pub provider: Provider,
    /// The actor's immutable id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<Text>,
    /// The actor's login or display name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<Text>,
    /// Person, non-human identity or system.
    pub kind: PrincipalKind,
}

/// One event a finding rests on, with the pointer back to its raw record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// The provider that logged the event.
    pub provider: Provider,
    /// The event's id ([`crate::Event::id`]).
    pub event_id: Text,
    /// When the event happened.
    pub time: DateTime<Utc>,
    /// The event's category.
    pub category: Category,
    /// The provider's name for the event.
    pub action: Text,
    /// Where the raw record is: `file:line`.
    pub source: Text,
}

/// What the identity can reach (from the identity graph).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct BlastRadius {
    /// Other identities it can take over (reset factors or passwords, manage roles).
    pub identities: u32,
    /// Roles it holds or can grant.
    pub roles: u32,
    /// Non-human identities whose credentials it can issue or rotate.
    pub nhi: u32,
    /// Secrets it can read or rotate.
    pub secrets: u32,
    /// The most important things reached, by name, for people.
    pub top: Vec<Text>,
}

/// Framework ids (docs/standards.md §6), in table order.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Mappings {
    /// MITRE ATT&CK technique ids (docs/standards.md §4).
    pub attack: Vec<Text>,
    /// OWASP Non-Human Identities Top 10 ids (docs/standards.md §1).
    pub owasp_nhi: Vec<Text>,
    /// OWASP Top 10 for Agentic Applications ids (docs/standards.md §2).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub owasp_agentic: Vec<Text>,
    /// NIST CSF 2.0 subcategory ids (docs/standards.md §3).
    pub csf: Vec<Text>,
}

/// One ordered step of a remediation plan, with the provider call that performs it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RemediationStep {
    /// Position in the plan, from 1.
    pub step: u32,
    /// What to do (`revoke_sessions`, `remove_factor`, …).
    pub action: crate::RemediationAction,
    /// The provider API call that does it.
    pub api: Text,
    /// What the step acts on, in words: the factor, when and from where it was bound.
    pub detail: String,
}

/// What a detector reports (docs/detection-contract.md §6).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable: the same detector, identity and evidence give the same id.
    pub id: String,
    /// The detector's id (`FW-003`).
    pub detector: Text,
    /// The detector's name (`factor-survives-reset`).
    pub name: Text,
    /// How bad it is.
    pub severity: Severity,
    /// The risk score of the finding's incident (0-100).
    pub risk_score: u8,
    /// Event time of the triggering event.
    pub time: DateTime<Utc>,
    /// The identity the finding is about.
    pub identity: FindingIdentity,
    /// Who made the change, when someone did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actor: Option<FindingActor>,
    /// One sentence an analyst can act on.
    pub summary: String,
    /// The events the finding rests on.
    pub evidence: Vec<Evidence>,
    /// What the identity can reach.
    pub blast_radius: BlastRadius,
    /// Framework ids.
    pub mappings: Mappings,
    /// The id of the incident the finding belongs to.
    pub incident: String,
    /// The incident's remediation plan.
    pub remediation: Vec<RemediationStep>,
    /// The rule behind a finding made by a loaded rule (Sigma), kept for display.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<RuleNote>,
}

/// What a rule's authors say about it: shown beside its findings (the Detection Rule
/// License asks that author and references stay with the rule).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct RuleNote {
    /// The rule's title.
    pub title: String,
    /// What the rule looks for, in its authors' words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Who wrote the rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// Where to read more (advisories, write-ups, vendor documentation).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
    /// Known benign causes of a match, as the rule lists them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub falsepositives: Vec<String>,
    /// The rule file it was loaded from.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub file: String,
}

/// Findings on one identity close in time, with one risk score and one remediation plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Incident {
    /// Stable: the identity and its first finding give the same id.
    pub id: String,
    /// The identity all its findings are about.
    pub identity: FindingIdentity,
    /// 0-100: grows with the worst severity, distinct detectors, tier and blast radius.
    pub risk_score: u8,
    /// The worst severity of its findings.
    pub severity: Severity,
    /// The time of its first finding.
    pub first: DateTime<Utc>,
    /// The time of its last finding.
    pub last: DateTime<Utc>,
    /// The distinct detectors among its findings.
    pub detectors: Vec<Text>,
    /// Ids of the findings, in time order.
    pub findings: Vec<String>,
    /// The summary of its worst finding.
    pub summary: String,
    /// The ordered plan that closes the persistence path.
    pub remediation: Vec<RemediationStep>,
}
