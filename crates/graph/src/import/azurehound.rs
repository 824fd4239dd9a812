//! AzureHound output: `{"meta": {"type": ...}, "data": [...]}` where each item is either
//! `{"kind": "AZUser", "data": {...}}` (AzureHound v2, one file for everything) or a bare
//! object of the file's `meta.type` (`azusers`, `azgroups`, `azroleassignments`, ...).

use super::field::{any, items, list, s};
use super::msgraph::Entra;
use crate::graph::{EdgeKind, Graph};
use serde_json::Value;

/// AzureHound kinds this importer reads, as v2 item kinds; `meta.type` file names map to them.
const KINDS: &[(&str, &str)] = &[
    ("azusers", "AZUser"),
    ("azgroups", "AZGroup"),
    ("azserviceprincipals", "AZServicePrincipal"),
    ("azapps", "AZApp"),
    ("azroles", "AZRole"),
    ("azroleassignments", "AZRoleAssignment"),
    ("azgroupmembers", "AZGroupMember"),
    ("azappowners", "AZAppOwner"),
    ("azapplicationowners", "AZAppOwner"),
    ("azserviceprincipalowners", "AZServicePrincipalOwner"),
];

/// Objects first, then the edges that name them.
const ORDER: &[&str] = &[
    "AZUser",
    "AZGroup",
    "AZServicePrincipal",
    "AZApp",
    "AZRole",
    "AZGroupMember",
    "AZAppOwner",
    "AZServicePrincipalOwner",
    "AZRoleAssignment",
];

fn kind_of_type(meta_type: &str) -> Option<&'static str> {
    let t = meta_type.to_ascii_lowercase();
    KINDS.iter().find(|(file, kind)| *file == t || kind.eq_ignore_ascii_case(&t)).map(|(_, kind)| *kind)
}

pub fn matches(doc: &Value) -> bool {
    let (Some(meta), Some(data)) = (doc.get("meta"), doc.get("data")) else { return false };
    if !meta.is_object() || !data.is_array() {
        return false;
    }
    let meta_type = s(meta, "type").unwrap_or("");
    meta_type.eq_ignore_ascii_case("azure")
        || meta_type.to_ascii_lowercase().starts_with("az")
        || items(doc, "data").iter().any(|i| s(i, "kind").is_some_and(|k| k.starts_with("AZ")))
}

/// Each item as (kind, object).
fn entries(doc: &Value) -> Result<Vec<(String, &Value)>, String> {
    let data = list(doc, "data")?;
    let file_kind = doc.get("meta").and_then(|m| s(m, "type")).and_then(kind_of_type);
    let mut out = Vec::with_capacity(data.len());
    for item in data {
        match (s(item, "kind"), item.get("data")) {
            (Some(kind), Some(inner)) if inner.is_object() => out.push((kind.to_string(), inner)),
            _ => {
                if let Some(kind) = file_kind {
                    out.push((kind.to_string(), item));
                }
            }
        }
    }
    Ok(out)
}

/// Legacy AzureHound (PowerShell) writes PascalCase keys; read either spelling.
fn id(o: &Value) -> Option<&str> {
    any(o, &["id", "ObjectID", "ObjectId"])
}

fn tenant<'a>(entries: &[(String, &'a Value)]) -> Option<&'a str> {
    entries.iter().find_map(|(_, o)| any(o, &["tenantId", "TenantId", "TenantID"]))
}

pub fn import(graph: &mut Graph, doc: &Value) -> Result<(), String> {
    let entries = entries(doc)?;
    // AzureHound upper-cases ids in some records; tenant ids are GUIDs, so compare them lower-cased.
    let tenant = tenant(&entries).unwrap_or(model::Provider::Entra.as_str()).to_ascii_lowercase();
    let mut entra = Entra::new(graph, &tenant);
    for kind in ORDER {
        for (_, o) in entries.iter().filter(|(k, _)| k.eq_ignore_ascii_case(kind)) {
            item(&mut entra, kind, o);
        }
    }
    Ok(())
}

fn item(entra: &mut Entra, kind: &str, o: &Value) {
    match kind {
        "AZUser" => {
            let normal = legacy_to_graph(o);
            entra.user(normal.as_ref().unwrap_or(o));
        }
        "AZGroup" => {
            let normal = legacy_to_graph(o);
            entra.group(normal.as_ref().unwrap_or(o));
        }
        "AZServicePrincipal" => {
            entra.service_principal(o);
        }
        "AZApp" => {
            entra.application(o);
        }
        "AZRole" => entra.definition(o),
        "AZRoleAssignment" => {
            // v2 wraps a role's assignments: {"roleDefinitionId", "roleAssignments": [...]}.
            let wrapped = items(o, "roleAssignments");
            if wrapped.is_empty() {
                entra.assignment(o);
            }
            for a in wrapped {
                entra.assignment(a);
            }
        }
        "AZGroupMember" => {
            let Some(group_id) = any(o, &["groupId", "GroupId"]) else { return };
            let group =
                entra.graph.ensure(model::Provider::Entra, &entra.tenant, crate::NodeKind::Group, group_id, group_id);
            let members: Vec<&Value> = match o.get("members").and_then(Value::as_array) {
                Some(ms) => ms.iter().map(|m| m.get("member").unwrap_or(m)).collect(),
                None => o.get("member").into_iter().collect(),
            };
            for m in members {
                if let Some(member) = entra.principal(m, None) {
                    entra.graph.link(member, group, EdgeKind::MemberOf, None);
                }
            }
        }
        "AZAppOwner" => {
            let first = items(o, "owners").first();
            let Some(app_id) = s(o, "appId").or_else(|| first.and_then(|f| s(f, "appId"))) else { return };
            let Some(app) = entra.app_by_any_id(app_id) else { return };
            entra.owners(app, items(o, "owners"));
        }
        "AZServicePrincipalOwner" => {
            let Some(sp_id) = s(o, "servicePrincipalId") else { return };
            let Some(sp) = entra.sp_by_id(sp_id) else { return };
            entra.owners(sp, items(o, "owners"));
        }
        _ => {}
    }
}

/// A legacy PascalCase user or group as Graph field names (None when already Graph-shaped).
fn legacy_to_graph(o: &Value) -> Option<Value> {
    if s(o, "id").is_some() {
        return None;
    }
    let id = id(o)?;
    let mut m = serde_json::Map::new();
    m.insert("id".into(), Value::from(id));
    if let Some(upn) = any(o, &["UserPrincipalName", "userPrincipalName"]) {
        m.insert("userPrincipalName".into(), Value::from(upn));
    }
    if let Some(name) = any(o, &["DisplayName", "displayName"]) {
        m.insert("displayName".into(), Value::from(name));
    }
    if let Some(enabled) = o.get("AccountEnabled").and_then(Value::as_bool) {
        m.insert("accountEnabled".into(), Value::from(enabled));
    }
    Some(Value::Object(m))
}
