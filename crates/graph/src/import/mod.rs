//! Importers: one module per export format, each recognised from the document's shape
//! (`graph import` needs no format flag).

mod aws_iam;
mod aws_mfa;
mod azurehound;
mod builtin;
mod duo_users;
mod field;
mod github;
mod google;
mod inventory;
mod msgraph;
mod msgraph_methods;
mod okta;
mod okta_factors;
mod snapshot;

use crate::graph::Graph;
use chrono::{DateTime, Utc};
use serde_json::Value;
use snapshot::Ctx;
pub use snapshot::SNAPSHOT_TIME_FIELDS;
use thiserror::Error;

/// Why a document could not be imported. The graph is left as it was.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ImportError {
    /// The document starts like JSON but does not parse as JSON.
    #[error("`{source_name}` is not JSON or YAML: invalid JSON: {source}")]
    NotJson {
        /// The file or input name.
        source_name: String,
        /// The parser's error.
        source: serde_json::Error,
    },
    /// The document is not JSON, and does not parse as YAML either.
    #[error("`{source_name}` is not JSON or YAML: invalid YAML: {source}")]
    NotYaml {
        /// The file or input name.
        source_name: String,
        /// The parser's error.
        source: serde_norway::Error,
    },
    /// The document parses, but as a scalar, not an object or a list.
    #[error("`{source_name}` is not JSON or YAML: neither a JSON nor a YAML object or list")]
    NotADocument {
        /// The file or input name.
        source_name: String,
    },
    /// No importer recognises the document's shape.
    #[error("`{source_name}`: unknown inventory shape (expected one of: {expected}); found {found}")]
    UnknownShape {
        /// The file or input name.
        source_name: String,
        /// The formats that were tried.
        expected: String,
        /// What the document holds instead (its first keys).
        found: String,
    },
    /// The document is in a known format but breaks one of its rules.
    #[error("`{source_name}` ({format}): {reason}")]
    Invalid {
        /// The file or input name.
        source_name: String,
        /// The format it was read as.
        format: &'static str,
        /// What is wrong, and where in the document.
        reason: String,
    },
}

/// What an import added.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Imported {
    /// The format the document was read as.
    pub format: &'static str,
    /// Nodes added.
    pub nodes: usize,
    /// Edges added.
    pub edges: usize,
}

/// How to date the factors a snapshot lists (docs/graph-import.md "Factor snapshots").
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// The snapshot's time as given by the user (`--snapshot-time`); wins over everything.
    pub snapshot_time: Option<DateTime<Utc>>,
    /// The file's modification time, used when the document states no time of its own.
    pub file_time: Option<DateTime<Utc>>,
}

/// A format: its name, how to recognise it, and how to import it.
struct Format {
    name: &'static str,
    matches: fn(&Value) -> bool,
    import: fn(&mut Graph, &Value, &Ctx<'_>) -> Result<(), String>,
}

/// Tried in order; the first whose `matches` accepts the document imports it. Factor
/// snapshots come before the directory formats whose lists look alike (`value`, arrays).
const FORMATS: &[Format] = &[
    Format { name: "factorwatch inventory", matches: inventory::matches, import: |g, d, _| inventory::import(g, d) },
    Format { name: okta_factors::NAME, matches: okta_factors::matches, import: okta_factors::import },
    Format { name: msgraph_methods::NAME, matches: msgraph_methods::matches, import: msgraph_methods::import },
    Format { name: aws_mfa::NAME, matches: aws_mfa::matches, import: aws_mfa::import },
    Format { name: duo_users::NAME, matches: duo_users::matches, import: duo_users::import },
    Format {
        name: "aws iam get-account-authorization-details",
        matches: aws_iam::matches,
        import: |g, d, _| aws_iam::import(g, d),
    },
    Format { name: "msgraph", matches: msgraph::matches, import: |g, d, _| msgraph::import(g, d) },
    Format { name: "azurehound", matches: azurehound::matches, import: |g, d, _| azurehound::import(g, d) },
    Format { name: "okta", matches: okta::matches, import: okta::import },
    Format { name: "google", matches: google::matches, import: google::import },
    Format { name: "github", matches: github::matches, import: github::import },
];

/// Detects the format of a document (JSON, or YAML for the inventory) and imports it;
/// factors it lists are dated by the document's own time, else the import time.
pub fn import(graph: &mut Graph, source_name: &str, text: &str) -> Result<Imported, ImportError> {
    import_with(graph, source_name, text, &ImportOptions::default())
}

/// [`import`], with the snapshot's time given or taken from the file.
pub fn import_with(
    graph: &mut Graph,
    source_name: &str,
    text: &str,
    options: &ImportOptions,
) -> Result<Imported, ImportError> {
    let doc = parse(text).map_err(|failure| {
        let source_name = source_name.to_string();
        match failure {
            ParseFailure::Json(source) => ImportError::NotJson { source_name, source },
            ParseFailure::Yaml(source) => ImportError::NotYaml { source_name, source },
            ParseFailure::Scalar => ImportError::NotADocument { source_name },
        }
    })?;
    let Some(format) = FORMATS.iter().find(|f| (f.matches)(&doc)) else {
        return Err(ImportError::UnknownShape {
            source_name: source_name.to_string(),
            expected: FORMATS.iter().map(|f| f.name).collect::<Vec<_>>().join(", "),
            found: describe(&doc),
        });
    };
    let (nodes, edges) = (graph.len(), graph.edge_count());
    // Import into a copy: a document that fails part-way leaves the graph as it was.
    let mut work = graph.clone();
    let ctx = Ctx::new(source_name, options, &doc);
    (format.import)(&mut work, &doc, &ctx).map_err(|reason| ImportError::Invalid {
        source_name: source_name.to_string(),
        format: format.name,
        reason,
    })?;
    *graph = work;
    Ok(Imported { format: format.name, nodes: graph.len() - nodes, edges: graph.edge_count().saturating_sub(edges) })
}

enum ParseFailure {
    Json(serde_json::Error),
    Yaml(serde_norway::Error),
    Scalar,
}

/// JSON, else YAML (the inventory may be written in either). A document that starts like
/// JSON keeps the JSON error; anything else that is not YAML either gets the YAML one.
fn parse(text: &str) -> Result<Value, ParseFailure> {
    let json = match serde_json::from_str::<Value>(text) {
        Ok(doc) => return Ok(doc),
        Err(e) => e,
    };
    if text.trim_start().starts_with(['{', '[']) {
        return Err(ParseFailure::Json(json));
    }
    match serde_norway::from_str::<Value>(text) {
        Ok(doc @ (Value::Object(_) | Value::Array(_))) => Ok(doc),
        Ok(_) => Err(ParseFailure::Scalar),
        Err(e) => Err(ParseFailure::Yaml(e)),
    }
}

fn describe(doc: &Value) -> String {
    match doc {
        Value::Object(map) => {
            let mut keys: Vec<&str> = map.keys().map(String::as_str).collect();
            keys.sort_unstable();
            format!("keys {}", keys.iter().take(8).map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", "))
        }
        Value::Array(items) => format!("an array of {} items", items.len()),
        _ => "a JSON scalar".to_string(),
    }
}
