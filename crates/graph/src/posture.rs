//! NHI posture checks P-1..P-5 (docs/standards.md §7): weaknesses of non-human identities that the
//! graph shows without any event, each with the OWASP NHI and NIST CSF 2.0 ids it maps to.
//!
//! An NHI here is a node of kind `Nhi` or `App` (the same set a "every non-human identity"
//! scope counts). Disabled NHIs are skipped: they can no longer be used.

use crate::blast::Reach;
use crate::graph::{EdgeKind, Graph, NodeId, NodeKind, Scope};
use crate::tiers::{edge_tier, tier_of_reach};
use chrono::{DateTime, Duration, Utc};
use model::Text;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// The five checks, in report order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Check {
    /// P-1: NHI without a human owner.
    #[serde(rename = "P-1")]
    NoHumanOwner,
    /// P-2: NHI whose human administrators lack phishing-resistant MFA.
    #[serde(rename = "P-2")]
    AdminsWithoutPhishingResistantMfa,
    /// P-3: long-lived static secret.
    #[serde(rename = "P-3")]
    LongLivedSecret,
    /// P-4: interactive human use of an NHI credential.
    #[serde(rename = "P-4")]
    InteractiveUse,
    /// P-5: over-privileged NHI.
    #[serde(rename = "P-5")]
    OverPrivileged,
}

impl Check {
    /// Every check, in report order.
    pub const ALL: [Check; 5] = [
        Check::NoHumanOwner,
        Check::AdminsWithoutPhishingResistantMfa,
        Check::LongLivedSecret,
        Check::InteractiveUse,
        Check::OverPrivileged,
    ];

    /// The check's id (`P-1`).
    pub fn id(self) -> &'static str {
        match self {
            Check::NoHumanOwner => "P-1",
            Check::AdminsWithoutPhishingResistantMfa => "P-2",
            Check::LongLivedSecret => "P-3",
            Check::InteractiveUse => "P-4",
            Check::OverPrivileged => "P-5",
        }
    }

    /// The check's title, for people.
    pub fn title(self) -> &'static str {
        match self {
            Check::NoHumanOwner => "NHI without a human owner",
            Check::AdminsWithoutPhishingResistantMfa => "NHI whose human administrators lack phishing-resistant MFA",
            Check::LongLivedSecret => "Long-lived static secret",
            Check::InteractiveUse => "Interactive human use of an NHI credential",
            Check::OverPrivileged => "Over-privileged NHI",
        }
    }

    /// OWASP Non-Human Identities Top 10 (2025) id.
    pub fn owasp_nhi(self) -> &'static str {
        match self {
            Check::NoHumanOwner => "NHI1:2025",
            Check::AdminsWithoutPhishingResistantMfa => "NHI4:2025",
            Check::LongLivedSecret => "NHI7:2025",
            Check::InteractiveUse => "NHI10:2025",
            Check::OverPrivileged => "NHI5:2025",
        }
    }

    /// NIST CSF 2.0 subcategories: the check's own, then `ID.RA-01` (every posture finding).
    pub fn csf(self) -> &'static [&'static str] {
        match self {
            Check::NoHumanOwner | Check::LongLivedSecret => &["PR.AA-01", "ID.RA-01"],
            Check::AdminsWithoutPhishingResistantMfa => &["PR.AA-03", "ID.RA-01"],
            Check::InteractiveUse => &["DE.CM-03", "ID.RA-01"],
            Check::OverPrivileged => &["PR.AA-05", "ID.RA-01"],
        }
    }
}

/// Whether the check failed, or could not be decided from what the graph knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The check failed.
    Fail,
    /// P-2 only: some administrator's factors are unknown (`phishing_resistant` is None)
    /// and none is known to lack a phishing-resistant factor.
    Unknown,
}

/// Settings of the posture checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostureSettings {
    /// P-3: a secret created or last rotated longer ago than this is long-lived.
    pub max_secret_age: Duration,
}

impl Default for PostureSettings {
    fn default() -> Self {
        PostureSettings { max_secret_age: Duration::days(90) }
    }
}

/// One posture check that did not pass, on one NHI.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PostureFinding {
    /// `P-1` … `P-5`.
    pub check: Check,
    /// Failed, or undecided.
    pub status: Status,
    /// The check's OWASP NHI Top 10 id.
    pub owasp_nhi: &'static str,
    /// The check's NIST CSF 2.0 ids.
    pub csf: &'static [&'static str],
    /// The NHI (for P-3, whoever holds the secret, which may be a person's PAT; the secret
    /// itself when nothing holds it).
    pub nhi: NodeId,
    /// The NHI's name.
    pub nhi_name: Text,
    /// P-3: the secret.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<NodeId>,
    /// One sentence: why the check failed.
    pub why: String,
    /// Explaining paths, as words ("bob → payments-api").
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub paths: Vec<String>,
}

