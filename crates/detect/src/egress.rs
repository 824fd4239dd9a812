//! Shared egress learned from the data (`[networks.learned_egress]`): a network, an address
//! prefix or an autonomous system, that many identities of one provider's tenant sign in
//! from over days is a VPN, a proxy or an office. For travel and new countries only, it
//! counts as if listed in `vpn_egress`; no other detector reads it.
//!
//! Learning is online: each successful sign-in updates its network's usage, in the order the
//! engine processes events, so a hunt and a stream over the same events learn the same
//! networks at the same events. A network once learned stays learned. Identities are counted
//! per provider and tenant: one person's accounts at six providers are one identity of each,
//! so a network of one person is never egress.

use crate::config::LearnedEgress as Settings;
use crate::state::IdentityKey;
use chrono::{DateTime, Utc};
use ipnet::IpNet;
use model::Client;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::net::IpAddr;

/// Most distinct identities remembered per network: enough to reach any threshold allowed.
pub const MAX_TRACKED: usize = 64;

/// A network sign-ins come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Network {
    /// Addresses under a prefix (`[networks.learned_egress]` prefix lengths).
    Prefix(IpNet),
    /// An autonomous system, where the provider or the GeoIP database gives one.
    Asn(u32),
}

impl std::fmt::Display for Network {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Network::Prefix(net) => write!(f, "{net}"),
            Network::Asn(asn) => write!(f, "AS{asn}"),
        }
    }
}

/// How a network has been used so far.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Usage {
    first: DateTime<Utc>,
    last: DateTime<Utc>,
    /// Each distinct identity seen, hashed: (its provider and tenant, its id). At most
    /// [`MAX_TRACKED`].
    seen: Vec<(u64, u64)>,
    /// The most distinct identities of one provider's tenant among them.
    identities: u32,
    learned_at: Option<DateTime<Utc>>,
}

/// A learned egress network, as `config show --learned` and the console list it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LearnedNetwork {
    /// `203.0.113.0/24`, or `AS64500`.
    pub network: String,
    /// The most distinct identities of one provider's tenant that signed in from it
    /// (counting stops at 64).
    pub identities: u32,
    /// Its first and latest sign-in.
    pub first: DateTime<Utc>,
    /// Its latest sign-in.
    pub last: DateTime<Utc>,
    /// The sign-in that made it egress.
    pub learned_at: DateTime<Utc>,
    /// Why it is egress, in words.
    pub why: String,
}

/// Every network seen in successful sign-ins, with its usage.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Egress {
    #[serde(with = "crate::persist::sorted_pairs")]
    networks: HashMap<Network, Usage>,
    /// The first sign-in learned from: until `min_span` after it, nothing can be egress yet.
    since: Option<DateTime<Utc>>,
}

impl Egress {
    /// Counts a successful sign-in of `identity` at `time` from the networks of `client`.
    pub fn observe(&mut self, settings: &Settings, time: DateTime<Utc>, client: &Client, identity: &IdentityKey) {
        if !settings.enabled {
            return;
        }
        self.since = Some(self.since.map_or(time, |s| s.min(time)));
        let scope = fnv(&[identity.provider.as_str().as_bytes(), identity.tenant.as_bytes()]);
        let who = (scope, fnv(&[identity.id.as_bytes()]));
        for network in networks(settings, client.ip, client.asn).into_iter().flatten() {
            let usage = self.networks.entry(network).or_insert_with(|| Usage {
                first: time,
                last: time,
                seen: Vec::new(),
                identities: 0,
                learned_at: None,
            });
            usage.last = usage.last.max(time);
            usage.first = usage.first.min(time);
            if usage.seen.len() < MAX_TRACKED && !usage.seen.contains(&who) {
                usage.seen.push(who);
                let of_scope = usage.seen.iter().filter(|(s, _)| *s == scope).count() as u32;
                usage.identities = usage.identities.max(of_scope);
            }
            let span = (usage.last - usage.first).to_std().unwrap_or_default();
            if usage.learned_at.is_none() && usage.identities >= settings.min_identities && span >= settings.min_span {
                usage.learned_at = Some(time);
            }
        }
    }

