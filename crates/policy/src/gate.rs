//! The decision point's ledger as detection's enrollment gate (FW-012): an enrollment that
//! detection sees in the logs uses up the approval that allowed it.

use crate::approval::{Approvals, Grant};
use crate::ledger::IdentityKey;
use chrono::{DateTime, Utc};
use std::sync::atomic::{AtomicU64, Ordering};

/// [`detect::EnrollmentGate`] over [`Approvals`]: `admit` consumes the approval that allowed
/// the enrollment (single use), else names the `allow` decision in force, else answers
/// `None` and detection reports FW-012.
///
/// Decisions and approvals are looked up under (provider, tenant, identity) exactly as
/// detection passes them: the subject's immutable id, the id the decision point's API caller
/// gives (see [`detect::EnrollmentGate`]).
///
/// A ledger that fails to answer counts as "nothing allowed it": the enrollment is reported
/// (an alert too many beats a silent miss). Such failures are counted ([`LedgerGate::errors`])
/// and logged at `warn`.
#[derive(Debug)]
pub struct LedgerGate {
    approvals: Approvals,
    errors: AtomicU64,
}

impl LedgerGate {
    /// A gate over the approvals' ledger.
    pub fn new(approvals: Approvals) -> LedgerGate {
        LedgerGate { approvals, errors: AtomicU64::new(0) }
    }

    /// The approvals it asks.
    pub fn approvals(&self) -> &Approvals {
        &self.approvals
    }

    /// How many questions the ledger failed to answer (each reported as unapproved).
    pub fn errors(&self) -> u64 {
        self.errors.load(Ordering::Relaxed)
    }
}

fn id(grant: Grant) -> String {
    match grant {
        Grant::Decision(id) | Grant::Approval(id) => id,
    }
}

impl detect::EnrollmentGate for LedgerGate {
    fn admit(
        &self,
        provider: model::Provider,
        tenant: &str,
        identity: &str,
        factor_kind: &str,
        at: DateTime<Utc>,
    ) -> Option<String> {
        let key = IdentityKey::new(provider, tenant, identity);
        // `consume` skips approvals already used; asking `in_force` next admits the
        // enrollment that used one (consumed at or after `at`), so replaying events after
        // a crash gives the same answer.
        let answer = self.approvals.consume(&key, factor_kind, at).and_then(|grant| match grant {
            Some(grant) => Ok(Some(grant)),
            None => self.approvals.in_force(&key, factor_kind, at),
        });
        match answer {
            Ok(grant) => grant.map(id),
            Err(e) => {
                self.errors.fetch_add(1, Ordering::Relaxed);
                tracing::warn!(%provider, tenant, identity, factor_kind, %at, error = %e,
                    "enrollment gate: the ledger did not answer; reporting the enrollment as unapproved");
                None
            }
        }
    }
}
