//! Every window, threshold and list the detectors use (docs/detection-contract.md: every window,
//! threshold and list is a setting). Read once at start-up from TOML; the per-event path
//! only sees the compiled [`Lists`].

use ipnet::IpNet;
use model::{Principal, Provider};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The detection settings: the TOML file's `[tenants]`, `[identities]`, `[tiers]`,
/// `[networks]`, `[geoip]`, `[baseline]`, `[detectors.*]`, `[incidents]`, `[stream]`,
/// `[gating]` and `[sources.*]` tables.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Tenant names for providers whose logs carry none: `okta = "acme.okta.com"`.
    pub tenants: BTreeMap<String, String>,
    /// Identity lists: privileged, tier 1, allowed delegates, external actors, AI agents.
    pub identities: Identities,
    /// Where tiers come from beside the lists and the inventory.
    pub tiers: Tiers,
    /// Corporate VPN and help-desk egress networks.
    pub networks: Networks,
    /// GeoIP databases for events that carry no location or network.
    pub geoip: GeoIp,
    /// What counts as an identity's usual devices, countries and networks.
    pub baseline: Baseline,
    /// Each detector's windows and thresholds.
    pub detectors: Detectors,
    /// How findings group into incidents.
    pub incidents: Incidents,
    /// Stream mode (`serve`): how long to wait for events out of order.
    pub stream: Stream,
    /// Enrollment gating: factor bindings the decision point must have allowed (FW-012).
    pub gating: Gating,
    /// Sources expected to send events, for blind-spot detection (FW-011).
    pub sources: BTreeMap<String, Source>,
    /// Sigma rules run on the native records beside the detectors.
    pub sigma: Sigma,
}

/// Sigma rules (docs/sigma.md): their findings join the detectors' in the same incidents.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Sigma {
    /// A folder of Sigma rules (or one rule file); `hunt --rules` and `serve --rules` win.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rules: Option<PathBuf>,
}

/// Identity lists. An entry names an identity as `provider:tenant:id`, `provider:id`, an
/// immutable id, or a login name (case-insensitive).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Identities {
    /// Tier 0: can change other identities' factors, passwords or roles.
    pub privileged: Vec<String>,
    /// Tier 1: can issue or rotate credentials of non-human identities.
    pub tier1: Vec<String>,
    /// Help desk, MSP and admins allowed to change other people's factors (FW-004).
    pub allowed_delegates: Vec<String>,
    /// Actors outside the organisation (MSP, outsourced help desk, provider support).
    pub external_actors: Vec<String>,
    /// AI-agent identities (OWASP Agentic ASI03 mappings).
    pub ai_agents: Vec<String>,
}

/// Tiers the logs reveal (docs/detection-contract.md §3): for an identity neither the lists
/// nor the inventory know, tier 0 or 1 work seen done on other identities gives its tier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Tiers {
    /// Infer tiers from the work actors are seen doing; `false` keeps lists and inventory only.
    pub observed: bool,
}

