//! Sending connector calls: dry run or execution under an approval, retries on throttling
//! that honour the wait the provider asks for (bounded), and the journal.

use super::operation::{Operation, PlannedRequest};
use super::{graph, okta};
use crate::approval::{ApprovalError, Approvals};
use crate::audit::AuditRecord;
use crate::ledger::{IdentityKey, LedgerError};
use chrono::{DateTime, Utc};
use reqwest::header::{HeaderMap, RETRY_AFTER};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::fmt;
use std::time::Duration;

/// Which API a connector speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProviderApi {
    /// The Okta management API.
    Okta,
    /// Microsoft Graph.
    Graph,
}

impl ProviderApi {
    /// The API's name.
    pub fn as_str(self) -> &'static str {
        match self {
            ProviderApi::Okta => "okta",
            ProviderApi::Graph => "graph",
        }
    }
}

/// How throttled calls are retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// The longest wait honoured; a provider asking for more ends the call as throttled.
    pub max_wait: Duration,
    /// The wait when a throttled answer names none.
    pub default_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy { max_retries: 3, max_wait: Duration::from_secs(60), default_wait: Duration::from_secs(2) }
    }
}

/// Why a connector call was not made or failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConnectorError {
    /// The API has no call for the operation.
    #[error("{api} has no `{op}` call")]
    Unsupported {
        /// The API.
        api: &'static str,
        /// The operation.
        op: &'static str,
    },
    /// A change was asked for without an approval.
    #[error("executing `{op}` needs an approved remediation approval")]
    ApprovalRequired {
        /// The operation.
        op: &'static str,
    },
    /// The approval given does not authorize the call.
    #[error(transparent)]
    Approval(#[from] ApprovalError),
    /// The journal could not be written.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    /// The base URL is not http(s).
    #[error("invalid connector base url `{0}`: expected http:// or https://")]
    BaseUrl(String),
    /// The HTTP client could not be built.
    #[error("http client: {0}")]
    Client(String),
    /// The request did not get an answer.
    #[error("{method} {url}: {error}")]
    Transport {
        /// The HTTP method.
        method: String,
        /// The URL.
        url: String,
        /// What failed.
        error: String,
    },
    /// The provider asked to wait longer than allowed.
    #[error(
        "{method} {url}: throttled; the provider asks to wait {}s, more than the {}s allowed",
        wait.as_secs_f64(),
        max.as_secs_f64()
    )]
    Throttled {
        /// The HTTP method.
        method: String,
        /// The URL.
        url: String,
        /// The wait asked for.
        wait: Duration,
        /// The longest wait allowed.
        max: Duration,
    },
    /// The provider refused the request.
    #[error("{method} {url}: {status}{}", .message.as_ref().map(|m| format!(" ({m})")).unwrap_or_default())]
    Rejected {
        /// The HTTP method.
        method: String,
        /// The URL.
        url: String,
        /// The HTTP status.
        status: u16,
        /// The provider's message, if any.
        message: Option<String>,
    },
}

/// A provider API endpoint with its credential.
#[derive(Clone)]
pub struct Connector {
    api: ProviderApi,
    base_url: String,
    token: String,
    http: reqwest::Client,
    retry: RetryPolicy,
}

impl fmt::Debug for Connector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Connector")
            .field("api", &self.api)
            .field("base_url", &self.base_url)
            .field("token", &"***")
            .field("retry", &self.retry)
            .finish()
    }
}

impl Connector {
    /// Okta at `base_url` (`https://acme.okta.com`) with an API token.
    pub fn okta(base_url: &str, token: &str) -> Result<Connector, ConnectorError> {
        Connector::new(ProviderApi::Okta, base_url, token)
    }

    /// Microsoft Graph at `base_url` (`https://graph.microsoft.com/v1.0`) with an access token.
    pub fn graph(base_url: &str, token: &str) -> Result<Connector, ConnectorError> {
        Connector::new(ProviderApi::Graph, base_url, token)
    }

