//! Duo Admin API `GET /admin/v1/users` (docs/graph-import.md "Factor snapshots"): each user
//! with its `phones`, hardware `tokens`, `webauthncredentials` and `u2ftokens`, as the API's
//! `{"stat": "OK", "response": [...]}` or the bare list. `GET /admin/v1/admins` in the same
//! envelope gives the administrators and their roles (Owner and Administrator are tier 0,
//! User Manager and Help Desk too: they manage other users' devices).

use super::builtin;
use super::field::{any, b, items, s};
use super::snapshot::{Ctx, any_time, factor};
use crate::factors::ListedFactor;
use crate::graph::{EdgeKind, Graph, NodeKind};
use model::Provider;
use serde_json::Value;

pub const NAME: &str = "duo admin users";
const P: Provider = Provider::Duo;

fn is_user(v: &Value) -> bool {
    s(v, "user_id").is_some()
        && s(v, "username").is_some()
        && ["phones", "tokens", "webauthncredentials", "u2ftokens", "is_enrolled"].iter().any(|k| v.get(*k).is_some())
}

fn is_admin(v: &Value) -> bool {
    s(v, "admin_id").is_some() && s(v, "role").is_some()
}

fn entries(doc: &Value) -> &[Value] {
    match doc {
        Value::Array(list) => list,
        _ => items(doc, "response"),
    }
}

pub fn matches(doc: &Value) -> bool {
    entries(doc).first().is_some_and(|v| is_user(v) || is_admin(v))
}

pub fn import(graph: &mut Graph, doc: &Value, ctx: &Ctx<'_>) -> Result<(), String> {
    let tenant = any(doc, &["tenant", "host"]).unwrap_or(P.as_str()).to_string();
    for v in entries(doc) {
        if is_user(v) {
            user(graph, ctx, &tenant, v);
        } else if is_admin(v) {
            admin(graph, &tenant, v);
        }
    }
    Ok(())
}

fn user(graph: &mut Graph, ctx: &Ctx<'_>, tenant: &str, u: &Value) {
    let (Some(id), Some(name)) = (s(u, "user_id"), s(u, "username")) else { return };
    let node = builtin::identity(graph, P, tenant, NodeKind::Human, id, name);
    if matches!(s(u, "status"), Some("disabled"))
        && let Some(n) = graph.node_mut(node)
    {
        n.disabled = true;
    }
    let mut listed: Vec<ListedFactor> = Vec::new();
    for p in items(u, "phones") {
        let Some(number) = s(p, "number") else { continue };
        // Duo Mobile activated with push: an app factor; otherwise calls and SMS at best.
        let push = b(p, "activated") == Some(true)
            && items(p, "capabilities").iter().any(|c| c.as_str().is_some_and(|c| c.eq_ignore_ascii_case("push")));
        let class_text = if push { "duo_push" } else { "phone" };
        // The admin log names a phone by its number's digits.
        let digits: String = number
            .chars()
            .enumerate()
            .filter(|(i, c)| c.is_ascii_digit() || (*i == 0 && *c == '+'))
            .map(|(_, c)| c)
            .collect();
        listed.push(factor(P, "phone", Some(class_text), Some(&digits), Some(number), None));
    }
    for t in items(u, "tokens") {
        let Some(serial) = s(t, "serial") else { continue };
        listed.push(factor(P, "hardware_token", None, Some(serial), s(t, "type"), None));
    }
    for w in items(u, "webauthncredentials") {
        let id = any(w, &["webauthnkey", "credential_name"]);
        let name = any(w, &["label", "credential_name"]);
        listed.push(factor(P, "webauthn", None, id, name, any_time(w, "date_added")));
    }
    for t in items(u, "u2ftokens") {
        listed.push(factor(P, "u2f", None, s(t, "registration_id"), None, any_time(t, "date_added")));
    }
    graph.list_factors(node, NAME, ctx.time, listed);
}

/// An administrator of the Duo account, with its role.
fn admin(graph: &mut Graph, tenant: &str, a: &Value) {
    let (Some(id), Some(role)) = (s(a, "admin_id"), s(a, "role")) else { return };
    let name = any(a, &["email", "name"]).unwrap_or(id);
    let node = builtin::identity(graph, P, tenant, NodeKind::Human, id, name);
    let role = builtin::role(graph, P, tenant, role, role, role);
    graph.link(node, role, EdgeKind::HasRole, None);
}
