//! The identity graph: nodes by key and edges, replaced whole on each save.

use super::db;
use crate::StoreError;
use crate::codec::{parse, stamp, to_json, unstamp};
use rusqlite::{Connection, params};

pub(super) fn write(conn: &mut Connection, g: &graph::Graph) -> Result<(), StoreError> {
    let tx = conn.transaction().map_err(db)?;
    tx.execute_batch("DELETE FROM graph_edges; DELETE FROM graph_nodes;").map_err(db)?;
    {
        let mut put_node = tx.prepare("INSERT INTO graph_nodes (key, body) VALUES (?1, ?2)").map_err(db)?;
        for (_, node) in g.nodes() {
            let body = to_json(node)?;
            put_node.execute(params![node.key.as_str(), body]).map_err(db)?;
        }
        let mut put_edge = tx
            .prepare("INSERT OR IGNORE INTO graph_edges (from_key, to_key, kind, learned) VALUES (?1, ?2, ?3, ?4)")
            .map_err(db)?;
        for edge in g.edges() {
            let (Some(from), Some(to)) = (g.node(edge.from), g.node(edge.to)) else { continue };
            let kind = serde_json::to_value(edge.kind).map_err(|e| StoreError::Database(e.to_string()))?;
            put_edge
                .execute(params![
                    from.key.as_str(),
                    to.key.as_str(),
                    kind.as_str().unwrap_or_default(),
                    edge.learned.map(stamp)
                ])
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
        .query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, Option<String>>(3)?))
        })
        .map_err(db)?;
    for row in rows {
        let (from, to, kind, learned) = row.map_err(db)?;
        let id = format!("{from} -> {to}");
        let kind: graph::EdgeKind = parse(&id, &format!("\"{kind}\""))?;
        let learned = learned.and_then(|t| unstamp(&t));
        let (Some(from), Some(to)) = (g.find(&from), g.find(&to)) else {
            return Err(StoreError::Corrupt { id, reason: "edge names a node that is not stored".into() });
        };
        g.link(from, to, kind, learned);
    }
    Ok(g)
}
