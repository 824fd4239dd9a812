//! Decision point notices: written with the ledger change they tell of, all or nothing,
//! each queued as one delivery per sink it names, beside finding deliveries.

use crate::support::Backend;
use crate::support::fixtures::{at, finding};
use model::Provider;
use store::{DeliveryKind, DeliveryState, Detections, LedgerRecord, LedgerWrite, Notice, NoticeWrite};

fn approval(version: i64, state: &str) -> LedgerRecord {
    LedgerRecord {
        id: "apr_1".into(),
        provider: Provider::Okta,
        tenant: "acme.okta.com".into(),
        identity: "00u1".into(),
        time: at(10, 0),
        state: state.into(),
        version,
        body: format!(r#"{{"state":"{state}","version":{version}}}"#),
    }
}

fn notice(id: &str, sinks: &[&str]) -> LedgerWrite {
    LedgerWrite::Notice(NoticeWrite {
        notice: Notice {
            id: id.into(),
            kind: "approval_needed".into(),
            recipient: "subject".into(),
            not_via: Some("sms".into()),
            time: at(10, 0),
            body: format!(r#"{{"id":"{id}","not_via":"sms"}}"#),
        },
        sinks: sinks.iter().map(|s| s.to_string()).collect(),
    })
}

pub fn a_notice_is_stored_with_its_approval_and_queued_for_the_sinks_it_names(db: &dyn Backend) {
    let mut store = db.store();
    let findings = [finding(1, "inc_a", "one")];
    let sinks = ["hook".to_string()];
    store.apply_detections(&Detections { findings: &findings, sinks: &sinks, ..Detections::default() }).unwrap();
    let writes = [LedgerWrite::Approval(approval(0, "pending")), notice("ntc_1", &["hook", "mail"])];
    assert!(store.write_ledger(&writes).unwrap());

    let hook = store.deliveries("hook", DeliveryState::Pending, 10).unwrap();
    let kinds: Vec<(DeliveryKind, &str)> = hook.iter().map(|d| (d.kind, d.finding.as_str())).collect();
    assert_eq!(kinds, [(DeliveryKind::Finding, findings[0].id.as_str()), (DeliveryKind::Notice, "ntc_1")]);
    let mail = store.deliveries("mail", DeliveryState::Pending, 10).unwrap();
    assert_eq!((mail.len(), mail[0].kind), (1, DeliveryKind::Notice));
    assert!(store.deliveries("pager", DeliveryState::Pending, 10).unwrap().is_empty(), "only the sinks named");

    let stored = store.notice("ntc_1").unwrap().unwrap();
    assert_eq!(
        (stored.kind.as_str(), stored.not_via.as_deref(), stored.time),
        ("approval_needed", Some("sms"), at(10, 0))
    );
    assert_eq!(store.notice("ntc_none").unwrap(), None);
    // A notice delivered is recorded like a finding.
    store.record_attempt(mail[0].id, Ok(())).unwrap();
    assert_eq!(store.deliveries("mail", DeliveryState::Delivered, 10).unwrap().len(), 1);
}

pub fn a_notice_and_its_approval_change_are_written_all_or_nothing(db: &dyn Backend) {
    let mut store = db.store();
    assert!(store.write_ledger(&[LedgerWrite::Approval(approval(0, "pending"))]).unwrap());
    let approve = |expected_version: i64, id: &str| {
        [LedgerWrite::ApprovalChange { record: approval(1, "approved"), expected_version }, notice(id, &["hook"])]
    };
    // The version moved: neither the change nor its notice is written.
    assert!(!store.write_ledger(&approve(7, "ntc_late")).unwrap());
    assert_eq!(store.notice("ntc_late").unwrap(), None);
    assert!(store.deliveries("hook", DeliveryState::Pending, 10).unwrap().is_empty());

    assert!(store.write_ledger(&approve(0, "ntc_ok")).unwrap());
    assert!(store.approval("apr_1").unwrap().unwrap().contains("approved"));
    assert_eq!(store.deliveries("hook", DeliveryState::Pending, 10).unwrap().len(), 1);
    // The same notice again (a retried write) is refused and changes nothing.
    assert!(!store.write_ledger(&[notice("ntc_ok", &["hook"])]).unwrap());
    assert_eq!(store.deliveries("hook", DeliveryState::Pending, 10).unwrap().len(), 1);
}
