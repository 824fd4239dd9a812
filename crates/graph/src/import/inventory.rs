//! factorwatch's own inventory: identities, roles, groups, NHIs with owners and secrets, and
//! control edges a team declares by hand (JSON or YAML; `docs/inventory.md`,
//! `schemas/inventory.schema.json`). Recognised by its `factorwatch_inventory` marker.

use crate::graph::{EdgeKind, Graph, NodeId, NodeKind, Scope};
use crate::tiers::{role_powers, role_tier};
use chrono::{DateTime, Utc};
use model::Provider;
use serde_json::{Map, Value};
use std::collections::HashMap;

/// The marker key, and the one version this importer reads.
const MARKER: &str = "factorwatch_inventory";
const VERSION: u64 = 1;

pub fn matches(doc: &Value) -> bool {
    doc.get(MARKER).is_some()
}

/// Names declared so far, for resolving `members`, `owners` and edges.
#[derive(Default)]
struct Names {
    identities: HashMap<String, NodeId>,
    roles: HashMap<String, NodeId>,
    groups: HashMap<String, NodeId>,
}

pub fn import(graph: &mut Graph, doc: &Value) -> Result<(), String> {
    let root = doc.as_object().ok_or("the inventory must be an object")?;
    match root.get(MARKER).and_then(Value::as_u64) {
        Some(VERSION) => {}
        Some(other) => return Err(format!("`{MARKER}: {other}` is not supported (this version reads {VERSION})")),
        None => return Err(format!("`{MARKER}` must be the version number {VERSION}")),
    }
    let provider = provider_of(root, "the inventory")?.ok_or("`provider` is required at the top level")?;
    let tenant = str_field(root, "tenant", "the inventory")?.ok_or("`tenant` is required at the top level")?;
    let here = Place { provider, tenant };
    let mut names = Names::default();

    for (section, default_kind) in [("identities", NodeKind::Human), ("nhis", NodeKind::Nhi)] {
        for (i, entry) in list(root, section)?.iter().enumerate() {
            identity(graph, &mut names, &here, entry, default_kind).map_err(|e| format!("{section}[{i}]: {e}"))?;
        }
    }
    for (i, entry) in list(root, "roles")?.iter().enumerate() {
        role(graph, &mut names, &here, entry).map_err(|e| format!("roles[{i}]: {e}"))?;
    }
    for (i, entry) in list(root, "groups")?.iter().enumerate() {
        group(graph, &mut names, &here, entry).map_err(|e| format!("groups[{i}]: {e}"))?;
    }
    // Owners and members are resolved once every identity, role and group is declared.
    for section in ["identities", "nhis"] {
        for (i, entry) in list(root, section)?.iter().enumerate() {
            owners(graph, &names, entry).map_err(|e| format!("{section}[{i}]: {e}"))?;
        }
    }
    for (section, table) in [("roles", Holder::Role), ("groups", Holder::Group)] {
        for (i, entry) in list(root, section)?.iter().enumerate() {
            members(graph, &names, entry, table).map_err(|e| format!("{section}[{i}]: {e}"))?;
        }
    }
    for (i, entry) in list(root, "edges")?.iter().enumerate() {
        edge(graph, &names, &here, entry).map_err(|e| format!("edges[{i}]: {e}"))?;
    }
    Ok(())
}

struct Place<'a> {
    provider: Provider,
    tenant: &'a str,
}

#[derive(Clone, Copy)]
enum Holder {
    Role,
    Group,
}

fn identity(
    graph: &mut Graph,
    names: &mut Names,
    here: &Place,
    entry: &Value,
    default_kind: NodeKind,
) -> Result<(), String> {
    let obj = entry.as_object().ok_or("must be an object")?;
    let id = str_field(obj, "id", "an identity")?.ok_or("`id` is required")?;
    let name = str_field(obj, "name", id)?.unwrap_or(id);
    let kind = match str_field(obj, "kind", id)? {
        None => default_kind,
        Some(k) if k.eq_ignore_ascii_case("human") => NodeKind::Human,
        Some(k) if k.eq_ignore_ascii_case("nhi") => NodeKind::Nhi,
        Some(k) => return Err(format!("`{id}`: kind `{k}` is not `human` or `nhi`")),
    };
    let provider = provider_of(obj, id)?.unwrap_or(here.provider);
    let tenant = str_field(obj, "tenant", id)?.unwrap_or(here.tenant);
    let node = graph.ensure(provider, tenant, kind, id, name);
    let disabled = bool_field(obj, "disabled", id)?;
    let phishing_resistant = bool_field(obj, "phishing_resistant", id)?;
    if let Some(n) = graph.node_mut(node) {
        n.kind = kind;
        n.name = name.into();
        n.disabled |= disabled.unwrap_or(false);
        n.phishing_resistant = phishing_resistant.or(n.phishing_resistant);
    }
    if names.identities.insert(id.to_string(), node).is_some() {
        return Err(format!("identity `{id}` is declared twice"));
    }
    for (i, secret) in list(obj, "secrets")?.iter().enumerate() {
        let s = secret.as_object().ok_or_else(|| format!("`{id}` secrets[{i}] must be an object"))?;
        let secret_id = str_field(s, "id", id)?.ok_or_else(|| format!("`{id}` secrets[{i}]: `id` is required"))?;
        let kind = str_field(s, "kind", secret_id)?;
        let label = match (str_field(s, "name", secret_id)?, kind) {
            (Some(n), _) => n.to_string(),
            (None, Some(k)) => format!("{name} {k} {secret_id}"),
            (None, None) => format!("{name} secret {secret_id}"),
        };
        let created = time_field(s, "created", secret_id)?;
        let expires = time_field(s, "expires", secret_id)?;
        let secret_node = graph.ensure(provider, tenant, NodeKind::Secret, secret_id, &label);
        if let Some(n) = graph.node_mut(secret_node) {
            n.created = created.or(n.created);
            n.expires = expires.or(n.expires);
        }
        graph.link(node, secret_node, EdgeKind::HasSecret, None);
    }
    Ok(())
}

