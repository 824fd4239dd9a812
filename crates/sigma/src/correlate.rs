//! Correlation rules over detection matches, in event-time order: per correlation and group
//! key a window of matches; a correlation fires when its condition holds over the window,
//! which then starts again. The state is plain data so the service can keep it across a
//! restart.

use crate::evaluate::Hit;
use crate::facts::Facts;
use crate::rules::{Correlation, RuleSet};
use rsigma_parser::CorrelationType;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// Most matches one group's window holds; the oldest go first.
const MAX_WINDOW: usize = 10_000;

/// One match in a window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub rule: usize,
    pub value: Option<String>,
    pub facts: Facts,
}

/// A correlation whose condition held.
#[derive(Debug, Clone, PartialEq)]
pub struct Fired {
    pub correlation: usize,
    /// The group-by values, `field=value` joined by commas.
    pub group: String,
    pub entries: Vec<Entry>,
}

/// Windows by correlation (by its id, so a rule folder edited between runs does not mix
/// windows up) and group key.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Windows {
    windows: BTreeMap<String, BTreeMap<String, VecDeque<Entry>>>,
}

impl Windows {
    /// Adds a match to every correlation over its rule; returns those that fire.
    pub fn push(&mut self, rules: &RuleSet, hit: &Hit) -> Vec<Fired> {
        let mut fired = Vec::new();
        for (index, c) in rules.correlations.iter().enumerate() {
            if !c.rules.contains(&hit.rule) {
                continue;
            }
            let group = group_key(c, hit);
            let window = self.windows.entry(c.id.clone()).or_default().entry(group.clone()).or_default();
            // The same record posted twice is one match.
            if window.iter().any(|e| e.rule == hit.rule && e.facts.event_id == hit.facts.event_id) {
                continue;
            }
            let value = c.field.as_ref().and_then(|f| lookup(hit, f));
            window.push_back(Entry { rule: hit.rule, value, facts: hit.facts.clone() });
            let oldest = hit.facts.time - chrono::Duration::seconds(c.timespan_secs);
            while window.front().is_some_and(|e| e.facts.time < oldest) || window.len() > MAX_WINDOW {
                window.pop_front();
            }
            if holds(c, window) {
                let entries: Vec<Entry> = window.drain(..).collect();
                fired.push(Fired { correlation: index, group, entries });
            }
        }
        fired
    }
}

fn lookup(hit: &Hit, field: &str) -> Option<String> {
    hit.values.iter().find(|(f, _)| f == field).map(|(_, v)| v.clone())
}

fn group_key(c: &Correlation, hit: &Hit) -> String {
    c.group_by.iter().map(|f| format!("{f}={}", lookup(hit, f).unwrap_or_default())).collect::<Vec<_>>().join(",")
}

fn holds(c: &Correlation, window: &VecDeque<Entry>) -> bool {
    match c.kind {
        CorrelationType::EventCount => c.condition.holds(window.len() as u64),
        CorrelationType::ValueCount => {
            let distinct: BTreeSet<&str> = window.iter().filter_map(|e| e.value.as_deref()).collect();
            c.condition.holds(distinct.len() as u64)
        }
        CorrelationType::Temporal => {
            let distinct: BTreeSet<usize> = window.iter().map(|e| e.rule).collect();
            c.condition.holds(distinct.len() as u64)
        }
        CorrelationType::TemporalOrdered => {
            let mut next = c.rules.iter().peekable();
            for e in window {
                if next.peek().is_some_and(|&&r| r == e.rule) {
                    next.next();
                }
            }
            next.peek().is_none()
        }
        _ => false,
    }
}
