//! The service's settings: the `[server]`, `[[sinks]]`, `[policy]` and `[connectors]` tables
//! of the same TOML file that holds the detection settings (`detect::Config`), read once at start-up.

use crate::sinks::SinkConfig;
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Why the service's settings cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The file cannot be read.
    #[error("cannot read `{path}`: {reason}")]
    Read {
        /// The file.
        path: String,
        /// What reading it said.
        reason: std::io::Error,
    },
    /// The text is not valid TOML for the settings.
    #[error("`{path}`: {reason}")]
    Parse {
        /// The file (`config` for text given directly).
        path: String,
        /// What parsing it said.
        reason: toml::de::Error,
    },
    /// The detection settings cannot be used.
    #[error(transparent)]
    Detect(#[from] detect::ConfigError),
    /// A setting's value cannot be used.
    #[error("invalid config: {0}")]
    Invalid(String),
}

/// Everything `factorwatch serve` reads from its config file.
#[derive(Debug, Clone, Default)]
pub struct ServiceConfig {
    /// `[server]`: listening, storage, limits, ingestion.
    pub server: ServerConfig,
    /// `[[sinks]]`: where findings are delivered.
    pub sinks: Vec<SinkConfig>,
    /// `[policy]`: the decision point, approvals and revalidation.
    pub policy: PolicySettings,
    /// `[connectors]`: provider APIs for remediation.
    pub connectors: ConnectorSettings,
    /// The detection settings (every other table).
    pub detect: detect::Config,
}

/// The enrollment decision point, approvals and revalidation (`[policy]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PolicySettings {
    /// A folder of `*.cedar` files over the shipped defaults: a file named like a default
    /// replaces it (empty switches it off), others add.
    pub directory: Option<PathBuf>,
    /// How long an approval may wait for a reviewer, and lasts once given.
    #[serde(with = "humantime_serde")]
    pub approval_ttl: Duration,
    /// How long an `allow` stays in force for the enrollment it allowed.
    #[serde(with = "humantime_serde")]
    pub allow_ttl: Duration,
    /// Factor kinds that are recovery methods (always notified).
    pub recovery_kinds: Vec<String>,
    /// Each identity's manager (by id or login), who may approve its enrollments.
    pub managers: std::collections::BTreeMap<String, String>,
    /// Privileged factors bound longer ago than this come up for revalidation.
    #[serde(with = "humantime_serde")]
    pub revalidation_period: Duration,
}

impl Default for PolicySettings {
    fn default() -> PolicySettings {
        let defaults = policy::DecisionConfig::default();
        PolicySettings {
            directory: None,
            approval_ttl: defaults.approval_ttl,
            allow_ttl: defaults.allow_ttl,
            recovery_kinds: defaults.recovery_kinds,
            managers: Default::default(),
            revalidation_period: Duration::from_secs(90 * 24 * 3600),
        }
    }
}

impl PolicySettings {
    /// The decision point's settings.
    pub fn decision_config(&self) -> policy::DecisionConfig {
        policy::DecisionConfig {
            approval_ttl: self.approval_ttl,
            allow_ttl: self.allow_ttl,
            recovery_kinds: self.recovery_kinds.clone(),
        }
    }
}

/// Provider APIs that execute remediation steps (`[connectors.okta]`, `[connectors.graph]`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ConnectorSettings {
    /// The Okta management API.
    pub okta: Option<ConnectorSetting>,
    /// Microsoft Graph (Entra ID, Microsoft 365).
    pub graph: Option<ConnectorSetting>,
}

/// One provider API: where it is and where its credential is read from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConnectorSetting {
    /// `https://acme.okta.com`, `https://graph.microsoft.com/v1.0`.
    pub base_url: String,
    /// Environment variable holding the API token (Okta) or access token (Graph) …
    #[serde(default)]
    pub token_env: Option<String>,
    /// … or a file holding it; one of the two.
    #[serde(default)]
    pub token_file: Option<PathBuf>,
}

