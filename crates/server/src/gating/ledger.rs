//! The decision point's ledger on the service's store, so that decisions, approvals and
//! campaigns outlive restarts and are shared by every process on one PostgreSQL. Approval
//! updates are compare-and-swap in SQL, so two approvers racing cannot both win. Audit
//! records go to the service's audit log beside incident changes.

use crate::db::Db;
use policy::{Approval, AuditRecord, Decision, IdentityKey, Ledger, LedgerError};
use std::sync::{Arc, Mutex};
use store::{AuditEntry, LedgerRecord, LedgerWrite, Store, StoreError};

/// [`policy::Ledger`] over the service's store.
#[derive(Clone)]
pub struct StoreLedger {
    db: Db,
    /// Ledger writes take turns: SQLite has one writer, and a writer that finds the file
    /// locked sleeps whole milliseconds before it retries. Queueing here costs microseconds.
    writing: Arc<Mutex<()>>,
    /// Decisions waiting to be stored, committed together by whoever writes next.
    queued: Arc<Mutex<Vec<Queued>>>,
}

/// One request's writes and where to tell it how they went.
type Queued = (Vec<LedgerWrite>, std::sync::mpsc::SyncSender<Result<bool, String>>);

impl StoreLedger {
    pub fn new(db: Db) -> StoreLedger {
        StoreLedger { db, writing: Arc::new(Mutex::new(())), queued: Arc::new(Mutex::new(Vec::new())) }
    }

    /// Stores one request's writes, all or none (`false`: an id was taken). Group commit:
    /// requests queue their writes, and whoever holds the writer's turn stores everything
    /// queued in one transaction, so at a thousand decisions a second the store commits far
    /// fewer times than that and nobody waits behind a queue of single commits.
    pub(crate) fn write_grouped(&self, writes: Vec<LedgerWrite>) -> Result<bool, LedgerError> {
        let (told, answer) = std::sync::mpsc::sync_channel(1);
        lock(&self.queued).push((writes, told));
        let turn = lock(&self.writing);
        if let Ok(done) = answer.try_recv() {
            return done.map_err(LedgerError::Backend);
        }
        let group = std::mem::take(&mut *lock(&self.queued));
        let all: Vec<LedgerWrite> = group.iter().flat_map(|(w, _)| w.iter().cloned()).collect();
        match self.with(|s| s.write_ledger(&all)) {
            Ok(true) => {
                for (_, told) in &group {
                    let _ = told.send(Ok(true));
                }
            }
            // One request's id clash must not fail the others: each alone, then.
            failed => {
                if group.len() == 1 {
                    let _ = group[0].1.send(failed.map_err(|e| e.to_string()));
                } else {
                    for (writes, told) in &group {
                        let _ = told.send(self.with(|s| s.write_ledger(writes)).map_err(|e| e.to_string()));
                    }
                }
            }
        }
        drop(turn);
        answer
            .recv()
            .map_err(|_| LedgerError::Backend("the ledger writer went away".into()))?
            .map_err(LedgerError::Backend)
    }

    fn write<T>(&self, work: impl FnOnce(&mut dyn Store) -> Result<T, StoreError>) -> Result<T, LedgerError> {
        let _turn = lock(&self.writing);
        self.with(work)
    }

    /// Runs `work` on a store connection. The ledger's interface is synchronous (the
    /// detection worker and connector runs call it); on an async worker thread the call is
    /// moved off the scheduler so that a slow query never stalls other requests.
    fn with<T>(&self, work: impl FnOnce(&mut dyn Store) -> Result<T, StoreError>) -> Result<T, LedgerError> {
        let run = || self.db.run_blocking(work).map_err(|e| LedgerError::Backend(e.to_string()));
        match tokio::runtime::Handle::try_current() {
            Ok(handle) if handle.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
                tokio::task::block_in_place(run)
            }
            _ => run(),
        }
    }
}

fn encode<T: serde::Serialize>(value: &T) -> Result<String, LedgerError> {
    serde_json::to_string(value).map_err(|e| LedgerError::Backend(format!("cannot encode a ledger record: {e}")))
}

fn decode<T: serde::de::DeserializeOwned>(body: &str) -> Result<T, LedgerError> {
    serde_json::from_str(body).map_err(|e| LedgerError::Backend(format!("a stored ledger record is unreadable: {e}")))
}

fn decode_all<T: serde::de::DeserializeOwned>(bodies: Vec<String>) -> Result<Vec<T>, LedgerError> {
    bodies.iter().map(|b| decode(b)).collect()
}