/// Runs P-1..P-5 over every NHI and secret of the graph. `now` is the time P-3 measures
/// secret ages against. Findings come in check order, then in graph order.
pub fn posture(graph: &Graph, settings: &PostureSettings, now: DateTime<Utc>) -> Vec<PostureFinding> {
    let mut findings = Vec::new();
    let admins = administrators(graph);
    for (id, node) in graph.nodes() {
        if !is_nhi(node.kind) || node.disabled {
            continue;
        }
        if let Some(f) = no_human_owner(graph, id) {
            findings.push(f);
        }
        if let Some(f) = admins_without_phishing_resistant(graph, id, admins.get(&id)) {
            findings.push(f);
        }
        if let Some(at) = node.interactive_use {
            findings.push(finding(
                graph,
                Check::InteractiveUse,
                id,
                format!(
                    "{} was used interactively by a person (last seen {}): an NHI credential used like a \
                     human account escapes password changes and MFA",
                    node.name,
                    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
                ),
            ));
        }
        if let Some(f) = over_privileged(graph, id) {
            findings.push(f);
        }
    }
    for (id, node) in graph.nodes() {
        if node.kind == NodeKind::Secret && !node.disabled {
            findings.extend(long_lived(graph, settings, now, id));
        }
    }
    findings.sort_by_key(|f| f.check);
    findings
}

fn is_nhi(kind: NodeKind) -> bool {
    matches!(kind, NodeKind::Nhi | NodeKind::App)
}

fn finding(graph: &Graph, check: Check, nhi: NodeId, why: String) -> PostureFinding {
    PostureFinding {
        check,
        status: Status::Fail,
        owasp_nhi: check.owasp_nhi(),
        csf: check.csf(),
        nhi,
        nhi_name: graph.node(nhi).map(|n| n.name.clone()).unwrap_or_default(),
        secret: None,
        why,
        paths: Vec::new(),
    }
}

fn name(graph: &Graph, id: NodeId) -> &str {
    graph.node(id).map(|n| n.name.as_str()).unwrap_or("?")
}

/// P-1: no owner recorded, only non-human owners, or every human owner disabled.
fn no_human_owner(graph: &Graph, nhi: NodeId) -> Option<PostureFinding> {
    let owners: Vec<NodeId> = graph.in_edges(nhi).filter(|e| e.kind == EdgeKind::Owns).map(|e| e.from).collect();
    let humans: Vec<NodeId> =
        owners.iter().copied().filter(|&o| graph.node(o).is_some_and(|n| n.kind == NodeKind::Human)).collect();
    if humans.iter().any(|&h| graph.node(h).is_some_and(|n| !n.disabled)) {
        return None;
    }
    let nhi_name = name(graph, nhi);
    let why = if owners.is_empty() {
        format!("{nhi_name} has no owner recorded: nobody answers for it when its purpose ends")
    } else if humans.is_empty() {
        format!(
            "{nhi_name} is owned only by non-human identities ({}), so no person answers for it",
            list(graph, &owners)
        )
    } else {
        format!(
            "every owner of {nhi_name} is disabled, deleted or has left ({}), so nobody answers for it",
            list(graph, &humans)
        )
    };
    Some(finding(graph, Check::NoHumanOwner, nhi, why))
}

fn list(graph: &Graph, ids: &[NodeId]) -> String {
    ids.iter().map(|&id| name(graph, id)).collect::<Vec<_>>().join(", ")
}

/// People who can issue or rotate an NHI's credentials, each with the path that says how:
/// owners (direct or through what they control) and holders of a role that can add
/// credentials to the NHI or to every NHI of its tenant. Disabled people are left out.
fn administrators(graph: &Graph) -> BTreeMap<NodeId, Vec<(NodeId, Reach)>> {
    let mut by_nhi: BTreeMap<NodeId, Vec<(NodeId, Reach)>> = BTreeMap::new();
    // Scope node → who can add credentials to every NHI of that tenant.
    let mut by_scope: BTreeMap<NodeId, Vec<(NodeId, Reach)>> = BTreeMap::new();
    for (person, node) in graph.nodes() {
        if node.kind != NodeKind::Human || node.disabled {
            continue;
        }
        let radius = graph.blast_radius(person);
        for r in radius.nhi {
            if matches!(r.via, Some(EdgeKind::Owns | EdgeKind::CanAddCredentials)) {
                by_nhi.entry(r.node).or_default().push((person, r));
            }
        }
        for r in radius.scopes {
            let all_nhi = graph.node(r.node).is_some_and(|s| s.scope == Some(Scope::AllNhi));
            if all_nhi && r.via == Some(EdgeKind::CanAddCredentials) {
                by_scope.entry(r.node).or_default().push((person, r));
            }
        }
    }
    for (scope, holders) in by_scope {
        let Some(s) = graph.node(scope) else { continue };
        for (id, n) in graph.nodes() {
            if is_nhi(n.kind) && n.provider == s.provider && n.tenant == s.tenant {
                by_nhi.entry(id).or_default().extend(holders.iter().cloned());
            }
        }
    }
    by_nhi
}