fn owners(graph: &mut Graph, names: &Names, entry: &Value) -> Result<(), String> {
    let Some(obj) = entry.as_object() else { return Ok(()) };
    let Some(id) = obj.get("id").and_then(Value::as_str) else { return Ok(()) };
    let Some(&owned) = names.identities.get(id) else { return Ok(()) };
    for owner in strings(obj, "owners", id)? {
        let &who =
            names.identities.get(owner).ok_or_else(|| format!("`{id}`: owner `{owner}` is not a declared identity"))?;
        graph.link(who, owned, EdgeKind::Owns, None);
    }
    Ok(())
}

fn role(graph: &mut Graph, names: &mut Names, here: &Place, entry: &Value) -> Result<(), String> {
    let obj = entry.as_object().ok_or("must be an object")?;
    let name = str_field(obj, "name", "a role")?.ok_or("`name` is required")?;
    let id = str_field(obj, "id", name)?.unwrap_or(name);
    let node = graph.ensure(here.provider, here.tenant, NodeKind::Role, id, name);
    let declared = match obj.get("tier") {
        None | Some(Value::Null) => None,
        Some(v) => match v.as_u64() {
            Some(t @ 0..=2) => Some(t as u8),
            _ => return Err(format!("role `{name}`: `tier` must be 0, 1 or 2")),
        },
    };
    // A built-in role's powers over the tenant, then any declared ones.
    let mut powers: Vec<(EdgeKind, Scope)> = role_powers(here.provider, name).to_vec();
    for can in strings(obj, "can", name)? {
        let kind = edge_kind(can).ok_or_else(|| format!("role `{name}`: `{can}` is not a power ({})", POWERS))?;
        let scope = if kind == EdgeKind::CanAddCredentials { Scope::AllNhi } else { Scope::AllIdentities };
        powers.push((kind, scope));
    }
    for (kind, scope) in powers {
        let scope = graph.scope(here.provider, here.tenant, scope);
        graph.link(node, scope, kind, None);
    }
    let tier = declared.or_else(|| role_tier(here.provider, name));
    if let Some(n) = graph.node_mut(node) {
        // Tier 2 confers nothing; only 0 and 1 are kept on the role.
        n.role_tier = tier.filter(|t| *t < 2).or(n.role_tier);
    }
    if names.roles.insert(id.to_string(), node).is_some() {
        return Err(format!("role `{id}` is declared twice"));
    }
    if id != name {
        names.roles.entry(name.to_string()).or_insert(node);
    }
    Ok(())
}

fn group(graph: &mut Graph, names: &mut Names, here: &Place, entry: &Value) -> Result<(), String> {
    let obj = entry.as_object().ok_or("must be an object")?;
    let id = str_field(obj, "id", "a group")?.ok_or("`id` is required")?;
    let name = str_field(obj, "name", id)?.unwrap_or(id);
    let node = graph.ensure(here.provider, here.tenant, NodeKind::Group, id, name);
    if names.groups.insert(id.to_string(), node).is_some() {
        return Err(format!("group `{id}` is declared twice"));
    }
    Ok(())
}