    fn new(api: ProviderApi, base_url: &str, token: &str) -> Result<Connector, ConnectorError> {
        let base = base_url.trim_end_matches('/');
        if !(base.starts_with("https://") || base.starts_with("http://")) {
            return Err(ConnectorError::BaseUrl(base_url.to_string()));
        }
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| ConnectorError::Client(e.to_string()))?;
        Ok(Connector { api, base_url: base.to_string(), token: token.to_string(), http, retry: RetryPolicy::default() })
    }

    /// The connector, retrying throttled calls as `retry` says.
    pub fn with_retry(mut self, retry: RetryPolicy) -> Connector {
        self.retry = retry;
        self
    }

    /// The API it speaks.
    pub fn api(&self) -> ProviderApi {
        self.api
    }

    fn scheme(&self) -> &'static str {
        match self.api {
            ProviderApi::Okta => "SSWS",
            ProviderApi::Graph => "Bearer",
        }
    }

    /// The request `op` sends, with the token masked.
    pub fn plan(&self, op: &Operation) -> Result<PlannedRequest, ConnectorError> {
        let (method, path, body) = self.parts(op)?;
        Ok(PlannedRequest {
            method: method.to_string(),
            url: format!("{}{}", self.base_url, path),
            authorization: format!("{} ***", self.scheme()),
            body,
        })
    }

    fn parts(&self, op: &Operation) -> Result<(&'static str, String, Option<Value>), ConnectorError> {
        let parts = match self.api {
            ProviderApi::Okta => okta::request(op),
            ProviderApi::Graph => graph::request(op),
        };
        parts.ok_or(ConnectorError::Unsupported { api: self.api.as_str(), op: op.name() })
    }

    /// Sends `op`, retrying throttled answers (429, 503) after the wait the provider asks.
    async fn send(&self, op: &Operation) -> Result<CallAnswer, ConnectorError> {
        let (method, path, body) = self.parts(op)?;
        let url = format!("{}{}", self.base_url, path);
        let http_method = match method {
            "GET" => reqwest::Method::GET,
            "POST" => reqwest::Method::POST,
            _ => reqwest::Method::DELETE,
        };
        let mut attempts = 0;
        loop {
            attempts += 1;
            let mut request = self
                .http
                .request(http_method.clone(), &url)
                .header("Authorization", format!("{} {}", self.scheme(), self.token))
                .header("Accept", "application/json");
            if let Some(body) = &body {
                request = request.json(body);
            } else if method == "POST" {
                // Okta's lifecycle calls take an empty JSON body.
                request = request.header("Content-Type", "application/json");
            }
            let response = request.send().await.map_err(|e| ConnectorError::Transport {
                method: method.to_string(),
                url: url.clone(),
                error: e.to_string(),
            })?;
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            let text = response.text().await.unwrap_or_default();
            if matches!(status, 429 | 503) && attempts <= self.retry.max_retries {
                let wait = self.wait_asked(&headers).unwrap_or(self.retry.default_wait);
                if wait > self.retry.max_wait {
                    return Err(ConnectorError::Throttled {
                        method: method.to_string(),
                        url,
                        wait,
                        max: self.retry.max_wait,
                    });
                }
                tokio::time::sleep(wait).await;
                continue;
            }
            let body: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
            return Ok(CallAnswer { status, attempts, excerpt: excerpt(&text), body });
        }
    }

    /// Okta: `X-Rate-Limit-Reset` (epoch seconds) against the answer's `Date`, so that clock
    /// skew between us and Okta does not matter. Graph: `Retry-After` in seconds.
    fn wait_asked(&self, headers: &HeaderMap) -> Option<Duration> {
        let text = |name| headers.get(name).and_then(|v| v.to_str().ok());
        if let Some(reset) = text("x-rate-limit-reset").and_then(|v| v.trim().parse::<i64>().ok()) {
            let server_now = text("date")
                .and_then(|d| DateTime::parse_from_rfc2822(d).ok())
                .map(|d| d.timestamp())
                .unwrap_or_else(|| Utc::now().timestamp());
            return Some(Duration::from_secs(reset.saturating_sub(server_now).max(0) as u64));
        }
        let seconds = headers.get(RETRY_AFTER).and_then(|v| v.to_str().ok())?.trim().parse::<u64>().ok()?;
        Some(Duration::from_secs(seconds))
    }

    fn error_message(&self, body: &Value) -> Option<String> {
        match self.api {
            ProviderApi::Okta => okta::error_message(body),
            ProviderApi::Graph => graph::error_message(body),
        }
    }
}