impl Default for Tiers {
    fn default() -> Tiers {
        Tiers { observed: true }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Networks {
    /// Corporate VPN and egress networks: never make travel impossible or a country new.
    pub vpn_egress: Vec<IpNet>,
    /// Help-desk egress: mass enrollment from here is expected (FW-010).
    pub helpdesk_egress: Vec<IpNet>,
    /// Shared egress learned from the data: treated as `vpn_egress` for travel and new
    /// countries only.
    pub learned_egress: LearnedEgress,
}

/// Shared corporate egress learned from sign-ins (docs/detection-contract.md §4): a network
/// that many identities of one provider's tenant sign in from over days is a VPN, a proxy
/// or an office, as if listed in `vpn_egress`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LearnedEgress {
    /// Learn shared egress; `false` keeps `vpn_egress` only.
    pub enabled: bool,
    /// Distinct identities of one provider's tenant that must sign in from the network (at
    /// least 2: a network of one person is never egress).
    pub min_identities: u32,
    /// How long the network must have been seen in use, first to latest sign-in.
    #[serde(with = "humantime_serde")]
    pub min_span: Duration,
    /// IPv4 addresses are grouped into networks of this prefix length (32: each address).
    pub ipv4_prefix: u8,
    /// IPv6 addresses are grouped into networks of this prefix length (128: each address).
    pub ipv6_prefix: u8,
    /// Also learn autonomous systems (off: a home ISP's ASN is shared by many people too).
    pub by_asn: bool,
}

impl Default for LearnedEgress {
    fn default() -> LearnedEgress {
        LearnedEgress {
            enabled: true,
            min_identities: 5,
            min_span: days(1),
            ipv4_prefix: 24,
            ipv6_prefix: 48,
            by_asn: false,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GeoIp {
    /// A MaxMind-format city database, used for events that carry no location.
    pub city_database: Option<PathBuf>,
    /// A MaxMind-format ASN database, used for events that carry no ASN.
    pub asn_database: Option<PathBuf>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Baseline {
    /// What was seen for an identity in this window is its baseline.
    #[serde(with = "humantime_serde")]
    pub window: Duration,
    /// Below this many sign-ins, "never seen" alone is not risky (new employees).
    pub min_signins: u32,
    /// A first factor bound this soon after the account's first appearance is onboarding.
    #[serde(with = "humantime_serde")]
    pub onboarding_window: Duration,
}

impl Default for Baseline {
    fn default() -> Baseline {
        Baseline { window: days(30), min_signins: 5, onboarding_window: hours(24) }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Detectors {
    pub enroll_after_risky_signin: EnrollAfterRisky,
    pub factor_survives_reset: FactorSurvivesReset,
    pub delegated_factor_change: DelegatedFactorChange,
    pub enroll_then_credential_issue: EnrollThenCredential,
    pub mfa_weakened: MfaWeakened,
    pub mfa_fatigue: MfaFatigue,
    pub impossible_travel: ImpossibleTravel,
    pub recovery_then_reset: RecoveryThenReset,
    pub mass_enrollment: MassEnrollment,
    pub blind_spot: BlindSpot,
}

macro_rules! window_setting {
    ($name:ident, $default:expr) => {
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(default, deny_unknown_fields)]
        pub struct $name {
            #[serde(with = "humantime_serde")]
            pub window: Duration,
        }
        impl Default for $name {
            fn default() -> $name {
                $name { window: $default }
            }
        }
    };
}

window_setting!(EnrollAfterRisky, hours(2));
window_setting!(EnrollThenCredential, hours(24));
window_setting!(RecoveryThenReset, hours(24));

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FactorSurvivesReset {
    /// Factors bound this long before the reset are suspects.
    #[serde(with = "humantime_serde")]
    pub lookback: Duration,
    /// A suspect still bound this long after the reset survived it.
    #[serde(with = "humantime_serde")]
    pub grace: Duration,
}

impl Default for FactorSurvivesReset {
    fn default() -> FactorSurvivesReset {
        FactorSurvivesReset { lookback: days(14), grace: hours(1) }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DelegatedFactorChange {
    /// A delegate who had a risky sign-in this recently makes the change critical.
    #[serde(with = "humantime_serde")]
    pub risky_actor_window: Duration,
}

impl Default for DelegatedFactorChange {
    fn default() -> DelegatedFactorChange {
        DelegatedFactorChange { risky_actor_window: hours(24) }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MfaWeakened {
    /// All factors reset and none re-enrolled within this window weakens MFA.
    #[serde(with = "humantime_serde")]
    pub reenroll_window: Duration,
    /// A stronger factor removed is reported only if no factor as strong is bound within
    /// this window after it (an owner swapping a key or phone removes before adding).
    #[serde(with = "humantime_serde")]
    pub swap_grace: Duration,
}

impl Default for MfaWeakened {
    fn default() -> MfaWeakened {
        MfaWeakened { reenroll_window: hours(24), swap_grace: hours(1) }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MfaFatigue {
    pub threshold: u32,
    #[serde(with = "humantime_serde")]
    pub window: Duration,
    /// A success or factor change this soon after the burst makes it critical.
    #[serde(with = "humantime_serde")]
    pub followup: Duration,
}

impl Default for MfaFatigue {
    fn default() -> MfaFatigue {
        MfaFatigue { threshold: 5, window: minutes(10), followup: hours(1) }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ImpossibleTravel {
    pub max_speed_kmh: f64,
    pub min_distance_km: f64,
    /// Pairs closer than this are location noise.
    pub noise_km: f64,
}

impl Default for ImpossibleTravel {
    fn default() -> ImpossibleTravel {
        ImpossibleTravel { max_speed_kmh: 900.0, min_distance_km: 500.0, noise_km: 50.0 }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MassEnrollment {
    pub identities: u32,
    #[serde(with = "humantime_serde")]
    pub window: Duration,
    /// Also group by autonomous system (noisy where a whole company shares one ISP).
    pub by_asn: bool,
}

impl Default for MassEnrollment {
    fn default() -> MassEnrollment {
        MassEnrollment { identities: 3, window: hours(1), by_asn: false }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BlindSpot {
    /// A provider that sends sign-ins but no factor or recovery events this long is blind.
    #[serde(with = "humantime_serde")]
    pub factor_silence: Duration,
}

impl Default for BlindSpot {
    fn default() -> BlindSpot {
        BlindSpot { factor_silence: days(30) }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Incidents {
    /// Findings on one identity this close together are one incident.
    #[serde(with = "humantime_serde")]
    pub window: Duration,
}

impl Default for Incidents {
    fn default() -> Incidents {
        Incidents { window: hours(24) }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Stream {
    /// Events may arrive this late, out of order, in stream mode.
    #[serde(with = "humantime_serde")]
    pub lateness: Duration,
}

impl Default for Stream {
    fn default() -> Stream {
        Stream { lateness: minutes(5) }
    }
}

/// Enrollment gating (FW-012): on gated identities, every factor binding must have been
/// allowed by the decision point (an `allow` decision or an approved approval in force at the
/// event's time). Off by default: it needs the decision point's ledger (`hunt --decisions`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Gating {
    /// Report FW-012; `hunt --gating` sets it too.
    pub enabled: bool,
    /// Identities of these tiers are gated (tier 0 and tier 1: the privileged ones).
    pub tiers: Vec<u8>,
    /// Identities gated whatever their tier, written as in `[identities]`.
    pub identities: Vec<String>,
}

impl Default for Gating {
    fn default() -> Gating {
        Gating { enabled: false, tiers: vec![0, 1], identities: Vec::new() }
    }
}

/// A source expected to send events at least this often.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub provider: String,
    /// The file or folder the source is read from, for people; not used to match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(with = "humantime_serde")]
    pub expected_interval: Duration,
}

/// Why detection settings cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The file cannot be read.
    #[error("cannot read config `{path}`")]
    Read {
        /// The file.
        path: String,
        /// What reading it said.
        #[source]
        source: std::io::Error,
    },
    /// The file is not valid TOML for the settings.
    #[error("invalid config `{path}`")]
    Parse {
        /// The file.
        path: String,
        /// What parsing it said.
        #[source]
        source: toml::de::Error,
    },
    /// A setting's value cannot be used.
    #[error("invalid config: {0}")]
    Invalid(String),
}

impl Config {
    /// Reads and checks the settings in the TOML file at `path`.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path)
            .map_err(|source| ConfigError::Read { path: path.display().to_string(), source })?;
        let config: Config =
            toml::from_str(&text).map_err(|source| ConfigError::Parse { path: path.display().to_string(), source })?;
        config.validate()?;
        Ok(config)
    }

    /// Checks what the types cannot: provider names, tiers, source settings.
    pub fn validate(&self) -> Result<(), ConfigError> {
        for name in self.tenants.keys() {
            if Provider::parse(name).is_none() {
                return Err(ConfigError::Invalid(format!("[tenants]: unknown provider `{name}`")));
            }
        }
        if let Some(tier) = self.gating.tiers.iter().find(|t| **t > 2) {
            return Err(ConfigError::Invalid(format!("[gating] tiers: `{tier}` is not a tier (0, 1 or 2)")));
        }
        let learn = &self.networks.learned_egress;
        if learn.min_identities < 2 || learn.min_identities > crate::egress::MAX_TRACKED as u32 {
            return Err(ConfigError::Invalid(format!(
                "[networks.learned_egress] min_identities: `{}` must be 2 to {} (a network of one person is never egress)",
                learn.min_identities,
                crate::egress::MAX_TRACKED
            )));
        }
        if learn.ipv4_prefix > 32 || learn.ipv6_prefix > 128 {
            return Err(ConfigError::Invalid(format!(
                "[networks.learned_egress]: prefix lengths are at most 32 (IPv4) and 128 (IPv6), found {} and {}",
                learn.ipv4_prefix, learn.ipv6_prefix
            )));
        }
        for (name, source) in &self.sources {
            if Provider::parse(&source.provider).is_none() {
                return Err(ConfigError::Invalid(format!("[sources.{name}]: unknown provider `{}`", source.provider)));
            }
        }
        Ok(())
    }

    /// The effective configuration, defaults included, as TOML.
    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(self).unwrap_or_else(|e| format!("# cannot render config: {e}\n"))
    }
}

/// Identity and network lists compiled for lookups on the per-event path.
#[derive(Debug, Default)]
pub struct Lists {
    tier0: HashSet<String>,
    tier1: HashSet<String>,
    delegates: HashSet<String>,
    external: HashSet<String>,
    agents: HashSet<String>,
    /// Gated tiers as bits (bit n: tier n), and identities gated whatever their tier.
    gated_tiers: u8,
    gated: HashSet<String>,
    vpn: Vec<IpNet>,
    helpdesk: Vec<IpNet>,
}

fn compile(entries: &[String]) -> HashSet<String> {
    entries.iter().map(|e| e.trim().to_ascii_lowercase()).filter(|e| !e.is_empty()).collect()
}

impl Lists {
    pub fn new(config: &Config) -> Lists {
        Lists {
            tier0: compile(&config.identities.privileged),
            tier1: compile(&config.identities.tier1),
            delegates: compile(&config.identities.allowed_delegates),
            external: compile(&config.identities.external_actors),
            agents: compile(&config.identities.ai_agents),
            gated_tiers: config.gating.tiers.iter().filter(|t| **t < 8).fold(0, |bits, t| bits | 1 << t),
            gated: compile(&config.gating.identities),
            vpn: config.networks.vpn_egress.clone(),
            helpdesk: config.networks.helpdesk_egress.clone(),
        }
    }

    /// The tier the config lists give an identity: 0, 1, or 2 for everyone else.
    pub fn tier(&self, provider: Provider, tenant: &str, who: &Principal) -> u8 {
        if listed(&self.tier0, provider, tenant, who) {
            0
        } else if listed(&self.tier1, provider, tenant, who) {
            1
        } else {
            2
        }
    }

    pub fn has_delegates(&self) -> bool {
        !self.delegates.is_empty()
    }

    pub fn is_allowed_delegate(&self, provider: Provider, tenant: &str, who: &Principal) -> bool {
        listed(&self.delegates, provider, tenant, who)
    }

    pub fn is_external(&self, provider: Provider, tenant: &str, who: &Principal) -> bool {
        listed(&self.external, provider, tenant, who)
    }

    pub fn is_agent(&self, provider: Provider, tenant: &str, who: &Principal) -> bool {
        listed(&self.agents, provider, tenant, who)
    }

    /// Whether enrollments on an identity of `tier` are gated: by its tier, or named in
    /// `[gating] identities`. Says nothing about whether gating is enabled.
    pub fn is_gated(&self, tier: u8, provider: Provider, tenant: &str, who: Option<&Principal>) -> bool {
        (tier < 8 && self.gated_tiers & (1 << tier) != 0)
            || who.is_some_and(|p| listed(&self.gated, provider, tenant, p))
    }

    pub fn is_vpn(&self, ip: Option<IpAddr>) -> bool {
        ip.is_some_and(|ip| self.vpn.iter().any(|n| n.contains(&ip)))
    }

    pub fn is_helpdesk(&self, ip: Option<IpAddr>) -> bool {
        ip.is_some_and(|ip| self.helpdesk.iter().any(|n| n.contains(&ip)))
    }
}

fn listed(set: &HashSet<String>, provider: Provider, tenant: &str, who: &Principal) -> bool {
    if set.is_empty() {
        return false;
    }
    let p = provider.as_str();
    let mut probe = String::with_capacity(64);
    let mut check = |parts: &[&str]| {
        probe.clear();
        for (i, part) in parts.iter().enumerate() {
            if i > 0 {
                probe.push(':');
            }
            probe.extend(part.chars().map(|c| c.to_ascii_lowercase()));
        }
        set.contains(&probe)
    };
    [who.id.as_deref(), who.name.as_deref()]
        .into_iter()
        .flatten()
        .any(|key| check(&[key]) || check(&[p, key]) || check(&[p, tenant, key]))
}

pub fn minutes(n: u64) -> Duration {
    Duration::from_secs(n * 60)
}

pub fn hours(n: u64) -> Duration {
    Duration::from_secs(n * 3600)
}

pub fn days(n: u64) -> Duration {
    Duration::from_secs(n * 86400)
}
