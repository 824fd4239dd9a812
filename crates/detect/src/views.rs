//! Read-only views of the engine's state for the service: one identity in full, every
//! identity in brief, and what each source has sent (coverage and blind spots).

use crate::detector::Detector;
use crate::engine::Engine;
use crate::risk::RiskCause;
use crate::state::{BoundFactor, IdentityKey, IdentityState};
use chrono::{DateTime, Utc};
use model::{ActorRelation, Evidence, FactorClass, Principal, PrincipalKind, Provider, Text};
use serde::Serialize;
use std::collections::BTreeMap;
use std::net::IpAddr;

/// An identity as the engine knows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IdentityView {
    /// Provider, tenant and immutable id.
    pub key: IdentityKey,
    /// The login or display name events gave, if any.
    pub name: Option<Text>,
    /// Human, service account, AI agent, …
    pub kind: PrincipalKind,
    /// Privilege tier: 0 controls other identities, 1 non-human credentials, 2 the rest.
    pub tier: u8,
    /// Why that tier, when the logs revealed it ("observed: reset factors of 4 identities").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tier_basis: Option<Text>,
    /// The first event about the identity.
    pub first_seen: DateTime<Utc>,
    /// The latest event about the identity.
    pub last_seen: DateTime<Utc>,
    /// Bound factors and remembered removed ones, oldest binding first.
    pub factors: Vec<FactorView>,
    /// Recent changes to the recovery methods.
    pub recovery_changes: Vec<Evidence>,
    /// Successful sign-ins seen.
    pub signins: u32,
    /// The devices, countries and networks of its sign-ins within the baseline window.
    pub baseline: BaselineView,
    /// Where and when it last signed in (when the sign-in had a location).
    pub last_signin: Option<PlaceView>,
    /// Recent reasons the identity looked risky, oldest first.
    pub risk: Vec<RiskView>,
    /// Credentials the identity issued or rotated (FW-005 reads them).
    pub secrets_issued: Vec<Evidence>,
    /// What the identity can reach in the identity graph.
    pub blast_radius: model::BlastRadius,
}

/// A factor and the context it was bound in.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FactorView {
    pub key: Text,
    pub kind: Option<Text>,
    pub class: FactorClass,
    pub bound_at: DateTime<Utc>,
    pub ip: Option<IpAddr>,
    pub device: Option<Text>,
    pub asn: Option<u32>,
    pub country: Option<Text>,
    pub actor: Option<Principal>,
    pub relation: ActorRelation,
    pub unfamiliar: bool,
    pub flagged_by: Vec<Detector>,
    pub removed_at: Option<DateTime<Utc>>,
    /// "SMS_FACTOR (sms) bound 2026-05-04 10:31 UTC from 203.0.113.9 (DE) by helpdesk@acme.com"
    pub description: String,
    pub evidence: Evidence,
}

/// The distinct clients the identity signs in from, sorted.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct BaselineView {
    pub countries: Vec<Text>,
    pub asns: Vec<u32>,
    pub devices: Vec<Text>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlaceView {
    pub time: DateTime<Utc>,
    pub lat: f64,
    pub lon: f64,
    pub country: Option<Text>,
    pub ip: Option<IpAddr>,
    pub trusted: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RiskView {
    pub time: DateTime<Utc>,
    /// Shown as one sentence, `reason`, as detection words it.
    #[serde(rename = "reason", serialize_with = "reasons_in_words")]
    pub reasons: Vec<RiskCause>,
    pub evidence: Evidence,
}

fn reasons_in_words<S: serde::Serializer>(reasons: &[RiskCause], out: S) -> Result<S::Ok, S::Error> {
    out.serialize_str(&crate::risk::describe(reasons))
}

/// An identity in one line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IdentitySummary {
    /// Provider, tenant and immutable id.
    pub key: IdentityKey,
    /// The login or display name events gave, if any.
    pub name: Option<Text>,
    /// Human, service account, AI agent, …
    pub kind: PrincipalKind,
    /// Privilege tier (0 is the most privileged).
    pub tier: u8,
    /// Factors bound now.
    pub factors_bound: usize,
    /// The latest event about the identity.
    pub last_seen: DateTime<Utc>,
}

