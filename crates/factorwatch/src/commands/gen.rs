//! `factorwatch gen`: flags to a `synth::Config`, then one call.

use crate::cli::GenArgs;
use anyhow::Context;
use std::process::ExitCode;
use std::time::Instant;

pub fn run(args: GenArgs) -> anyhow::Result<ExitCode> {
    let start = chrono::DateTime::parse_from_rfc3339(&args.start)
        .with_context(|| format!("`--start {}` is not an RFC 3339 time", args.start))?
        .to_utc();
    let cfg = synth::Config { seed: args.seed, users: args.users, days: args.days, events: args.events, start };
    let began = Instant::now();
    let summary = synth::generate(&cfg, &args.out)?;
    for (file, lines) in &summary.files {
        eprintln!("  {:<28} {lines:>9} lines", file);
    }
    eprintln!(
        "wrote {} lines to {} in {:.2} s: {} stories, {} look-alikes (truth.json, factorwatch.toml, decisions.ndjson)",
        summary.lines(),
        args.out.display(),
        began.elapsed().as_secs_f64(),
        summary.stories,
        summary.lookalikes
    );
    Ok(ExitCode::SUCCESS)
}
