//! GitHub organization memberships: arrays of `/orgs/{org}/memberships/{username}` objects,
//! or a bundle `{"org", "members", "admins"}` of `/orgs/{org}/members` users
//! (docs/graph-import.md). Organization owners (membership role `admin`) are tier 0.
//!
//! The bundle is also a 2FA snapshot when it carries `2fa_disabled`: the members that
//! `/orgs/{org}/members?filter=2fa_disabled` lists have no second factor, every other member
//! has one; those `filter=2fa_insecure` lists (`2fa_insecure`) have only SMS. GitHub does
//! not say which methods the others use.

use super::builtin;
use super::field::{list, s, sp};
use super::snapshot::{Ctx, factor};
use crate::graph::{EdgeKind, Graph, NodeKind};
use model::Provider;
use serde_json::Value;

const P: Provider = Provider::Github;

fn is_membership(v: &Value) -> bool {
    s(v, "role").is_some() && sp(v, &["user", "login"]).is_some() && sp(v, &["organization", "login"]).is_some()
}

pub fn matches(doc: &Value) -> bool {
    match doc {
        Value::Array(items) => items.first().is_some_and(is_membership),
        Value::Object(map) => {
            is_membership(doc)
                || (s(doc, "org").is_some() && (map.contains_key("members") || map.contains_key("admins")))
        }
        _ => false,
    }
}

pub fn import(graph: &mut Graph, doc: &Value, ctx: &Ctx<'_>) -> Result<(), String> {
    match doc {
        Value::Array(items) => {
            for m in items {
                membership(graph, m);
            }
        }
        _ if is_membership(doc) => membership(graph, doc),
        _ => {
            let org = s(doc, "org").ok_or("the bundle has no `org`")?;
            for m in list(doc, "members")? {
                if is_membership(m) {
                    membership(graph, m);
                } else {
                    member(graph, org, m, "member");
                }
            }
            for m in list(doc, "admins")? {
                member(graph, org, m, "admin");
            }
            two_factor(graph, org, doc, ctx)?;
        }
    }
    Ok(())
}

/// One membership object: `{role, state, user{login}, organization{login}}`.
fn membership(graph: &mut Graph, m: &Value) {
    let (Some(org), Some(user)) = (sp(m, &["organization", "login"]), m.get("user")) else { return };
    // A pending invitation confers nothing until it is accepted.
    let role = if s(m, "state") == Some("pending") { "pending" } else { s(m, "role").unwrap_or("member") };
    member(graph, org, user, role);
}

/// A user of `org` with a membership role (`admin` is an organization owner).
fn member(graph: &mut Graph, org: &str, user: &Value, role: &str) {
    let login = match user {
        Value::String(l) => Some(l.trim()).filter(|l| !l.is_empty()),
        _ => s(user, "login"),
    };
    let Some(login) = login else { return };
    let kind = if s(user, "type") == Some("Bot") { NodeKind::Nhi } else { NodeKind::Human };
    let node = builtin::identity(graph, P, org, kind, login, login);
    if role == "admin" {
        // GitHub calls the owner role `admin` in the API; its power is over members' roles.
        let owner = builtin::role(graph, P, org, "admin", &format!("{org} organization owner"), "admin");
        graph.link(node, owner, EdgeKind::HasRole, None);
    }
}

/// The factor-snapshot name of a members bundle with 2FA status.
const TWO_FACTOR: &str = "github members 2fa";

fn login(user: &Value) -> Option<&str> {
    match user {
        Value::String(l) => Some(l.trim()).filter(|l| !l.is_empty()),
        _ => s(user, "login"),
    }
}

/// Each member's 2FA state, when the bundle says which members have none.
fn two_factor(graph: &mut Graph, org: &str, doc: &Value, ctx: &Ctx<'_>) -> Result<(), String> {
    if doc.get("2fa_disabled").is_none() {
        return Ok(());
    }
    let logins = |key: &str| -> Result<Vec<String>, String> {
        Ok(list(doc, key)?.iter().filter_map(login).map(str::to_ascii_lowercase).collect())
    };
    let (disabled, insecure) = (logins("2fa_disabled")?, logins("2fa_insecure")?);
    let everyone = list(doc, "members")?
        .iter()
        .chain(list(doc, "admins")?)
        .chain(list(doc, "2fa_disabled")?)
        .filter_map(|m| login(m).or_else(|| sp(m, &["user", "login"])))
        .map(str::to_string)
        .collect::<Vec<_>>();
    for who in everyone {
        let Some(node) = graph.find_identity(Some(P), Some(org), &who) else { continue };
        let lower = who.to_ascii_lowercase();
        let factors = if disabled.contains(&lower) {
            Vec::new()
        } else if insecure.contains(&lower) {
            vec![factor(P, "sms", None, None, None, None)]
        } else {
            vec![factor(P, "two-factor authentication", None, None, None, None)]
        };
        graph.list_factors(node, TWO_FACTOR, ctx.time, factors);
    }
    Ok(())
}
