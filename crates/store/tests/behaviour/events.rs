//! Events are stored durably, once per identity key, in one transaction per batch, and read
//! back in sequence order for replay.

use crate::support::Backend;
use crate::support::fixtures::event;
use model::{Category, Event};
use store::Appended;

fn seqs(read: &[(i64, Event)]) -> Vec<i64> {
    read.iter().map(|(seq, _)| *seq).collect()
}

fn ids(read: &[(i64, Event)]) -> Vec<String> {
    read.iter().map(|(_, e)| e.id.to_string()).collect()
}

pub fn appending_the_same_events_twice_stores_them_once(db: &dyn Backend) {
    let mut store = db.store();
    let batch = [event("e1", 1), event("e2", 2), event("e3", 3)];
    assert_eq!(store.append_events(&batch).unwrap(), Appended { stored: 3, duplicates: 0 });
    let last = store.last_event_seq().unwrap();
    assert_eq!(store.append_events(&batch).unwrap(), Appended { stored: 0, duplicates: 3 });
    assert_eq!(store.last_event_seq().unwrap(), last, "a duplicate takes no sequence number that is read");
    // A repeat inside one batch is a duplicate too, beside a new event.
    let mixed = [event("e4", 4), event("e4", 4), event("e1", 1)];
    assert_eq!(store.append_events(&mixed).unwrap(), Appended { stored: 1, duplicates: 2 });
    assert_eq!(ids(&store.events_after(0, 100).unwrap()), ["e1", "e2", "e3", "e4"]);
    assert_eq!(db.scalar("SELECT COUNT(*) FROM events"), 4);
    assert_eq!(store.append_events(&[]).unwrap(), Appended::default());
}

pub fn events_differing_in_any_key_field_are_distinct(db: &dyn Backend) {
    let mut store = db.store();
    let base = event("e1", 1);
    let mut other_tenant = base.clone();
    other_tenant.tenant = "other.okta.com".into();
    let mut other_action = base.clone();
    other_action.action = "user.mfa.factor.deactivate".into();
    let mut other_time = base.clone();
    other_time.time += chrono::Duration::microseconds(1);
    let mut other_category = base.clone();
    other_category.category = Category::FactorRemove;
    let mut other_provider = base.clone();
    other_provider.provider = model::Provider::Entra;
    let mut same_key_other_body = base.clone();
    same_key_other_body.outcome = model::Outcome::Failure;
    let all = [base.clone(), other_tenant, other_action, other_time, other_category, other_provider];
    assert_eq!(store.append_events(&all).unwrap(), Appended { stored: 6, duplicates: 0 });
    assert_eq!(store.append_events(&[same_key_other_body]).unwrap(), Appended { stored: 0, duplicates: 1 });
    let first = store.events_after(0, 1).unwrap();
    assert_eq!(first[0].1, base, "the first stored body is kept");
}

pub fn events_read_back_in_sequence_order_from_any_point(db: &dyn Backend) {
    let mut store = db.store();
    // Appended out of time order: the sequence is the order of arrival, not of event time.
    let first = [event("e3", 30), event("e1", 10), event("e2", 20)];
    let second = [event("e5", 50), event("e4", 40)];
    store.append_events(&first).unwrap();
    store.append_events(&second).unwrap();

    let all = store.events_after(0, 100).unwrap();
    assert_eq!(ids(&all), ["e3", "e1", "e2", "e5", "e4"]);
    let s = seqs(&all);
    assert!(s.windows(2).all(|w| w[0] < w[1]), "sequence numbers grow: {s:?}");
    assert!(s[0] > 0);
    assert_eq!(store.last_event_seq().unwrap(), s[4]);
    let read: Vec<Event> = all.iter().map(|(_, e)| e.clone()).collect();
    let written: Vec<Event> = first.iter().chain(second.iter()).cloned().collect();
    assert_eq!(read, written, "events read back equal to what was appended");

    assert_eq!(ids(&store.events_after(s[1], 100).unwrap()), ["e2", "e5", "e4"]);
    assert_eq!(ids(&store.events_after(s[1], 2).unwrap()), ["e2", "e5"]);
    assert!(store.events_after(s[4], 100).unwrap().is_empty());
    assert!(store.events_after(0, 0).unwrap().is_empty());
}

pub fn a_failed_append_stores_none_of_its_batch(db: &dyn Backend) {
    let mut store = db.store();
    store.append_events(&[event("e0", 0)]).unwrap();
    let before = store.last_event_seq().unwrap();
    db.fail_inserts_of("boom");

    // The failure comes after e1 is written and before e2: the whole batch is rolled back.
    let err = store.append_events(&[event("e1", 1), event("boom", 2), event("e2", 3)]).unwrap_err();
    assert!(err.to_string().contains("simulated failure"), "{err}");
    assert_eq!(ids(&store.events_after(0, 100).unwrap()), ["e0"]);
    assert_eq!(store.last_event_seq().unwrap(), before);
    assert_eq!(db.scalar("SELECT COUNT(*) FROM events"), 1);

    // The store is usable after the failure, and the retried batch is stored whole.
    assert_eq!(store.append_events(&[event("e1", 1), event("e2", 3)]).unwrap().stored, 2);
    assert_eq!(ids(&store.events_after(before, 100).unwrap()), ["e1", "e2"]);
}

pub fn appended_events_survive_a_reopen(db: &dyn Backend) {
    let mut store = db.store();
    store.append_events(&[event("e1", 1), event("e2", 2)]).unwrap();
    let last = store.last_event_seq().unwrap();
    drop(store);
    let mut store = db.store();
    assert_eq!(store.last_event_seq().unwrap(), last);
    assert_eq!(ids(&store.events_after(0, 10).unwrap()), ["e1", "e2"]);
    assert_eq!(store.append_events(&[event("e2", 2)]).unwrap().duplicates, 1, "duplicates are known after a restart");
    store.append_events(&[event("e3", 3)]).unwrap();
    assert!(store.last_event_seq().unwrap() > last);
}

pub fn events_are_found_by_provider_event_id(db: &dyn Backend) {
    let mut store = db.store();
    store.append_events(&[event("e3", 30), event("e1", 10), event("e2", 20)]).unwrap();
    let found = store.events_by_ids(model::Provider::Okta, &["e2", "e3", "missing"]).unwrap();
    let ids: Vec<&str> = found.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["e2", "e3"], "oldest first, unknown ids skipped");
    assert!(store.events_by_ids(model::Provider::Entra, &["e1"]).unwrap().is_empty(), "another provider's ids");
    assert!(store.events_by_ids(model::Provider::Okta, &[]).unwrap().is_empty());
}
