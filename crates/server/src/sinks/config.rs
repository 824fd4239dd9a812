//! Sink settings as written in the service TOML (`[[sinks]]`), checked when read so that a
//! mistake stops start-up with a message naming the sink and the field.

use super::secret::redacted_url;
use reqwest::Url;
use serde::Deserialize;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

/// Findings sent per batch unless `batch` says otherwise.
pub const DEFAULT_BATCH: usize = 100;
/// How long one HTTP request may take unless `timeout` says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
const MAX_BATCH: usize = 1000;
const MAX_NAME: usize = 64;

/// One configured sink: where findings go, and how hard to try.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(try_from = "RawSink")]
pub struct SinkConfig {
    /// Unique; names the sink in the store's deliveries, in logs and in metric labels.
    pub name: String,
    /// What kind of receiver, with its settings.
    pub kind: SinkKind,
    /// How deliveries are retried.
    pub retry: RetryConfig,
    /// Most deliveries taken from the store at a time.
    pub batch: usize,
    /// The decision point's notices this sink carries, by recipient (`subject`, `manager`,
    /// `soc`); empty: findings only.
    pub notices: Vec<String>,
    /// The channel this sink reaches people through (`sms`, `email`, `push`, …). A notice
    /// that must not go through that channel (the factor being bound) is never queued here.
    pub channel: Option<String>,
}

/// The recipients a sink may carry notices for.
pub const NOTICE_RECIPIENTS: [&str; 3] = ["subject", "manager", "soc"];

impl SinkConfig {
    /// Whether this sink carries a notice to `recipient` (`subject`, `manager:<id>`, `soc`)
    /// that must not go through `not_via`.
    pub fn carries_notice(&self, recipient: &str, not_via: Option<&str>) -> bool {
        let kind = recipient.split(':').next().unwrap_or(recipient);
        let through_the_factor = match (self.channel.as_deref(), not_via) {
            (Some(channel), Some(factor)) => same_channel(channel, factor),
            _ => false,
        };
        self.notices.iter().any(|n| n == kind) && !through_the_factor
    }
}

/// A sink's channel and the factor being bound name the same way to reach a person: the
/// same word, or one naming the other (`sms` and `sms_otp`, `email` and `recovery_email`).
fn same_channel(channel: &str, factor: &str) -> bool {
    let (channel, factor) = (channel.to_ascii_lowercase(), factor.to_ascii_lowercase());
    !channel.is_empty() && (factor.contains(&channel) || channel.contains(&factor))
}

/// A sink's kind and its settings.
#[derive(Debug, Clone, PartialEq)]
pub enum SinkKind {
    /// A generic HTTPS receiver.
    Webhook(WebhookConfig),
    /// A Slack incoming webhook.
    Slack(SlackConfig),
    /// A local file.
    Ndjson(NdjsonConfig),
}

impl SinkKind {
    /// The kind's name, as written in the settings.
    pub fn as_str(&self) -> &'static str {
        match self {
            SinkKind::Webhook(_) => "webhook",
            SinkKind::Slack(_) => "slack",
            SinkKind::Ndjson(_) => "ndjson",
        }
    }
}

/// A generic HTTPS receiver: the finding JSON, signed when a secret is set.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookConfig {
    /// Where to post.
    pub url: UrlSource,
    /// The environment variable holding the HMAC-SHA256 key (the key itself is never in the file).
    pub secret_env: Option<String>,
    /// How long one request may take.
    pub timeout: Duration,
}

/// A Slack incoming webhook.
#[derive(Debug, Clone, PartialEq)]
pub struct SlackConfig {
    /// The incoming webhook.
    pub url: UrlSource,
    /// The web console's base URL; messages link to the incident when set.
    pub console_url: Option<Url>,
    /// How long one request may take.
    pub timeout: Duration,
}

/// A local file of findings, one JSON object per line, appended.
#[derive(Debug, Clone, PartialEq)]
pub struct NdjsonConfig {
    /// The file.
    pub path: PathBuf,
}

/// Where a receiver's URL comes from. Slack webhook URLs carry their token in the path, so
/// they may be kept in the environment (`url_env`) rather than in the file.
#[derive(Clone, PartialEq)]
pub enum UrlSource {
    /// Written in the settings.
    Inline(Url),
    /// Read from this environment variable at start-up.
    Env(String),
}

impl fmt::Debug for UrlSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UrlSource::Inline(url) => f.debug_tuple("Inline").field(&redacted_url(url)).finish(),
            UrlSource::Env(var) => f.debug_tuple("Env").field(var).finish(),
        }
    }
}

/// How a delivery is retried: exponential backoff from `initial_backoff`, doubling up to
/// `max_backoff`, with jitter; after `max_attempts` attempts it is failed (kept for replay).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RetryConfig {
    /// The wait before the first retry.
    #[serde(with = "humantime_serde")]
    pub initial_backoff: Duration,
    /// The longest wait between retries.
    #[serde(with = "humantime_serde")]
    pub max_backoff: Duration,
    /// Attempts before a delivery is failed.
    pub max_attempts: u32,
}

impl Default for RetryConfig {
    fn default() -> RetryConfig {
        RetryConfig { initial_backoff: Duration::from_secs(1), max_backoff: Duration::from_secs(300), max_attempts: 10 }
    }
}

/// The TOML table as written; [`SinkConfig`] is what it means once checked.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSink {
    name: String,
    kind: String,
    url: Option<String>,
    url_env: Option<String>,
    secret_env: Option<String>,
    console_url: Option<String>,
    path: Option<PathBuf>,
    #[serde(default, with = "humantime_serde")]
    timeout: Option<Duration>,
    batch: Option<usize>,
    #[serde(default)]
    retry: RetryConfig,
    #[serde(default)]
    notices: Vec<String>,
    channel: Option<String>,
}

