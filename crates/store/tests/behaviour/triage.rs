//! What analysts do: status, assignee and comments on stored incidents, each with its audit entry in
//! the same transaction; status and comments outlive the incident's regrouping; the audit
//! log reads newest first.

use crate::support::Backend;
use crate::support::fixtures::{at, audit, finding, incident};
use store::{AssigneeFilter, Detections, Query, Status, Store};

fn audit_seqs(store: &dyn Store, target: Option<&str>, offset: usize, limit: usize) -> (Vec<i64>, Option<usize>) {
    let page = store.audit_log(target, offset, limit).unwrap();
    (page.items.iter().map(|e| e.seq).collect(), page.next_offset)
}

fn upsert(store: &mut dyn Store, incident: &model::Incident) {
    store.apply_detections(&Detections { incidents: std::slice::from_ref(incident), ..Detections::default() }).unwrap();
}

pub fn status_changes_only_stored_incidents_and_each_change_is_audited(db: &dyn Backend) {
    let mut store = db.store();
    let inc = incident("inc_a", 70, 10, &[]);
    store.save_report(std::slice::from_ref(&inc), &[]).unwrap();
    let fresh = store.incident("inc_a").unwrap().unwrap();
    assert_eq!((fresh.status, fresh.status_changed), (Status::Open, inc.first), "never set: open since first seen");

    assert!(!store.set_status("inc_none", Status::Resolved, &audit("incident.status", "inc_none", 1)).unwrap());
    assert!(store.audit_log(None, 0, 10).unwrap().items.is_empty(), "no audit entry for a refused change");

    let resolved = audit("incident.status", "inc_a", 2);
    assert!(store.set_status("inc_a", Status::Resolved, &resolved).unwrap());
    let record = store.incident("inc_a").unwrap().unwrap();
    assert_eq!((record.status, record.status_changed), (Status::Resolved, at(12, 2)));
    let log = store.audit_log(None, 0, 10).unwrap().items;
    assert_eq!(log.len(), 1);
    assert!(log[0].seq > 0, "the store assigns the sequence number");
    assert_eq!(store::AuditEntry { seq: 0, ..log[0].clone() }, resolved);

    assert!(store.set_status("inc_a", Status::FalsePositive, &audit("incident.status", "inc_a", 3)).unwrap());
    let record = store.incident("inc_a").unwrap().unwrap();
    assert_eq!((record.status, record.status_changed), (Status::FalsePositive, at(12, 3)));

    // The audit entry fails to be written: the status change goes with it.
    db.fail_inserts_into("audit_log", "actor", "broken");
    let broken = store::AuditEntry { actor: "broken".into(), ..audit("incident.status", "inc_a", 4) };
    assert!(store.set_status("inc_a", Status::Acknowledged, &broken).is_err());
    assert_eq!(store.incident("inc_a").unwrap().unwrap().status, Status::FalsePositive);
    assert_eq!(store.audit_log(None, 0, 10).unwrap().items.len(), 2);
}

pub fn status_and_comments_outlive_the_incident_being_upserted_or_dropped(db: &dyn Backend) {
    let mut store = db.store();
    let f1 = finding(1, "inc_a", "one");
    let inc = incident("inc_a", 70, 10, &[&f1]);
    upsert(store.as_mut(), &inc);
    assert!(store.set_status("inc_a", Status::Acknowledged, &audit("incident.status", "inc_a", 1)).unwrap());
    store.add_comment("inc_a", "alice", "looking", at(12, 2), &audit("incident.comment", "inc_a", 2)).unwrap().unwrap();

    let mut grown = inc.clone();
    grown.risk_score = 95;
    upsert(store.as_mut(), &grown);
    let record = store.incident("inc_a").unwrap().unwrap();
    assert_eq!((record.incident.risk_score, record.status), (95, Status::Acknowledged));
    store.save_report(std::slice::from_ref(&inc), &[]).unwrap();
    assert_eq!(store.incident("inc_a").unwrap().unwrap().status, Status::Acknowledged);

    let drop = ["inc_a".to_string()];
    store.apply_detections(&Detections { drop_incidents: &drop, ..Detections::default() }).unwrap();
    assert_eq!(store.incident("inc_a").unwrap(), None);
    assert!(store.query_incidents(&store::Query::default()).unwrap().items.is_empty());
    assert_eq!(store.comments("inc_a").unwrap().len(), 1);
    assert_eq!(db.scalar("SELECT COUNT(*) FROM incident_status"), 1);

    // Regrouped back under the same id, the incident is where the analyst left it.
    upsert(store.as_mut(), &inc);
    let record = store.incident("inc_a").unwrap().unwrap();
    assert_eq!((record.status, record.status_changed), (Status::Acknowledged, at(12, 1)));
    assert_eq!(store.comments("inc_a").unwrap()[0].text, "looking");
}

