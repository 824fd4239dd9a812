//! The hunt pipeline shared by `hunt` and `demo`: read and normalize the inputs, keep the
//! events inside the time window, sort them by event time (spilling to disk past a run
//! size), feed the engine in that order, and return its report with what was read.

use anyhow::{Context, bail};
use chrono::{DateTime, Utc};
use detect::order::EventSorter;
use detect::{Config, Engine, EnrollmentGate, Report};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use ingest::{Input, Options, Pipeline, Tally};
use model::{Event, Provider};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Update the progress bar every this many events.
const PROGRESS_EVERY: u64 = 4096;

pub struct Hunt {
    pub paths: Vec<PathBuf>,
    pub opts: Options,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    pub run_events: usize,
    /// The identity graph (inventory) detection reads tiers and blast radius from.
    pub graph: graph::Graph,
    /// The decision point's ledger, when enrollment gating is on (FW-012).
    pub gate: Option<Arc<dyn EnrollmentGate>>,
    /// Files that are not logs even where a folder given holds them (the ledger export
    /// given to `--decisions`, often kept beside the logs).
    pub skip: Vec<PathBuf>,
    /// Sigma rules matched on every record as it is read.
    pub sigma: Option<Arc<sigma::Evaluator>>,
}

pub struct Outcome {
    pub report: Report,
    pub tally: Tally,
    /// Events outside `--since`/`--until`.
    pub outside: u64,
    pub spilled_runs: usize,
}

/// How far past the wall clock a record's time may be before it is refused.
pub const FUTURE_TOLERANCE: chrono::TimeDelta = chrono::TimeDelta::days(1);

/// Ingest options with tenant names from the config's `[tenants]`, then from `--tenant`
/// pairs (which win).
pub fn options(config: &Config, pairs: &[String]) -> anyhow::Result<Options> {
    let mut opts = Options::default();
    // A record dated past tomorrow is refused (docs/normalize.md): a day covers any
    // provider's clock and time zone slips, not a forged or corrupt year.
    opts.future_tolerance = Some(FUTURE_TOLERANCE);
    for (provider, name) in &config.tenants {
        let Some(provider) = Provider::parse(provider) else {
            bail!("[tenants]: unknown provider `{provider}`");
        };
        opts.set_tenant(provider, name.trim());
    }
    for pair in pairs {
        let Some((provider, name)) = pair.split_once('=') else {
            bail!("--tenant expects PROVIDER=NAME, found `{pair}`");
        };
        let Some(provider) = Provider::parse(provider.trim()) else {
            let known: Vec<&str> = Provider::ALL.iter().map(|p| p.as_str()).collect();
            bail!("--tenant: unknown provider `{provider}`; expected one of {}", known.join(", "));
        };
        opts.set_tenant(provider, name.trim());
    }
    Ok(opts)
}

/// Builds the identity graph from inventory files (any format `graph import` reads); factor
/// snapshots among them are dated by `snapshot_time`, else as [`import_options`] says.
pub fn load_inventory(
    files: &[PathBuf],
    snapshot_time: Option<chrono::DateTime<chrono::Utc>>,
) -> anyhow::Result<graph::Graph> {
    let mut g = graph::Graph::new();
    for file in files {
        let text = std::fs::read_to_string(file).with_context(|| format!("reading inventory {}", file.display()))?;
        let options = import_options(file, snapshot_time);
        let imported = graph::import::import_with(&mut g, &file.display().to_string(), &text, &options)?;
        eprintln!(
            "inventory {}: {} ({} nodes, {} edges)",
            file.display(),
            imported.format,
            imported.nodes,
            imported.edges
        );
    }
    Ok(g)
}

/// How to date a file's factor snapshot: the time given, else the one the document states,
/// else the file's modification time.
pub fn import_options(
    file: &Path,
    snapshot_time: Option<chrono::DateTime<chrono::Utc>>,
) -> graph::import::ImportOptions {
    let file_time = std::fs::metadata(file).and_then(|m| m.modified()).ok().map(chrono::DateTime::<chrono::Utc>::from);
    graph::import::ImportOptions { snapshot_time, file_time }
}

