//! The whole settings file as TOML (`factorwatch config show`): every section, defaults
//! included, in a form `config check` and `serve` read back. Secrets are never written: the
//! settings name where they come from (`*_env`, `*_file`); the few that may be written inline
//! (a sink URL carrying a token, a password in `database_url`) are shown redacted.

use crate::config::ServiceConfig;
use crate::sinks::config::UrlSource;
use crate::sinks::secret::redacted_url;
use crate::sinks::{SinkConfig, SinkKind};
use reqwest::Url;
use std::time::Duration;
use toml::{Table, Value};

/// What replaces a password in `database_url`.
pub const REDACTED: &str = "REDACTED";

impl ServiceConfig {
    /// The effective settings, every section and default, as TOML, without secrets.
    pub fn to_toml(&self) -> String {
        match self.to_table() {
            Ok(table) => toml::to_string_pretty(&table).unwrap_or_else(|e| format!("# cannot render config: {e}\n")),
            Err(e) => format!("# cannot render config: {e}\n"),
        }
    }

    fn to_table(&self) -> Result<Table, toml::ser::Error> {
        let mut server = self.server.clone();
        server.database_url = server.database_url.as_deref().map(redact_database_url);
        let mut table = Table::new();
        table.insert("server".into(), Value::try_from(&server)?);
        table.insert("policy".into(), Value::try_from(&self.policy)?);
        table.insert("connectors".into(), Value::try_from(&self.connectors)?);
        table.insert("sinks".into(), Value::Array(self.sinks.iter().map(|s| Value::Table(sink_table(s))).collect()));
        if let Value::Table(detect) = Value::try_from(&self.detect)? {
            table.extend(detect);
        }
        Ok(table)
    }
}

/// A sink as written in `[[sinks]]`; an inline URL (which may carry a token) redacted.
fn sink_table(sink: &SinkConfig) -> Table {
    let mut t = Table::new();
    t.insert("name".into(), sink.name.clone().into());
    t.insert("kind".into(), sink.kind.as_str().into());
    match &sink.kind {
        SinkKind::Webhook(w) => {
            insert_url(&mut t, &w.url);
            if let Some(var) = &w.secret_env {
                t.insert("secret_env".into(), var.clone().into());
            }
            t.insert("timeout".into(), duration(w.timeout));
        }
        SinkKind::Slack(s) => {
            insert_url(&mut t, &s.url);
            if let Some(console) = &s.console_url {
                t.insert("console_url".into(), console.to_string().into());
            }
            t.insert("timeout".into(), duration(s.timeout));
        }
        SinkKind::Ndjson(n) => {
            t.insert("path".into(), n.path.display().to_string().into());
        }
    }
    t.insert("batch".into(), Value::Integer(sink.batch as i64));
    let mut retry = Table::new();
    retry.insert("initial_backoff".into(), duration(sink.retry.initial_backoff));
    retry.insert("max_backoff".into(), duration(sink.retry.max_backoff));
    retry.insert("max_attempts".into(), Value::Integer(i64::from(sink.retry.max_attempts)));
    t.insert("retry".into(), Value::Table(retry));
    t.insert("notices".into(), Value::Array(sink.notices.iter().map(|n| n.clone().into()).collect()));
    if let Some(channel) = &sink.channel {
        t.insert("channel".into(), channel.clone().into());
    }
    t
}

/// `url_env` as written; an inline `url` as scheme and host only.
fn insert_url(t: &mut Table, source: &UrlSource) {
    match source {
        UrlSource::Inline(url) => t.insert("url".into(), redacted_url(url).into()),
        UrlSource::Env(var) => t.insert("url_env".into(), var.clone().into()),
    };
}

fn duration(d: Duration) -> Value {
    humantime_serde::re::humantime::format_duration(d).to_string().into()
}

/// `database_url` with its password (in the user part or a `password=` parameter) replaced.
fn redact_database_url(text: &str) -> String {
    let Ok(mut url) = Url::parse(text) else { return text.to_string() };
    if url.password().is_some() {
        let _ = url.set_password(Some(REDACTED));
    }
    if url.query_pairs().any(|(k, _)| k.eq_ignore_ascii_case("password")) {
        let pairs: Vec<(String, String)> = url
            .query_pairs()
            .map(|(k, v)| {
                let v = if k.eq_ignore_ascii_case("password") { REDACTED.to_string() } else { v.into_owned() };
                (k.into_owned(), v)
            })
            .collect();
        url.query_pairs_mut().clear().extend_pairs(pairs);
    }
    url.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_password_is_never_shown() {
        let shown = redact_database_url("postgres://fw:s3cret@db.internal:5432/fw?sslmode=require&password=s3cret");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(shown.contains("fw:REDACTED@db.internal:5432/fw"), "{shown}");
        assert_eq!(redact_database_url("postgres://db.internal/fw"), "postgres://db.internal/fw");
    }
}
