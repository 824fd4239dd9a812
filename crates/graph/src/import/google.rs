//! Google Workspace Directory API: users (`admin#directory#users`), roles
//! (`admin#directory#roles`) and role assignments (`admin#directory#roleAssignments`), each
//! alone or in a bundle with the customer id (docs/graph-import.md). A users list is also a
//! factor snapshot: `isEnrolledIn2Sv` says whether 2-Step Verification is bound (the
//! Directory API does not say which methods).

use super::builtin;
use super::field::{b, s};
use super::snapshot::{Ctx, factor};
use crate::graph::{EdgeKind, Graph, NodeKind};
use model::Provider;
use serde_json::Value;

const P: Provider = Provider::Google;
/// The built-in super admin role's name in the Directory API.
const SUPER_ADMIN: &str = "_SEED_ADMIN_ROLE";

fn kind(doc: &Value) -> Option<&str> {
    s(doc, "kind").filter(|k| k.starts_with("admin#directory#"))
}

pub fn matches(doc: &Value) -> bool {
    if matches!(kind(doc), Some("admin#directory#users" | "admin#directory#roles" | "admin#directory#roleAssignments"))
    {
        return true;
    }
    s(doc, "customerId").is_some() && ["users", "roles", "roleAssignments"].iter().any(|k| doc.get(*k).is_some())
}

pub fn import(graph: &mut Graph, doc: &Value, ctx: &Ctx<'_>) -> Result<(), String> {
    let tenant = s(doc, "customerId").unwrap_or(P.as_str()).to_string();
    let mut g = Google { graph, tenant, time: ctx.time };
    match kind(doc) {
        Some("admin#directory#users") => g.users(lines(doc, "users")?),
        Some("admin#directory#roles") => g.roles(lines(doc, "items")?),
        Some("admin#directory#roleAssignments") => g.assignments(lines(doc, "items")?),
        _ => {
            g.roles(part(doc, "roles", "items")?);
            g.users(part(doc, "users", "users")?);
            g.assignments(part(doc, "roleAssignments", "items")?);
        }
    }
    Ok(())
}

fn lines<'a>(doc: &'a Value, key: &str) -> Result<&'a [Value], String> {
    super::field::list(doc, key)
}

/// A bundle part: a plain array, or the API's list document holding it under `inner`.
fn part<'a>(doc: &'a Value, key: &str, inner: &str) -> Result<&'a [Value], String> {
    match doc.get(key) {
        Some(Value::Object(_)) => doc.get(key).map_or(Ok(&[][..]), |d| lines(d, inner)),
        _ => lines(doc, key),
    }
}

struct Google<'g> {
    graph: &'g mut Graph,
    tenant: String,
    /// The snapshot's time, for the 2-Step Verification state.
    time: chrono::DateTime<chrono::Utc>,
}

/// The factor-snapshot name of a users list.
const USERS: &str = "google directory users";

impl Google<'_> {
    fn users(&mut self, users: &[Value]) {
        // `isAdmin` means super admin: the super admin role already imported from a roles
        // list, else the built-in role by its API name.
        let known = self
            .graph
            .nodes()
            .find(|(_, n)| {
                n.provider == P
                    && n.tenant == self.tenant.as_str()
                    && n.kind == NodeKind::Role
                    && n.name == "Super Admin"
            })
            .map(|(id, _)| id);
        for u in users {
            let Some(id) = s(u, "id") else { continue };
            let name = s(u, "primaryEmail").unwrap_or(id);
            let user = builtin::identity(self.graph, P, &self.tenant, NodeKind::Human, id, name);
            if let Some(n) = self.graph.node_mut(user) {
                n.disabled |= b(u, "suspended") == Some(true) || b(u, "archived") == Some(true);
                // Without 2-Step Verification no phishing-resistant factor can be bound.
                if b(u, "isEnrolledIn2Sv") == Some(false) {
                    n.phishing_resistant = Some(false);
                }
            }
            match b(u, "isEnrolledIn2Sv") {
                Some(true) => {
                    let two_sv = factor(P, "2-Step Verification", None, None, None, None);
                    self.graph.list_factors(user, USERS, self.time, vec![two_sv]);
                }
                Some(false) => self.graph.list_factors(user, USERS, self.time, Vec::new()),
                None => {}
            }
            if b(u, "isAdmin") == Some(true) {
                let role = match known {
                    Some(role) => role,
                    None => builtin::role(self.graph, P, &self.tenant, SUPER_ADMIN, "Super Admin", SUPER_ADMIN),
                };
                self.graph.link(user, role, EdgeKind::HasRole, None);
            }
        }
    }

    fn roles(&mut self, roles: &[Value]) {
        for r in roles {
            let Some(id) = any_id(r, "roleId") else { continue };
            let name = s(r, "roleName").unwrap_or(&id).to_string();
            let builtin_name = if b(r, "isSuperAdminRole") == Some(true) { SUPER_ADMIN } else { name.as_str() };
            // System roles have API names (`_HELP_DESK_ADMIN_ROLE`); show their description.
            let shown = match (builtin_name == SUPER_ADMIN, s(r, "roleDescription")) {
                (true, _) => "Super Admin",
                (false, Some(d)) if name.starts_with('_') => d,
                _ => name.as_str(),
            };
            builtin::role(self.graph, P, &self.tenant, &id, shown, builtin_name);
        }
    }

    fn assignments(&mut self, assignments: &[Value]) {
        for a in assignments {
            let (Some(role_id), Some(to)) = (any_id(a, "roleId"), s(a, "assignedTo")) else { continue };
            let holder_kind = if s(a, "assigneeType") == Some("group") { NodeKind::Group } else { NodeKind::Human };
            let holder = self.graph.ensure(P, &self.tenant, holder_kind, to, to);
            let role = if s(a, "scopeType") == Some("ORG_UNIT") {
                // Over one organizational unit: the role's tier, not the whole customer.
                let key = crate::graph::node_key(P, &self.tenant, NodeKind::Role, &role_id);
                let base = self.graph.find(&key).and_then(|r| self.graph.node(r));
                let name = base.map_or_else(|| role_id.clone(), |r| r.name.to_string());
                let tier = base.and_then(|r| r.role_tier);
                let unit = s(a, "orgUnitId").unwrap_or("?");
                let id = format!("{role_id}@{unit}");
                let scoped =
                    self.graph.ensure(P, &self.tenant, NodeKind::Role, &id, &format!("{name} (org unit {unit})"));
                if let Some(n) = self.graph.node_mut(scoped) {
                    n.role_tier = tier.or(n.role_tier);
                }
                scoped
            } else {
                self.graph.ensure(P, &self.tenant, NodeKind::Role, &role_id, &role_id)
            };
            self.graph.link(holder, role, EdgeKind::HasRole, None);
        }
    }
}

/// Role ids are int64 and arrive as strings or numbers.
fn any_id(v: &Value, key: &str) -> Option<String> {
    match v.get(key)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}
