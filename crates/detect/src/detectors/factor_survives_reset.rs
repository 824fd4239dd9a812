//! FW-003: a password reset or session revocation on X at time R, while a factor bound to X
//! in the lookback before R is still bound at R + grace, and that factor was bound from an
//! unfamiliar device or network, by someone else, or was flagged by FW-002/004/007.
//! Critical once X authenticates with that factor afterwards.

use super::Scope;
use crate::detector::{Detector, Draft};
use crate::state::{BoundFactor, IdentityState, Survivor};
use model::{ActorRelation, Evidence, Severity};

fn suspicious(f: &BoundFactor) -> bool {
    f.unfamiliar || matches!(f.relation, ActorRelation::Delegated | ActorRelation::Service) || !f.flagged_by.is_empty()
}

/// At the reset: the keys of the bound factors to look at again after the grace period.
pub fn suspects(s: &Scope<'_>, state: &IdentityState) -> Vec<model::Text> {
    let Ok(lookback) = chrono::Duration::from_std(s.config.detectors.factor_survives_reset.lookback) else {
        return Vec::new();
    };
    let reset = s.event.time;
    state
        .bound_factors()
        .filter(|f| f.bound_at >= reset - lookback && f.bound_at <= reset && suspicious(f))
        .map(|f| f.key.clone())
        .collect()
}

/// After the grace period: the suspects still bound survived the reset.
pub fn on_check(reset: &Evidence, suspects: &[model::Text], state: &mut IdentityState, who: &str) -> Option<Draft> {
    let survivors: Vec<&BoundFactor> =
        suspects.iter().filter_map(|k| state.find_bound(k)).filter(|f| f.bound_at <= reset.time).collect();
    if survivors.is_empty() {
        return None;
    }
    let named: Vec<String> = survivors.iter().map(|f| f.describe()).collect();
    let what = if reset.category == model::Category::SessionRevoke { "session revocation" } else { "password reset" };
    let summary = format!(
        "{} factor(s) of {who} survived the {what} at {}: {}; remove them, the reset alone does not end access",
        survivors.len(),
        reset.time.format("%Y-%m-%d %H:%M UTC"),
        named.join("; ")
    );
    let mut evidence = vec![reset.clone()];
    evidence.extend(survivors.iter().map(|f| f.evidence.clone()));
    let records: Vec<Survivor> = survivors
        .iter()
        .map(|f| Survivor {
            key: f.key.clone(),
            reset: reset.clone(),
            binding: f.evidence.clone(),
            described: f.describe(),
        })
        .collect();
    state.survivors.extend(records);
    Some(Draft::new(Detector::FactorSurvivesReset, Severity::High, summary, evidence))
}

/// A later authentication with a factor that survived a reset.
pub fn on_use(s: &Scope<'_>, state: &mut IdentityState) -> Option<Draft> {
    let key = crate::state::factor_key(s.event);
    let at = state.survivors.iter().position(|v| v.key == key && v.reset.time < s.event.time)?;
    let survivor = state.survivors.remove(at);
    let summary = format!(
        "{} authenticated with {}, which survived the reset at {}: the persistence path is in use",
        s.subject_name(),
        survivor.described,
        survivor.reset.time.format("%Y-%m-%d %H:%M UTC")
    );
    let evidence = vec![survivor.reset, survivor.binding, s.evidence.clone()];
    Some(Draft::new(Detector::FactorSurvivesReset, Severity::Critical, summary, evidence))
}
