//! The filtered queries: every filter narrows, filters combine, the order is fixed, and
//! pages say exactly whether another follows.

use crate::support::Backend;
use crate::support::fixtures::{at, audit, finding, incident};
use model::{Finding, FindingIdentity, Incident, Provider, Severity};
use store::{Query, Status, Store};

fn who(provider: Provider, tenant: &str, id: &str, name: &str) -> FindingIdentity {
    FindingIdentity {
        provider,
        tenant: tenant.into(),
        id: id.into(),
        name: Some(name.into()),
        ..crate::support::fixtures::identity("x")
    }
}

fn alice() -> FindingIdentity {
    who(Provider::Okta, "acme", "00uALICE", "Alice@Acme.com")
}

fn shaped(id: &str, risk: u8, severity: Severity, detectors: &[&str], first: (u32, u32), last: (u32, u32)) -> Incident {
    let mut i = incident(id, risk, first.0, &[]);
    i.severity = severity;
    i.detectors = detectors.iter().map(|d| (*d).into()).collect();
    i.first = at(first.0, first.1);
    i.last = at(last.0, last.1);
    i
}

fn incident_ids(store: &dyn Store, query: Query) -> Vec<String> {
    store.query_incidents(&query).unwrap().items.into_iter().map(|r| r.incident.id).collect()
}

fn finding_ids(store: &dyn Store, query: Query) -> Vec<String> {
    store.query_findings(&query).unwrap().items.into_iter().map(|f| f.id).collect()
}

pub fn incident_filters_each_narrow_the_queue_and_combine(db: &dyn Backend) {
    let mut store = db.store();
    let a = shaped("inc_a", 90, Severity::High, &["FW-002"], (10, 0), (10, 30));
    let mut b = shaped("inc_b", 80, Severity::Critical, &["FW-001", "FW-003"], (11, 0), (12, 0));
    b.identity = alice();
    let c = shaped("inc_c", 20, Severity::Low, &["FW-003"], (9, 0), (9, 10));
    let mut d = shaped("inc_d", 50, Severity::Medium, &["FW-002"], (13, 0), (13, 0));
    d.identity.tenant = "fabrikam".into();
    store.save_report(&[a, b, c, d], &[]).unwrap();
    assert!(store.set_status("inc_c", Status::Resolved, &audit("incident.status", "inc_c", 0)).unwrap());
    let q = Query::default;

    assert_eq!(incident_ids(&*store, q()), ["inc_a", "inc_b", "inc_d", "inc_c"]);
    assert_eq!(incident_ids(&*store, Query { severity: Some(Severity::High), ..q() }), ["inc_a", "inc_b"]);
    assert_eq!(incident_ids(&*store, Query { severity: Some(Severity::Critical), ..q() }), ["inc_b"]);
    assert_eq!(incident_ids(&*store, Query { severity: Some(Severity::Info), ..q() }).len(), 4);
    assert_eq!(incident_ids(&*store, Query { detector: Some("FW-003".into()), ..q() }), ["inc_b", "inc_c"]);
    assert_eq!(incident_ids(&*store, Query { detector: Some("FW-002".into()), ..q() }), ["inc_a", "inc_d"]);
    assert!(incident_ids(&*store, Query { detector: Some("FW-009".into()), ..q() }).is_empty());
    assert_eq!(incident_ids(&*store, Query { identity: Some("bob".into()), ..q() }), ["inc_a", "inc_d", "inc_c"]);
    assert_eq!(incident_ids(&*store, Query { identity: Some("00uALICE".into()), ..q() }), ["inc_b"]);
    assert_eq!(incident_ids(&*store, Query { identity: Some("alice@ACME.COM".into()), ..q() }), ["inc_b"]);
    assert_eq!(
        incident_ids(&*store, Query { identity: Some("BOB@contoso.com".into()), ..q() }),
        ["inc_a", "inc_d", "inc_c"]
    );
    assert_eq!(incident_ids(&*store, Query { provider: Some(Provider::Okta), ..q() }), ["inc_b"]);
    assert_eq!(incident_ids(&*store, Query { tenant: Some("fabrikam".into()), ..q() }), ["inc_d"]);
    let entra_contoso = Query { provider: Some(Provider::Entra), tenant: Some("contoso".into()), ..q() };
    assert_eq!(incident_ids(&*store, entra_contoso), ["inc_a", "inc_c"]);
    assert_eq!(incident_ids(&*store, Query { status: Some(Status::Open), ..q() }), ["inc_a", "inc_b", "inc_d"]);
    assert_eq!(incident_ids(&*store, Query { status: Some(Status::Resolved), ..q() }), ["inc_c"]);
    assert!(incident_ids(&*store, Query { status: Some(Status::Acknowledged), ..q() }).is_empty());
    // since: the last finding at or after; until: the first finding before.
    assert_eq!(incident_ids(&*store, Query { since: Some(at(12, 0)), ..q() }), ["inc_b", "inc_d"]);
    assert_eq!(incident_ids(&*store, Query { until: Some(at(11, 0)), ..q() }), ["inc_a", "inc_c"]);
    let window = Query { since: Some(at(10, 30)), until: Some(at(12, 0)), ..q() };
    assert_eq!(incident_ids(&*store, window), ["inc_a", "inc_b"]);

    let all = Query {
        severity: Some(Severity::High),
        detector: Some("FW-003".into()),
        identity: Some("alice@acme.com".into()),
        status: Some(Status::Open),
        provider: Some(Provider::Okta),
        tenant: Some("acme".into()),
        since: Some(at(11, 0)),
        until: Some(at(11, 1)),
        ..q()
    };
    assert_eq!(incident_ids(&*store, all.clone()), ["inc_b"]);
    assert!(incident_ids(&*store, Query { tenant: Some("contoso".into()), ..all }).is_empty(), "filters are and-ed");
    let resolved = store.query_incidents(&Query { status: Some(Status::Resolved), ..q() }).unwrap();
    assert_eq!((resolved.items[0].status, resolved.items[0].status_changed), (Status::Resolved, at(12, 0)));

    // Saved again with other detectors, an incident is found by the new ones only.
    let regrouped = shaped("inc_c", 20, Severity::Low, &["FW-004"], (9, 0), (9, 10));
    store.save_report(&[regrouped], &[]).unwrap();
    assert_eq!(incident_ids(&*store, Query { detector: Some("FW-003".into()), ..q() }), ["inc_b"]);
    assert_eq!(incident_ids(&*store, Query { detector: Some("FW-004".into()), ..q() }), ["inc_c"]);
}

