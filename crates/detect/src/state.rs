//! What factorwatch remembers about each identity: factors with their binding context,
//! recovery changes, the sign-in baseline, recent risk, and credentials issued. Every
//! collection is bounded, so memory grows with identities, not with events.

use crate::detector::Detector;
use crate::risk::RiskCause;
use chrono::{DateTime, Duration, Utc};
use model::{ActorRelation, Event, Evidence, FactorClass, Principal, PrincipalKind, Provider, Text};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::net::IpAddr;

/// Most factors remembered per identity, history included (NIST SP 800-63B-4 §4.1 asks
/// for a record of every authenticator ever bound; the oldest removed ones go first).
const MAX_FACTORS: usize = 32;
/// Most distinct values in each baseline set.
const MAX_BASELINE: usize = 64;
/// Most timestamps kept in each recent-activity queue.
const MAX_RECENT: usize = 64;

/// An identity: (provider, tenant, immutable id).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct IdentityKey {
    /// The provider whose logs name the identity.
    pub provider: Provider,
    /// The tenant (organisation) it belongs to.
    pub tenant: Text,
    /// Its immutable id at the provider.
    pub id: Text,
}

impl IdentityKey {
    /// The key of `who` in `event`'s provider and tenant (none when `who` has no id).
    pub fn of(event: &Event, who: &Principal) -> Option<IdentityKey> {
        Some(IdentityKey { provider: event.provider, tenant: event.tenant.clone(), id: Text::from(who.key()?) })
    }
}

/// How factorwatch knows that a factor is bound: the logs show its enrollment, the logs
/// show it used (it was bound before the first log line), or a provider's state export
/// lists it. Only an enrollment tells how and from where it was bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FactorOrigin {
    /// An enrollment event placed it; `bound_at` is the enrollment time.
    #[default]
    Enrolled,
    /// A successful challenge or sign-in named it; `bound_at` is its first use seen.
    SeenInUse,
    /// A provider snapshot listed it; `bound_at` is the enrollment time the snapshot gives,
    /// else the snapshot's time: it was bound by then.
    Snapshot,
}

/// A factor bound to the identity, and the context it was bound in.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BoundFactor {
    /// The factor's id where the provider gives one, else its kind.
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
    /// Bound from a device, IP or network not in the identity's baseline.
    pub unfamiliar: bool,
    /// Detectors that flagged the binding (FW-002, FW-004, FW-007).
    pub flagged_by: Vec<Detector>,
    pub removed_at: Option<DateTime<Utc>>,
    pub evidence: Evidence,
    /// How the binding is known; the context fields above are empty unless `Enrolled`.
    #[serde(default)]
    pub origin: FactorOrigin,
    /// The provider's display name for it (a phone number, a device or key name), where
    /// logged: Duo names a phone by its number in the admin log and by a device name that
    /// carries the number in the authentication log.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Text>,
}

impl BoundFactor {
    /// A factor known without its binding (seen in use, or listed by a snapshot): who bound
    /// it, and from where, is not known.
    pub fn known_without_binding(
        origin: FactorOrigin,
        factor: &model::Factor,
        key: Text,
        bound_at: DateTime<Utc>,
        evidence: Evidence,
    ) -> BoundFactor {
        BoundFactor {
            key,
            kind: factor.kind.clone(),
            class: factor.class,
            bound_at,
            ip: None,
            device: None,
            asn: None,
            country: None,
            actor: None,
            relation: ActorRelation::SelfService,
            unfamiliar: false,
            flagged_by: Vec::new(),
            removed_at: None,
            evidence,
            origin,
            name: factor.name.clone(),
        }
    }

    pub fn is_bound(&self) -> bool {
        self.removed_at.is_none()
    }

    /// "SMS_FACTOR +1 555… bound 2026-05-04 10:31 from 203.0.113.9 (DE) by helpdesk@acme.com"
    pub fn describe(&self) -> String {
        let mut s = format!("{} ({})", self.kind.as_deref().unwrap_or(&self.key), self.class);
        let when = self.bound_at.format("%Y-%m-%d %H:%M UTC");
        match self.origin {
            FactorOrigin::Enrolled => s.push_str(&format!(" bound {when}")),
            FactorOrigin::SeenInUse => s.push_str(&format!(" seen in use since {when}")),
            FactorOrigin::Snapshot => s.push_str(&snapshot_words(self)),
        }
        if let Some(ip) = self.ip {
            s.push_str(&format!(" from {ip}"));
        }
        if let Some(c) = &self.country {
            s.push_str(&format!(" ({c})"));
        }
        if self.relation != ActorRelation::SelfService
            && let Some(actor) = self.actor.as_ref().and_then(|a| a.name.as_deref().or(a.id.as_deref()))
        {
            s.push_str(&format!(" by {actor}"));
        }
        s
    }
}

