//! Google Workspace Directory users, roles and role assignments: super admins and help desk
//! admins are tier 0.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use graph::Graph;
use model::Provider;

fn load(g: &mut Graph, path: &str) -> graph::import::Imported {
    let text = std::fs::read_to_string(format!("{}/tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    graph::import::import(g, path, &text).unwrap()
}

fn who(g: &Graph, name: &str) -> u32 {
    g.find_identity(Some(Provider::Google), None, name).unwrap_or_else(|| panic!("{name} not in the graph"))
}

fn directory() -> Graph {
    let mut g = Graph::new();
    for doc in ["google/roles.json", "google/users.json", "google/role-assignments.json"] {
        assert_eq!(load(&mut g, doc).format, "google", "{doc}");
    }
    g
}

#[test]
fn a_google_super_admin_is_tier_0_over_every_identity_through_one_role() {
    let g = directory();
    let root = who(&g, "root@example.org");
    assert_eq!(graph::tier_of(&g, root), 0);
    let summary = g.blast_summary(root, 3);
    assert_eq!(summary.roles, 1, "isAdmin and the seed role assignment are the same role");
    assert_eq!(summary.identities, 5);
    assert_eq!(summary.top[0], "root@example.org → Super Admin → every identity");
}

#[test]
fn a_google_help_desk_admin_is_tier_0_with_password_resets_over_every_identity() {
    let g = directory();
    let help = who(&g, "help@example.org");
    assert_eq!(graph::tier_of(&g, help), 0);
    assert_eq!(g.blast_summary(help, 1).top[0], "help@example.org → Help Desk Admin → every identity");
}

#[test]
fn a_role_over_one_org_unit_keeps_its_tier_without_tenant_wide_reach() {
    let g = directory();
    let ny = who(&g, "ny-admin@example.org");
    assert_eq!(graph::tier_of(&g, ny), 0);
    let summary = g.blast_summary(ny, 3);
    assert_eq!((summary.roles, summary.identities), (1, 0));
    assert_eq!(summary.top[0], "ny-admin@example.org → User Management Admin (org unit 03ph8a2z1k9x4q)");
}

#[test]
fn users_without_roles_are_tier_2_and_lack_of_2sv_means_no_phishing_resistant_factor() {
    let g = directory();
    let intern = who(&g, "intern@example.org");
    assert_eq!(graph::tier_of(&g, intern), 2);
    assert_eq!(g.node(intern).unwrap().phishing_resistant, Some(false));
    assert!(g.node(who(&g, "former@example.org")).unwrap().disabled);
}
