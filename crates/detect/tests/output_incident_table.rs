//! The table people read by default: one line per incident (risk, severity, finding count,
//! identity, first and last time, detectors and summary), its findings under it on request,
//! `min_severity` applied to every format, and long ids shortened in the table only.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use detect::output::{Format, Options, table, write_with};
use model::Severity;

fn written(format: Format, report: &detect::Report, options: &Options<'_>) -> String {
    let mut out = Vec::new();
    write_with(format, report, options, "0.1.0", &mut out).expect("written");
    String::from_utf8(out).expect("utf-8")
}

#[test]
fn one_line_per_incident_with_count_times_and_detectors() {
    let report = common::report();
    let text = written(Format::Table, &report, &Options::default());
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "a header and two incidents:\n{text}");
    assert!(lines[0].starts_with("RISK  SEVERITY  FINDS  IDENTITY"), "{}", lines[0]);
    assert!(
        lines[1]
            .starts_with("  92  critical      2  alice@acme.com        2026-05-04 10:01  05-04 10:02  FW-003,FW-004: "),
        "{}",
        lines[1]
    );
    assert!(lines[2].starts_with("  40  medium        1  a.very.long.identit…"), "{}", lines[2]);
    for line in &lines {
        assert!(line.chars().count() <= table::WIDTH, "{line}");
    }
}

#[test]
fn findings_are_listed_under_their_incident_with_the_flag() {
    let report = common::report();
    let text = written(Format::Table, &report, &Options { findings: true, ..Options::default() });
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 6, "{text}");
    assert!(lines[2].starts_with("      FW-003    2026-05-04 10:01  critical  alice@acme.com kept"), "{}", lines[2]);
    assert!(lines[3].starts_with("      FW-004    2026-05-04 10:02  high"), "{}", lines[3]);
    assert!(lines[4].starts_with("  40  medium"), "{}", lines[4]);
    assert!(lines[5].starts_with("      FW-008"), "{}", lines[5]);
}

#[test]
fn min_severity_applies_to_every_format() {
    let report = common::report();
    let high = Options { min_severity: Some(Severity::High), findings: true, ..Options::default() };
    for format in [Format::Json, Format::Ocsf] {
        assert_eq!(written(format, &report, &Options::default()).lines().count(), 3);
        assert_eq!(written(format, &report, &high).lines().count(), 2, "{format:?}");
    }
    assert_eq!(written(Format::Csv, &report, &high).lines().count(), 3, "a header and two rows");
    let table = written(Format::Table, &report, &high);
    assert_eq!(table.lines().count(), 4, "one incident and its two findings:\n{table}");
    assert!(!table.contains("FW-008"), "{table}");
    let critical = Options { min_severity: Some(Severity::Critical), ..Options::default() };
    let table = written(Format::Table, &report, &critical);
    assert!(table.lines().nth(1).unwrap().contains("  1  alice@acme.com"), "the count is what is shown:\n{table}");
    assert!(table.lines().nth(1).unwrap().contains("FW-003: "), "only the shown detectors:\n{table}");
}

#[test]
fn an_empty_report_says_no_findings() {
    let mut report = common::report();
    report.findings.clear();
    report.incidents.clear();
    assert_eq!(written(Format::Table, &report, &Options::default()).lines().nth(1), Some("no findings"));
}

#[test]
fn long_ids_are_shortened_in_the_table_and_kept_whole_in_json() {
    let mut report = common::report();
    let device = "a3f9c2e17b5d4e0f9a8b7c6d5e4f3a2b1c0d9e8f";
    report.findings[0].summary = format!("push factor bound on device {device}");
    report.incidents[0].summary = report.findings[0].summary.clone();
    let table = written(Format::Table, &report, &Options { findings: true, ..Options::default() });
    assert!(table.contains("device a3f9c2e1…"), "{table}");
    assert!(!table.contains(device), "{table}");
    assert!(written(Format::Json, &report, &Options::default()).contains(device));
    assert!(written(Format::Csv, &report, &Options::default()).contains(device));
}

#[test]
fn csv_quotes_what_needs_quoting_and_keeps_one_row_per_finding() {
    let mut report = common::report();
    report.findings[0].summary = "bound \"Okta Verify\", then\nreset".into();
    let csv = written(Format::Csv, &report, &Options::default());
    assert!(csv.contains(",\"bound \"\"Okta Verify\"\", then\nreset\","), "{csv}");
    assert_eq!(csv.matches("\r\n").count(), 4, "a header and three rows end in CRLF:\n{csv}");
}
