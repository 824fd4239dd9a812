//! Privilege tiers (docs/detection-contract.md §3): 0 can change other identities' factors, passwords or
//! roles; 1 can issue or rotate credentials of non-human identities; 2 everyone else.
//! Built-in admin roles are known by name, with the powers they confer over a tenant.

use crate::blast::BlastRadius;
use crate::graph::{EdgeKind, Graph, NodeId, NodeKind, Scope};
use model::Provider;

/// Powers of built-in admin roles over a whole tenant, by provider and role name
/// (case-insensitive; display names and API type names both listed).
/// A role's powers: what it can do to whom.
type Powers = &'static [(EdgeKind, Scope)];

const ROLE_POWERS: &[(Provider, &str, Powers)] = {
    use EdgeKind::*;
    use Scope::*;
    const RESET_ALL: &[(EdgeKind, Scope)] =
        &[(CanResetFactors, AllIdentities), (CanResetPassword, AllIdentities), (CanManageRoles, AllIdentities)];
    const HELPDESK: &[(EdgeKind, Scope)] = &[(CanResetFactors, AllIdentities), (CanResetPassword, AllIdentities)];
    const PASSWORDS: &[(EdgeKind, Scope)] = &[(CanResetPassword, AllIdentities)];
    const ROLES: &[(EdgeKind, Scope)] = &[(CanManageRoles, AllIdentities)];
    const APPS: &[(EdgeKind, Scope)] = &[(CanAddCredentials, AllNhi)];
    &[
        (Provider::Okta, "SUPER_ADMIN", RESET_ALL),
        (Provider::Okta, "Super Administrator", RESET_ALL),
        (Provider::Okta, "ORG_ADMIN", RESET_ALL),
        (Provider::Okta, "Organization Administrator", RESET_ALL),
        (Provider::Okta, "HELP_DESK_ADMIN", HELPDESK),
        (Provider::Okta, "Help Desk Administrator", HELPDESK),
        (Provider::Okta, "APP_ADMIN", APPS),
        (Provider::Okta, "Application Administrator", APPS),
        (Provider::Okta, "API_ACCESS_MANAGEMENT_ADMIN", APPS),
        (Provider::Okta, "API Access Management Administrator", APPS),
        (Provider::Entra, "Global Administrator", RESET_ALL),
        (Provider::Entra, "Company Administrator", RESET_ALL),
        (Provider::Entra, "Privileged Authentication Administrator", HELPDESK),
        (Provider::Entra, "Authentication Administrator", HELPDESK),
        (Provider::Entra, "Helpdesk Administrator", PASSWORDS),
        (Provider::Entra, "Password Administrator", PASSWORDS),
        (Provider::Entra, "User Administrator", HELPDESK),
        (Provider::Entra, "Privileged Role Administrator", ROLES),
        // Azure RBAC: assigns any Azure role, the role "elevate access" grants a Global Administrator.
        (Provider::Entra, "User Access Administrator", ROLES),
        (Provider::Entra, "Application Administrator", APPS),
        (Provider::Entra, "Cloud Application Administrator", APPS),
        (Provider::Google, "_SEED_ADMIN_ROLE", RESET_ALL),
        (Provider::Google, "Super Admin", RESET_ALL),
        (Provider::Google, "User Security Management", HELPDESK),
        (Provider::Google, "_USER_MANAGEMENT_ADMIN_ROLE", HELPDESK),
        (Provider::Google, "_HELP_DESK_ADMIN_ROLE", PASSWORDS),
        (Provider::Google, "Help Desk Admin", PASSWORDS),
        (Provider::Github, "owner", RESET_ALL),
        (Provider::Github, "admin", ROLES),
        (Provider::Github, "enterprise owner", RESET_ALL),
        // Duo Admin API `role` names (`/admin/v1/admins`).
        (Provider::Duo, "Owner", RESET_ALL),
        (Provider::Duo, "Administrator", RESET_ALL),
        (Provider::Duo, "User Manager", HELPDESK),
        (Provider::Duo, "Help Desk", HELPDESK),
        (Provider::Duo, "Application Manager", APPS),
    ]
};

/// What a built-in role can do over its tenant.
pub fn role_powers(provider: Provider, role: &str) -> &'static [(EdgeKind, Scope)] {
    ROLE_POWERS
        .iter()
        .find(|(p, name, _)| *p == provider && name.eq_ignore_ascii_case(role.trim()))
        .map(|(_, _, powers)| *powers)
        .unwrap_or(&[])
}

/// The tier an edge kind confers on whoever holds it.
pub fn edge_tier(kind: EdgeKind) -> Option<u8> {
    match kind {
        EdgeKind::CanResetFactors | EdgeKind::CanResetPassword | EdgeKind::CanManageRoles => Some(0),
        EdgeKind::CanAddCredentials | EdgeKind::CanPassRole => Some(1),
        _ => None,
    }
}

/// The tier of a built-in role by name, if it is one.
pub fn role_tier(provider: Provider, role: &str) -> Option<u8> {
    role_powers(provider, role).iter().filter_map(|(kind, _)| edge_tier(*kind)).min()
}

/// The tier of an identity: the strongest power anything it reaches confers.
pub fn tier_of(graph: &Graph, identity: NodeId) -> u8 {
    tier_of_reach(graph, &graph.blast_radius(identity))
}

/// The tier a blast radius gives: 0 or 1 when anything in it confers that tier, else 2.
pub fn tier_of_reach(graph: &Graph, reach: &BlastRadius) -> u8 {
    let mut tier = 2u8;
    for r in reach.all() {
        if let Some(t) = r.via.and_then(edge_tier) {
            tier = tier.min(t);
        }
        if let Some(node) = graph.node(r.node) {
            if node.kind == NodeKind::Role
                && let Some(t) = node.role_tier
            {
                tier = tier.min(t);
            }
            // Owning a non-human identity is controlling its credentials.
            if r.via == Some(EdgeKind::Owns) && matches!(node.kind, NodeKind::Nhi | NodeKind::App) {
                tier = tier.min(1);
            }
        }
    }
    tier
}
