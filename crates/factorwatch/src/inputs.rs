//! Loud input mistakes. A mistyped path, a folder without logs, or a run in which nothing a
//! provider writes was read is not a quiet, green run: it fails with [`EXIT_NOTHING_READ`]
//! and names each path and why, whatever `--fail-on` says.

use ingest::Tally;
use std::fmt;
use std::path::{Path, PathBuf};

/// The exit status of a run that had nothing to read (`hunt`, `normalize`, `graph import`).
pub const EXIT_NOTHING_READ: u8 = 4;

/// How many unreadable records are quoted when nothing at all could be read.
const QUOTED_PROBLEMS: usize = 3;

/// Nothing could be read from the paths given, and why; main exits [`EXIT_NOTHING_READ`].
#[derive(Debug)]
pub struct NothingRead {
    /// One line per path (or per reason), each naming the path.
    pub reasons: Vec<String>,
}

impl fmt::Display for NothingRead {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "nothing to read: {}", self.reasons.join("; "))
    }
}

impl std::error::Error for NothingRead {}

impl NothingRead {
    /// Nothing in `path`, for `reason`.
    pub fn at(path: &Path, reason: impl fmt::Display) -> NothingRead {
        NothingRead { reasons: vec![format!("`{}` {reason}", path.display())] }
    }
}

/// Before reading: every path exists, and every folder holds at least one log file. `-`
/// (stdin) is checked after the run, by [`check_read`].
pub fn check_paths(paths: &[PathBuf]) -> Result<(), NothingRead> {
    let reasons: Vec<String> = paths.iter().filter_map(|p| path_problem(p)).collect();
    if reasons.is_empty() { Ok(()) } else { Err(NothingRead { reasons }) }
}

fn path_problem(path: &Path) -> Option<String> {
    if path.as_os_str() == "-" {
        return None;
    }
    let shown = path.display();
    match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Some(format!("`{shown}` does not exist")),
        Err(e) => Some(format!("`{shown}` cannot be read: {e}")),
        Ok(meta) if meta.is_dir() => {
            let (inputs, problems) = ingest::expand_paths(&[path.to_path_buf()]);
            match (inputs.is_empty(), problems.first()) {
                (true, Some(problem)) => Some(format!("`{shown}` cannot be read: {problem}")),
                (true, None) => Some(format!(
                    "`{shown}` is a folder with no log files in it (read: *.json, *.ndjson, *.jsonl, *.log, *.gz)"
                )),
                (false, _) => None,
            }
        }
        Ok(_) => None,
    }
}

/// After reading: at least one record was of a provider's shape (an identity event or a
/// record of a known shape that is not about identity). Otherwise the run read nothing
/// and the error says from where and what the records were instead.
pub fn check_read(paths: &[PathBuf], tally: &Tally) -> Result<(), NothingRead> {
    if tally.relevant > 0 || tally.not_relevant_total() > 0 {
        return Ok(());
    }
    let from = paths.iter().map(|p| format!("`{}`", p.display())).collect::<Vec<_>>().join(", ");
    let mut reason = format!("no provider's log record in {from}");
    if tally.problem_count() == 0 {
        reason.push_str(": no records at all");
    } else {
        let kinds: Vec<String> = tally.problems_by_kind.iter().map(|(k, n)| format!("{k} {n}")).collect();
        reason.push_str(&format!(": {} records could not be read ({})", tally.problem_count(), kinds.join(", ")));
        let quoted: Vec<String> = tally.diagnostics.iter().take(QUOTED_PROBLEMS).map(|d| d.to_string()).collect();
        reason.push_str(&format!(", e.g. {}", quoted.join("; ")));
    }
    Err(NothingRead { reasons: vec![reason] })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_path_and_an_empty_folder_are_named() {
        let dir = tempfile::tempdir().expect("tempdir");
        let empty = dir.path().join("empty");
        std::fs::create_dir(&empty).expect("mkdir");
        std::fs::write(empty.join("notes.txt"), "not a log").expect("write");
        let missing = dir.path().join("okta-typo");
        let err = check_paths(&[missing.clone(), empty.clone(), PathBuf::from("-")]).expect_err("both are mistakes");
        assert_eq!(err.reasons.len(), 2, "{err}");
        assert!(err.reasons[0].contains(&missing.display().to_string()) && err.reasons[0].contains("does not exist"));
        assert!(err.reasons[1].contains(&empty.display().to_string()) && err.reasons[1].contains("no log files"));
    }

    #[test]
    fn a_folder_with_a_log_file_passes() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("okta.ndjson"), "{}\n").expect("write");
        assert!(check_paths(&[dir.path().to_path_buf()]).is_ok());
    }

    #[test]
    fn a_run_that_read_only_unknown_shapes_read_nothing() {
        let (_, tally) = ingest::normalize_text("junk.ndjson", "{}\n{\"a\":1}\n", &ingest::Options::default());
        let err = check_read(&[PathBuf::from("junk.ndjson")], &tally).expect_err("nothing a provider writes");
        let text = err.to_string();
        assert!(text.contains("`junk.ndjson`") && text.contains("unknown_shape 2"), "{text}");
        let (_, empty) = ingest::normalize_text("-", "", &ingest::Options::default());
        assert!(check_read(&[PathBuf::from("-")], &empty).is_err());
    }
}