fn members(graph: &mut Graph, names: &Names, entry: &Value, holder: Holder) -> Result<(), String> {
    let Some(obj) = entry.as_object() else { return Ok(()) };
    let (key, table, edge) = match holder {
        Holder::Role => (obj.get("id").or_else(|| obj.get("name")), &names.roles, EdgeKind::HasRole),
        Holder::Group => (obj.get("id"), &names.groups, EdgeKind::MemberOf),
    };
    let Some(key) = key.and_then(Value::as_str) else { return Ok(()) };
    let Some(&to) = table.get(key) else { return Ok(()) };
    for member in strings(obj, "members", key)? {
        let &from = names
            .identities
            .get(member)
            .or_else(|| names.groups.get(member))
            .ok_or_else(|| format!("`{key}`: member `{member}` is not a declared identity or group"))?;
        graph.link(from, to, edge, None);
    }
    if let Holder::Group = holder {
        for role in strings(obj, "roles", key)? {
            let &r = names.roles.get(role).ok_or_else(|| format!("group `{key}`: role `{role}` is not declared"))?;
            graph.link(to, r, EdgeKind::HasRole, None);
        }
    }
    Ok(())
}

const POWERS: &str = "reset_factors, reset_password, add_credentials, assume, pass_role, manage_roles, owns";

fn edge_kind(can: &str) -> Option<EdgeKind> {
    Some(match can {
        "reset_factors" => EdgeKind::CanResetFactors,
        "reset_password" => EdgeKind::CanResetPassword,
        "add_credentials" => EdgeKind::CanAddCredentials,
        "assume" => EdgeKind::CanAssume,
        "pass_role" => EdgeKind::CanPassRole,
        "manage_roles" => EdgeKind::CanManageRoles,
        "owns" => EdgeKind::Owns,
        _ => return None,
    })
}

fn edge(graph: &mut Graph, names: &Names, here: &Place, entry: &Value) -> Result<(), String> {
    let obj = entry.as_object().ok_or("must be an object")?;
    let from = str_field(obj, "from", "an edge")?.ok_or("`from` is required")?;
    let to = str_field(obj, "to", "an edge")?.ok_or("`to` is required")?;
    let can = str_field(obj, "can", "an edge")?.ok_or("`can` is required")?;
    let kind = edge_kind(can).ok_or_else(|| format!("`can: {can}` is not one of {POWERS}"))?;
    let resolve = |name: &str| -> Option<NodeId> {
        names.identities.get(name).or_else(|| names.roles.get(name)).or_else(|| names.groups.get(name)).copied()
    };
    let &from_node =
        resolve(from).as_ref().ok_or_else(|| format!("`from: {from}` is not a declared identity, role or group"))?;
    let to_node = match to {
        "all-identities" => graph.scope(here.provider, here.tenant, Scope::AllIdentities),
        "all-nhi" => graph.scope(here.provider, here.tenant, Scope::AllNhi),
        _ => resolve(to).ok_or_else(|| {
            format!("`to: {to}` is not a declared identity, role or group (nor `all-identities`, `all-nhi`)")
        })?,
    };
    graph.link(from_node, to_node, kind, None);
    Ok(())
}

fn list<'a>(obj: &'a Map<String, Value>, key: &str) -> Result<&'a [Value], String> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(items)) => Ok(items),
        Some(_) => Err(format!("`{key}` must be a list")),
    }
}

fn strings<'a>(obj: &'a Map<String, Value>, key: &str, whose: &str) -> Result<Vec<&'a str>, String> {
    list(obj, key)
        .map_err(|e| format!("`{whose}`: {e}"))?
        .iter()
        .map(|v| v.as_str().ok_or_else(|| format!("`{whose}`: every item of `{key}` must be a string")))
        .collect()
}

fn str_field<'a>(obj: &'a Map<String, Value>, key: &str, whose: &str) -> Result<Option<&'a str>, String> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(Some(s.as_str())),
        Some(Value::String(_)) => Err(format!("{whose}: `{key}` is empty")),
        Some(_) => Err(format!("{whose}: `{key}` must be a string")),
    }
}

fn bool_field(obj: &Map<String, Value>, key: &str, whose: &str) -> Result<Option<bool>, String> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(format!("`{whose}`: `{key}` must be true or false")),
    }
}

fn time_field(obj: &Map<String, Value>, key: &str, whose: &str) -> Result<Option<DateTime<Utc>>, String> {
    let Some(text) = str_field(obj, key, whose)? else { return Ok(None) };
    DateTime::parse_from_rfc3339(text)
        .map(|t| Some(t.with_timezone(&Utc)))
        .map_err(|e| format!("`{whose}`: `{key}: {text}` is not an RFC 3339 time ({e})"))
}

fn provider_of(obj: &Map<String, Value>, whose: &str) -> Result<Option<Provider>, String> {
    let Some(name) = str_field(obj, "provider", whose)? else { return Ok(None) };
    Provider::parse(name).map(Some).ok_or_else(|| {
        let known: Vec<&str> = Provider::ALL.iter().map(|p| p.as_str()).collect();
        format!("{whose}: provider `{name}` is not one of {}", known.join(", "))
    })
}
