//! The report in the formats people and tools read: NDJSON findings (the output contract),
//! OCSF Detection Finding events, and a table for people. Library code so that `hunt`,
//! `demo` and the server write the same bytes.

pub mod json;
pub mod ocsf;
pub mod table;

use crate::Report;
use model::Finding;
use std::collections::HashMap;
use std::io::{self, Write};

/// How findings are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One finding per line, exactly the output contract (docs/detection-contract.md §6).
    Json,
    /// One OCSF Detection Finding (class 2004) per line.
    Ocsf,
    /// Columns for people, at most 100 wide, by incident risk.
    Table,
}

impl Format {
    /// Every format, the default first.
    pub const ALL: [Format; 3] = [Format::Table, Format::Json, Format::Ocsf];

    /// The format's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Ocsf => "ocsf",
            Format::Table => "table",
        }
    }

    /// The format of a name, if it is one.
    pub fn parse(text: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.as_str().eq_ignore_ascii_case(text.trim()))
    }
}

/// Writes the report's findings in `format`; `version` is factorwatch's, for OCSF metadata.
pub fn write(format: Format, report: &Report, version: &str, out: &mut dyn Write) -> io::Result<()> {
    let findings = complete(report);
    match format {
        Format::Json => json::write(&findings, out),
        Format::Ocsf => ocsf::write(&findings, version, out),
        Format::Table => table::write(&findings, &report.incidents, out),
    }
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
