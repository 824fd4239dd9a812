//! With the identity graph loaded, the same factor change ranks by what the identity can
//! reach: a tier 0 administrator's incident above an ordinary user's, and the finding says
//! what the administrator controls.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod story;

use graph::{EdgeKind, Graph, NodeKind};
use model::{Provider, Severity};
use story::*;

const T: &str = "acme.okta.com";

/// alice holds Okta's Help Desk Administrator role through a group; bob holds nothing;
/// carol owns the payments service's API token.
fn inventory() -> Graph {
    let mut g = Graph::new();
    let alice = g.ensure(Provider::Okta, T, NodeKind::Human, "00u1alice", "alice@acme.com");
    g.ensure(Provider::Okta, T, NodeKind::Human, "00u2bob", "bob@acme.com");
    let helpdesk = g.ensure(Provider::Okta, T, NodeKind::Group, "00g-help", "Help Desk");
    let role = g.ensure(Provider::Okta, T, NodeKind::Role, "HELP_DESK_ADMIN", "Help Desk Administrator");
    g.node_mut(role).unwrap().role_tier = graph::role_tier(Provider::Okta, "HELP_DESK_ADMIN");
    for (power, scope) in graph::role_powers(Provider::Okta, "HELP_DESK_ADMIN") {
        let scope = g.scope(Provider::Okta, T, *scope);
        g.link(role, scope, *power, None);
    }
    g.link(alice, helpdesk, EdgeKind::MemberOf, None);
    g.link(helpdesk, role, EdgeKind::HasRole, None);
    g
}

fn bind_for(uuid: &str, who: (&str, &str)) -> String {
    okta(&t(7, 10, 0), "user.mfa.factor.activate", uuid)
        .by("00u9mal", "mallory@acme.com")
        .on(who.0, who.1)
        .enrollment(&format!("mfa-{uuid}"), "Okta Verify")
        .from(HELPDESK_DESK)
        .line()
}

#[test]
fn the_same_delegated_change_ranks_a_tier_0_administrator_above_a_tier_2_user() {
    let lines =
        [bind_for("a1", ("00u1alice", "alice@acme.com")), bind_for("b1", ("00u2bob", "bob@acme.com"))].join("\n");
    let report = common::hunt_with_graph(OKTA_TENANT, inventory(), &[("okta.ndjson", &lines)]);
    let alice = report.incidents.iter().find(|i| i.identity.id == "00u1alice").unwrap();
    let bob = report.incidents.iter().find(|i| i.identity.id == "00u2bob").unwrap();
    assert_eq!((alice.identity.tier, bob.identity.tier), (0, 2));
    assert!(alice.risk_score > bob.risk_score, "{} vs {}", alice.risk_score, bob.risk_score);
    assert_eq!(report.incidents[0].id, alice.id, "the queue starts with the administrator");

    let fw004 = report.findings.iter().find(|f| f.detector == "FW-004" && f.identity.id == "00u1alice").unwrap();
    assert_eq!(fw004.severity, Severity::High);
    let fw001 = report.findings.iter().find(|f| f.detector == "FW-001" && f.identity.id == "00u1alice");
    assert!(fw001.is_some(), "a tier 0 identity's factor change is FW-001");
    assert_eq!(fw004.blast_radius.identities, 2, "every identity of the tenant the graph knows");
    assert_eq!(fw004.blast_radius.top[0], "alice@acme.com → Help Desk → Help Desk Administrator → every identity");
    let bob_finding = report.findings.iter().find(|f| f.identity.id == "00u2bob").unwrap();
    assert_eq!(bob_finding.severity, Severity::Medium);
    assert!(bob_finding.blast_radius.top.is_empty());
}

#[test]
fn a_role_grant_seen_in_the_logs_makes_later_changes_privileged() {
    let grant = okta(&t(6, 9, 0), "user.account.privilege.grant", "grant")
        .by("00u0root", "root@acme.com")
        .on("00u2bob", "bob@acme.com")
        .line()
        .replace(r#""debugData":{"#, r#""debugData":{"privilegeGranted":"Super Administrator","#);
    let lines = [grant, bind_for("b1", ("00u2bob", "bob@acme.com"))].join("\n");
    let report = common::hunt(OKTA_TENANT, &[("okta.ndjson", &lines)]);
    let fw004 = report.findings.iter().find(|f| f.detector == "FW-004").unwrap();
    assert_eq!(fw004.identity.tier, 0, "{:#?}", common::fired(&report));
    assert_eq!(fw004.severity, Severity::High);
    assert!(report.graph.edges().any(|e| e.learned.is_some()), "the grant is an edge learned from the event");
}
