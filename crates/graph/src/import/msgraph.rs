//! Microsoft Graph JSON exports: a single `value[]` page of users, groups, directory role
//! assignments or definitions, directory roles with members, applications or service
//! principals; or a bundle of several (docs/graph-import.md).

use super::builtin;
use super::field::{any, b, items, list, s, time};
use crate::graph::{EdgeKind, Graph, NodeId, NodeKind};
use model::Provider;
use serde_json::Value;
use std::collections::HashMap;

const P: Provider = Provider::Entra;

/// Built-in Entra role template ids (learn.microsoft.com "Microsoft Entra built-in roles").
/// A built-in role's definition id is its template id.
pub(super) const ROLE_TEMPLATES: &[(&str, &str)] = &[
    ("62e90394-69f5-4237-9190-012177145e10", "Global Administrator"),
    ("9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3", "Application Administrator"),
    ("158c047a-c907-4556-b7ef-446551a6b5f7", "Cloud Application Administrator"),
    ("729827e3-9c14-49f7-bb1b-9608f156bbb8", "Helpdesk Administrator"),
    ("966707d0-3269-4727-9be2-8c3a10f19b9d", "Password Administrator"),
    ("7be44c8a-adaf-4e2a-84d6-ab2649e08a13", "Privileged Authentication Administrator"),
    ("c4e39bd9-1100-46d3-8c65-fb160da0071f", "Authentication Administrator"),
    ("fe930be7-5e62-47db-91af-98c3a49a38b1", "User Administrator"),
    ("e8611ab8-c189-46e8-94e1-60213ab1f814", "Privileged Role Administrator"),
    ("cf1c38e5-3621-4004-a7cb-879624dced7c", "Application Developer"),
    ("f2ef992c-3afb-46b9-b7cf-a126ee74c451", "Global Reader"),
    ("88d8e3e3-8f55-4a1e-953a-9b9898b8876b", "Directory Readers"),
];

pub(super) fn template_name(id: &str) -> Option<&'static str> {
    ROLE_TEMPLATES.iter().find(|(t, _)| t.eq_ignore_ascii_case(id)).map(|(_, name)| *name)
}

/// The kinds of object a Graph page or bundle list holds.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Users,
    Groups,
    RoleDefinitions,
    RoleAssignments,
    DirectoryRoles,
    Applications,
    ServicePrincipals,
}

/// Bundle keys, in the order they are imported (objects before the edges that name them).
const BUNDLE: &[(&str, Kind)] = &[
    ("users", Kind::Users),
    ("groups", Kind::Groups),
    ("servicePrincipals", Kind::ServicePrincipals),
    ("applications", Kind::Applications),
    ("roleDefinitions", Kind::RoleDefinitions),
    ("roleAssignments", Kind::RoleAssignments),
    ("directoryRoles", Kind::DirectoryRoles),
];

fn kind_of_context(context: &str) -> Option<Kind> {
    // `...$metadata#roleManagement/directory/roleAssignments(roleDefinition())`, `...#users/$entity`
    let tail = context.rsplit('#').next().unwrap_or(context);
    let tail = tail.split('(').next().unwrap_or(tail);
    let last = tail.rsplit('/').find(|p| !p.is_empty() && *p != "$entity").unwrap_or("");
    Some(match last {
        "users" => Kind::Users,
        "groups" => Kind::Groups,
        "roleDefinitions" => Kind::RoleDefinitions,
        "roleAssignments" => Kind::RoleAssignments,
        "directoryRoles" => Kind::DirectoryRoles,
        "applications" => Kind::Applications,
        "servicePrincipals" => Kind::ServicePrincipals,
        _ => return None,
    })
}