pub fn comments_need_a_stored_incident_and_read_oldest_first(db: &dyn Backend) {
    let mut store = db.store();
    store.save_report(&[incident("inc_a", 70, 10, &[]), incident("inc_b", 50, 11, &[])], &[]).unwrap();
    let none = store.add_comment("inc_none", "alice", "hello", at(12, 0), &audit("incident.comment", "inc_none", 0));
    assert_eq!(none.unwrap(), None);
    assert!(store.audit_log(None, 0, 10).unwrap().items.is_empty());

    let later = store.add_comment("inc_a", "bob", "second", at(11, 0), &audit("incident.comment", "inc_a", 1)).unwrap();
    let earlier =
        store.add_comment("inc_a", "alice", "first", at(10, 0), &audit("incident.comment", "inc_a", 2)).unwrap();
    let (later, earlier) = (later.unwrap(), earlier.unwrap());
    assert_ne!(later.id, earlier.id);
    assert_eq!((earlier.incident.as_str(), earlier.author.as_str(), earlier.time), ("inc_a", "alice", at(10, 0)));
    assert_eq!(store.comments("inc_a").unwrap(), vec![earlier.clone(), later.clone()], "oldest first");
    assert!(store.comments("inc_b").unwrap().is_empty());
    assert_eq!(store.audit_log(Some("inc_a"), 0, 10).unwrap().items.len(), 2);

    db.fail_inserts_into("audit_log", "actor", "broken");
    let broken = store::AuditEntry { actor: "broken".into(), ..audit("incident.comment", "inc_a", 3) };
    assert!(store.add_comment("inc_a", "broken", "lost", at(12, 0), &broken).is_err());
    assert_eq!(store.comments("inc_a").unwrap(), vec![earlier, later], "the comment goes with its audit entry");
}

pub fn the_audit_log_reads_newest_first_pages_and_filters_by_target(db: &dyn Backend) {
    let mut store = db.store();
    assert_eq!(audit_seqs(&*store, None, 0, 10), (vec![], None));
    let targets = ["a", "b", "a", "b", "a"];
    let seqs: Vec<i64> = targets
        .iter()
        .enumerate()
        .map(|(n, target)| store.append_audit(&audit("token.create", target, n as u32)).unwrap())
        .collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "sequence numbers grow: {seqs:?}");
    let (s1, s2, s3, s4, s5) = (seqs[0], seqs[1], seqs[2], seqs[3], seqs[4]);

    assert_eq!(audit_seqs(&*store, None, 0, 2), (vec![s5, s4], Some(2)));
    assert_eq!(audit_seqs(&*store, None, 2, 2), (vec![s3, s2], Some(4)));
    assert_eq!(audit_seqs(&*store, None, 4, 2), (vec![s1], None));
    assert_eq!(audit_seqs(&*store, None, 0, 5), (vec![s5, s4, s3, s2, s1], None), "a full last page has no next");
    assert_eq!(audit_seqs(&*store, None, 0, 0), (vec![s5, s4, s3, s2, s1], None), "limit 0 reads a default page");
    assert_eq!(audit_seqs(&*store, Some("a"), 0, 10), (vec![s5, s3, s1], None));
    assert_eq!(audit_seqs(&*store, Some("a"), 1, 1), (vec![s3], Some(2)));
    assert_eq!(audit_seqs(&*store, Some("c"), 0, 10), (vec![], None));

    let entry = &store.audit_log(Some("b"), 0, 1).unwrap().items[0];
    assert_eq!(*entry, store::AuditEntry { seq: s4, ..audit("token.create", "b", 3) }, "read back as written");
}