    /// Whether a sign-in from `ip` (in `asn`) comes through learned egress.
    pub fn is_egress(&self, settings: &Settings, ip: Option<IpAddr>, asn: Option<u32>) -> bool {
        settings.enabled
            && networks(settings, ip, asn)
                .into_iter()
                .flatten()
                .any(|n| self.networks.get(&n).is_some_and(|u| u.learned_at.is_some()))
    }

    /// Whether `ip` (in `asn`) is on a network other identities of one tenant use too, not
    /// (yet) learned: it may still turn out to be egress.
    pub fn is_shared(&self, settings: &Settings, ip: Option<IpAddr>, asn: Option<u32>) -> bool {
        settings.enabled
            && networks(settings, ip, asn)
                .into_iter()
                .flatten()
                .any(|n| self.networks.get(&n).is_some_and(|u| u.learned_at.is_none() && u.identities >= 2))
    }

    /// Whether `time` is within the first `min_span` of the sign-ins: no network can have been
    /// learned yet, so every network is one that may still turn out to be egress.
    pub fn warming_up(&self, settings: &Settings, time: DateTime<Utc>) -> bool {
        let span = chrono::TimeDelta::from_std(settings.min_span).unwrap_or(chrono::TimeDelta::MAX);
        settings.enabled && self.since.is_none_or(|s| s.checked_add_signed(span).is_none_or(|end| time < end))
    }

    /// The learned networks, by network.
    pub fn learned(&self, settings: &Settings) -> Vec<LearnedNetwork> {
        let mut out: Vec<(&Network, &Usage, DateTime<Utc>)> =
            self.networks.iter().filter_map(|(n, u)| Some((n, u, u.learned_at?))).collect();
        out.sort_unstable_by_key(|(n, _, _)| **n);
        out.into_iter()
            .map(|(network, u, learned_at)| LearnedNetwork {
                network: network.to_string(),
                identities: u.identities,
                first: u.first,
                last: u.last,
                learned_at,
                why: format!(
                    "{}{} identities of one provider's tenant signed in from it over {}; egress from {} identities over {}",
                    u.identities,
                    if u.seen.len() >= MAX_TRACKED { " or more" } else { "" },
                    span_words(u.last - u.first),
                    settings.min_identities,
                    span_words(chrono::TimeDelta::from_std(settings.min_span).unwrap_or(chrono::TimeDelta::MAX)),
                ),
            })
            .collect()
    }
}

/// The networks an address belongs to: its prefix, and its ASN when learned by ASN.
fn networks(settings: &Settings, ip: Option<IpAddr>, asn: Option<u32>) -> [Option<Network>; 2] {
    let prefix = ip.and_then(|ip| {
        let len = if ip.is_ipv4() { settings.ipv4_prefix } else { settings.ipv6_prefix };
        IpNet::new(ip, len).ok().map(|n| Network::Prefix(n.trunc()))
    });
    [prefix, asn.filter(|_| settings.by_asn).map(Network::Asn)]
}

/// "3 days 4 h", "1 day", "40 min".
fn span_words(span: chrono::TimeDelta) -> String {
    let minutes = span.num_minutes().max(0);
    let days = |d: i64| if d == 1 { "1 day".to_string() } else { format!("{d} days") };
    match (minutes / 1440, minutes % 1440 / 60) {
        (0, 0) => format!("{minutes} min"),
        (0, h) => format!("{h} h"),
        (d, 0) => days(d),
        (d, h) => format!("{} {h} h", days(d)),
    }
}