/// The enrollment gate when `[gating]` is enabled: the decisions and approvals of the ledger
/// export `decisions`, or none at all (then every factor bound to a gated identity is
/// unapproved: that is what gating without decisions means). Says what it loaded on stderr
/// unless `quiet`.
pub fn ledger_gate(
    config: &Config,
    decisions: Option<&Path>,
    quiet: bool,
) -> anyhow::Result<Option<Arc<policy::LedgerGate>>> {
    if !config.gating.enabled {
        if let Some(path) = decisions {
            bail!(
                "--decisions {} needs enrollment gating on\n  help: add --gating, or set `[gating] enabled = true` in the config",
                path.display()
            );
        }
        return Ok(None);
    }
    let ledger = match decisions {
        Some(path) => policy::load_ledger_file(path)?,
        None => policy::MemoryLedger::new(),
    };
    let (decided, approved) = ledger.counts();
    let tiers: Vec<String> = config.gating.tiers.iter().map(u8::to_string).collect();
    let listed = config.gating.identities.len();
    let whom = match (tiers.is_empty(), listed) {
        (false, 0) => format!("tiers {}", tiers.join(", ")),
        (false, n) => format!("tiers {} and {n} listed identities", tiers.join(", ")),
        (true, n) => format!("{n} listed identities"),
    };
    match decisions {
        _ if quiet => {}
        Some(path) => eprintln!(
            "enrollment gating ({whom}): {decided} decision(s), {approved} approval(s) from {}",
            path.display()
        ),
        None => eprintln!(
            "enrollment gating ({whom}) with no --decisions: every factor bound to a gated identity is reported (FW-012)"
        ),
    }
    let approvals = policy::Approvals::new(Arc::new(ledger), policy::DecisionConfig::default().approval_ttl);
    Ok(Some(Arc::new(policy::LedgerGate::new(approvals))))
}

/// The Sigma rules of `--rules`, else of `[sigma] rules`, loaded once; says on stderr how
/// many loaded and how many were skipped unless `quiet`.
pub fn sigma_rules(flag: Option<&Path>, config: &Config, quiet: bool) -> anyhow::Result<Option<Arc<sigma::Evaluator>>> {
    let Some(dir) = flag.or(config.sigma.rules.as_deref()) else { return Ok(None) };
    let rules = sigma::RuleSet::load(dir).with_context(|| format!("reading Sigma rules in {}", dir.display()))?;
    if !quiet {
        let skipped = rules.skipped.len();
        let hint =
            if skipped > 0 { format!(" (`factorwatch rules lint {}` says why)", dir.display()) } else { String::new() };
        eprintln!("sigma rules {}: loaded {}, skipped {skipped}{hint}", dir.display(), rules.loaded());
    }
    Ok(Some(Arc::new(sigma::Evaluator::new(Arc::new(rules)))))
}

/// Reads an RFC 3339 time flag.
pub fn parse_time(flag: &str, text: Option<&str>) -> anyhow::Result<Option<DateTime<Utc>>> {
    text.map(|t| {
        DateTime::parse_from_rfc3339(t.trim())
            .map(|t| t.with_timezone(&Utc))
            .with_context(|| format!("{flag}: expected an RFC 3339 time such as 2026-05-01T00:00:00Z, found `{t}`"))
    })
    .transpose()
}

