//! What the stream detector produced is written all or none: new findings are reported once
//! and queued for every sink, retractions and regroupings delete, and the snapshot is
//! replaced.

use crate::support::Backend;
use crate::support::fixtures::{finding, incident};
use chrono::Utc;
use store::{DeliveryState, Detections, Store};

const SINKS: [&str; 2] = ["hook", "slack"];

fn sinks() -> Vec<String> {
    SINKS.iter().map(|s| s.to_string()).collect()
}

fn queued(store: &dyn Store, sink: &str) -> Vec<String> {
    store.deliveries(sink, DeliveryState::Pending, 100).unwrap().into_iter().map(|d| d.finding).collect()
}

pub fn applying_detections_reports_new_findings_and_queues_one_delivery_per_sink(db: &dyn Backend) {
    let mut store = db.store();
    let (f1, f2) = (finding(1, "inc_a", "one"), finding(2, "inc_a", "two"));
    let inc = incident("inc_a", 70, 10, &[&f1, &f2]);
    let sinks = sinks();
    let findings = [f1.clone(), f2.clone()];
    let first = Detections {
        findings: &findings,
        incidents: std::slice::from_ref(&inc),
        sinks: &sinks,
        ..Detections::default()
    };
    assert_eq!(store.apply_detections(&first).unwrap(), ["fnd_1", "fnd_2"]);
    assert_eq!(store.finding("fnd_1").unwrap(), Some(f1.clone()));
    assert_eq!(store.incident("inc_a").unwrap().unwrap().incident, inc);
    for sink in SINKS {
        let deliveries = store.deliveries(sink, DeliveryState::Pending, 100).unwrap();
        assert_eq!(deliveries.iter().map(|d| d.finding.as_str()).collect::<Vec<_>>(), ["fnd_1", "fnd_2"]);
        assert!(deliveries.iter().all(|d| d.sink == sink && d.attempts == 0 && d.last_error.is_none()));
        assert_eq!(store.due_deliveries(sink, Utc::now(), 100).unwrap(), deliveries, "queued due now");
    }

    // An update of a stored finding is not new; a finding repeated in one batch is new once.
    let mut f2_updated = f2.clone();
    f2_updated.summary = "two, updated".into();
    let f3 = finding(3, "inc_a", "three");
    let findings = [f2_updated.clone(), f3.clone(), f3.clone()];
    let second = Detections { findings: &findings, sinks: &sinks, ..Detections::default() };
    assert_eq!(store.apply_detections(&second).unwrap(), ["fnd_3"]);
    assert_eq!(store.finding("fnd_2").unwrap(), Some(f2_updated));
    assert_eq!(queued(&*store, "hook"), ["fnd_1", "fnd_2", "fnd_3"]);
    assert_eq!(db.scalar("SELECT COUNT(*) FROM deliveries"), 6);

    // With no sinks configured a new finding is still reported, and nothing is queued.
    let f4 = finding(4, "inc_a", "four");
    let third = Detections { findings: std::slice::from_ref(&f4), ..Detections::default() };
    assert_eq!(store.apply_detections(&third).unwrap(), ["fnd_4"]);
    assert_eq!(db.scalar("SELECT COUNT(*) FROM deliveries"), 6);
}

pub fn applying_the_same_detections_twice_changes_nothing(db: &dyn Backend) {
    let mut store = db.store();
    let (f1, f2, old) = (finding(1, "inc_a", "one"), finding(2, "inc_b", "two"), finding(9, "inc_old", "old"));
    let stale = incident("inc_old", 30, 8, &[&old]);
    store.save_report(&[stale], std::slice::from_ref(&old)).unwrap();
    let incidents = [incident("inc_a", 70, 10, &[&f1]), incident("inc_b", 60, 11, &[&f2])];
    let (findings, retract, drop, sinks) = ([f1, f2], ["fnd_9".to_string()], ["inc_old".to_string()], sinks());
    let detections = Detections {
        findings: &findings,
        retract: &retract,
        incidents: &incidents,
        drop_incidents: &drop,
        sinks: &sinks,
        snapshot: Some((42, b"state".as_slice())),
    };
    assert_eq!(store.apply_detections(&detections).unwrap(), ["fnd_1", "fnd_2"]);
    let counts = |db: &dyn Backend| {
        ["findings", "incidents", "incident_detectors", "deliveries", "snapshots"]
            .map(|table| db.scalar(&format!("SELECT COUNT(*) FROM {table}")))
    };
    let before = counts(db);
    assert_eq!(before, [2, 2, 2, 4, 1]);
    let queue = store.deliveries("hook", DeliveryState::Pending, 100).unwrap();

    assert!(store.apply_detections(&detections).unwrap().is_empty(), "nothing is new the second time");
    assert_eq!(counts(db), before);
    assert_eq!(store.deliveries("hook", DeliveryState::Pending, 100).unwrap(), queue, "no delivery is queued again");
    assert_eq!(store.load_snapshot().unwrap(), Some((42, b"state".to_vec())));
    let queue_ids: Vec<String> = store.incidents(10).unwrap().into_iter().map(|i| i.id).collect();
    assert_eq!(queue_ids, ["inc_a", "inc_b"]);
}

