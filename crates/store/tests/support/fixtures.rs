//! Findings, incidents and events to store.

use chrono::{DateTime, TimeZone, Utc};
use model::{BlastRadius, Event, Finding, FindingIdentity, Incident, Mappings, PrincipalKind, Provider, Severity};
use store::{AuditEntry, Role, TokenRecord};

/// 2026-05-04 at `hour`:`minute`.
pub fn at(hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 5, 4, hour, minute, 0).single().unwrap()
}

pub fn identity(who: &str) -> FindingIdentity {
    FindingIdentity {
        provider: Provider::Entra,
        tenant: "contoso".into(),
        id: who.into(),
        name: Some(format!("{who}@contoso.com").into()),
        kind: PrincipalKind::Human,
        tier: 1,
        tier_basis: None,
    }
}

pub fn finding(n: u32, incident: &str, summary: &str) -> Finding {
    Finding {
        id: format!("fnd_{n}"),
        detector: "FW-002".into(),
        name: "enroll-after-risky-signin".into(),
        severity: Severity::High,
        risk_score: 70,
        time: Utc.with_ymd_and_hms(2026, 5, 4, 10, n, 0).single().unwrap(),
        identity: identity("bob"),
        actor: None,
        summary: summary.into(),
        evidence: vec![],
        blast_radius: BlastRadius::default(),
        mappings: Mappings::default(),
        incident: incident.into(),
        remediation: vec![],
        rule: None,
    }
}

pub fn incident(id: &str, risk: u8, hour: u32, findings: &[&Finding]) -> Incident {
    let t = Utc.with_ymd_and_hms(2026, 5, 4, hour, 0, 0).single().unwrap();
    Incident {
        id: id.into(),
        identity: identity("bob"),
        risk_score: risk,
        severity: Severity::High,
        first: t,
        last: t,
        detectors: vec!["FW-002".into()],
        findings: findings.iter().map(|f| f.id.clone()).collect(),
        summary: "factor bound after a risky sign-in".into(),
        remediation: vec![],
    }
}

/// An Okta factor enrollment with provider event id `id`, at 10:`minute`.
pub fn event(id: &str, minute: u32) -> Event {
    serde_json::from_value(serde_json::json!({
        "provider": "okta",
        "tenant": "acme.okta.com",
        "id": id,
        "time": format!("2026-05-04T10:{minute:02}:00.123456Z"),
        "category": "factor_add",
        "action": "user.mfa.factor.activate",
        "outcome": "success",
        "actor": {"id": "00u1", "name": "bob@acme.com", "kind": "human"},
        "target": {"id": "00u1", "name": "bob@acme.com", "kind": "human"},
        "relation": "self",
        "client": {"ip": "192.0.2.7"},
        "source": format!("okta.ndjson:{minute}"),
    }))
    .unwrap()
}

/// An audit entry by `alice`, at 12:`minute`.
pub fn audit(action: &str, target: &str, minute: u32) -> AuditEntry {
    AuditEntry {
        seq: 0,
        time: at(12, minute),
        actor: "alice".into(),
        action: action.into(),
        target: target.into(),
        detail: serde_json::json!({"minute": minute, "note": "by the test"}),
    }
}

/// An analyst's token `tok_<n>`, created at 09:`minute`, with hash `hash`.
pub fn token(n: u32, hash: &str, minute: u32) -> TokenRecord {
    TokenRecord {
        id: format!("tok_{n}"),
        name: format!("holder {n}"),
        role: Role::Analyst,
        hash: hash.into(),
        created: at(9, minute),
        revoked: None,
    }
}
