//! A configured sink made ready to send: secrets read from the environment, an HTTP client
//! with its timeout, and its counters.

use super::config::{RetryConfig, SinkConfig, SinkKind, UrlSource, http_url};
use super::ndjson::NdjsonSender;
use super::secret::{Secret, SecretUrl};
use super::slack::SlackSender;
use super::stats::SinkStats;
use super::webhook::WebhookSender;
use reqwest::Url;
use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

/// Connecting may take at most this long, within the request timeout.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Why the configured sinks cannot be built.
#[derive(Debug, thiserror::Error, PartialEq)]
#[non_exhaustive]
pub enum SinkError {
    /// Two sinks share a name.
    #[error("two sinks are named `{0}`; sink names must be unique")]
    Duplicate(String),
    /// An environment variable the sink names is missing.
    #[error("sink `{sink}`: environment variable `{var}` is not set or empty")]
    MissingEnv {
        /// The sink.
        sink: String,
        /// The variable.
        var: String,
    },
    /// A value cannot be used.
    #[error("sink `{sink}`: {reason}")]
    Invalid {
        /// The sink.
        sink: String,
        /// What is wrong.
        reason: String,
    },
    /// The HTTP client cannot be built.
    #[error("sink `{sink}`: cannot build the http client: {reason}")]
    Client {
        /// The sink.
        sink: String,
        /// What failed.
        reason: String,
    },
}

/// How a sink sends: one variant per kind.
#[derive(Debug, Clone)]
pub enum Sender {
    /// An HTTPS receiver.
    Webhook(WebhookSender),
    /// Slack.
    Slack(SlackSender),
    /// A local file.
    Ndjson(NdjsonSender),
}

/// A sink ready for the dispatcher.
#[derive(Debug, Clone)]
pub struct Sink {
    name: String,
    sender: Sender,
    retry: RetryConfig,
    batch: usize,
    stats: Arc<SinkStats>,
}

impl Sink {
    /// Its unique name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// How it sends.
    pub fn sender(&self) -> &Sender {
        &self.sender
    }

    /// How its deliveries are retried.
    pub fn retry(&self) -> RetryConfig {
        self.retry
    }

    /// Most deliveries taken at a time.
    pub fn batch(&self) -> usize {
        self.batch
    }

    /// The sink's counters, for the metrics endpoint.
    pub fn stats(&self) -> Arc<SinkStats> {
        self.stats.clone()
    }
}

/// Builds the sinks, reading secrets and `url_env` URLs from the process environment.
pub fn build_sinks(configs: &[SinkConfig]) -> Result<Vec<Sink>, SinkError> {
    build_sinks_with(configs, |var| std::env::var(var).ok())
}

/// Builds the sinks, reading environment variables through `env`.
pub fn build_sinks_with(configs: &[SinkConfig], env: impl Fn(&str) -> Option<String>) -> Result<Vec<Sink>, SinkError> {
    let mut names = HashSet::new();
    let mut sinks = Vec::with_capacity(configs.len());
    for config in configs {
        if !names.insert(config.name.as_str()) {
            return Err(SinkError::Duplicate(config.name.clone()));
        }
        sinks.push(build(config, &env)?);
    }
    Ok(sinks)
}

fn build(config: &SinkConfig, env: &impl Fn(&str) -> Option<String>) -> Result<Sink, SinkError> {
    let sink = config.name.as_str();
    let sender = match &config.kind {
        SinkKind::Webhook(webhook) => {
            let secret = match &webhook.secret_env {
                Some(var) => Some(Secret::new(read_env(sink, var, env)?)),
                None => None,
            };
            let url = resolve_url(sink, &webhook.url, env)?;
            Sender::Webhook(WebhookSender::new(client(sink, webhook.timeout)?, url, secret))
        }
        SinkKind::Slack(slack) => {
            let url = resolve_url(sink, &slack.url, env)?;
            Sender::Slack(SlackSender::new(client(sink, slack.timeout)?, url, slack.console_url.clone()))
        }
        SinkKind::Ndjson(ndjson) => Sender::Ndjson(NdjsonSender::new(ndjson.path.clone())),
    };
    Ok(Sink {
        name: config.name.clone(),
        sender,
        retry: config.retry,
        batch: config.batch,
        stats: Arc::new(SinkStats::default()),
    })
}

fn read_env(sink: &str, var: &str, env: &impl Fn(&str) -> Option<String>) -> Result<String, SinkError> {
    match env(var) {
        Some(value) if !value.is_empty() => Ok(value),
        _ => Err(SinkError::MissingEnv { sink: sink.into(), var: var.into() }),
    }
}

fn resolve_url(sink: &str, source: &UrlSource, env: &impl Fn(&str) -> Option<String>) -> Result<SecretUrl, SinkError> {
    let url: Url = match source {
        UrlSource::Inline(url) => url.clone(),
        UrlSource::Env(var) => {
            let text = read_env(sink, var, env)?;
            http_url(var, text.trim()).map_err(|reason| SinkError::Invalid { sink: sink.into(), reason })?
        }
    };
    Ok(SecretUrl::new(url))
}

fn client(sink: &str, timeout: Duration) -> Result<reqwest::Client, SinkError> {
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout.min(CONNECT_TIMEOUT))
        // A redirected POST turns into a GET on most receivers; report it instead.
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("factorwatch/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| SinkError::Client { sink: sink.into(), reason: super::outcome::describe(e) })
}
