//! `policy test`: the shipped examples pass and cover every default rule; a wrong
//! expectation fails and says why; a broken file is reported at its position.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{now, point};
use policy::{EXAMPLES, Outcome, parse_examples, run_examples};

#[test]
fn shipped_examples_pass_against_the_defaults() {
    let examples = parse_examples(EXAMPLES, "examples.toml").unwrap();
    let report = run_examples(&point(), &examples, now());
    let failures: Vec<_> = report.results.iter().filter(|r| !r.passed).collect();
    assert!(failures.is_empty(), "{failures:#?}");
    assert_eq!(report.passed(), examples.len());
}

#[test]
fn shipped_examples_cover_every_default_rule() {
    let examples = parse_examples(EXAMPLES, "examples.toml").unwrap();
    let p = point();
    let report = run_examples(&p, &examples, now());
    assert_eq!(report.uncovered(&p), Vec::<String>::new());
}

#[test]
fn wrong_expectation_fails_with_the_rules_that_decided() {
    let mut examples = parse_examples(EXAMPLES, "examples.toml").unwrap();
    let tier0 = examples.iter_mut().find(|e| e.identity.tier == 0).unwrap();
    tier0.expect = Outcome::Allow;
    tier0.approvers = Some(vec![policy::Approver::Soc]);
    let report = run_examples(&point(), &examples, now());
    assert_eq!(report.failed(), 1);
    let failed = report.results.iter().find(|r| !r.passed).unwrap();
    assert!(failed.problems[0].contains("expected allow, got require_approval"), "{:?}", failed.problems);
    assert!(failed.problems[0].contains("privileged-approval"), "{:?}", failed.problems);
    assert!(failed.problems[1].contains("expected approvers [soc]"), "{:?}", failed.problems);
}

#[test]
fn invalid_request_in_an_example_fails_that_example() {
    let mut examples = parse_examples(EXAMPLES, "examples.toml").unwrap();
    examples[0].request.context.session_aal = 9;
    let report = run_examples(&point(), &examples, now());
    assert!(!report.results[0].passed);
    assert!(report.results[0].problems[0].contains("session_aal"));
}

#[test]
fn malformed_examples_file_is_reported_at_its_line() {
    let text = "[[example]]\nname = \"x\"\nexpect = \"maybe\"\n";
    let err = parse_examples(text, "mine.toml").unwrap_err();
    assert!(err.to_string().starts_with("mine.toml:"), "{err}");
    assert!(err.line >= 1);
    let unknown = parse_examples("[[example]]\nname = \"x\"\nexpect = \"allow\"\nbogus = 1\n", "u.toml").unwrap_err();
    assert!(unknown.message.contains("bogus") || unknown.message.contains("request"), "{unknown}");
}
