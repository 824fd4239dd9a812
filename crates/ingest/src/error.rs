use model::SourceRef;
use std::fmt;
use std::io;
use std::sync::Arc;
use thiserror::Error;

/// Why one record, or one whole source, could not be read. Messages are lower-case, put
/// what was found in backticks, and say what was expected.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum RecordError {
    /// The record does not parse as JSON; `reason` says where and how, in words.
    #[error("not JSON: {reason}")]
    NotJson {
        /// What is wrong, truncation named as such.
        reason: String,
    },
    /// The record nests arrays and objects deeper than any provider writes; parsing it
    /// would take the reader's stack (a hostile record, not a log line).
    #[error("nested more than {limit} levels deep; skipped")]
    TooDeep {
        /// The deepest nesting accepted.
        limit: usize,
    },
    /// The record's bytes are not UTF-8.
    #[error("invalid UTF-8 at byte {at} of the record")]
    InvalidUtf8 {
        /// The offset of the first invalid byte.
        at: usize,
    },
    /// The record is longer than `Options::max_record_bytes` (or a document than
    /// `max_document_bytes`).
    #[error("record of {size} bytes is over the {limit}-byte limit; skipped")]
    TooLarge {
        /// The record's size in bytes (at least; reading stopped past the limit).
        size: u64,
        /// The limit in bytes.
        limit: u64,
    },
    /// The record is dated after the latest time the run accepts (the run's clock plus
    /// `Options::future_tolerance`): stored, it would put the identity's history in the future
    /// and make every source look silent until then.
    #[error("dated {}, after the latest accepted time {}; refused", rfc3339(time), rfc3339(latest))]
    FutureTime {
        /// The record's time.
        time: chrono::DateTime<chrono::Utc>,
        /// The latest time accepted.
        latest: chrono::DateTime<chrono::Utc>,
    },
    /// The record is dated before the earliest time the run accepts (`Options::earliest_time`,
    /// 1990 by default): no identity provider logged then, so the time is a bug or a forgery.
    #[error("dated {}, before the earliest accepted time {}; refused", rfc3339(time), rfc3339(earliest))]
    AncientTime {
        /// The record's time.
        time: chrono::DateTime<chrono::Utc>,
        /// The earliest time accepted.
        earliest: chrono::DateTime<chrono::Utc>,
    },
    /// The JSON value is not an object.
    #[error("expected a JSON object or an array of objects, found {found}")]
    NotARecord {
        /// What it is instead (`a number`).
        found: &'static str,
    },
    /// No provider shape matches the record's keys (docs/events.md §0 "Fingerprints").
    #[error("unknown provider shape: found keys {keys}")]
    UnknownShape {
        /// The first keys of the record, for the reader to recognise it.
        keys: String,
    },
    /// A field the provider's mapping needs has the wrong type or value.
    #[error("malformed {shape} record: `{field}` {reason}")]
    Invalid {
        /// The shape's name (`aws.cloudtrail`).
        shape: &'static str,
        /// The field.
        field: &'static str,
        /// What was expected and what was found.
        reason: String,
    },
    /// The source holds a NUL byte: it is not JSON text.
    #[error("binary data, not JSON text (NUL byte at offset {offset}); source skipped")]
    Binary {
        /// The offset of the NUL byte.
        offset: u64,
    },
    /// The source holds no record.
    #[error("empty input: no records")]
    Empty,
    /// Reading the source failed; records read before the failure are kept.
    #[error("read failed: {what}: {source}; rest of the source skipped")]
    Io {
        /// What was being done (`cannot open`, `gzip data is corrupt`).
        what: &'static str,
        /// The underlying error.
        #[source]
        source: SharedIoError,
    },
}

fn rfc3339(t: &chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// An I/O error that diagnostics can be cloned and compared with (by kind and message).
#[derive(Debug, Clone)]
pub struct SharedIoError(Arc<io::Error>);

impl From<io::Error> for SharedIoError {
    fn from(e: io::Error) -> SharedIoError {
        SharedIoError(Arc::new(e))
    }
}

impl PartialEq for SharedIoError {
    fn eq(&self, other: &SharedIoError) -> bool {
        self.0.kind() == other.0.kind() && self.0.to_string() == other.0.to_string()
    }
}

impl fmt::Display for SharedIoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for SharedIoError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

impl RecordError {
    /// A field of a `shape` record that is not what the mapping needs.
    pub fn invalid(shape: &'static str, field: &'static str, reason: impl Into<String>) -> RecordError {
        RecordError::Invalid { shape, field, reason: reason.into() }
    }

    /// A short stable name for counting diagnostics by kind.
    pub fn kind(&self) -> &'static str {
        match self {
            RecordError::NotJson { .. } => "not_json",
            RecordError::InvalidUtf8 { .. } => "invalid_utf8",
            RecordError::TooLarge { .. } => "too_large",
            RecordError::TooDeep { .. } => "too_deep",
            RecordError::NotARecord { .. } => "not_a_record",
            RecordError::FutureTime { .. } => "future_time",
            RecordError::AncientTime { .. } => "ancient_time",
            RecordError::UnknownShape { .. } => "unknown_shape",
            RecordError::Invalid { .. } => "invalid_field",
            RecordError::Binary { .. } => "binary",
            RecordError::Empty => "empty",
            RecordError::Io { .. } => "io",
        }
    }
}

/// A record error with where it happened.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    /// The record or source it happened at.
    pub at: SourceRef,
    /// What went wrong.
    pub error: RecordError,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.at, self.error)
    }
}
