//! `factorwatch policy test`: example requests with the decision each should get, run
//! against a policy set. Examples are tests: the shipped file covers every default rule.

use crate::decision::{Approver, Outcome};
use crate::engine::DecisionPoint;
use crate::request::{EnrollmentRequest, IdentityContext};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The shipped examples, one or more per default rule.
pub const EXAMPLES: &str = include_str!("../policies/examples.toml");

/// One example: a request, the identity's state, and what the decision must be.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Example {
    /// Its name, for the report.
    pub name: String,
    /// The request.
    pub request: EnrollmentRequest,
    /// What is known of the identity.
    #[serde(default)]
    pub identity: IdentityContext,
    /// The outcome the decision must have.
    pub expect: Outcome,
    /// Exactly these rules give the reasons (any order).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rules: Option<Vec<String>>,
    /// These policies (bind or notify) are among those that matched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policies: Option<Vec<String>>,
    /// Exactly these approvers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approvers: Option<Vec<Approver>>,
    /// This required AAL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required_aal: Option<u8>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExamplesFile {
    #[serde(default, rename = "example")]
    examples: Vec<Example>,
}

/// An examples file that does not parse, with where.
#[derive(Debug, thiserror::Error)]
#[error("{source_name}:{line}:{column}: {message}")]
pub struct ExamplesError {
    /// The file's name.
    pub source_name: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

/// Reads an examples file (TOML, `[[example]]` tables).
pub fn parse_examples(text: &str, source_name: &str) -> Result<Vec<Example>, ExamplesError> {
    match toml::from_str::<ExamplesFile>(text) {
        Ok(file) => Ok(file.examples),
        Err(e) => {
            let offset = e.span().map(|s| s.start).unwrap_or(0);
            let before = text.get(..offset).unwrap_or(text);
            Err(ExamplesError {
                source_name: source_name.to_string(),
                line: before.matches('\n').count() + 1,
                column: before.rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0) + 1,
                message: e.message().to_string(),
            })
        }
    }
}

/// How one example went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExampleResult {
    /// The example's name.
    pub name: String,
    /// Whether the decision was as expected.
    pub passed: bool,
    /// The outcome expected.
    pub expected: Outcome,
    /// The outcome decided (none when the request could not be decided).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub got: Option<Outcome>,
    /// What differed, one line each.
    pub problems: Vec<String>,
    /// Policies that matched.
    pub policies: Vec<String>,
}

/// How a set of examples went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExamplesReport {
    /// Each example's result, in file order.
    pub results: Vec<ExampleResult>,
}

impl ExamplesReport {
    /// How many passed.
    pub fn passed(&self) -> usize {
        self.results.iter().filter(|r| r.passed).count()
    }

    /// How many failed.
    pub fn failed(&self) -> usize {
        self.results.len() - self.passed()
    }

    /// Rules of the set no example matched.
    pub fn uncovered(&self, point: &DecisionPoint) -> Vec<String> {
        let hit: BTreeSet<&str> = self.results.iter().flat_map(|r| r.policies.iter().map(String::as_str)).collect();
        point.policies().rules().into_iter().map(|r| r.id.clone()).filter(|id| !hit.contains(id.as_str())).collect()
    }
}

/// Runs every example at `now`.
pub fn run_examples(point: &DecisionPoint, examples: &[Example], now: DateTime<Utc>) -> ExamplesReport {
    let results = examples.iter().map(|e| run_one(point, e, now)).collect();
    ExamplesReport { results }
}

fn run_one(point: &DecisionPoint, e: &Example, now: DateTime<Utc>) -> ExampleResult {
    let d = match point.decide(&e.request, &e.identity, now) {
        Ok(d) => d,
        Err(err) => {
            return ExampleResult {
                name: e.name.clone(),
                passed: false,
                expected: e.expect,
                got: None,
                problems: vec![format!("request refused: {err}")],
                policies: Vec::new(),
            };
        }
    };
    let mut problems = Vec::new();
    if d.outcome != e.expect {
        let why: Vec<String> = d.reasons.iter().map(|r| format!("{} ({})", r.rule, r.outcome)).collect();
        problems.push(format!("expected {}, got {} from [{}]", e.expect, d.outcome, why.join(", ")));
    }
    if let Some(rules) = &e.rules {
        let want: BTreeSet<&str> = rules.iter().map(String::as_str).collect();
        let got: BTreeSet<&str> = d.reasons.iter().map(|r| r.rule.as_str()).collect();
        if want != got {
            problems.push(format!("expected rules {want:?}, got {got:?}"));
        }
    }
    if let Some(policies) = &e.policies {
        for p in policies.iter().filter(|p| !d.policies.contains(p)) {
            problems.push(format!("policy `{p}` did not match"));
        }
    }
    if let Some(approvers) = &e.approvers
        && *approvers != d.approvers
    {
        let show = |a: &[Approver]| a.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(", ");
        problems.push(format!("expected approvers [{}], got [{}]", show(approvers), show(&d.approvers)));
    }
    if let Some(aal) = e.required_aal
        && aal != d.required_aal
    {
        problems.push(format!("expected required AAL {aal}, got {}", d.required_aal));
    }
    ExampleResult {
        name: e.name.clone(),
        passed: problems.is_empty(),
        expected: e.expect,
        got: Some(d.outcome),
        problems,
        policies: d.policies,
    }
}
