//! What the decision point is asked: the change (from the API) and the identity's state
//! (filled by the server from detection state and the identity graph).

use model::{FactorClass, PrincipalKind, Provider};
use serde::{Deserialize, Serialize};
use std::net::IpAddr;

/// A pending factor binding or recovery-method change, as `POST /v1/decisions/enrollment`
/// receives it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnrollmentRequest {
    /// The identity's provider.
    pub provider: Provider,
    /// The identity's tenant.
    pub tenant: String,
    /// The identity whose factors change.
    pub identity: String,
    /// Who makes the change; absent when the identity acts on itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    /// The factor being bound.
    pub factor: FactorSpec,
    /// Where the change comes from.
    #[serde(default)]
    pub context: RequestContext,
}

impl EnrollmentRequest {
    /// The actor, or the identity itself for self-service changes.
    pub fn actor_id(&self) -> &str {
        self.actor.as_deref().unwrap_or(&self.identity)
    }
}

/// The factor being bound.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FactorSpec {
    /// The provider's name for the kind (`OKTA_VERIFY_PUSH`, `fido2`, `sms`).
    pub kind: String,
    /// Its class.
    #[serde(default)]
    pub class: FactorClass,
    /// A hardware-bound key (AAL3) rather than a syncable passkey (AAL2).
    #[serde(default)]
    pub device_bound: bool,
    /// A recovery method; kinds on the configured recovery list count as recovery too.
    #[serde(default)]
    pub recovery: bool,
}

/// Where the change comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestContext {
    /// The client's address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip: Option<IpAddr>,
    /// The client's user agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
    /// The device the change is made from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_id: Option<String>,
    /// Where the client is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geo: Option<GeoSpec>,
    /// AAL (1, 2 or 3) of the session making the change.
    #[serde(default = "one")]
    pub session_aal: u8,
}

impl Default for RequestContext {
    fn default() -> Self {
        RequestContext { ip: None, user_agent: None, device_id: None, geo: None, session_aal: 1 }
    }
}

fn one() -> u8 {
    1
}

/// A client's location.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GeoSpec {
    /// ISO 3166 country code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// City name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
}

/// What factorwatch knows about the identity at decision time: its tier and manager from
/// the graph, recent risk and baseline from detection state, its current factors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdentityContext {
    /// 0 controls other identities, 1 controls non-human credentials, 2 everyone else.
    #[serde(default = "tier_two")]
    pub tier: u8,
    /// Human, service account, AI agent, …
    #[serde(default)]
    pub kind: PrincipalKind,
    /// The identity's manager (an id at the same provider), who may approve.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manager: Option<String>,
    /// The actor is another human than the identity (help desk, admin, MSP).
    #[serde(default)]
    pub delegated: bool,
    /// What kind of principal the actor is.
    #[serde(default)]
    pub actor_kind: PrincipalKind,
    /// The actor is privileged (tier 0 or 1).
    #[serde(default)]
    pub actor_privileged: bool,
    /// Risk within the window (docs/detection-contract.md §5, FW-002): what made recent sign-ins risky.
    #[serde(default)]
    pub risk: Vec<RiskReason>,
    /// Whether the request's device, IP and country are in the identity's baseline.
    #[serde(default)]
    pub familiar: Familiar,
    /// Factors bound now.
    #[serde(default)]
    pub factors: Vec<BoundFactor>,
    /// The highest AAL available to the account; derived from `factors` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_aal: Option<u8>,
    /// What the identity can reach.
    #[serde(default)]
    pub blast: BlastSummary,
}

impl Default for IdentityContext {
    fn default() -> Self {
        IdentityContext {
            tier: 2,
            kind: PrincipalKind::default(),
            manager: None,
            delegated: false,
            actor_kind: PrincipalKind::default(),
            actor_privileged: false,
            risk: Vec::new(),
            familiar: Familiar::default(),
            factors: Vec::new(),
            max_aal: None,
            blast: BlastSummary::default(),
        }
    }
}

fn tier_two() -> u8 {
    2
}

/// Why a context is risky (docs/detection-contract.md §5, FW-002).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskReason {
    /// A sign-in was impossible travel from the one before.
    ImpossibleTravel,
    /// A device outside the baseline.
    UnfamiliarDevice,
    /// A country outside the baseline.
    UnfamiliarCountry,
    /// A network outside the baseline.
    UnfamiliarAsn,
    /// An anonymizing proxy.
    AnonymizingProxy,
    /// The provider rated or flagged the sign-in as risky.
    ProviderRisk,
    /// A burst of denied MFA prompts.
    MfaFatigue,
}

impl RiskReason {
    /// The reason's name, as policies read it.
    pub fn as_str(self) -> &'static str {
        match self {
            RiskReason::ImpossibleTravel => "impossible_travel",
            RiskReason::UnfamiliarDevice => "unfamiliar_device",
            RiskReason::UnfamiliarCountry => "unfamiliar_country",
            RiskReason::UnfamiliarAsn => "unfamiliar_asn",
            RiskReason::AnonymizingProxy => "anonymizing_proxy",
            RiskReason::ProviderRisk => "provider_risk",
            RiskReason::MfaFatigue => "mfa_fatigue",
        }
    }
}

/// Baseline membership of the request's device, IP and country. Until the baseline is
/// `established` (docs/detection-contract.md §4: 5 sign-ins), "never seen" alone is not risk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Familiar {
    /// The device is in the baseline.
    #[serde(default)]
    pub device: bool,
    /// The address was used before.
    #[serde(default)]
    pub ip: bool,
    /// The country is in the baseline.
    #[serde(default)]
    pub country: bool,
    /// The baseline has enough sign-ins to count.
    #[serde(default)]
    pub established: bool,
}

/// A factor bound now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BoundFactor {
    /// The provider's name for its kind.
    pub kind: String,
    /// Its class.
    #[serde(default)]
    pub class: FactorClass,
    /// A hardware-bound key.
    #[serde(default)]
    pub device_bound: bool,
}

/// Blast radius counts from the identity graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlastSummary {
    /// Other identities it controls.
    #[serde(default)]
    pub identities: u32,
    /// Roles it holds or can grant.
    #[serde(default)]
    pub roles: u32,
    /// Non-human identities it controls.
    #[serde(default)]
    pub nhi: u32,
    /// Secrets it can read or issue.
    #[serde(default)]
    pub secrets: u32,
}

impl From<&model::BlastRadius> for BlastSummary {
    fn from(b: &model::BlastRadius) -> Self {
        BlastSummary { identities: b.identities, roles: b.roles, nhi: b.nhi, secrets: b.secrets }
    }
}
