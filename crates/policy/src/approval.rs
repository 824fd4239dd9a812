//! Four-eyes approvals: a `require_approval` decision becomes a pending approval that one
//! eligible person — never the requester, never the target — approves or denies with a
//! justification before it expires. An approved enrollment is single-use: the enrollment
//! it allowed consumes it. Remediation approvals authorize connector calls on one identity
//! until they expire. Every step, refusals included, goes to the audit log.

use crate::audit::AuditRecord;
use crate::decision::{Approver, Decision, Outcome};
use crate::engine::new_id;
use crate::ledger::{IdentityKey, Ledger, LedgerError};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// What an approval is for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Purpose {
    /// Binding a factor of this kind, as decided by the decision.
    Enrollment {
        /// The decision that asked for approval.
        decision_id: String,
        /// The factor's kind.
        factor_kind: String,
    },
    /// Executing remediation steps through a connector.
    Remediation {
        /// What is to be remediated, in words.
        what: String,
    },
}

/// Where an approval stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalState {
    /// Waiting for a reviewer.
    Pending,
    /// Given; in force until it expires or is used.
    Approved,
    /// Refused.
    Denied,
    /// Its time ran out.
    Expired,
    /// Used by the enrollment it allowed.
    Consumed,
}

impl fmt::Display for ApprovalState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ApprovalState::Pending => "pending",
            ApprovalState::Approved => "approved",
            ApprovalState::Denied => "denied",
            ApprovalState::Expired => "expired",
            ApprovalState::Consumed => "consumed",
        })
    }
}

/// The role a reviewer acts in, as the server authenticated it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The security operations team.
    Soc,
    /// A manager, eligible where named.
    Manager,
    /// Anyone else.
    Other,
}

/// Who approves or denies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reviewer {
    /// The reviewer's name or id.
    pub id: String,
    /// The role they act in.
    pub role: Role,
}

impl Reviewer {
    /// A reviewer `id` acting as `role`.
    pub fn new(id: &str, role: Role) -> Reviewer {
        Reviewer { id: id.to_string(), role }
    }

    /// Whether the reviewer is one of `eligible`: the named manager, or anyone in the SOC.
    pub fn is_eligible(&self, eligible: &[Approver]) -> bool {
        eligible.iter().any(|a| match a {
            Approver::Manager(id) => *id == self.id,
            Approver::Soc => self.role == Role::Soc,
        })
    }
}

/// A request for four-eyes approval and where it stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Approval {
    /// `apr_` and 32 random hex digits.
    pub id: String,
    /// The identity the change is about.
    pub key: IdentityKey,
    /// What it is for.
    pub purpose: Purpose,
    /// Who asked for the change (the decision's actor).
    pub requester: String,
    /// Who may decide it.
    pub eligible: Vec<Approver>,
    /// Why approval is needed, for the reviewer to read.
    pub reasons: Vec<String>,
    /// The AAL the binding's session must have.
    pub required_aal: u8,
    /// When it was requested.
    pub created_at: DateTime<Utc>,
    /// Pending: until when it may be decided. Approved: until when it may be used.
    pub expires_at: DateTime<Utc>,
    /// Where it stands (as stored; see [`Approval::state_at`]).
    pub state: ApprovalState,
    /// Who decided it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviewer: Option<Reviewer>,
    /// Why, in the reviewer's words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub justification: Option<String>,
    /// When it was decided.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<DateTime<Utc>>,
    /// When the enrollment it allowed used it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consumed_at: Option<DateTime<Utc>>,
    /// Bumped on every change; the ledger swaps on it.
    pub version: u64,
}

impl Approval {
    /// The state at `now`, with expiry applied.
    pub fn state_at(&self, now: DateTime<Utc>) -> ApprovalState {
        match self.state {
            ApprovalState::Pending | ApprovalState::Approved if now > self.expires_at => ApprovalState::Expired,
            s => s,
        }
    }

