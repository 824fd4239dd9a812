//! The shipped set loads; a policy directory replaces and adds; anything invalid refuses
//! the whole set with file and position.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{identity, now, request};
use policy::{DecisionConfig, DecisionPoint, LoadError, Outcome, Policies, PolicyFile, default_files, overlay};

fn file(name: &str, text: &str) -> PolicyFile {
    PolicyFile { name: name.into(), text: text.into() }
}

fn refused(files: Vec<PolicyFile>) -> Vec<policy::Problem> {
    match Policies::from_files(files) {
        Err(LoadError::Invalid(problems)) => problems,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn shipped_defaults_validate_and_name_every_rule() {
    let p = Policies::defaults().unwrap();
    let ids: Vec<&str> = p.rules().iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "delegated-privileged-soc",
            "dp3-binding-aal",
            "dp4-notify-subject",
            "dp8-notify-recovery",
            "privileged-approval",
            "privileged-notify",
            "risky-approval",
            "risky-privileged-deny",
            "tier2-ordinary-allow",
            "weaker-class-approval",
            "weaker-class-step-up",
        ]
    );
}

#[test]
fn directory_file_with_a_default_name_replaces_it() {
    let dir = tempfile::tempdir().unwrap();
    // Tier 2 identities may now bind only phishing-resistant factors.
    std::fs::write(
        dir.path().join("allow.cedar"),
        r#"@id("tier2-phishing-resistant-only")
@reason("tier 2 identities bind phishing-resistant factors")
permit (principal, action == Factorwatch::Action::"bind_factor", resource)
when { resource.tier >= 2 && !context.risky && context.factor.class == "phishing_resistant" };"#,
    )
    .unwrap();
    let policies = Policies::from_dir(dir.path()).unwrap();
    assert!(policies.rule("tier2-ordinary-allow").is_none());
    let point = DecisionPoint::new(policies, DecisionConfig::default()).unwrap();
    let d = point.decide(&request(), &identity(), now()).unwrap();
    assert_eq!(d.outcome, Outcome::Deny);
    assert_eq!(d.reasons[0].rule, policy::DEFAULT_DENY);
}

#[test]
fn directory_file_with_a_new_name_adds_a_rule() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("helpdesk-network.cedar"),
        r#"@id("outside-office-network")
@reason("changes from outside the office network need approval")
@outcome("require_approval")
@approvers("soc")
forbid (principal, action == Factorwatch::Action::"bind_factor", resource)
unless { context has ip && context.ip.isInRange(ip("10.0.0.0/8")) };"#,
    )
    .unwrap();
    std::fs::write(dir.path().join("README.txt"), "not a policy").unwrap();
    let point = DecisionPoint::new(Policies::from_dir(dir.path()).unwrap(), DecisionConfig::default()).unwrap();
    let d = point.decide(&request(), &identity(), now()).unwrap();
    assert_eq!(d.outcome, Outcome::RequireApproval);
    assert_eq!(d.reasons[0].rule, "outside-office-network");

    let mut inside = request();
    inside.context.ip = Some("10.1.2.3".parse().unwrap());
    assert_eq!(point.decide(&inside, &identity(), now()).unwrap().outcome, Outcome::Allow);
}

#[test]
fn empty_file_switches_a_default_off() {
    let files = overlay(default_files(), vec![file("weaker.cedar", "")]);
    let p = Policies::from_files(files).unwrap();
    assert!(p.rule("weaker-class-approval").is_none());
}

#[test]
fn syntax_error_is_refused_with_file_line_and_column() {
    let files = overlay(
        default_files(),
        vec![file(
            "broken.cedar",
            "// a comment\n@id(\"x\")\n@reason(\"r\")\npermit (principal, action == , resource);",
        )],
    );
    let problems = refused(files);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].file, "broken.cedar");
    assert_eq!(problems[0].line, 4);
    assert!(problems[0].column > 1);
}

