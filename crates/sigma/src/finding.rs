//! Rule matches as factorwatch findings: detector `sigma:<rule id>`, severity from `level`,
//! ATT&CK from `tags`, and the rule's own words kept with them. Ids come from the rule, the
//! identity and the evidence events only, so a replay or the service finds the same ids.

use crate::correlate::Fired;
use crate::evaluate::Hit;
use crate::facts::Facts;
use crate::rules::Meta;
use detect::stable_id;
use model::{BlastRadius, Evidence, Finding, FindingActor, FindingIdentity, Mappings, Text};

/// Most evidence events a correlation finding lists.
const MAX_EVIDENCE: usize = 50;

fn detector(meta: &Meta) -> String {
    format!("sigma:{}", meta.id)
}

fn evidence(f: &Facts) -> Evidence {
    Evidence {
        provider: f.provider,
        event_id: f.event_id.clone(),
        time: f.time,
        category: f.category,
        action: f.action.clone(),
        source: f.source.clone(),
    }
}

fn identity(f: &Facts) -> FindingIdentity {
    FindingIdentity {
        provider: f.provider,
        tenant: f.tenant.clone(),
        id: f.subject.id.clone(),
        name: f.subject.name.clone(),
        kind: f.subject.kind,
        tier: 2,
        tier_basis: None,
    }
}

fn actor(f: &Facts) -> Option<FindingActor> {
    f.actor.as_ref().map(|a| FindingActor {
        provider: f.provider,
        id: Some(a.id.clone()),
        name: a.name.clone(),
        kind: a.kind,
    })
}

fn build(meta: &Meta, last: &Facts, evidence: Vec<Evidence>, extra: &str, summary: String) -> Finding {
    let detector = detector(meta);
    let mut parts: Vec<&str> =
        vec![&detector, last.provider.as_str(), last.tenant.as_str(), last.subject.id.as_str(), extra];
    let mut ids: Vec<&str> = evidence.iter().map(|e| e.event_id.as_str()).collect();
    ids.sort_unstable();
    parts.extend(ids);
    Finding {
        id: stable_id("fnd", &parts),
        detector: Text::from(detector.as_str()),
        name: Text::from(meta.note.title.as_str()),
        severity: meta.severity,
        risk_score: 0,
        time: last.time,
        identity: identity(last),
        actor: actor(last),
        summary,
        evidence,
        blast_radius: BlastRadius::default(),
        mappings: Mappings { attack: meta.attack.clone(), ..Mappings::default() },
        incident: String::new(),
        remediation: Vec::new(),
        rule: Some(meta.note.clone()),
    }
}

/// A detection rule's match.
pub fn of_hit(meta: &Meta, hit: &Hit) -> Finding {
    let f = &hit.facts;
    let by = f.actor.as_ref().map(|a| format!(" by {}", a.name.as_deref().unwrap_or(&a.id))).unwrap_or_default();
    let summary = format!("Sigma rule \"{}\" matched {}{by} ({})", meta.note.title, f.action, f.source);
    build(meta, f, vec![evidence(f)], "", summary)
}

/// A correlation that fired: about the identity of its latest match.
pub fn of_fired(meta: &Meta, fired: &Fired) -> Option<Finding> {
    let last = &fired.entries.last()?.facts;
    let skip = fired.entries.len().saturating_sub(MAX_EVIDENCE);
    let evidence: Vec<Evidence> = fired.entries.iter().skip(skip).map(|e| evidence(&e.facts)).collect();
    let group = if fired.group.is_empty() { String::new() } else { format!(" for {}", fired.group) };
    let summary = format!(
        "Sigma correlation \"{}\": {} matching events{group} between {} and {}",
        meta.note.title,
        fired.entries.len(),
        fired.entries.first().map_or(last.time, |e| e.facts.time).format("%Y-%m-%d %H:%M:%S"),
        last.time.format("%Y-%m-%d %H:%M:%S"),
    );
    Some(build(meta, last, evidence, &fired.group, summary))
}
