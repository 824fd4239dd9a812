//! Cedar policy text as the decision point loads a policy folder: the input is one file,
//! replacing a shipped default of the same name or added beside them (the first byte
//! chooses), parsed and validated against the shipped schema. An accepted set then decides
//! the shipped examples.
#![no_main]

use libfuzzer_sys::fuzz_target;
use policy::{DecisionConfig, DecisionPoint, Example, Policies, PolicyFile};
use std::sync::OnceLock;

fuzz_target!(|data: &[u8]| {
    static EXAMPLES: OnceLock<Vec<Example>> = OnceLock::new();
    let examples =
        EXAMPLES.get_or_init(|| policy::parse_examples(policy::EXAMPLES, "examples.toml").unwrap_or_default());
    let Some((&which, text)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(text) else { return };
    let name = match policy::DEFAULTS.get(usize::from(which)) {
        Some((name, _)) => (*name).to_string(),
        None => "added.cedar".to_string(),
    };
    let file = PolicyFile { name, text: text.to_string() };
    let Ok(policies) = Policies::from_files(policy::overlay(policy::default_files(), vec![file])) else { return };
    let Ok(point) = DecisionPoint::new(policies, DecisionConfig::default()) else { return };
    let now = chrono::DateTime::from_timestamp(1_780_000_000, 0).unwrap_or_default();
    let _ = policy::run_examples(&point, examples, now);
});
