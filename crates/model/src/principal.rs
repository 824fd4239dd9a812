use crate::Text;
use serde::{Deserialize, Serialize};

/// Who a principal is: a person, a non-human identity (service principal, API token,
/// access key, bot), or the provider's own system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PrincipalKind {
    /// A person.
    Human,
    /// A non-human identity: service principal, app, API token, access key, bot.
    Nhi,
    /// The provider's own machinery.
    System,
    /// The record does not say.
    #[default]
    Unknown,
}

/// An identity as a provider names it. `id` is the immutable id to join on; `name` is the
/// human-readable login (email, UPN, alternate id), never used as a key when an id exists.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Principal {
    /// The provider's immutable id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<Text>,
    /// The login or display name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<Text>,
    /// Person, non-human identity or system.
    pub kind: PrincipalKind,
}

impl Principal {
    /// A principal from what a record gives; `None` when it gives neither id nor name.
    pub fn new(id: Option<&str>, name: Option<&str>, kind: PrincipalKind) -> Option<Principal> {
        if id.is_none() && name.is_none() {
            return None;
        }
        Some(Principal { id: id.map(Text::from), name: name.map(Text::from), kind })
    }

    /// The key to join on: the immutable id, else the name.
    pub fn key(&self) -> Option<&str> {
        self.id.as_deref().or(self.name.as_deref())
    }

    /// Whether both name the same identity: same id when both have one, else same name
    /// (case-insensitive, as providers treat logins).
    pub fn same_as(&self, other: &Principal) -> bool {
        match (&self.id, &other.id) {
            (Some(a), Some(b)) => a == b,
            _ => match (&self.name, &other.name) {
                (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
                _ => false,
            },
        }
    }
}

/// How the actor of a change relates to its target (docs/events.md §0 "Actor relation").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActorRelation {
    /// The identity acted on itself, or the event has no separate target.
    #[default]
    #[serde(rename = "self")]
    SelfService,
    /// Another human acted on the target (help desk, admin, MSP).
    Delegated,
    /// A non-human identity (app, API token, service principal) acted.
    Service,
    /// The provider's own machinery acted (Okta system, Microsoft first-party service).
    System,
}

impl ActorRelation {
    /// The relation's name in the event format (`self`, `delegated`).
    pub fn as_str(self) -> &'static str {
        match self {
            ActorRelation::SelfService => "self",
            ActorRelation::Delegated => "delegated",
            ActorRelation::Service => "service",
            ActorRelation::System => "system",
        }
    }

    /// The relation between an actor and a target from who they are.
    pub fn between(actor: Option<&Principal>, target: Option<&Principal>) -> ActorRelation {
        let Some(actor) = actor else { return ActorRelation::SelfService };
        match actor.kind {
            PrincipalKind::System => ActorRelation::System,
            PrincipalKind::Nhi => ActorRelation::Service,
            PrincipalKind::Human | PrincipalKind::Unknown => match target {
                Some(target) if !actor.same_as(target) => ActorRelation::Delegated,
                _ => ActorRelation::SelfService,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn human(id: &str, name: &str) -> Principal {
        Principal { id: Some(id.into()), name: Some(name.into()), kind: PrincipalKind::Human }
    }

    #[test]
    fn relation_is_self_when_actor_is_target_by_id() {
        let a = human("00u1", "alice@acme.com");
        let b = human("00u1", "ALICE@acme.com");
        assert_eq!(ActorRelation::between(Some(&a), Some(&b)), ActorRelation::SelfService);
    }

    #[test]
    fn relation_is_delegated_for_another_human() {
        let a = human("00u1", "alice@acme.com");
        let b = human("00u2", "bob@acme.com");
        assert_eq!(ActorRelation::between(Some(&a), Some(&b)), ActorRelation::Delegated);
    }

    #[test]
    fn ids_win_over_names_when_both_have_ids() {
        // Same login on two different immutable ids is two identities.
        let a = human("00u1", "alice@acme.com");
        let b = human("00u2", "alice@acme.com");
        assert!(!a.same_as(&b));
    }

    #[test]
    fn system_and_service_actors_are_never_delegated() {
        let sys = Principal { kind: PrincipalKind::System, ..human("s", "system@okta.com") };
        let app = Principal { kind: PrincipalKind::Nhi, ..human("app", "app") };
        let bob = human("00u2", "bob@acme.com");
        assert_eq!(ActorRelation::between(Some(&sys), Some(&bob)), ActorRelation::System);
        assert_eq!(ActorRelation::between(Some(&app), Some(&bob)), ActorRelation::Service);
    }
}
