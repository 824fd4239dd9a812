//! The embedded store: one SQLite file.

use crate::codec::{EventKey, parse, seq_id, stamp, to_json, unstamp};
use crate::migrations::{MIGRATIONS, latest};
use crate::{Appended, Saved, Store, StoreError};
use chrono::Utc;
use model::{Event, Finding, Incident};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use std::path::Path;

pub struct Sqlite {
    conn: Connection,
}

fn db(e: rusqlite::Error) -> StoreError {
    StoreError::Database(e.to_string())
}

impl Sqlite {
    /// Opens (creating it and its directory if needed) and migrates the database at `path`.
    pub fn open(path: &Path) -> Result<Sqlite, StoreError> {
        let open_error = |reason: String| StoreError::Open { path: path.display().to_string(), reason };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| open_error(format!("cannot create its folder: {e}")))?;
        }
        let conn = Connection::open(path).map_err(|e| open_error(e.to_string()))?;
        Sqlite::with_connection(conn)
    }

    /// An in-memory database, for tests and dry runs.
    pub fn in_memory() -> Result<Sqlite, StoreError> {
        Sqlite::with_connection(Connection::open_in_memory().map_err(db)?)
    }

    fn with_connection(conn: Connection) -> Result<Sqlite, StoreError> {
        conn.busy_timeout(std::time::Duration::from_secs(5)).map_err(db)?;
        let mut store = Sqlite { conn };
        store.migrate()?;
        Ok(store)
    }

    fn migrate(&mut self) -> Result<(), StoreError> {
        self.conn
            .execute_batch(
                "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied TEXT NOT NULL)",
            )
            .map_err(db)?;
        let current = self.schema_version()?;
        if current > latest() {
            return Err(StoreError::TooNew { found: current, known: latest() });
        }
        for (index, sql) in MIGRATIONS.iter().enumerate() {
            let version = i64::try_from(index).unwrap_or(i64::MAX).saturating_add(1);
            if version <= current {
                continue;
            }
            let tx = self.conn.transaction().map_err(db)?;
            tx.execute_batch(sql).map_err(db)?;
            tx.execute(
                "INSERT INTO schema_version (version, applied) VALUES (?1, ?2)",
                params![version, stamp(Utc::now())],
            )
            .map_err(db)?;
            tx.commit().map_err(db)?;
        }
        Ok(())
    }
}

impl Store for Sqlite {
    fn save_report(&mut self, incidents: &[Incident], findings: &[Finding]) -> Result<Saved, StoreError> {
        let tx = self.conn.transaction().map_err(db)?;
        {
            let mut put_incident = tx
                .prepare(
                    "INSERT INTO incidents (id, provider, tenant, identity, risk_score, severity, first, last, body)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                     ON CONFLICT (id) DO UPDATE SET provider = excluded.provider, tenant = excluded.tenant,
                       identity = excluded.identity, risk_score = excluded.risk_score,
                       severity = excluded.severity, first = excluded.first, last = excluded.last,
                       body = excluded.body",
                )
                .map_err(db)?;
            for i in incidents {
                let body = to_json(i)?;
                put_incident
                    .execute(params![
                        i.id,
                        i.identity.provider.as_str(),
                        i.identity.tenant.as_str(),
                        i.identity.id.as_str(),
                        i.risk_score,
                        i.severity.as_str(),
                        stamp(i.first),
                        stamp(i.last),
                        body
                    ])
                    .map_err(db)?;
            }
            let mut put_finding = tx
                .prepare(
                    "INSERT INTO findings (id, incident, detector, severity, time, body)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                     ON CONFLICT (id) DO UPDATE SET incident = excluded.incident, detector = excluded.detector,
                       severity = excluded.severity, time = excluded.time, body = excluded.body",
                )
                .map_err(db)?;
            for f in findings {
                let body = to_json(f)?;
                put_finding
                    .execute(params![f.id, f.incident, f.detector.as_str(), f.severity.as_str(), stamp(f.time), body])
                    .map_err(db)?;
            }
        }
        tx.commit().map_err(db)?;
        Ok(Saved { incidents: incidents.len(), findings: findings.len() })
    }

