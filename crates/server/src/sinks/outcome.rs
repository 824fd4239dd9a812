//! What one attempt came to, and how an HTTP answer or error maps onto it.

use chrono::{DateTime, Utc};
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use std::time::Duration;

/// The longest `Retry-After` obeyed; a receiver asking for more is retried after this.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(3600);
/// How much of a refusing receiver's answer is kept in the delivery's last error.
const ERROR_BODY_CHARS: usize = 200;

/// The result of sending one finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The receiver accepted it.
    Delivered,
    /// Worth trying again (network error, 408, 429, 5xx); `after` is the receiver's
    /// `Retry-After` when it gave one.
    Retry {
        /// What went wrong.
        error: String,
        /// How long the receiver asked to wait.
        after: Option<Duration>,
    },
    /// Trying again will not help (another 4xx, a redirect, a finding that cannot be encoded).
    Permanent {
        /// What went wrong.
        error: String,
    },
}

/// Classifies a receiver's answer: 2xx delivered; 408, 429 and 5xx retryable; the rest permanent.
pub async fn from_response(response: reqwest::Response) -> Outcome {
    let status = response.status();
    if status.is_success() {
        return Outcome::Delivered;
    }
    let after = retry_after(response.headers(), Utc::now());
    let body = error_body(response).await;
    let error = match body.is_empty() {
        true => format!("receiver answered {status}"),
        false => format!("receiver answered {status}: {body}"),
    };
    if retryable(status) {
        Outcome::Retry { error, after }
    } else if status.is_redirection() {
        Outcome::Permanent { error: format!("{error} (redirects are not followed; configure the final url)") }
    } else {
        Outcome::Permanent { error }
    }
}

fn retryable(status: StatusCode) -> bool {
    status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS || status == StatusCode::REQUEST_TIMEOUT
}

/// A request that did not get an answer: retryable, unless the request could not be built.
pub fn from_error(error: reqwest::Error) -> Outcome {
    let permanent = error.is_builder();
    let error = describe(error);
    match permanent {
        true => Outcome::Permanent { error },
        false => Outcome::Retry { error, after: None },
    }
}

/// The error and its causes, without the URL (it may carry a token).
pub fn describe(error: reqwest::Error) -> String {
    let error = error.without_url();
    let mut text = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

/// `Retry-After` as seconds or an HTTP date, capped at [`MAX_RETRY_AFTER`]; a date in the
/// past means now.
pub fn retry_after(headers: &HeaderMap, now: DateTime<Utc>) -> Option<Duration> {
    let text = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    let wait = match text.parse::<u64>() {
        Ok(seconds) => Duration::from_secs(seconds),
        Err(_) => {
            let at = DateTime::parse_from_rfc2822(text).ok()?.with_timezone(&Utc);
            (at - now).to_std().unwrap_or(Duration::ZERO)
        }
    };
    Some(wait.min(MAX_RETRY_AFTER))
}

/// The start of the answer's body (Slack says `invalid_payload`, `channel_is_archived`),
/// on one line; reading stops after a few hundred bytes.
async fn error_body(mut response: reqwest::Response) -> String {
    let mut bytes = Vec::new();
    while bytes.len() < ERROR_BODY_CHARS * 4 {
        match response.chunk().await {
            Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
            _ => break,
        }
    }
    let text = String::from_utf8_lossy(&bytes);
    let one_line: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    one_line.trim().chars().take(ERROR_BODY_CHARS).collect()
}
