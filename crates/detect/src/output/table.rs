//! `--format table`: incidents for people, highest risk first, one line each (its findings
//! under it on request), each line at most [`WIDTH`] characters (longer cells end in `…`,
//! long ids in summaries are shortened by [`super::short_ids`]).

use super::short_ids::shorten;
use chrono::{DateTime, Utc};
use model::{Finding, Incident, Severity};
use std::collections::HashMap;
use std::io::{self, Write};

/// The widest line the table writes, in characters.
pub const WIDTH: usize = 100;

const IDENTITY: usize = 24;
/// The identity column of the incident table, narrower to leave room for both times.
const INCIDENT_IDENTITY: usize = 20;

/// Findings by incident risk (highest first), then time, one per line under a header.
pub fn write(findings: &[Finding], incidents: &[Incident], out: &mut dyn Write) -> io::Result<()> {
    for line in finding_lines(findings, incidents) {
        writeln!(out, "{line}")?;
    }
    Ok(())
}

/// One line per incident by risk, each incident's findings under it when `with_findings`.
pub fn write_incidents(
    findings: &[Finding],
    incidents: &[Incident],
    with_findings: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    for line in grouped_lines(findings, incidents, with_findings) {
        writeln!(out, "{line}")?;
    }
    Ok(())
}

/// An incident as the table shows it: a finding the engine left outside any incident is a
/// group of its own.
struct Group<'a> {
    risk: u8,
    severity: Severity,
    identity: &'a str,
    first: DateTime<Utc>,
    last: DateTime<Utc>,
    detectors: Vec<&'a str>,
    summary: &'a str,
    findings: Vec<&'a Finding>,
}

/// The lines [`write_incidents`] prints: a header, then per incident its risk, severity,
/// finding count, identity, first and last finding times (UTC; the last without its year),
/// detectors and summary.
pub fn grouped_lines(findings: &[Finding], incidents: &[Incident], with_findings: bool) -> Vec<String> {
    let by_id: HashMap<&str, &Finding> = findings.iter().map(|f| (f.id.as_str(), f)).collect();
    let mut grouped: std::collections::HashSet<&str> = std::collections::HashSet::new();
    let mut groups: Vec<Group<'_>> = incidents
        .iter()
        .map(|i| {
            let mut mine: Vec<&Finding> = i.findings.iter().filter_map(|id| by_id.get(id.as_str()).copied()).collect();
            mine.sort_by(|a, b| a.time.cmp(&b.time).then_with(|| a.id.cmp(&b.id)));
            grouped.extend(mine.iter().map(|f| f.id.as_str()));
            Group {
                risk: i.risk_score,
                severity: i.severity,
                identity: i.identity.name.as_deref().unwrap_or(&i.identity.id),
                first: i.first,
                last: i.last,
                detectors: i.detectors.iter().map(|d| d.as_str()).collect(),
                summary: &i.summary,
                findings: mine,
            }
        })
        .collect();
    groups.extend(findings.iter().filter(|f| !grouped.contains(f.id.as_str())).map(|f| Group {
        risk: f.risk_score,
        severity: f.severity,
        identity: f.identity.name.as_deref().unwrap_or(&f.identity.id),
        first: f.time,
        last: f.time,
        detectors: vec![f.detector.as_str()],
        summary: &f.summary,
        findings: vec![f],
    }));
    groups.sort_by(|a, b| b.risk.cmp(&a.risk).then_with(|| a.first.cmp(&b.first)));

    let mut lines =
        vec![incident_row(["RISK", "SEVERITY", "FINDS", "IDENTITY", "FIRST (UTC)", "LAST", "DETECTORS: SUMMARY"])];
    for g in &groups {
        let first = g.first.format("%Y-%m-%d %H:%M").to_string();
        let last = g.last.format("%m-%d %H:%M").to_string();
        let what = format!("{}: {}", g.detectors.join(","), shorten(g.summary));
        let count = g.findings.len().to_string();
        lines.push(incident_row([&g.risk.to_string(), g.severity.as_str(), &count, g.identity, &first, &last, &what]));
        if with_findings {
            lines.extend(g.findings.iter().map(|f| finding_under(f)));
        }
    }
    if groups.is_empty() {
        lines.push("no findings".to_string());
    }
    lines
}

