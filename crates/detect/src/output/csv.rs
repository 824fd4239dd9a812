//! `--format csv`: one row per finding under a header row, quoted as RFC 4180 says (fields
//! holding a comma, a quote, CR or LF are quoted, quotes doubled; rows end in CRLF).
//!
//! Names and summaries come from the logs, so an attacker chooses some of them: a field that
//! a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or CR) is
//! written with a leading `'` (OWASP's advice against CSV injection).

use model::Finding;
use std::io::{self, Write};

/// The header row's fields, in order.
pub const COLUMNS: [&str; 14] = [
    "incident",
    "risk_score",
    "severity",
    "detector",
    "name",
    "time",
    "provider",
    "tenant",
    "identity_id",
    "identity_name",
    "actor",
    "summary",
    "evidence",
    "finding_id",
];

/// Writes the header and one row per finding.
pub fn write(findings: &[Finding], out: &mut dyn Write) -> io::Result<()> {
    write_row(out, &COLUMNS)?;
    for f in findings {
        let actor = f.actor.as_ref().and_then(|a| a.name.as_deref().or(a.id.as_deref())).unwrap_or("");
        let evidence: Vec<&str> = f.evidence.iter().map(|e| e.source.as_str()).collect();
        let time = f.time.format("%Y-%m-%dT%H:%M:%SZ").to_string();
        let risk = f.risk_score.to_string();
        let evidence = evidence.join(" ");
        let row: [&str; COLUMNS.len()] = [
            &f.incident,
            &risk,
            f.severity.as_str(),
            &f.detector,
            &f.name,
            &time,
            f.identity.provider.as_str(),
            &f.identity.tenant,
            &f.identity.id,
            f.identity.name.as_deref().unwrap_or(""),
            actor,
            &f.summary,
            &evidence,
            &f.id,
        ];
        write_row(out, &row)?;
    }
    Ok(())
}

fn write_row(out: &mut dyn Write, fields: &[&str]) -> io::Result<()> {
    let row: Vec<String> = fields.iter().map(|f| field(f)).collect();
    write!(out, "{}\r\n", row.join(","))
}

/// One field as RFC 4180 writes it, formula-like text defused.
pub fn field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text.to_string() };
    if text.contains([',', '"', '\r', '\n']) { format!("\"{}\"", text.replace('"', "\"\"")) } else { text }
}

#[cfg(test)]
mod tests {
    use super::field;

    #[test]
    fn plain_text_is_written_as_it_is() {
        assert_eq!(field("alice@acme.com"), "alice@acme.com");
        assert_eq!(field(""), "");
    }

    #[test]
    fn commas_quotes_and_newlines_are_quoted_with_quotes_doubled() {
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("two\nlines"), "\"two\nlines\"");
        assert_eq!(field("cr\rlf"), "\"cr\rlf\"");
    }

    #[test]
    fn formula_like_text_is_defused() {
        assert_eq!(field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(field("+1"), "'+1");
        assert_eq!(field("@SUM(A1)"), "'@SUM(A1)");
    }
}