/// The `[server]` table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    /// Address to listen on.
    pub listen: SocketAddr,
    /// Where the embedded database and other state live (default: the user's data folder).
    pub data_dir: Option<PathBuf>,
    /// `postgres://…` to keep everything in PostgreSQL instead of the embedded SQLite file.
    pub database_url: Option<String>,
    /// Store connections (SQLite: readers beside the writer; PostgreSQL: sessions).
    pub database_connections: usize,
    /// Largest request body accepted, in bytes (compressed size for gzip bodies).
    pub max_body_bytes: usize,
    /// Largest body after gzip decompression, in bytes.
    pub max_decompressed_bytes: u64,
    /// Ingest requests handled at once; more get 429 with Retry-After.
    pub max_concurrent_ingest: usize,
    /// Stored events not yet through detection before ingest answers 429 (backpressure).
    pub max_backlog: u64,
    /// Seconds a client is told to wait in `Retry-After`.
    pub retry_after_seconds: u64,
    /// When no event has arrived for this long, buffered events are processed, due checks run
    /// and blind spots are evaluated (the stream is treated as caught up).
    #[serde(with = "humantime_serde")]
    pub flush_after: Duration,
    /// A detection snapshot is saved after this many events …
    pub snapshot_every_events: u64,
    /// … or this long after the previous one, whichever comes first.
    #[serde(with = "humantime_serde")]
    pub snapshot_every: Duration,
    /// In-flight requests get this long to finish on shutdown.
    #[serde(with = "humantime_serde")]
    pub shutdown_grace: Duration,
    /// Requests taking longer are answered 503.
    #[serde(with = "humantime_serde")]
    pub request_timeout: Duration,
    /// `json` for one JSON object per log line; `text` for people.
    pub log_format: LogFormat,
    /// The Okta event hook: the Authorization header value Okta is configured to send, read
    /// from this environment variable or file. Neither set: the hook takes an ingest token.
    pub okta_hook_authorization_env: Option<String>,
    /// … or from this file.
    pub okta_hook_authorization_file: Option<PathBuf>,
    /// Generic webhooks signed with HMAC-SHA256, by name (`POST /v1/webhooks/{name}`).
    pub webhooks: Vec<WebhookSource>,
    /// Base URL of the console, used in links sent to sinks.
    pub console_url: Option<String>,
    /// PEM certificate chain for HTTPS; with `tls_private_key` the service speaks only TLS.
    pub tls_certificate: Option<PathBuf>,
    /// PEM private key of `tls_certificate`.
    pub tls_private_key: Option<PathBuf>,
    /// Connections open at once; more wait in the kernel's backlog (keeps file descriptors free).
    pub max_connections: usize,
    /// A connection must send its request headers within this long, or it is closed.
    #[serde(with = "humantime_serde")]
    pub header_read_timeout: Duration,
    /// An ingest body must arrive within this long, or the request is answered `408`.
    #[serde(with = "humantime_serde")]
    pub body_read_timeout: Duration,
    /// Bytes all requests together may hold decompressed at once; past it, `503`.
    pub decompression_budget_bytes: u64,
    /// Events dated more than this after the service's clock are refused with a reason.
    #[serde(with = "humantime_serde")]
    pub future_tolerance: Duration,
    /// Console sessions one user may hold; signing in past it ends that user's oldest.
    pub max_sessions_per_user: usize,
    /// `/healthz` answers `503` when events wait and the detection worker has not finished a
    /// step for this long (it is stuck).
    #[serde(with = "humantime_serde")]
    pub detection_stuck_after: Duration,
    /// Keep each stored event's raw provider record beside it, for the console and
    /// `?evidence=raw` (docs/serve.md "Raw provider records"). Off: none is kept.
    pub keep_raw_records: bool,
    /// `[server.oidc]`: console sign-in through the team's OpenID provider.
    pub oidc: Option<crate::oidc::OidcSettings>,
}

impl Default for ServerConfig {
    fn default() -> ServerConfig {
        ServerConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: None,
            database_url: None,
            database_connections: 4,
            max_body_bytes: 16 * 1024 * 1024,
            max_decompressed_bytes: 256 * 1024 * 1024,
            max_concurrent_ingest: 64,
            max_backlog: 1_000_000,
            retry_after_seconds: 1,
            flush_after: Duration::from_secs(30),
            snapshot_every_events: 50_000,
            snapshot_every: Duration::from_secs(60),
            shutdown_grace: Duration::from_secs(20),
            request_timeout: Duration::from_secs(60),
            log_format: LogFormat::Text,
            okta_hook_authorization_env: None,
            okta_hook_authorization_file: None,
            webhooks: Vec::new(),
            console_url: None,
            tls_certificate: None,
            tls_private_key: None,
            max_connections: 512,
            header_read_timeout: Duration::from_secs(10),
            body_read_timeout: Duration::from_secs(30),
            decompression_budget_bytes: 1024 * 1024 * 1024,
            future_tolerance: Duration::from_secs(24 * 3600),
            max_sessions_per_user: 10,
            detection_stuck_after: Duration::from_secs(120),
            keep_raw_records: true,
            oidc: None,
        }
    }
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogFormat {
    /// For people.
    #[default]
    Text,
    /// One JSON object per line, for collectors.
    Json,
}

/// A sender that signs its bodies: `X-Factorwatch-Signature: sha256=<hex HMAC of the body>`
/// (the header name can be changed for senders with their own convention).
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookSource {
    /// The name in the route, `POST /v1/webhooks/{name}`.
    pub name: String,
    /// The provider whose native events the sender posts.
    pub provider: String,
    /// Environment variable holding the shared secret …
    #[serde(default)]
    pub secret_env: Option<String>,
    /// … or a file holding it (a mounted secret); one of the two.
    #[serde(default)]
    pub secret_file: Option<PathBuf>,
    /// The header the signature comes in.
    #[serde(default = "default_signature_header")]
    pub signature_header: String,
}

impl std::fmt::Debug for WebhookSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookSource")
            .field("name", &self.name)
            .field("provider", &self.provider)
            .field("secret_env", &self.secret_env)
            .field("secret_file", &self.secret_file)
            .field("signature_header", &self.signature_header)
            .finish()
    }
}

