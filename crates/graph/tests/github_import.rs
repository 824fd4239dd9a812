//! GitHub organization memberships: owners (role `admin`) are tier 0, members tier 2.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use graph::{Graph, NodeKind};
use model::Provider;

fn load(g: &mut Graph, path: &str) -> graph::import::Imported {
    let text = std::fs::read_to_string(format!("{}/tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    graph::import::import(g, path, &text).unwrap()
}

fn who(g: &Graph, name: &str) -> u32 {
    g.find_identity(Some(Provider::Github), Some("octo-org"), name).unwrap_or_else(|| panic!("{name} not in the graph"))
}

#[test]
fn a_github_org_owner_is_tier_0_over_every_member() {
    let mut g = Graph::new();
    assert_eq!(load(&mut g, "github/memberships.json").format, "github");
    let mona = who(&g, "mona");
    assert_eq!(graph::tier_of(&g, mona), 0);
    let summary = g.blast_summary(mona, 1);
    assert_eq!(summary.identities, 4);
    assert_eq!(summary.top[0], "mona → octo-org organization owner → every identity");
}

#[test]
fn members_and_pending_owner_invitations_are_tier_2() {
    let mut g = Graph::new();
    load(&mut g, "github/memberships.json");
    for login in ["hubot", "jdoe", "pat-invited"] {
        let id = who(&g, login);
        assert_eq!(graph::tier_of(&g, id), 2, "{login}");
        assert!(g.blast_radius(id).is_empty(), "{login}");
    }
}

#[test]
fn the_members_bundle_marks_admins_as_owners_and_bots_as_nhi() {
    let mut g = Graph::new();
    assert_eq!(load(&mut g, "github/bundle.json").format, "github");
    assert_eq!(graph::tier_of(&g, who(&g, "mona")), 0);
    assert_eq!(graph::tier_of(&g, who(&g, "jdoe")), 2);
    let bot = who(&g, "release-bot");
    assert_eq!(g.node(bot).unwrap().kind, NodeKind::Nhi);
    assert_eq!(graph::tier_of(&g, bot), 2);
}
