//! Sink deliveries: due when pending and their time has come; an attempt delivers, retries
//! later or gives up; what was given up is replayed on demand.

use crate::support::Backend;
use crate::support::fixtures::{at, finding};
use chrono::{Duration, Utc};
use store::{Delivery, DeliveryState, Detections, Store};

/// Three new findings queued for `hook` and `slack`; the `hook` deliveries.
fn queue_three(store: &mut dyn Store) -> Vec<Delivery> {
    let findings = [finding(1, "inc_a", "one"), finding(2, "inc_a", "two"), finding(3, "inc_a", "three")];
    let sinks = ["hook".to_string(), "slack".to_string()];
    store.apply_detections(&Detections { findings: &findings, sinks: &sinks, ..Detections::default() }).unwrap();
    store.deliveries("hook", DeliveryState::Pending, 10).unwrap()
}

fn ids(deliveries: &[Delivery]) -> Vec<i64> {
    deliveries.iter().map(|d| d.id).collect()
}

pub fn only_pending_deliveries_whose_time_has_come_are_due(db: &dyn Backend) {
    let mut store = db.store();
    let before = Utc::now() - Duration::seconds(60);
    let queued = queue_three(store.as_mut());
    let (d1, d2, d3) = (queued[0].id, queued[1].id, queued[2].id);
    assert!(d1 < d2 && d2 < d3, "oldest first");
    assert!(store.due_deliveries("hook", before, 10).unwrap().is_empty(), "not due before they were queued");
    let now = Utc::now();
    assert_eq!(ids(&store.due_deliveries("hook", now, 10).unwrap()), [d1, d2, d3]);
    assert_eq!(ids(&store.due_deliveries("hook", now, 2).unwrap()), [d1, d2]);
    assert!(store.due_deliveries("pager", now, 10).unwrap().is_empty());

    store.record_attempt(d1, Ok(())).unwrap();
    assert_eq!(ids(&store.due_deliveries("hook", now, 10).unwrap()), [d2, d3]);
    let delivered = store.deliveries("hook", DeliveryState::Delivered, 10).unwrap();
    assert_eq!((ids(&delivered), delivered[0].attempts), (vec![d1], 1));

    let later = now + Duration::hours(1);
    store.record_attempt(d2, Err(("503 service unavailable", Some(later)))).unwrap();
    assert_eq!(ids(&store.due_deliveries("hook", now, 10).unwrap()), [d3]);
    assert_eq!(ids(&store.due_deliveries("hook", later, 10).unwrap()), [d2, d3]);
    assert_eq!(store.due_deliveries("slack", now, 10).unwrap().len(), 3, "each sink has its own queue");
}

pub fn a_retried_delivery_stays_pending_with_its_last_error_and_count(db: &dyn Backend) {
    let mut store = db.store();
    let d = queue_three(store.as_mut()).remove(0);
    store.record_attempt(d.id, Err(("503 service unavailable", Some(at(11, 0))))).unwrap();
    store.record_attempt(d.id, Err(("timed out", Some(at(11, 5))))).unwrap();
    let pending = store.deliveries("hook", DeliveryState::Pending, 10).unwrap().remove(0);
    assert_eq!(
        pending,
        Delivery { attempts: 2, next_attempt: at(11, 5), last_error: Some("timed out".into()), ..d.clone() }
    );
    store.record_attempt(d.id, Ok(())).unwrap();
    let delivered = store.deliveries("hook", DeliveryState::Delivered, 10).unwrap();
    assert_eq!((delivered[0].id, delivered[0].attempts), (d.id, 3));
    assert_eq!(store.deliveries("hook", DeliveryState::Pending, 10).unwrap().len(), 2);
}

pub fn a_delivery_given_up_is_failed_until_replayed(db: &dyn Backend) {
    let mut store = db.store();
    let d = queue_three(store.as_mut()).remove(0);
    store.record_attempt(d.id, Err(("503 service unavailable", Some(at(11, 0))))).unwrap();
    store.record_attempt(d.id, Err(("400 bad request", None))).unwrap();
    let failed = store.deliveries("hook", DeliveryState::Failed, 10).unwrap();
    assert_eq!(failed.len(), 1);
    assert_eq!((failed[0].id, failed[0].attempts, failed[0].last_error.as_deref()), (d.id, 2, Some("400 bad request")));
    let far = Utc::now() + Duration::days(365);
    assert!(!ids(&store.due_deliveries("hook", far, 10).unwrap()).contains(&d.id), "a failed delivery is never due");

    assert_eq!(store.replay_failed("slack", at(13, 0)).unwrap(), 0, "replay is per sink");
    assert_eq!(store.replay_failed("hook", at(13, 0)).unwrap(), 1);
    assert!(store.deliveries("hook", DeliveryState::Failed, 10).unwrap().is_empty());
    let replayed = store.deliveries("hook", DeliveryState::Pending, 10).unwrap().remove(0);
    assert_eq!((replayed.id, replayed.next_attempt, replayed.attempts), (d.id, at(13, 0), 0), "a fresh series");
    assert_eq!(ids(&store.due_deliveries("hook", at(13, 0), 1).unwrap()), [d.id]);
    assert_eq!(store.replay_failed("hook", at(13, 0)).unwrap(), 0);

    // An attempt on a delivery no longer stored changes nothing.
    store.record_attempt(d.id + 1000, Ok(())).unwrap();
    assert!(store.deliveries("hook", DeliveryState::Delivered, 10).unwrap().is_empty());
}
