//! Hand-built findings and incidents, until the engine produces its own.
#![allow(dead_code)]

use chrono::{DateTime, TimeZone, Utc};
use detect::Report;
use model::{
    BlastRadius, Category, Evidence, Finding, FindingActor, FindingIdentity, Incident, Mappings, PrincipalKind,
    Provider, RemediationStep, Severity,
};

pub fn at(minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 5, 4, 10, minute % 60, 12).single().unwrap_or_default()
}

pub fn finding(n: u32, detector: &str, name: &str, severity: Severity, who: &str) -> Finding {
    Finding {
        id: format!("fnd_{n:016x}"),
        detector: detector.into(),
        name: name.into(),
        severity,
        risk_score: 0,
        time: at(n),
        identity: FindingIdentity {
            provider: Provider::Okta,
            tenant: "acme.okta.com".into(),
            id: format!("00u{n}").into(),
            name: Some(who.into()),
            kind: PrincipalKind::Human,
            tier: 0,
            tier_basis: None,
        },
        actor: Some(FindingActor {
            provider: Provider::Okta,
            id: Some("00u9".into()),
            name: Some("helpdesk@acme.com".into()),
            kind: PrincipalKind::Human,
        }),
        summary: format!(
            "{who} kept a push factor bound from an unfamiliar device after the password reset at 10:{n:02}; remove it and revoke sessions"
        ),
        evidence: vec![
            Evidence {
                provider: Provider::Okta,
                event_id: format!("evt{n}a").into(),
                time: at(n),
                category: Category::FactorAdd,
                action: "user.mfa.factor.activate".into(),
                source: "okta.ndjson:1832".into(),
            },
            Evidence {
                provider: Provider::Okta,
                event_id: format!("evt{n}b").into(),
                time: at(n + 5),
                category: Category::PasswordReset,
                action: "user.account.reset_password".into(),
                source: "okta.ndjson:1840".into(),
            },
        ],
        blast_radius: BlastRadius {
            identities: 0,
            roles: 3,
            nhi: 12,
            secrets: 4,
            top: vec!["Super Administrator".into()],
        },
        mappings: Mappings {
            attack: vec!["T1098.005".into(), "T1556.006".into()],
            owasp_nhi: vec!["NHI10:2025".into()],
            owasp_agentic: vec![],
            csf: vec!["PR.AA-01".into(), "DE.CM-03".into()],
        },
        incident: String::new(),
        remediation: vec![RemediationStep {
            step: 1,
            action: model::RemediationAction::RevokeSessions,
            api: "DELETE /api/v1/users/{id}/sessions".into(),
            detail: "every session of the identity".into(),
        }],
        rule: None,
    }
}

pub fn incident(n: u32, risk: u8, findings: &[&Finding]) -> Incident {
    let first = findings.iter().map(|f| f.time).min().unwrap_or_default();
    let last = findings.iter().map(|f| f.time).max().unwrap_or_default();
    Incident {
        id: format!("inc_{n:016x}"),
        identity: findings
            .first()
            .map(|f| f.identity.clone())
            .unwrap_or_else(|| finding(0, "FW-001", "x", Severity::Info, "x").identity),
        risk_score: risk,
        severity: findings.iter().map(|f| f.severity).max().unwrap_or(Severity::Info),
        first,
        last,
        detectors: findings.iter().map(|f| f.detector.clone()).collect(),
        findings: findings.iter().map(|f| f.id.clone()).collect(),
        summary: "persistence through a factor bound before the reset".into(),
        remediation: vec![],
    }
}

/// Three findings in two incidents: a critical one on alice, and a medium one on a
/// long-named identity.
pub fn report() -> Report {
    let a = finding(1, "FW-003", "factor-survives-reset", Severity::Critical, "alice@acme.com");
    let b = finding(2, "FW-004", "delegated-factor-change", Severity::High, "alice@acme.com");
    let c = finding(
        3,
        "FW-008",
        "impossible-travel",
        Severity::Medium,
        "a.very.long.identity.name.that.does.not.fit@subsidiary.example.com",
    );
    let first = incident(1, 92, &[&a, &b]);
    let second = incident(2, 40, &[&c]);
    Report {
        incidents: vec![first, second],
        findings: vec![a, b, c],
        events: 10,
        first: Some(at(0)),
        last: Some(at(30)),
        graph: graph::Graph::new(),
        learned_egress: Vec::new(),
    }
}