fn kind_of_item(item: &Value) -> Option<Kind> {
    if let Some(t) = s(item, "@odata.type") {
        return Some(match t.trim_start_matches("#microsoft.graph.") {
            "user" => Kind::Users,
            "group" => Kind::Groups,
            "unifiedRoleDefinition" => Kind::RoleDefinitions,
            "unifiedRoleAssignment" => Kind::RoleAssignments,
            "directoryRole" => Kind::DirectoryRoles,
            "application" => Kind::Applications,
            "servicePrincipal" => Kind::ServicePrincipals,
            _ => return None,
        });
    }
    if s(item, "userPrincipalName").is_some() {
        Some(Kind::Users)
    } else if s(item, "roleDefinitionId").is_some() && s(item, "principalId").is_some() {
        Some(Kind::RoleAssignments)
    } else if s(item, "roleTemplateId").is_some() {
        Some(Kind::DirectoryRoles)
    } else if item.get("rolePermissions").is_some() && item.get("isBuiltIn").is_some() {
        Some(Kind::RoleDefinitions)
    } else if s(item, "servicePrincipalType").is_some() {
        Some(Kind::ServicePrincipals)
    } else if s(item, "appId").is_some() && s(item, "signInAudience").is_some() {
        Some(Kind::Applications)
    } else if item.get("securityEnabled").is_some() && item.get("mailEnabled").is_some() {
        Some(Kind::Groups)
    } else {
        None
    }
}

fn page_kind(doc: &Value) -> Option<Kind> {
    s(doc, "@odata.context")
        .and_then(kind_of_context)
        .or_else(|| doc.get("value").and_then(Value::as_array).and_then(|v| v.first()).and_then(kind_of_item))
}

pub fn matches(doc: &Value) -> bool {
    let Some(map) = doc.as_object() else { return false };
    if map.get("value").is_some_and(Value::is_array) {
        return page_kind(doc).is_some();
    }
    // A bundle: at least one Graph key besides `users`, or users with a UPN.
    let graph_keys = BUNDLE.iter().filter(|(k, _)| *k != "users" && *k != "groups").any(|(k, kind)| {
        map.get(*k).and_then(Value::as_array).is_some_and(|l| {
            l.first().is_none_or(|f| kind_of_item(f).is_none_or(|k| k == *kind) && s(f, "assignedTo").is_none())
        })
    });
    let upn_users = map
        .get("users")
        .and_then(Value::as_array)
        .and_then(|u| u.first())
        .is_some_and(|u| s(u, "userPrincipalName").is_some());
    graph_keys || upn_users
}

pub fn import(graph: &mut Graph, doc: &Value) -> Result<(), String> {
    let tenant = s(doc, "tenantId").unwrap_or(P.as_str()).to_ascii_lowercase();
    let mut entra = Entra::new(graph, &tenant);
    if doc.get("value").is_some() {
        let kind = page_kind(doc).ok_or("the page's `@odata.context` and first item name no known kind")?;
        let page = list(doc, "value")?;
        // A role assignment page names its roles by id; built-in ids resolve by template.
        entra.add(kind, page);
        return Ok(());
    }
    for (key, kind) in BUNDLE {
        let objects = list(doc, key)?;
        if *kind == Kind::RoleDefinitions {
            entra.definitions(objects);
        } else {
            entra.add(*kind, objects);
        }
    }
    Ok(())
}

/// Builds Entra nodes into the graph, remembering role definitions and app ids as it goes.
pub(super) struct Entra<'g> {
    pub(super) graph: &'g mut Graph,
    pub(super) tenant: String,
    /// Role definition id → (display name, template id).
    definitions: HashMap<String, (String, String)>,
    /// Application `appId` → the application's node, for linking its service principal.
    apps: HashMap<String, NodeId>,
    /// Service principal `appId` → the SP's node.
    sps: HashMap<String, NodeId>,
}

