//! The run summary written to stderr after the data: what was read, what it became, and
//! every problem with its source and line.

use ingest::Tally;
use model::Provider;
use std::io::{self, Write};
use std::time::Duration;

/// How many problems are listed one by one before the rest are only counted.
const MAX_LISTED: usize = 200;

pub fn write(out: &mut dyn Write, tally: &Tally, elapsed: Duration, quiet: bool) -> io::Result<()> {
    let problems = tally.problem_count();
    if !quiet {
        writeln!(
            out,
            "read {} records from {} sources in {:.2} s: {} identity events from {} records, {} not identity-relevant, {} problems, {} duplicates dropped",
            tally.records,
            tally.sources,
            elapsed.as_secs_f64(),
            tally.event_total(),
            tally.relevant,
            tally.not_relevant_total(),
            problems,
            tally.duplicates,
        )?;
        if tally.own_records > 0 {
            writeln!(
                out,
                "skipped {} records of factorwatch's own files (a generated tenant's truth.json, a decision ledger)",
                tally.own_records
            )?;
        }
        write_events(out, tally)?;
        write_not_relevant(out, tally)?;
    }
    if problems > 0 {
        // Counted by kind over every problem, not only the listed ones.
        let kinds: Vec<String> = tally.problems_by_kind.iter().map(|(k, n)| format!("{k} {n}")).collect();
        writeln!(out, "\nproblems ({problems}: {}):", kinds.join(", "))?;
        for d in tally.diagnostics.iter().take(MAX_LISTED) {
            writeln!(out, "  warning: {d}")?;
        }
        let shown = tally.diagnostics.len().min(MAX_LISTED) as u64;
        if problems > shown {
            writeln!(out, "  … and {} more, not listed (counted above by kind)", problems - shown)?;
        }
    }
    Ok(())
}

fn write_events(out: &mut dyn Write, tally: &Tally) -> io::Result<()> {
    if tally.events.is_empty() {
        return Ok(());
    }
    writeln!(out, "\nevents by provider and category:")?;
    let mut last: Option<Provider> = None;
    for ((provider, category), n) in &tally.events {
        if *n == 0 {
            continue;
        }
        let name = if last == Some(*provider) { "" } else { provider.as_str() };
        writeln!(out, "  {name:<9} {:<16} {n:>9}", category.as_str())?;
        last = Some(*provider);
    }
    Ok(())
}

fn write_not_relevant(out: &mut dyn Write, tally: &Tally) -> io::Result<()> {
    if tally.not_relevant.is_empty() {
        return Ok(());
    }
    let mut rows: Vec<_> = tally.not_relevant.iter().collect();
    rows.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    writeln!(out, "\nnot identity-relevant, by provider and action (largest first):")?;
    for ((provider, action), n) in rows.iter().take(15) {
        writeln!(out, "  {:<9} {:<44} {n:>9}", provider.as_str(), action.as_str())?;
    }
    if rows.len() > 15 {
        let rest: u64 = rows.iter().skip(15).map(|(_, n)| **n).sum();
        writeln!(out, "  … {} more actions, {rest} records", rows.len() - 15)?;
    }
    Ok(())
}

/// What a hunt found, after the ingest summary: events hunted, findings by severity,
/// incidents.
pub fn write_report(out: &mut dyn Write, report: &detect::Report, outside: u64, spilled_runs: usize) -> io::Result<()> {
    let span = match (report.first, report.last) {
        (Some(first), Some(last)) => {
            format!(" from {} to {}", first.format("%Y-%m-%dT%H:%M:%SZ"), last.format("%Y-%m-%dT%H:%M:%SZ"))
        }
        _ => String::new(),
    };
    let mut line = format!("\nhunted {} events{span}", report.events);
    if outside > 0 {
        line.push_str(&format!(" ({outside} outside --since/--until skipped)"));
    }
    if spilled_runs > 0 {
        line.push_str(&format!(", sorted through {spilled_runs} runs on disk"));
    }
    writeln!(out, "{line}")?;
    let by_severity: Vec<String> = model::Severity::ALL
        .iter()
        .rev()
        .map(|s| (s, report.findings.iter().filter(|f| f.severity == *s).count()))
        .filter(|(_, n)| *n > 0)
        .map(|(s, n)| format!("{s} {n}"))
        .collect();
    let detail = if by_severity.is_empty() { String::new() } else { format!(" ({})", by_severity.join(", ")) };
    writeln!(out, "{} findings{detail} in {} incidents", report.findings.len(), report.incidents.len())
}
