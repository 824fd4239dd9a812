//! Groups findings into incidents (same identity, close in time) and scores them
//! (docs/detection-contract.md §7).

use crate::finding::stable_id;
use chrono::Duration;
use model::{Finding, Incident, Severity, Text};
use std::collections::{BTreeSet, HashMap};
use std::ops::Range;

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
///
/// Findings on one identity join when they are close in time (each within `window` of the
/// one before) or when they share evidence, however far apart: the factor bound after a
/// risky sign-in and its use after the reset three days later are one attack.
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
    let mut links = Links::new(findings.len());
    let mut start = 0;
    while start < findings.len() {
        let same = |f: &Finding| {
            findings.get(start).is_some_and(|first| {
                first.identity.provider == f.identity.provider
                    && first.identity.tenant == f.identity.tenant
                    && first.identity.id == f.identity.id
            })
        };
        let end = start + findings.iter().skip(start).take_while(|f| same(f)).count();
        link_identity(findings, start..end, window, &mut links);
        start = end.max(start + 1);
    }

    // Components in order of their first finding: the incident keeps the id it would have
    // had without linking (its first finding's).
    let mut incidents: Vec<Incident> = Vec::new();
    let mut members: Vec<Vec<usize>> = Vec::new();
    let mut slot: HashMap<usize, usize> = HashMap::new();
    for (i, f) in findings.iter().enumerate() {
        let root = links.root(i);
        if let Some(&at) = slot.get(&root)
            && let (Some(inc), Some(m)) = (incidents.get_mut(at), members.get_mut(at))
        {
            inc.first = inc.first.min(f.time);
            inc.last = inc.last.max(f.time);
            inc.findings.push(f.id.clone());
            m.push(i);
            continue;
        }
        slot.insert(root, incidents.len());
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

/// Links the findings of one identity (`range`, sorted by time): each to the one before it
/// when within `window`, and any two that cite the same event.
fn link_identity(findings: &[Finding], range: Range<usize>, window: Duration, links: &mut Links) {
    let mut cited: HashMap<(model::Provider, &str), usize> = HashMap::new();
    for i in range.clone() {
        let Some(f) = findings.get(i) else { continue };
        if i > range.start
            && let Some(before) = findings.get(i - 1)
            && f.time - before.time <= window
        {
            links.join(i - 1, i);
        }
        for e in &f.evidence {
            match cited.get(&(e.provider, e.event_id.as_str())) {
                Some(&other) => links.join(other, i),
                None => {
                    cited.insert((e.provider, e.event_id.as_str()), i);
                }
            }
        }
    }
}

/// Union-find over finding positions.
struct Links {
    parent: Vec<usize>,
}

impl Links {
    fn new(n: usize) -> Links {
        Links { parent: (0..n).collect() }
    }

    fn root(&mut self, mut i: usize) -> usize {
        while let Some(&p) = self.parent.get(i) {
            if p == i {
                break;
            }
            // Path halving keeps the chains short.
            let grand = self.parent.get(p).copied().unwrap_or(p);
            if let Some(slot) = self.parent.get_mut(i) {
                *slot = grand;
            }
            i = grand;
        }
        i
    }

    fn join(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.root(a), self.root(b));
        // The earlier position stays the root, so a component's root is its first finding.
        let (keep, merge) = if ra <= rb { (ra, rb) } else { (rb, ra) };
        if let Some(slot) = self.parent.get_mut(merge) {
            *slot = keep;
        }
    }
}
