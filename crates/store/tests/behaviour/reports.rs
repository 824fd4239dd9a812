//! Saving is an upsert by id, and the queue reads back by risk.

use crate::support::Backend;
use crate::support::fixtures::{finding, incident};

pub fn saving_the_same_finding_twice_keeps_one_row_with_the_latest_content(db: &dyn Backend) {
    let mut store = db.store();
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

pub fn the_queue_is_by_risk_then_time_and_findings_by_time(db: &dyn Backend) {
    let mut store = db.store();
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
