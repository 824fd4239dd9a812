use model::SourceRef;
use std::fmt;
use thiserror::Error;

/// Why one record, or one whole source, could not be read. Messages are lower-case, put
/// what was found in backticks, and say what was expected.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum RecordError {
    #[error("not JSON: {reason}")]
    NotJson { reason: String },
    #[error("invalid UTF-8 at byte {at} of the record")]
    InvalidUtf8 { at: usize },
    #[error("record of {size} bytes is over the {limit}-byte limit; skipped")]
    TooLarge { size: u64, limit: u64 },
    #[error("expected a JSON object or an array of objects, found {found}")]
    NotARecord { found: &'static str },
    #[error("unknown provider shape: found keys {keys}")]
    UnknownShape { keys: String },
    #[error("malformed {shape} record: `{field}` {reason}")]
    Invalid { shape: &'static str, field: &'static str, reason: String },
    #[error("binary data, not JSON text (NUL byte at offset {offset}); source skipped")]
    Binary { offset: u64 },
    #[error("empty input: no records")]
    Empty,
    #[error("read failed: {reason}; rest of the source skipped")]
    Io { reason: String },
}

impl RecordError {
    pub fn invalid(shape: &'static str, field: &'static str, reason: impl Into<String>) -> RecordError {
        RecordError::Invalid { shape, field, reason: reason.into() }
    }

    /// A short stable name for counting diagnostics by kind.
    pub fn kind(&self) -> &'static str {
        match self {
            RecordError::NotJson { .. } => "not_json",
            RecordError::InvalidUtf8 { .. } => "invalid_utf8",
            RecordError::TooLarge { .. } => "too_large",
            RecordError::NotARecord { .. } => "not_a_record",
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
    pub at: SourceRef,
    pub error: RecordError,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.at, self.error)
    }
}