fn incident_row([risk, severity, count, identity, first, last, text]: [&str; 7]) -> String {
    let head = format!(
        "{:>4}  {:<8}  {:>5}  {:<INCIDENT_IDENTITY$}  {:<16}  {:<11}  ",
        clip(risk, 4),
        clip(severity, 8),
        clip(count, 5),
        clip(identity, INCIDENT_IDENTITY),
        clip(first, 16),
        clip(last, 11),
    );
    fit(head, text)
}

/// A finding indented under its incident: detector, time, severity, summary.
fn finding_under(f: &Finding) -> String {
    let time = f.time.format("%Y-%m-%d %H:%M").to_string();
    let head = format!("      {:<8}  {:<16}  {:<8}  ", clip(&f.detector, 8), time, f.severity.as_str());
    fit(head, &shorten(&f.summary))
}

fn fit(head: String, text: &str) -> String {
    let room = WIDTH.saturating_sub(head.chars().count());
    let line = format!("{head}{}", clip(&one_line(text), room));
    line.trim_end().to_string()
}

/// The lines [`write`] prints. The risk shown and sorted on is the finding's incident's,
/// else the finding's own.
pub fn finding_lines(findings: &[Finding], incidents: &[Incident]) -> Vec<String> {
    let by_id: HashMap<&str, u8> = incidents.iter().map(|i| (i.id.as_str(), i.risk_score)).collect();
    let risk = |f: &Finding| by_id.get(f.incident.as_str()).copied().unwrap_or(f.risk_score);
    let mut rows: Vec<&Finding> = findings.iter().collect();
    rows.sort_by(|a, b| {
        risk(b)
            .cmp(&risk(a))
            .then_with(|| a.incident.cmp(&b.incident))
            .then_with(|| a.time.cmp(&b.time))
            .then_with(|| a.id.cmp(&b.id))
    });
    let mut lines = vec![row(["RISK", "SEVERITY", "ID", "IDENTITY", "TIME (UTC)", "SUMMARY"])];
    lines.extend(rows.into_iter().map(|f| {
        let time = f.time.format("%Y-%m-%d %H:%M").to_string();
        row([&risk(f).to_string(), f.severity.as_str(), &f.detector, &identity_name(f), &time, &shorten(&f.summary)])
    }));
    if findings.is_empty() {
        lines.push("no findings".to_string());
    }
    lines
}

/// The incident queue: one line per incident, by risk then time.
pub fn incident_lines(incidents: &[Incident]) -> Vec<String> {
    let mut rows: Vec<&Incident> = incidents.iter().collect();
    rows.sort_by(|a, b| b.risk_score.cmp(&a.risk_score).then_with(|| a.first.cmp(&b.first)));
    let mut lines = vec![row(["RISK", "SEVERITY", "FINDS", "IDENTITY", "FIRST (UTC)", "DETECTORS / SUMMARY"])];
    lines.extend(rows.into_iter().map(|i| {
        let who = i.identity.name.as_deref().unwrap_or(&i.identity.id);
        let first = i.first.format("%Y-%m-%d %H:%M").to_string();
        let detectors: Vec<&str> = i.detectors.iter().map(|d| d.as_str()).collect();
        let what = format!("{}: {}", detectors.join(","), shorten(&i.summary));
        row([&i.risk_score.to_string(), i.severity.as_str(), &i.findings.len().to_string(), who, &first, &what])
    }));
    if incidents.is_empty() {
        lines.push("no incidents".to_string());
    }
    lines
}

fn identity_name(f: &Finding) -> String {
    f.identity.name.as_deref().unwrap_or(&f.identity.id).to_string()
}

fn row([risk, severity, id, identity, time, text]: [&str; 6]) -> String {
    let head = format!(
        "{:>4}  {:<8}  {:<6}  {:<IDENTITY$}  {:<16}  ",
        clip(risk, 4),
        clip(severity, 8),
        clip(id, 6),
        clip(identity, IDENTITY),
        clip(time, 16)
    );
    fit(head, text)
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `text` in at most `width` characters, ending in `…` when cut.
pub fn clip(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let mut out: String = text.chars().take(width.saturating_sub(1)).collect();
    out.push('…');
    out
}
