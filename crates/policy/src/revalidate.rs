//! Revalidation: privileged identities whose factors were bound without an approved
//! decision, or longer ago than the period, become campaign items that approvers attest
//! (keep) or revoke (remove). Same four-eyes rules as approvals; every verdict is audited.

use crate::approval::Reviewer;
use crate::audit::AuditRecord;
use crate::decision::Approver;
use crate::engine::new_id;
use crate::ledger::{IdentityKey, Ledger, LedgerError};
use chrono::{DateTime, Utc};
use model::FactorClass;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::time::Duration;

/// An identity as revalidation sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RevalIdentity {
    /// The identity.
    pub key: IdentityKey,
    /// Its privilege tier.
    pub tier: u8,
    /// Its manager's id, when the settings name one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manager: Option<String>,
    /// Its bound factors.
    pub factors: Vec<RevalFactor>,
}

/// A bound factor as revalidation sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RevalFactor {
    /// The factor's kind as the provider names it.
    pub kind: String,
    /// The provider's id for it, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Its class.
    #[serde(default)]
    pub class: FactorClass,
    /// When it was bound.
    pub bound_at: DateTime<Utc>,
    /// An `allow` or approved decision covered the binding (FW-012's question).
    pub approved: bool,
}

/// Why a factor is up for revalidation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemReason {
    /// No decision or approval allowed the binding.
    BoundWithoutApproval,
    /// It was bound longer ago than the revalidation period.
    OlderThanPeriod,
}

/// Where a campaign item stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemState {
    /// Waiting for an approver.
    Open,
    /// The approver confirmed the factor belongs.
    Attested,
    /// The approver wants it removed (a remediation step follows).
    Revoked,
}

/// One factor up for attestation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CampaignItem {
    /// `rvi_` and 32 random hex digits.
    pub id: String,
    /// The identity the factor is bound to.
    pub key: IdentityKey,
    /// The identity's tier.
    pub tier: u8,
    /// The factor.
    pub factor: RevalFactor,
    /// Why it is up for revalidation.
    pub reasons: Vec<ItemReason>,
    /// Who may attest or revoke it.
    pub eligible: Vec<Approver>,
    /// Where it stands.
    pub state: ItemState,
    /// Who decided it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviewer: Option<Reviewer>,
    /// Why, in the reviewer's words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub justification: Option<String>,
    /// When it was decided.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<DateTime<Utc>>,
}

/// An attestation campaign: plain data the caller stores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Campaign {
    /// `rvc_` and 32 random hex digits.
    pub id: String,
    /// When it was opened.
    pub created_at: DateTime<Utc>,
    /// The revalidation period, in seconds.
    pub period_seconds: u64,
    /// The factors up for attestation.
    pub items: Vec<CampaignItem>,
}

/// Why a campaign item cannot be decided.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RevalError {
    /// No item has this id.
    #[error("no campaign item `{0}`")]
    NotFound(String),
    /// The item was decided already.
    #[error("item `{id}` is already {state}")]
    Decided {
        /// The item.
        id: String,
        /// How it was decided.
        state: ItemState,
    },
    /// The reviewer is the identity the factor is bound to.
    #[error("`{0}` cannot review their own factors (four eyes)")]
    Target(String),
    /// The reviewer may not decide this item.
    #[error("`{0}` is not an eligible approver for this item")]
    NotEligible(String),
    /// The reviewer gave no justification.
    #[error("a justification is required")]
    NoJustification,
    /// The ledger failed.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