/// P-2: an administrator is known to have no phishing-resistant factor (fail), or none is
/// known to lack one but some are unknown (unknown).
fn admins_without_phishing_resistant(
    graph: &Graph,
    nhi: NodeId,
    admins: Option<&Vec<(NodeId, Reach)>>,
) -> Option<PostureFinding> {
    let admins = admins?;
    let with = |want: Option<bool>| -> Vec<&(NodeId, Reach)> {
        let mut seen = BTreeSet::new();
        admins
            .iter()
            .filter(|(p, _)| graph.node(*p).is_some_and(|n| n.phishing_resistant == want))
            .filter(|(p, _)| seen.insert(*p))
            .collect()
    };
    let (failing, unknown) = (with(Some(false)), with(None));
    let (status, people, why) = if !failing.is_empty() {
        let names: Vec<NodeId> = failing.iter().map(|(p, _)| *p).collect();
        let why = format!(
            "{} can issue or rotate credentials of {} without a phishing-resistant factor: a phished \
             administrator hands over the NHI",
            list(graph, &names),
            name(graph, nhi)
        );
        (Status::Fail, failing, why)
    } else if !unknown.is_empty() {
        let names: Vec<NodeId> = unknown.iter().map(|(p, _)| *p).collect();
        let why = format!(
            "whether {} (who can issue or rotate credentials of {}) have a phishing-resistant factor is unknown",
            list(graph, &names),
            name(graph, nhi)
        );
        (Status::Unknown, unknown, why)
    } else {
        return None;
    };
    let mut f = finding(graph, Check::AdminsWithoutPhishingResistantMfa, nhi, why);
    f.status = status;
    f.paths = people.iter().map(|(_, r)| graph.describe(r)).collect();
    Some(f)
}

/// P-3: a secret older than the configured age, or with no expiry. Expired secrets are
/// skipped (they no longer work). One finding per holder.
fn long_lived(graph: &Graph, settings: &PostureSettings, now: DateTime<Utc>, secret: NodeId) -> Vec<PostureFinding> {
    let Some(node) = graph.node(secret) else { return Vec::new() };
    if node.expires.is_some_and(|e| e <= now) {
        return Vec::new();
    }
    let age = node.created.map(|c| now - c);
    let old = age.is_some_and(|a| a > settings.max_secret_age);
    if !old && node.expires.is_some() {
        return Vec::new();
    }
    let mut reasons = Vec::new();
    if let Some(a) = age.filter(|_| old) {
        reasons.push(format!(
            "was created or last rotated {} days ago (more than {})",
            a.num_days(),
            settings.max_secret_age.num_days()
        ));
    }
    if node.expires.is_none() {
        reasons.push("has no expiry".to_string());
    }
    let reason = reasons.join(" and ");
    let holders: Vec<NodeId> = graph
        .in_edges(secret)
        .filter(|e| e.kind == EdgeKind::HasSecret)
        .map(|e| e.from)
        .filter(|&h| graph.node(h).is_some_and(|n| !n.disabled))
        .collect();
    let holders = if holders.is_empty() { vec![secret] } else { holders };
    holders
        .into_iter()
        .map(|holder| {
            let why = if holder == secret {
                format!("secret {} {reason}", node.name)
            } else {
                format!("{}'s secret {} {reason}", name(graph, holder), node.name)
            };
            let mut f = finding(graph, Check::LongLivedSecret, holder, why);
            f.secret = Some(secret);
            if holder != secret {
                f.paths = vec![format!("{} → {}", name(graph, holder), node.name)];
            }
            f
        })
        .collect()
}

/// P-5: an NHI at tier 0 or 1, with the path that gives it the tier.
fn over_privileged(graph: &Graph, nhi: NodeId) -> Option<PostureFinding> {
    let radius = graph.blast_radius(nhi);
    let tier = tier_of_reach(graph, &radius);
    if tier > 1 {
        return None;
    }
    // A control edge ("… → every identity") explains best; a role's own tier comes next.
    let because = radius
        .all()
        .find(|r| r.via.and_then(edge_tier) == Some(tier))
        .or_else(|| radius.all().find(|r| confers(graph, r) == Some(tier)));
    let what = if tier == 0 {
        "can change other identities' factors, passwords or roles"
    } else {
        "can issue or rotate credentials of non-human identities"
    };
    let mut why = format!("{} is tier {tier}: it {what}", name(graph, nhi));
    let mut f = finding(graph, Check::OverPrivileged, nhi, String::new());
    if let Some(r) = because {
        let path = graph.describe(r);
        why.push_str(&format!(" ({path})"));
        f.paths.push(path);
    }
    f.why = why;
    Some(f)
}

/// The tier one reach confers (the rules of `tier_of_reach`, for a single reach).
fn confers(graph: &Graph, r: &Reach) -> Option<u8> {
    let node = graph.node(r.node)?;
    let mut tier = r.via.and_then(edge_tier);
    if node.kind == NodeKind::Role
        && let Some(t) = node.role_tier
    {
        tier = Some(tier.map_or(t, |x| x.min(t)));
    }
    if r.via == Some(EdgeKind::Owns) && is_nhi(node.kind) {
        tier = Some(tier.map_or(1, |x| x.min(1)));
    }
    tier
}
