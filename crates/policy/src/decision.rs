//! The decision point's answer.

use chrono::{DateTime, Utc};
use model::{FactorClass, Provider};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// What may happen to the change, mildest first so that `Ord` combines rules: the
/// strictest outcome of the matched rules wins (deny > require_approval > step_up > allow).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The binding may go ahead.
    Allow,
    /// The session must first reach a higher assurance level.
    StepUp,
    /// Someone else must approve the binding first (four eyes).
    RequireApproval,
    /// The binding is refused.
    Deny,
}

impl Outcome {
    /// The outcome's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Allow => "allow",
            Outcome::StepUp => "step_up",
            Outcome::RequireApproval => "require_approval",
            Outcome::Deny => "deny",
        }
    }

    /// The outcome of a name, if it is one.
    pub fn parse(text: &str) -> Option<Outcome> {
        [Outcome::Allow, Outcome::StepUp, Outcome::RequireApproval, Outcome::Deny]
            .into_iter()
            .find(|o| o.as_str() == text.trim())
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One matched rule and why it matters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reason {
    /// The policy's `@id`.
    pub rule: String,
    /// What the rule asks for.
    pub outcome: Outcome,
    /// The rule's reason, in words.
    pub text: String,
}

/// Who may approve: the identity's manager (by id) or anyone holding the SOC role.
/// Written `manager:<id>` and `soc`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Approver {
    /// The manager with this id.
    Manager(String),
    /// Anyone in the SOC role.
    Soc,
}

impl fmt::Display for Approver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Approver::Manager(id) => write!(f, "manager:{id}"),
            Approver::Soc => f.write_str("soc"),
        }
    }
}

impl FromStr for Approver {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.split_once(':') {
            None if s == "soc" => Ok(Approver::Soc),
            Some(("manager", id)) if !id.is_empty() => Ok(Approver::Manager(id.to_string())),
            _ => Err(format!("unknown approver `{s}`: expected `soc` or `manager:<id>`")),
        }
    }
}

impl TryFrom<String> for Approver {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<Approver> for String {
    fn from(a: Approver) -> String {
        a.to_string()
    }
}

/// Whom to tell about the change.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Recipient {
    /// The identity itself (the subscriber).
    /// The identity the binding is about.
    Subject,
    /// The manager with this id.
    Manager(String),
    /// The SOC.
    Soc,
}

impl fmt::Display for Recipient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Recipient::Subject => f.write_str("subject"),
            Recipient::Manager(id) => write!(f, "manager:{id}"),
            Recipient::Soc => f.write_str("soc"),
        }
    }
}

impl FromStr for Recipient {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "subject" => Ok(Recipient::Subject),
            "soc" => Ok(Recipient::Soc),
            _ => match s.split_once(':') {
                Some(("manager", id)) if !id.is_empty() => Ok(Recipient::Manager(id.to_string())),
                _ => Err(format!("unknown recipient `{s}`: expected `subject`, `soc` or `manager:<id>`")),
            },
        }
    }
}

impl TryFrom<String> for Recipient {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<Recipient> for String {
    fn from(r: Recipient) -> String {
        r.to_string()
    }
}

/// One notification to send.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Notification {
    /// Who is told.
    pub to: Recipient,
    /// The rule that asks for it.
    pub rule: String,
    /// SP 800-63B-4 §4.6: the channel must not be the factor being bound (the new phone,
    /// address or device); set for the subject.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_via: Option<String>,
}

/// The answer to an enrollment request. Kept in the ledger: FW-012 asks it later whether
/// an enrollment was allowed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    /// `dec_` and 32 random hex digits.
    pub id: String,
    /// When it was decided.
    pub time: DateTime<Utc>,
    /// The identity's provider.
    pub provider: Provider,
    /// The identity's tenant.
    pub tenant: String,
    /// The identity, by its immutable id when known.
    pub identity: String,
    /// Who asked for the binding (the identity itself for self-service).
    pub actor: String,
    /// The factor's kind as the provider names it.
    pub factor_kind: String,
    /// The factor's class.
    pub factor_class: FactorClass,
    /// The strictest outcome of the matched rules.
    pub outcome: Outcome,
    /// Every matched rule, strictest first.
    pub reasons: Vec<Reason>,
    /// The AAL the session must have (SP 800-63B-4 §4.1.2.1, raised by rules with `@aal`).
    pub required_aal: u8,
    /// Who may approve, when the outcome is `require_approval`.
    pub approvers: Vec<Approver>,
    /// How long an approval lasts once requested or given.
    pub approval_ttl_seconds: u64,
    /// Until when an `allow` is in force (or a `require_approval` may be approved).
    pub valid_until: DateTime<Utc>,
    /// Who to tell about the binding.
    pub notify: Vec<Notification>,
    /// Ids of the policies that matched (bind and notify), sorted.
    pub policies: Vec<String>,
}
