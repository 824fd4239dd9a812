//! Turns a detector's draft into a [`model::Finding`]: the identity, a stable id, and the
//! framework mappings.

use crate::detector::Draft;
use crate::mappings::mappings;
use crate::state::IdentityKey;
use chrono::{DateTime, Utc};
use model::{BlastRadius, Finding, FindingIdentity, Text};
use sha2::{Digest, Sha256};

/// A stable id from parts: the same parts always give the same id, across runs and builds.
pub fn stable_id(prefix: &str, parts: &[&str]) -> String {
    let mut hash = Sha256::new();
    for part in parts {
        hash.update(part.as_bytes());
        hash.update([0x1f]);
    }
    let digest = hash.finalize();
    let hex: String = digest.iter().take(12).map(|b| format!("{b:02x}")).collect();
    format!("{prefix}_{hex}")
}

/// The id of a finding: its detector, identity and evidence events.
pub fn finding_id(detector: &str, identity: &IdentityKey, evidence_ids: &[&str]) -> String {
    let mut ids: Vec<&str> = evidence_ids.to_vec();
    ids.sort_unstable();
    let mut parts = vec![detector, identity.provider.as_str(), identity.tenant.as_str(), identity.id.as_str()];
    parts.extend(ids);
    stable_id("fnd", &parts)
}

pub fn build(draft: Draft, identity: FindingIdentity, key: &IdentityKey, time: DateTime<Utc>) -> Finding {
    let ids: Vec<&str> = draft.evidence.iter().map(|e| e.event_id.as_str()).collect();
    // Blind spots have no evidence events: the summary (the source) tells them apart.
    let id = if ids.is_empty() {
        finding_id(draft.detector.id(), key, &[&draft.summary])
    } else {
        finding_id(draft.detector.id(), key, &ids)
    };
    Finding {
        id,
        detector: Text::from(draft.detector.id()),
        name: Text::from(draft.detector.name()),
        severity: draft.severity,
        risk_score: 0,
        time,
        identity,
        actor: draft.actor,
        summary: draft.summary,
        evidence: draft.evidence,
        blast_radius: BlastRadius::default(),
        mappings: mappings(draft.detector, draft.conditions),
        incident: String::new(),
        remediation: Vec::new(),
        rule: None,
    }
}
