//! The SQLite store: migrations bring a new or old database to the latest schema, saving
//! is an upsert by id, and the queue reads back by risk.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{TimeZone, Utc};
use model::{BlastRadius, Finding, FindingIdentity, Incident, Mappings, PrincipalKind, Provider, Severity};
use store::{Sqlite, Store, StoreError};

fn identity(who: &str) -> FindingIdentity {
    FindingIdentity {
        provider: Provider::Entra,
        tenant: "contoso".into(),
        id: who.into(),
        name: Some(format!("{who}@contoso.com").into()),
        kind: PrincipalKind::Human,
        tier: 1,
    }
}

fn finding(n: u32, incident: &str, summary: &str) -> Finding {
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
    }
}

fn incident(id: &str, risk: u8, hour: u32, findings: &[&Finding]) -> Incident {
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

#[test]
fn a_new_database_is_migrated_to_the_latest_schema_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested").join("factorwatch.db");
    let store = Sqlite::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), 2);
    drop(store);
    let again = Sqlite::open(&path).unwrap();
    assert_eq!(again.schema_version().unwrap(), 2);
    assert!(again.incidents(10).unwrap().is_empty());
}

#[test]
fn a_database_from_a_newer_factorwatch_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("factorwatch.db");
    drop(Sqlite::open(&path).unwrap());
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute("INSERT INTO schema_version (version, applied) VALUES (99, 'future')", []).unwrap();
    drop(conn);
    match Sqlite::open(&path) {
        Err(StoreError::TooNew { found: 99, known: 2 }) => {}
        other => panic!("expected TooNew, got {:?}", other.map(|_| ())),
    }
}

#[test]
fn saving_the_same_finding_twice_keeps_one_row_with_the_latest_content() {
    let mut store = Sqlite::in_memory().unwrap();
    let f = finding(1, "inc_a", "first version");
    let i = incident("inc_a", 70, 10, &[&f]);
    store.save_report(std::slice::from_ref(&i), std::slice::from_ref(&f)).unwrap();
    store.save_report(std::slice::from_ref(&i), std::slice::from_ref(&f)).unwrap();
    let updated = finding(1, "inc_a", "second version");
    let saved = store.save_report(&[i], std::slice::from_ref(&updated)).unwrap();
    assert_eq!((saved.incidents, saved.findings), (1, 1));
    assert_eq!(store.incidents(10).unwrap().len(), 1);
    let findings = store.findings_for("inc_a").unwrap();
    assert_eq!(findings, vec![updated]);
}

#[test]
fn the_queue_is_by_risk_then_time_and_findings_by_time() {
    let mut store = Sqlite::in_memory().unwrap();
    let (f1, f2, f3) = (finding(5, "inc_b", "later"), finding(2, "inc_b", "earlier"), finding(3, "inc_c", "other"));
    let low = incident("inc_a", 20, 9, &[]);
    let high_late = incident("inc_b", 90, 12, &[&f1, &f2]);
    let high_early = incident("inc_c", 90, 8, &[&f3]);
    store.save_report(&[low, high_late.clone(), high_early], &[f1, f2, f3]).unwrap();
    let ids: Vec<String> = store.incidents(10).unwrap().into_iter().map(|i| i.id).collect();
    assert_eq!(ids, ["inc_c", "inc_b", "inc_a"]);
    assert_eq!(store.incidents(1).unwrap().len(), 1);
    let read_back = store.incidents(10).unwrap().into_iter().find(|i| i.id == "inc_b").unwrap();
    assert_eq!(read_back, high_late);
    let summaries: Vec<String> = store.findings_for("inc_b").unwrap().into_iter().map(|f| f.summary).collect();
    assert_eq!(summaries, ["earlier", "later"]);
    assert!(store.findings_for("inc_none").unwrap().is_empty());
}

#[test]
fn the_identity_graph_round_trips_and_a_save_replaces_the_last() {
    use graph::{EdgeKind, Graph, NodeKind, Scope};
    use model::Provider;
    let mut g = Graph::new();
    let alice = g.ensure(Provider::Entra, "contoso", NodeKind::Human, "u1", "alice@contoso.com");
    let role = g.ensure(Provider::Entra, "contoso", NodeKind::Role, "r1", "Application Administrator");
    g.node_mut(role).unwrap().role_tier = Some(1);
    let every = g.scope(Provider::Entra, "contoso", Scope::AllNhi);
    let learned = chrono::DateTime::parse_from_rfc3339("2026-05-01T10:00:00Z").unwrap().with_timezone(&chrono::Utc);
    g.link(alice, role, EdgeKind::HasRole, Some(learned));
    g.link(role, every, EdgeKind::CanAddCredentials, None);
    let mut db = Sqlite::in_memory().unwrap();
    db.save_graph(&g).unwrap();
    let back = db.load_graph().unwrap();
    assert_eq!((back.len(), back.edge_count()), (3, 2));
    let alice_back = back.find_identity(Some(Provider::Entra), Some("contoso"), "u1").unwrap();
    assert_eq!(graph::tier_of(&back, alice_back), 1);
    assert_eq!(back.blast_summary(alice_back, 3).top, g.blast_summary(alice, 3).top);
    assert!(back.out_edges(alice_back).any(|e| e.learned == Some(learned)));

    db.save_graph(&Graph::new()).unwrap();
    assert!(db.load_graph().unwrap().is_empty());
}
