//! The PostgreSQL store, chosen by URL. It keeps the same records as [`crate::Sqlite`] and
//! answers the same queries; the schema is in `postgres_migrations`.

use crate::codec::{EventKey, seq_id, stamp, unstamp};
use crate::postgres_migrations::{MIGRATIONS, latest};
use crate::{Appended, Saved, Store, StoreError};
use chrono::Utc;
use model::{Event, Finding, Incident};
use postgres::{Client, NoTls};
use serde_json::Value;
use std::sync::{Mutex, MutexGuard};

/// A key for `pg_advisory_xact_lock`, so that two processes opening the same database do
/// not migrate it at once.
const MIGRATION_LOCK: i64 = 0x6677_6d69_6772_6174; // "fwmigrat"

pub struct Postgres {
    // The trait reads through `&self`; the client needs `&mut`. The mutex also makes the
    // store `Sync`, for sharing behind an `Arc`.
    client: Mutex<Client>,
}

fn db(e: postgres::Error) -> StoreError {
    StoreError::Database(match e.as_db_error() {
        Some(d) => format!("{}: {}", d.severity(), d.message()),
        None => with_causes(&e),
    })
}

/// The error's text followed by each cause's, `a: b: c`, skipping causes it already shows.
fn with_causes(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        let more = c.to_string();
        if !text.contains(&more) {
            text = format!("{text}: {more}");
        }
        cause = c.source();
    }
    text
}

fn to_value<T: serde::Serialize>(value: &T) -> Result<Value, StoreError> {
    serde_json::to_value(value).map_err(|e| StoreError::Database(format!("cannot encode a record: {e}")))
}

fn from_value<T: serde::de::DeserializeOwned>(id: &str, body: Value) -> Result<T, StoreError> {
    serde_json::from_value(body).map_err(|e| StoreError::Corrupt { id: id.to_string(), reason: e.to_string() })
}

fn limit_of(limit: usize) -> i64 {
    i64::try_from(limit).unwrap_or(i64::MAX)
}

/// The URL with any password replaced by `***`, for error messages.
pub(crate) fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_string() };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((user_info, host)) if user_info.contains(':') => {
            let user = user_info.split(':').next().unwrap_or_default();
            format!("{scheme}://{user}:***@{host}{path}")
        }
        _ => url.to_string(),
    }
}

impl Postgres {
    /// Connects to the database at `url` (`postgres://user@host:5432/name`, or a key=value
    /// string) and brings it to the latest schema. Tables go in the connection's
    /// `search_path`; `?options=-c%20search_path%3Dname` in the URL picks a schema.
    pub fn connect(url: &str) -> Result<Postgres, StoreError> {
        let client = Client::connect(url, NoTls)
            .map_err(|e| StoreError::Open { path: redact(url), reason: db(e).to_string() })?;
        let mut store = Postgres { client: Mutex::new(client) };
        store.migrate()?;
        Ok(store)
    }

    fn client(&self) -> Result<MutexGuard<'_, Client>, StoreError> {
        self.client.lock().map_err(|_| StoreError::Database("the connection was poisoned by a panic".into()))
    }

    fn client_mut(&mut self) -> Result<&mut Client, StoreError> {
        self.client.get_mut().map_err(|_| StoreError::Database("the connection was poisoned by a panic".into()))
    }

    fn migrate(&mut self) -> Result<(), StoreError> {
        let client = self.client_mut()?;
        let mut tx = client.transaction().map_err(db)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK]).map_err(db)?;
        tx.batch_execute(
            "CREATE TABLE IF NOT EXISTS schema_version (version BIGINT PRIMARY KEY, applied TEXT NOT NULL)",
        )
        .map_err(db)?;
        let current = version_in(&mut tx)?;
        if current > latest() {
            return Err(StoreError::TooNew { found: current, known: latest() });
        }
        tx.commit().map_err(db)?;
        for (index, sql) in MIGRATIONS.iter().enumerate() {
            let version = i64::try_from(index).unwrap_or(i64::MAX).saturating_add(1);
            let mut tx = client.transaction().map_err(db)?;
            tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK]).map_err(db)?;
            // Read again under the lock: another process may have applied it meanwhile.
            if version <= version_in(&mut tx)? {
                continue;
            }
            tx.batch_execute(sql).map_err(db)?;
            tx.execute(
                "INSERT INTO schema_version (version, applied) VALUES ($1, $2)",
                &[&version, &stamp(Utc::now())],
            )
            .map_err(db)?;
            tx.commit().map_err(db)?;
        }
        Ok(())
    }
}

fn version_in(client: &mut impl postgres::GenericClient) -> Result<i64, StoreError> {
    let row = client.query_one("SELECT COALESCE(MAX(version), 0) FROM schema_version", &[]).map_err(db)?;
    row.try_get(0).map_err(db)
}