    fn incidents(&self, limit: usize) -> Result<Vec<Incident>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let mut query = self
            .conn
            .prepare("SELECT id, body FROM incidents ORDER BY risk_score DESC, first, id LIMIT ?1")
            .map_err(db)?;
        let rows =
            query.query_map(params![limit], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))).map_err(db)?;
        rows.map(|row| row.map_err(db).and_then(|(id, body)| parse(&id, &body))).collect()
    }

    fn findings_for(&self, incident: &str) -> Result<Vec<Finding>, StoreError> {
        let mut query =
            self.conn.prepare("SELECT id, body FROM findings WHERE incident = ?1 ORDER BY time, id").map_err(db)?;
        let rows =
            query.query_map(params![incident], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))).map_err(db)?;
        rows.map(|row| row.map_err(db).and_then(|(id, body)| parse(&id, &body))).collect()
    }

    fn save_graph(&mut self, graph: &graph::Graph) -> Result<(), StoreError> {
        self.write_graph(graph)
    }

    fn load_graph(&self) -> Result<graph::Graph, StoreError> {
        self.read_graph()
    }

    fn append_events(&mut self, events: &[Event]) -> Result<Appended, StoreError> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db)?;
        let mut stored = 0;
        {
            let mut put = tx
                .prepare(
                    "INSERT INTO events (provider, tenant, event_id, action, time, category, body)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                     ON CONFLICT (provider, tenant, event_id, action, time, category) DO NOTHING",
                )
                .map_err(db)?;
            for event in events {
                let k = EventKey::of(event);
                stored += put
                    .execute(params![k.provider, k.tenant, k.id, k.action, k.time, k.category, to_json(event)?])
                    .map_err(db)?;
            }
        }
        tx.commit().map_err(db)?;
        Ok(Appended { stored, duplicates: events.len().saturating_sub(stored) })
    }

    fn events_after(&self, seq: i64, limit: usize) -> Result<Vec<(i64, Event)>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let mut query =
            self.conn.prepare("SELECT seq, body FROM events WHERE seq > ?1 ORDER BY seq LIMIT ?2").map_err(db)?;
        let rows =
            query.query_map(params![seq, limit], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))).map_err(db)?;
        rows.map(|row| row.map_err(db).and_then(|(seq, body)| Ok((seq, parse(&seq_id(seq), &body)?)))).collect()
    }

    fn last_event_seq(&self) -> Result<i64, StoreError> {
        self.conn.query_row("SELECT COALESCE(MAX(seq), 0) FROM events", [], |r| r.get(0)).map_err(db)
    }

    fn schema_version(&self) -> Result<i64, StoreError> {
        let version: Option<i64> = self
            .conn
            .query_row("SELECT MAX(version) FROM schema_version", [], |r| r.get(0))
            .optional()
            .map_err(db)?
            .flatten();
        Ok(version.unwrap_or(0))
    }
}

impl Sqlite {
    fn write_graph(&mut self, g: &graph::Graph) -> Result<(), StoreError> {
        let tx = self.conn.transaction().map_err(db)?;
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

    fn read_graph(&self) -> Result<graph::Graph, StoreError> {
        let mut g = graph::Graph::new();
        let mut nodes = self.conn.prepare("SELECT key, body FROM graph_nodes ORDER BY rowid").map_err(db)?;
        let rows = nodes.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))).map_err(db)?;
        for row in rows {
            let (key, body) = row.map_err(db)?;
            g.upsert(parse::<graph::Node>(&key, &body)?);
        }
        let mut edges =
            self.conn.prepare("SELECT from_key, to_key, kind, learned FROM graph_edges ORDER BY rowid").map_err(db)?;
        let rows = edges
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(3)?,
                ))
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
}