fn version(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

fn decision_record(d: &Decision) -> Result<LedgerRecord, LedgerError> {
    Ok(LedgerRecord {
        id: d.id.clone(),
        provider: d.provider,
        tenant: d.tenant.clone(),
        identity: d.identity.clone(),
        time: d.time,
        state: d.outcome.as_str().to_string(),
        version: 0,
        body: encode(d)?,
    })
}

pub(crate) fn approval_record(a: &Approval) -> Result<LedgerRecord, LedgerError> {
    Ok(LedgerRecord {
        id: a.id.clone(),
        provider: a.key.provider,
        tenant: a.key.tenant.clone(),
        identity: a.key.identity.clone(),
        time: a.created_at,
        state: a.state.to_string(),
        version: version(a.version),
        body: encode(a)?,
    })
}

impl Ledger for StoreLedger {
    fn insert_decision(&self, decision: &Decision) -> Result<(), LedgerError> {
        let record = decision_record(decision)?;
        if self.write(move |s| s.insert_decision(&record))? {
            Ok(())
        } else {
            Err(LedgerError::Duplicate(decision.id.clone()))
        }
    }

    fn decision(&self, id: &str) -> Result<Option<Decision>, LedgerError> {
        let id = id.to_string();
        self.with(move |s| s.decision(&id))?.as_deref().map(decode).transpose()
    }

    fn decisions_for(&self, key: &IdentityKey) -> Result<Vec<Decision>, LedgerError> {
        decode_all(self.with(|s| s.decisions_for(key.provider, &key.tenant, &key.identity))?)
    }

    fn insert_approval(&self, approval: &Approval) -> Result<(), LedgerError> {
        let record = approval_record(approval)?;
        if self.write(move |s| s.insert_approval(&record))? {
            Ok(())
        } else {
            Err(LedgerError::Duplicate(approval.id.clone()))
        }
    }

    fn approval(&self, id: &str) -> Result<Option<Approval>, LedgerError> {
        let id = id.to_string();
        self.with(move |s| s.approval(&id))?.as_deref().map(decode).transpose()
    }

    fn approvals_for(&self, key: &IdentityKey) -> Result<Vec<Approval>, LedgerError> {
        decode_all(self.with(|s| s.approvals_for(key.provider, &key.tenant, &key.identity))?)
    }

    fn update_approval(&self, approval: &Approval, expected_version: u64) -> Result<bool, LedgerError> {
        let record = approval_record(approval)?;
        self.write(move |s| s.update_approval(&record, version(expected_version)))
    }

    fn append_audit(&self, record: &AuditRecord) -> Result<(), LedgerError> {
        let entry = audit_entry(record);
        self.write(move |s| s.append_audit(&entry)).map(|_| ())
    }

    fn audit_for(&self, subject: &str) -> Result<Vec<AuditRecord>, LedgerError> {
        let subject = subject.to_string();
        let page = self.with(move |s| s.audit_log(Some(&subject), 0, 10_000))?;
        // The store reads newest first; the ledger's contract is append order.
        let mut records: Vec<AuditRecord> = page
            .items
            .into_iter()
            .map(|e| {
                let actor = (e.actor != "system").then_some(e.actor);
                AuditRecord { time: e.time, action: e.action, subject: e.target, actor, detail: e.detail }
            })
            .collect();
        records.reverse();
        Ok(records)
    }
}

fn audit_entry(record: &AuditRecord) -> AuditEntry {
    AuditEntry {
        seq: 0,
        time: record.time,
        actor: record.actor.clone().unwrap_or_else(|| "system".into()),
        action: record.action.clone(),
        target: record.subject.clone(),
        detail: record.detail.clone(),
    }
}

/// The writes of one decision (the decision, the approval it opens, their audit records),
/// held until [`Batch::commit`] stores them in one transaction: one commit per request
/// instead of four. Reads go to the store.
pub struct Batch {
    ledger: StoreLedger,
    writes: Mutex<Vec<LedgerWrite>>,
}

impl Batch {
    pub fn new(ledger: StoreLedger) -> Batch {
        Batch { ledger, writes: Mutex::new(Vec::new()) }
    }

    /// Holds a notice, stored with the decision it tells of.
    pub(crate) fn notice(&self, notice: store::NoticeWrite) {
        self.push(LedgerWrite::Notice(notice));
    }

    fn push(&self, write: LedgerWrite) {
        self.writes.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).push(write);
    }

    /// Stores every held write, all or none.
    pub fn commit(&self) -> Result<(), LedgerError> {
        let writes = std::mem::take(&mut *self.writes.lock().unwrap_or_else(|poisoned| poisoned.into_inner()));
        if writes.is_empty() {
            return Ok(());
        }
        let first = match &writes[0] {
            LedgerWrite::Decision(r) | LedgerWrite::Approval(r) => r.id.clone(),
            LedgerWrite::ApprovalChange { record, .. } => record.id.clone(),
            LedgerWrite::Audit(e) => e.target.clone(),
            LedgerWrite::Notice(n) => n.notice.id.clone(),
        };
        if self.ledger.write_grouped(writes)? { Ok(()) } else { Err(LedgerError::Duplicate(first)) }
    }
}

impl Ledger for Batch {
    fn insert_decision(&self, decision: &Decision) -> Result<(), LedgerError> {
        self.push(LedgerWrite::Decision(decision_record(decision)?));
        Ok(())
    }

    fn decision(&self, id: &str) -> Result<Option<Decision>, LedgerError> {
        self.ledger.decision(id)
    }

    fn decisions_for(&self, key: &IdentityKey) -> Result<Vec<Decision>, LedgerError> {
        self.ledger.decisions_for(key)
    }

    fn insert_approval(&self, approval: &Approval) -> Result<(), LedgerError> {
        self.push(LedgerWrite::Approval(approval_record(approval)?));
        Ok(())
    }

    fn approval(&self, id: &str) -> Result<Option<Approval>, LedgerError> {
        self.ledger.approval(id)
    }

    fn approvals_for(&self, key: &IdentityKey) -> Result<Vec<Approval>, LedgerError> {
        self.ledger.approvals_for(key)
    }

    fn update_approval(&self, approval: &Approval, expected_version: u64) -> Result<bool, LedgerError> {
        self.ledger.update_approval(approval, expected_version)
    }

    fn append_audit(&self, record: &AuditRecord) -> Result<(), LedgerError> {
        self.push(LedgerWrite::Audit(audit_entry(record)));
        Ok(())
    }

    fn audit_for(&self, subject: &str) -> Result<Vec<AuditRecord>, LedgerError> {
        self.ledger.audit_for(subject)
    }
}

/// A lock whose data stays good even if a holder panicked (every change is a push or a take).
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
