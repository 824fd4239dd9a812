//! The identity graph: nodes by key and edges, replaced whole on each save. `pos` keeps
//! insertion order, which node numbering follows on load.

use super::{db, from_value, to_value};
use crate::StoreError;
use crate::codec::{stamp, unstamp};
use postgres::Client;
use serde_json::Value;

pub(super) fn write(client: &mut Client, g: &graph::Graph) -> Result<(), StoreError> {
    let mut tx = client.transaction().map_err(db)?;
    tx.batch_execute("DELETE FROM graph_edges; DELETE FROM graph_nodes;").map_err(db)?;
    let put_node = tx.prepare("INSERT INTO graph_nodes (key, body) VALUES ($1, $2)").map_err(db)?;
    for (_, node) in g.nodes() {
        tx.execute(&put_node, &[&node.key.as_str(), &to_value(node)?]).map_err(db)?;
    }
    let put_edge = tx
        .prepare(
            "INSERT INTO graph_edges (from_key, to_key, kind, learned) VALUES ($1, $2, $3, $4)
             ON CONFLICT DO NOTHING",
        )
        .map_err(db)?;
    for edge in g.edges() {
        let (Some(from), Some(to)) = (g.node(edge.from), g.node(edge.to)) else { continue };
        let kind = to_value(&edge.kind)?;
        tx.execute(
            &put_edge,
            &[&from.key.as_str(), &to.key.as_str(), &kind.as_str().unwrap_or_default(), &edge.learned.map(stamp)],
        )
        .map_err(db)?;
    }
    tx.commit().map_err(db)
}

pub(super) fn read(client: &mut Client) -> Result<graph::Graph, StoreError> {
    let mut g = graph::Graph::new();
    for row in client.query("SELECT key, body FROM graph_nodes ORDER BY pos", &[]).map_err(db)? {
        let key: String = row.try_get(0).map_err(db)?;
        g.upsert(from_value::<graph::Node>(&key, row.try_get(1).map_err(db)?)?);
    }
    for row in client.query("SELECT from_key, to_key, kind, learned FROM graph_edges ORDER BY pos", &[]).map_err(db)? {
        let (from, to): (String, String) = (row.try_get(0).map_err(db)?, row.try_get(1).map_err(db)?);
        let (kind, learned): (String, Option<String>) = (row.try_get(2).map_err(db)?, row.try_get(3).map_err(db)?);
        let id = format!("{from} -> {to}");
        let kind: graph::EdgeKind = from_value(&id, Value::String(kind))?;
        let learned = learned.and_then(|t| unstamp(&t));
        let (Some(from), Some(to)) = (g.find(&from), g.find(&to)) else {
            return Err(StoreError::Corrupt { id, reason: "edge names a node that is not stored".into() });
        };
        g.link(from, to, kind, learned);
    }
    Ok(g)
}