/// What one provider has sent, the configured sources that read it, and its blind spots.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceCoverage {
    /// The provider.
    pub provider: Provider,
    /// The tenant of its first event (None: nothing received).
    pub tenant: Option<Text>,
    /// Its first event.
    pub first: Option<DateTime<Utc>>,
    /// Its latest event.
    pub last: Option<DateTime<Utc>>,
    /// Its first sign-in event.
    pub first_signin: Option<DateTime<Utc>>,
    /// Its latest factor event.
    pub last_factor_event: Option<DateTime<Utc>>,
    /// The configured sources that read its logs.
    pub sources: Vec<ConfiguredSource>,
    /// FW-011 summaries about this provider at the latest event.
    pub blind_spots: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConfiguredSource {
    pub name: String,
    #[serde(with = "humantime_serde")]
    pub expected_interval: std::time::Duration,
    /// Nothing received, or nothing for longer than the interval before the latest event.
    pub silent: bool,
}

impl Engine {
    /// One identity, by its immutable id or (case-insensitive) login.
    pub fn identity(&self, provider: Provider, tenant: &str, id_or_login: &str) -> Option<IdentityView> {
        let (key, state) = self.find_state(provider, tenant, id_or_login)?;
        let principal = principal(key, state);
        let blast = self
            .graph_node(provider, &key.tenant, &principal)
            .map(|node| self.graph.blast_summary(node, 5))
            .unwrap_or_default();
        let sorted = |mut v: Vec<Text>| {
            v.sort_unstable();
            v
        };
        let mut asns: Vec<u32> = state.asns.values().copied().collect();
        asns.sort_unstable();
        let (tier, tier_basis) = self.tier_with_basis(provider, &key.tenant, &principal);
        Some(IdentityView {
            key: key.clone(),
            name: state.name.clone(),
            kind: state.kind,
            tier,
            tier_basis,
            first_seen: state.first_seen,
            last_seen: state.last_seen,
            factors: state.factors.iter().map(factor_view).collect(),
            recovery_changes: state.recovery_changes.iter().cloned().collect(),
            signins: state.signins,
            baseline: BaselineView {
                countries: sorted(state.countries.values().cloned().collect()),
                asns,
                devices: sorted(state.devices.values().cloned().collect()),
            },
            last_signin: state.last_signin.as_ref().map(|p| PlaceView {
                time: p.time,
                lat: p.lat,
                lon: p.lon,
                country: p.country.clone(),
                ip: p.ip,
                trusted: p.trusted,
            }),
            risk: state
                .risky
                .iter()
                .map(|m| RiskView { time: m.time, reasons: m.reasons.clone(), evidence: m.evidence.clone() })
                .collect(),
            secrets_issued: state.secrets_issued.iter().cloned().collect(),
            blast_radius: blast,
        })
    }

    /// The tier of an identity named by id or login, whether or not it has state yet: from
    /// the config lists and the identity graph, else the work the logs showed it doing (the
    /// decision point asks before a first event).
    pub fn tier_of_named(&self, provider: Provider, tenant: &str, id_or_login: &str) -> u8 {
        if let Some(view) = self.find_state(provider, tenant, id_or_login) {
            return self.tier_of(provider, tenant, &principal(view.0, view.1));
        }
        let who = Principal {
            id: Some(Text::from(id_or_login)),
            name: Some(Text::from(id_or_login)),
            kind: PrincipalKind::Unknown,
        };
        self.tier_of(provider, tenant, &who)
    }

    /// Every identity with state, by key.
    pub fn identities(&self) -> Vec<IdentitySummary> {
        let mut out: Vec<IdentitySummary> = self
            .identities
            .iter()
            .map(|(key, state)| IdentitySummary {
                key: key.clone(),
                name: state.name.clone(),
                kind: state.kind,
                tier: self.tier_of(key.provider, &key.tenant, &principal(key, state)),
                factors_bound: state.bound_factors().count(),
                last_seen: state.last_seen,
            })
            .collect();
        out.sort_unstable_by(|a, b| a.key.cmp(&b.key));
        out
    }

