//! Structured logs on stderr: text for people, or one JSON object per line for collectors.
//! `RUST_LOG` overrides the level (default `info`). Secrets are never logged: tokens and
//! signatures stay in headers, which are not logged.

use crate::config::LogFormat;
use tracing_subscriber::EnvFilter;

/// Installs the log subscriber (once; later calls keep the first).
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    // A second init (tests) keeps the first subscriber.
    let _ = match format {
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
        LogFormat::Text => builder.try_init(),
    };
}
