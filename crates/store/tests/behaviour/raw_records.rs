//! Providers' raw records are stored with their events, once per stored event, and found by
//! the evidence that points at the event.

use crate::support::Backend;
use crate::support::fixtures::event;
use model::{Event, Evidence};
use store::Appended;
use store::raw::pack;

fn evidence_of(e: &Event) -> Evidence {
    Evidence {
        provider: e.provider,
        event_id: e.id.clone(),
        time: e.time,
        category: e.category,
        action: e.action.clone(),
        source: e.source.to_string().into(),
    }
}

fn record(id: &str) -> String {
    format!(r#"{{"uuid":"{id}","eventType":"user.mfa.factor.activate","actor":{{"alternateId":"bob@acme.com"}}}}"#)
}

pub fn raw_records_round_trip_with_their_events(db: &dyn Backend) {
    let mut store = db.store();
    let (e1, e2) = (event("e1", 1), event("e2", 2));
    let p1 = pack(record("e1").as_bytes()).unwrap();
    assert_eq!(store.append_events_with_raw(&[e1.clone(), e2.clone()], &[Some(&p1), None]).unwrap().stored, 2);
    assert_eq!(store.raw_record("acme.okta.com", &evidence_of(&e1)).unwrap(), Some(record("e1")));
    assert_eq!(store.raw_record("acme.okta.com", &evidence_of(&e2)).unwrap(), None, "none was given");
    assert_eq!(store.raw_record("other.okta.com", &evidence_of(&e1)).unwrap(), None, "another tenant's event");
    assert_eq!(store.raw_record("acme.okta.com", &evidence_of(&event("e9", 9))).unwrap(), None, "not stored");
}

pub fn a_duplicate_post_keeps_the_first_raw_record_once(db: &dyn Backend) {
    let mut store = db.store();
    let e1 = event("e1", 1);
    let first = pack(record("first").as_bytes()).unwrap();
    let again = pack(record("again").as_bytes()).unwrap();
    store.append_events_with_raw(std::slice::from_ref(&e1), &[Some(&first)]).unwrap();
    let appended = store.append_events_with_raw(&[e1.clone(), e1.clone()], &[Some(&again), Some(&again)]).unwrap();
    assert_eq!(appended, Appended { stored: 0, duplicates: 2 });
    assert_eq!(db.scalar("SELECT COUNT(*) FROM events WHERE raw IS NOT NULL"), 1);
    assert_eq!(store.raw_record("acme.okta.com", &evidence_of(&e1)).unwrap(), Some(record("first")));
}

pub fn events_appended_without_raw_records_store_none(db: &dyn Backend) {
    let mut store = db.store();
    let batch = [event("e1", 1), event("e2", 2)];
    assert_eq!(store.append_events(&batch).unwrap().stored, 2);
    assert_eq!(db.scalar("SELECT COUNT(*) FROM events WHERE raw IS NOT NULL"), 0);
    assert_eq!(store.raw_record("acme.okta.com", &evidence_of(&batch[0])).unwrap(), None);
}

pub fn a_raw_record_that_does_not_inflate_is_refused_as_corrupt(db: &dyn Backend) {
    let mut store = db.store();
    let e1 = event("e1", 1);
    store.append_events_with_raw(std::slice::from_ref(&e1), &[Some(b"not deflate".as_slice())]).unwrap();
    assert!(matches!(store.raw_record("acme.okta.com", &evidence_of(&e1)), Err(store::StoreError::Corrupt { .. })));
}
