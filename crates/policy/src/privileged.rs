//! The identities a revalidation campaign looks at: every privileged (tier 0 or 1) identity
//! detection knows, with its current factors and whether a decision or approval in the
//! ledger allowed each binding.

use crate::approval::{ApprovalError, Approvals};
use crate::ledger::IdentityKey;
use crate::revalidate::{RevalFactor, RevalIdentity};
use detect::Engine;
use std::collections::BTreeMap;

/// The identities a campaign opened now covers, from detection state: each privileged
/// identity's bound factors, each marked approved when a decision or approval in force at
/// its binding allowed it; with the manager `managers` names for it (by id or login).
pub fn privileged_identities(
    engine: &Engine,
    approvals: &Approvals,
    managers: &BTreeMap<String, String>,
) -> Result<Vec<RevalIdentity>, ApprovalError> {
    let mut out = Vec::new();
    for summary in engine.identities().into_iter().filter(|s| s.tier <= 1) {
        let key = &summary.key;
        let Some(view) = engine.identity(key.provider, &key.tenant, &key.id) else { continue };
        let ledger_key = IdentityKey::new(key.provider, &key.tenant, &key.id);
        let mut factors = Vec::new();
        for f in view.factors.iter().filter(|f| f.removed_at.is_none()) {
            let kind = f.kind.as_deref().unwrap_or("unknown");
            let approved = approvals.in_force(&ledger_key, kind, f.bound_at)?.is_some();
            factors.push(RevalFactor {
                kind: kind.to_string(),
                id: Some(f.key.to_string()),
                class: f.class,
                bound_at: f.bound_at,
                approved,
            });
        }
        let manager =
            managers.get(key.id.as_str()).or_else(|| view.name.as_deref().and_then(|n| managers.get(n))).cloned();
        out.push(RevalIdentity { key: ledger_key, tier: summary.tier, manager, factors });
    }
    Ok(out)
}