impl Store for Postgres {
    fn save_report(&mut self, incidents: &[Incident], findings: &[Finding]) -> Result<Saved, StoreError> {
        let mut tx = self.client_mut()?.transaction().map_err(db)?;
        let put_incident = tx
            .prepare(
                "INSERT INTO incidents (id, provider, tenant, identity, risk_score, severity, first, last, body)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                 ON CONFLICT (id) DO UPDATE SET provider = excluded.provider, tenant = excluded.tenant,
                   identity = excluded.identity, risk_score = excluded.risk_score,
                   severity = excluded.severity, first = excluded.first, last = excluded.last,
                   body = excluded.body",
            )
            .map_err(db)?;
        for i in incidents {
            tx.execute(
                &put_incident,
                &[
                    &i.id,
                    &i.identity.provider.as_str(),
                    &i.identity.tenant.as_str(),
                    &i.identity.id.as_str(),
                    &i32::from(i.risk_score),
                    &i.severity.as_str(),
                    &stamp(i.first),
                    &stamp(i.last),
                    &to_value(i)?,
                ],
            )
            .map_err(db)?;
        }
        let put_finding = tx
            .prepare(
                "INSERT INTO findings (id, incident, detector, severity, time, body)
                 VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (id) DO UPDATE SET incident = excluded.incident, detector = excluded.detector,
                   severity = excluded.severity, time = excluded.time, body = excluded.body",
            )
            .map_err(db)?;
        for f in findings {
            tx.execute(
                &put_finding,
                &[&f.id, &f.incident, &f.detector.as_str(), &f.severity.as_str(), &stamp(f.time), &to_value(f)?],
            )
            .map_err(db)?;
        }
        tx.commit().map_err(db)?;
        Ok(Saved { incidents: incidents.len(), findings: findings.len() })
    }

    fn incidents(&self, limit: usize) -> Result<Vec<Incident>, StoreError> {
        let rows = self
            .client()?
            .query("SELECT id, body FROM incidents ORDER BY risk_score DESC, first, id LIMIT $1", &[&limit_of(limit)])
            .map_err(db)?;
        rows.into_iter()
            .map(|r| from_value(&r.try_get::<_, String>(0).map_err(db)?, r.try_get(1).map_err(db)?))
            .collect()
    }

    fn findings_for(&self, incident: &str) -> Result<Vec<Finding>, StoreError> {
        let rows = self
            .client()?
            .query("SELECT id, body FROM findings WHERE incident = $1 ORDER BY time, id", &[&incident])
            .map_err(db)?;
        rows.into_iter()
            .map(|r| from_value(&r.try_get::<_, String>(0).map_err(db)?, r.try_get(1).map_err(db)?))
            .collect()
    }

    fn schema_version(&self) -> Result<i64, StoreError> {
        version_in(&mut *self.client()?)
    }

    fn save_graph(&mut self, g: &graph::Graph) -> Result<(), StoreError> {
        let mut tx = self.client_mut()?.transaction().map_err(db)?;
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

    fn load_graph(&self) -> Result<graph::Graph, StoreError> {
        let mut client = self.client()?;
        let mut g = graph::Graph::new();
        for row in client.query("SELECT key, body FROM graph_nodes ORDER BY pos", &[]).map_err(db)? {
            let key: String = row.try_get(0).map_err(db)?;
            g.upsert(from_value::<graph::Node>(&key, row.try_get(1).map_err(db)?)?);
        }
        for row in
            client.query("SELECT from_key, to_key, kind, learned FROM graph_edges ORDER BY pos", &[]).map_err(db)?
        {
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

    fn append_events(&mut self, events: &[Event]) -> Result<Appended, StoreError> {
        let mut tx = self.client_mut()?.transaction().map_err(db)?;
        // One appender at a time (readers go on): sequence numbers are taken at insert, so
        // without this a later number could commit before an earlier one, and a reader
        // following `events_after` would skip the earlier for good.
        tx.batch_execute("LOCK TABLE events IN SHARE ROW EXCLUSIVE MODE").map_err(db)?;
        let put = tx
            .prepare(
                "INSERT INTO events (provider, tenant, event_id, action, time, category, body)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)
                 ON CONFLICT (provider, tenant, event_id, action, time, category) DO NOTHING",
            )
            .map_err(db)?;
        let mut stored = 0u64;
        for event in events {
            let k = EventKey::of(event);
            stored += tx
                .execute(&put, &[&k.provider, &k.tenant, &k.id, &k.action, &k.time, &k.category, &to_value(event)?])
                .map_err(db)?;
        }
        tx.commit().map_err(db)?;
        let stored = usize::try_from(stored).unwrap_or(usize::MAX);
        Ok(Appended { stored, duplicates: events.len().saturating_sub(stored) })
    }

    fn events_after(&self, seq: i64, limit: usize) -> Result<Vec<(i64, Event)>, StoreError> {
        let rows = self
            .client()?
            .query("SELECT seq, body FROM events WHERE seq > $1 ORDER BY seq LIMIT $2", &[&seq, &limit_of(limit)])
            .map_err(db)?;
        rows.into_iter()
            .map(|r| {
                let seq: i64 = r.try_get(0).map_err(db)?;
                Ok((seq, from_value(&seq_id(seq), r.try_get(1).map_err(db)?)?))
            })
            .collect()
    }

    fn last_event_seq(&self) -> Result<i64, StoreError> {
        let row = self.client()?.query_one("SELECT COALESCE(MAX(seq), 0) FROM events", &[]).map_err(db)?;
        row.try_get(0).map_err(db)
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn a_password_in_the_url_is_not_shown() {
        assert_eq!(redact("postgres://fw:s3cret@db:5432/fw"), "postgres://fw:***@db:5432/fw");
        assert_eq!(redact("postgres://postgres@127.0.0.1:5432/test"), "postgres://postgres@127.0.0.1:5432/test");
        assert_eq!(redact("host=db user=fw"), "host=db user=fw");
    }
}