    fn factor_kind(&self) -> Option<&str> {
        match &self.purpose {
            Purpose::Enrollment { factor_kind, .. } => Some(factor_kind),
            Purpose::Remediation { .. } => None,
        }
    }

    /// Whether this approval let an enrollment of `kind` happen at `at`: approved before
    /// `at`, not expired at `at`, and not used by an earlier enrollment.
    pub fn covers(&self, kind: &str, at: DateTime<Utc>) -> bool {
        let approved = match self.state {
            ApprovalState::Approved => true,
            ApprovalState::Consumed => self.consumed_at.is_some_and(|c| c >= at),
            _ => false,
        };
        approved
            && self.factor_kind().is_some_and(|k| k.eq_ignore_ascii_case(kind))
            && self.decided_at.is_some_and(|d| d <= at)
            && at <= self.expires_at
    }
}

/// A reviewer's answer to a pending approval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Let the change happen.
    Approve,
    /// Refuse it.
    Deny,
}

/// What let an enrollment happen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Grant {
    /// An `allow` decision, by id.
    Decision(String),
    /// An approval, by id.
    Approval(String),
}

/// Why an approval step was refused or failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ApprovalError {
    /// No approval has this id.
    #[error("no approval `{0}`")]
    NotFound(String),
    /// The decision needs no approval.
    #[error("decision `{0}` does not require approval")]
    NotRequired(String),
    /// The reviewer asked for the change (four eyes).
    #[error("`{0}` asked for the change and cannot review it (four eyes)")]
    Requester(String),
    /// The reviewer is the identity the change is about (four eyes).
    #[error("`{0}` is the identity the change is about and cannot review it (four eyes)")]
    Target(String),
    /// The reviewer may not decide this approval.
    #[error("`{reviewer}` is not an eligible approver (eligible: {eligible})")]
    NotEligible {
        /// The reviewer.
        reviewer: String,
        /// Who may, in words.
        eligible: String,
    },
    /// The approval's time ran out.
    #[error("approval `{id}` expired at {at}")]
    Expired {
        /// The approval.
        id: String,
        /// When it expired.
        at: DateTime<Utc>,
    },
    /// The approval was decided already.
    #[error("approval `{id}` is {state}, not pending")]
    NotPending {
        /// The approval.
        id: String,
        /// Where it stands.
        state: ApprovalState,
    },
    /// The reviewer gave no justification.
    #[error("a justification is required")]
    NoJustification,
    /// Someone changed the approval meanwhile.
    #[error("approval `{0}` changed meanwhile; read it again")]
    Conflict(String),
    /// The approval is for something else.
    #[error("approval `{id}` does not authorize {what}")]
    WrongPurpose {
        /// The approval.
        id: String,
        /// What was asked of it.
        what: String,
    },
    /// The approval is not in force.
    #[error("approval `{id}` is {state}: it authorizes nothing")]
    NotApproved {
        /// The approval.
        id: String,
        /// Where it stands.
        state: ApprovalState,
    },
    /// The ledger failed.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

/// The approval workflow over a ledger.
#[derive(Clone)]
pub struct Approvals {
    ledger: Arc<dyn Ledger>,
    ttl: Duration,
}

impl fmt::Debug for Approvals {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Approvals").field("ttl", &self.ttl).finish_non_exhaustive()
    }
}

impl Approvals {
    /// `ttl`: how long an approval lasts (the decision point's `approval_ttl`).
    pub fn new(ledger: Arc<dyn Ledger>, ttl: Duration) -> Approvals {
        Approvals { ledger, ttl }
    }

    /// The ledger approvals are kept in.
    pub fn ledger(&self) -> &Arc<dyn Ledger> {
        &self.ledger
    }

    fn ttl(&self) -> chrono::Duration {
        chrono::Duration::from_std(self.ttl).unwrap_or(chrono::Duration::minutes(15))
    }

