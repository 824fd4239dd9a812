//! Sigma rules through the command line and the service: `rules lint` over the SigmaHQ
//! pack, SigmaHQ rules firing on the public samples in `hunt` and in `serve`, and a
//! correlation giving the same findings in both, across a service restart.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::service::{self, Service};
use common::{factorwatch, text};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

fn shared(var: &str, folder: &str) -> PathBuf {
    if let Ok(dir) = std::env::var(var) {
        return PathBuf::from(dir);
    }
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared").join(folder);
    assert!(dir.is_dir(), "{folder} not found at {}: set {var}", dir.display());
    dir
}

fn pack() -> PathBuf {
    shared("FACTORWATCH_SIGMA", "sigma")
}

/// The sample files of the three rules the tests look for, with the endpoint of each.
fn targeted_samples() -> Vec<(&'static str, PathBuf)> {
    let samples = shared("FACTORWATCH_SAMPLES", "samples");
    vec![
        ("okta", samples.join("ocsf-examples/okta_systemlog.ndjson")),
        ("aws", samples.join("awsdocs/aws_cloudtrail_user_guide_examples.ndjson")),
        ("entra", samples.join("otrf-security-datasets/entra_auditlogs_loganalytics_goldensaml.ndjson")),
        ("github", samples.join("ocsf-examples/github_audit.ndjson")),
    ]
}

const OKTA_TOKEN: &str = "sigma:19951c21-229d-4ccb-8774-b993c3ff3c5c";
const AWS_NO_MFA: &str = "sigma:77caf516-34e5-4df9-b4db-20744fea0a60";
const ENTRA_CREDS: &str = "sigma:cbb67ecc-fb70-4467-9350-c910bdf7c628";

/// (detector, identity, sorted evidence event ids) of every `sigma:` finding.
type Found = BTreeSet<(String, String, Vec<String>)>;

fn sigma_findings(findings: impl IntoIterator<Item = serde_json::Value>) -> Found {
    findings
        .into_iter()
        .filter(|f| f["detector"].as_str().unwrap().starts_with("sigma:"))
        .map(|f| {
            let mut ids: Vec<String> =
                f["evidence"].as_array().unwrap().iter().map(|e| e["event_id"].as_str().unwrap().to_string()).collect();
            ids.sort();
            (f["detector"].as_str().unwrap().to_string(), f["identity"]["id"].as_str().unwrap().to_string(), ids)
        })
        .collect()
}

