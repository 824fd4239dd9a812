//! What a detector reports (DETECTIONS.md "Output contract"), and the incident findings
//! group into. Field names are stable: new fields may be added, none renamed.

use crate::{Category, PrincipalKind, Provider, Text};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Severity, weakest first so that `Ord` compares it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] =
        [Severity::Info, Severity::Low, Severity::Medium, Severity::High, Severity::Critical];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

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
    pub provider: Provider,
    pub tenant: Text,
    pub id: Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<Text>,
    pub kind: PrincipalKind,
    /// Privilege tier: 0 controls other identities, 1 controls non-human credentials, 2 the rest.
    pub tier: u8,
}

/// Who made the change a finding is about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FindingActor {
    pub provider: Provider,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<Text>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<Text>,
    pub kind: PrincipalKind,
}

/// One event a finding rests on, with the pointer back to its raw record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    pub provider: Provider,
    pub event_id: Text,
    pub time: DateTime<Utc>,
    pub category: Category,
    pub action: Text,
    pub source: Text,
}

/// What the identity can reach (from the identity graph).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct BlastRadius {
    pub identities: u32,
    pub roles: u32,
    pub nhi: u32,
    pub secrets: u32,
    pub top: Vec<Text>,
}

/// Framework ids (STANDARDS.md §6), in table order.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Mappings {
    pub attack: Vec<Text>,
    pub owasp_nhi: Vec<Text>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub owasp_agentic: Vec<Text>,
    pub csf: Vec<Text>,
}

/// One ordered step of a remediation plan, with the provider call that performs it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RemediationStep {
    pub step: u32,
    pub action: crate::RemediationAction,
    pub api: Text,
    /// What the step acts on, in words: the factor, when and from where it was bound.
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable: the same detector, identity and evidence give the same id.
    pub id: String,
    pub detector: Text,
    pub name: Text,
    pub severity: Severity,
    pub risk_score: u8,
    /// Event time of the triggering event.
    pub time: DateTime<Utc>,
    pub identity: FindingIdentity,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actor: Option<FindingActor>,
    pub summary: String,
    pub evidence: Vec<Evidence>,
    pub blast_radius: BlastRadius,
    pub mappings: Mappings,
    pub incident: String,
    pub remediation: Vec<RemediationStep>,
}

/// Findings on one identity close in time, with one risk score and one remediation plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Incident {
    pub id: String,
    pub identity: FindingIdentity,
    /// 0-100: grows with the worst severity, distinct detectors, tier and blast radius.
    pub risk_score: u8,
    pub severity: Severity,
    pub first: DateTime<Utc>,
    pub last: DateTime<Utc>,
    pub detectors: Vec<Text>,
    /// Ids of the findings, in time order.
    pub findings: Vec<String>,
    pub summary: String,
    pub remediation: Vec<RemediationStep>,
}
