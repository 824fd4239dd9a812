//! Counts of what a run read: events per provider and category, records not relevant to
//! identity per provider and action, duplicates collapsed, and every diagnostic.

use crate::error::Diagnostic;
use model::{Category, Event, Provider, Text};
use std::collections::BTreeMap;

/// What one run read, for the summary a user sees.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Tally {
    /// Sources opened: files, stdin, in-memory inputs.
    pub sources: u64,
    /// Records seen: lines, array elements and envelope members that were JSON.
    pub records: u64,
    /// Records that produced identity events.
    pub relevant: u64,
    /// Events emitted, per provider and category.
    pub events: BTreeMap<(Provider, Category), u64>,
    /// Records of a known shape not about identity, per provider and action.
    pub not_relevant: BTreeMap<(Provider, Text), u64>,
    /// Events dropped as duplicates of one already emitted (docs/events.md §0 de-duplication).
    pub duplicates: u64,
    /// Every record or source that could not be read, in reading order.
    pub diagnostics: Vec<Diagnostic>,
}

impl Tally {
    pub(crate) fn record_error(&mut self, d: Diagnostic) {
        self.diagnostics.push(d);
    }

    pub(crate) fn count_event(&mut self, e: &Event) {
        *self.events.entry((e.provider, e.category)).or_default() += 1;
    }

    pub(crate) fn uncount_event(&mut self, e: &Event) {
        if let Some(n) = self.events.get_mut(&(e.provider, e.category)) {
            *n = n.saturating_sub(1);
        }
    }

    pub(crate) fn count_not_relevant(&mut self, provider: Provider, action: Text) {
        *self.not_relevant.entry((provider, action)).or_default() += 1;
    }

    /// Records not relevant to identity, in all.
    pub fn not_relevant_total(&self) -> u64 {
        self.not_relevant.values().sum()
    }

    /// Events emitted, in all.
    pub fn event_total(&self) -> u64 {
        self.events.values().sum()
    }

    /// Adds another tally's counts; its diagnostics follow this one's.
    pub(crate) fn merge(&mut self, other: Tally) {
        self.sources += other.sources;
        self.records += other.records;
        self.relevant += other.relevant;
        self.duplicates += other.duplicates;
        for (k, n) in other.events {
            *self.events.entry(k).or_default() += n;
        }
        for (k, n) in other.not_relevant {
            *self.not_relevant.entry(k).or_default() += n;
        }
        self.diagnostics.extend(other.diagnostics);
    }
}
