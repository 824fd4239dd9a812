//! Quiet without a config (issue 15): `factorwatch gen` writes a tenant whose VPN users would
//! "travel" between home and the VPN; hunted without its config file, every finding belongs to
//! a story, because the VPN is learned as shared egress, and `config show --learned` lists it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{factorwatch, text};
use serde_json::Value;
use std::collections::HashSet;
use std::path::Path;

const SOURCES: [&str; 6] = ["okta", "entra", "aws", "google", "github", "duo"];

/// A generated tenant and its truth.json.
fn tenant(dir: &Path) -> Value {
    let out = factorwatch(&["gen", "--out", dir.to_str().unwrap(), "--seed", "3", "--events", "30000"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    serde_json::from_str(&std::fs::read_to_string(dir.join("truth.json")).unwrap()).unwrap()
}

fn logs(dir: &Path) -> Vec<String> {
    SOURCES.iter().map(|s| dir.join(s).to_str().unwrap().to_string()).collect()
}

/// Every identity a story names: its subject and the actors of its evidence.
fn story_people(truth: &Value) -> HashSet<String> {
    let mut ids = HashSet::new();
    for story in truth["stories"].as_array().unwrap() {
        ids.insert(story["identity"].as_str().unwrap().to_string());
        for e in story["evidence"].as_array().into_iter().flatten() {
            ids.extend(e["actor"].as_str().map(String::from));
        }
    }
    ids
}

#[test]
fn a_generated_tenant_hunted_without_its_config_raises_only_its_stories_and_lists_learned_egress() {
    let dir = tempfile::tempdir().unwrap();
    let truth = tenant(dir.path());
    let logs = logs(dir.path());

    let mut args = vec!["hunt", "--format", "json"];
    args.extend(logs.iter().map(String::as_str));
    let out = factorwatch(&args);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let findings: Vec<Value> = text(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert!(findings.len() >= 10, "{} findings", findings.len());
    let people = story_people(&truth);
    let stray: Vec<String> = findings
        .iter()
        .filter(|f| {
            let id = f["identity"]["id"].as_str().unwrap();
            !people.contains(id) && id != "source:github"
        })
        .map(|f| format!("{} {}: {}", f["detector"], f["identity"]["id"], f["summary"]))
        .collect();
    assert!(stray.is_empty(), "{} of {} findings outside the stories: {stray:#?}", stray.len(), findings.len());

    let mut args = vec!["config", "show", "--learned"];
    args.extend(logs.iter().map(String::as_str));
    let out = factorwatch(&args);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(stdout.starts_with("# shared egress learned from "), "{stdout}");
    let vpn = stdout.lines().find(|l| l.starts_with("203.0.113.0/24 ")).unwrap_or_else(|| panic!("{stdout}"));
    assert!(vpn.contains("identities of one provider's tenant signed in from it over"), "{vpn}");
}

#[test]
fn learned_needs_logs_and_a_path_that_holds_none_is_an_error() {
    let out = factorwatch(&["config", "show", "--learned"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let empty = tempfile::tempdir().unwrap();
    let out = factorwatch(&["config", "show", "--learned", empty.path().to_str().unwrap()]);
    assert_ne!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(!text(&out.stderr).trim().is_empty(), "an error says why");
}

#[test]
fn learning_turned_off_says_so() {
    let dir = tempfile::tempdir().unwrap();
    tenant(dir.path());
    let config = dir.path().join("off.toml");
    std::fs::write(&config, "[networks.learned_egress]\nenabled = false\n").unwrap();
    let okta = dir.path().join("okta");
    let out =
        factorwatch(&["config", "show", "--learned", "--config", config.to_str().unwrap(), okta.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("learning shared egress is off"), "{}", text(&out.stdout));
}
