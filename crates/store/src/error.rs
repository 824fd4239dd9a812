//! What can go wrong in the store, kept apart by who can fix it: the configuration (a URL or
//! path that cannot work), the database (a failed statement, an unreachable server), the
//! stored data (a record the store cannot have written), or the software (a schema from a
//! newer release).

use std::error::Error;

/// A store failure. Database failures keep the driver's error as their source.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The configured database URL cannot be used as one.
    #[error("the database URL `{url}` is not valid: {}", causes(source))]
    BadUrl {
        /// The URL, its password hidden.
        url: String,
        /// Why the driver refused it.
        #[source]
        source: postgres::Error,
    },
    /// The database file's folder cannot be made or used.
    #[error("the database path `{path}` cannot be used: {source}")]
    BadPath {
        /// The file's path.
        path: String,
        /// Why the folder could not be created.
        #[source]
        source: std::io::Error,
    },
    /// The database could not be opened or reached.
    #[error("cannot open the database `{location}`: {}", causes(source.as_ref()))]
    Open {
        /// The file's path, or the URL with its password hidden.
        location: String,
        /// The driver's error.
        #[source]
        source: Box<dyn Error + Send + Sync>,
    },
    /// An SQLite statement failed.
    #[error("the database failed: {}", causes(.0))]
    Sqlite(#[from] rusqlite::Error),
    /// A PostgreSQL statement failed, or the connection was lost.
    #[error("the database failed: {}", causes(.0))]
    Postgres(#[from] postgres::Error),
    /// A record to be written is already stored under the same key.
    #[error("{what} is not new: it is already stored")]
    Conflict {
        /// What was written, by its id.
        what: String,
    },
    /// A record could not be encoded for storage.
    #[error("cannot encode a record: {0}")]
    Encode(#[source] serde_json::Error),
    /// A stored record cannot be read back: the store cannot have written it.
    #[error("stored record `{id}` is not readable: {reason}")]
    Corrupt {
        /// The record, by id.
        id: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The database was migrated by a newer release.
    #[error("database schema version {found} is newer than this factorwatch knows ({known}); upgrade factorwatch")]
    TooNew {
        /// The database's schema version.
        found: i64,
        /// The newest version this build knows.
        known: i64,
    },
    /// No connection can be had: the store is shut down, or every connection failed.
    #[error("the store is unavailable: {reason}")]
    Unavailable {
        /// Why.
        reason: String,
    },
}

impl StoreError {
    /// A store that cannot serve requests for `reason`.
    pub fn unavailable(reason: impl Into<String>) -> StoreError {
        StoreError::Unavailable { reason: reason.into() }
    }

    /// Whether the connection this came from is gone (the server closed it, shut down or
    /// cannot be reached), as opposed to a statement that failed on a working connection: a
    /// pool drops such a connection and opens another.
    pub fn is_connection_lost(&self) -> bool {
        match self {
            StoreError::Postgres(e) => match e.code() {
                // No server message: the socket failed or the client saw the connection end.
                None => true,
                // 08: connection exceptions; 57P01-57P03: the server is shutting down,
                // crashed, or cannot take connections yet.
                Some(code) => {
                    let code = code.code();
                    code.starts_with("08") || matches!(code, "57P01" | "57P02" | "57P03")
                }
            },
            StoreError::Open { .. } | StoreError::Unavailable { .. } => true,
            _ => false,
        }
    }
}

/// The error's text followed by each cause's, `a: b: c`, skipping causes it already shows:
/// the drivers' own texts are terse (`db error`) and the detail is in the causes.
fn causes(e: &(dyn Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        let more = c.to_string();
        if !text.contains(&more) {
            text = format!("{text}: {more}");
        }
        cause = c.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_statement_shows_the_database_message() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let e = StoreError::from(conn.execute("INSERT INTO missing VALUES (1)", []).unwrap_err());
        assert!(e.to_string().contains("no such table: missing"), "{e}");
        assert!(e.source().is_some(), "the driver's error is kept as the source");
    }

    #[test]
    fn configuration_errors_are_not_database_failures() {
        let bad = "postgres://fw:s3cret@db:notaport/fw".parse::<postgres::Config>().unwrap_err();
        let e = StoreError::BadUrl { url: "postgres://fw:***@db:notaport/fw".into(), source: bad };
        assert!(e.to_string().starts_with("the database URL"), "{e}");
        assert!(!e.to_string().contains("s3cret"), "{e}");
    }
}
