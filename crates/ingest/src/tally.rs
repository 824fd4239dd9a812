//! Counts of what a run read: events per provider and category, records not relevant to
//! identity per provider and action, duplicates collapsed, and every problem — the first
//! [`LISTED_PROBLEMS`] listed with where and why, all of them counted by kind.

use crate::error::Diagnostic;
use model::{Category, Event, Provider, Text};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Problems kept with their source, line and reason; past this they are only counted, so a
/// body of millions of bad lines costs counters, not millions of messages.
pub const LISTED_PROBLEMS: usize = 1000;

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
    /// Records of factorwatch's own files met among the logs (a generated tenant's answer key,
    /// a decision ledger): skipped, not problems.
    pub own_records: u64,
    /// Events dropped as duplicates of one already emitted (docs/events.md §0 de-duplication).
    pub duplicates: u64,
    /// The first [`LISTED_PROBLEMS`] records or sources that could not be read, in reading
    /// order; [`Tally::problem_count`] counts them all.
    pub diagnostics: Vec<Diagnostic>,
    /// Every problem, listed or not, by kind (`not_json`, `future_time`, …).
    pub problems_by_kind: BTreeMap<&'static str, u64>,
    /// Records of a provider's shape (identity events or not) per source opened, so that a
    /// path holding none can be named even when other paths held plenty.
    pub recognized_by_source: BTreeMap<Arc<str>, u64>,
}

impl Tally {
    /// Counts a problem, and lists it while fewer than [`LISTED_PROBLEMS`] are listed.
    pub fn record_error(&mut self, d: Diagnostic) {
        *self.problems_by_kind.entry(d.error.kind()).or_default() += 1;
        if self.diagnostics.len() < LISTED_PROBLEMS {
            self.diagnostics.push(d);
        }
    }

    /// Puts problems found before the run (unreadable paths) ahead of the run's own.
    pub fn prepend_problems(&mut self, problems: Vec<Diagnostic>) {
        let listed = std::mem::take(&mut self.diagnostics);
        for d in problems {
            self.record_error(d);
        }
        self.diagnostics.extend(listed);
        self.diagnostics.truncate(LISTED_PROBLEMS);
    }

    /// Problems in all, listed or not.
    pub fn problem_count(&self) -> u64 {
        self.problems_by_kind.values().sum()
    }

    /// Problems counted but not listed in [`Tally::diagnostics`].
    pub fn unlisted_problems(&self) -> u64 {
        self.problem_count().saturating_sub(self.diagnostics.len() as u64)
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

    /// Records of a provider's shape, identity events or not.
    pub fn recognized(&self) -> u64 {
        self.relevant + self.not_relevant_total()
    }

    /// Events emitted, in all.
    pub fn event_total(&self) -> u64 {
        self.events.values().sum()
    }

    /// Adds another tally's counts; its listed problems follow this one's, up to the limit.
    pub(crate) fn merge(&mut self, other: Tally) {
        self.sources += other.sources;
        self.records += other.records;
        self.relevant += other.relevant;
        self.duplicates += other.duplicates;
        self.own_records += other.own_records;
        for (k, n) in other.events {
            *self.events.entry(k).or_default() += n;
        }
        for (k, n) in other.not_relevant {
            *self.not_relevant.entry(k).or_default() += n;
        }
        for (k, n) in other.problems_by_kind {
            *self.problems_by_kind.entry(k).or_default() += n;
        }
        for (k, n) in other.recognized_by_source {
            *self.recognized_by_source.entry(k).or_default() += n;
        }
        let room = LISTED_PROBLEMS.saturating_sub(self.diagnostics.len());
        self.diagnostics.extend(other.diagnostics.into_iter().take(room));
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::error::RecordError;
    use model::SourceRef;

    fn problem(line: u64) -> Diagnostic {
        let at = SourceRef { source: "body".into(), line, index: None };
        Diagnostic { at, error: RecordError::UnknownShape { keys: "{}".into() } }
    }

    #[test]
    fn problems_past_the_listed_limit_are_counted_not_kept() {
        let mut tally = Tally::default();
        for line in 0..(LISTED_PROBLEMS as u64 * 3) {
            tally.record_error(problem(line + 1));
        }
        assert_eq!(tally.diagnostics.len(), LISTED_PROBLEMS);
        assert_eq!(tally.problem_count(), LISTED_PROBLEMS as u64 * 3);
        assert_eq!(tally.unlisted_problems(), LISTED_PROBLEMS as u64 * 2);
        assert_eq!(tally.problems_by_kind.get("unknown_shape"), Some(&(LISTED_PROBLEMS as u64 * 3)));
        assert_eq!(tally.diagnostics.first().unwrap().at.line, 1);
    }

    #[test]
    fn merging_keeps_every_count_and_lists_up_to_the_limit() {
        let (mut a, mut b) = (Tally::default(), Tally::default());
        (1..=900).for_each(|l| a.record_error(problem(l)));
        (901..=1800).for_each(|l| b.record_error(problem(l)));
        a.merge(b);
        assert_eq!(a.problem_count(), 1800);
        assert_eq!(a.diagnostics.len(), LISTED_PROBLEMS);
        a.prepend_problems(vec![problem(0)]);
        assert_eq!(a.problem_count(), 1801);
        assert_eq!(a.diagnostics.first().unwrap().at.line, 0);
        assert_eq!(a.diagnostics.len(), LISTED_PROBLEMS);
    }
}