/// At most this much of an answer's body goes to the journal.
const EXCERPT: usize = 512;

fn excerpt(text: &str) -> String {
    match text.char_indices().nth(EXCERPT) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

/// A provider's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallAnswer {
    /// The HTTP status.
    pub status: u16,
    /// Attempts made, throttled ones included.
    pub attempts: u32,
    /// The JSON body (`null` when empty or not JSON).
    pub body: Value,
    /// The body's first 512 characters, as journaled.
    pub excerpt: String,
}

/// What a run did: the request, and the answer unless it was a dry run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallResult {
    /// Whether the request was only shown.
    pub dry_run: bool,
    /// The request.
    pub request: PlannedRequest,
    /// The provider's answer, unless a dry run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<CallAnswer>,
}

/// Dry run, or execute. Calls that change something need an approved remediation
/// approval for the identity; reads (listing factors or methods) need none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum Mode {
    /// Show the request without sending it.
    DryRun,
    /// Send it.
    Execute {
        /// The approved remediation approval that authorizes a change.
        approval: Option<String>,
    },
}

/// Runs connector calls under the approval rules and journals them.
#[derive(Debug, Clone)]
pub struct Executor {
    approvals: Approvals,
}

impl Executor {
    /// An executor checking and journaling through `approvals`.
    pub fn new(approvals: Approvals) -> Executor {
        Executor { approvals }
    }

    /// Runs `op` against `connector` for the identity `key`, on behalf of `actor`.
    pub async fn run(
        &self,
        connector: &Connector,
        key: &IdentityKey,
        op: &Operation,
        mode: &Mode,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<CallResult, ConnectorError> {
        let request = connector.plan(op)?;
        let journal_request = redacted(&request);
        let subject = match mode {
            Mode::Execute { approval: Some(id) } => id.clone(),
            _ => format!("{}:{}:{}", key.provider, key.tenant, key.identity),
        };
        let mut detail = json!({
            "api": connector.api().as_str(),
            "op": op.name(),
            "identity": key.identity,
            "request": journal_request,
        });
        let journal = |action: &str, detail: &Value| {
            self.approvals.ledger().append_audit(&AuditRecord::new(now, action, &subject, Some(actor), detail.clone()))
        };
        let approval = match mode {
            Mode::DryRun => {
                journal("connector.dry_run", &detail)?;
                return Ok(CallResult { dry_run: true, request, answer: None });
            }
            Mode::Execute { approval } => approval,
        };
        if !op.is_read() {
            let checked = match approval {
                None => Err(ConnectorError::ApprovalRequired { op: op.name() }),
                Some(id) => self.approvals.authorize_remediation(id, key, now).map(|_| ()).map_err(Into::into),
            };
            if let Err(refusal) = checked {
                detail["refused"] = json!(refusal.to_string());
                journal("connector.refused", &detail)?;
                return Err(refusal);
            }
        }
        let sent = connector.send(op).await;
        match &sent {
            Ok(answer) => {
                detail["status"] = json!(answer.status);
                detail["attempts"] = json!(answer.attempts);
                detail["body_excerpt"] = json!(answer.excerpt);
            }
            Err(error) => detail["error"] = json!(error.to_string()),
        }
        journal("connector.call", &detail)?;
        let answer = sent?;
        if !(200..300).contains(&answer.status) {
            return Err(ConnectorError::Rejected {
                method: request.method,
                url: request.url,
                status: answer.status,
                message: connector.error_message(&answer.body),
            });
        }
        Ok(CallResult { dry_run: false, request, answer: Some(answer) })
    }
}

/// The request as journaled: a proof-of-possession JWT is a credential too.
fn redacted(request: &PlannedRequest) -> PlannedRequest {
    let mut r = request.clone();
    if let Some(Value::Object(body)) = &mut r.body
        && body.contains_key("proof")
    {
        body.insert("proof".into(), json!("***"));
    }
    r
}
