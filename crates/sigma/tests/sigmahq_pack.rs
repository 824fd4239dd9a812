//! The SigmaHQ rules for identity and cloud logs (`../shared/sigma`) on the public samples
//! (`../shared/samples`): each rule loads or is skipped with its reason, and the rules fire
//! on the records they were written for and on no others.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use ingest::{Options, Pipeline};
use sigma::{Evaluator, Hit, RuleSet};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn shared(var: &str, folder: &str) -> PathBuf {
    if let Ok(dir) = std::env::var(var) {
        return PathBuf::from(dir);
    }
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared").join(folder);
    assert!(dir.is_dir(), "{folder} not found at {}: set {var}", dir.display());
    dir
}

fn pack() -> RuleSet {
    RuleSet::load(&shared("FACTORWATCH_SIGMA", "sigma")).expect("the rule folder reads")
}

fn rule_files(dir: &Path, out: &mut usize) {
    for entry in std::fs::read_dir(dir).expect("listable").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rule_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yml" || e == "yaml") {
            *out += 1;
        }
    }
}

/// Every match of the pack on `paths`: rule id → `file name:line` of the records.
fn matches(rules: Arc<RuleSet>, paths: &[PathBuf]) -> BTreeMap<String, BTreeSet<String>> {
    let evaluator = Evaluator::new(rules.clone());
    let (inputs, problems) = ingest::expand_paths(paths);
    assert!(problems.is_empty(), "{problems:?}");
    let mut hits: Vec<Hit> = Vec::new();
    Pipeline::new(Options::default()).run_observed(inputs, &evaluator, &mut |_| {}, &mut |h| hits.push(h));
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for hit in hits {
        let file = Path::new(hit.facts.source.as_str()).file_name().map(|n| n.to_string_lossy().to_string());
        out.entry(rules.detections[hit.rule].id.clone()).or_default().insert(file.unwrap_or_default());
    }
    out
}

#[test]
fn every_sigmahq_rule_loads_or_is_skipped_with_a_reason_and_nine_in_ten_load() {
    let rules = pack();
    let mut files = 0;
    rule_files(&shared("FACTORWATCH_SIGMA", "sigma"), &mut files);
    assert_eq!(rules.files, files);
    assert_eq!(rules.loaded() + rules.skipped.len(), files, "each SigmaHQ file holds one rule");
    for skip in &rules.skipped {
        assert!(skip.reason.len() > 10, "{} is skipped without a reason", skip.file.display());
    }
    assert!(rules.loaded() * 10 >= files * 9, "only {} of {files} rules load: {:#?}", rules.loaded(), rules.skipped);
}

#[test]
fn sigmahq_rules_fire_on_the_samples_they_target_and_on_no_other_record() {
    let samples = shared("FACTORWATCH_SAMPLES", "samples");
    let found = matches(Arc::new(pack()), &[samples]);
    let at = |rule: &str| found.get(rule).cloned().unwrap_or_default();
    let set = |items: &[&str]| items.iter().map(|s| s.to_string()).collect::<BTreeSet<String>>();
    // Okta API Token Created: the one `system.api_token.create` record.
    assert_eq!(at("19951c21-229d-4ccb-8774-b993c3ff3c5c"), set(&["okta_systemlog.ndjson:1"]));
    // AWS Successful Console Login Without MFA.
    assert_eq!(
        at("77caf516-34e5-4df9-b4db-20744fea0a60"),
        set(&["aws_cloudtrail_user_guide_examples.ndjson:1", "aws_cloudtrail_user_guide_examples.ndjson:6"])
    );
    // Application credentials added (Entra, Log Analytics rows of the golden SAML dataset).
    assert_eq!(
        at("cbb67ecc-fb70-4467-9350-c910bdf7c628"),
        set(&["entra_auditlogs_loganalytics_goldensaml.ndjson:1", "entra_auditlogs_loganalytics_goldensaml.ndjson:2"])
    );
}

#[test]
fn console_login_without_mfa_fires_on_the_logins_without_mfa_only() {
    let samples = shared("FACTORWATCH_SAMPLES", "samples");
    let rules = Arc::new(pack());
    let evaluator = Evaluator::new(rules.clone());
    let file = samples.join("awsdocs/aws_cloudtrail_user_guide_examples.ndjson");
    let (inputs, _) = ingest::expand_paths(&[file]);
    let mut lines = BTreeSet::new();
    Pipeline::new(Options::default()).run_observed(inputs, &evaluator, &mut |_| {}, &mut |h: Hit| {
        if rules.detections[h.rule].id == "77caf516-34e5-4df9-b4db-20744fea0a60" {
            lines.insert(h.facts.source.rsplit(':').next().unwrap_or_default().to_string());
        }
    });
    // Lines 1 and 6 are successful logins with `MFAUsed: No`; 2 and 7 used MFA, 3 and 8 failed.
    assert_eq!(lines, ["1", "6"].iter().map(|s| s.to_string()).collect::<BTreeSet<_>>());
}