pub fn an_assignee_is_set_and_cleared_only_on_stored_incidents_each_change_audited(db: &dyn Backend) {
    let mut store = db.store();
    upsert(store.as_mut(), &incident("inc_a", 70, 10, &[]));
    assert_eq!(store.incident("inc_a").unwrap().unwrap().assignee, None, "no one until assigned");

    assert!(!store.set_assignee("inc_none", Some("carol"), &audit("incident.assignee", "inc_none", 1)).unwrap());
    assert!(store.audit_log(None, 0, 10).unwrap().items.is_empty(), "no audit entry for a refused change");

    let assigned = audit("incident.assignee", "inc_a", 2);
    assert!(store.set_assignee("inc_a", Some("carol"), &assigned).unwrap());
    let record = store.incident("inc_a").unwrap().unwrap();
    assert_eq!((record.assignee.as_deref(), record.status), (Some("carol"), Status::Open), "status untouched");
    assert!(store.set_assignee("inc_a", Some("dave"), &audit("incident.assignee", "inc_a", 3)).unwrap());
    assert_eq!(store.incident("inc_a").unwrap().unwrap().assignee.as_deref(), Some("dave"), "reassigned");

    // Kept beside the incident: regrouped away and back, it is still assigned.
    let drop = ["inc_a".to_string()];
    store.apply_detections(&Detections { drop_incidents: &drop, ..Detections::default() }).unwrap();
    upsert(store.as_mut(), &incident("inc_a", 80, 10, &[]));
    assert_eq!(store.incident("inc_a").unwrap().unwrap().assignee.as_deref(), Some("dave"));

    assert!(store.set_assignee("inc_a", None, &audit("incident.assignee", "inc_a", 4)).unwrap());
    assert_eq!(store.incident("inc_a").unwrap().unwrap().assignee, None, "cleared");
    let log = store.audit_log(Some("inc_a"), 0, 10).unwrap().items;
    assert_eq!(log.len(), 3, "one entry per change");
    assert_eq!(store::AuditEntry { seq: 0, ..log[2].clone() }, assigned, "oldest last");

    // The audit entry fails to be written: the assignment goes with it.
    db.fail_inserts_into("audit_log", "actor", "broken");
    let broken = store::AuditEntry { actor: "broken".into(), ..audit("incident.assignee", "inc_a", 5) };
    assert!(store.set_assignee("inc_a", Some("eve"), &broken).is_err());
    assert_eq!(store.incident("inc_a").unwrap().unwrap().assignee, None);
}

pub fn the_queue_filters_by_assignee_or_unassigned(db: &dyn Backend) {
    let mut store = db.store();
    let incidents = [incident("inc_a", 90, 10, &[]), incident("inc_b", 80, 11, &[]), incident("inc_c", 70, 12, &[])];
    store.save_report(&incidents, &[]).unwrap();
    store.set_assignee("inc_a", Some("carol"), &audit("incident.assignee", "inc_a", 1)).unwrap();
    store.set_assignee("inc_c", Some("carol"), &audit("incident.assignee", "inc_c", 2)).unwrap();
    store.set_assignee("inc_b", Some("dave"), &audit("incident.assignee", "inc_b", 3)).unwrap();
    store.set_assignee("inc_b", None, &audit("incident.assignee", "inc_b", 4)).unwrap();

    let ids = |filter: AssigneeFilter| -> Vec<(String, Option<String>)> {
        let query = Query { assignee: Some(filter), ..Query::default() };
        store.query_incidents(&query).unwrap().items.into_iter().map(|r| (r.incident.id, r.assignee)).collect()
    };
    let carol = Some("carol".to_string());
    assert_eq!(
        ids(AssigneeFilter::Named("carol".into())),
        [("inc_a".to_string(), carol.clone()), ("inc_c".to_string(), carol)]
    );
    assert_eq!(ids(AssigneeFilter::Named("Carol".into())), [], "names match exactly");
    assert_eq!(ids(AssigneeFilter::Named("dave".into())), [], "a cleared assignment is gone");
    assert_eq!(ids(AssigneeFilter::Unassigned), [("inc_b".to_string(), None)]);
    let resolved_of_carol = Query {
        assignee: Some(AssigneeFilter::Named("carol".into())),
        status: Some(Status::Resolved),
        ..Query::default()
    };
    assert!(store.query_incidents(&resolved_of_carol).unwrap().items.is_empty(), "filters combine");
}
