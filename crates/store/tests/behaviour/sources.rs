//! What the stored events say about sources and identities: counts per source, and the
//! latest events about one identity.

use crate::support::Backend;
use crate::support::fixtures::{at, event};
use model::{Category, Event, Principal, PrincipalKind, Provider};
use store::{SourceStat, Store};

fn with_category(mut e: Event, category: Category) -> Event {
    e.category = category;
    e
}

fn about(mut e: Event, id: Option<&str>, name: Option<&str>) -> Event {
    e.target = Principal::new(id, name, PrincipalKind::Human);
    e
}

fn ids(read: &[(i64, Event)]) -> Vec<String> {
    read.iter().map(|(_, e)| e.id.to_string()).collect()
}

pub fn source_stats_count_events_per_provider_tenant_and_category(db: &dyn Backend) {
    let mut store = db.store();
    assert!(store.source_stats().unwrap().is_empty());
    let mut other_tenant = event("e4", 2);
    other_tenant.tenant = "other.okta.com".into();
    let mut entra = event("e5", 7);
    (entra.provider, entra.tenant) = (Provider::Entra, "contoso".into());
    let batch =
        [event("e2", 5), event("e1", 1), with_category(event("e3", 3), Category::SigninSuccess), other_tenant, entra];
    store.append_events(&batch).unwrap();
    let stat = |provider, tenant: &str, category: &str, events, first, last| SourceStat {
        provider,
        tenant: tenant.into(),
        category: category.into(),
        events,
        first: at(10, first),
        last: at(10, last),
    };
    let micros = chrono::Duration::microseconds(123_456);
    let expected: Vec<SourceStat> = [
        stat(Provider::Entra, "contoso", "factor_add", 1, 7, 7),
        stat(Provider::Okta, "acme.okta.com", "factor_add", 2, 1, 5),
        stat(Provider::Okta, "acme.okta.com", "signin_success", 1, 3, 3),
        stat(Provider::Okta, "other.okta.com", "factor_add", 1, 2, 2),
    ]
    .into_iter()
    .map(|s| SourceStat { first: s.first + micros, last: s.last + micros, ..s })
    .collect();
    assert_eq!(store.source_stats().unwrap(), expected);
}

/// Events about bob (`00u1`, `bob@acme.com`) and one about alice, appended out of time order.
fn bobs_history(store: &mut dyn Store) {
    let mut signin = with_category(event("e3", 3), Category::SigninSuccess);
    signin.target = None;
    signin.actor = Principal::new(Some("00u1"), Some("Bob@Acme.com"), PrincipalKind::Human);
    let mut other_tenant = event("e7", 9);
    other_tenant.tenant = "other.okta.com".into();
    store
        .append_events(&[
            event("e1", 1),
            event("e2", 5),
            signin,
            about(event("e4", 4), Some("00u2"), Some("alice@acme.com")),
            about(event("e5", 2), None, Some("BOB@acme.com")),
            event("e6", 5),
            other_tenant,
        ])
        .unwrap();
}

pub fn identity_events_find_the_subject_by_id_or_login_newest_first(db: &dyn Backend) {
    let mut store = db.store();
    bobs_history(store.as_mut());
    let okta = Provider::Okta;
    let acme = "acme.okta.com";
    // e6 and e2 share a time: the later stored comes first.
    assert_eq!(ids(&store.identity_events(okta, acme, "00u1", &[], 10).unwrap()), ["e6", "e2", "e3", "e1"]);
    let by_login = store.identity_events(okta, acme, "Bob@ACME.com", &[], 10).unwrap();
    assert_eq!(ids(&by_login), ["e6", "e2", "e3", "e5", "e1"], "the login matches whatever its case");
    assert_eq!(ids(&store.identity_events(okta, acme, "00u1", &[], 2).unwrap()), ["e6", "e2"]);
    assert_eq!(ids(&store.identity_events(okta, acme, "00u2", &[], 10).unwrap()), ["e4"]);
    assert_eq!(ids(&store.identity_events(okta, acme, "alice@acme.com", &[], 10).unwrap()), ["e4"]);
    assert!(store.identity_events(okta, acme, "nobody", &[], 10).unwrap().is_empty());
    let (seq, read) = &by_login[0];
    assert_eq!((*seq, read), (store.last_event_seq().unwrap() - 1, &event("e6", 5)), "with its sequence number");
}

pub fn identity_events_keep_to_their_categories_provider_and_tenant(db: &dyn Backend) {
    let mut store = db.store();
    bobs_history(store.as_mut());
    let (okta, acme) = (Provider::Okta, "acme.okta.com");
    assert_eq!(ids(&store.identity_events(okta, acme, "00u1", &["signin_success"], 10).unwrap()), ["e3"]);
    let both = store.identity_events(okta, acme, "00u1", &["signin_success", "factor_add"], 10).unwrap();
    assert_eq!(ids(&both), ["e6", "e2", "e3", "e1"]);
    assert!(store.identity_events(okta, acme, "00u1", &["mfa_deny"], 10).unwrap().is_empty());
    assert_eq!(ids(&store.identity_events(okta, "other.okta.com", "00u1", &[], 10).unwrap()), ["e7"]);
    assert!(store.identity_events(Provider::Entra, acme, "00u1", &[], 10).unwrap().is_empty());
}

pub fn identity_events_around_a_time_read_both_sides_oldest_first(db: &dyn Backend) {
    let mut store = db.store();
    bobs_history(store.as_mut());
    let (okta, acme) = (Provider::Okta, "acme.okta.com");
    let at = event("e3", 3).time;
    // e3 is at the time itself (counted before); e2 and e6 share a later time, e2 stored first.
    assert_eq!(ids(&store.identity_events_around(okta, acme, "00u1", &[], at, 1).unwrap()), ["e3", "e2"]);
    assert_eq!(ids(&store.identity_events_around(okta, acme, "00u1", &[], at, 10).unwrap()), ["e1", "e3", "e2", "e6"]);
    let signins = store.identity_events_around(okta, acme, "00u1", &["signin_success"], at, 10).unwrap();
    assert_eq!(ids(&signins), ["e3"]);
    let later = event("e9", 59).time;
    assert_eq!(ids(&store.identity_events_around(okta, acme, "00u1", &[], later, 2).unwrap()), ["e2", "e6"]);
    assert!(store.identity_events_around(okta, "other.okta.com", "00u2", &[], at, 10).unwrap().is_empty());
}
