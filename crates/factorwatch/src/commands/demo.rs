//! `factorwatch demo`: with no setup, a generated tenant is hunted, its findings stored in
//! the embedded database, and the incident queue shown with what to try next.

use crate::cli::DemoArgs;
use crate::{hunting, summary};
use anyhow::{Context, bail};
use detect::Config;
use detect::output::{complete, table};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;
use store::{Findings, IdentityGraph, Sqlite};

/// The config file a tenant folder carries.
const CONFIG_FILE: &str = "factorwatch.toml";
/// The generator's answer key: not a log.
const TRUTH_FILE: &str = "truth.json";
/// The decision point's ledger export (`hunt --decisions`): not a log.
const DECISIONS_FILE: &str = "decisions.ndjson";
/// Incidents shown in the queue.
const QUEUE: usize = 20;

/// Writes a demo tenant's native logs, `factorwatch.toml` and `truth.json` into `dir`;
/// returns the config's path.
fn generate_demo_tenant(dir: &Path, seed: u64) -> anyhow::Result<PathBuf> {
    let config = synth::Config { seed, ..synth::Config::default() };
    let summary = synth::generate(&config, dir)?;
    eprintln!("generated a demo tenant: {} log lines in {}", summary.lines(), dir.display());
    Ok(dir.join(CONFIG_FILE))
}

pub fn run(args: DemoArgs) -> anyhow::Result<ExitCode> {
    let data_dir = match args.data_dir.or_else(store::default_data_dir) {
        Some(dir) => dir,
        None => bail!("no data folder: set --data-dir, $FACTORWATCH_DATA_DIR, $XDG_DATA_HOME or $HOME"),
    };
    let tenant_dir = match args.tenant_dir {
        Some(dir) => dir,
        None => {
            let dir = data_dir.join("demo");
            store::private::create_dir(&dir).with_context(|| format!("creating {}", dir.display()))?;
            let config = generate_demo_tenant(&dir, args.seed)?;
            config.parent().map(Path::to_path_buf).unwrap_or(dir)
        }
    };
    let db_path = data_dir.join(store::DB_FILE);
    let mut out = std::io::stdout().lock();
    let queue = hunt_and_store(&tenant_dir, &db_path)?;
    for line in queue {
        writeln!(out, "{line}")?;
    }
    writeln!(out, "\nfindings stored in {}", db_path.display())?;
    writeln!(out, "next:")?;
    writeln!(out, "  factorwatch hunt --format json {} | jq    # every finding, one per line", tenant_dir.display())?;
    writeln!(
        out,
        "  factorwatch hunt --format ocsf --config {} {}    # for a SIEM",
        tenant_dir.join(CONFIG_FILE).display(),
        tenant_dir.display()
    )?;
    writeln!(out, "  factorwatch config show --config {}    # every setting", tenant_dir.join(CONFIG_FILE).display())?;
    Ok(ExitCode::SUCCESS)
}

/// Hunts a tenant folder with its own config, saves the report, and returns the incident
/// queue as read back from the database.
fn hunt_and_store(tenant_dir: &Path, db_path: &Path) -> anyhow::Result<Vec<String>> {
    let started = Instant::now();
    let config_path = tenant_dir.join(CONFIG_FILE);
    let config =
        if config_path.is_file() { server::ServiceConfig::load(&config_path)?.detect } else { Config::default() };
    // The stored graph (imported inventories) feeds tiers and blast radius; what the logs
    // teach is added to it and stored again.
    let mut db = Sqlite::open(db_path)?;
    let hunt = hunting::Hunt {
        paths: log_paths(tenant_dir)?,
        opts: hunting::options(&config, &[])?,
        since: None,
        until: None,
        run_events: detect::order::DEFAULT_RUN_EVENTS,
        graph: db.load_graph()?,
        gate: demo_gate(tenant_dir, &config)?,
        skip: Vec::new(),
        sigma: hunting::sigma_rules(None, &config, false)?,
    };
    let outcome = hunting::run(hunt, &config)?;
    let mut err = std::io::stderr().lock();
    summary::write(&mut err, &outcome.tally, started.elapsed(), false)?;
    summary::write_report(&mut err, &outcome.report, outcome.outside, outcome.spilled_runs)?;

    db.save_report(&outcome.report.incidents, &complete(&outcome.report))?;
    db.save_graph(&outcome.report.graph)?;
    Ok(table::incident_lines(&db.incidents(QUEUE)?))
}

/// With gating on in the folder's config, the folder's ledger export (if it has one) is what
/// bindings are checked against.
fn demo_gate(tenant_dir: &Path, config: &Config) -> anyhow::Result<Option<Arc<dyn detect::EnrollmentGate>>> {
    let decisions = tenant_dir.join(DECISIONS_FILE);
    let decisions = (config.gating.enabled && decisions.is_file()).then_some(decisions);
    Ok(hunting::ledger_gate(config, decisions.as_deref(), false)?.map(|g| g as Arc<dyn detect::EnrollmentGate>))
}

/// Every entry of the tenant folder except its config, answer key and ledger export, in
/// name order.
fn log_paths(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let entries = std::fs::read_dir(dir).with_context(|| format!("reading tenant folder {}", dir.display()))?;
    let mut paths = Vec::new();
    for entry in entries {
        let entry = entry.with_context(|| format!("reading tenant folder {}", dir.display()))?;
        let name = entry.file_name();
        if name != CONFIG_FILE && name != TRUTH_FILE && name != DECISIONS_FILE {
            paths.push(entry.path());
        }
    }
    paths.sort();
    if paths.is_empty() {
        bail!("tenant folder {} holds no logs", dir.display());
    }
    Ok(paths)
}
