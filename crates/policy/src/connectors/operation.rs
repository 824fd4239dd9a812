//! What a connector can be asked to do, and the request it sends for it.

use super::graph::MethodType;
use serde::{Deserialize, Serialize};

/// One provider call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Operation {
    /// Okta: `GET /api/v1/users/{id}/factors`.
    ListFactors {
        /// The user's provider id.
        user: String,
    },
    /// Okta: `DELETE /api/v1/users/{id}/factors/{factorId}`.
    DeleteFactor {
        /// The user's provider id.
        user: String,
        /// The factor's id.
        factor: String,
    },
    /// Okta: `DELETE /api/v1/users/{id}/sessions` (with OAuth tokens).
    ClearSessions {
        /// The user's provider id.
        user: String,
    },
    /// Okta: `POST /api/v1/users/{id}/lifecycle/suspend`.
    Suspend {
        /// The user's provider id.
        user: String,
    },
    /// Graph: `GET /users/{id}/authentication/methods`.
    ListMethods {
        /// The user's provider id.
        user: String,
    },
    /// Graph: `DELETE /users/{id}/authentication/{type}Methods/{methodId}`.
    DeleteMethod {
        /// The user's provider id.
        user: String,
        /// The method's type.
        method_type: MethodType,
        /// The method's id.
        method: String,
    },
    /// Graph: `POST /users/{id}/revokeSignInSessions`.
    RevokeSessions {
        /// The user's provider id.
        user: String,
    },
    /// Graph: `POST /applications/{id}/removePassword`.
    RemovePassword {
        /// The application's object id.
        application: String,
        /// The credential's key id.
        key_id: String,
    },
    /// Graph: `POST /applications/{id}/removeKey`; `proof` is a JWT signed with an existing
    /// key of the application (proof of possession).
    RemoveKey {
        /// The application's object id.
        application: String,
        /// The key's id.
        key_id: String,
        /// The proof-of-possession JWT.
        proof: String,
    },
}

impl Operation {
    /// The operation's name, as journaled.
    pub fn name(&self) -> &'static str {
        match self {
            Operation::ListFactors { .. } => "list_factors",
            Operation::DeleteFactor { .. } => "delete_factor",
            Operation::ClearSessions { .. } => "clear_sessions",
            Operation::Suspend { .. } => "suspend",
            Operation::ListMethods { .. } => "list_methods",
            Operation::DeleteMethod { .. } => "delete_method",
            Operation::RevokeSessions { .. } => "revoke_sessions",
            Operation::RemovePassword { .. } => "remove_password",
            Operation::RemoveKey { .. } => "remove_key",
        }
    }

    /// Reads only; needs no approval to execute.
    pub fn is_read(&self) -> bool {
        matches!(self, Operation::ListFactors { .. } | Operation::ListMethods { .. })
    }
}

/// The request a connector sends (or would send, in a dry run). The authorization header
/// is shown with its secret masked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlannedRequest {
    /// The HTTP method.
    pub method: String,
    /// The full URL.
    pub url: String,
    /// `SSWS ***` or `Bearer ***`.
    pub authorization: String,
    /// The JSON body, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<serde_json::Value>,
}

/// A path segment from an id: ids are percent-encoded so that `../` or `?` in an id cannot
/// change which endpoint is called.
pub(crate) use model::percent::path_segment as seg;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_cannot_escape_their_path_segment() {
        assert_eq!(seg("00u1"), "00u1");
        assert_eq!(seg("../admin?x=1"), "..%2Fadmin%3Fx%3D1");
        assert_eq!(seg("alice@acme.com"), "alice@acme.com");
    }
}
