//! `factorwatch hunt`: native logs in, findings out.
//!
//! Exit status: 0 ok; 1 with `--strict` when records were bad; 2 usage or config error;
//! 3 when a finding is at or above `--fail-on` (3 wins over 1).

use crate::cli::{HuntArgs, HuntFormat};
use crate::{hunting, summary};
use anyhow::Context;
use detect::output::{self, Format};
use detect::{Config, EnrollmentGate};
use std::io::{BufWriter, Write};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

/// A finding at or above `--fail-on`.
pub const EXIT_FAIL_ON: u8 = 3;
/// `--strict` and some records were bad.
pub const EXIT_STRICT: u8 = 1;

pub fn run(args: HuntArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let mut config = match &args.config {
        Some(path) => Config::load(path)?,
        None => Config::default(),
    };
    config.gating.enabled |= args.gating;
    let gate = hunting::ledger_gate(&config, args.decisions.as_deref(), args.quiet)?;
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
    let outcome = hunting::run(hunt, &config)?;

    let format = match args.format {
        HuntFormat::Table => Format::Table,
        HuntFormat::Json => Format::Json,
        HuntFormat::Ocsf => Format::Ocsf,
    };
    let mut out = BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let written = output::write(format, &outcome.report, env!("CARGO_PKG_VERSION"), &mut out).and_then(|_| out.flush());
    if let Err(e) = written
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        return Err(e).context("writing findings");
    }

    let mut err = std::io::stderr().lock();
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
