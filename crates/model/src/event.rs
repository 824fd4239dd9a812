use crate::{ActorRelation, Category, Client, Factor, Outcome, Principal, Provider, Text};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::sync::Arc;

/// One normalized identity event. Every provider's native record becomes one or more of
/// these at the edge; nothing downstream reads provider JSON again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// The provider whose log the event came from.
    pub provider: Provider,
    /// The organisation, directory, account or customer the event belongs to.
    pub tenant: Text,
    /// The provider's own event id, the key for de-duplication with `provider`, `tenant`,
    /// `action` and `time`. Derived by hashing where the provider gives none.
    pub id: Text,
    /// When it happened, by the provider's clock, in UTC (never the time it was received).
    pub time: DateTime<Utc>,
    /// What kind of identity event it is (docs/detection-contract.md §1).
    pub category: Category,
    /// The provider's name for what happened (`user.mfa.factor.activate`, `EnableMFADevice`).
    pub action: Text,
    /// Whether the provider says it took effect.
    pub outcome: Outcome,
    /// The provider's reason text for the outcome, where it explains the event.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<Text>,
    /// Who acted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actor: Option<Principal>,
    /// The identity the event is about. For sign-ins and self-service changes it is the actor.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<Principal>,
    /// How the actor relates to the target (docs/events.md §0 "Actor relation").
    pub relation: ActorRelation,
    /// The factor the event is about or was made with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub factor: Option<Factor>,
    /// Where the request came from.
    #[serde(skip_serializing_if = "Client::is_empty", default)]
    pub client: Client,
    /// The provider's session id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session: Option<Text>,
    /// Groups the records of one operation (Okta `transaction.id`, Entra `correlationId`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub correlation: Option<Text>,
    /// What the change was made to, where it is not an identity: a role, secret, policy, app.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object: Option<Text>,
    /// The provider's own risk verdict.
    #[serde(skip_serializing_if = "Risk::is_empty", default)]
    pub risk: Risk,
    /// Facts the category does not carry.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub tags: Vec<Tag>,
    /// Where the raw record is: `file:line`, or a message id.
    pub source: SourceRef,
}

impl Event {
    /// The identity the event is about: the target, else the actor.
    pub fn subject(&self) -> Option<&Principal> {
        self.target.as_ref().or(self.actor.as_ref())
    }

    /// Whether the event carries `tag`.
    pub fn has_tag(&self, tag: Tag) -> bool {
        self.tags.contains(&tag)
    }
}

/// The provider's own risk verdict on an event.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Risk {
    /// The level the provider gave, where it gave one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<RiskLevel>,
    /// Named detections (`unfamiliarFeatures`, `New Device`, `user_marked_fraud`).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub markers: Vec<Text>,
}

impl Risk {
    /// Whether the provider gave no verdict.
    pub fn is_empty(&self) -> bool {
        self.level.is_none() && self.markers.is_empty()
    }

    /// Medium or higher, or any named detection: what docs/detection-contract.md §5 calls
    /// provider risk.
    pub fn is_elevated(&self) -> bool {
        self.level.is_some_and(|l| l >= RiskLevel::Medium) || !self.markers.is_empty()
    }
}

/// How risky the provider judged an event, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskLevel {
    /// The provider found no risk.
    None,
    /// Low risk.
    Low,
    /// Medium risk.
    Medium,
    /// High risk.
    High,
}

impl RiskLevel {
    /// Reads the level names providers use (`low`, `MEDIUM`, `high`, `none`).
    pub fn parse(text: &str) -> Option<RiskLevel> {
        let t = text.trim();
        [("none", RiskLevel::None), ("low", RiskLevel::Low), ("medium", RiskLevel::Medium), ("high", RiskLevel::High)]
            .into_iter()
            .find(|(name, _)| t.eq_ignore_ascii_case(name))
            .map(|(_, level)| level)
    }
}

/// Facts about an event that its category alone does not carry (docs/events.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tag {
    /// The first factor of a new account, bound by the provider's onboarding flow.
    Onboarding,
    /// A password reset or account recovery was requested (not yet done).
    RecoveryRequested,
    /// AWS virtual MFA device created but not yet bound to a user.
    MfaDeviceCreated,
    /// A login profile created where the user had no console access before.
    NewConsoleAccess,
    /// A sign-on or MFA policy changed (not necessarily weakened).
    PolicyChange,
    /// Audit log streaming reconfigured or removed (FW-011).
    LogStreamChanged,
    /// Authentication passed by a bypass code or bypass status.
    Bypass,
    /// One factor removed as part of a reset of the identity's factors (Okta OIE writes
    /// one deactivation per factor; state decides whether none are left).
    ResetPart,
    /// The user reported the request as fraud.
    FraudReported,
    /// The sign-in used MFA (AWS `MFAUsed`).
    MfaUsed,
    /// A policy weakened for one identity only, not the tenant.
    IdentityScope,
    /// A federation, external IdP or trusted authority was added (T1484.002).
    FederationAdded,
    /// An app password: a secret, not a factor.
    AppPassword,
    /// The actor opened the provider's admin console (Okta `user.session.access_admin_app`):
    /// only administrators can, so it reveals privilege the inventory may not list.
    AdminConsole,
}

/// A pointer back to the raw record, for evidence: `file:line`, with `#n` for the n-th
/// record of an envelope on that line.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SourceRef {
    /// The file, or the name given to an input held in memory.
    pub source: Arc<str>,
    /// The line the record starts on, from 1.
    pub line: u64,
    /// The record's position in an envelope or array on that line, from 0.
    pub index: Option<u32>,
}

impl SourceRef {
    /// A pointer to the record at `source:line`.
    pub fn new(source: Arc<str>, line: u64) -> SourceRef {
        SourceRef { source, line, index: None }
    }

    /// A pointer to the `index`-th record of an envelope on the same line.
    pub fn with_index(&self, index: u32) -> SourceRef {
        SourceRef { source: self.source.clone(), line: self.line, index: Some(index) }
    }
}

impl fmt::Display for SourceRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.source, self.line)?;
        if let Some(i) = self.index {
            write!(f, "#{i}")?;
        }
        Ok(())
    }
}

impl Serialize for SourceRef {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for SourceRef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<SourceRef, D::Error> {
        let text = String::deserialize(d)?;
        let (rest, index) = match text.rsplit_once('#') {
            Some((rest, i)) if i.parse::<u32>().is_ok() => (rest, i.parse().ok()),
            _ => (text.as_str(), None),
        };
        let (source, line) = match rest.rsplit_once(':') {
            Some((source, line)) if line.parse::<u64>().is_ok() => (source, line.parse().unwrap_or(0)),
            _ => (rest, 0),
        };
        Ok(SourceRef { source: Arc::from(source), line, index })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_ref_round_trips_through_its_display_form() {
        let r = SourceRef::new(Arc::from("logs/okta.ndjson"), 17).with_index(3);
        let json = serde_json::to_string(&r).unwrap_or_default();
        assert_eq!(json, "\"logs/okta.ndjson:17#3\"");
        let back: SourceRef = serde_json::from_str(&json).unwrap_or_else(|_| SourceRef::new(Arc::from(""), 0));
        assert_eq!(back, r);
    }

    #[test]
    fn risk_levels_parse_case_insensitively() {
        assert_eq!(RiskLevel::parse("MEDIUM"), Some(RiskLevel::Medium));
        assert_eq!(RiskLevel::parse(" high "), Some(RiskLevel::High));
        assert_eq!(RiskLevel::parse("hidden"), None);
    }
}
