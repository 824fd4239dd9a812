//! `--format table`: findings for people, highest incident risk first, each line at most
//! [`WIDTH`] characters (longer cells end in `…`).

use model::{Finding, Incident};
use std::collections::HashMap;
use std::io::{self, Write};

/// The widest line the table writes, in characters.
pub const WIDTH: usize = 100;

const IDENTITY: usize = 24;

/// Findings by incident risk (highest first), then time, one per line under a header.
pub fn write(findings: &[Finding], incidents: &[Incident], out: &mut dyn Write) -> io::Result<()> {
    for line in finding_lines(findings, incidents) {
        writeln!(out, "{line}")?;
    }
    Ok(())
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
        row([&risk(f).to_string(), f.severity.as_str(), &f.detector, &identity_name(f), &time, &f.summary])
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
        let what = format!("{}: {}", detectors.join(","), i.summary);
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
    let room = WIDTH.saturating_sub(head.chars().count());
    let line = format!("{head}{}", clip(&one_line(text), room));
    line.trim_end().to_string()
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
