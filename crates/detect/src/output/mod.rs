//! The report in the formats people and tools read: NDJSON findings (the output contract),
//! OCSF Detection Finding events, CSV rows, and a table for people. Library code so that
//! `hunt`, `demo` and the server write the same bytes.

pub mod csv;
pub mod json;
pub mod ocsf;
pub mod short_ids;
pub mod table;

use crate::Report;
use model::{Finding, Incident, Severity};
use std::collections::{HashMap, HashSet};
use std::io::{self, Write};

/// How findings are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One finding per line, exactly the output contract (docs/detection-contract.md §6).
    Json,
    /// One OCSF Detection Finding (class 2004) per line.
    Ocsf,
    /// Columns for people, at most 100 wide: one line per incident, by risk.
    Table,
    /// One row per finding under a header row (RFC 4180), for spreadsheets.
    Csv,
}

impl Format {
    /// Every format, the default first.
    pub const ALL: [Format; 4] = [Format::Table, Format::Json, Format::Ocsf, Format::Csv];

    /// The format's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Ocsf => "ocsf",
            Format::Table => "table",
            Format::Csv => "csv",
        }
    }

    /// The format of a name, if it is one.
    pub fn parse(text: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.as_str().eq_ignore_ascii_case(text.trim()))
    }
}

/// What the reader asked of the output besides its format.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options<'a> {
    /// Only findings at or above this severity, and the incidents holding one, in every format.
    pub min_severity: Option<Severity>,
    /// The table lists each incident's findings under it.
    pub findings: bool,
    /// Raw provider records by evidence source (`file:line`, `#n` in envelopes): JSON
    /// evidence carries each as `raw`.
    pub raw: Option<&'a HashMap<String, serde_json::Value>>,
}

/// Writes the report's findings in `format`; `version` is factorwatch's, for OCSF metadata.
pub fn write(format: Format, report: &Report, version: &str, out: &mut dyn Write) -> io::Result<()> {
    write_with(format, report, &Options::default(), version, out)
}

/// [`write`], with the reader's [`Options`].
pub fn write_with(
    format: Format,
    report: &Report,
    options: &Options<'_>,
    version: &str,
    out: &mut dyn Write,
) -> io::Result<()> {
    let findings = at_least(complete(report), options.min_severity);
    match format {
        Format::Json => match options.raw {
            Some(raw) => json::write_with_raw(&findings, raw, out),
            None => json::write(&findings, out),
        },
        Format::Ocsf => ocsf::write(&findings, version, out),
        Format::Csv => csv::write(&findings, out),
        Format::Table => {
            let incidents = holding(&report.incidents, &findings);
            table::write_incidents(&findings, &incidents, options.findings, out)
        }
    }
}

/// The findings at or above `min` (all of them without one).
pub fn at_least(mut findings: Vec<Finding>, min: Option<Severity>) -> Vec<Finding> {
    if let Some(min) = min {
        findings.retain(|f| f.severity >= min);
    }
    findings
}

/// The incidents that hold one of `findings`, each narrowed to those: their ids, detectors
/// and first and last times. Risk, severity and summary stay the incident's.
pub fn holding(incidents: &[Incident], findings: &[Finding]) -> Vec<Incident> {
    let kept: HashMap<&str, &Finding> = findings.iter().map(|f| (f.id.as_str(), f)).collect();
    incidents
        .iter()
        .filter(|i| i.findings.iter().any(|id| kept.contains_key(id.as_str())))
        .map(|i| {
            let mut i = i.clone();
            i.findings.retain(|id| kept.contains_key(id.as_str()));
            let mine: Vec<&Finding> = i.findings.iter().filter_map(|id| kept.get(id.as_str()).copied()).collect();
            let detectors: HashSet<&str> = mine.iter().map(|f| f.detector.as_str()).collect();
            i.detectors.retain(|d| detectors.contains(d.as_str()));
            if let (Some(first), Some(last)) = (mine.iter().map(|f| f.time).min(), mine.iter().map(|f| f.time).max()) {
                (i.first, i.last) = (first, last);
            }
            i
        })
        .collect()
}

/// The most severe finding's severity; `None` without findings. `--fail-on S` fails when
/// this is at or above `S`.
pub fn worst(findings: &[Finding]) -> Option<model::Severity> {
    findings.iter().map(|f| f.severity).max()
}

/// The report's findings, each with its incident id and the incident's risk score where the
/// finding itself does not carry them, in incident order.
pub fn complete(report: &Report) -> Vec<Finding> {
    let mut by_finding: HashMap<&str, (&str, u8)> = HashMap::new();
    for incident in &report.incidents {
        for id in &incident.findings {
            by_finding.insert(id.as_str(), (incident.id.as_str(), incident.risk_score));
        }
    }
    report
        .findings
        .iter()
        .map(|f| {
            let mut f = f.clone();
            if let Some((incident, risk)) = by_finding.get(f.id.as_str()) {
                if f.incident.is_empty() {
                    f.incident = (*incident).to_string();
                }
                if f.risk_score == 0 {
                    f.risk_score = *risk;
                }
            }
            f
        })
        .collect()
}
