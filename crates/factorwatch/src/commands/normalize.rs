//! `factorwatch normalize`: native logs in, normalized events out.

use crate::cli::{Format, NormalizeArgs};
use crate::{inputs, summary};
use anyhow::Context;
use ingest::{Options, Pipeline};
use model::Event;
use std::io::{BufWriter, Write};
use std::process::ExitCode;
use std::time::Instant;

/// Exit status: 0 done (even with problems), 1 problems with `--strict`, 2 usage error, 4
/// nothing to read (a path that does not exist, a folder without logs, no provider's record).
pub fn run(args: NormalizeArgs) -> anyhow::Result<ExitCode> {
    let opts = options(&args)?;
    inputs::check_paths(&args.paths)?;
    let started = Instant::now();
    let (inputs, problems) = ingest::expand_paths(&args.paths);

    let stdout = std::io::stdout().lock();
    let mut out = BufWriter::with_capacity(1 << 16, stdout);
    if args.format == Format::Table {
        let header = row(["TIME", "PROVIDER", "CATEGORY", "RELATION", "ACTOR -> TARGET", "FACTOR", "IP"]);
        writeln!(out, "{header}").context("writing events")?;
    }
    let mut write_error: Option<std::io::Error> = None;
    let mut sink = |event: Event| {
        if write_error.is_some() {
            return;
        }
        let written = match args.format {
            Format::Json => {
                serde_json::to_writer(&mut out, &event).map_err(std::io::Error::from).and_then(|_| out.write_all(b"\n"))
            }
            Format::Table => writeln!(out, "{}", table_row(&event)),
        };
        if let Err(e) = written {
            write_error = Some(e);
        }
    };
    let mut tally = Pipeline::new(opts).run(inputs, &mut sink);
    out.flush().context("writing events")?;
    if let Some(e) = write_error {
        // A closed pipe (`| head`) is not an error worth a message.
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            return Err(e).context("writing events");
        }
    }
    tally.prepend_problems(problems);

    let stderr = std::io::stderr();
    let mut err = stderr.lock();
    summary::write(&mut err, &tally, started.elapsed(), args.quiet)?;
    inputs::check_read(&args.paths, &tally)?;
    if args.strict && tally.problem_count() > 0 {
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

fn options(args: &NormalizeArgs) -> anyhow::Result<Options> {
    let mut opts = crate::hunting::options(&detect::Config::default(), &args.tenant)?;
    opts.max_record_bytes = args.max_record_bytes;
    opts.keep_duplicates = args.keep_duplicates;
    Ok(opts)
}

/// One event in about 100 columns.
fn table_row(e: &Event) -> String {
    let who =
        |p: Option<&model::Principal>| p.and_then(|p| p.name.as_deref().or(p.id.as_deref())).unwrap_or("-").to_string();
    let actor = who(e.actor.as_ref());
    let target = who(e.target.as_ref());
    let parties = if e.actor.is_some() && e.target.as_ref().zip(e.actor.as_ref()).is_none_or(|(t, a)| !t.same_as(a)) {
        format!("{} -> {}", clip(&actor, 12), clip(&target, 12))
    } else {
        clip(&target, 28)
    };
    let factor = e.factor.as_ref().map(|f| f.class.as_str()).unwrap_or("-");
    let ip = e.client.ip.map(|ip| ip.to_string()).unwrap_or_else(|| "-".into());
    let time = e.time.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    row([&time, e.provider.as_str(), e.category.as_str(), e.relation.as_str(), &parties, factor, &ip])
}

fn row([time, provider, category, relation, parties, factor, ip]: [&str; 7]) -> String {
    format!("{time:<20} {provider:<8} {category:<15} {relation:<9} {parties:<28} {factor:<18} {ip}")
}

fn clip(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        return s.to_string();
    }
    let mut out: String = s.chars().take(width.saturating_sub(1)).collect();
    out.push('…');
    out
}