pub fn incident_pages_follow_the_queue_and_say_exactly_when_more_follow(db: &dyn Backend) {
    let mut store = db.store();
    // Risk first, then the earliest, then the id.
    let x = shaped("inc_x", 90, Severity::High, &[], (10, 0), (10, 0));
    let y = shaped("inc_y", 90, Severity::High, &[], (9, 0), (9, 0));
    let z2 = shaped("inc_z2", 50, Severity::High, &[], (9, 0), (9, 0));
    let z1 = shaped("inc_z1", 50, Severity::High, &[], (9, 0), (9, 0));
    store.save_report(&[x, y, z2, z1], &[]).unwrap();
    let page = |offset, limit| {
        let page = store.query_incidents(&Query { offset, limit, ..Query::default() }).unwrap();
        (page.items.into_iter().map(|r| r.incident.id).collect::<Vec<_>>(), page.next_offset)
    };
    assert_eq!(page(0, 10), (vec!["inc_y".into(), "inc_x".into(), "inc_z1".into(), "inc_z2".into()], None));
    assert_eq!(page(0, 2), (vec!["inc_y".into(), "inc_x".into()], Some(2)));
    assert_eq!(page(2, 2), (vec!["inc_z1".into(), "inc_z2".into()], None), "a full last page has no next");
    assert_eq!(page(1, 2), (vec!["inc_x".into(), "inc_z1".into()], Some(3)));
    assert_eq!(page(3, 2), (vec!["inc_z2".into()], None));
    assert_eq!(page(4, 2), (vec![], None));
    assert_eq!(page(10, 2), (vec![], None));
}

