//! The ledger export: decisions and approvals as NDJSON, one `{"decision": …}` or
//! `{"approval": …}` object a line (docs/policy.md). `hunt --decisions` reads it into a
//! [`MemoryLedger`] so that FW-012 can be checked against the logs after the fact.

use crate::approval::Approval;
use crate::decision::Decision;
use crate::ledger::{Ledger, MemoryLedger};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::io::{BufRead, BufReader};
use std::path::Path;

/// One line of a ledger export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum LedgerEntry {
    /// A decision.
    Decision(Decision),
    /// An approval.
    Approval(Approval),
}

/// A line that could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineProblem {
    /// 1-based.
    pub line: u64,
    /// What is wrong with it.
    pub reason: String,
}

/// At most this many problems are listed in the message; all are kept in the error.
const SHOWN: usize = 20;

/// Why a ledger export cannot be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LedgerFileError {
    /// The file cannot be read.
    #[error("cannot read ledger export `{path}`")]
    Read {
        /// The file.
        path: String,
        /// What reading it said.
        #[source]
        source: std::io::Error,
    },
    /// Lines of the file are not ledger entries.
    #[error("{}", BadLines { path, problems })]
    Bad {
        /// The file.
        path: String,
        /// Every bad line.
        problems: Vec<LineProblem>,
    },
}

struct BadLines<'a> {
    path: &'a str,
    problems: &'a [LineProblem],
}

impl fmt::Display for BadLines<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ledger export `{}` refused: {} bad line(s)", self.path, self.problems.len())?;
        for p in self.problems.iter().take(SHOWN) {
            write!(f, "\n  {}:{}: {}", self.path, p.line, p.reason)?;
        }
        if self.problems.len() > SHOWN {
            write!(f, "\n  … and {} more", self.problems.len() - SHOWN)?;
        }
        write!(f, "\n  help: each line is one JSON object, `{{\"decision\": {{…}}}}` or `{{\"approval\": {{…}}}}`")
    }
}

/// Reads a ledger export into a new in-memory ledger. Blank lines are skipped. Any bad line
/// (not JSON, neither a decision nor an approval, a field missing or of the wrong type, an
/// id seen before) refuses the whole file, every bad line reported with its number: a
/// partly loaded ledger would report the enrollments of the missing decisions as
/// unapproved.
pub fn load_ledger_file(path: &Path) -> Result<MemoryLedger, LedgerFileError> {
    let name = path.display().to_string();
    let read_error = |source: std::io::Error| LedgerFileError::Read { path: name.clone(), source };
    let file = std::fs::File::open(path).map_err(read_error)?;
    let mut reader = BufReader::new(file);
    let ledger = MemoryLedger::new();
    let mut problems = Vec::new();
    let mut buf = Vec::with_capacity(4096);
    let mut line = 0u64;
    loop {
        buf.clear();
        if reader.read_until(b'\n', &mut buf).map_err(read_error)? == 0 {
            break;
        }
        line += 1;
        let text = buf.trim_ascii();
        // A byte-order mark some editors put first is not part of the JSON.
        let text = if line == 1 { text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(text) } else { text };
        if text.is_empty() {
            continue;
        }
        if let Err(reason) = load_line(&ledger, text) {
            problems.push(LineProblem { line, reason });
        }
    }
    if problems.is_empty() { Ok(ledger) } else { Err(LedgerFileError::Bad { path: name, problems }) }
}

fn load_line(ledger: &MemoryLedger, text: &[u8]) -> Result<(), String> {
    let entry: LedgerEntry = serde_json::from_slice(text).map_err(|e| describe(&e))?;
    let stored = match &entry {
        LedgerEntry::Decision(d) => ledger.insert_decision(d),
        LedgerEntry::Approval(a) => ledger.insert_approval(a),
    };
    stored.map_err(|e| e.to_string())
}

/// serde's message, positioned by column only: each line is parsed alone, so its "line 1"
/// would mislead, and for a field of the wrong shape the line number says enough.
fn describe(e: &serde_json::Error) -> String {
    let message = e.to_string();
    let Some((what, _)) = message.rsplit_once(" at line ") else { return message };
    match e.classify() {
        serde_json::error::Category::Data => what.to_string(),
        _ => format!("{what} at column {}", e.column()),
    }
}
