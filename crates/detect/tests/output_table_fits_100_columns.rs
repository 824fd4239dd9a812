//! `--format table` is for people: highest incident risk first, every line at most 100
//! characters however long the names and summaries.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use detect::output::{Format, Options, complete, table, worst, write_with};
use model::Severity;

#[test]
fn every_incident_and_finding_line_is_at_most_100_columns() {
    let mut out = Vec::new();
    let options = Options { findings: true, ..Options::default() };
    write_with(Format::Table, &common::report(), &options, "0.1.0", &mut out).expect("written");
    let text = String::from_utf8(out).expect("utf-8");
    assert_eq!(text.lines().count(), 6, "a header, two incidents, three findings:\n{text}");
    for line in text.lines() {
        assert!(line.chars().count() <= table::WIDTH, "{} columns: {line}", line.chars().count());
    }
    assert!(text.contains('…'), "long cells are cut with an ellipsis:\n{text}");
}

#[test]
fn findings_are_sorted_by_incident_risk() {
    let mut report = common::report();
    report.findings.reverse();
    let lines = table::finding_lines(&complete(&report), &report.incidents);
    assert!(lines[0].starts_with("RISK"));
    assert!(lines[1].starts_with("  92  critical  FW-003"), "{}", lines[1]);
    assert!(lines[2].starts_with("  92  high      FW-004"), "{}", lines[2]);
    assert!(lines[3].starts_with("  40  medium    FW-008"), "{}", lines[3]);
}

#[test]
fn the_incident_queue_fits_100_columns_and_says_when_empty() {
    let report = common::report();
    let lines = table::incident_lines(&report.incidents);
    assert_eq!(lines.len(), 3);
    assert!(lines[1].starts_with("  92  critical"), "{}", lines[1]);
    for line in &lines {
        assert!(line.chars().count() <= table::WIDTH, "{line}");
    }
    assert_eq!(table::incident_lines(&[])[1], "no incidents");
    assert_eq!(table::finding_lines(&[], &[])[1], "no findings");
}

#[test]
fn fail_on_compares_against_the_worst_finding() {
    let report = common::report();
    assert_eq!(worst(&report.findings), Some(Severity::Critical));
    assert!(worst(&report.findings) >= Some(Severity::High));
    let medium_only: Vec<_> = report.findings.iter().filter(|f| f.severity == Severity::Medium).cloned().collect();
    assert!(worst(&medium_only) < Some(Severity::High));
    assert!(worst(&[]) < Some(Severity::Info), "no findings never fail");
}

#[test]
fn the_table_ranks_by_the_incident_risk_not_the_finding_own_score() {
    let mut report = common::report();
    let findings: Vec<_> = complete(&report)
        .into_iter()
        .map(|mut f| {
            f.risk_score = if f.detector == "FW-008" { 99 } else { 1 };
            f
        })
        .collect();
    report.incidents[1].risk_score = 10;
    let lines = table::finding_lines(&findings, &report.incidents);
    assert!(lines[1].starts_with("  92  critical"), "{}", lines[1]);
    assert!(lines[3].starts_with("  10  medium"), "{}", lines[3]);
}
