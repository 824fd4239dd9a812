//! Migrations bring a new or old database to the latest schema, once.

use crate::support::fixtures::{audit, event, finding, identity, incident};
use crate::support::{Backend, UNDO_MIGRATION_4};
use model::{Event, Provider, Severity};
use store::{Query, Status, Store, StoreError};

const LATEST: i64 = 8;

pub fn a_new_database_is_migrated_to_the_latest_schema_once(db: &dyn Backend) {
    let store = db.store();
    assert_eq!(store.schema_version().unwrap(), LATEST);
    drop(store);
    let again = db.store();
    assert_eq!(again.schema_version().unwrap(), LATEST);
    assert_eq!(db.scalar("SELECT COUNT(*) FROM schema_version"), LATEST);
    assert!(again.incidents(10).unwrap().is_empty());
    assert_eq!(again.last_event_seq().unwrap(), 0);
}

pub fn a_database_from_a_newer_factorwatch_is_refused(db: &dyn Backend) {
    drop(db.store());
    db.execute("INSERT INTO schema_version (version, applied) VALUES (99, 'future')");
    match db.open() {
        Err(StoreError::TooNew { found: 99, known: LATEST }) => {}
        other => panic!("expected TooNew, got {:?}", other.map(|_| ())),
    }
}

/// A database from before events were stored (schema 2) gets the events table on open and
/// keeps what it had.
pub fn an_older_database_gains_the_events_table_and_keeps_its_records(db: &dyn Backend) {
    let mut store = db.store();
    let f = finding(1, "inc_a", "kept");
    store.save_report(&[incident("inc_a", 70, 10, &[&f])], std::slice::from_ref(&f)).unwrap();
    drop(store);
    db.execute(UNDO_MIGRATION_4);
    db.execute("DROP TABLE events; DELETE FROM schema_version WHERE version = 3;");

    let mut store = db.store();
    assert_eq!(store.schema_version().unwrap(), LATEST);
    assert_eq!(store.findings_for("inc_a").unwrap(), vec![f]);
    assert_eq!(store.append_events(&[event("e1", 1)]).unwrap().stored, 1);
}

fn incident_ids(store: &dyn Store, query: Query) -> Vec<String> {
    store.query_incidents(&query).unwrap().items.into_iter().map(|r| r.incident.id).collect()
}

fn finding_ids(store: &dyn Store, query: Query) -> Vec<String> {
    store.query_findings(&query).unwrap().items.into_iter().map(|f| f.id).collect()
}

/// A database written by a factorwatch at schema 3 opens at the latest: its events load
/// (their subject columns empty), and its incidents and findings answer every filter from
/// the columns the migration filled in from their bodies.
pub fn a_version_3_database_is_upgraded_and_its_rows_still_load(db: &dyn Backend) {
    let mut store = db.store();
    let f1 = finding(1, "inc_a", "bob's");
    let mut f2 = finding(2, "inc_b", "alice's");
    f2.identity = model::FindingIdentity { name: Some("Alice@Contoso.com".into()), ..identity("alice") };
    (f2.detector, f2.severity) = ("FW-003".into(), Severity::Critical);
    let inc_a = incident("inc_a", 70, 10, &[&f1]);
    let mut inc_b = incident("inc_b", 90, 11, &[&f2]);
    (inc_b.identity, inc_b.severity, inc_b.detectors) = (f2.identity.clone(), f2.severity, vec!["FW-003".into()]);
    store.save_report(&[inc_a, inc_b], &[f1, f2]).unwrap();
    let old_events = [event("e1", 1), event("e2", 2)];
    store.append_events(&old_events).unwrap();
    drop(store);
    db.execute(UNDO_MIGRATION_4);
    assert_eq!(db.scalar("SELECT MAX(version) FROM schema_version"), 3);

    let mut store = db.store();
    assert_eq!(store.schema_version().unwrap(), LATEST);
    assert_eq!(db.scalar("SELECT COUNT(*) FROM events WHERE subject_id IS NULL AND subject_name IS NULL"), 2);
    assert_eq!(db.scalar("SELECT COUNT(*) FROM events WHERE raw IS NULL"), 2, "older events have no raw record");
    let read: Vec<Event> = store.events_after(0, 10).unwrap().into_iter().map(|(_, e)| e).collect();
    assert_eq!(read, old_events);
    store.append_events(&[event("e3", 3)]).unwrap();
    let about_bob = store.identity_events(Provider::Okta, "acme.okta.com", "00u1", &[], 10).unwrap();
    assert_eq!(
        about_bob.iter().map(|(_, e)| e.id.as_str()).collect::<Vec<_>>(),
        ["e3"],
        "new events know their subject"
    );

    let q = Query::default;
    assert_eq!(incident_ids(&*store, q()), ["inc_b", "inc_a"]);
    assert_eq!(incident_ids(&*store, Query { severity: Some(Severity::Critical), ..q() }), ["inc_b"]);
    assert_eq!(incident_ids(&*store, Query { detector: Some("FW-002".into()), ..q() }), ["inc_a"]);
    assert_eq!(incident_ids(&*store, Query { identity: Some("ALICE@contoso.com".into()), ..q() }), ["inc_b"]);
    assert_eq!(incident_ids(&*store, Query { status: Some(Status::Open), ..q() }), ["inc_b", "inc_a"]);
    assert_eq!(finding_ids(&*store, Query { identity: Some("alice@CONTOSO.com".into()), ..q() }), ["fnd_2"]);
    assert_eq!(finding_ids(&*store, Query { identity: Some("bob".into()), ..q() }), ["fnd_1"]);
    let entra_contoso = Query { provider: Some(Provider::Entra), tenant: Some("contoso".into()), ..q() };
    assert_eq!(finding_ids(&*store, entra_contoso), ["fnd_2", "fnd_1"]);
    assert_eq!(finding_ids(&*store, Query { severity: Some(Severity::Critical), ..q() }), ["fnd_2"]);
    assert_eq!(finding_ids(&*store, Query { detector: Some("FW-002".into()), ..q() }), ["fnd_1"]);
    assert!(store.set_status("inc_a", Status::Resolved, &audit("incident.status", "inc_a", 0)).unwrap());
}
