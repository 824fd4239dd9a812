//! `factorwatch hunt`: native logs in, findings out.
//!
//! Exit status: 0 ok; 1 with `--strict` when records were bad; 2 usage or config error;
//! 3 when a finding is at or above `--fail-on` (3 wins over 1); 4 when there was nothing to
//! read (a path that does not exist, a folder without logs, no provider's record at all),
//! whatever `--fail-on` says.

use crate::cli::{EvidenceArg, HuntArgs, HuntFormat};
use crate::{hunting, inputs, raw_evidence, summary};
use anyhow::{Context, bail};
use detect::EnrollmentGate;
use detect::output::{self, Format};
use server::ServiceConfig;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

/// A finding at or above `--fail-on`.
pub const EXIT_FAIL_ON: u8 = 3;
/// `--strict` and some records were bad.
pub const EXIT_STRICT: u8 = 1;

pub fn run(args: HuntArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    inputs::check_paths(&args.paths)?;
    let raw_wanted = args.evidence == EvidenceArg::Raw;
    if raw_wanted && args.format != HuntFormat::Json {
        bail!("--evidence raw is for --format json");
    }
    if raw_wanted && args.paths.iter().any(|p| p.as_os_str() == "-") {
        bail!("--evidence raw reads the files holding the evidence again, which stdin (`-`) cannot be");
    }
    // The same file `serve` reads: its service sections are checked, and hunt takes the rest.
    let mut config = match &args.config {
        Some(path) => ServiceConfig::load(path)?.detect,
        None => detect::Config::default(),
    };
    config.gating.enabled |= args.gating;
    let gate = hunting::ledger_gate(&config, args.decisions.as_deref(), args.quiet)?;
    let paths = args.paths.clone();
    let hunt = hunting::Hunt {
        opts: hunting::options(&config, &args.tenant)?,
        since: hunting::parse_time("--since", args.since.as_deref())?,
        until: hunting::parse_time("--until", args.until.as_deref())?,
        run_events: args.sort_run_events,
        graph: hunting::load_inventory(&args.inventory, args.snapshot_time)?,
        paths: args.paths,
        gate: gate.clone().map(|g| g as Arc<dyn EnrollmentGate>),
        skip: args.decisions.into_iter().collect(),
        sigma: hunting::sigma_rules(args.rules.as_deref(), &config, args.quiet)?,
    };
    let opts = hunt.opts.clone();
    let outcome = hunting::run(hunt, &config)?;

    let mut err = std::io::stderr().lock();
    if let Err(nothing) = inputs::check_read(&paths, &outcome.tally) {
        // The problems say why each record could not be read.
        summary::write(&mut err, &outcome.tally, started.elapsed(), true)?;
        return Err(nothing.into());
    }

    let format = match args.format {
        HuntFormat::Table => Format::Table,
        HuntFormat::Json => Format::Json,
        HuntFormat::Ocsf => Format::Ocsf,
        HuntFormat::Csv => Format::Csv,
    };
    let raw = raw_wanted.then(|| raw_evidence::raw_records(&outcome.report.findings, &opts));
    let options = output::Options {
        min_severity: args.min_severity.map(|s| s.severity()),
        findings: args.findings,
        raw: raw.as_ref(),
    };
    let mut out = BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let written = if outcome.report.events == 0 && format == Format::Table {
        writeln!(out, "{}", nothing_hunted(&paths, &outcome))
    } else {
        output::write_with(format, &outcome.report, &options, env!("CARGO_PKG_VERSION"), &mut out)
    };
    if let Err(e) = written.and_then(|_| out.flush())
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        return Err(e).context("writing findings");
    }

    if let Some(errors) = gate.map(|g| g.errors()).filter(|n| *n > 0) {
        writeln!(err, "warning: the decisions ledger failed to answer {errors} time(s); those bindings are reported")?;
    }
    summary::write(&mut err, &outcome.tally, started.elapsed(), args.quiet)?;
    if !args.quiet {
        summary::write_report(&mut err, &outcome.report, outcome.outside, outcome.spilled_runs)?;
    }
    if let Some(threshold) = args.fail_on.map(|s| s.severity())
        && output::worst(&outcome.report.findings) >= Some(threshold)
    {
        return Ok(ExitCode::from(EXIT_FAIL_ON));
    }
    if args.strict && outcome.tally.problem_count() > 0 {
        return Ok(ExitCode::from(EXIT_STRICT));
    }
    Ok(ExitCode::SUCCESS)
}

/// What the table says instead of "no findings" when records were read but no event was
/// hunted: from where, and why.
fn nothing_hunted(paths: &[PathBuf], outcome: &hunting::Outcome) -> String {
    let from = paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ");
    let tally = &outcome.tally;
    let mut why = vec![format!("{} records read", tally.records)];
    if tally.not_relevant_total() > 0 {
        why.push(format!("{} not about identity", tally.not_relevant_total()));
    }
    if outcome.outside > 0 {
        why.push(format!("{} events outside --since/--until", outcome.outside));
    }
    format!("no events hunted from {from}: {}", why.join(", "))
}
