//! Where decisions, approvals and the audit log live. The trait is small so that the
//! store can implement it on SQL; [`MemoryLedger`] serves tests and single-process runs.

use crate::approval::Approval;
use crate::audit::AuditRecord;
use crate::decision::Decision;
use model::Provider;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

/// An identity at a provider: what decisions and approvals are filed under.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct IdentityKey {
    /// The identity's provider.
    pub provider: Provider,
    /// Its tenant.
    pub tenant: String,
    /// Its immutable id.
    pub identity: String,
}

impl IdentityKey {
    /// The key of `identity` in `provider`'s `tenant`.
    pub fn new(provider: Provider, tenant: &str, identity: &str) -> IdentityKey {
        IdentityKey { provider, tenant: tenant.to_string(), identity: identity.to_string() }
    }

    /// The identity a decision is about.
    pub fn of(d: &Decision) -> IdentityKey {
        IdentityKey::new(d.provider, &d.tenant, &d.identity)
    }
}

/// Why the ledger could not answer or write.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LedgerError {
    /// A record with this id is already stored.
    #[error("ledger: duplicate id `{0}`")]
    Duplicate(String),
    /// The storage behind the ledger failed.
    #[error("ledger: {0}")]
    Backend(String),
}

/// Persistence of the decision point. Implementations must make `update_approval` atomic:
/// it replaces the stored approval only when its `version` is still `expected_version`,
/// so two approvers racing on one request cannot both win.
pub trait Ledger: Send + Sync {
    /// Stores a new decision.
    fn insert_decision(&self, decision: &Decision) -> Result<(), LedgerError>;
    /// One decision by id.
    fn decision(&self, id: &str) -> Result<Option<Decision>, LedgerError>;
    /// Decisions about the identity, any order.
    fn decisions_for(&self, key: &IdentityKey) -> Result<Vec<Decision>, LedgerError>;

    /// Stores a new approval.
    fn insert_approval(&self, approval: &Approval) -> Result<(), LedgerError>;
    /// One approval by id.
    fn approval(&self, id: &str) -> Result<Option<Approval>, LedgerError>;
    /// Approvals about the identity, any order.
    fn approvals_for(&self, key: &IdentityKey) -> Result<Vec<Approval>, LedgerError>;
    /// Compare-and-swap on `version`: `Ok(false)` when someone else changed it first.
    fn update_approval(&self, approval: &Approval, expected_version: u64) -> Result<bool, LedgerError>;

    /// Appends an audit record.
    fn append_audit(&self, record: &AuditRecord) -> Result<(), LedgerError>;
    /// Audit records about `subject`, in the order they were appended.
    fn audit_for(&self, subject: &str) -> Result<Vec<AuditRecord>, LedgerError>;
}

#[derive(Debug, Default)]
struct Tables {
    decisions: HashMap<String, Decision>,
    approvals: HashMap<String, Approval>,
    audit: Vec<AuditRecord>,
}

/// The ledger in memory.
#[derive(Debug, Default)]
pub struct MemoryLedger {
    tables: Mutex<Tables>,
}

impl MemoryLedger {
    /// An empty ledger.
    pub fn new() -> MemoryLedger {
        MemoryLedger::default()
    }

    fn lock(&self) -> MutexGuard<'_, Tables> {
        // A panic while holding the lock cannot leave a table half-written (every change is
        // one insert), so the data is still good.
        self.tables.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// How many decisions and approvals it holds.
    pub fn counts(&self) -> (usize, usize) {
        let t = self.lock();
        (t.decisions.len(), t.approvals.len())
    }

    /// The whole audit log, in order.
    pub fn audit(&self) -> Vec<AuditRecord> {
        self.lock().audit.clone()
    }
}

impl Ledger for MemoryLedger {
    fn insert_decision(&self, decision: &Decision) -> Result<(), LedgerError> {
        let mut t = self.lock();
        if t.decisions.contains_key(&decision.id) {
            return Err(LedgerError::Duplicate(decision.id.clone()));
        }
        t.decisions.insert(decision.id.clone(), decision.clone());
        Ok(())
    }

    fn decision(&self, id: &str) -> Result<Option<Decision>, LedgerError> {
        Ok(self.lock().decisions.get(id).cloned())
    }

    fn decisions_for(&self, key: &IdentityKey) -> Result<Vec<Decision>, LedgerError> {
        Ok(self.lock().decisions.values().filter(|d| IdentityKey::of(d) == *key).cloned().collect())
    }

    fn insert_approval(&self, approval: &Approval) -> Result<(), LedgerError> {
        let mut t = self.lock();
        if t.approvals.contains_key(&approval.id) {
            return Err(LedgerError::Duplicate(approval.id.clone()));
        }
        t.approvals.insert(approval.id.clone(), approval.clone());
        Ok(())
    }

    fn approval(&self, id: &str) -> Result<Option<Approval>, LedgerError> {
        Ok(self.lock().approvals.get(id).cloned())
    }

    fn approvals_for(&self, key: &IdentityKey) -> Result<Vec<Approval>, LedgerError> {
        Ok(self.lock().approvals.values().filter(|a| a.key == *key).cloned().collect())
    }

    fn update_approval(&self, approval: &Approval, expected_version: u64) -> Result<bool, LedgerError> {
        let mut t = self.lock();
        match t.approvals.get_mut(&approval.id) {
            Some(stored) if stored.version == expected_version => {
                *stored = approval.clone();
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    fn append_audit(&self, record: &AuditRecord) -> Result<(), LedgerError> {
        self.lock().audit.push(record.clone());
        Ok(())
    }

    fn audit_for(&self, subject: &str) -> Result<Vec<AuditRecord>, LedgerError> {
        Ok(self.lock().audit.iter().filter(|r| r.subject == subject).cloned().collect())
    }
}
