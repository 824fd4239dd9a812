//! Loading the policy set: the shipped schema and default policies (embedded), overlaid
//! by a policy directory whose files replace defaults of the same name or add to them.
//! Everything is parsed and validated here, once; a problem refuses the whole set and is
//! reported with its file, line and column.

use crate::rules::{Rule, Target, rule_of};
use cedar_policy::{ActionConstraint, Policy, PolicyId, PolicySet, Schema, ValidationMode, Validator};
use miette::Diagnostic;
use std::collections::HashMap;
use std::fmt;
use std::path::Path;
use std::str::FromStr;

/// The shipped Cedar schema.
pub const SCHEMA: &str = include_str!("../policies/schema.cedarschema");

/// The shipped default policies, by file name.
pub const DEFAULTS: [(&str, &str); 7] = [
    ("allow.cedar", include_str!("../policies/default/allow.cedar")),
    ("binding.cedar", include_str!("../policies/default/binding.cedar")),
    ("delegated.cedar", include_str!("../policies/default/delegated.cedar")),
    ("notify.cedar", include_str!("../policies/default/notify.cedar")),
    ("privileged.cedar", include_str!("../policies/default/privileged.cedar")),
    ("risky.cedar", include_str!("../policies/default/risky.cedar")),
    ("weaker.cedar", include_str!("../policies/default/weaker.cedar")),
];

const ACTION_TYPE: &str = "Factorwatch::Action";

/// One policy file: its name (for errors and overriding) and text.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyFile {
    /// The file's name.
    pub name: String,
    /// Its Cedar text.
    pub text: String,
}

/// One thing wrong with a policy file.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// The file.
    pub file: String,
    /// 1-based; 0 when the problem has no position.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.file, self.message)
        } else {
            write!(f, "{}:{}:{}: {}", self.file, self.line, self.column, self.message)
        }
    }
}

/// Why a policy set cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// Files of the set do not parse or do not validate.
    #[error("policy set refused: {} problem(s)\n{}", .0.len(), list(.0))]
    Invalid(Vec<Problem>),
    /// The policy folder cannot be read.
    #[error("cannot read policy directory `{path}`")]
    Read {
        /// The folder or file.
        path: String,
        /// What reading it said.
        source: std::io::Error,
    },
    /// The schema shipped with the build does not parse.
    #[error("shipped schema does not parse: {0}")]
    Schema(String),
}

impl LoadError {
    /// The problems, when the set was refused for its content.
    pub fn problems(&self) -> &[Problem] {
        match self {
            LoadError::Invalid(p) => p,
            _ => &[],
        }
    }
}

fn list(problems: &[Problem]) -> String {
    problems.iter().map(|p| format!("  {p}")).collect::<Vec<_>>().join("\n")
}

/// A validated policy set, split by action, with each rule's meaning read from its
/// annotations.
#[derive(Debug, Clone)]
pub struct Policies {
    pub(crate) schema: Schema,
    pub(crate) bind: PolicySet,
    pub(crate) notify: PolicySet,
    pub(crate) rules: HashMap<String, Rule>,
    files: Vec<String>,
}

impl Policies {
    /// The shipped defaults.
    pub fn defaults() -> Result<Policies, LoadError> {
        Policies::from_files(default_files())
    }

    /// The defaults overlaid by the `*.cedar` files of `dir`: a file named like a default
    /// replaces it (an empty file switches it off), others add.
    pub fn from_dir(dir: &Path) -> Result<Policies, LoadError> {
        let read_err = |source| LoadError::Read { path: dir.display().to_string(), source };
        let mut extra = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(read_err)? {
            let path = entry.map_err(read_err)?.path();
            if path.extension().and_then(|e| e.to_str()) != Some("cedar") {
                continue;
            }
            let text = std::fs::read_to_string(&path)
                .map_err(|source| LoadError::Read { path: path.display().to_string(), source })?;
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
            extra.push(PolicyFile { name, text });
        }
        extra.sort_by(|a, b| a.name.cmp(&b.name));
        Policies::from_files(overlay(default_files(), extra))
    }

