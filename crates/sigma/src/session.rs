//! The ordered half of Sigma evaluation: matches in event-time order through the
//! correlations, and out as findings. `hunt` runs one over a whole run; the service keeps one
//! and saves its state.

use crate::correlate::Windows;
use crate::evaluate::Hit;
use crate::finding;
use crate::rules::RuleSet;
use model::Finding;
use std::sync::Arc;

pub struct Session {
    rules: Arc<RuleSet>,
    windows: Windows,
}

/// Matches are put in this order before correlation: event time, then event id, so that
/// the same matches give the same windows whichever order they were read in.
pub fn order(hits: &mut [Hit]) {
    hits.sort_by(|a, b| (a.facts.time, &a.facts.event_id, a.rule).cmp(&(b.facts.time, &b.facts.event_id, b.rule)));
}

impl Session {
    pub fn new(rules: Arc<RuleSet>) -> Session {
        Session { rules, windows: Windows::default() }
    }

    /// Resumes with saved correlation windows.
    pub fn with_windows(rules: Arc<RuleSet>, windows: Windows) -> Session {
        Session { rules, windows }
    }

    pub fn windows(&self) -> &Windows {
        &self.windows
    }

    /// Findings of `hits` (put in [`order`] first): each match of a rule that generates
    /// findings, and each correlation that fires.
    pub fn process(&mut self, mut hits: Vec<Hit>) -> Vec<Finding> {
        order(&mut hits);
        let mut out = Vec::new();
        for hit in &hits {
            if let Some(meta) = self.rules.meta.get(hit.rule).filter(|m| m.generate) {
                out.push(finding::of_hit(meta, hit));
            }
            for fired in self.windows.push(&self.rules, hit) {
                if let Some(f) =
                    self.rules.correlation_meta(fired.correlation).and_then(|m| finding::of_fired(m, &fired))
                {
                    out.push(f);
                }
            }
        }
        out
    }
}
