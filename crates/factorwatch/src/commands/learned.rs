//! `factorwatch config show --learned PATH...`: the shared egress networks a hunt over the
//! logs learns (`[networks.learned_egress]`), with the evidence for each.

use crate::hunting;
use anyhow::bail;
use detect::{Config, LearnedNetwork};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

pub fn show(config: &Config, paths: Vec<PathBuf>, tenants: &[String]) -> anyhow::Result<ExitCode> {
    let hunt = hunting::Hunt {
        opts: hunting::options(config, tenants)?,
        since: None,
        until: None,
        run_events: detect::order::DEFAULT_RUN_EVENTS,
        graph: graph::Graph::new(),
        paths,
        gate: None,
        skip: Vec::new(),
        sigma: None,
    };
    let outcome = hunting::run(hunt, config)?;
    if outcome.report.events == 0 {
        bail!("no events read from the paths given: nothing to learn from");
    }
    let mut out = std::io::stdout().lock();
    write_table(&mut out, config, outcome.report.events, &outcome.report.learned_egress)?;
    Ok(ExitCode::SUCCESS)
}

/// One line per learned network, after a line that says what was learned from what.
pub fn write_table(
    out: &mut impl Write,
    config: &Config,
    events: u64,
    learned: &[LearnedNetwork],
) -> std::io::Result<()> {
    let settings = &config.networks.learned_egress;
    if !settings.enabled {
        writeln!(out, "# learning shared egress is off ([networks.learned_egress] enabled = false)")?;
        return Ok(());
    }
    writeln!(
        out,
        "# shared egress learned from {events} events: {} network(s) that {} or more identities of one tenant signed in from over {}",
        learned.len(),
        settings.min_identities,
        humantime_words(settings.min_span)
    )?;
    if learned.is_empty() {
        return Ok(());
    }
    writeln!(out, "{:<20} {:>10}  {:<16}  {:<16}  WHY", "NETWORK", "IDENTITIES", "FIRST (UTC)", "LAST (UTC)")?;
    for n in learned {
        writeln!(
            out,
            "{:<20} {:>10}  {:<16}  {:<16}  {}",
            n.network,
            n.identities,
            n.first.format("%Y-%m-%d %H:%M"),
            n.last.format("%Y-%m-%d %H:%M"),
            n.why
        )?;
    }
    Ok(())
}

/// "1 day", "36 h", "90 min".
fn humantime_words(d: std::time::Duration) -> String {
    match d.as_secs() {
        s if s % 86_400 == 0 && s > 0 => format!("{} day{}", s / 86_400, if s == 86_400 { "" } else { "s" }),
        s if s % 3600 == 0 && s > 0 => format!("{} h", s / 3600),
        s => format!("{} min", s / 60),
    }
}
