//! Nodes every importer makes the same way: built-in roles with their powers over the
//! tenant, and secrets held by an identity.

use crate::graph::{EdgeKind, Graph, NodeId, NodeKind};
use crate::tiers::{role_powers, role_tier};
use chrono::{DateTime, Utc};
use model::Provider;

/// A role node; when `builtin` names a built-in admin role, it gets that role's powers over
/// the whole tenant and its tier.
pub(super) fn role(graph: &mut Graph, provider: Provider, tenant: &str, id: &str, name: &str, builtin: &str) -> NodeId {
    let role = named(graph, provider, tenant, NodeKind::Role, id, name);
    for (power, scope) in role_powers(provider, builtin) {
        let scope = graph.scope(provider, tenant, *scope);
        graph.link(role, scope, *power, None);
    }
    if let Some(tier) = role_tier(provider, builtin)
        && let Some(node) = graph.node_mut(role)
    {
        node.role_tier = Some(node.role_tier.map_or(tier, |t| t.min(tier)));
    }
    role
}

/// A role granted over part of a tenant (an organizational or administrative unit, one
/// object): the built-in role's tier, but none of its tenant-wide reach.
pub(super) fn scoped_role(
    graph: &mut Graph,
    provider: Provider,
    tenant: &str,
    id: &str,
    name: &str,
    builtin: &str,
) -> NodeId {
    let role = named(graph, provider, tenant, NodeKind::Role, id, name);
    if let Some(tier) = role_tier(provider, builtin)
        && let Some(node) = graph.node_mut(role)
    {
        node.role_tier = Some(node.role_tier.map_or(tier, |t| t.min(tier)));
    }
    role
}

/// A node, renamed when it was first made from a bare id.
fn named(graph: &mut Graph, provider: Provider, tenant: &str, kind: NodeKind, id: &str, name: &str) -> NodeId {
    let node = graph.ensure(provider, tenant, kind, id, name);
    if let Some(n) = graph.node_mut(node)
        && n.name == n.id
        && !name.is_empty()
    {
        n.name = model::Text::from(name);
    }
    node
}

/// A secret held by `holder`, with when it was created and when it expires.
#[allow(clippy::too_many_arguments)]
pub(super) fn secret(
    graph: &mut Graph,
    provider: Provider,
    tenant: &str,
    holder: NodeId,
    id: &str,
    name: &str,
    created: Option<DateTime<Utc>>,
    expires: Option<DateTime<Utc>>,
) -> NodeId {
    let secret = graph.ensure(provider, tenant, NodeKind::Secret, id, name);
    if let Some(node) = graph.node_mut(secret) {
        node.created = created.or(node.created);
        node.expires = expires.or(node.expires);
    }
    graph.link(holder, secret, EdgeKind::HasSecret, None);
    secret
}

/// An identity of a known kind (a person or an NHI), correcting the kind of a node first
/// made from a bare reference.
pub(super) fn identity(
    graph: &mut Graph,
    provider: Provider,
    tenant: &str,
    kind: NodeKind,
    id: &str,
    name: &str,
) -> NodeId {
    let node = graph.ensure(provider, tenant, kind, id, name);
    if let Some(n) = graph.node_mut(node) {
        n.kind = kind;
        if !name.is_empty() && n.name == n.id {
            n.name = model::Text::from(name);
        }
    }
    node
}