#[test]
fn type_error_against_the_schema_is_refused_at_its_position() {
    let text = "@id(\"typo\")\n@reason(\"r\")\n@outcome(\"deny\")\nforbid (principal, action == Factorwatch::Action::\"bind_factor\", resource)\nwhen { resource.teir == 0 };";
    let problems = refused(overlay(default_files(), vec![file("typo.cedar", text)]));
    assert_eq!(problems.len(), 1, "{problems:?}");
    let p = &problems[0];
    assert_eq!((p.file.as_str(), p.line), ("typo.cedar", 5), "{p}");
    assert!(p.message.contains("teir"), "{p}");
}

#[test]
fn policies_without_id_reason_or_valid_outcome_are_refused() {
    let cases = [
        ("@reason(\"r\")\npermit (principal, action == Factorwatch::Action::\"bind_factor\", resource);", "`@id`"),
        ("@id(\"a\")\npermit (principal, action == Factorwatch::Action::\"bind_factor\", resource);", "`@reason`"),
        (
            "@id(\"a\")\n@reason(\"r\")\nforbid (principal, action == Factorwatch::Action::\"bind_factor\", resource);",
            "`@outcome`",
        ),
        (
            "@id(\"a\")\n@reason(\"r\")\n@outcome(\"maybe\")\nforbid (principal, action == Factorwatch::Action::\"bind_factor\", resource);",
            "maybe",
        ),
        ("@id(\"a\")\n@reason(\"r\")\npermit (principal, action, resource);", "scope the action"),
        (
            "@id(\"tier2-ordinary-allow\")\n@reason(\"r\")\npermit (principal, action == Factorwatch::Action::\"bind_factor\", resource);",
            "duplicate",
        ),
    ];
    for (text, expected) in cases {
        let problems = refused(overlay(default_files(), vec![file("extra.cedar", text)]));
        assert!(
            problems.iter().any(|p| p.message.contains(expected) && p.file == "extra.cedar"),
            "{expected}: {problems:?}"
        );
    }
}

#[test]
fn refusal_lists_every_problem_in_its_message() {
    let err = Policies::from_files(vec![file("a.cedar", "permit ("), file("b.cedar", "forbid (")]).unwrap_err();
    let text = err.to_string();
    assert!(text.starts_with("policy set refused: 2 problem(s)"), "{text}");
    assert!(text.contains("a.cedar:1:") && text.contains("b.cedar:1:"), "{text}");
}

#[test]
fn unreadable_directory_is_an_error() {
    let err = Policies::from_dir(std::path::Path::new("/nonexistent/policies")).unwrap_err();
    assert!(err.to_string().contains("`/nonexistent/policies`"));
}

#[test]
fn added_rule_reading_risk_names_the_risk_found() {
    let text = r#"@id("no-risky-sms")
@reason("no SMS from a risky context")
@outcome("deny")
forbid (principal, action == Factorwatch::Action::"bind_factor", resource)
when { context.risky && context.factor.kind == "sms" };"#;
    let policies = Policies::from_files(overlay(default_files(), vec![file("sms.cedar", text)])).unwrap();
    let point = DecisionPoint::new(policies, DecisionConfig::default()).unwrap();
    let mut req = request();
    req.factor.kind = "sms".into();
    req.factor.class = model::FactorClass::PossessionWeak;
    let mut ident = identity();
    ident.risk = vec![policy::RiskReason::AnonymizingProxy];
    let d = point.decide(&req, &ident, now()).unwrap();
    assert_eq!(d.outcome, Outcome::Deny);
    assert_eq!(d.reasons[0].rule, "no-risky-sms");
    assert!(d.reasons[0].text.ends_with("(anonymizing_proxy)"), "{}", d.reasons[0].text);
}

#[test]
fn approval_ttl_is_configurable() {
    let config: DecisionConfig = toml::from_str("approval_ttl = 600\nallow_ttl = 120\n").unwrap();
    let point = DecisionPoint::new(Policies::defaults().unwrap(), config).unwrap();
    let mut ident = identity();
    ident.tier = 0;
    let d = point.decide(&request(), &ident, now()).unwrap();
    assert_eq!(d.approval_ttl_seconds, 600);
    assert_eq!(d.valid_until - d.time, chrono::Duration::minutes(10));
    let allowed = point.decide(&request(), &identity(), now()).unwrap();
    assert_eq!(allowed.valid_until - allowed.time, chrono::Duration::minutes(2));
}
