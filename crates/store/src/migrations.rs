//! The schema, as an ordered list of migrations. A database records the versions applied
//! in `schema_version`; opening it applies the ones it lacks, each in its own transaction.
//! Never edit a migration that has shipped: add the next one.

/// Migrations in order; version n is `MIGRATIONS[n - 1]`.
pub const MIGRATIONS: &[&str] = &[
    // 1: incidents and findings, each a JSON body plus the columns queries sort and filter on.
    "CREATE TABLE incidents (
        id         TEXT PRIMARY KEY,
        provider   TEXT NOT NULL,
        tenant     TEXT NOT NULL,
        identity   TEXT NOT NULL,
        risk_score INTEGER NOT NULL,
        severity   TEXT NOT NULL,
        first      TEXT NOT NULL,
        last       TEXT NOT NULL,
        body       TEXT NOT NULL
    );
    CREATE INDEX incidents_queue ON incidents (risk_score DESC, first);
    CREATE TABLE findings (
        id         TEXT PRIMARY KEY,
        incident   TEXT NOT NULL,
        detector   TEXT NOT NULL,
        severity   TEXT NOT NULL,
        time       TEXT NOT NULL,
        body       TEXT NOT NULL
    );
    CREATE INDEX findings_incident ON findings (incident, time);",
    // 2: the identity graph: nodes by key, edges by (from, to, kind), with when each edge was
    // learned from an event (NULL for inventory imports).
    "CREATE TABLE graph_nodes (
        key  TEXT PRIMARY KEY,
        body TEXT NOT NULL
    );
    CREATE TABLE graph_edges (
        from_key TEXT NOT NULL,
        to_key   TEXT NOT NULL,
        kind     TEXT NOT NULL,
        learned  TEXT,
        PRIMARY KEY (from_key, to_key, kind)
    );",
    // 3: events, each a JSON body under a sequence number that only grows (AUTOINCREMENT:
    // never reused, even after deletes), stored once per (provider, tenant, provider event
    // id, action, time, category).
    "CREATE TABLE events (
        seq      INTEGER PRIMARY KEY AUTOINCREMENT,
        provider TEXT NOT NULL,
        tenant   TEXT NOT NULL,
        event_id TEXT NOT NULL,
        action   TEXT NOT NULL,
        time     TEXT NOT NULL,
        category TEXT NOT NULL,
        body     TEXT NOT NULL,
        UNIQUE (provider, tenant, event_id, action, time, category)
    );",
];

/// The version a fully migrated database is at.
pub fn latest() -> i64 {
    i64::try_from(MIGRATIONS.len()).unwrap_or(i64::MAX)
}