pub fn run(hunt: Hunt, config: &Config) -> anyhow::Result<Outcome> {
    let mut engine = Engine::with_graph(config, hunt.graph)?;
    engine.set_gate(hunt.gate);
    let (mut inputs, problems) = ingest::expand_paths(&hunt.paths);
    let skip: Vec<PathBuf> = hunt.skip.iter().filter_map(|p| p.canonicalize().ok()).collect();
    if !skip.is_empty() {
        inputs.retain(|input| match input {
            Input::Path(p) => p.canonicalize().map_or(true, |p| !skip.contains(&p)),
            _ => true,
        });
    }
    let progress = Progress::new();

    let mut sorter = EventSorter::new(hunt.run_events);
    let mut outside = 0u64;
    let mut sort_error = None;
    let mut seen = 0u64;
    let mut sink = |event: Event| {
        seen += 1;
        if seen.is_multiple_of(PROGRESS_EVERY) {
            progress.reading(seen);
        }
        let inside = hunt.since.is_none_or(|s| event.time >= s) && hunt.until.is_none_or(|u| event.time < u);
        if !inside {
            outside += 1;
        } else if sort_error.is_none()
            && let Err(e) = sorter.push(event)
        {
            sort_error = Some(e);
        }
    };
    let mut hits = Vec::new();
    let mut tally = match &hunt.sigma {
        Some(rules) => Pipeline::new(hunt.opts).run_observed(inputs, rules.as_ref(), &mut sink, &mut |h| hits.push(h)),
        None => Pipeline::new(hunt.opts).run(inputs, &mut sink),
    };
    if let Some(e) = sort_error {
        return Err(e.into());
    }
    tally.prepend_problems(problems);

    let spilled_runs = sorter.spilled_runs();
    let sorted = sorter.finish()?;
    progress.detecting(sorted.total());
    for (n, event) in sorted.enumerate() {
        engine.process(&event?);
        if (n as u64).is_multiple_of(PROGRESS_EVERY) {
            progress.detected(n as u64);
        }
    }
    if let Some(rules) = &hunt.sigma {
        hits.retain(|h| {
            let t = h.facts.time;
            hunt.since.is_none_or(|s| t >= s) && hunt.until.is_none_or(|u| t < u)
        });
        for finding in sigma::Session::new(rules.rules().clone()).process(hits) {
            engine.adopt(finding);
        }
    }
    progress.done();
    Ok(Outcome { report: engine.finish(), tally, outside, spilled_runs })
}

/// A progress line on stderr, drawn only when stderr is a terminal.
struct Progress {
    bar: ProgressBar,
}

impl Progress {
    fn new() -> Progress {
        let bar = if std::io::stderr().is_terminal() {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(style("{spinner} reading {human_pos} events [{elapsed}]"));
            bar
        } else {
            ProgressBar::hidden()
        };
        Progress { bar }
    }

    fn reading(&self, events: u64) {
        self.bar.set_position(events);
    }

    fn detecting(&self, total: u64) {
        self.bar.set_style(style("detecting {bar:40} {human_pos}/{human_len} events [{elapsed}, {eta} left]"));
        self.bar.set_length(total);
        self.bar.set_position(0);
    }

    fn detected(&self, events: u64) {
        self.bar.set_position(events);
    }

    fn done(&self) {
        self.bar.finish_and_clear();
    }
}

fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenant_flags_win_over_the_config_tenants() {
        let mut config = Config::default();
        config.tenants.insert("okta".into(), "from-config.okta.com".into());
        config.tenants.insert("duo".into(), "duo-config".into());
        let opts = options(&config, &["okta=from-flag.okta.com".to_string()]).unwrap_or_default();
        assert_eq!(opts.tenant_override(Provider::Okta).map(|t| t.as_str()), Some("from-flag.okta.com"));
        assert_eq!(opts.tenant_override(Provider::Duo).map(|t| t.as_str()), Some("duo-config"));
        assert!(options(&config, &["nope".to_string()]).is_err());
    }

    #[test]
    fn times_are_rfc3339_with_any_offset() {
        let t = parse_time("--since", Some("2026-05-01T02:00:00+02:00")).ok().flatten();
        assert_eq!(t.map(|t| t.to_rfc3339()), Some("2026-05-01T00:00:00+00:00".to_string()));
        assert!(parse_time("--until", Some("May 1st")).is_err());
        assert!(parse_time("--until", None).ok().flatten().is_none());
    }
}