pub fn a_zero_limit_reads_pages_of_fifty(db: &dyn Backend) {
    let mut store = db.store();
    let many: Vec<Incident> = (0..55).map(|n| incident(&format!("inc_{n:02}"), 50, 10, &[])).collect();
    store.save_report(&many, &[]).unwrap();
    let first = store.query_incidents(&Query::default()).unwrap();
    assert_eq!((first.items.len(), first.next_offset), (50, Some(50)));
    assert_eq!(first.items[49].incident.id, "inc_49");
    let rest = store.query_incidents(&Query { offset: 50, ..Query::default() }).unwrap();
    assert_eq!((rest.items.len(), rest.next_offset), (5, None));
    let findings: Vec<Finding> = (0..51).map(|n| finding(n, "inc_00", "many")).collect();
    store.save_report(&[], &findings).unwrap();
    let page = store.query_findings(&Query::default()).unwrap();
    assert_eq!((page.items.len(), page.next_offset), (50, Some(50)));
}

pub fn finding_filters_each_narrow_newest_first_and_page(db: &dyn Backend) {
    let mut store = db.store();
    let f1 = finding(1, "inc_a", "bob, high");
    let mut f2 = finding(5, "inc_a", "bob, low");
    (f2.detector, f2.severity) = ("FW-003".into(), Severity::Low);
    let mut f3 = finding(3, "inc_b", "alice, critical");
    (f3.identity, f3.severity) = (alice(), Severity::Critical);
    let mut f4 = finding(4, "inc_c", "carol, medium");
    (f4.identity, f4.detector, f4.severity, f4.time) =
        (who(Provider::Entra, "contoso", "carol", "carol@contoso.com"), "FW-001".into(), Severity::Medium, f2.time);
    store.save_report(&[incident("inc_c", 10, 9, &[])], &[f1.clone(), f2, f3.clone(), f4]).unwrap();
    assert!(store.set_status("inc_c", Status::Resolved, &audit("incident.status", "inc_c", 0)).unwrap());
    let q = Query::default;

    // Newest first; fnd_4 shares fnd_5's time and sorts after it by id.
    let newest_first = ["fnd_4", "fnd_5", "fnd_3", "fnd_1"];
    assert_eq!(finding_ids(&*store, q()), newest_first);
    assert_eq!(finding_ids(&*store, Query { severity: Some(Severity::Medium), ..q() }), ["fnd_4", "fnd_3", "fnd_1"]);
    assert_eq!(finding_ids(&*store, Query { detector: Some("FW-002".into()), ..q() }), ["fnd_3", "fnd_1"]);
    assert_eq!(finding_ids(&*store, Query { identity: Some("bob".into()), ..q() }), ["fnd_5", "fnd_1"]);
    assert_eq!(finding_ids(&*store, Query { identity: Some("ALICE@acme.com".into()), ..q() }), ["fnd_3"]);
    assert_eq!(finding_ids(&*store, Query { provider: Some(Provider::Okta), ..q() }), ["fnd_3"]);
    assert_eq!(finding_ids(&*store, Query { tenant: Some("contoso".into()), ..q() }), ["fnd_4", "fnd_5", "fnd_1"]);
    assert_eq!(finding_ids(&*store, Query { since: Some(at(10, 3)), ..q() }), ["fnd_4", "fnd_5", "fnd_3"]);
    assert_eq!(finding_ids(&*store, Query { until: Some(at(10, 3)), ..q() }), ["fnd_1"]);
    assert_eq!(
        finding_ids(&*store, Query { status: Some(Status::Acknowledged), ..q() }),
        newest_first,
        "status is ignored"
    );
    let both = Query { identity: Some("bob@contoso.com".into()), severity: Some(Severity::High), ..q() };
    assert_eq!(finding_ids(&*store, both), ["fnd_1"]);

    let first = store.query_findings(&Query { limit: 3, ..q() }).unwrap();
    assert_eq!((first.items.len(), first.next_offset), (3, Some(3)));
    let last = store.query_findings(&Query { offset: 3, limit: 3, ..q() }).unwrap();
    assert_eq!(last.items, vec![f1], "read back whole");
    assert_eq!(last.next_offset, None);
    assert_eq!(store.finding("fnd_3").unwrap(), Some(f3));
    assert_eq!(store.finding("fnd_none").unwrap(), None);
}