    /// Exactly these files, validated against the shipped schema.
    pub fn from_files(files: Vec<PolicyFile>) -> Result<Policies, LoadError> {
        let (schema, _warnings) = Schema::from_cedarschema_str(SCHEMA).map_err(|e| LoadError::Schema(e.to_string()))?;
        let mut problems = Vec::new();
        let mut all = PolicySet::new();
        let mut bind = PolicySet::new();
        let mut notify = PolicySet::new();
        let mut rules = HashMap::new();
        let mut origin: HashMap<String, usize> = HashMap::new();
        for (index, file) in files.iter().enumerate() {
            let set = match PolicySet::from_str(&file.text) {
                Ok(set) => set,
                Err(errors) => {
                    problems.extend(errors.iter().map(|e| problem_at(file, e)));
                    continue;
                }
            };
            if set.templates().next().is_some() {
                problems.push(Problem {
                    file: file.name.clone(),
                    line: 0,
                    column: 0,
                    message: "templates are not supported: write static policies".into(),
                });
            }
            for policy in set.policies() {
                match admit(policy, &origin) {
                    Ok((id, target)) => {
                        let renamed = policy.new_id(PolicyId::new(&id));
                        let annotation = |key: &str| renamed.annotation(key).map(str::to_string);
                        match rule_of(&id, target, policy.effect() == cedar_policy::Effect::Forbid, annotation) {
                            Ok(mut rule) => {
                                rule.reads_risk = renamed.to_string().contains("context.risky");
                                rules.insert(id.clone(), rule);
                            }
                            Err(message) => problems.push(at_id(file, &id, format!("policy `{id}`: {message}"))),
                        }
                        origin.insert(id, index);
                        let into = match target {
                            Target::Bind => &mut bind,
                            Target::Notify => &mut notify,
                        };
                        // Ids are unique (checked by `admit`), so adding cannot fail.
                        let _ = into.add(renamed.clone());
                        let _ = all.add(renamed);
                    }
                    Err(message) => problems.push(position_of_policy(file, policy, message)),
                }
            }
        }
        let validation = Validator::new(schema.clone()).validate(&all, ValidationMode::Strict);
        for error in validation.validation_errors() {
            let id = error.policy_id().to_string();
            let file = origin.get(&id).and_then(|i| files.get(*i));
            match file {
                Some(file) => problems.push(problem_at(file, error)),
                None => problems.push(Problem { file: "?".into(), line: 0, column: 0, message: error.to_string() }),
            }
        }
        if !problems.is_empty() {
            return Err(LoadError::Invalid(problems));
        }
        Ok(Policies { schema, bind, notify, rules, files: files.into_iter().map(|f| f.name).collect() })
    }

    /// The rule a policy id names.
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.get(id)
    }

    /// All rules, sorted by id.
    pub fn rules(&self) -> Vec<&Rule> {
        let mut rules: Vec<&Rule> = self.rules.values().collect();
        rules.sort_by(|a, b| a.id.cmp(&b.id));
        rules
    }

    /// The files the set was built from, in load order.
    pub fn files(&self) -> &[String] {
        &self.files
    }
}

/// The embedded default files.
pub fn default_files() -> Vec<PolicyFile> {
    DEFAULTS.iter().map(|(name, text)| PolicyFile { name: (*name).to_string(), text: (*text).to_string() }).collect()
}

/// `base` with each file of `extra` replacing the one of the same name, or appended.
pub fn overlay(mut base: Vec<PolicyFile>, extra: Vec<PolicyFile>) -> Vec<PolicyFile> {
    for file in extra {
        match base.iter_mut().find(|b| b.name == file.name) {
            Some(slot) => *slot = file,
            None => base.push(file),
        }
    }
    base
}

/// Checks a policy's id and action; returns its id and target.
fn admit(policy: &Policy, seen: &HashMap<String, usize>) -> Result<(String, Target), String> {
    let id = policy.annotation("id").ok_or("policy without `@id`: every policy needs a stable id")?.trim();
    if id.is_empty() {
        return Err("empty `@id`".into());
    }
    if seen.contains_key(id) {
        return Err(format!("duplicate `@id(\"{id}\")`: ids name rules in answers and must be unique"));
    }
    let target = match policy.action_constraint() {
        ActionConstraint::Eq(uid) if uid.type_name().to_string() == ACTION_TYPE => match uid.id().unescaped() {
            "bind_factor" => Target::Bind,
            "notify" => Target::Notify,
            other => return Err(format!("policy `{id}`: unknown action `{other}`")),
        },
        _ => {
            return Err(format!(
                "policy `{id}`: scope the action with `action == Factorwatch::Action::\"bind_factor\"` or `\"notify\"`"
            ));
        }
    };
    Ok((id.to_string(), target))
}

/// A problem at the first label of a Cedar diagnostic, or at the file when it has none.
fn problem_at(file: &PolicyFile, error: &(impl Diagnostic + fmt::Display)) -> Problem {
    let offset = error.labels().and_then(|mut labels| labels.next()).map(|l| l.offset());
    let (line, column) = offset.map(|o| line_col(&file.text, o)).unwrap_or((0, 0));
    let mut message = error.to_string();
    if let Some(help) = error.help() {
        message.push_str(&format!(" (help: {help})"));
    }
    Problem { file: file.name.clone(), line, column, message }
}

/// A problem at the policy's `@id` annotation, found in the text.
fn at_id(file: &PolicyFile, id: &str, message: String) -> Problem {
    let needle = format!("\"{id}\"");
    let (line, column) = file.text.find(&needle).map(|o| line_col(&file.text, o)).unwrap_or((0, 0));
    Problem { file: file.name.clone(), line, column, message }
}

fn position_of_policy(file: &PolicyFile, policy: &Policy, message: String) -> Problem {
    match policy.annotation("id") {
        Some(id) => at_id(file, id, message),
        None => {
            // Without an id, point at the policy's first line: its text as parsed.
            let head = policy.to_string();
            let first = head.lines().find(|l| !l.trim().is_empty()).unwrap_or_default().trim().to_string();
            let offset = file.text.find(first.split('(').next().unwrap_or_default());
            let (line, column) = offset.map(|o| line_col(&file.text, o)).unwrap_or((0, 0));
            Problem { file: file.name.clone(), line, column, message }
        }
    }
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0) + 1;
    (line, column)
}
