//! `--format ocsf`: each finding as an OCSF 1.3 Detection Finding (class_uid 2004, category
//! Findings), one per line. The class's required attributes (activity_id, category_uid,
//! class_uid, type_uid, severity_id, time, metadata with product and version, finding_info
//! with uid and title) are always present; what OCSF has no place for (the framework
//! mappings besides ATT&CK, the blast radius, the remediation steps) goes in `unmapped`.

use model::{Finding, PrincipalKind, Severity};
use serde_json::{Value, json};
use std::io::{self, Write};

/// The OCSF schema version written.
pub const OCSF_VERSION: &str = "1.3.0";
/// Detection Finding.
pub const CLASS_UID: u32 = 2004;
/// Findings.
pub const CATEGORY_UID: u32 = 2;
/// The activity "Create".
pub const ACTIVITY_CREATE: u32 = 1;

/// Writes each finding as one OCSF event per line; `version` is factorwatch's, for the metadata.
pub fn write(findings: &[Finding], version: &str, out: &mut dyn Write) -> io::Result<()> {
    for finding in findings {
        serde_json::to_writer(&mut *out, &event(finding, version)).map_err(io::Error::from)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// OCSF severity_id: 1 Informational … 5 Critical.
pub fn severity_id(severity: Severity) -> u8 {
    match severity {
        Severity::Info => 1,
        Severity::Low => 2,
        Severity::Medium => 3,
        Severity::High => 4,
        Severity::Critical => 5,
    }
}

fn severity_name(severity: Severity) -> &'static str {
    match severity {
        Severity::Info => "Informational",
        Severity::Low => "Low",
        Severity::Medium => "Medium",
        Severity::High => "High",
        Severity::Critical => "Critical",
    }
}

/// One finding as a Detection Finding event.
pub fn event(f: &Finding, version: &str) -> Value {
    let first = f.evidence.iter().map(|e| e.time).min().unwrap_or(f.time);
    let last = f.evidence.iter().map(|e| e.time).max().unwrap_or(f.time);
    let related: Vec<Value> = f
        .evidence
        .iter()
        .map(|e| json!({"uid": e.event_id, "type": e.category.as_str(), "product_uid": e.provider.as_str()}))
        .collect();
    let evidences: Vec<Value> = f
        .evidence
        .iter()
        .map(|e| {
            json!({
                "api": {"operation": e.action, "service": {"name": e.provider.as_str()}},
                "data": {"event_id": e.event_id, "time": e.time.timestamp_millis(),
                         "category": e.category.as_str(), "source": e.source},
            })
        })
        .collect();
    let identity = &f.identity;
    let mut event = json!({
        "activity_id": ACTIVITY_CREATE,
        "activity_name": "Create",
        "category_uid": CATEGORY_UID,
        "category_name": "Findings",
        "class_uid": CLASS_UID,
        "class_name": "Detection Finding",
        "type_uid": CLASS_UID * 100 + ACTIVITY_CREATE,
        "type_name": "Detection Finding: Create",
        "severity_id": severity_id(f.severity),
        "severity": severity_name(f.severity),
        "status_id": 1,
        "status": "New",
        "time": f.time.timestamp_millis(),
        "message": f.summary,
        "risk_score": f.risk_score,
        "metadata": {
            "version": OCSF_VERSION,
            "product": {"name": "factorwatch", "vendor_name": "factorwatch", "version": version},
            "uid": f.id,
            "correlation_uid": f.incident,
        },
        "finding_info": {
            "uid": f.id,
            "title": format!("{} {}", f.detector, f.name),
            "desc": f.summary,
            "types": [f.name],
            "analytic": {"uid": f.detector, "name": f.name, "type_id": 1, "type": "Rule"},
            "attacks": f.mappings.attack.iter().map(|t| attack(t)).collect::<Vec<_>>(),
            "first_seen_time": first.timestamp_millis(),
            "last_seen_time": last.timestamp_millis(),
            "related_events": related,
        },
        "resources": [{
            "uid": identity.id,
            "name": identity.name,
            "type": "identity",
            "data": {"provider": identity.provider.as_str(), "tenant": identity.tenant,
                     "kind": identity.kind, "tier": identity.tier},
        }],
        "evidences": evidences,
        "unmapped": {
            "incident": f.incident,
            "mappings": f.mappings,
            "blast_radius": f.blast_radius,
            "remediation": f.remediation,
        },
    });
    if let (Some(actor), Some(object)) = (&f.actor, event.as_object_mut()) {
        let (type_id, type_name) = user_type(actor.kind);
        object.insert(
            "actor".into(),
            json!({"user": {"uid": actor.id, "name": actor.name, "type_id": type_id, "type": type_name}}),
        );
    }
    event
}

fn user_type(kind: PrincipalKind) -> (u8, &'static str) {
    match kind {
        PrincipalKind::Human => (1, "User"),
        PrincipalKind::System => (3, "System"),
        PrincipalKind::Nhi => (99, "Service"),
        PrincipalKind::Unknown => (0, "Unknown"),
    }
}

/// An ATT&CK object: the technique with its name (docs/standards.md §4) and its main tactic.
fn attack(id: &str) -> Value {
    let (name, tactic) = technique(id);
    let name = if name.is_empty() { id } else { name };
    let mut value = json!({"technique": {"uid": id, "name": name}});
    if let (Some((uid, tactic_name)), Some(object)) = (tactic, value.as_object_mut()) {
        object.insert("tactic".into(), json!({"uid": uid, "name": tactic_name}));
    }
    value
}

type Tactic = Option<(&'static str, &'static str)>;

fn technique(id: &str) -> (&'static str, Tactic) {
    const PERSISTENCE: Tactic = Some(("TA0003", "Persistence"));
    const CREDENTIAL_ACCESS: Tactic = Some(("TA0006", "Credential Access"));
    const INITIAL_ACCESS: Tactic = Some(("TA0001", "Initial Access"));
    const DEFENSE_EVASION: Tactic = Some(("TA0005", "Defense Evasion"));
    match id {
        "T1078.004" => ("Valid Accounts: Cloud Accounts", INITIAL_ACCESS),
        "T1098" => ("Account Manipulation", PERSISTENCE),
        "T1098.001" => ("Account Manipulation: Additional Cloud Credentials", PERSISTENCE),
        "T1098.003" => ("Account Manipulation: Additional Cloud Roles", PERSISTENCE),
        "T1098.005" => ("Account Manipulation: Device Registration", PERSISTENCE),
        "T1111" => ("Multi-Factor Authentication Interception", CREDENTIAL_ACCESS),
        "T1199" => ("Trusted Relationship", INITIAL_ACCESS),
        "T1484.002" => ("Domain or Tenant Policy Modification: Trust Modification", DEFENSE_EVASION),
        "T1550.004" => ("Use Alternate Authentication Material: Web Session Cookie", DEFENSE_EVASION),
        "T1556.006" => ("Modify Authentication Process: Multi-Factor Authentication", CREDENTIAL_ACCESS),
        "T1556.009" => ("Modify Authentication Process: Conditional Access Policies", CREDENTIAL_ACCESS),
        "T1621" => ("Multi-Factor Authentication Request Generation", CREDENTIAL_ACCESS),
        _ => ("", None),
    }
}
