//! The identity graph: nodes by key and edges, replaced whole on each save. `pos` keeps
//! insertion order, which node numbering follows on load.

use super::{db, from_value, to_value};
use crate::StoreError;
use crate::codec::stamp;
use crate::rows::{EdgeRow, edge_kind, link_edge};
use crate::sql::{self, dollar};
use postgres::Client;

pub(super) fn write(client: &mut Client, g: &graph::Graph) -> Result<(), StoreError> {
    let mut tx = client.transaction().map_err(db)?;
    tx.batch_execute(sql::CLEAR_GRAPH).map_err(db)?;
    let put_node = tx.prepare(&dollar(sql::PUT_NODE)).map_err(db)?;
    for (_, node) in g.nodes() {
        tx.execute(&put_node, &[&node.key.as_str(), &to_value(node)?]).map_err(db)?;
    }
    let put_edge = tx.prepare(&dollar(sql::PUT_EDGE)).map_err(db)?;
    for edge in g.edges() {
        let (Some(from), Some(to)) = (g.node(edge.from), g.node(edge.to)) else { continue };
        tx.execute(
            &put_edge,
            &[&from.key.as_str(), &to.key.as_str(), &edge_kind(edge.kind)?, &edge.learned.map(stamp)],
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
        let edge = EdgeRow {
            from: row.try_get(0).map_err(db)?,
            to: row.try_get(1).map_err(db)?,
            kind: row.try_get(2).map_err(db)?,
            learned: row.try_get(3).map_err(db)?,
        };
        link_edge(&mut g, edge)?;
    }
    Ok(g)
}