/// A sink table that does not make sense, named by the sink.
#[derive(Debug, thiserror::Error, PartialEq)]
#[error("sink `{sink}`: {reason}")]
pub struct ConfigError {
    /// The sink's name.
    pub sink: String,
    /// What is wrong.
    pub reason: String,
}

impl TryFrom<RawSink> for SinkConfig {
    type Error = ConfigError;

    fn try_from(raw: RawSink) -> Result<SinkConfig, ConfigError> {
        let fail = |reason: String| ConfigError { sink: raw.name.clone(), reason };
        check_name(&raw.name).map_err(fail)?;
        check_retry(&raw.retry).map_err(fail)?;
        let batch = raw.batch.unwrap_or(DEFAULT_BATCH);
        if !(1..=MAX_BATCH).contains(&batch) {
            return Err(fail(format!("`batch` must be 1 to {MAX_BATCH}, found {batch}")));
        }
        let timeout = raw.timeout.unwrap_or(DEFAULT_TIMEOUT);
        if timeout.is_zero() {
            return Err(fail("`timeout` must be more than 0".into()));
        }
        let kind = match raw.kind.as_str() {
            "webhook" => {
                only(&raw, &["console_url", "path"]).map_err(fail)?;
                let secret_env = raw.secret_env.clone();
                if secret_env.as_deref().is_some_and(str::is_empty) {
                    return Err(fail("`secret_env` is empty; name an environment variable".into()));
                }
                SinkKind::Webhook(WebhookConfig { url: url_source(&raw).map_err(fail)?, secret_env, timeout })
            }
            "slack" => {
                only(&raw, &["secret_env", "path"]).map_err(fail)?;
                let console_url = match &raw.console_url {
                    Some(text) => Some(http_url("console_url", text).map_err(fail)?),
                    None => None,
                };
                SinkKind::Slack(SlackConfig { url: url_source(&raw).map_err(fail)?, console_url, timeout })
            }
            "ndjson" => {
                only(&raw, &["url", "url_env", "secret_env", "console_url", "timeout"]).map_err(fail)?;
                match &raw.path {
                    Some(path) if !path.as_os_str().is_empty() => SinkKind::Ndjson(NdjsonConfig { path: path.clone() }),
                    _ => return Err(fail("an ndjson sink needs `path`".into())),
                }
            }
            other => return Err(fail(format!("unknown kind `{other}`; expected `webhook`, `slack` or `ndjson`"))),
        };
        if let Some(unknown) = raw.notices.iter().find(|n| !NOTICE_RECIPIENTS.contains(&n.as_str())) {
            return Err(fail(format!("`notices`: `{unknown}` is not one of subject, manager, soc")));
        }
        if raw.channel.as_deref().is_some_and(|c| c.trim().is_empty()) {
            return Err(fail("`channel` is empty; name the channel or leave it out".into()));
        }
        Ok(SinkConfig { name: raw.name, kind, retry: raw.retry, batch, notices: raw.notices, channel: raw.channel })
    }
}

fn check_name(name: &str) -> Result<(), String> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    if name.is_empty() || name.len() > MAX_NAME || !name.chars().all(allowed) {
        return Err(format!("a sink name is 1 to {MAX_NAME} letters, digits, `-`, `_` or `.`"));
    }
    Ok(())
}

fn check_retry(retry: &RetryConfig) -> Result<(), String> {
    if retry.max_attempts == 0 {
        return Err("`retry.max_attempts` must be at least 1".into());
    }
    if retry.initial_backoff.is_zero() {
        return Err("`retry.initial_backoff` must be more than 0".into());
    }
    if retry.initial_backoff > retry.max_backoff {
        return Err("`retry.initial_backoff` is longer than `retry.max_backoff`".into());
    }
    Ok(())
}

/// Fails when a field that means nothing for this kind is set, rather than ignoring it.
fn only(raw: &RawSink, not_for_kind: &[&str]) -> Result<(), String> {
    let set = [
        ("url", raw.url.is_some()),
        ("url_env", raw.url_env.is_some()),
        ("secret_env", raw.secret_env.is_some()),
        ("console_url", raw.console_url.is_some()),
        ("path", raw.path.is_some()),
        ("timeout", raw.timeout.is_some()),
    ];
    match set.iter().find(|(field, is_set)| *is_set && not_for_kind.contains(field)) {
        Some((field, _)) => Err(format!("`{field}` does not apply to a {} sink", raw.kind)),
        None => Ok(()),
    }
}

fn url_source(raw: &RawSink) -> Result<UrlSource, String> {
    match (&raw.url, &raw.url_env) {
        (Some(text), None) => Ok(UrlSource::Inline(http_url("url", text)?)),
        (None, Some(var)) if !var.is_empty() => Ok(UrlSource::Env(var.clone())),
        (None, Some(_)) => Err("`url_env` is empty; name an environment variable".into()),
        (Some(_), Some(_)) => Err("set `url` or `url_env`, not both".into()),
        (None, None) => Err(format!("a {} sink needs `url` or `url_env`", raw.kind)),
    }
}

/// An absolute http(s) URL. The text is not echoed back: it may hold a token.
pub(crate) fn http_url(field: &str, text: &str) -> Result<Url, String> {
    let url = Url::parse(text).map_err(|e| format!("`{field}` is not a URL: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(format!("`{field}` must be an http or https URL with a host"));
    }
    Ok(url)
}
