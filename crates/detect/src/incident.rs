//! Groups findings into incidents (same identity, close in time) and scores them
//! (docs/detection-contract.md §7).

use crate::finding::stable_id;
use chrono::Duration;
use model::{Finding, Incident, Severity, Text};
use std::collections::BTreeSet;

/// The incident's risk score: the worst severity sets the base, then more for each further
/// detector, for a privileged identity, and for what the identity can reach.
pub fn risk_score(worst: Severity, detectors: usize, tier: u8, blast: &model::BlastRadius) -> u8 {
    let base: u32 = match worst {
        Severity::Info => 10,
        Severity::Low => 25,
        Severity::Medium => 45,
        Severity::High => 65,
        Severity::Critical => 80,
    };
    let spread = (5 * detectors.saturating_sub(1) as u32).min(15);
    let tier_bonus = match tier {
        0 => 10,
        1 => 5,
        _ => 0,
    };
    let reach = if blast.nhi + blast.secrets > 0 { 5 } else { 0 } + if blast.identities > 0 { 5 } else { 0 };
    (base + spread + tier_bonus + reach).min(100) as u8
}

/// Groups `findings` into incidents, fills each finding's `incident` and `risk_score`, and
/// orders both by risk (highest first), then time.
pub fn group(findings: &mut [Finding], window: Duration) -> Vec<Incident> {
    findings.sort_by(|a, b| {
        (a.identity.provider, &a.identity.tenant, &a.identity.id, a.time, &a.id).cmp(&(
            b.identity.provider,
            &b.identity.tenant,
            &b.identity.id,
            b.time,
            &b.id,
        ))
    });
    let mut incidents: Vec<Incident> = Vec::new();
    let mut members: Vec<Vec<usize>> = Vec::new();
    for (i, f) in findings.iter().enumerate() {
        let joins = incidents.last().is_some_and(|inc| {
            inc.identity.provider == f.identity.provider
                && inc.identity.tenant == f.identity.tenant
                && inc.identity.id == f.identity.id
                && f.time - inc.last <= window
        });
        if joins && let (Some(inc), Some(m)) = (incidents.last_mut(), members.last_mut()) {
            inc.last = inc.last.max(f.time);
            inc.findings.push(f.id.clone());
            m.push(i);
            continue;
        }
        let id = stable_id("inc", &[f.identity.provider.as_str(), &f.identity.tenant, &f.identity.id, &f.id]);
        incidents.push(Incident {
            id,
            identity: f.identity.clone(),
            risk_score: 0,
            severity: f.severity,
            first: f.time,
            last: f.time,
            detectors: Vec::new(),
            findings: vec![f.id.clone()],
            summary: String::new(),
            remediation: Vec::new(),
        });
        members.push(vec![i]);
    }
    for (inc, m) in incidents.iter_mut().zip(&members) {
        let detectors: BTreeSet<&str> =
            m.iter().filter_map(|&i| findings.get(i)).map(|f| f.detector.as_str()).collect();
        inc.detectors = detectors.iter().map(|d| Text::from(*d)).collect();
        let worst = m.iter().filter_map(|&i| findings.get(i)).max_by_key(|f| (f.severity, std::cmp::Reverse(f.time)));
        if let Some(worst) = worst {
            inc.severity = worst.severity;
            inc.risk_score = risk_score(worst.severity, detectors.len(), inc.identity.tier, &worst.blast_radius);
            inc.summary = worst.summary.clone();
        }
        for &i in m {
            if let Some(f) = findings.get_mut(i) {
                f.incident = inc.id.clone();
                f.risk_score = inc.risk_score;
            }
        }
    }
    incidents.sort_by(|a, b| b.risk_score.cmp(&a.risk_score).then(a.first.cmp(&b.first)).then(a.id.cmp(&b.id)));
    let rank: std::collections::HashMap<&str, usize> =
        incidents.iter().enumerate().map(|(i, inc)| (inc.id.as_str(), i)).collect();
    findings.sort_by(|a, b| {
        let ra = rank.get(a.incident.as_str()).copied().unwrap_or(usize::MAX);
        let rb = rank.get(b.incident.as_str()).copied().unwrap_or(usize::MAX);
        ra.cmp(&rb).then(a.time.cmp(&b.time)).then(a.id.cmp(&b.id))
    });
    incidents
}
