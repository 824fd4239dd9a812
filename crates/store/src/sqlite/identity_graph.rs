//! The identity graph: nodes by key and edges, replaced whole on each save. Nodes load in
//! insertion order (their rowid), which node numbering follows.

use super::db;
use crate::codec::{parse, stamp, to_json};
use crate::rows::{EdgeRow, edge_kind, link_edge};
use crate::{StoreError, sql};
use rusqlite::{Connection, params};

pub(super) fn write(conn: &mut Connection, g: &graph::Graph) -> Result<(), StoreError> {
    let tx = conn.transaction().map_err(db)?;
    tx.execute_batch(sql::CLEAR_GRAPH).map_err(db)?;
    {
        let mut put_node = tx.prepare(sql::PUT_NODE).map_err(db)?;
        for (_, node) in g.nodes() {
            put_node.execute(params![node.key.as_str(), to_json(node)?]).map_err(db)?;
        }
        let mut put_edge = tx.prepare(sql::PUT_EDGE).map_err(db)?;
        for edge in g.edges() {
            let (Some(from), Some(to)) = (g.node(edge.from), g.node(edge.to)) else { continue };
            put_edge
                .execute(params![from.key.as_str(), to.key.as_str(), edge_kind(edge.kind)?, edge.learned.map(stamp)])
                .map_err(db)?;
        }
    }
    tx.commit().map_err(db)
}

pub(super) fn read(conn: &Connection) -> Result<graph::Graph, StoreError> {
    let mut g = graph::Graph::new();
    let mut nodes = conn.prepare("SELECT key, body FROM graph_nodes ORDER BY rowid").map_err(db)?;
    let rows = nodes.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))).map_err(db)?;
    for row in rows {
        let (key, body) = row.map_err(db)?;
        g.upsert(parse::<graph::Node>(&key, &body)?);
    }
    let mut edges =
        conn.prepare("SELECT from_key, to_key, kind, learned FROM graph_edges ORDER BY rowid").map_err(db)?;
    let rows = edges
        .query_map([], |r| Ok(EdgeRow { from: r.get(0)?, to: r.get(1)?, kind: r.get(2)?, learned: r.get(3)? }))
        .map_err(db)?;
    for row in rows {
        link_edge(&mut g, row.map_err(db)?)?;
    }
    Ok(g)
}
