//! The PostgreSQL schema, as an ordered list of migrations, kept apart from SQLite's because
//! the SQL differs (BIGSERIAL, JSONB). The same `schema_version` table records what is
//! applied. Never edit a migration that has shipped: add the next one.
//!
//! Times are the same fixed-width RFC 3339 text as in SQLite, so that ordering and the
//! event key are the same on both backends; bodies are JSONB, so that they can be queried.

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
        body       JSONB NOT NULL
    );
    CREATE INDEX incidents_queue ON incidents (risk_score DESC, first);
    CREATE TABLE findings (
        id         TEXT PRIMARY KEY,
        incident   TEXT NOT NULL,
        detector   TEXT NOT NULL,
        severity   TEXT NOT NULL,
        time       TEXT NOT NULL,
        body       JSONB NOT NULL
    );
    CREATE INDEX findings_incident ON findings (incident, time);",
    // 2: the identity graph. `pos` keeps insertion order, which node numbering follows on
    // load (SQLite uses its rowid for this).
    "CREATE TABLE graph_nodes (
        pos  BIGSERIAL,
        key  TEXT PRIMARY KEY,
        body JSONB NOT NULL
    );
    CREATE TABLE graph_edges (
        pos      BIGSERIAL,
        from_key TEXT NOT NULL,
        to_key   TEXT NOT NULL,
        kind     TEXT NOT NULL,
        learned  TEXT,
        PRIMARY KEY (from_key, to_key, kind)
    );",
    // 3: events, each a JSON body under a sequence number that only grows, stored once per
    // (provider, tenant, provider event id, action, time, category).
    "CREATE TABLE events (
        seq      BIGSERIAL PRIMARY KEY,
        provider TEXT NOT NULL,
        tenant   TEXT NOT NULL,
        event_id TEXT NOT NULL,
        action   TEXT NOT NULL,
        time     TEXT NOT NULL,
        category TEXT NOT NULL,
        body     JSONB NOT NULL,
        UNIQUE (provider, tenant, event_id, action, time, category)
    );",
];

/// The version a fully migrated database is at.
pub fn latest() -> i64 {
    i64::try_from(MIGRATIONS.len()).unwrap_or(i64::MAX)
}