pub fn retracting_a_finding_deletes_it_and_its_undelivered_deliveries(db: &dyn Backend) {
    let mut store = db.store();
    let (f1, f2, f3) = (finding(1, "inc_a", "one"), finding(2, "inc_a", "two"), finding(3, "inc_a", "three"));
    let (findings, sinks) = ([f1.clone(), f2, f3], vec!["hook".to_string()]);
    store.apply_detections(&Detections { findings: &findings, sinks: &sinks, ..Detections::default() }).unwrap();
    let queue = store.deliveries("hook", DeliveryState::Pending, 10).unwrap();
    store.record_attempt(queue[1].id, Ok(())).unwrap();
    store.record_attempt(queue[2].id, Err(("400 bad request", None))).unwrap();

    let retract = ["fnd_1".to_string(), "fnd_2".to_string(), "fnd_3".to_string()];
    assert!(store.apply_detections(&Detections { retract: &retract, ..Detections::default() }).unwrap().is_empty());
    assert_eq!(store.finding("fnd_1").unwrap(), None);
    assert_eq!(store.finding("fnd_2").unwrap(), None);
    assert!(queued(&*store, "hook").is_empty());
    assert!(store.deliveries("hook", DeliveryState::Failed, 10).unwrap().is_empty(), "nothing left to replay");
    let history: Vec<String> =
        store.deliveries("hook", DeliveryState::Delivered, 10).unwrap().into_iter().map(|d| d.finding).collect();
    assert_eq!(history, ["fnd_2"], "a delivery made stays as history");

    // Added and retracted in one call: not stored, so neither new nor queued.
    let f4 = finding(4, "inc_a", "four");
    let retract = ["fnd_4".to_string()];
    let both =
        Detections { findings: std::slice::from_ref(&f4), retract: &retract, sinks: &sinks, ..Detections::default() };
    assert!(store.apply_detections(&both).unwrap().is_empty());
    assert_eq!(store.finding("fnd_4").unwrap(), None);
    assert!(queued(&*store, "hook").is_empty());

    // Detected again after its retraction, a finding is new again.
    let again = Detections { findings: std::slice::from_ref(&f1), sinks: &sinks, ..Detections::default() };
    assert_eq!(store.apply_detections(&again).unwrap(), ["fnd_1"]);
    assert_eq!(queued(&*store, "hook"), ["fnd_1"]);
}

pub fn a_failed_apply_writes_nothing(db: &dyn Backend) {
    let mut store = db.store();
    db.fail_inserts_into("deliveries", "sink", "broken");
    let f1 = finding(1, "inc_a", "one");
    let inc = incident("inc_a", 70, 10, &[&f1]);
    let sinks = vec!["hook".to_string(), "broken".to_string()];
    let failing = Detections {
        findings: std::slice::from_ref(&f1),
        incidents: std::slice::from_ref(&inc),
        sinks: &sinks,
        snapshot: Some((7, b"state".as_slice())),
        ..Detections::default()
    };
    let err = store.apply_detections(&failing).unwrap_err();
    assert!(err.to_string().contains("simulated failure"), "{err}");
    assert_eq!(store.finding("fnd_1").unwrap(), None);
    assert_eq!(store.incident("inc_a").unwrap(), None);
    assert_eq!(store.load_snapshot().unwrap(), None);
    assert!(queued(&*store, "hook").is_empty());

    let sinks = vec!["hook".to_string()];
    assert_eq!(store.apply_detections(&Detections { sinks: &sinks, ..failing }).unwrap(), ["fnd_1"]);
    assert_eq!(queued(&*store, "hook"), ["fnd_1"]);
}

pub fn a_snapshot_replaces_the_previous_one(db: &dyn Backend) {
    let mut store = db.store();
    assert_eq!(store.load_snapshot().unwrap(), None);
    store.apply_detections(&Detections { snapshot: Some((10, b"one".as_slice())), ..Detections::default() }).unwrap();
    assert_eq!(store.load_snapshot().unwrap(), Some((10, b"one".to_vec())));
    store.apply_detections(&Detections { snapshot: Some((20, b"two".as_slice())), ..Detections::default() }).unwrap();
    assert_eq!(store.load_snapshot().unwrap(), Some((20, b"two".to_vec())));
    // Restored and taken again over the same events, the state may serialize differently.
    store.apply_detections(&Detections { snapshot: Some((20, b"two'".as_slice())), ..Detections::default() }).unwrap();
    assert_eq!(store.load_snapshot().unwrap(), Some((20, b"two'".to_vec())));
    store.apply_detections(&Detections::default()).unwrap();
    assert_eq!(store.load_snapshot().unwrap(), Some((20, b"two'".to_vec())), "no snapshot given keeps the last");
    assert_eq!(db.scalar("SELECT COUNT(*) FROM snapshots"), 1);
    drop(store);
    assert_eq!(db.store().load_snapshot().unwrap(), Some((20, b"two'".to_vec())), "and it survives a reopen");
}