/// " listed in the snapshot of T1, enrolled T0": the snapshot's time, and the enrollment
/// time where the snapshot gave one.
pub fn snapshot_words(f: &BoundFactor) -> String {
    let mut s = format!(" listed in the snapshot of {}", f.evidence.time.format("%Y-%m-%d %H:%M UTC"));
    if f.bound_at != f.evidence.time {
        s.push_str(&format!(", enrolled {}", f.bound_at.format("%Y-%m-%d %H:%M UTC")));
    }
    s
}

/// A factor that survived a reset (FW-003), remembered so that its next use escalates.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Survivor {
    pub key: Text,
    pub reset: Evidence,
    pub binding: Evidence,
    pub described: String,
}

/// A sign-in place and time, for travel checks.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SigninPoint {
    pub time: DateTime<Utc>,
    pub lat: f64,
    pub lon: f64,
    pub country: Option<Text>,
    pub ip: Option<IpAddr>,
    /// Absent from snapshots before learned egress: no ASN known.
    #[serde(default)]
    pub asn: Option<u32>,
    pub trusted: bool,
    pub session: Option<Text>,
    pub evidence: Evidence,
}

/// Why a sign-in was risky, and when.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RiskMark {
    pub time: DateTime<Utc>,
    pub reasons: Vec<RiskCause>,
    pub evidence: Evidence,
}

/// Values seen for an identity, each with when it was last seen.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SeenSet<T> {
    items: Vec<(T, DateTime<Utc>)>,
}

impl<T> Default for SeenSet<T> {
    fn default() -> SeenSet<T> {
        SeenSet { items: Vec::new() }
    }
}

impl<T: PartialEq + Clone> SeenSet<T> {
    pub fn contains(&self, item: &T, since: DateTime<Utc>) -> bool {
        self.items.iter().any(|(i, t)| i == item && *t >= since)
    }

    /// Every value remembered, in no particular order.
    pub fn values(&self) -> impl Iterator<Item = &T> {
        self.items.iter().map(|(i, _)| i)
    }

    pub fn insert(&mut self, item: T, time: DateTime<Utc>) {
        if let Some(entry) = self.items.iter_mut().find(|(i, _)| *i == item) {
            entry.1 = entry.1.max(time);
            return;
        }
        if self.items.len() >= MAX_BASELINE
            && let Some(oldest) = self.items.iter().enumerate().min_by_key(|(_, (_, t))| *t).map(|(i, _)| i)
        {
            self.items.swap_remove(oldest);
        }
        self.items.push((item, time));
    }
}

/// Timestamps of recent events of one kind, oldest first, bounded.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Recent {
    items: VecDeque<Evidence>,
}

impl Recent {
    pub fn push(&mut self, evidence: Evidence) {
        if self.items.len() >= MAX_RECENT {
            self.items.pop_front();
        }
        self.items.push_back(evidence);
    }

    /// Events in `[from, to]`.
    pub fn between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> impl Iterator<Item = &Evidence> {
        self.items.iter().filter(move |e| e.time >= from && e.time <= to)
    }

    /// Every event remembered, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &Evidence> {
        self.items.iter()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IdentityState {
    pub name: Option<Text>,
    pub kind: PrincipalKind,
    pub first_seen: DateTime<Utc>,
    /// The latest event about the identity, or made by it.
    pub last_seen: DateTime<Utc>,
    /// Successful sign-ins seen (all time; the baseline sets are windowed).
    pub signins: u32,
    pub devices: SeenSet<Text>,
    pub countries: SeenSet<Text>,
    pub asns: SeenSet<u32>,
    pub ips: SeenSet<IpAddr>,
    pub last_signin: Option<SigninPoint>,
    pub risky: VecDeque<RiskMark>,
    pub push_denials: Recent,
    /// The last MFA-fatigue burst: when it was reported, and its evidence.
    pub fatigue: Option<(DateTime<Utc>, Vec<Evidence>)>,
    pub factors: Vec<BoundFactor>,
    pub factor_changes: Recent,
    pub recovery_changes: Recent,
    pub secrets_issued: Recent,
    /// Bindings ever seen: the first factor of a new account is onboarding.
    pub ever_bound: bool,
    pub survivors: Vec<Survivor>,
}

impl IdentityState {
    pub fn new(event: &Event, who: &Principal) -> IdentityState {
        IdentityState {
            name: who.name.clone(),
            kind: who.kind,
            first_seen: event.time,
            last_seen: event.time,
            signins: 0,
            devices: SeenSet::default(),
            countries: SeenSet::default(),
            asns: SeenSet::default(),
            ips: SeenSet::default(),
            last_signin: None,
            risky: VecDeque::new(),
            push_denials: Recent::default(),
            fatigue: None,
            factors: Vec::new(),
            factor_changes: Recent::default(),
            recovery_changes: Recent::default(),
            secrets_issued: Recent::default(),
            ever_bound: false,
            survivors: Vec::new(),
        }
    }