    fn audit(
        &self,
        time: DateTime<Utc>,
        action: &str,
        subject: &str,
        actor: Option<&str>,
        detail: serde_json::Value,
    ) -> Result<(), LedgerError> {
        self.ledger.append_audit(&AuditRecord::new(time, action, subject, actor, detail))
    }

    /// Files a decision; a `require_approval` one opens a pending approval, returned.
    pub fn record(&self, decision: &Decision) -> Result<Option<Approval>, ApprovalError> {
        self.ledger.insert_decision(decision)?;
        self.audit(
            decision.time,
            "decision",
            &decision.id,
            Some(&decision.actor),
            json!({
                "outcome": decision.outcome,
                "identity": decision.identity,
                "factor_kind": decision.factor_kind,
                "rules": decision.reasons.iter().map(|r| &r.rule).collect::<Vec<_>>(),
            }),
        )?;
        if decision.outcome != Outcome::RequireApproval {
            return Ok(None);
        }
        let approval = Approval {
            id: new_id("apr"),
            key: IdentityKey::of(decision),
            purpose: Purpose::Enrollment {
                decision_id: decision.id.clone(),
                factor_kind: decision.factor_kind.clone(),
            },
            requester: decision.actor.clone(),
            eligible: decision.approvers.clone(),
            reasons: decision.reasons.iter().map(|r| format!("{}: {}", r.rule, r.text)).collect(),
            required_aal: decision.required_aal,
            created_at: decision.time,
            expires_at: decision.time + self.ttl(),
            state: ApprovalState::Pending,
            reviewer: None,
            justification: None,
            decided_at: None,
            consumed_at: None,
            version: 0,
        };
        self.open(approval).map(Some)
    }

    /// Asks for approval to run remediation on `key`; the SOC approves.
    pub fn request_remediation(
        &self,
        key: IdentityKey,
        requester: &str,
        what: &str,
        now: DateTime<Utc>,
    ) -> Result<Approval, ApprovalError> {
        let approval = Approval {
            id: new_id("apr"),
            key,
            purpose: Purpose::Remediation { what: what.to_string() },
            requester: requester.to_string(),
            eligible: vec![Approver::Soc],
            reasons: vec![what.to_string()],
            required_aal: 0,
            created_at: now,
            expires_at: now + self.ttl(),
            state: ApprovalState::Pending,
            reviewer: None,
            justification: None,
            decided_at: None,
            consumed_at: None,
            version: 0,
        };
        self.open(approval)
    }

    fn open(&self, approval: Approval) -> Result<Approval, ApprovalError> {
        self.ledger.insert_approval(&approval)?;
        self.audit(
            approval.created_at,
            "approval.requested",
            &approval.id,
            Some(&approval.requester),
            json!({
                "identity": approval.key.identity,
                "purpose": approval.purpose,
                "eligible": approval.eligible,
                "expires_at": approval.expires_at,
            }),
        )?;
        Ok(approval)
    }

    /// One approval by id.
    pub fn get(&self, id: &str) -> Result<Approval, ApprovalError> {
        self.ledger.approval(id)?.ok_or_else(|| ApprovalError::NotFound(id.to_string()))
    }

    /// Approves a pending approval; it then lasts `ttl` from now.
    pub fn approve(
        &self,
        id: &str,
        reviewer: &Reviewer,
        justification: &str,
        now: DateTime<Utc>,
    ) -> Result<Approval, ApprovalError> {
        self.decide(id, reviewer, Verdict::Approve, justification, now, |_| None)
    }

    /// Denies a pending approval.
    pub fn deny(
        &self,
        id: &str,
        reviewer: &Reviewer,
        justification: &str,
        now: DateTime<Utc>,
    ) -> Result<Approval, ApprovalError> {
        self.decide(id, reviewer, Verdict::Deny, justification, now, |_| None)
    }

