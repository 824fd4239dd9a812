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

/// After reading: every path given held at least one record of a provider's shape (an
/// identity event or a record of a known shape that is not about identity). A path that held
/// none fails the run even when the others held plenty: a folder of the wrong export beside
/// the right one is a mistake, not a partial success. Each such path is named with what its
/// records were instead.
pub fn check_read(paths: &[PathBuf], tally: &Tally) -> Result<(), NothingRead> {
    let reasons: Vec<String> = paths
        .iter()
        .filter(|path| recognized_under(path, tally) == 0)
        .map(|path| format!("no provider's log record in `{}`{}", path.display(), what_was_there(path, tally)))
        .collect();
    if reasons.is_empty() { Ok(()) } else { Err(NothingRead { reasons }) }
}

/// The name the reader gives standard input.
const STDIN: &str = "<stdin>";

/// Whether the source `source` was read because `path` was given (the path itself, a file
/// under the folder, or stdin for `-`).
fn read_from(path: &Path, source: &str) -> bool {
    if path.as_os_str() == "-" { source == STDIN } else { Path::new(source).starts_with(path) }
}

fn recognized_under(path: &Path, tally: &Tally) -> u64 {
    tally.recognized_by_source.iter().filter(|(source, _)| read_from(path, source)).map(|(_, n)| n).sum()
}

/// ": no records at all", or how many records of `path` could not be read and why.
fn what_was_there(path: &Path, tally: &Tally) -> String {
    let problems: Vec<&ingest::Diagnostic> =
        tally.diagnostics.iter().filter(|d| read_from(path, &d.at.source)).collect();
    if problems.is_empty() {
        return ": no records at all".into();
    }
    let mut kinds = std::collections::BTreeMap::<&str, u64>::new();
    for d in &problems {
        *kinds.entry(d.error.kind()).or_default() += 1;
    }
    let kinds: Vec<String> = kinds.iter().map(|(k, n)| format!("{k} {n}")).collect();
    let quoted: Vec<String> = problems.iter().take(QUOTED_PROBLEMS).map(|d| d.to_string()).collect();
    // Past the listed limit problems are only counted in all, not per path.
    let more = if tally.unlisted_problems() > 0 { " or more" } else { "" };
    format!(": {}{more} records could not be read ({}), e.g. {}", problems.len(), kinds.join(", "), quoted.join("; "))
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
        let (_, empty) = ingest::normalize_text("<stdin>", "", &ingest::Options::default());
        assert!(check_read(&[PathBuf::from("-")], &empty).is_err());
    }

    #[test]
    fn a_folder_of_junk_beside_a_good_file_is_named_and_the_good_file_is_not() {
        let dir = tempfile::tempdir().expect("tempdir");
        let good = dir.path().join("okta.ndjson");
        let okta = r#"{"uuid":"u-1","published":"2026-01-05T10:00:00Z","eventType":"user.session.start","actor":{"id":"00u1","type":"User","alternateId":"a@acme.com"},"outcome":{"result":"SUCCESS"},"client":{"ipAddress":"198.51.100.1"}}"#;
        std::fs::write(&good, format!("{okta}\n")).expect("write");
        let junk = dir.path().join("exports");
        std::fs::create_dir(&junk).expect("mkdir");
        std::fs::write(junk.join("a.ndjson"), "{\"hello\":1}\nnot json\n").expect("write");
        let paths = [good.clone(), junk.clone()];
        let (inputs, problems) = ingest::expand_paths(&paths);
        assert!(problems.is_empty());
        let mut tally = ingest::Pipeline::new(ingest::Options::default()).run(inputs, &mut |_| {});
        tally.prepend_problems(problems);
        assert!(tally.relevant > 0, "the sample holds events");
        let err = check_read(&paths, &tally).expect_err("the junk folder is a mistake");
        assert_eq!(err.reasons.len(), 1, "{err}");
        let reason = &err.reasons[0];
        assert!(reason.contains(&format!("`{}`", junk.display())), "{reason}");
        assert!(reason.contains("2 records could not be read") && reason.contains("not_json 1"), "{reason}");
        assert!(check_read(&paths[..1], &tally).is_ok());
    }
}
