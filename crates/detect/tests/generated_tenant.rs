//! A generated tenant (`factorwatch gen`) hunted end to end: every embedded attack story
//! fires its detector on its identity, and no benign look-alike fires the detectors it
//! must not.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use serde_json::Value;
use std::path::Path;

fn generate(dir: &Path, seed: u64) -> (detect::Config, Value) {
    let cfg = synth::Config { seed, events: 30_000, ..synth::Config::default() };
    synth::generate(&cfg, dir).unwrap();
    let config = detect::Config::load(&dir.join("factorwatch.toml")).unwrap();
    let truth: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("truth.json")).unwrap()).unwrap();
    (config, truth)
}

/// Every event of the tenant, normalized with the config's tenant names.
pub fn events(dir: &Path, config: &detect::Config) -> Vec<model::Event> {
    let mut opts = ingest::Options::default();
    for (provider, tenant) in &config.tenants {
        opts.set_tenant(model::Provider::parse(provider).unwrap(), tenant);
    }
    let mut inputs = Vec::new();
    for source in config.sources.values() {
        inputs.push(ingest::Input::Path(dir.join(source.path.as_deref().unwrap())));
    }
    let mut events = Vec::new();
    let tally = ingest::Pipeline::new(opts).run(inputs, &mut |e| events.push(e));
    assert!(tally.diagnostics.is_empty(), "{:?}", tally.diagnostics);
    events
}

fn found(report: &detect::Report, detector: &str, identity: &str) -> bool {
    report.findings.iter().any(|f| f.detector == detector && f.identity.id == identity)
}

#[test]
fn every_story_fires_and_no_lookalike_does() {
    let dir = tempfile::tempdir().unwrap();
    let (config, truth) = generate(dir.path(), 7);
    let report = common::hunt_events(&config, events(dir.path(), &config));
    let mut missing = Vec::new();
    for story in truth["stories"].as_array().unwrap() {
        let (detector, identity) = (story["detector"].as_str().unwrap(), story["identity"].as_str().unwrap());
        if !found(&report, detector, identity) {
            missing.push(format!("{} {detector} on {identity}", story["story"]));
        }
    }
    let mut wrong = Vec::new();
    for look in truth["lookalikes"].as_array().unwrap() {
        let identity = look["identity"].as_str().unwrap();
        for detector in look["must_not_fire"].as_array().unwrap() {
            let detector = detector.as_str().unwrap();
            if found(&report, detector, identity) {
                wrong.push(format!("{} fired {detector} on {identity}", look["lookalike"]));
            }
        }
    }
    let fired = common::fired(&report);
    assert!(missing.is_empty() && wrong.is_empty(), "missing: {missing:#?}\nwrong: {wrong:#?}\nall: {fired:#?}");
}

/// Background traffic (ordinary people doing ordinary things) raises no finding: every
/// finding is on an identity the truth file names as part of a story.
#[test]
fn background_traffic_raises_nothing_outside_the_stories() {
    let dir = tempfile::tempdir().unwrap();
    let (config, truth) = generate(dir.path(), 11);
    let report = common::hunt_events(&config, events(dir.path(), &config));
    let story_people = story_people(&truth);
    let stray: Vec<String> = report
        .findings
        .iter()
        // The GitHub source going silent is a story of its own.
        .filter(|f| !story_people.contains(f.identity.id.as_str()) && f.identity.id != "source:github")
        .map(|f| format!("{} {} {}: {}", f.detector, f.severity, f.identity.id, f.summary))
        .collect();
    assert!(stray.is_empty(), "{stray:#?}");
}

/// Every finding the engine gives on a whole tenant, every detector among them, is valid
/// against `schemas/finding.schema.json` as `--format json` writes it.
#[test]
fn every_generated_finding_validates_against_the_schema() {
    let dir = tempfile::tempdir().unwrap();
    let (config, _) = generate(dir.path(), 7);
    let report = common::hunt_events(&config, events(dir.path(), &config));
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../schemas/finding.schema.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let validator = jsonschema::draft202012::new(&schema).unwrap();
    let mut out = Vec::new();
    detect::output::write(detect::output::Format::Json, &report, "0.1.0", &mut out).unwrap();
    let lines: Vec<Value> = String::from_utf8(out).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let detectors: std::collections::BTreeSet<&str> = lines.iter().filter_map(|l| l["detector"].as_str()).collect();
    assert!(detectors.len() >= 10, "{detectors:?}");
    for line in &lines {
        let errors: Vec<String> =
            validator.iter_errors(line).map(|e| format!("{e} at {}", e.instance_path())).collect();
        assert!(errors.is_empty(), "{errors:#?}\n{line:#}");
    }
}

/// Hunted without its config file (no `vpn_egress`, no lists, no tenant names), the tenant
/// raises nothing outside its stories: the corporate VPN and the help desk's network are
/// learned as shared egress instead, and listed.
#[test]
fn without_its_config_every_finding_belongs_to_a_story_and_egress_is_learned() {
    let dir = tempfile::tempdir().unwrap();
    let (config, truth) = generate(dir.path(), 11);
    let inputs = config.sources.values().map(|s| ingest::Input::Path(dir.path().join(s.path.as_deref().unwrap())));
    let mut events = Vec::new();
    let tally = ingest::Pipeline::new(ingest::Options::default()).run(inputs.collect(), &mut |e| events.push(e));
    assert!(tally.diagnostics.is_empty(), "{:?}", tally.diagnostics);
    let report = common::hunt_events(&detect::Config::default(), events);

    let story_people = story_people(&truth);
    let stray: Vec<String> = report
        .findings
        .iter()
        .filter(|f| !story_people.contains(f.identity.id.as_str()) && f.identity.id != "source:github")
        .map(|f| format!("{} {} {}: {}", f.detector, f.severity, f.identity.id, f.summary))
        .collect();
    assert!(stray.is_empty(), "{} of {} findings outside the stories: {stray:#?}", stray.len(), report.findings.len());
    // The attack travel of story 1 is still found: its network is one person's.
    let travel = truth["stories"].as_array().unwrap().iter().find(|s| s["detector"] == "FW-008").unwrap();
    assert!(found(&report, "FW-008", travel["identity"].as_str().unwrap()), "{:#?}", common::fired(&report));
    let learned: Vec<&str> = report.learned_egress.iter().map(|n| n.network.as_str()).collect();
    assert!(learned.contains(&"203.0.113.0/24"), "the corporate VPN is learned: {learned:?}");
    for network in &report.learned_egress {
        assert!(network.identities >= 5 && network.last - network.first >= chrono::TimeDelta::days(1), "{network:?}");
    }
}

/// Every identity a story names: its subject and the actors of its evidence.
fn story_people(truth: &Value) -> std::collections::HashSet<&str> {
    truth["stories"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| {
            let mut ids = vec![s["identity"].as_str().unwrap()];
            ids.extend(s["evidence"].as_array().into_iter().flatten().filter_map(|e| e["actor"].as_str()));
            ids
        })
        .collect()
}
