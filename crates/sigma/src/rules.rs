//! Loading a folder of Sigma rules: every file parsed, every rule routed to the logs it
//! names and compiled, or skipped with the reason. Nothing about a bad rule stops the rest.

use crate::logsource::{Service, route};
use model::{RuleNote, Severity, Text};
use rsigma_parser::{ConditionOperator, CorrelationCondition, CorrelationRule, CorrelationType, Level, SigmaRule};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// File name endings read as rules.
const RULE_EXTENSIONS: [&str; 2] = ["yml", "yaml"];

/// A loaded detection rule.
#[derive(Debug, Clone)]
pub struct Detection {
    pub id: String,
    pub name: Option<String>,
    pub services: Vec<Service>,
    pub rule: SigmaRule,
}

/// A loaded correlation rule over detection rules (by index in [`RuleSet::detections`]).
#[derive(Debug, Clone)]
pub struct Correlation {
    pub id: String,
    pub kind: CorrelationType,
    pub rules: Vec<usize>,
    pub group_by: Vec<String>,
    pub timespan_secs: i64,
    /// The value counted (`value_count`).
    pub field: Option<String>,
    pub condition: Threshold,
}

/// A correlation's condition: every bound given must hold.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Threshold {
    pub gt: Option<u64>,
    pub gte: Option<u64>,
    pub lt: Option<u64>,
    pub lte: Option<u64>,
    pub eq: Option<u64>,
    pub neq: Option<u64>,
}

impl Threshold {
    pub fn holds(&self, n: u64) -> bool {
        self.gt.is_none_or(|v| n > v)
            && self.gte.is_none_or(|v| n >= v)
            && self.lt.is_none_or(|v| n < v)
            && self.lte.is_none_or(|v| n <= v)
            && self.eq.is_none_or(|v| n == v)
            && self.neq.is_none_or(|v| n != v)
    }
}

/// What every loaded rule shows with its findings.
#[derive(Debug, Clone)]
pub struct Meta {
    pub id: String,
    pub severity: Severity,
    pub attack: Vec<Text>,
    pub note: RuleNote,
    /// Whether its matches are findings of their own: a detection rule that a correlation
    /// uses is not, unless the correlation says `generate: true`.
    pub generate: bool,
}

/// A rule left out, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Skipped {
    pub file: PathBuf,
    pub title: String,
    pub reason: String,
}

/// Every loaded rule, detection rules first, then correlations.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    pub detections: Vec<Detection>,
    pub correlations: Vec<Correlation>,
    /// Metadata of detections (same index), then of correlations (after them).
    pub meta: Vec<Meta>,
    pub skipped: Vec<Skipped>,
    /// Rule files read.
    pub files: usize,
}

impl RuleSet {
    pub fn loaded(&self) -> usize {
        self.detections.len() + self.correlations.len()
    }

    pub fn correlation_meta(&self, index: usize) -> Option<&Meta> {
        self.meta.get(self.detections.len() + index)
    }

    /// Loaded rules per service, for the lint summary.
    pub fn per_service(&self) -> BTreeMap<Service, usize> {
        let mut out = BTreeMap::new();
        for d in &self.detections {
            for s in &d.services {
                *out.entry(*s).or_default() += 1;
            }
        }
        out
    }

    /// Loads every `*.yml`/`*.yaml` under `dir` (or the one file `dir` names), in name order.
    pub fn load(dir: &Path) -> std::io::Result<RuleSet> {
        let mut files = Vec::new();
        if dir.is_file() {
            files.push(dir.to_path_buf());
        } else {
            walk(dir, &mut files)?;
        }
        let mut loader = Loader::default();
        for file in &files {
            loader.file(file);
        }
        Ok(loader.finish(files.len()))
    }
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for path in entries {
        let hidden = path.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if hidden {
            continue;
        }
        if path.is_dir() {
            walk(&path, out)?;
        } else if path.extension().is_some_and(|e| RULE_EXTENSIONS.iter().any(|x| e.eq_ignore_ascii_case(x))) {
            out.push(path);
        }
    }
    Ok(())
}

