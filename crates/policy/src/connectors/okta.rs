//! Okta Management API requests (`Authorization: SSWS <token>`).

use super::operation::{Operation, seg};
use serde_json::Value;

/// Method, path and body for an Okta operation; `None` when Okta has no such call.
pub(super) fn request(op: &Operation) -> Option<(&'static str, String, Option<Value>)> {
    Some(match op {
        Operation::ListFactors { user } => ("GET", format!("/api/v1/users/{}/factors", seg(user)), None),
        Operation::DeleteFactor { user, factor } => {
            ("DELETE", format!("/api/v1/users/{}/factors/{}", seg(user), seg(factor)), None)
        }
        // Refresh and access tokens go too: a stolen session must not survive as a token.
        Operation::ClearSessions { user } => {
            ("DELETE", format!("/api/v1/users/{}/sessions?oauthTokens=true", seg(user)), None)
        }
        Operation::Suspend { user } => ("POST", format!("/api/v1/users/{}/lifecycle/suspend", seg(user)), None),
        _ => return None,
    })
}

/// Okta's error body: `errorCode` and `errorSummary`.
pub(super) fn error_message(body: &Value) -> Option<String> {
    let code = body.get("errorCode")?.as_str()?;
    let summary = body.get("errorSummary").and_then(Value::as_str).unwrap_or_default();
    Some(format!("{code}: {summary}"))
}