fn hunt(rules: &Path, paths: &[PathBuf], extra: &[&str]) -> (Found, Vec<serde_json::Value>) {
    let mut args = vec!["hunt", "--format", "json", "--rules", rules.to_str().unwrap(), "--quiet"];
    args.extend(extra);
    args.extend(paths.iter().map(|p| p.to_str().unwrap()));
    let out = factorwatch(&args);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let all: Vec<serde_json::Value> = text(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    (sigma_findings(all.clone()), all)
}

#[test]
fn rules_lint_counts_the_sigmahq_pack_and_says_why_each_skipped_rule_is() {
    let out = factorwatch(&["rules", "lint", pack().to_str().unwrap()]);
    let stdout = text(&out.stdout);
    let first = stdout.lines().next().unwrap();
    let (loaded, skipped) = {
        let nums: Vec<usize> =
            first.split(|c: char| !c.is_ascii_digit()).filter(|s| !s.is_empty()).map(|s| s.parse().unwrap()).collect();
        (nums[1], nums[2])
    };
    assert!(first.contains(&format!("loaded {loaded}, skipped {skipped}")), "{first}");
    assert_eq!(stdout.lines().filter(|l| l.starts_with("skipped ")).count(), skipped);
    assert!(loaded * 10 >= (loaded + skipped) * 9, "{stdout}");
    assert_eq!(out.status.code(), Some(if skipped > 0 { 1 } else { 0 }));
}

#[test]
fn rules_test_lists_the_rules_firing_on_each_record() {
    let samples = targeted_samples();
    let out = factorwatch(&["rules", "test", pack().to_str().unwrap(), "--events", samples[1].1.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let no_mfa: Vec<&str> = stdout.lines().filter(|l| l.contains("77caf516-34e5-4df9-b4db-20744fea0a60")).collect();
    assert_eq!(no_mfa.len(), 2, "{stdout}");
    assert!(no_mfa[0].contains("aws_cloudtrail_user_guide_examples.ndjson:1 "), "{stdout}");
    assert!(no_mfa[1].contains("aws_cloudtrail_user_guide_examples.ndjson:6 "), "{stdout}");
}

#[test]
fn sigmahq_findings_join_the_hunt_on_the_samples_they_target_only() {
    let samples = targeted_samples();
    let paths: Vec<PathBuf> = samples.iter().map(|(_, p)| p.clone()).collect();
    let (found, all) = hunt(&pack(), &paths, &[]);
    let detectors: BTreeSet<&str> = found.iter().map(|(d, _, _)| d.as_str()).collect();
    for expected in [OKTA_TOKEN, AWS_NO_MFA, ENTRA_CREDS] {
        assert!(detectors.contains(expected), "{expected} missing from {detectors:?}");
    }
    let no_mfa: Vec<_> = found.iter().filter(|(d, _, _)| d == AWS_NO_MFA).collect();
    assert_eq!(no_mfa.len(), 2, "{no_mfa:?}");
    let okta = all.iter().find(|f| f["detector"] == OKTA_TOKEN).unwrap();
    assert_eq!(okta["name"], "Okta API Token Created");
    assert_eq!(okta["rule"]["author"], "Austin Songer @austinsonger");
    assert!(okta["incident"].as_str().is_some_and(|i| !i.is_empty()), "sigma findings are grouped into incidents");
    assert!(okta["evidence"][0]["source"].as_str().unwrap().ends_with("okta_systemlog.ndjson:1"));
    // Without the records they target, none of them fires.
    let (others, _) = hunt(&pack(), &[shared("FACTORWATCH_SAMPLES", "samples").join("cribl-packs")], &[]);
    assert!(others.iter().all(|(d, _, _)| ![OKTA_TOKEN, AWS_NO_MFA, ENTRA_CREDS].contains(&d.as_str())), "{others:?}");
}

fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder().timeout(Duration::from_secs(30)).build().unwrap()
}

/// A service config with the rules of `rules`, its data in `dir`.
fn service_config(dir: &Path, rules: &Path) -> PathBuf {
    let config = format!(
        "[server]\ndata_dir = {:?}\nflush_after = \"1h\"\n\n[stream]\nlateness = \"3650d\"\n\n[sigma]\nrules = {:?}\n",
        dir.join("data").display().to_string(),
        rules.display().to_string()
    );
    let path = dir.join("service.toml");
    std::fs::write(&path, config).unwrap();
    path
}

fn all_findings(client: &reqwest::blocking::Client, base: &str, token: &str) -> Vec<serde_json::Value> {
    let page: serde_json::Value =
        client.get(format!("{base}/v1/findings?limit=500")).bearer_auth(token).send().unwrap().json().unwrap();
    page["items"].as_array().unwrap().clone()
}

fn post(client: &reqwest::blocking::Client, base: &str, token: &str, provider: &str, body: String) {
    let r = client.post(format!("{base}/v1/ingest/{provider}")).bearer_auth(token).body(body).send().unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().unwrap_or_default());
}

#[test]
fn serve_finds_what_hunt_finds_with_the_sigmahq_pack_on_the_samples() {
    let dir = tempfile::tempdir().unwrap();
    let samples = targeted_samples();
    let paths: Vec<PathBuf> = samples.iter().map(|(_, p)| p.clone()).collect();
    let (expected, _) = hunt(&pack(), &paths, &[]);
    assert!(expected.iter().any(|(d, _, _)| d == ENTRA_CREDS));

    let config = service_config(dir.path(), &pack());
    let (ingest, admin) = (service::token(&config, "ingest"), service::token(&config, "admin"));
    let client = client();
    let mut svc = Service::start(&config, service::free_port());
    svc.wait_ready(&client);
    for (provider, path) in &samples {
        post(&client, &svc.base, &ingest, provider, std::fs::read_to_string(path).unwrap());
    }
    service::drain(&client, &svc.base, &admin);
    assert_eq!(sigma_findings(all_findings(&client, &svc.base, &admin)), expected);
    svc.terminate();
}

const CORRELATION_RULES: &str = include_str!("../../sigma/tests/fixtures/console_logins.yml");

fn login(n: u32, minute: u32, user: &str, outcome: &str) -> String {
    format!(
        r#"{{"eventVersion":"1.08","eventTime":"2026-05-01T10:{minute:02}:00Z","eventID":"ev-{n}","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","recipientAccountId":"111122223333","sourceIPAddress":"203.0.113.9","userIdentity":{{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/{user}","accountId":"111122223333","principalId":"AID{user}","userName":"{user}"}},"responseElements":{{"ConsoleLogin":"{outcome}"}},"additionalEventData":{{"MFAUsed":"Yes"}}}}"#
    )
}

#[test]
fn a_correlation_finds_the_same_in_hunt_and_in_serve_across_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    std::fs::create_dir_all(&rules).unwrap();
    std::fs::write(rules.join("logins.yml"), CORRELATION_RULES).unwrap();
    let logins = [
        login(1, 0, "alice", "Failure"),
        login(2, 1, "bob", "Failure"),
        login(3, 2, "alice", "Failure"),
        login(4, 3, "alice", "Failure"),
        login(5, 4, "alice", "Success"),
        login(6, 5, "bob", "Failure"),
        login(7, 6, "bob", "Failure"),
        login(8, 30, "carol", "Success"),
    ];
    let file = dir.path().join("logins.ndjson");
    std::fs::write(&file, logins.join("\n")).unwrap();
    let (expected, _) = hunt(&rules, &[file], &[]);
    let detectors: Vec<&str> = expected.iter().map(|(d, _, _)| d.as_str()).collect();
    assert_eq!(
        detectors,
        vec![
            "sigma:6b8a2c31-0d6f-4b8e-9c52-2f7f4f6a0003",
            "sigma:6b8a2c31-0d6f-4b8e-9c52-2f7f4f6a0003",
            "sigma:6b8a2c31-0d6f-4b8e-9c52-2f7f4f6a0004",
        ],
        "alice and bob failed three times, alice then got in: {expected:?}"
    );

    let config = service_config(dir.path(), &rules);
    let (ingest, admin) = (service::token(&config, "ingest"), service::token(&config, "admin"));
    let client = client();
    let mut svc = Service::start(&config, service::free_port());
    svc.wait_ready(&client);
    // Half the logins, then a kill (no shutdown, no snapshot), then the rest.
    post(&client, &svc.base, &ingest, "aws", logins[..3].join("\n"));
    svc.kill();
    svc.restart();
    svc.wait_ready(&client);
    for line in &logins[3..] {
        post(&client, &svc.base, &ingest, "aws", line.clone());
    }
    service::drain(&client, &svc.base, &admin);
    assert_eq!(sigma_findings(all_findings(&client, &svc.base, &admin)), expected);
    svc.terminate();
}