#[derive(Default)]
struct Loader {
    set: RuleSet,
    /// Correlations wait until every detection rule is known.
    pending: Vec<(PathBuf, CorrelationRule)>,
    by_ref: HashMap<String, usize>,
}

impl Loader {
    fn skip(&mut self, file: &Path, title: &str, reason: impl Into<String>) {
        self.set.skipped.push(Skipped { file: file.to_path_buf(), title: title.to_string(), reason: reason.into() });
    }

    fn file(&mut self, file: &Path) {
        let text = match std::fs::read_to_string(file) {
            Ok(text) => text,
            Err(e) => return self.skip(file, "-", format!("cannot read: {e}")),
        };
        let collection = match rsigma_parser::parse_sigma_yaml(&text) {
            Ok(c) => c,
            Err(e) => return self.skip(file, "-", format!("not a Sigma rule: {e}")),
        };
        for error in &collection.errors {
            self.skip(file, "-", format!("not a Sigma rule: {error}"));
        }
        for rule in collection.rules {
            self.detection(file, rule);
        }
        for rule in collection.correlations {
            self.pending.push((file.to_path_buf(), rule));
        }
        if !collection.filters.is_empty() {
            self.skip(file, "-", "Sigma filters are not supported yet; the rules they modify run unfiltered");
        }
    }

    fn detection(&mut self, file: &Path, mut rule: SigmaRule) {
        let ls = &rule.logsource;
        let services = match route(ls.product.as_deref(), ls.service.as_deref(), ls.category.as_deref()) {
            Ok(services) => services,
            Err(unrouted) => return self.skip(file, &rule.title, unrouted.0),
        };
        // Rules without an id still need one to be told apart: their file's name.
        let id = rule.id.clone().unwrap_or_else(|| format!("file:{}", stem(file)));
        if self.by_ref.contains_key(&id) {
            return self.skip(file, &rule.title, format!("duplicate rule id {id}"));
        }
        rule.id = Some(id.clone());
        if let Err(e) = rsigma_eval::compile_rule(&rule) {
            return self.skip(file, &rule.title, format!("cannot compile: {e}"));
        }
        let index = self.set.detections.len();
        self.by_ref.insert(id.clone(), index);
        if let Some(name) = &rule.name {
            self.by_ref.entry(name.clone()).or_insert(index);
        }
        let meta = meta(
            &id,
            rule.level.as_ref(),
            &rule.tags,
            RuleNote {
                title: rule.title.clone(),
                description: rule.description.clone(),
                author: rule.author.clone(),
                references: rule.references.clone(),
                falsepositives: rule.falsepositives.clone(),
                file: file.display().to_string(),
            },
        );
        self.set.meta.push(meta);
        self.set.detections.push(Detection { id, name: rule.name.clone(), services, rule });
    }

    fn correlation(&mut self, file: &Path, rule: CorrelationRule) {
        let supported = matches!(
            rule.correlation_type,
            CorrelationType::EventCount
                | CorrelationType::ValueCount
                | CorrelationType::Temporal
                | CorrelationType::TemporalOrdered
        );
        if !supported {
            return self.skip(
                file,
                &rule.title,
                format!("correlation type {:?} is not supported", rule.correlation_type),
            );
        }
        let mut rules = Vec::new();
        for r in &rule.rules {
            match self.by_ref.get(r) {
                Some(index) => rules.push(*index),
                None => return self.skip(file, &rule.title, format!("refers to rule `{r}`, which is not loaded")),
            }
        }
        let timespan_secs = i64::try_from(rule.timespan.seconds).unwrap_or(i64::MAX);
        if timespan_secs <= 0 {
            return self.skip(file, &rule.title, "the correlation has no timespan");
        }
        let id = rule.id.clone().unwrap_or_else(|| format!("file:{}", stem(file)));
        let (condition, field) = match threshold(rule.correlation_type, &rule.condition, rules.len()) {
            Ok(found) => found,
            Err(why) => return self.skip(file, &rule.title, why),
        };
        if matches!(rule.correlation_type, CorrelationType::ValueCount) && field.is_none() {
            return self.skip(file, &rule.title, "a value_count correlation needs condition.field");
        }
        if !rule.generate {
            for &r in &rules {
                if let Some(meta) = self.set.meta.get_mut(r) {
                    meta.generate = false;
                }
            }
        }
        self.set.correlations.push(Correlation {
            id: id.clone(),
            kind: rule.correlation_type,
            rules,
            group_by: rule.group_by.clone(),
            timespan_secs,
            field,
            condition,
        });
        self.set.meta.push(meta(
            &id,
            rule.level.as_ref(),
            &rule.tags,
            RuleNote {
                title: rule.title.clone(),
                description: rule.description.clone(),
                author: rule.author.clone(),
                references: rule.references.clone(),
                falsepositives: rule.falsepositives.clone(),
                file: file.display().to_string(),
            },
        ));
    }

