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
    pub key: IdentityKey,
    pub tier: u8,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manager: Option<String>,
    pub factors: Vec<RevalFactor>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RevalFactor {
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default)]
    pub class: FactorClass,
    pub bound_at: DateTime<Utc>,
    /// An `allow` or approved decision covered the binding (FW-012's question).
    pub approved: bool,
}

/// Why a factor is up for revalidation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemReason {
    BoundWithoutApproval,
    OlderThanPeriod,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemState {
    Open,
    /// The approver confirmed the factor belongs.
    Attested,
    /// The approver wants it removed (a remediation step follows).
    Revoked,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CampaignItem {
    /// `rvi_` and 32 random hex digits.
    pub id: String,
    pub key: IdentityKey,
    pub tier: u8,
    pub factor: RevalFactor,
    pub reasons: Vec<ItemReason>,
    pub eligible: Vec<Approver>,
    pub state: ItemState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviewer: Option<Reviewer>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub justification: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<DateTime<Utc>>,
}

/// An attestation campaign: plain data the caller stores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Campaign {
    /// `rvc_` and 32 random hex digits.
    pub id: String,
    pub created_at: DateTime<Utc>,
    pub period_seconds: u64,
    pub items: Vec<CampaignItem>,
}

#[derive(Debug, thiserror::Error)]
pub enum RevalError {
    #[error("no campaign item `{0}`")]
    NotFound(String),
    #[error("item `{id}` is already {state:?}")]
    Decided { id: String, state: ItemState },
    #[error("`{0}` cannot review their own factors (four eyes)")]
    Target(String),
    #[error("`{0}` is not an eligible approver for this item")]
    NotEligible(String),
    #[error("a justification is required")]
    NoJustification,
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

impl Campaign {
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
