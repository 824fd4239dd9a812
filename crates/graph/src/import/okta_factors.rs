//! Okta `GET /api/v1/users/{id}/factors`: a user's enrolled factors (docs/graph-import.md
//! "Factor snapshots"). The list does not name its user in the body; the user comes from a
//! wrapper `{"user": …, "factors": […]}`, else from the factors' own `_links` (their `href`s
//! are under `/api/v1/users/{id}/`), else from the file name (`00u1alice.factors.json`).
//! A wrapper may carry the user's admin role assignments as `roles`, as the Okta bundle does.

use super::field::{any, s, sp};
use super::snapshot::{Ctx, factor};
use crate::factors::ListedFactor;
use crate::graph::{Graph, NodeId, NodeKind};
use model::Provider;
use serde_json::Value;

pub const NAME: &str = "okta factors";
const P: Provider = Provider::Okta;

fn is_factor(v: &Value) -> bool {
    s(v, "id").is_some() && s(v, "factorType").is_some()
}

fn is_wrapper(v: &Value) -> bool {
    v.get("user").is_some() && v.get("factors").and_then(Value::as_array).is_some_and(|f| f.iter().all(is_factor))
}

pub fn matches(doc: &Value) -> bool {
    match doc {
        Value::Array(items) => items.first().is_some_and(|f| is_factor(f) || is_wrapper(f)),
        Value::Object(_) => is_wrapper(doc),
        _ => false,
    }
}

pub fn import(graph: &mut Graph, doc: &Value, ctx: &Ctx<'_>) -> Result<(), String> {
    let tenant = s(doc, "tenant").unwrap_or(P.as_str()).to_string();
    match doc {
        Value::Array(items) if items.first().is_some_and(is_factor) => {
            let user = items
                .iter()
                .find_map(user_in_links)
                .or_else(|| ctx.user_from_file_name())
                .ok_or("the factor list names no user: wrap it as {\"user\": ID, \"factors\": [...]} or name the file after the user (ID.factors.json)")?;
            let node = match graph.find_identity(Some(P), Some(&tenant), &user) {
                Some(node) => node,
                None => graph.ensure(P, &tenant, NodeKind::Human, &user, &user),
            };
            list(graph, ctx, node, items);
        }
        Value::Array(items) => {
            for w in items {
                wrapper(graph, ctx, &tenant, w)?;
            }
        }
        _ => wrapper(graph, ctx, &tenant, doc)?,
    }
    Ok(())
}

/// `{"user": ID or a /api/v1/users object, "factors": [...], "roles": [...]}`.
fn wrapper(graph: &mut Graph, ctx: &Ctx<'_>, tenant: &str, w: &Value) -> Result<(), String> {
    let tenant = s(w, "tenant").unwrap_or(tenant);
    let user = w.get("user").unwrap_or(&Value::Null);
    let (id, name) = match user {
        Value::String(id) if !id.trim().is_empty() => (id.trim(), id.trim()),
        Value::Object(_) => {
            let id = s(user, "id").ok_or("a wrapper's `user` object has no `id`")?;
            (id, sp(user, &["profile", "login"]).unwrap_or(id))
        }
        _ => return Err("a wrapper's `user` must be a user id or a user object".to_string()),
    };
    // The user as already imported (from a users list of another tenant name), else new.
    let node = match graph.find_identity(Some(P), Some(tenant), id) {
        Some(node) => node,
        None => super::builtin::identity(graph, P, tenant, NodeKind::Human, id, name),
    };
    let tenant = graph.node(node).map_or(tenant.to_string(), |n| n.tenant.to_string());
    let factors = super::field::items(w, "factors");
    list(graph, ctx, node, factors);
    if let Some(roles) = w.get("roles") {
        let id = graph.node(node).map_or(id.to_string(), |n| n.id.to_string());
        let doc = serde_json::json!({ "tenant": tenant, "roles": { id: roles } });
        super::okta::import(graph, &doc, ctx)?;
    }
    Ok(())
}

/// Lists a user's factors; only active ones are bound (pending activation, not set up,
/// inactive and expired ones cannot be used).
pub(super) fn list(graph: &mut Graph, ctx: &Ctx<'_>, user: NodeId, factors: &[Value]) {
    let listed: Vec<ListedFactor> = factors
        .iter()
        .filter(|f| s(f, "status").is_none_or(|st| st.eq_ignore_ascii_case("ACTIVE")))
        .filter_map(one)
        .collect();
    graph.list_factors(user, NAME, ctx.time, listed);
}

fn one(f: &Value) -> Option<ListedFactor> {
    let ty = s(f, "factorType")?;
    let provider = s(f, "provider").unwrap_or("OKTA");
    // The names the System Log gives these factors (`debugData.factor`), so events match.
    let (kind, class_text) = match ty.to_ascii_lowercase().as_str() {
        "push" => ("OKTA_VERIFY_PUSH", None),
        "token:software:totp" if provider.eq_ignore_ascii_case("OKTA") => ("OKTA_SOFT_TOKEN", None),
        "token:software:totp" if provider.eq_ignore_ascii_case("GOOGLE") => ("GOOGLE_OTP", Some(ty)),
        "sms" => ("SMS_FACTOR", None),
        "call" => ("CALL_FACTOR", Some("call")),
        "email" => ("EMAIL_FACTOR", None),
        "question" => ("SECURITY_QUESTION", None),
        "webauthn" => ("FIDO_WEBAUTHN", None),
        "signed_nonce" => ("SIGNED_NONCE", None),
        _ => (ty, None),
    };
    let profile = f.get("profile").unwrap_or(&Value::Null);
    let name = any(profile, &["phoneNumber", "email", "authenticatorName", "name", "credentialId", "questionText"]);
    Some(factor(P, kind, class_text, s(f, "id"), name, super::field::time(f, "created")))
}

/// The user id in a factor's `_links` (`…/api/v1/users/{id}/factors/{factorId}`).
fn user_in_links(f: &Value) -> Option<String> {
    let links = f.get("_links")?.as_object()?;
    links.values().find_map(|l| {
        let href = l.get("href")?.as_str()?;
        let rest = href.split("/api/v1/users/").nth(1)?;
        let id = rest.split(['/', '?']).next()?.trim();
        (!id.is_empty()).then(|| id.to_string())
    })
}
