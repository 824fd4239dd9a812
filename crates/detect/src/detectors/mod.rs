//! One file per detector (docs/detection-contract.md §2, §5). Each reads the event and the identity state as
//! it was before the event, and returns drafts; the engine updates state afterwards.

pub mod blind_spot;
pub mod delegated_factor_change;
pub mod enroll_after_risky_signin;
pub mod enroll_then_credential_issue;
pub mod factor_survives_reset;
pub mod impossible_travel;
pub mod mass_enrollment;
pub mod mfa_fatigue;
pub mod mfa_weakened;
pub mod privileged_factor_change;
pub mod recovery_then_reset;
pub mod unapproved_enrollment;

use crate::config::{Config, Lists};
use model::{Event, Evidence, FindingActor, Principal, PrincipalKind};

/// What every detector is given with the event.
pub struct Scope<'a> {
    pub config: &'a Config,
    pub lists: &'a Lists,
    /// Shared egress learned so far.
    pub egress: &'a crate::egress::Egress,
    pub event: &'a Event,
    /// The tier of the identity the event is about.
    pub tier: u8,
    /// Why it has that tier, when the logs revealed it ("observed: reset factors of 4 identities").
    pub tier_basis: Option<&'a str>,
    pub evidence: &'a Evidence,
}

impl Scope<'_> {
    /// Whether the event comes through a network where travel and new countries mean
    /// nothing: the provider's trusted zone, `vpn_egress`, or learned egress.
    pub fn trusted_network(&self) -> bool {
        let client = &self.event.client;
        client.trusted_network
            || self.lists.is_vpn(client.ip)
            || self.egress.is_egress(&self.config.networks.learned_egress, client.ip, client.asn)
    }

    pub fn privileged(&self) -> bool {
        self.tier <= 1
    }

    pub fn subject_name(&self) -> String {
        name_of(self.event.subject())
    }

    /// "tier 0 identity alice", with why the tier when the logs revealed it:
    /// "tier 0 identity alice (observed: reset factors of 4 identities)".
    pub fn tiered_subject(&self) -> String {
        match self.tier_basis {
            Some(why) => format!("tier {} identity {} ({why})", self.tier, self.subject_name()),
            None => format!("tier {} identity {}", self.tier, self.subject_name()),
        }
    }

    pub fn actor(&self) -> Option<FindingActor> {
        let a = self.event.actor.as_ref()?;
        Some(FindingActor { provider: self.event.provider, id: a.id.clone(), name: a.name.clone(), kind: a.kind })
    }

    pub fn actor_name(&self) -> String {
        name_of(self.event.actor.as_ref())
    }

    /// Who made the change, as the end of a summary: nothing for self-service,
    /// " by the provider itself", or " by <actor>".
    pub fn by_whom(&self) -> String {
        match self.event.relation {
            model::ActorRelation::SelfService => String::new(),
            model::ActorRelation::System => " by the provider itself".to_string(),
            _ => format!(" by {}", self.actor_name()),
        }
    }

    pub fn is_agent(&self, who: Option<&Principal>) -> bool {
        who.is_some_and(|p| self.lists.is_agent(self.event.provider, &self.event.tenant, p))
    }

    /// Whether the actor is a person (or could be one).
    pub fn human_actor(&self) -> bool {
        self.event.actor.as_ref().is_some_and(|a| matches!(a.kind, PrincipalKind::Human | PrincipalKind::Unknown))
    }
}

pub fn name_of(who: Option<&Principal>) -> String {
    who.and_then(|p| p.name.as_deref().or(p.id.as_deref())).unwrap_or("unknown identity").to_string()
}

/// "push factor (app)" or "factor".
pub fn factor_words(event: &Event) -> String {
    match &event.factor {
        Some(f) => match &f.kind {
            Some(kind) => format!("{kind} factor ({})", f.class),
            None => format!("{} factor", f.class),
        },
        None if event.category == model::Category::RecoveryChange => "recovery method".to_string(),
        None => "factor".to_string(),
    }
}
