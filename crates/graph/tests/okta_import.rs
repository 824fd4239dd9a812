//! Okta users, groups, admin role assignments and API tokens become identities with tiers and
//! blast radius: help desk admins are tier 0, API token creators tier 1.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use graph::{EdgeKind, Graph, NodeKind, Scope};
use model::Provider;

fn load(g: &mut Graph, path: &str) -> graph::import::Imported {
    let text = std::fs::read_to_string(format!("{}/tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    graph::import::import(g, path, &text).unwrap()
}

fn who(g: &Graph, name: &str) -> u32 {
    g.find_identity(Some(Provider::Okta), None, name).unwrap_or_else(|| panic!("{name} not in the graph"))
}

fn bundle() -> Graph {
    let mut g = Graph::new();
    assert_eq!(load(&mut g, "okta/bundle.json").format, "okta");
    g
}

#[test]
fn an_okta_help_desk_admin_is_tier_0_and_can_reset_factors_and_passwords_of_every_identity() {
    let g = bundle();
    let hana = who(&g, "hana.kim@acme.com");
    assert_eq!(graph::tier_of(&g, hana), 0);
    let summary = g.blast_summary(hana, 5);
    assert_eq!(summary.identities, 9, "seven people and two API tokens");
    assert_eq!(summary.top[0], "hana.kim@acme.com → Help Desk Administrator → every identity");
    let radius = g.blast_radius(hana);
    let role = radius.roles[0].node;
    let every = g.node(radius.scopes[0].node).unwrap();
    assert_eq!(every.scope, Some(Scope::AllIdentities));
    let powers: Vec<EdgeKind> = g.out_edges(role).filter(|e| e.to == radius.scopes[0].node).map(|e| e.kind).collect();
    assert!(powers.contains(&EdgeKind::CanResetFactors), "{powers:?}");
    assert!(powers.contains(&EdgeKind::CanResetPassword), "{powers:?}");
}

#[test]
fn a_help_desk_role_held_by_a_group_makes_its_members_tier_0() {
    let g = bundle();
    let grace = who(&g, "grace.mensah@acme.com");
    assert_eq!(graph::tier_of(&g, grace), 0);
    assert_eq!(
        g.blast_summary(grace, 1).top[0],
        "grace.mensah@acme.com → Support Leads → Help Desk Administrator → every identity"
    );
}

#[test]
fn super_admins_are_tier_0_and_app_admins_tier_1() {
    let g = bundle();
    let sam = who(&g, "sam.ortiz@acme.com");
    assert_eq!(graph::tier_of(&g, sam), 0);
    let arjun = who(&g, "arjun.rao@acme.com");
    assert_eq!(graph::tier_of(&g, arjun), 1);
    assert_eq!(
        g.blast_summary(arjun, 1).top[0],
        "arjun.rao@acme.com → Application Administrator → every non-human identity"
    );
}

#[test]
fn an_api_token_creator_is_tier_1_and_owns_the_token_and_its_secret() {
    let g = bundle();
    let tomas = who(&g, "tomas.novak@acme.com");
    assert_eq!(graph::tier_of(&g, tomas), 1);
    let summary = g.blast_summary(tomas, 5);
    assert_eq!((summary.nhi, summary.secrets, summary.identities), (1, 1, 0));
    assert!(
        summary.top.contains(&"tomas.novak@acme.com → API token terraform-ci → API token terraform-ci secret".into()),
        "{:?}",
        summary.top
    );
    let secret = g.nodes().find(|(_, n)| n.kind == NodeKind::Secret && n.id == "00T1terraform0ci007:token").unwrap().1;
    assert_eq!(secret.created.unwrap().to_rfc3339(), "2025-02-01T09:00:00+00:00");
    assert_eq!(secret.expires.unwrap().to_rfc3339(), "2026-06-10T09:00:00+00:00");
}

#[test]
fn an_api_token_acts_with_its_creators_rights() {
    let g = bundle();
    let backup = g.nodes().find(|(_, n)| n.name == "API token okta-backup").unwrap().0;
    assert_eq!(graph::tier_of(&g, backup), 0, "a super admin's token is a super admin");
}

#[test]
fn people_without_roles_are_tier_2_and_deprovisioned_users_are_disabled() {
    let g = bundle();
    let priya = who(&g, "priya.shah@acme.com");
    assert_eq!(graph::tier_of(&g, priya), 2);
    assert!(g.blast_radius(priya).is_empty());
    assert!(g.node(who(&g, "gary.holt@acme.com")).unwrap().disabled);
}

#[test]
fn user_and_token_lists_imported_apart_name_the_token_owner() {
    let mut g = Graph::new();
    assert_eq!(load(&mut g, "okta/users.json").format, "okta");
    assert_eq!(load(&mut g, "okta/api-tokens.json").format, "okta");
    let tomas = who(&g, "tomas.novak@acme.com");
    assert_eq!(graph::tier_of(&g, tomas), 1);
    assert_eq!(g.blast_summary(tomas, 1).nhi, 1);
}