    /// Whether this client is outside the identity's baseline (device, country or ASN never
    /// seen in the window). Returns the first unfamiliar trait, for explanations.
    pub fn unfamiliar(&self, event: &Event, since: DateTime<Utc>) -> Option<RiskCause> {
        let c = &event.client;
        if let Some(d) = &c.device_id
            && !self.devices.contains(d, since)
        {
            return Some(RiskCause::UnfamiliarDevice { device: d.clone() });
        }
        if let Some(country) = c.geo.as_ref().and_then(|g| g.country.as_ref())
            && !self.countries.contains(country, since)
        {
            return Some(RiskCause::UnfamiliarCountry { country: country.clone() });
        }
        if let Some(asn) = c.asn
            && !self.asns.contains(&asn, since)
        {
            return Some(RiskCause::UnfamiliarNetwork { asn });
        }
        None
    }

    /// Adds a successful sign-in's client to the baseline.
    pub fn learn_client(&mut self, event: &Event) {
        let c = &event.client;
        if let Some(d) = &c.device_id {
            self.devices.insert(d.clone(), event.time);
        }
        if let Some(country) = c.geo.as_ref().and_then(|g| g.country.clone()) {
            self.countries.insert(country, event.time);
        }
        if let Some(asn) = c.asn {
            self.asns.insert(asn, event.time);
        }
        if let Some(ip) = c.ip {
            self.ips.insert(ip, event.time);
        }
    }

    pub fn mark_risky(&mut self, reasons: Vec<RiskCause>, evidence: Evidence) {
        if self.risky.len() >= MAX_RECENT {
            self.risky.pop_front();
        }
        self.risky.push_back(RiskMark { time: evidence.time, reasons, evidence });
    }

    /// The most recent risk mark in `[time - window, time]`.
    pub fn risky_within(&self, time: DateTime<Utc>, window: Duration) -> Option<&RiskMark> {
        self.risky.iter().rev().find(|m| m.time <= time && m.time >= time - window)
    }

    pub fn bound_factors(&self) -> impl Iterator<Item = &BoundFactor> {
        self.factors.iter().filter(|f| f.is_bound())
    }

    pub fn find_bound(&self, key: &str) -> Option<&BoundFactor> {
        self.bound_factors().find(|f| f.key == key)
    }

    pub fn add_factor(&mut self, factor: BoundFactor) {
        self.ever_bound = true;
        if self.factors.len() >= MAX_FACTORS {
            let oldest_removed = self.factors.iter().position(|f| !f.is_bound());
            self.factors.remove(oldest_removed.unwrap_or(0));
        }
        self.factors.push(factor);
    }

    /// Marks factors removed: the one named by `key`, or every bound one of `kind` when the
    /// event names no id.
    pub fn remove_factor(&mut self, key: Option<&str>, kind: Option<&str>, time: DateTime<Utc>) {
        for f in self.factors.iter_mut().filter(|f| f.is_bound()) {
            let hit = match (key, kind) {
                (Some(k), _) => f.key == k,
                (None, Some(kind)) => f.kind.as_deref().is_some_and(|fk| fk.eq_ignore_ascii_case(kind)),
                (None, None) => false,
            };
            if hit {
                f.removed_at = Some(time);
            }
        }
    }

    pub fn remove_all_factors(&mut self, time: DateTime<Utc>) {
        for f in self.factors.iter_mut().filter(|f| f.is_bound()) {
            f.removed_at = Some(time);
        }
    }
}

/// The evidence record of an event.
pub fn evidence(event: &Event) -> Evidence {
    Evidence {
        provider: event.provider,
        event_id: event.id.clone(),
        time: event.time,
        category: event.category,
        action: event.action.clone(),
        source: Text::from(event.source.to_string()),
    }
}

/// The key a factor is remembered by: its id, else its kind, else its class.
pub fn factor_key(event: &Event) -> Text {
    match &event.factor {
        Some(f) => f.id.clone().or_else(|| f.kind.clone()).unwrap_or_else(|| Text::from(f.class.as_str())),
        None => Text::from("unknown"),
    }
}
