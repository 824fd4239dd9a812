//! The graph's own rules: tiers from roles and edges, blast radius with explaining paths,
//! edges learned from events.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use graph::{EdgeKind, Graph, NodeKind, Scope};
use model::Provider;

const T: &str = "contoso";

fn app_admin_graph() -> (Graph, u32, u32) {
    let mut g = Graph::new();
    let alice = g.ensure(Provider::Entra, T, NodeKind::Human, "u-alice", "alice@contoso.com");
    let bob = g.ensure(Provider::Entra, T, NodeKind::Human, "u-bob", "bob@contoso.com");
    let admins = g.ensure(Provider::Entra, T, NodeKind::Group, "g-apps", "app admins");
    let role = g.ensure(Provider::Entra, T, NodeKind::Role, "r-appadmin", "Application Administrator");
    g.node_mut(role).unwrap().role_tier = graph::role_tier(Provider::Entra, "Application Administrator");
    let every_nhi = g.scope(Provider::Entra, T, Scope::AllNhi);
    let payments = g.ensure(Provider::Entra, T, NodeKind::Nhi, "sp-pay", "payments-api");
    let secret = g.ensure(Provider::Entra, T, NodeKind::Secret, "key-1", "payments-api secret");
    g.link(alice, admins, EdgeKind::MemberOf, None);
    g.link(admins, role, EdgeKind::HasRole, None);
    g.link(role, every_nhi, EdgeKind::CanAddCredentials, None);
    g.link(bob, payments, EdgeKind::Owns, None);
    g.link(payments, secret, EdgeKind::HasSecret, None);
    (g, alice, bob)
}

#[test]
fn an_application_administrator_by_group_is_tier_1_and_reaches_every_nhi() {
    let (g, alice, _) = app_admin_graph();
    assert_eq!(graph::tier_of(&g, alice), 1);
    let summary = g.blast_summary(alice, 5);
    assert_eq!(summary.nhi, 1, "every NHI of the tenant: payments-api");
    assert_eq!(summary.roles, 1);
    assert_eq!(summary.top[0], "alice@contoso.com → app admins → Application Administrator → every non-human identity");
}

#[test]
fn an_owner_reaches_the_nhi_and_its_secret() {
    let (g, _, bob) = app_admin_graph();
    assert_eq!(graph::tier_of(&g, bob), 1);
    let summary = g.blast_summary(bob, 5);
    assert_eq!((summary.nhi, summary.secrets), (1, 1));
    assert!(summary.top.contains(&"bob@contoso.com → payments-api → payments-api secret".into()), "{:?}", summary.top);
}

#[test]
fn people_with_no_power_are_tier_2_with_an_empty_radius() {
    let mut g = Graph::new();
    let carol = g.ensure(Provider::Okta, T, NodeKind::Human, "00u3", "carol@acme.com");
    assert_eq!(graph::tier_of(&g, carol), 2);
    assert!(g.blast_radius(carol).is_empty());
}

#[test]
fn role_grants_learned_from_events_make_tier_0_and_revokes_undo_it() {
    let mut g = Graph::new();
    let line = r#"{"uuid":"e1","published":"2026-05-01T10:00:00Z","eventType":"user.account.privilege.grant","actor":{"id":"00u9","type":"User","alternateId":"root@acme.com"},"target":[{"id":"00u1","type":"User","alternateId":"alice@acme.com"}],"outcome":{"result":"SUCCESS"},"debugContext":{"debugData":{"privilegeGranted":"Super Administrator"}}}"#;
    let (events, _) = ingest::normalize_text("okta.ndjson", line, &ingest::Options::default());
    assert!(graph::learn(&mut g, &events[0]), "{:?}", events[0]);
    let alice = g.find_identity(Some(Provider::Okta), None, "00u1").unwrap();
    assert_eq!(graph::tier_of(&g, alice), 0);
    let revoke = line.replace("privilege.grant", "privilege.revoke").replace("\"e1\"", "\"e2\"");
    let (events, _) = ingest::normalize_text("okta.ndjson", &revoke, &ingest::Options::default());
    assert!(graph::learn(&mut g, &events[0]));
    assert_eq!(graph::tier_of(&g, alice), 2);
}

#[test]
fn an_nhi_signing_in_through_a_browser_is_marked_as_used_interactively() {
    let mut g = Graph::new();
    let sp = g.ensure(Provider::Entra, "t1", NodeKind::Nhi, "sp-report", "svc-reporting");
    let quiet = g.ensure(Provider::Entra, "t1", NodeKind::Nhi, "sp-quiet", "svc-quiet");
    let signin = |id: &str, ua: &str| {
        format!(
            r#"{{"id":"{id}","createdDateTime":"2026-05-30T08:15:00Z","userPrincipalName":"","userId":"sp-report","userDisplayName":"svc-reporting","ipAddress":"203.0.113.5","userAgent":"{ua}","status":{{"errorCode":0}},"appDisplayName":"Azure Portal"}}"#
        )
    };
    let text = [signin("s1", "python-requests/2.31"), signin("s2", "Mozilla/5.0 (Windows NT 10.0)")].join("\n");
    let mut opts = ingest::Options::default();
    opts.set_tenant(Provider::Entra, "t1");
    let (events, tally) = ingest::normalize_text("signins.ndjson", &text, &opts);
    assert!(tally.diagnostics.is_empty(), "{:?}", tally.diagnostics);
    assert!(!graph::learn(&mut g, &events[0]), "a script's sign-in is what an NHI does");
    assert!(g.node(sp).unwrap().interactive_use.is_none());
    assert!(graph::learn(&mut g, &events[1]));
    assert!(g.node(sp).unwrap().interactive_use.is_some());
    assert!(g.node(quiet).unwrap().interactive_use.is_none());
}
