//! Tiers the logs reveal (docs/detection-contract.md §3). Most administrators were made long
//! before the first log line, so neither a role grant in the logs nor, often, an inventory
//! names them. An actor seen doing tier 0 work on other identities (resetting their factors or
//! passwords, managing roles, opening the admin console, changing sign-on policy) is tier 0 from
//! then on, and one seen issuing their credentials tier 1. Self-service never counts. The
//! evidence is kept per identity, saved with the engine, and named in findings
//! ("observed: reset factors of 4 identities"). Lists and inventory keep precedence: this only
//! answers for identities they do not know.

use crate::engine::Engine;
use crate::state::{self, IdentityKey};
use chrono::{DateTime, Utc};
use model::{ActorRelation, Category, Event, Evidence, Principal, PrincipalKind, Provider, Tag, Text};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};

/// Distinct targets remembered per kind of work: enough to say "at least" beyond it.
const MAX_TARGETS: usize = 256;
/// Evidence events remembered per kind of work (the first ones seen).
const MAX_EVIDENCE: usize = 5;

/// A kind of privileged work, in the order the finding's text names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Work {
    /// Reset all factors of another identity.
    ResetFactors,
    /// Bound, removed or replaced a factor or recovery method of another identity.
    ChangedFactors,
    /// Reset or set another identity's password.
    ResetPasswords,
    /// Granted or removed roles, groups with rights or ownership.
    ManagedRoles,
    /// Changed a tenant-wide sign-on or MFA policy.
    ChangedPolicy,
    /// Opened the provider's admin console.
    AdminConsole,
    /// Issued or rotated another identity's credentials (tier 1).
    IssuedCredentials,
    /// Added or removed owners of applications or service principals (tier 1: application
    /// administrators do it, and owners manage the app's credentials).
    ManagedAppOwners,
}

impl Work {
    fn tier(self) -> u8 {
        match self {
            Work::IssuedCredentials | Work::ManagedAppOwners => 1,
            _ => 0,
        }
    }

    /// What was seen, for people: "reset factors of 4 identities".
    fn describe(self, seen: &Seen) -> String {
        let n = seen.targets.len();
        let whom = match n {
            _ if n >= MAX_TARGETS => format!("at least {MAX_TARGETS} identities"),
            1 => "1 identity".to_string(),
            n => format!("{n} identities"),
        };
        match self {
            Work::ResetFactors => format!("reset factors of {whom}"),
            Work::ChangedFactors => format!("changed factors of {whom}"),
            Work::ResetPasswords => format!("reset passwords of {whom}"),
            Work::ManagedRoles => format!("managed roles of {whom}"),
            Work::ChangedPolicy => "changed sign-on or MFA policy".to_string(),
            Work::AdminConsole => "opened the admin console".to_string(),
            Work::IssuedCredentials => format!("issued credentials of {whom}"),
            Work::ManagedAppOwners => match n {
                _ if n >= MAX_TARGETS => format!("managed owners of at least {MAX_TARGETS} applications"),
                1 => "managed owners of 1 application".to_string(),
                n => format!("managed owners of {n} applications"),
            },
        }
    }
}

/// One kind of work seen done by one identity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Seen {
    /// When it was first seen: the tier holds from then on.
    pub first: DateTime<Utc>,
    /// The distinct identities (or objects, for roles) it was done to, at most [`MAX_TARGETS`].
    pub targets: BTreeSet<Text>,
    /// The first events that showed it.
    pub evidence: Vec<Evidence>,
}

/// The privileged work each identity was seen doing.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct ObservedTiers {
    #[serde(with = "crate::persist::sorted_pairs")]
    by: HashMap<IdentityKey, Vec<(Work, Seen)>>,
}

impl ObservedTiers {
    /// Records what `e` shows its actor (`actor_key`) doing, if it is privileged work on
    /// another identity (`target_key`, the event's subject).
    pub(crate) fn observe(&mut self, e: &Event, actor_key: Option<&IdentityKey>, target_key: Option<&IdentityKey>) {
        let Some(actor_key) = actor_key else { return };
        let Some((work, target)) = work_of(e, actor_key, target_key) else { return };
        let works = self.by.entry(actor_key.clone()).or_default();
        let i = match works.iter().position(|(w, _)| *w == work) {
            Some(i) => i,
            None => {
                works.push((work, Seen { first: e.time, targets: BTreeSet::new(), evidence: Vec::new() }));
                works.sort_by_key(|(w, _)| *w);
                works.iter().position(|(w, _)| *w == work).unwrap_or(0)
            }
        };
        let Some((_, seen)) = works.get_mut(i) else { return };
        seen.first = seen.first.min(e.time);
        let new_target = match target {
            Some(t) if seen.targets.len() < MAX_TARGETS => seen.targets.insert(t),
            _ => false,
        };
        if (new_target || seen.evidence.is_empty()) && seen.evidence.len() < MAX_EVIDENCE {
            seen.evidence.push(state::evidence(e));
        }
    }

