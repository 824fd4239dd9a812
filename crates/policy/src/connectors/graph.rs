//! Microsoft Graph v1.0 requests (`Authorization: Bearer <token>`).

use super::operation::{Operation, seg};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// Authentication method types with their own DELETE endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MethodType {
    /// Phone (SMS or voice).
    Phone,
    /// Microsoft Authenticator.
    MicrosoftAuthenticator,
    /// FIDO2 security key or passkey.
    Fido2,
    /// Software OATH token.
    SoftwareOath,
    /// Email.
    Email,
    /// Windows Hello for Business.
    WindowsHelloForBusiness,
    /// Temporary Access Pass.
    TemporaryAccessPass,
    /// Platform credential (macOS).
    PlatformCredential,
}

impl MethodType {
    /// The collection under `/users/{id}/authentication/`.
    pub fn collection(self) -> &'static str {
        match self {
            MethodType::Phone => "phoneMethods",
            MethodType::MicrosoftAuthenticator => "microsoftAuthenticatorMethods",
            MethodType::Fido2 => "fido2Methods",
            MethodType::SoftwareOath => "softwareOathMethods",
            MethodType::Email => "emailMethods",
            MethodType::WindowsHelloForBusiness => "windowsHelloForBusinessMethods",
            MethodType::TemporaryAccessPass => "temporaryAccessPassMethods",
            MethodType::PlatformCredential => "platformCredentialMethods",
        }
    }

    /// From a listed method's `@odata.type` (`#microsoft.graph.fido2AuthenticationMethod`);
    /// `None` for types without a DELETE endpoint (password).
    pub fn from_odata_type(odata: &str) -> Option<MethodType> {
        let name = odata.trim_start_matches("#microsoft.graph.").strip_suffix("AuthenticationMethod")?;
        Some(match name {
            "phone" => MethodType::Phone,
            "microsoftAuthenticator" => MethodType::MicrosoftAuthenticator,
            "fido2" => MethodType::Fido2,
            "softwareOath" => MethodType::SoftwareOath,
            "email" => MethodType::Email,
            "windowsHelloForBusiness" => MethodType::WindowsHelloForBusiness,
            "temporaryAccessPass" => MethodType::TemporaryAccessPass,
            "platformCredential" => MethodType::PlatformCredential,
            _ => return None,
        })
    }
}

pub(super) fn request(op: &Operation) -> Option<(&'static str, String, Option<Value>)> {
    Some(match op {
        Operation::ListMethods { user } => ("GET", format!("/users/{}/authentication/methods", seg(user)), None),
        Operation::DeleteMethod { user, method_type, method } => (
            "DELETE",
            format!("/users/{}/authentication/{}/{}", seg(user), method_type.collection(), seg(method)),
            None,
        ),
        Operation::RevokeSessions { user } => ("POST", format!("/users/{}/revokeSignInSessions", seg(user)), None),
        Operation::RemovePassword { application, key_id } => {
            ("POST", format!("/applications/{}/removePassword", seg(application)), Some(json!({ "keyId": key_id })))
        }
        Operation::RemoveKey { application, key_id, proof } => (
            "POST",
            format!("/applications/{}/removeKey", seg(application)),
            Some(json!({ "keyId": key_id, "proof": proof })),
        ),
        _ => return None,
    })
}

/// Graph's error body: `{"error": {"code", "message"}}`.
pub(super) fn error_message(body: &Value) -> Option<String> {
    let error = body.get("error")?;
    let code = error.get("code")?.as_str()?;
    let message = error.get("message").and_then(Value::as_str).unwrap_or_default();
    Some(format!("{code}: {message}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listed_method_types_map_to_their_delete_collections() {
        let t = MethodType::from_odata_type("#microsoft.graph.fido2AuthenticationMethod").unwrap();
        assert_eq!(t.collection(), "fido2Methods");
        assert_eq!(MethodType::from_odata_type("#microsoft.graph.passwordAuthenticationMethod"), None);
    }
}