    /// Approves or denies a pending approval as `reviewer`, four eyes checked: neither the
    /// requester nor the identity the change is about may review it, the identity known by
    /// its immutable id or by the login `login_of` gives for it (approvals are filed under
    /// the id; a reviewer may be named with the login). Refusals are audited.
    pub fn decide(
        &self,
        id: &str,
        reviewer: &Reviewer,
        verdict: Verdict,
        justification: &str,
        now: DateTime<Utc>,
        login_of: impl Fn(&IdentityKey) -> Option<String>,
    ) -> Result<Approval, ApprovalError> {
        let verdict = match verdict {
            Verdict::Approve => ApprovalState::Approved,
            Verdict::Deny => ApprovalState::Denied,
        };
        let current = self.get(id)?;
        if let Err(refusal) = self.check_review(&current, reviewer, justification, now, &login_of) {
            self.audit(
                now,
                "approval.refused",
                id,
                Some(&reviewer.id),
                json!({ "verdict": verdict, "role": reviewer.role, "reason": refusal.to_string() }),
            )?;
            return Err(refusal);
        }
        let mut next = current.clone();
        next.state = verdict;
        next.reviewer = Some(reviewer.clone());
        next.justification = Some(justification.trim().to_string());
        next.decided_at = Some(now);
        if verdict == ApprovalState::Approved {
            next.expires_at = now + self.ttl();
        }
        next.version = current.version + 1;
        if !self.ledger.update_approval(&next, current.version)? {
            return Err(ApprovalError::Conflict(id.to_string()));
        }
        let action = if verdict == ApprovalState::Approved { "approval.approved" } else { "approval.denied" };
        self.audit(
            now,
            action,
            id,
            Some(&reviewer.id),
            json!({ "role": reviewer.role, "justification": next.justification, "expires_at": next.expires_at }),
        )?;
        Ok(next)
    }

    fn check_review(
        &self,
        approval: &Approval,
        reviewer: &Reviewer,
        justification: &str,
        now: DateTime<Utc>,
        login_of: &dyn Fn(&IdentityKey) -> Option<String>,
    ) -> Result<(), ApprovalError> {
        match approval.state_at(now) {
            ApprovalState::Pending => {}
            ApprovalState::Expired => {
                self.expire(approval, now)?;
                return Err(ApprovalError::Expired { id: approval.id.clone(), at: approval.expires_at });
            }
            state => return Err(ApprovalError::NotPending { id: approval.id.clone(), state }),
        }
        if reviewer.id == approval.requester {
            return Err(ApprovalError::Requester(reviewer.id.clone()));
        }
        let by_login = || login_of(&approval.key).is_some_and(|login| login.eq_ignore_ascii_case(&reviewer.id));
        if reviewer.id == approval.key.identity || by_login() {
            return Err(ApprovalError::Target(reviewer.id.clone()));
        }
        if !reviewer.is_eligible(&approval.eligible) {
            let eligible = approval.eligible.iter().map(|a| a.to_string()).collect::<Vec<_>>().join(", ");
            return Err(ApprovalError::NotEligible { reviewer: reviewer.id.clone(), eligible });
        }
        if justification.trim().is_empty() {
            return Err(ApprovalError::NoJustification);
        }
        Ok(())
    }

    /// Writes down that a pending approval expired (once).
    fn expire(&self, approval: &Approval, now: DateTime<Utc>) -> Result<(), ApprovalError> {
        if approval.state != ApprovalState::Pending {
            return Ok(());
        }
        let mut next = approval.clone();
        next.state = ApprovalState::Expired;
        next.version += 1;
        if self.ledger.update_approval(&next, approval.version)? {
            self.audit(now, "approval.expired", &approval.id, None, json!({ "expired_at": approval.expires_at }))?;
        }
        Ok(())
    }

    /// Marks every pending approval of `key` past its time as expired; returns how many.
    pub fn expire_due(&self, key: &IdentityKey, now: DateTime<Utc>) -> Result<usize, ApprovalError> {
        let mut n = 0;
        for a in self.ledger.approvals_for(key)? {
            if a.state == ApprovalState::Pending && a.state_at(now) == ApprovalState::Expired {
                self.expire(&a, now)?;
                n += 1;
            }
        }
        Ok(n)
    }