/// The campaign for `identities` at `now`: privileged (tier 0/1) identities' factors bound
/// without approval or more than `period` ago, most privileged and oldest first.
pub fn campaign(identities: &[RevalIdentity], period: Duration, now: DateTime<Utc>) -> Campaign {
    let period_c = chrono::Duration::from_std(period).unwrap_or(chrono::Duration::MAX);
    let mut items = Vec::new();
    for ident in identities.iter().filter(|i| i.tier <= 1) {
        for factor in &ident.factors {
            let mut reasons = Vec::new();
            if !factor.approved {
                reasons.push(ItemReason::BoundWithoutApproval);
            }
            if now - factor.bound_at > period_c {
                reasons.push(ItemReason::OlderThanPeriod);
            }
            if reasons.is_empty() {
                continue;
            }
            let mut eligible: Vec<Approver> = ident
                .manager
                .iter()
                .filter(|m| **m != ident.key.identity)
                .map(|m| Approver::Manager(m.clone()))
                .collect();
            eligible.push(Approver::Soc);
            items.push(CampaignItem {
                id: new_id("rvi"),
                key: ident.key.clone(),
                tier: ident.tier,
                factor: factor.clone(),
                reasons,
                eligible,
                state: ItemState::Open,
                reviewer: None,
                justification: None,
                decided_at: None,
            });
        }
    }
    items.sort_by(|a, b| a.tier.cmp(&b.tier).then(a.factor.bound_at.cmp(&b.factor.bound_at)));
    Campaign { id: new_id("rvc"), created_at: now, period_seconds: period.as_secs(), items }
}

impl std::fmt::Display for ItemState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ItemState::Open => "open",
            ItemState::Attested => "attested",
            ItemState::Revoked => "revoked",
        })
    }
}

impl Campaign {
    /// The items still waiting for an approver.
    pub fn open_items(&self) -> impl Iterator<Item = &CampaignItem> {
        self.items.iter().filter(|i| i.state == ItemState::Open)
    }

    /// Confirms the factor belongs.
    pub fn attest(
        &mut self,
        item: &str,
        reviewer: &Reviewer,
        justification: &str,
        now: DateTime<Utc>,
        ledger: &dyn Ledger,
    ) -> Result<&CampaignItem, RevalError> {
        self.decide(item, reviewer, justification, now, ledger, ItemState::Attested)
    }

    /// Marks the factor for removal.
    pub fn revoke(
        &mut self,
        item: &str,
        reviewer: &Reviewer,
        justification: &str,
        now: DateTime<Utc>,
        ledger: &dyn Ledger,
    ) -> Result<&CampaignItem, RevalError> {
        self.decide(item, reviewer, justification, now, ledger, ItemState::Revoked)
    }

    fn decide(
        &mut self,
        item: &str,
        reviewer: &Reviewer,
        justification: &str,
        now: DateTime<Utc>,
        ledger: &dyn Ledger,
        verdict: ItemState,
    ) -> Result<&CampaignItem, RevalError> {
        let campaign = self.id.clone();
        let entry =
            self.items.iter_mut().find(|i| i.id == item).ok_or_else(|| RevalError::NotFound(item.to_string()))?;
        let check = if entry.state != ItemState::Open {
            Err(RevalError::Decided { id: item.to_string(), state: entry.state })
        } else if reviewer.id == entry.key.identity {
            Err(RevalError::Target(reviewer.id.clone()))
        } else if !reviewer.is_eligible(&entry.eligible) {
            Err(RevalError::NotEligible(reviewer.id.clone()))
        } else if justification.trim().is_empty() {
            Err(RevalError::NoJustification)
        } else {
            Ok(())
        };
        if let Err(refusal) = check {
            ledger.append_audit(&AuditRecord::new(
                now,
                "revalidation.refused",
                item,
                Some(&reviewer.id),
                json!({ "campaign": campaign, "reason": refusal.to_string() }),
            ))?;
            return Err(refusal);
        }
        entry.state = verdict;
        entry.reviewer = Some(reviewer.clone());
        entry.justification = Some(justification.trim().to_string());
        entry.decided_at = Some(now);
        let action = if verdict == ItemState::Attested { "revalidation.attested" } else { "revalidation.revoked" };
        ledger.append_audit(&AuditRecord::new(
            now,
            action,
            item,
            Some(&reviewer.id),
            json!({
                "campaign": campaign,
                "identity": entry.key.identity,
                "factor_kind": entry.factor.kind,
                "factor_id": entry.factor.id,
                "justification": entry.justification,
            }),
        ))?;
        Ok(entry)
    }
}
