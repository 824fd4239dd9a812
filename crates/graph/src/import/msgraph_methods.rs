//! Microsoft Graph `GET /users/{id}/authentication/methods` (docs/graph-import.md "Factor
//! snapshots"): `value` lists the user's methods, each with its `@odata.type`. The user comes
//! from a wrapper `{"user": ID or UPN, "value": […]}` (or `"methods"`), else from the page's
//! `@odata.context` (`…#users('{id}')/authentication/methods`), else from the file name.

use super::field::{any, items, s, time};
use super::snapshot::{Ctx, factor};
use crate::factors::ListedFactor;
use crate::graph::{Graph, NodeKind};
use model::Provider;
use serde_json::Value;

pub const NAME: &str = "msgraph authentication methods";
const P: Provider = Provider::Entra;

/// The method's type without its namespace (`fido2AuthenticationMethod`).
fn method_type(v: &Value) -> Option<&str> {
    s(v, "@odata.type").map(|t| t.trim_start_matches('#').trim_start_matches("microsoft.graph."))
}

fn is_method(v: &Value) -> bool {
    method_type(v).is_some_and(|t| t.ends_with("AuthenticationMethod"))
}

fn methods(v: &Value) -> &[Value] {
    let list = items(v, "value");
    if list.is_empty() { items(v, "methods") } else { list }
}

fn is_page(v: &Value) -> bool {
    s(v, "@odata.context").is_some_and(|c| c.contains("/authentication/methods"))
        || methods(v).first().is_some_and(is_method)
}

pub fn matches(doc: &Value) -> bool {
    match doc {
        Value::Array(items) => items.first().is_some_and(|w| w.get("user").is_some() && is_page(w)),
        Value::Object(_) => is_page(doc),
        _ => false,
    }
}

pub fn import(graph: &mut Graph, doc: &Value, ctx: &Ctx<'_>) -> Result<(), String> {
    let tenant = s(doc, "tenantId").unwrap_or(P.as_str()).to_ascii_lowercase();
    match doc {
        Value::Array(pages) => {
            for page in pages {
                one_user(graph, ctx, &tenant, page)?;
            }
            Ok(())
        }
        _ => one_user(graph, ctx, &tenant, doc),
    }
}

fn one_user(graph: &mut Graph, ctx: &Ctx<'_>, tenant: &str, page: &Value) -> Result<(), String> {
    let user = match page.get("user") {
        Some(Value::String(u)) if !u.trim().is_empty() => Some(u.trim().to_string()),
        Some(u) if u.is_object() => any(u, &["id", "userPrincipalName"]).map(str::to_string),
        _ => None,
    };
    let user = user
        .or_else(|| s(page, "@odata.context").and_then(user_in_context))
        .or_else(|| ctx.user_from_file_name())
        .ok_or("the methods page names no user: wrap it as {\"user\": ID, \"value\": [...]} or name the file after the user (ID.methods.json)")?;
    let node = match graph.find_identity(Some(P), Some(tenant), &user) {
        Some(node) => node,
        None => graph.ensure(P, tenant, NodeKind::Human, &user, &user),
    };
    let listed: Vec<ListedFactor> = methods(page).iter().filter_map(method).collect();
    graph.list_factors(node, NAME, ctx.time, listed);
    Ok(())
}

/// A method, named as Entra sign-in and audit logs name it so the same table ranks it.
/// Passwords are not factors.
fn method(m: &Value) -> Option<ListedFactor> {
    let ty = method_type(m)?;
    let kind: String = match ty {
        "passwordAuthenticationMethod" => return None,
        "fido2AuthenticationMethod" => "FIDO2 security key".into(),
        "microsoftAuthenticatorAuthenticationMethod" => "Microsoft Authenticator".into(),
        "passwordlessMicrosoftAuthenticatorAuthenticationMethod" => "Passwordless phone sign-in".into(),
        "softwareOathAuthenticationMethod" => "OATH verification code".into(),
        "hardwareOathAuthenticationMethod" => "Hardware OATH token".into(),
        "phoneAuthenticationMethod" => match s(m, "phoneType") {
            Some("alternateMobile") => "Alternate mobile phone".into(),
            Some("office") => "Office phone".into(),
            _ => "Mobile phone".into(),
        },
        "emailAuthenticationMethod" => "Email".into(),
        "windowsHelloForBusinessAuthenticationMethod" => "Windows Hello for Business".into(),
        "temporaryAccessPassAuthenticationMethod" => "Temporary Access Pass".into(),
        "x509CertificateAuthenticationMethod" => "X.509 certificate".into(),
        "platformCredentialAuthenticationMethod" => "Platform credential".into(),
        other => other.trim_end_matches("AuthenticationMethod").to_string(),
    };
    let name = any(m, &["displayName", "phoneNumber", "emailAddress", "model"]);
    Some(factor(P, &kind, None, s(m, "id"), name, time(m, "createdDateTime")))
}

/// `…/$metadata#users('8d3b…')/authentication/methods` → `8d3b…`.
fn user_in_context(context: &str) -> Option<String> {
    let rest = context.split("users('").nth(1)?;
    let id = rest.split("')").next()?.trim();
    (!id.is_empty()).then(|| id.to_string())
}