/// FNV-1a: the same bytes give the same hash in every build, so snapshots stay valid.
fn fnv(parts: &[&[u8]]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.iter().chain(&[0x1f]) {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use model::Provider;

    /// A sign-in's time and client: 2026-05-`day` at `hour`:00 from `ip` in AS64500.
    fn signin(ip: &str, day: u32, hour: u32) -> (DateTime<Utc>, Client) {
        let time = Utc.with_ymd_and_hms(2026, 5, day, hour, 0, 0).single().unwrap_or_default();
        (time, Client { ip: ip.parse().ok(), asn: Some(64500), ..Client::default() })
    }

    fn observe(egress: &mut Egress, settings: &Settings, (time, client): (DateTime<Utc>, Client), who: &IdentityKey) {
        egress.observe(settings, time, &client, who);
    }

    fn who(provider: Provider, id: &str) -> IdentityKey {
        IdentityKey { provider, tenant: "acme".into(), id: id.into() }
    }

    fn ip(s: &str) -> Option<IpAddr> {
        s.parse().ok()
    }

    #[test]
    fn a_network_used_by_one_person_is_never_learned_however_many_accounts_and_days() {
        let settings = Settings::default();
        let mut egress = Egress::default();
        for day in 1..=20 {
            for provider in Provider::ALL {
                observe(&mut egress, &settings, signin("73.12.4.9", day, 9), &who(provider, "alice"));
            }
        }
        assert!(!egress.is_egress(&settings, ip("73.12.4.9"), None));
        assert!(!egress.is_shared(&settings, ip("73.12.4.9"), None), "one identity per provider is not shared");
        assert!(egress.learned(&settings).is_empty());
    }

    #[test]
    fn a_network_many_people_use_over_days_is_learned_with_why() {
        let settings = Settings::default();
        let mut egress = Egress::default();
        for (i, person) in ["a", "b", "c", "d", "e"].into_iter().enumerate() {
            let host = format!("203.0.113.{}", 10 + i);
            observe(&mut egress, &settings, signin(&host, 1, 9 + i as u32), &who(Provider::Okta, person));
        }
        assert!(egress.is_shared(&settings, ip("203.0.113.200"), None), "five people, but within hours");
        assert!(!egress.is_egress(&settings, ip("203.0.113.200"), None));
        observe(&mut egress, &settings, signin("203.0.113.77", 2, 10), &who(Provider::Okta, "a"));
        assert!(egress.is_egress(&settings, ip("203.0.113.200"), None), "the whole /24 is egress");
        assert!(!egress.is_egress(&settings, ip("203.0.114.1"), None));
        let learned = egress.learned(&settings);
        assert_eq!(learned.len(), 1, "{learned:?}");
        assert_eq!(learned[0].network, "203.0.113.0/24");
        assert_eq!(learned[0].identities, 5);
        assert!(
            learned[0].why.contains("5 identities") && learned[0].why.contains("over 1 day 1 h"),
            "{}",
            learned[0].why
        );
    }

    #[test]
    fn a_burst_from_one_network_on_many_accounts_is_not_learned() {
        let settings = Settings::default();
        let mut egress = Egress::default();
        for i in 0..30 {
            observe(&mut egress, &settings, signin("177.54.9.10", 3, 1), &who(Provider::Okta, &format!("victim{i}")));
        }
        assert!(!egress.is_egress(&settings, ip("177.54.9.10"), None));
    }

    #[test]
    fn asns_are_learned_only_when_asked_and_nothing_when_off() {
        let mut settings = Settings { by_asn: true, ..Settings::default() };
        let mut egress = Egress::default();
        for (i, person) in ["a", "b", "c", "d", "e"].into_iter().enumerate() {
            observe(
                &mut egress,
                &settings,
                signin(&format!("10.{i}.0.1"), 1 + i as u32, 9),
                &who(Provider::Okta, person),
            );
        }
        assert!(egress.is_egress(&settings, ip("192.0.2.1"), Some(64500)));
        settings.by_asn = false;
        assert!(!egress.is_egress(&settings, ip("192.0.2.1"), Some(64500)));
        settings.enabled = false;
        let mut off = Egress::default();
        observe(&mut off, &settings, signin("10.0.0.1", 1, 9), &who(Provider::Okta, "a"));
        assert!(off.networks.is_empty());
    }
}
