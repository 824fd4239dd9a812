//! `factorwatch rules lint|test`: check a folder of Sigma rules, and see what they fire on.

use crate::cli::RulesCommand;
use anyhow::Context;
use ingest::{Options, Pipeline};
use sigma::{Evaluator, Hit, RuleSet};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

pub fn run(command: RulesCommand) -> anyhow::Result<ExitCode> {
    match command {
        RulesCommand::Lint { dir } => lint(&dir),
        RulesCommand::Test { dir, events, json } => test(&dir, &events, json),
    }
}

fn load(dir: &Path) -> anyhow::Result<RuleSet> {
    RuleSet::load(dir).with_context(|| format!("reading Sigma rules in {}", dir.display()))
}

fn lint(dir: &Path) -> anyhow::Result<ExitCode> {
    let rules = load(dir)?;
    let mut out = BufWriter::new(std::io::stdout().lock());
    writeln!(out, "{} rule file(s): loaded {}, skipped {}", rules.files, rules.loaded(), rules.skipped.len())?;
    for (service, count) in rules.per_service() {
        writeln!(out, "  {count:>4}  {}", service.name())?;
    }
    if !rules.correlations.is_empty() {
        writeln!(out, "  {:>4}  correlations", rules.correlations.len())?;
    }
    for skip in &rules.skipped {
        writeln!(out, "skipped {}: {}: {}", skip.file.display(), skip.title, skip.reason)?;
    }
    out.flush()?;
    Ok(if rules.skipped.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

fn test(dir: &Path, paths: &[PathBuf], json: bool) -> anyhow::Result<ExitCode> {
    let rules = Arc::new(load(dir)?);
    let evaluator = Evaluator::new(rules.clone());
    let (inputs, problems) = ingest::expand_paths(paths);
    for p in &problems {
        eprintln!("{p}");
    }
    let mut hits: Vec<Hit> = Vec::new();
    let tally = Pipeline::new(Options::default()).run_observed(inputs, &evaluator, &mut |_| {}, &mut |h| hits.push(h));
    let mut out = BufWriter::new(std::io::stdout().lock());
    let detections = hits.len();
    for hit in &hits {
        let Some(meta) = rules.meta.get(hit.rule) else { continue };
        let f = &hit.facts;
        if json {
            let line = serde_json::json!({
                "source": f.source, "time": f.time, "rule": meta.id, "title": meta.note.title,
                "action": f.action, "identity": f.subject.id,
            });
            writeln!(out, "{line}")?;
        } else {
            writeln!(
                out,
                "{}  {}  {}  {}  [{}]  {}",
                f.source,
                f.time.format("%Y-%m-%dT%H:%M:%SZ"),
                meta.id,
                meta.note.title,
                f.action,
                f.subject.id
            )?;
        }
    }
    let correlation_ids: Vec<String> = rules.correlations.iter().map(|c| format!("sigma:{}", c.id)).collect();
    let fired: Vec<model::Finding> = sigma::Session::new(rules.clone())
        .process(hits)
        .into_iter()
        .filter(|f| correlation_ids.iter().any(|id| id == f.detector.as_str()))
        .collect();
    for f in &fired {
        if json {
            let line = serde_json::json!({ "correlation": f.detector, "title": f.name, "identity": f.identity.id,
                "events": f.evidence.iter().map(|e| e.source.as_str()).collect::<Vec<_>>() });
            writeln!(out, "{line}")?;
        } else {
            writeln!(out, "correlation {}  {}  {}", f.detector, f.name, f.summary)?;
        }
    }
    out.flush()?;
    eprintln!(
        "{} record(s) read, {} rule match(es), {} correlation(s) fired; rules loaded {}, skipped {}",
        tally.records,
        detections,
        fired.len(),
        rules.loaded(),
        rules.skipped.len()
    );
    Ok(ExitCode::SUCCESS)
}