    /// Per provider seen or configured: what it sent, its configured sources and whether
    /// each is silent at the latest event, and its blind spots; by provider.
    pub fn coverage(&self) -> Vec<SourceCoverage> {
        let mut by_provider: BTreeMap<Provider, SourceCoverage> = BTreeMap::new();
        let empty = |provider| SourceCoverage {
            provider,
            tenant: None,
            first: None,
            last: None,
            first_signin: None,
            last_factor_event: None,
            sources: Vec::new(),
            blind_spots: Vec::new(),
        };
        for (provider, seen) in self.sources.all() {
            by_provider.insert(
                provider,
                SourceCoverage {
                    tenant: Some(seen.tenant.clone()),
                    first: Some(seen.first),
                    last: Some(seen.last),
                    first_signin: seen.first_signin,
                    last_factor_event: seen.last_factor_event,
                    ..empty(provider)
                },
            );
        }
        for (name, source) in &self.config.sources {
            let Some(provider) = Provider::parse(&source.provider) else { continue };
            let last = self.sources.seen(provider).map(|s| s.last);
            let silent = match (last, self.last, chrono::Duration::from_std(source.expected_interval)) {
                (Some(last), Some(end), Ok(interval)) => end - last > interval,
                (Some(_), _, _) => false,
                (None, _, _) => true,
            };
            by_provider.entry(provider).or_insert_with(|| empty(provider)).sources.push(ConfiguredSource {
                name: name.clone(),
                expected_interval: source.expected_interval,
                silent,
            });
        }
        if let Some(end) = self.last {
            for (provider, _, draft) in self.sources.at_end(&self.config, end) {
                by_provider.entry(provider).or_insert_with(|| empty(provider)).blind_spots.push(draft.summary);
            }
        }
        by_provider.into_values().collect()
    }

    /// Every account `who` names in `provider`'s `tenant`: the one whose immutable id it is;
    /// else every id seen with `who` as login, first seen first; else every identity whose
    /// state carries it as name. More than one means the login is ambiguous: a caller that
    /// acts on one (the decision point) must not pick for the user.
    pub fn ids_named(&self, provider: Provider, tenant: &str, who: &str) -> Vec<Text> {
        let key = IdentityKey { provider, tenant: Text::from(tenant), id: Text::from(who) };
        if self.identities.contains_key(&key) {
            return vec![key.id];
        }
        let login = (provider, Text::from(tenant), Text::from(who.to_ascii_lowercase()));
        if let Some(first) = self.aliases.get(&login) {
            let mut ids = vec![first.clone()];
            ids.extend(self.alias_others.get(&login).into_iter().flatten().cloned());
            return ids;
        }
        let mut ids: Vec<Text> = self
            .identities
            .iter()
            .filter(|(k, s)| {
                k.provider == provider
                    && k.tenant == tenant
                    && s.name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(who))
            })
            .map(|(k, _)| k.id.clone())
            .collect();
        ids.sort_unstable();
        ids
    }

    /// The state of an identity named by id, by a login seen with its id, or by its name.
    fn find_state(&self, provider: Provider, tenant: &str, who: &str) -> Option<(&IdentityKey, &IdentityState)> {
        let key = IdentityKey { provider, tenant: Text::from(tenant), id: Text::from(who) };
        if let Some(found) = self.identities.get_key_value(&key) {
            return Some(found);
        }
        let login = (provider, Text::from(tenant), Text::from(who.to_ascii_lowercase()));
        if let Some(id) = self.aliases.get(&login) {
            let key = IdentityKey { id: id.clone(), ..key };
            return self.identities.get_key_value(&key);
        }
        // Several identities may carry the name: the least key, so the answer is stable.
        self.identities
            .iter()
            .filter(|(k, s)| {
                k.provider == provider
                    && k.tenant == tenant
                    && s.name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(who))
            })
            .min_by(|a, b| a.0.cmp(b.0))
    }
}

fn principal(key: &IdentityKey, state: &IdentityState) -> Principal {
    Principal { id: Some(key.id.clone()), name: state.name.clone(), kind: state.kind }
}

fn factor_view(f: &BoundFactor) -> FactorView {
    FactorView {
        key: f.key.clone(),
        kind: f.kind.clone(),
        class: f.class,
        bound_at: f.bound_at,
        ip: f.ip,
        device: f.device.clone(),
        asn: f.asn,
        country: f.country.clone(),
        actor: f.actor.clone(),
        relation: f.relation,
        unfamiliar: f.unfamiliar,
        flagged_by: f.flagged_by.clone(),
        removed_at: f.removed_at,
        description: f.describe(),
        evidence: f.evidence.clone(),
    }
}