impl<'g> Entra<'g> {
    pub(super) fn new(graph: &'g mut Graph, tenant: &str) -> Entra<'g> {
        Entra {
            graph,
            tenant: tenant.to_string(),
            definitions: HashMap::new(),
            apps: HashMap::new(),
            sps: HashMap::new(),
        }
    }

    fn add(&mut self, kind: Kind, objects: &[Value]) {
        for o in objects {
            match kind {
                Kind::Users => {
                    self.user(o);
                }
                Kind::Groups => {
                    self.group(o);
                }
                Kind::RoleDefinitions => self.definitions(std::slice::from_ref(o)),
                Kind::RoleAssignments => self.assignment(o),
                Kind::DirectoryRoles => self.directory_role(o),
                Kind::Applications => {
                    self.application(o);
                }
                Kind::ServicePrincipals => {
                    self.service_principal(o);
                }
            }
        }
    }

    pub(super) fn user(&mut self, u: &Value) -> Option<NodeId> {
        let id = s(u, "id")?;
        let name = any(u, &["userPrincipalName", "mail", "displayName"]).unwrap_or(id);
        let node = builtin::identity(self.graph, P, &self.tenant, NodeKind::Human, id, name);
        if b(u, "accountEnabled") == Some(false)
            && let Some(n) = self.graph.node_mut(node)
        {
            n.disabled = true;
        }
        Some(node)
    }

    /// A group, with its expanded `members` if present.
    pub(super) fn group(&mut self, g: &Value) -> Option<NodeId> {
        let id = s(g, "id")?;
        let group = self.graph.ensure(P, &self.tenant, NodeKind::Group, id, any(g, &["displayName"]).unwrap_or(id));
        for m in items(g, "members") {
            if let Some(member) = self.principal(m, None) {
                self.graph.link(member, group, EdgeKind::MemberOf, None);
            }
        }
        Some(group)
    }

    /// A directory object referenced by an assignment, owner list or member list: its kind
    /// from `@odata.type`, from `hint`, or from what the graph already holds.
    pub(super) fn principal(&mut self, o: &Value, hint: Option<&str>) -> Option<NodeId> {
        let id = s(o, "id")?;
        let t = s(o, "@odata.type").or(hint).unwrap_or("").trim_start_matches("#microsoft.graph.").to_ascii_lowercase();
        match t.as_str() {
            "user" => self.user(o),
            "group" => self.group(o),
            "serviceprincipal" => self.service_principal(o),
            "application" => self.application(o),
            _ => Some(self.reference(id)),
        }
    }

    /// A principal known only by id: an existing group or identity, or a new person.
    pub(super) fn reference(&mut self, id: &str) -> NodeId {
        let group = crate::graph::node_key(P, &self.tenant, NodeKind::Group, id);
        if let Some(g) = self.graph.find(&group) {
            return g;
        }
        self.graph.ensure(P, &self.tenant, NodeKind::Human, id, id)
    }

    fn definitions(&mut self, defs: &[Value]) {
        for d in defs {
            let Some(id) = s(d, "id") else { continue };
            let name = s(d, "displayName").unwrap_or(id).to_string();
            let template = s(d, "templateId").unwrap_or(id).to_string();
            self.definitions.insert(id.to_ascii_lowercase(), (name, template));
        }
    }

    /// Remembers a role definition learned elsewhere (an AzureHound `AZRole`).
    pub(super) fn definition(&mut self, d: &Value) {
        self.definitions(std::slice::from_ref(d));
    }

    /// The role node for a definition id: named by the expanded definition, a known
    /// definition, or the built-in template table; scoped below the tenant when
    /// `directoryScopeId` is not `/`.
    fn role_for(&mut self, definition_id: &str, expanded: Option<&Value>, scope: &str) -> NodeId {
        let known = self.definitions.get(&definition_id.to_ascii_lowercase()).cloned();
        let template = expanded
            .and_then(|d| s(d, "templateId"))
            .map(str::to_string)
            .or_else(|| known.as_ref().map(|(_, t)| t.clone()))
            .unwrap_or_else(|| definition_id.to_string())
            .to_ascii_lowercase();
        let name = expanded
            .and_then(|d| s(d, "displayName"))
            .map(str::to_string)
            .or_else(|| known.map(|(n, _)| n))
            .or_else(|| template_name(&template).map(str::to_string))
            .unwrap_or_else(|| definition_id.to_string());
        let whole_tenant = scope.is_empty() || scope == "/";
        if whole_tenant {
            return builtin::role(self.graph, P, &self.tenant, &template, &name, &name);
        }
        // A role over one object or administrative unit: its tier, no tenant-wide reach. Over
        // one app or service principal, an application role controls that NHI's credentials.
        let scoped = builtin::scoped_role(
            self.graph,
            P,
            &self.tenant,
            &format!("{template}@{scope}"),
            &format!("{name} ({scope})"),
            &name,
        );
        let target = scope.trim_start_matches('/');
        let app_role = crate::tiers::role_powers(P, &name).iter().any(|(k, _)| *k == EdgeKind::CanAddCredentials);
        if app_role && !target.contains('/') {
            let key = crate::graph::node_key(P, &self.tenant, NodeKind::App, target);
            let ident = crate::graph::node_key(P, &self.tenant, NodeKind::Nhi, target);
            if let Some(nhi) = self.graph.find(&key).or_else(|| self.graph.find(&ident)) {
                self.graph.link(scoped, nhi, EdgeKind::CanAddCredentials, None);
            }
        }
        scoped
    }

    pub(super) fn assignment(&mut self, a: &Value) {
        let (Some(definition), Some(principal)) = (s(a, "roleDefinitionId"), s(a, "principalId")) else { return };
        let scope = s(a, "directoryScopeId").unwrap_or("/");
        let role = self.role_for(definition, a.get("roleDefinition"), scope);
        let holder = match a.get("principal") {
            Some(p) if s(p, "id").is_some() => self.principal(p, None),
            _ => Some(self.reference(principal)),
        };
        if let Some(holder) = holder {
            self.graph.link(holder, role, EdgeKind::HasRole, None);
        }
    }

    /// A `/directoryRoles` object with its expanded `members`.
    fn directory_role(&mut self, r: &Value) {
        let Some(template) = any(r, &["roleTemplateId", "id"]) else { return };
        let name = s(r, "displayName").or_else(|| template_name(template)).unwrap_or(template);
        let role = builtin::role(self.graph, P, &self.tenant, template, name, name);
        for m in items(r, "members") {
            if let Some(member) = self.principal(m, None) {
                self.graph.link(member, role, EdgeKind::HasRole, None);
            }
        }
    }

    fn credentials(&mut self, holder: NodeId, holder_name: &str, o: &Value) {
        for (key, what) in [("passwordCredentials", "client secret"), ("keyCredentials", "certificate")] {
            for c in items(o, key) {
                let Some(id) = s(c, "keyId") else { continue };
                let name = match s(c, "displayName") {
                    Some(n) => format!("{holder_name} {what} {n}"),
                    None => format!("{holder_name} {what}"),
                };
                builtin::secret(
                    self.graph,
                    P,
                    &self.tenant,
                    holder,
                    id,
                    &name,
                    time(c, "startDateTime"),
                    time(c, "endDateTime"),
                );
            }
        }
    }

    pub(super) fn owners(&mut self, owned: NodeId, owners: &[Value]) {
        for o in owners {
            // AzureHound wraps each owner as `{"owner": {...}}`.
            let o = o.get("owner").unwrap_or(o);
            if let Some(owner) = self.principal(o, None) {
                self.graph.link(owner, owned, EdgeKind::Owns, None);
            }
        }
    }

    pub(super) fn application(&mut self, a: &Value) -> Option<NodeId> {
        let id = s(a, "id")?;
        let name = any(a, &["displayName", "appId"]).unwrap_or(id).to_string();
        let app = self.graph.ensure(P, &self.tenant, NodeKind::App, id, &name);
        self.credentials(app, &name, a);
        self.owners(app, items(a, "owners"));
        if let Some(app_id) = s(a, "appId") {
            self.apps.insert(app_id.to_string(), app);
            if let Some(&sp) = self.sps.get(app_id) {
                self.graph.link(app, sp, EdgeKind::CanAssume, None);
            }
        }
        Some(app)
    }

    pub(super) fn service_principal(&mut self, p: &Value) -> Option<NodeId> {
        let id = s(p, "id")?;
        let name = any(p, &["displayName", "appDisplayName", "appId"]).unwrap_or(id).to_string();
        let sp = builtin::identity(self.graph, P, &self.tenant, NodeKind::Nhi, id, &name);
        if b(p, "accountEnabled") == Some(false)
            && let Some(n) = self.graph.node_mut(sp)
        {
            n.disabled = true;
        }
        self.credentials(sp, &name, p);
        self.owners(sp, items(p, "owners"));
        if let Some(app_id) = s(p, "appId") {
            self.sps.insert(app_id.to_string(), sp);
            // The application's credentials sign in as its service principal.
            if let Some(&app) = self.apps.get(app_id) {
                self.graph.link(app, sp, EdgeKind::CanAssume, None);
            }
        }
        Some(sp)
    }

    /// The application node by object id or `appId`.
    pub(super) fn app_by_any_id(&self, id: &str) -> Option<NodeId> {
        self.apps
            .get(id)
            .copied()
            .or_else(|| self.graph.find(&crate::graph::node_key(P, &self.tenant, NodeKind::App, id)))
    }

    /// The service principal node by object id.
    pub(super) fn sp_by_id(&self, id: &str) -> Option<NodeId> {
        self.graph.find(&crate::graph::node_key(P, &self.tenant, NodeKind::Nhi, id))
    }
}
