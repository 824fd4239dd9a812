//! Matching records against the loaded rules, on the ingest workers: each service has its
//! own compiled engine, so a record meets only the rules of its log.

use crate::facts::Facts;
use crate::fields::MappedRecord;
use crate::logsource::Service;
use crate::rules::RuleSet;
use ingest::RecordObserver;
use ingest::json::View;
use ingest::shape::Shape;
use model::{Event, SourceRef};
use rsigma_eval::Engine;
use std::collections::HashMap;
use std::sync::Arc;

/// One detection rule matching one record.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// Index in [`RuleSet::detections`].
    pub rule: usize,
    pub facts: Facts,
    /// The fields correlations over this rule group or count by, as text.
    pub values: Vec<(String, String)>,
}

pub struct Evaluator {
    rules: Arc<RuleSet>,
    /// One engine per [`Service`], by its position in [`Service::ALL`].
    engines: Vec<Option<Engine>>,
    by_id: HashMap<String, usize>,
    /// Per detection rule, the fields its correlations read.
    wanted: Vec<Vec<String>>,
}

impl Evaluator {
    pub fn new(rules: Arc<RuleSet>) -> Evaluator {
        let mut engines: Vec<Option<Engine>> = Service::ALL.iter().map(|_| None).collect();
        let mut by_id = HashMap::new();
        for (index, detection) in rules.detections.iter().enumerate() {
            by_id.insert(detection.id.clone(), index);
            for service in &detection.services {
                let Some(slot) = engines.get_mut(*service as usize) else { continue };
                // Rules were compiled once at load; one that compiled then compiles now.
                let _ = slot.get_or_insert_with(Engine::new).add_rule(&detection.rule);
            }
        }
        let mut wanted: Vec<Vec<String>> = vec![Vec::new(); rules.detections.len()];
        for c in &rules.correlations {
            for &r in &c.rules {
                if let Some(fields) = wanted.get_mut(r) {
                    for f in c.group_by.iter().chain(c.field.iter()) {
                        if !fields.contains(f) {
                            fields.push(f.clone());
                        }
                    }
                }
            }
        }
        Evaluator { rules, engines, by_id, wanted }
    }

    pub fn rules(&self) -> &Arc<RuleSet> {
        &self.rules
    }

    /// Rules of a service (for `rules lint`).
    pub fn engine_rules(&self, service: Service) -> usize {
        self.engines.get(service as usize).and_then(|e| e.as_ref()).map_or(0, |e| e.rule_count())
    }
}

impl RecordObserver for Evaluator {
    type Hit = Hit;

    fn observe(&self, shape: Shape, rec: View<'_, '_>, at: &SourceRef, events: &[Event], hits: &mut Vec<Hit>) {
        let service = Service::of(shape, rec);
        let Some(Some(engine)) = self.engines.get(service as usize) else { return };
        let record = MappedRecord::new(shape, service, rec);
        let matches = engine.evaluate(&record);
        if matches.is_empty() {
            return;
        }
        let Some(facts) = Facts::of(shape, rec, at, events) else { return };
        for m in matches {
            let Some(&rule) = m.header.rule_id.as_ref().and_then(|id| self.by_id.get(id.as_str())) else { continue };
            let values = self
                .wanted
                .get(rule)
                .into_iter()
                .flatten()
                .filter_map(|f| record.text(f).map(|v| (f.clone(), v)))
                .collect();
            hits.push(Hit { rule, facts: facts.clone(), values });
        }
    }
}