    /// The tier the work seen so far gives `key`, and why: `(0, "observed: reset factors of
    /// 4 identities")`. None when nothing privileged was seen.
    pub(crate) fn tier(&self, key: &IdentityKey) -> Option<(u8, Text)> {
        let works = self.by.get(key)?;
        let tier = works.iter().map(|(w, _)| w.tier()).min()?;
        let what: Vec<String> =
            works.iter().filter(|(w, _)| w.tier() == tier).map(|(w, seen)| w.describe(seen)).collect();
        Some((tier, Text::from(format!("observed: {}", what.join(", ")))))
    }

    /// Everything seen for `key`, by kind of work.
    #[cfg(test)]
    pub(crate) fn seen(&self, key: &IdentityKey) -> &[(Work, Seen)] {
        self.by.get(key).map_or(&[], Vec::as_slice)
    }
}

/// The privileged work `e` shows, with the identity or object it was done to. Failed
/// attempts, the provider's own machinery and self-service show none.
fn work_of(e: &Event, actor_key: &IdentityKey, target_key: Option<&IdentityKey>) -> Option<(Work, Option<Text>)> {
    let actor = e.actor.as_ref()?;
    if e.outcome == model::Outcome::Failure
        || actor.kind == PrincipalKind::System
        || e.relation == ActorRelation::System
    {
        return None;
    }
    if e.has_tag(Tag::AdminConsole) {
        return Some((Work::AdminConsole, None));
    }
    if e.category == Category::PolicyWeaken || e.has_tag(Tag::PolicyChange) {
        return Some((Work::ChangedPolicy, None));
    }
    // Everything else must be done to someone else.
    let other = match (e.target.as_ref(), target_key) {
        (Some(target), Some(key)) if key != actor_key && !actor.same_as(target) => Some(key.id.clone()),
        _ => None,
    };
    let work = match e.category {
        Category::FactorReset => Work::ResetFactors,
        Category::FactorRemove if e.has_tag(Tag::ResetPart) => Work::ResetFactors,
        c if c.is_factor_change() || c == Category::RecoveryChange => Work::ChangedFactors,
        Category::PasswordReset => Work::ResetPasswords,
        Category::RoleGrant | Category::RoleRevoke if is_app_ownership(e) => {
            // Counted by application, which the object names (else by the new owner).
            return other.map(|t| (Work::ManagedAppOwners, Some(e.object.clone().unwrap_or(t))));
        }
        Category::RoleGrant | Category::RoleRevoke => {
            // A grant to a group or a policy names no identity: the object is what was managed.
            let object = || e.target.is_none().then(|| e.object.clone()).flatten();
            return other.or_else(object).map(|t| (Work::ManagedRoles, Some(t)));
        }
        Category::SecretIssue | Category::SecretRotate => Work::IssuedCredentials,
        _ => return None,
    };
    other.map(|t| (work, Some(t)))
}

/// An owner added to or removed from an application or service principal (Entra "Add owner
/// to application"), as opposed to a role or a tenant's ownership.
fn is_app_ownership(e: &Event) -> bool {
    let action = e.action.to_ascii_lowercase();
    action.contains("owner") && (action.contains("application") || action.contains("service principal"))
}

impl Engine {
    /// Records the privileged work `e` shows its actor doing (after the event's own detection:
    /// the tier holds from the next event on).
    pub(crate) fn observe_tier_work(&mut self, e: &Event) {
        if !self.config.tiers.observed {
            return;
        }
        let Some(actor) = e.actor.as_ref() else { return };
        let actor_key = self.key_in(e.provider, &e.tenant, actor);
        let target_key = e.target.as_ref().and_then(|t| self.key_in(e.provider, &e.tenant, t));
        self.observed.observe(e, actor_key.as_ref(), target_key.as_ref());
    }

    /// The tier the logs reveal for `who`, and why, when inference is on.
    pub(crate) fn observed_tier(&self, provider: Provider, tenant: &str, who: &Principal) -> Option<(u8, Text)> {
        if !self.config.tiers.observed {
            return None;
        }
        self.observed.tier(&self.key_in(provider, tenant, who)?)
    }