fn default_signature_header() -> String {
    "x-factorwatch-signature".into()
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ServiceSections {
    #[serde(default)]
    server: ServerConfig,
    #[serde(default)]
    sinks: Vec<SinkConfig>,
    #[serde(default)]
    policy: PolicySettings,
    #[serde(default)]
    connectors: ConnectorSettings,
}

impl ServiceConfig {
    /// Reads the file: `[server]` and `[[sinks]]` for the service, the rest for detection.
    pub fn load(path: &Path) -> Result<ServiceConfig, ConfigError> {
        let text = std::fs::read_to_string(path)
            .map_err(|reason| ConfigError::Read { path: path.display().to_string(), reason })?;
        ServiceConfig::parse(&text).map_err(|e| match e {
            ConfigError::Parse { reason, .. } => ConfigError::Parse { path: path.display().to_string(), reason },
            other => other,
        })
    }

    /// Reads settings from TOML text.
    pub fn parse(text: &str) -> Result<ServiceConfig, ConfigError> {
        let parse_error = |reason: toml::de::Error| ConfigError::Parse { path: "config".into(), reason };
        let mut table: toml::Table = toml::from_str(text).map_err(parse_error)?;
        let mut service = toml::Table::new();
        for key in ["server", "sinks", "policy", "connectors"] {
            if let Some(value) = table.remove(key) {
                service.insert(key.into(), value);
            }
        }
        let sections: ServiceSections = service.try_into().map_err(parse_error)?;
        let detect: detect::Config = table.try_into().map_err(parse_error)?;
        let config = ServiceConfig {
            server: sections.server,
            sinks: sections.sinks,
            policy: sections.policy,
            connectors: sections.connectors,
            detect,
        };
        config.validate()?;
        Ok(config)
    }

    /// Checks what the types cannot: limits, names, and the detection settings.
    pub fn validate(&self) -> Result<(), ConfigError> {
        self.detect.validate().map_err(ConfigError::Detect)?;
        let s = &self.server;
        if s.database_connections == 0 {
            return Err(ConfigError::Invalid("[server] database_connections must be at least 1".into()));
        }
        if s.max_concurrent_ingest == 0 || s.max_body_bytes == 0 {
            return Err(ConfigError::Invalid(
                "[server] max_concurrent_ingest and max_body_bytes must be above 0".into(),
            ));
        }
        if s.max_connections == 0 || s.max_sessions_per_user == 0 {
            return Err(ConfigError::Invalid(
                "[server] max_connections and max_sessions_per_user must be at least 1".into(),
            ));
        }
        if s.tls_certificate.is_some() != s.tls_private_key.is_some() {
            return Err(ConfigError::Invalid(
                "[server] give both `tls_certificate` and `tls_private_key`, or neither".into(),
            ));
        }
        if s.decompression_budget_bytes < s.max_decompressed_bytes {
            return Err(ConfigError::Invalid(
                "[server] decompression_budget_bytes must be at least max_decompressed_bytes".into(),
            ));
        }
        for hook in &s.webhooks {
            if hook.secret_env.is_some() == hook.secret_file.is_some() {
                return Err(ConfigError::Invalid(format!(
                    "[[server.webhooks]] `{}`: give exactly one of `secret_env` and `secret_file`",
                    hook.name
                )));
            }
            if model::Provider::parse(&hook.provider).is_none() {
                return Err(ConfigError::Invalid(format!(
                    "[[server.webhooks]] `{}`: unknown provider `{}`",
                    hook.name, hook.provider
                )));
            }
        }
        for (name, c) in [("okta", &self.connectors.okta), ("graph", &self.connectors.graph)] {
            if let Some(c) = c
                && c.token_env.is_some() == c.token_file.is_some()
            {
                return Err(ConfigError::Invalid(format!(
                    "[connectors.{name}]: give exactly one of `token_env` and `token_file`"
                )));
            }
        }
        if let Some(oidc) = &s.oidc {
            oidc.validate().map_err(|e| ConfigError::Invalid(format!("[server.oidc] {e}")))?;
        }
        if self.policy.approval_ttl.is_zero() {
            return Err(ConfigError::Invalid("[policy] approval_ttl must be more than 0".into()));
        }
        let mut names: Vec<&str> = self.sinks.iter().map(|s| s.name.as_str()).collect();
        names.sort_unstable();
        if let Some(pair) = names.windows(2).find(|w| w[0] == w[1]) {
            return Err(ConfigError::Invalid(format!("[[sinks]]: the name `{}` is used twice", pair[0])));
        }
        Ok(())
    }

    /// The data folder: the configured one, else the platform default.
    pub fn data_dir(&self) -> Result<PathBuf, ConfigError> {
        self.server.data_dir.clone().or_else(store::default_data_dir).ok_or_else(|| {
            ConfigError::Invalid(
                "no data folder: set [server] data_dir, --data-dir, $FACTORWATCH_DATA_DIR or $HOME".into(),
            )
        })
    }
}
