//! Edges learned from events as they stream by: role grants and revokes, owners added,
//! credentials issued, each with the time it was learned.

use crate::graph::{EdgeKind, Graph, NodeKind};
use crate::tiers::role_powers;
use model::{Category, Event, Outcome, PrincipalKind};

/// Applies what a successful event says about who holds what. Returns whether the graph changed.
pub fn learn(graph: &mut Graph, e: &Event) -> bool {
    if e.outcome == Outcome::Failure {
        return false;
    }
    let (provider, tenant) = (e.provider, e.tenant.as_str());
    let identity = |graph: &mut Graph, who: &model::Principal| {
        let id = who.key()?;
        let kind = if who.kind == PrincipalKind::Nhi { NodeKind::Nhi } else { NodeKind::Human };
        Some(graph.ensure(provider, tenant, kind, id, who.name.as_deref().unwrap_or(id)))
    };
    match e.category {
        Category::RoleGrant | Category::RoleRevoke => {
            let (Some(target), Some(object)) = (e.target.as_ref(), e.object.as_deref()) else { return false };
            let Some(holder) = identity(graph, target) else { return false };
            let owner = object.to_ascii_lowercase().contains("owner");
            let (to, kind) = if owner && target.kind != PrincipalKind::Nhi {
                // "Add owner to application": the target owns the app the event names.
                (graph.ensure(provider, tenant, NodeKind::App, object, object), EdgeKind::Owns)
            } else {
                let role = graph.ensure(provider, tenant, NodeKind::Role, object, object);
                for (power, scope) in role_powers(provider, object) {
                    let scope = graph.scope(provider, tenant, *scope);
                    graph.link(role, scope, *power, None);
                }
                if let Some(tier) = crate::tiers::role_tier(provider, object)
                    && let Some(node) = graph.node_mut(role)
                {
                    node.role_tier = Some(tier);
                }
                (role, EdgeKind::HasRole)
            };
            if e.category == Category::RoleGrant {
                graph.link(holder, to, kind, Some(e.time));
                true
            } else {
                graph.unlink(holder, to, kind)
            }
        }
        Category::SecretIssue | Category::SecretRotate => {
            // The credential belongs to the target NHI (or the actor's own, for tokens).
            let Some(holder_principal) = e.target.as_ref().or(e.actor.as_ref()) else { return false };
            let Some(holder) = identity(graph, holder_principal) else { return false };
            let secret_id = e.object.as_deref().unwrap_or(e.id.as_str());
            let secret = graph.ensure(provider, tenant, NodeKind::Secret, secret_id, secret_id);
            if let Some(node) = graph.node_mut(secret) {
                node.created = Some(e.time);
            }
            graph.link(holder, secret, EdgeKind::HasSecret, Some(e.time));
            true
        }
        Category::SigninSuccess | Category::FactorAdd => mark_interactive_use(graph, e),
        _ => false,
    }
}

/// P-4: a non-human identity signing in through a browser, or getting an MFA factor, is a
/// person using its credentials. The NHI is known from the event or from the inventory.
fn mark_interactive_use(graph: &mut Graph, e: &Event) -> bool {
    let Some(who) = e.target.as_ref().or(e.actor.as_ref()) else { return false };
    // Cheap tests first: this runs for every sign-in.
    let browser = e.client.user_agent.as_deref().is_some_and(|ua| ua.contains("Mozilla/"));
    if e.category == Category::SigninSuccess && !browser {
        return false;
    }
    if who.kind != PrincipalKind::Nhi && graph.is_empty() {
        return false;
    }
    let node = [who.id.as_deref(), who.name.as_deref()]
        .into_iter()
        .flatten()
        .find_map(|k| graph.find_identity(Some(e.provider), Some(&e.tenant), k));
    let is_nhi =
        who.kind == PrincipalKind::Nhi || node.and_then(|n| graph.node(n)).is_some_and(|n| n.kind == NodeKind::Nhi);
    if !is_nhi {
        return false;
    }
    let node = match node {
        Some(n) => n,
        None => match who.key() {
            Some(id) => graph.ensure(e.provider, &e.tenant, NodeKind::Nhi, id, who.name.as_deref().unwrap_or(id)),
            None => return false,
        },
    };
    match graph.node_mut(node) {
        Some(n) if n.interactive_use.is_none_or(|t| t < e.time) => {
            n.interactive_use = Some(e.time);
            true
        }
        _ => false,
    }
}