    fn finish(mut self, files: usize) -> RuleSet {
        for (file, rule) in std::mem::take(&mut self.pending) {
            self.correlation(&file, rule);
        }
        self.set.files = files;
        self.set
    }
}

fn meta(id: &str, level: Option<&Level>, tags: &[String], note: RuleNote) -> Meta {
    Meta { id: id.to_string(), severity: severity(level), attack: attack_ids(tags), note, generate: true }
}

fn stem(file: &Path) -> String {
    file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
}

/// Sigma levels onto factorwatch severities (`informational` is info).
pub fn severity(level: Option<&Level>) -> Severity {
    match level {
        Some(Level::Informational) => Severity::Info,
        Some(Level::Low) => Severity::Low,
        Some(Level::High) => Severity::High,
        Some(Level::Critical) => Severity::Critical,
        Some(Level::Medium) | None => Severity::Medium,
    }
}

/// ATT&CK technique ids from `attack.t1078.004` tags, as `T1078.004`.
pub fn attack_ids(tags: &[String]) -> Vec<Text> {
    tags.iter()
        .filter_map(|t| t.strip_prefix("attack."))
        .filter(|t| t.len() > 1 && t.starts_with(['t', 'T']) && t[1..].starts_with(|c: char| c.is_ascii_digit()))
        .map(|t| Text::from(t.to_ascii_uppercase()))
        .collect()
}

/// A correlation's condition and the field it counts. Temporal correlations need every rule
/// they name in the window: the parser writes their missing condition as `gte: 1`, which
/// for a temporal correlation would mean any one rule, that is no correlation at all.
fn threshold(
    kind: CorrelationType,
    condition: &CorrelationCondition,
    rules: usize,
) -> Result<(Threshold, Option<String>), String> {
    let CorrelationCondition::Threshold { predicates, field, .. } = condition else {
        return Err("boolean correlation conditions are not supported; use a threshold".into());
    };
    let field = match field.as_deref() {
        None | Some([]) => None,
        Some([one]) => Some(one.clone()),
        Some(_) => return Err("a condition over several fields is not supported".into()),
    };
    let mut t = Threshold::default();
    for (op, value) in predicates {
        let slot = match op {
            ConditionOperator::Gt => &mut t.gt,
            ConditionOperator::Gte => &mut t.gte,
            ConditionOperator::Lt => &mut t.lt,
            ConditionOperator::Lte => &mut t.lte,
            ConditionOperator::Eq => &mut t.eq,
            ConditionOperator::Neq => &mut t.neq,
        };
        *slot = Some(*value);
    }
    let temporal = matches!(kind, CorrelationType::Temporal | CorrelationType::TemporalOrdered);
    if t == Threshold::default() || (temporal && t == Threshold { gte: Some(1), ..Threshold::default() }) {
        t = Threshold { gte: Some(rules as u64), ..Threshold::default() };
    }
    Ok((t, field))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attack_tags_become_technique_ids_and_tactics_are_left_out() {
        let tags: Vec<String> = ["attack.persistence", "attack.t1078.004", "attack.T1098", "cve.2021"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(attack_ids(&tags), vec![Text::from("T1078.004"), Text::from("T1098")]);
    }

    #[test]
    fn thresholds_hold_only_within_every_bound() {
        let t = Threshold { gte: Some(3), lt: Some(5), ..Threshold::default() };
        assert!(!t.holds(2));
        assert!(t.holds(3));
        assert!(t.holds(4));
        assert!(!t.holds(5));
    }
}
