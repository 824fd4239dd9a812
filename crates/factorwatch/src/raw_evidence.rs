//! `hunt --evidence raw`: the providers' own records behind the findings' evidence.
//!
//! Events keep only a pointer to their record (`file:line`, `#n` in an envelope), so a hunt
//! without the flag holds no raw records at all. With it, the files holding evidence are read
//! again through the same reader (gzip, arrays, envelopes alike), and the records at those
//! pointers are kept: the cost is one more pass over those files only.

use ingest::json::View;
use ingest::shape::Shape;
use ingest::{Input, Options, Pipeline, RecordObserver};
use model::{Event, Finding, SourceRef};
use serde_json::Value;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::PathBuf;

/// The name the reader gives stdin, which cannot be read twice.
const STDIN: &str = "<stdin>";

/// The raw record of every evidence event of `findings`, by its `source` pointer. A pointer
/// whose file is gone or changed is absent from the map (its `raw` is written as `null`).
pub fn raw_records(findings: &[Finding], opts: &Options) -> HashMap<String, Value> {
    let wanted: HashSet<String> =
        findings.iter().flat_map(|f| f.evidence.iter().map(|e| e.source.to_string())).collect();
    let files: BTreeSet<PathBuf> = wanted.iter().filter_map(|s| file_of(s)).collect();
    let inputs: Vec<Input> = files.into_iter().map(Input::Path).collect();
    let mut records = HashMap::new();
    let mut opts = opts.clone();
    // Every record at a pointer is wanted, even one a first pass dropped as a repeat.
    opts.keep_duplicates = true;
    Pipeline::new(opts).run_observed(inputs, &Capture { wanted }, &mut |_| {}, &mut |(at, record)| {
        records.insert(at, record);
    });
    records
}

/// The file of a `file:line` or `file:line#n` pointer.
fn file_of(source: &str) -> Option<PathBuf> {
    let (file, line) = source.rsplit_once(':')?;
    let line = line.split('#').next()?;
    (line.parse::<u64>().is_ok() && !file.is_empty() && file != STDIN).then(|| PathBuf::from(file))
}

/// Keeps the records at the wanted pointers, as JSON.
struct Capture {
    wanted: HashSet<String>,
}

impl RecordObserver for Capture {
    type Hit = (String, Value);

    fn observe(&self, _: Shape, rec: View<'_, '_>, at: &SourceRef, _: &[Event], hits: &mut Vec<(String, Value)>) {
        let at = at.to_string();
        if !self.wanted.contains(&at) {
            return;
        }
        if let Some(record) = rec.node().and_then(|node| serde_json::to_value(node).ok()) {
            hits.push((at, record));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::file_of;
    use std::path::PathBuf;

    #[test]
    fn pointers_name_their_file_whatever_the_colons_in_it() {
        assert_eq!(file_of("logs/okta.ndjson:17"), Some(PathBuf::from("logs/okta.ndjson")));
        assert_eq!(file_of("c:/logs/entra.json:3#2"), Some(PathBuf::from("c:/logs/entra.json")));
        assert_eq!(file_of("<stdin>:4"), None, "stdin cannot be read again");
        assert_eq!(file_of("message-1234"), None);
    }
}
