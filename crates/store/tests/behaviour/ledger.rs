//! The decision point's ledger: records stored once by id, found by identity, approvals and
//! campaigns replaced only at the version the writer read.

use crate::support::Backend;
use crate::support::fixtures::at;
use model::Provider;
use store::{CampaignRecord, LedgerRecord};

fn record(id: &str, identity: &str, minute: u32, state: &str, version: i64) -> LedgerRecord {
    LedgerRecord {
        id: id.into(),
        provider: Provider::Okta,
        tenant: "acme.okta.com".into(),
        identity: identity.into(),
        time: at(10, minute),
        state: state.into(),
        version,
        body: format!(r#"{{"id":"{id}","state":"{state}","version":{version}}}"#),
    }
}

pub fn ledger_records_are_stored_once_and_found_by_id_and_identity(db: &dyn Backend) {
    let mut store = db.store();
    assert!(store.insert_decision(&record("dec_2", "00u1", 5, "allow", 0)).unwrap());
    assert!(store.insert_decision(&record("dec_1", "00u1", 1, "deny", 0)).unwrap());
    assert!(store.insert_decision(&record("dec_3", "00u2", 2, "allow", 0)).unwrap());
    assert!(!store.insert_decision(&record("dec_1", "00u9", 9, "allow", 0)).unwrap(), "an id is stored once");
    assert_eq!(store.decision("dec_1").unwrap().unwrap(), record("dec_1", "00u1", 1, "deny", 0).body);
    assert_eq!(store.decision("dec_none").unwrap(), None);
    let bob = store.decisions_for(Provider::Okta, "acme.okta.com", "00u1").unwrap();
    assert_eq!(bob, [record("dec_1", "00u1", 1, "deny", 0).body, record("dec_2", "00u1", 5, "allow", 0).body]);
    assert!(store.decisions_for(Provider::Entra, "acme.okta.com", "00u1").unwrap().is_empty());

    assert!(store.insert_approval(&record("apr_1", "00u1", 3, "pending", 0)).unwrap());
    assert!(!store.insert_approval(&record("apr_1", "00u1", 3, "pending", 0)).unwrap());
    assert_eq!(store.approvals_for(Provider::Okta, "acme.okta.com", "00u1").unwrap().len(), 1);
    assert!(store.approvals_for(Provider::Okta, "acme.okta.com", "00u2").unwrap().is_empty());
}

pub fn an_approval_is_replaced_only_at_the_version_its_writer_read(db: &dyn Backend) {
    let mut store = db.store();
    store.insert_approval(&record("apr_1", "00u1", 3, "pending", 0)).unwrap();
    let approved = record("apr_1", "00u1", 3, "approved", 1);
    let denied = record("apr_1", "00u1", 3, "denied", 1);
    assert!(store.update_approval(&approved, 0).unwrap(), "the first writer wins");
    assert!(!store.update_approval(&denied, 0).unwrap(), "the second read version 0 too and loses");
    assert_eq!(store.approval("apr_1").unwrap().unwrap(), approved.body);
    assert!(!store.update_approval(&record("apr_none", "00u1", 3, "approved", 1), 0).unwrap());
}

pub fn approvals_list_newest_first_by_state_and_page(db: &dyn Backend) {
    let mut store = db.store();
    for (i, state) in ["pending", "approved", "pending", "pending"].iter().enumerate() {
        let minute = u32::try_from(i).unwrap();
        store.insert_approval(&record(&format!("apr_{i}"), "00u1", minute, state, 0)).unwrap();
    }
    let pending = store.list_approvals(Some("pending"), 0, 2).unwrap();
    let ids = |bodies: &[String]| bodies.iter().map(|b| b[7..12].to_string()).collect::<Vec<_>>();
    assert_eq!(ids(&pending.items), ["apr_3", "apr_2"]);
    assert_eq!(pending.next_offset, Some(2));
    let rest = store.list_approvals(Some("pending"), 2, 2).unwrap();
    assert_eq!(ids(&rest.items), ["apr_0"]);
    assert_eq!(rest.next_offset, None);
    assert_eq!(store.list_approvals(None, 0, 10).unwrap().items.len(), 4);
}

pub fn a_campaign_is_created_once_and_replaced_at_its_version(db: &dyn Backend) {
    let mut store = db.store();
    let c = |id: &str, minute: u32, version: i64| CampaignRecord {
        id: id.into(),
        time: at(9, minute),
        version,
        body: format!(r#"{{"id":"{id}","v":{version}}}"#),
    };
    assert!(store.save_campaign(&c("rvc_1", 0, 0), None).unwrap());
    assert!(!store.save_campaign(&c("rvc_1", 0, 0), None).unwrap(), "an id is created once");
    assert!(store.save_campaign(&c("rvc_1", 0, 1), Some(0)).unwrap());
    assert!(!store.save_campaign(&c("rvc_1", 0, 2), Some(0)).unwrap(), "a stale writer loses");
    assert_eq!(store.campaign("rvc_1").unwrap(), Some(c("rvc_1", 0, 1)));
    assert!(store.save_campaign(&c("rvc_2", 5, 0), None).unwrap());
    let ids: Vec<String> = store.campaigns(10).unwrap().into_iter().map(|r| r.id).collect();
    assert_eq!(ids, ["rvc_2", "rvc_1"]);
    assert_eq!(store.campaign("rvc_none").unwrap(), None);
}

pub fn a_decision_with_its_approval_and_audit_is_written_all_or_nothing(db: &dyn Backend) {
    use store::LedgerWrite;
    let mut store = db.store();
    let audit = |target: &str| store::AuditEntry {
        seq: 0,
        time: at(10, 0),
        actor: "bob".into(),
        action: "decision".into(),
        target: target.into(),
        detail: serde_json::json!({}),
    };
    let writes = [
        LedgerWrite::Decision(record("dec_1", "00u1", 1, "require_approval", 0)),
        LedgerWrite::Audit(audit("dec_1")),
        LedgerWrite::Approval(record("apr_1", "00u1", 1, "pending", 0)),
        LedgerWrite::Audit(audit("apr_1")),
    ];
    assert!(store.write_ledger(&writes).unwrap());
    assert!(store.decision("dec_1").unwrap().is_some() && store.approval("apr_1").unwrap().is_some());
    assert_eq!(store.audit_log(None, 0, 10).unwrap().items.len(), 2);

    // A batch whose approval id is taken writes none of its records.
    let clash = [
        LedgerWrite::Decision(record("dec_2", "00u1", 2, "require_approval", 0)),
        LedgerWrite::Audit(audit("dec_2")),
        LedgerWrite::Approval(record("apr_1", "00u1", 2, "pending", 0)),
    ];
    assert!(!store.write_ledger(&clash).unwrap());
    assert_eq!(store.decision("dec_2").unwrap(), None);
    assert_eq!(store.audit_log(None, 0, 10).unwrap().items.len(), 2);
}
