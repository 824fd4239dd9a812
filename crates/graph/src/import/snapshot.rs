//! What every factor snapshot importer shares: the snapshot's time, the user a per-user file
//! is about when the document does not say, and listed factors classified by the same
//! kind → class tables the log normalizer uses.

use super::ImportOptions;
use super::field::time;
use crate::factors::ListedFactor;
use chrono::{DateTime, Utc};
use model::{Provider, Text};
use serde_json::Value;

/// Top-level fields a document may state its snapshot time in (RFC 3339), tried in order.
pub const SNAPSHOT_TIME_FIELDS: &[&str] = &["snapshot_time", "exported_at", "generated_at"];

/// The import's context: where the document came from and when its snapshot was taken.
pub(crate) struct Ctx<'a> {
    pub source_name: &'a str,
    /// The snapshot's time: given by the user, else stated by the document, else the file's
    /// modification time, else now.
    pub time: DateTime<Utc>,
}

impl<'a> Ctx<'a> {
    pub fn new(source_name: &'a str, options: &ImportOptions, doc: &Value) -> Ctx<'a> {
        let stated = SNAPSHOT_TIME_FIELDS.iter().find_map(|k| time(doc, k));
        let time = options.snapshot_time.or(stated).or(options.file_time).unwrap_or_else(Utc::now);
        Ctx { source_name, time }
    }

    /// The user a per-user file names: `00u1alice.factors.json` → `00u1alice`,
    /// `bob@contoso.com-methods.json` → `bob@contoso.com` (the file name without its
    /// folder, its `.json` and a trailing `factors`/`methods` word).
    pub fn user_from_file_name(&self) -> Option<String> {
        let file = self.source_name.rsplit(['/', '\\']).next()?;
        let mut stem = file.strip_suffix(".json").unwrap_or(file);
        for word in ["factors", "methods", "mfa"] {
            for sep in ['.', '-', '_'] {
                if let Some(rest) = stem.strip_suffix(word).and_then(|r| r.strip_suffix(sep)) {
                    stem = rest;
                }
            }
        }
        let stem = stem.trim();
        // A file named only for what it holds (`factors.json`) names no one.
        let generic = ["factors", "methods", "mfa", ""].iter().any(|w| stem.eq_ignore_ascii_case(w));
        (!generic).then(|| stem.to_string())
    }
}

/// A listed factor of a provider's kind, classified by that provider's table
/// (docs/events.md §10); `class_text` is what to classify when it differs from the kind.
pub(crate) fn factor(
    provider: Provider,
    kind: &str,
    class_text: Option<&str>,
    id: Option<&str>,
    name: Option<&str>,
    enrolled: Option<DateTime<Utc>>,
) -> ListedFactor {
    ListedFactor {
        kind: Some(Text::from(kind)),
        class: model::factor_kinds::classify_kind(provider, class_text.unwrap_or(kind)),
        id: id.map(Text::from),
        name: name.map(Text::from),
        enrolled,
        // Set by `Graph::list_factors`.
        listed: DateTime::<Utc>::MIN_UTC,
        source: Text::default(),
    }
}

/// A time given as RFC 3339 text or as Unix seconds (Duo).
pub(crate) fn any_time(v: &Value, key: &str) -> Option<DateTime<Utc>> {
    match v.get(key)? {
        Value::Number(n) => n.as_i64().and_then(|s| DateTime::from_timestamp(s, 0)),
        Value::String(_) => time(v, key),
        _ => None,
    }
}
