//! `factorwatch policy test`, `decide` and `revalidate`: the policies checked against their
//! examples, a decision as an exit status for scripts, locally or from the service, and a
//! revalidation campaign opened on the service.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::service::{Service, free_port};
use common::{factorwatch, text};
use std::process::Command;

const TIER2_PUSH: &str = r#"{"provider": "okta", "tenant": "acme.okta.com", "identity": "00ualice",
  "factor": {"kind": "OKTA_VERIFY_PUSH", "class": "app"},
  "context": {"session_aal": 2, "device_id": "dev-1", "geo": {"country": "DE"}}}"#;

#[test]
fn policy_test_passes_the_shipped_examples_and_fails_when_a_rule_is_switched_off() {
    let out = factorwatch(&["policy", "test"]);
    assert!(out.status.success(), "{}{}", text(&out.stdout), text(&out.stderr));
    let report = text(&out.stdout);
    assert!(report.contains(" 0 failed"), "{report}");
    assert!(!report.contains("rules no example reaches"), "every default rule is exercised: {report}");

    // An empty file named like a default switches that rule off: its examples now fail.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("allow.cedar"), "").unwrap();
    let out = factorwatch(&["policy", "test", "--policies", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains("FAIL tier 2 self-service push"), "{}", text(&out.stdout));
}

#[test]
fn a_policy_that_does_not_validate_is_refused_with_its_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("mine.cedar"), "forbid (principal, action, resource) when { context.nope };")
        .unwrap();
    let out = factorwatch(&["policy", "test", "--policies", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("mine.cedar"), "{}", text(&out.stderr));
}

#[test]
fn decide_locally_exits_with_the_outcome_for_scripts() {
    let dir = tempfile::tempdir().unwrap();
    let request = dir.path().join("request.json");
    std::fs::write(&request, TIER2_PUSH).unwrap();
    let familiar = dir.path().join("alice.json");
    std::fs::write(
        &familiar,
        r#"{"tier": 2, "familiar": {"device": true, "ip": true, "country": true, "established": true},
            "factors": [{"kind": "token:software:totp", "class": "app"}]}"#,
    )
    .unwrap();
    let out = factorwatch(&["decide", "--local", "--identity", familiar.to_str().unwrap(), request.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}{}", text(&out.stdout), text(&out.stderr));
    let answer: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(answer["outcome"], "allow");

    let admin = dir.path().join("admin.json");
    std::fs::write(&admin, r#"{"tier": 0, "factors": [{"kind": "token:software:totp", "class": "app"}]}"#).unwrap();
    let out = factorwatch(&["decide", "--local", "--identity", admin.to_str().unwrap(), request.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(11), "require_approval: {}", text(&out.stdout));

    std::fs::write(&request, r#"{"provider": "okta"}"#).unwrap();
    let out = factorwatch(&["decide", "--local", request.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("not an enrollment request"), "{}", text(&out.stderr));
}

#[test]
fn decide_and_revalidate_go_through_the_service() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("service.toml");
    std::fs::write(
        &config,
        format!(
            "[tenants]\nokta = \"acme.okta.com\"\n[identities]\nprivileged = [\"00uroot\"]\n[server]\ndata_dir = \"{}\"\n",
            dir.path().join("data").display()
        ),
    )
    .unwrap();
    let token = |role: &str| {
        let out =
            factorwatch(&["token", "create", "--role", role, "--name", role, "--config", config.to_str().unwrap()]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        text(&out.stdout).trim().to_string()
    };
    let (idp, approver, scraper) = (token("ingest"), token("approver"), token("metrics"));
    let port = free_port();
    let mut service = Service::start(&config, port);
    service.wait_ready(&reqwest::blocking::Client::new());
    let base = format!("http://127.0.0.1:{port}");
    let request = dir.path().join("request.json");
    std::fs::write(&request, TIER2_PUSH.replace("00ualice", "00uroot")).unwrap();

    let run = |args: &[&str], token: &str| {
        Command::new(env!("CARGO_BIN_EXE_factorwatch"))
            .args(args)
            .env("FACTORWATCH_URL", &base)
            .env("FACTORWATCH_TOKEN", token)
            .output()
            .unwrap()
    };
    let out = run(&["decide", request.to_str().unwrap()], &idp);
    assert_eq!(out.status.code(), Some(11), "{}{}", text(&out.stdout), text(&out.stderr));
    let answer: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(answer["approval"]["state"], "pending", "the service filed an approval: {answer}");
    let said = text(&out.stderr);
    let approval = answer["approval"]["id"].as_str().unwrap();
    assert!(said.starts_with("require_approval: OKTA_VERIFY_PUSH for 00uroot (okta acme.okta.com)"), "{said}");
    assert!(said.contains(&format!("approval {approval} is pending")), "{said}");

    // A token made with `--role metrics` scrapes /metrics and reads nothing else.
    let http = reqwest::blocking::Client::new();
    let scrape = http.get(format!("{base}/metrics")).bearer_auth(&scraper).send().unwrap();
    assert_eq!(scrape.status(), 200);
    assert!(scrape.text().unwrap().contains("factorwatch_enrollment_decisions_total{outcome=\"require_approval\"} 1"));
    let refused = http.get(format!("{base}/v1/incidents")).bearer_auth(&scraper).send().unwrap();
    assert_eq!(refused.status(), 403);

    let out = run(&["revalidate", "--json"], &idp);
    assert_eq!(out.status.code(), Some(2), "an ingest token may not open campaigns");
    assert!(text(&out.stderr).contains("403"), "{}", text(&out.stderr));
    let out = run(&["revalidate", "--json"], &approver);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let campaign: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(campaign["id"].as_str().unwrap().starts_with("rvc_"), "{campaign}");
    service.terminate();
}
