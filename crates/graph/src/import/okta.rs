//! Okta API JSON: `/api/v1/users`, `/api/v1/groups` and `/api/v1/api-tokens` lists, and a
//! bundle that adds admin role assignments per user and per group (a role list carries no
//! user id) (docs/graph-import.md), and each user's enrolled factors as `factors`, a map from
//! user id to that user's `/api/v1/users/{id}/factors` list.

use super::builtin;
use super::field::{any, items, list, s, sp, time};
use super::snapshot::Ctx;
use crate::graph::{EdgeKind, Graph, NodeId, NodeKind};
use model::Provider;
use serde_json::Value;

const P: Provider = Provider::Okta;

fn is_user(v: &Value) -> bool {
    s(v, "id").is_some() && sp(v, &["profile", "login"]).is_some() && s(v, "status").is_some()
}

fn is_group(v: &Value) -> bool {
    s(v, "id").is_some()
        && sp(v, &["profile", "name"]).is_some()
        && s(v, "type").is_some_and(|t| matches!(t, "OKTA_GROUP" | "APP_GROUP" | "BUILT_IN"))
}

fn is_token(v: &Value) -> bool {
    s(v, "id").is_some()
        && s(v, "userId").is_some()
        && (v.get("tokenWindow").is_some() || v.get("clientName").is_some())
}

pub fn matches(doc: &Value) -> bool {
    match doc {
        Value::Array(list) => list.first().is_some_and(|f| is_user(f) || is_group(f) || is_token(f)),
        Value::Object(map) => {
            map.get("roles").is_some_and(|r| r.is_object() && r.get("kind").is_none() && r.get("items").is_none())
                || map.contains_key("api_tokens")
                || map.contains_key("group_roles")
                || map.get("factors").is_some_and(Value::is_object)
                || items(doc, "users").first().is_some_and(is_user)
        }
        _ => false,
    }
}

pub fn import(graph: &mut Graph, doc: &Value, ctx: &Ctx<'_>) -> Result<(), String> {
    let tenant = s(doc, "tenant").unwrap_or(P.as_str()).to_string();
    let mut okta = Okta { graph, tenant };
    if let Value::Array(list) = doc {
        for v in list {
            if is_user(v) {
                okta.user(v);
            } else if is_group(v) {
                okta.group(v);
            } else if is_token(v) {
                okta.token(v);
            }
        }
        return Ok(());
    }
    for u in list(doc, "users")? {
        okta.user(u);
    }
    for g in list(doc, "groups")? {
        okta.group(g);
    }
    for (group, members) in object(doc, "group_members")? {
        let group = okta.graph.ensure(P, &okta.tenant, NodeKind::Group, group, group);
        for m in members.as_array().map(Vec::as_slice).unwrap_or(&[]) {
            if let Some(user) = okta.user_ref(m) {
                okta.graph.link(user, group, EdgeKind::MemberOf, None);
            }
        }
    }
    for (user, roles) in object(doc, "roles")? {
        let holder = okta.graph.ensure(P, &okta.tenant, NodeKind::Human, user, user);
        okta.roles(holder, roles);
    }
    for (group, roles) in object(doc, "group_roles")? {
        let holder = okta.graph.ensure(P, &okta.tenant, NodeKind::Group, group, group);
        okta.roles(holder, roles);
    }
    for t in list(doc, "api_tokens")? {
        okta.token(t);
    }
    for (user, factors) in object(doc, "factors")? {
        let holder = okta.graph.ensure(P, &okta.tenant, NodeKind::Human, user, user);
        let factors = factors.as_array().map(Vec::as_slice).unwrap_or(&[]);
        super::okta_factors::list(okta.graph, ctx, holder, factors);
    }
    Ok(())
}

/// A map from ids to lists; absent is empty, any other type an error.
fn object<'a>(doc: &'a Value, key: &str) -> Result<Vec<(&'a str, &'a Value)>, String> {
    match doc.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Object(map)) => Ok(map.iter().map(|(k, v)| (k.as_str(), v)).collect()),
        Some(_) => Err(format!("`{key}` is not an object of id → list")),
    }
}

struct Okta<'g> {
    graph: &'g mut Graph,
    tenant: String,
}

impl Okta<'_> {
    fn user(&mut self, u: &Value) -> Option<NodeId> {
        let id = s(u, "id")?;
        let name = sp(u, &["profile", "login"]).or_else(|| sp(u, &["profile", "email"])).unwrap_or(id);
        let node = builtin::identity(self.graph, P, &self.tenant, NodeKind::Human, id, name);
        // Okta statuses: STAGED, PROVISIONED, ACTIVE, RECOVERY, PASSWORD_EXPIRED, LOCKED_OUT,
        // SUSPENDED, DEPROVISIONED.
        if matches!(s(u, "status"), Some("SUSPENDED" | "DEPROVISIONED"))
            && let Some(n) = self.graph.node_mut(node)
        {
            n.disabled = true;
        }
        Some(node)
    }

    /// A user named by id or by a user object.
    fn user_ref(&mut self, m: &Value) -> Option<NodeId> {
        match m {
            Value::String(id) if !id.trim().is_empty() => {
                Some(self.graph.ensure(P, &self.tenant, NodeKind::Human, id.trim(), id.trim()))
            }
            Value::Object(_) => self.user(m),
            _ => None,
        }
    }

    fn group(&mut self, g: &Value) -> Option<NodeId> {
        let id = s(g, "id")?;
        let name = sp(g, &["profile", "name"]).unwrap_or(id);
        Some(self.graph.ensure(P, &self.tenant, NodeKind::Group, id, name))
    }

    /// Role assignments (`/api/v1/users/{id}/roles` items) held by a user or group.
    fn roles(&mut self, holder: NodeId, roles: &Value) {
        for r in roles.as_array().map(Vec::as_slice).unwrap_or(&[]) {
            let Some(kind) = any(r, &["type", "role"]) else { continue };
            if matches!(s(r, "status"), Some("INACTIVE")) {
                continue;
            }
            let name = s(r, "label").unwrap_or(kind);
            // Custom roles share the type CUSTOM; tell them apart by their role id.
            let id = if kind == "CUSTOM" { any(r, &["role", "id"]).unwrap_or(kind) } else { kind };
            let role = builtin::role(self.graph, P, &self.tenant, id, name, kind);
            self.graph.link(holder, role, EdgeKind::HasRole, None);
        }
    }

    /// An API token: an NHI that acts as the user who created it, owned by that user, with
    /// its token as a secret.
    fn token(&mut self, t: &Value) -> Option<NodeId> {
        let (id, user) = (s(t, "id")?, s(t, "userId")?);
        let name = format!("API token {}", s(t, "name").unwrap_or(id));
        let owner = self.graph.ensure(P, &self.tenant, NodeKind::Human, user, user);
        let token = builtin::identity(self.graph, P, &self.tenant, NodeKind::Nhi, id, &name);
        self.graph.link(owner, token, EdgeKind::Owns, None);
        self.graph.link(token, owner, EdgeKind::CanAssume, None);
        let secret_id = format!("{id}:token");
        builtin::secret(
            self.graph,
            P,
            &self.tenant,
            token,
            &secret_id,
            &format!("{name} secret"),
            time(t, "created"),
            time(t, "expiresAt"),
        );
        Some(token)
    }
}