    /// What allowed an enrollment of `factor_kind` on `key` at `at`, if anything: an
    /// approval that covers it, else an `allow` decision in force. FW-012 asks this.
    pub fn in_force(
        &self,
        key: &IdentityKey,
        factor_kind: &str,
        at: DateTime<Utc>,
    ) -> Result<Option<Grant>, ApprovalError> {
        let mut approvals: Vec<Approval> =
            self.ledger.approvals_for(key)?.into_iter().filter(|a| a.covers(factor_kind, at)).collect();
        approvals.sort_by_key(|a| a.expires_at);
        if let Some(a) = approvals.first() {
            return Ok(Some(Grant::Approval(a.id.clone())));
        }
        Ok(self.allow_in_force(key, factor_kind, at)?.map(Grant::Decision))
    }

    fn allow_in_force(&self, key: &IdentityKey, kind: &str, at: DateTime<Utc>) -> Result<Option<String>, LedgerError> {
        let mut ds: Vec<Decision> = self
            .ledger
            .decisions_for(key)?
            .into_iter()
            .filter(|d| {
                d.outcome == Outcome::Allow
                    && d.factor_kind.eq_ignore_ascii_case(kind)
                    && d.time <= at
                    && at <= d.valid_until
            })
            .collect();
        ds.sort_by_key(|d| d.time);
        Ok(ds.last().map(|d| d.id.clone()))
    }

    /// The enrollment of `factor_kind` on `key` happened at `at`: uses up the approval that
    /// allowed it (single use) and returns what allowed it, or `None` when nothing did.
    pub fn consume(
        &self,
        key: &IdentityKey,
        factor_kind: &str,
        at: DateTime<Utc>,
    ) -> Result<Option<Grant>, ApprovalError> {
        let mut open: Vec<Approval> = self
            .ledger
            .approvals_for(key)?
            .into_iter()
            .filter(|a| a.state == ApprovalState::Approved && a.covers(factor_kind, at))
            .collect();
        open.sort_by_key(|a| a.expires_at);
        for a in open {
            let mut next = a.clone();
            next.state = ApprovalState::Consumed;
            next.consumed_at = Some(at);
            next.version += 1;
            if self.ledger.update_approval(&next, a.version)? {
                self.audit(at, "approval.consumed", &a.id, None, json!({ "factor_kind": factor_kind }))?;
                return Ok(Some(Grant::Approval(a.id)));
            }
        }
        Ok(self.allow_in_force(key, factor_kind, at)?.map(Grant::Decision))
    }

    /// Checks that approval `id` lets remediation run on `key` at `now`.
    pub fn authorize_remediation(
        &self,
        id: &str,
        key: &IdentityKey,
        now: DateTime<Utc>,
    ) -> Result<Approval, ApprovalError> {
        let approval = self.get(id)?;
        if !matches!(approval.purpose, Purpose::Remediation { .. }) || approval.key != *key {
            return Err(ApprovalError::WrongPurpose {
                id: id.to_string(),
                what: format!("remediation on `{}`", key.identity),
            });
        }
        match approval.state_at(now) {
            ApprovalState::Approved => Ok(approval),
            ApprovalState::Expired => Err(ApprovalError::Expired { id: id.to_string(), at: approval.expires_at }),
            state => Err(ApprovalError::NotApproved { id: id.to_string(), state }),
        }
    }

    /// Pending approvals of `key` at `now`, oldest first.
    pub fn pending(&self, key: &IdentityKey, now: DateTime<Utc>) -> Result<Vec<Approval>, ApprovalError> {
        let mut out: Vec<Approval> =
            self.ledger.approvals_for(key)?.into_iter().filter(|a| a.state_at(now) == ApprovalState::Pending).collect();
        out.sort_by_key(|a| a.created_at);
        Ok(out)
    }
}
