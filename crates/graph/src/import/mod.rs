//! Importers: one module per export format, each recognised from the document's shape
//! (`graph import` needs no format flag).

mod aws_iam;
mod azurehound;
mod builtin;
mod field;
mod github;
mod google;
mod inventory;
mod msgraph;
mod okta;

use crate::graph::Graph;
use serde_json::Value;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum ImportError {
    #[error("`{source_name}` is not JSON or YAML: {reason}")]
    NotJson { source_name: String, reason: String },
    #[error("`{source_name}`: unknown inventory shape (expected one of: {expected}); found {found}")]
    UnknownShape { source_name: String, expected: String, found: String },
    #[error("`{source_name}` ({format}): {reason}")]
    Invalid { source_name: String, format: &'static str, reason: String },
}

/// What an import added.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Imported {
    pub format: &'static str,
    pub nodes: usize,
    pub edges: usize,
}

/// A format: its name, how to recognise it, and how to import it.
struct Format {
    name: &'static str,
    matches: fn(&Value) -> bool,
    import: fn(&mut Graph, &Value) -> Result<(), String>,
}

/// Tried in order; the first whose `matches` accepts the document imports it.
const FORMATS: &[Format] = &[
    Format { name: "factorwatch inventory", matches: inventory::matches, import: inventory::import },
    Format { name: "aws iam get-account-authorization-details", matches: aws_iam::matches, import: aws_iam::import },
    Format { name: "msgraph", matches: msgraph::matches, import: msgraph::import },
    Format { name: "azurehound", matches: azurehound::matches, import: azurehound::import },
    Format { name: "okta", matches: okta::matches, import: okta::import },
    Format { name: "google", matches: google::matches, import: google::import },
    Format { name: "github", matches: github::matches, import: github::import },
];

/// Detects the format of a document (JSON, or YAML for the inventory) and imports it.
pub fn import(graph: &mut Graph, source_name: &str, text: &str) -> Result<Imported, ImportError> {
    let doc = parse(text).map_err(|reason| ImportError::NotJson { source_name: source_name.to_string(), reason })?;
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
    (format.import)(&mut work, &doc).map_err(|reason| ImportError::Invalid {
        source_name: source_name.to_string(),
        format: format.name,
        reason,
    })?;
    *graph = work;
    Ok(Imported { format: format.name, nodes: graph.len() - nodes, edges: graph.edge_count().saturating_sub(edges) })
}

/// JSON, else YAML (the inventory may be written in either). A document that starts like
/// JSON keeps the JSON error; anything else that is not YAML either gets the YAML one.
fn parse(text: &str) -> Result<Value, String> {
    let json = match serde_json::from_str::<Value>(text) {
        Ok(doc) => return Ok(doc),
        Err(e) => e,
    };
    if text.trim_start().starts_with(['{', '[']) {
        return Err(format!("invalid JSON: {json}"));
    }
    match serde_norway::from_str::<Value>(text) {
        Ok(doc @ (Value::Object(_) | Value::Array(_))) => Ok(doc),
        Ok(_) => Err("neither a JSON nor a YAML object or list".to_string()),
        Err(e) => Err(format!("invalid YAML: {e}")),
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