    /// The state key of a principal: its immutable id, else the id already seen with its
    /// login, else the login.
    pub(crate) fn key_in(&self, provider: Provider, tenant: &str, who: &Principal) -> Option<IdentityKey> {
        let id = match (&who.id, &who.name) {
            (Some(id), _) => id.clone(),
            (None, Some(name)) => self
                .aliases
                .get(&(provider, Text::from(tenant), Text::from(name.to_ascii_lowercase())))
                .cloned()
                .unwrap_or_else(|| name.clone()),
            (None, None) => return None,
        };
        Some(IdentityKey { provider, tenant: Text::from(tenant), id })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use model::{Principal, SourceRef};
    use std::sync::Arc;

    fn person(id: &str) -> Principal {
        Principal { id: Some(id.into()), name: Some(format!("{id}@acme.com").into()), kind: PrincipalKind::Human }
    }

    fn event(n: u32, category: Category, actor: &str, target: &str) -> Event {
        let (actor, target) = (person(actor), person(target));
        Event {
            provider: Provider::Okta,
            tenant: "acme".into(),
            id: format!("ev{n}").into(),
            time: DateTime::from_timestamp(1_700_000_000 + i64::from(n) * 60, 0).unwrap(),
            category,
            action: "x".into(),
            outcome: model::Outcome::Success,
            reason: None,
            relation: ActorRelation::between(Some(&actor), Some(&target)),
            actor: Some(actor),
            target: Some(target),
            factor: None,
            client: Default::default(),
            session: None,
            correlation: None,
            object: None,
            risk: Default::default(),
            tags: Vec::new(),
            source: SourceRef::new(Arc::from("t"), u64::from(n)),
        }
    }

    fn key(id: &str) -> IdentityKey {
        IdentityKey { provider: Provider::Okta, tenant: "acme".into(), id: id.into() }
    }

    fn feed(tiers: &mut ObservedTiers, e: &Event) {
        let actor = e.actor.as_ref().and_then(|a| a.id.as_deref()).map(key);
        let target = e.target.as_ref().and_then(|a| a.id.as_deref()).map(key);
        tiers.observe(e, actor.as_ref(), target.as_ref());
    }

    #[test]
    fn resets_of_distinct_identities_are_counted_once_each() {
        let mut tiers = ObservedTiers::default();
        for (n, who) in ["bob", "carol", "bob", "dave", "erin"].iter().enumerate() {
            feed(&mut tiers, &event(n as u32, Category::FactorReset, "admin", who));
        }
        let (tier, why) = tiers.tier(&key("admin")).unwrap();
        assert_eq!((tier, why.as_str()), (0, "observed: reset factors of 4 identities"));
        let seen = tiers.seen(&key("admin"));
        assert_eq!(seen[0].1.evidence.len(), 4, "one evidence per new target");
        assert_eq!(seen[0].1.first, event(0, Category::FactorReset, "admin", "bob").time);
    }

    #[test]
    fn self_service_and_failures_raise_nothing() {
        let mut tiers = ObservedTiers::default();
        feed(&mut tiers, &event(1, Category::FactorReset, "bob", "bob"));
        let mut failed = event(2, Category::PasswordReset, "bob", "carol");
        failed.outcome = model::Outcome::Failure;
        feed(&mut tiers, &failed);
        assert_eq!(tiers.tier(&key("bob")), None);
    }

    #[test]
    fn credentials_issued_for_others_are_tier_1_until_tier_0_work_is_seen() {
        let mut tiers = ObservedTiers::default();
        feed(&mut tiers, &event(1, Category::SecretIssue, "ops", "svc-deploy"));
        assert_eq!(tiers.tier(&key("ops")).map(|t| t.0), Some(1));
        feed(&mut tiers, &event(2, Category::PasswordReset, "ops", "carol"));
        let (tier, why) = tiers.tier(&key("ops")).unwrap();
        assert_eq!((tier, why.as_str()), (0, "observed: reset passwords of 1 identity"));
    }

    #[test]
    fn a_saved_observation_reads_back_the_same() {
        let mut tiers = ObservedTiers::default();
        feed(&mut tiers, &event(1, Category::RoleGrant, "admin", "bob"));
        let json = serde_json::to_string(&tiers).unwrap();
        let back: ObservedTiers = serde_json::from_str(&json).unwrap();
        assert_eq!(back, tiers);
    }
}
