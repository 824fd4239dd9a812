//! The engine's state as plain data, for stream snapshots: identities, timers and their
//! checks, aliases, sources, mass-enrollment bindings, findings not yet taken, the ids of
//! every finding emitted, counters, the graph, the privileged work seen (observed tiers) and
//! the networks seen in sign-ins (learned egress). What comes from the config (lists, the
//! GeoIP databases) is not saved: it is opened again from the config on restore.

use crate::config::{Config, ConfigError};
use crate::detectors as d;
use crate::engine::{Check, Engine};
use crate::state::{IdentityKey, IdentityState};
use chrono::{DateTime, Utc};
use model::{Finding, Provider, Text};
use serde::{Deserialize, Serialize};
use std::cmp::Reverse;
use std::collections::{HashMap, HashSet};

/// A map as a list of (key, value) pairs: JSON object keys must be strings.
pub(crate) mod pairs {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<'a, M, K, V, S>(map: &'a M, s: S) -> Result<S::Ok, S::Error>
    where
        &'a M: IntoIterator<Item = (&'a K, &'a V)>,
        K: Serialize + 'a,
        V: Serialize + 'a,
        S: Serializer,
    {
        s.collect_seq(map)
    }

    pub fn deserialize<'de, M, K, V, D>(d: D) -> Result<M, D::Error>
    where
        M: FromIterator<(K, V)>,
        K: Deserialize<'de>,
        V: Deserialize<'de>,
        D: Deserializer<'de>,
    {
        Ok(Vec::<(K, V)>::deserialize(d)?.into_iter().collect())
    }
}

/// A map as a list of (key, value) pairs sorted by key, so that the same map always gives
/// the same bytes.
pub(crate) mod sorted_pairs {
    use serde::{Deserializer, Serialize, Serializer};
    use std::collections::HashMap;
    use std::hash::Hash;

    pub fn serialize<K: Serialize + Ord, V: Serialize, S: Serializer>(
        map: &HashMap<K, V>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        let mut pairs: Vec<(&K, &V)> = map.iter().collect();
        pairs.sort_unstable_by(|a, b| a.0.cmp(b.0));
        s.collect_seq(pairs)
    }

    pub fn deserialize<'de, K, V, D>(d: D) -> Result<HashMap<K, V>, D::Error>
    where
        K: serde::Deserialize<'de> + Eq + Hash,
        V: serde::Deserialize<'de>,
        D: Deserializer<'de>,
    {
        super::pairs::deserialize(d)
    }
}

/// A set as a sorted list.
pub(crate) mod sorted_set {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use std::collections::HashSet;
    use std::hash::Hash;

    pub fn serialize<T: Serialize + Ord, S: Serializer>(set: &HashSet<T>, s: S) -> Result<S::Ok, S::Error> {
        let mut items: Vec<&T> = set.iter().collect();
        items.sort_unstable();
        s.collect_seq(items)
    }

    pub fn deserialize<'de, T, D>(d: D) -> Result<HashSet<T>, D::Error>
    where
        T: Deserialize<'de> + Eq + Hash,
        D: Deserializer<'de>,
    {
        HashSet::deserialize(d)
    }
}

type AliasKey = (Provider, Text, Text);

#[derive(Serialize)]
pub(crate) struct Saved<'a> {
    identities: Vec<(&'a IdentityKey, &'a IdentityState)>,
    timers: Vec<(DateTime<Utc>, u64)>,
    checks: Vec<(&'a u64, &'a (IdentityKey, Check))>,
    next_check: u64,
    mass: &'a d::mass_enrollment::MassEnrollment,
    sources: &'a d::blind_spot::Sources,
    findings: &'a [Finding],
    aliases: Vec<(&'a AliasKey, &'a Text)>,
    finding_ids: Vec<&'a String>,
    events: u64,
    first: Option<DateTime<Utc>>,
    last: Option<DateTime<Utc>>,
    graph: &'a graph::Graph,
    observed: &'a crate::observed_tier::ObservedTiers,
    egress: &'a crate::egress::Egress,
    alias_others: Vec<(&'a AliasKey, &'a Vec<Text>)>,
}

#[derive(Deserialize)]
pub(crate) struct Loaded {
    identities: Vec<(IdentityKey, IdentityState)>,
    timers: Vec<(DateTime<Utc>, u64)>,
    checks: Vec<(u64, (IdentityKey, Check))>,
    next_check: u64,
    mass: d::mass_enrollment::MassEnrollment,
    sources: d::blind_spot::Sources,
    findings: Vec<Finding>,
    aliases: Vec<(AliasKey, Text)>,
    finding_ids: HashSet<String>,
    events: u64,
    first: Option<DateTime<Utc>>,
    last: Option<DateTime<Utc>>,
    graph: graph::Graph,
    /// Absent from version 2 snapshots: nothing observed yet.
    #[serde(default)]
    observed: crate::observed_tier::ObservedTiers,
    /// Absent from version 3 snapshots and older: no network learned yet.
    #[serde(default)]
    egress: crate::egress::Egress,
    /// Absent from version 4 snapshots and older: no login of several accounts known yet.
    #[serde(default)]
    alias_others: Vec<(AliasKey, Vec<Text>)>,
}

impl Engine {
    /// The engine's state, borrowed, ready to serialize. Maps are sorted by key so that the
    /// same state always gives the same bytes.
    pub(crate) fn saved(&self) -> Saved<'_> {
        let mut identities: Vec<_> = self.identities.iter().collect();
        identities.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let mut timers: Vec<(DateTime<Utc>, u64)> = self.timers.iter().map(|Reverse(t)| *t).collect();
        timers.sort_unstable();
        let mut checks: Vec<_> = self.checks.iter().collect();
        checks.sort_unstable_by_key(|(id, _)| **id);
        let mut aliases: Vec<_> = self.aliases.iter().collect();
        aliases.sort_unstable();
        let mut alias_others: Vec<_> = self.alias_others.iter().collect();
        alias_others.sort_unstable();
        let mut finding_ids: Vec<&String> = self.finding_ids.iter().collect();
        finding_ids.sort_unstable();
        Saved {
            identities,
            timers,
            checks,
            next_check: self.next_check,
            mass: &self.mass,
            sources: &self.sources,
            findings: &self.findings,
            aliases,
            finding_ids,
            events: self.events,
            first: self.first,
            last: self.last,
            graph: &self.graph,
            observed: &self.observed,
            egress: &self.egress,
            alias_others,
        }
    }

    /// An engine with the saved state, and the lists and GeoIP databases of `config`.
    pub(crate) fn load(config: &Config, loaded: Loaded) -> Result<Engine, ConfigError> {
        let mut engine = Engine::with_graph(config, loaded.graph)?;
        engine.identities = loaded.identities.into_iter().collect();
        engine.timers = loaded.timers.into_iter().map(Reverse).collect();
        engine.checks = loaded.checks.into_iter().collect();
        engine.next_check = loaded.next_check;
        engine.mass = loaded.mass;
        engine.sources = loaded.sources;
        engine.findings = loaded.findings;
        engine.aliases = loaded.aliases.into_iter().collect::<HashMap<_, _>>();
        engine.finding_ids = loaded.finding_ids;
        engine.events = loaded.events;
        engine.first = loaded.first;
        engine.last = loaded.last;
        engine.observed = loaded.observed;
        engine.egress = loaded.egress;
        engine.alias_others = loaded.alias_others.into_iter().collect();
        Ok(engine)
    }
}
