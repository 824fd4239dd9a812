//! The graph as plain data, for snapshots of a running service: its nodes in id order,
//! its live edges in the order they were learned, and its lookups by name. Loading
//! rebuilds the indexes with `upsert` and `link`, so node ids and edge order (which the
//! blast-radius walk follows) are the same as before.

use crate::graph::{Edge, Graph, Node, NodeId};
use model::Provider;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::HashMap;

#[derive(Serialize)]
struct Saved<'a> {
    nodes: Vec<&'a Node>,
    edges: Vec<&'a Edge>,
    names: Vec<(&'a (Provider, String), &'a NodeId)>,
}

#[derive(Deserialize)]
struct Loaded {
    nodes: Vec<Node>,
    edges: Vec<Edge>,
    names: Vec<((Provider, String), NodeId)>,
}

impl Serialize for Graph {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut names: Vec<_> = self.names().collect();
        // Sorted, so that the same graph always gives the same bytes.
        names.sort_unstable();
        Saved { nodes: self.nodes().map(|(_, n)| n).collect(), edges: self.edges().collect(), names }.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Graph {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Graph, D::Error> {
        let loaded = Loaded::deserialize(d)?;
        let mut graph = Graph::new();
        let count = loaded.nodes.len();
        for (expected, node) in loaded.nodes.into_iter().enumerate() {
            let key = node.key.clone();
            if graph.upsert(node) as usize != expected {
                return Err(D::Error::custom(format!("graph: node key `{key}` appears twice")));
            }
        }
        let in_range = |id: NodeId| (id as usize) < count;
        for edge in loaded.edges {
            if !in_range(edge.from) || !in_range(edge.to) {
                return Err(D::Error::custom(format!(
                    "graph: edge {} -> {} refers to a node past the {count} nodes",
                    edge.from, edge.to
                )));
            }
            graph.link(edge.from, edge.to, edge.kind, edge.learned);
        }
        let mut names = HashMap::with_capacity(loaded.names.len());
        for (name, id) in loaded.names {
            if !in_range(id) {
                return Err(D::Error::custom(format!("graph: name `{}` refers to node {id} past the {count}", name.1)));
            }
            names.insert(name, id);
        }
        graph.set_names(names);
        Ok(graph)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use crate::graph::{EdgeKind, Graph, NodeKind};
    use model::Provider;

    fn sample() -> Graph {
        let mut g = Graph::new();
        let alice = g.ensure(Provider::Okta, "acme", NodeKind::Human, "00u1", "00u1");
        let admins = g.ensure(Provider::Okta, "acme", NodeKind::Group, "g1", "admins");
        let role = g.ensure(Provider::Okta, "acme", NodeKind::Role, "SUPER_ADMIN", "SUPER_ADMIN");
        let bob = g.ensure(Provider::Okta, "acme", NodeKind::Human, "00u2", "bob@acme.com");
        g.link(alice, admins, EdgeKind::MemberOf, None);
        g.link(bob, role, EdgeKind::HasRole, None);
        g.link(admins, role, EdgeKind::HasRole, chrono::DateTime::from_timestamp(1_777_593_600, 0));
        g.unlink(bob, role, EdgeKind::HasRole);
        g.link(bob, role, EdgeKind::HasRole, None);
        // Renamed after it was first seen: its lookups stay those it had.
        g.ensure(Provider::Okta, "acme", NodeKind::Human, "00u1", "x");
        if let Some(n) = g.node_mut(alice) {
            n.name = "alice@acme.com".into();
        }
        g
    }

    #[test]
    fn a_graph_round_trips_with_its_ids_edges_and_lookups() {
        let g = sample();
        let back: Graph = serde_json::from_str(&serde_json::to_string(&g).unwrap()).unwrap();
        assert_eq!(back.nodes().collect::<Vec<_>>(), g.nodes().collect::<Vec<_>>());
        assert_eq!(back.edges().collect::<Vec<_>>(), g.edges().collect::<Vec<_>>());
        for id in 0..g.len() as u32 {
            assert_eq!(back.out_edges(id).collect::<Vec<_>>(), g.out_edges(id).collect::<Vec<_>>());
            assert_eq!(back.in_edges(id).collect::<Vec<_>>(), g.in_edges(id).collect::<Vec<_>>());
        }
        for who in ["00u1", "alice@acme.com", "bob@acme.com", "00u2"] {
            assert_eq!(
                back.find_identity(Some(Provider::Okta), Some("other"), who),
                g.find_identity(Some(Provider::Okta), Some("other"), who),
                "{who}"
            );
        }
        assert_eq!(back.find_identity(Some(Provider::Okta), Some("other"), "alice@acme.com"), None);
        assert_eq!(serde_json::to_string(&back).unwrap(), serde_json::to_string(&g).unwrap());
    }

    #[test]
    fn a_graph_with_dangling_edges_or_duplicate_nodes_is_refused() {
        let g = sample();
        let mut json: serde_json::Value = serde_json::to_value(&g).unwrap();
        json["edges"][0]["to"] = 99.into();
        let err = serde_json::from_value::<Graph>(json).unwrap_err().to_string();
        assert!(err.contains("past the 4 nodes"), "{err}");
        let mut json: serde_json::Value = serde_json::to_value(&g).unwrap();
        let first = json["nodes"][0].clone();
        json["nodes"].as_array_mut().unwrap().push(first);
        let err = serde_json::from_value::<Graph>(json).unwrap_err().to_string();
        assert!(err.contains("appears twice"), "{err}");
    }
}
