//! The identity graph round-trips, and a save replaces the last.

use crate::support::Backend;
use graph::{EdgeKind, Graph, NodeKind, Scope};
use model::Provider;

pub fn the_identity_graph_round_trips_and_a_save_replaces_the_last(db: &dyn Backend) {
    let mut g = Graph::new();
    let alice = g.ensure(Provider::Entra, "contoso", NodeKind::Human, "u1", "alice@contoso.com");
    let role = g.ensure(Provider::Entra, "contoso", NodeKind::Role, "r1", "Application Administrator");
    g.node_mut(role).unwrap().role_tier = Some(1);
    let every = g.scope(Provider::Entra, "contoso", Scope::AllNhi);
    let learned = chrono::DateTime::parse_from_rfc3339("2026-05-01T10:00:00Z").unwrap().with_timezone(&chrono::Utc);
    g.link(alice, role, EdgeKind::HasRole, Some(learned));
    g.link(role, every, EdgeKind::CanAddCredentials, None);
    let mut store = db.store();
    store.save_graph(&g).unwrap();
    let back = store.load_graph().unwrap();
    assert_eq!((back.len(), back.edge_count()), (3, 2));
    let alice_back = back.find_identity(Some(Provider::Entra), Some("contoso"), "u1").unwrap();
    assert_eq!(alice_back, alice, "nodes load in the order they were saved");
    assert_eq!(graph::tier_of(&back, alice_back), 1);
    assert_eq!(back.blast_summary(alice_back, 3).top, g.blast_summary(alice, 3).top);
    assert!(back.out_edges(alice_back).any(|e| e.learned == Some(learned)));

    store.save_graph(&Graph::new()).unwrap();
    assert!(store.load_graph().unwrap().is_empty());
}
