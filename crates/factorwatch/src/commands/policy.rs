//! `factorwatch policy test`: example requests against the policy set.

use crate::cli::PolicyCommand;
use anyhow::Context;
use chrono::Utc;
use policy::{DecisionConfig, DecisionPoint, EXAMPLES, Policies, parse_examples, run_examples};
use std::process::ExitCode;

pub fn run(command: PolicyCommand) -> anyhow::Result<ExitCode> {
    let PolicyCommand::Test { policies, examples } = command;
    let set = match &policies {
        Some(dir) => Policies::from_dir(dir).with_context(|| format!("policies in `{}`", dir.display()))?,
        None => Policies::defaults()?,
    };
    let (text, source) = match &examples {
        Some(path) => (
            std::fs::read_to_string(path).with_context(|| format!("cannot read `{}`", path.display()))?,
            path.display().to_string(),
        ),
        None => (EXAMPLES.to_string(), "shipped examples".to_string()),
    };
    let list = parse_examples(&text, &source)?;
    let point = DecisionPoint::new(set, DecisionConfig::default())?;
    let report = run_examples(&point, &list, Utc::now());
    for result in &report.results {
        let mark = if result.passed { "ok  " } else { "FAIL" };
        println!("{mark} {} ({})", result.name, result.got.map_or("refused".to_string(), |o| o.to_string()));
        for problem in &result.problems {
            println!("       {problem}");
        }
    }
    let uncovered = report.uncovered(&point);
    println!(
        "\n{} passed, {} failed, {} examples; policy files: {}",
        report.passed(),
        report.failed(),
        report.results.len(),
        point.policies().files().join(", ")
    );
    if !uncovered.is_empty() {
        println!("rules no example reaches: {}", uncovered.join(", "));
    }
    Ok(if report.failed() == 0 { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
