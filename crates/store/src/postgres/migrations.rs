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
    // 4: the service, as in SQLite's migration 4. Logins are folded with `translate` over
    // A-Z, not `lower()`, so that they fold as the Rust side does (ASCII only) whatever the
    // database's locale.
    "CREATE TABLE incident_status (
        incident TEXT PRIMARY KEY,
        status   TEXT NOT NULL,
        changed  TEXT NOT NULL
    );
    CREATE TABLE comments (
        id       BIGSERIAL PRIMARY KEY,
        incident TEXT NOT NULL,
        author   TEXT NOT NULL,
        time     TEXT NOT NULL,
        text     TEXT NOT NULL
    );
    CREATE INDEX comments_incident ON comments (incident, time);
    CREATE TABLE audit_log (
        seq    BIGSERIAL PRIMARY KEY,
        time   TEXT NOT NULL,
        actor  TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT NOT NULL,
        detail JSONB NOT NULL
    );
    CREATE INDEX audit_log_target ON audit_log (target, seq);
    CREATE TABLE tokens (
        id      TEXT PRIMARY KEY,
        name    TEXT NOT NULL,
        role    TEXT NOT NULL,
        hash    TEXT NOT NULL UNIQUE,
        created TEXT NOT NULL,
        revoked TEXT
    );
    CREATE TABLE deliveries (
        id           BIGSERIAL PRIMARY KEY,
        sink         TEXT NOT NULL,
        finding      TEXT NOT NULL,
        state        TEXT NOT NULL,
        attempts     BIGINT NOT NULL DEFAULT 0,
        next_attempt TEXT NOT NULL,
        last_error   TEXT,
        UNIQUE (sink, finding)
    );
    CREATE INDEX deliveries_due ON deliveries (sink, state, next_attempt);
    CREATE INDEX deliveries_finding ON deliveries (finding);
    CREATE TABLE snapshots (
        id    INTEGER PRIMARY KEY CHECK (id = 1),
        seq   BIGINT NOT NULL,
        data  BYTEA NOT NULL,
        saved TEXT NOT NULL
    );
    ALTER TABLE events ADD COLUMN subject_id TEXT;
    ALTER TABLE events ADD COLUMN subject_name TEXT;
    CREATE INDEX events_subject_id ON events (provider, tenant, subject_id, time);
    CREATE INDEX events_subject_name ON events (provider, tenant, subject_name, time);
    ALTER TABLE incidents ADD COLUMN severity_rank BIGINT NOT NULL DEFAULT 0;
    ALTER TABLE incidents ADD COLUMN identity_name TEXT;
    UPDATE incidents SET
        severity_rank = CASE severity WHEN 'low' THEN 1 WHEN 'medium' THEN 2 WHEN 'high' THEN 3
                                      WHEN 'critical' THEN 4 ELSE 0 END,
        identity_name = translate(body->'identity'->>'name', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
                                  'abcdefghijklmnopqrstuvwxyz');
    CREATE INDEX incidents_identity ON incidents (identity);
    CREATE INDEX incidents_identity_name ON incidents (identity_name);
    CREATE TABLE incident_detectors (
        incident TEXT NOT NULL,
        detector TEXT NOT NULL,
        PRIMARY KEY (incident, detector)
    );
    CREATE INDEX incident_detectors_detector ON incident_detectors (detector);
    INSERT INTO incident_detectors (incident, detector)
        SELECT id, jsonb_array_elements_text(body->'detectors') FROM incidents
        ON CONFLICT DO NOTHING;
    ALTER TABLE findings ADD COLUMN provider TEXT NOT NULL DEFAULT '';
    ALTER TABLE findings ADD COLUMN tenant TEXT NOT NULL DEFAULT '';
    ALTER TABLE findings ADD COLUMN identity TEXT NOT NULL DEFAULT '';
    ALTER TABLE findings ADD COLUMN identity_name TEXT;
    ALTER TABLE findings ADD COLUMN severity_rank BIGINT NOT NULL DEFAULT 0;
    UPDATE findings SET
        provider = body->'identity'->>'provider',
        tenant = body->'identity'->>'tenant',
        identity = body->'identity'->>'id',
        identity_name = translate(body->'identity'->>'name', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
                                  'abcdefghijklmnopqrstuvwxyz'),
        severity_rank = CASE severity WHEN 'low' THEN 1 WHEN 'medium' THEN 2 WHEN 'high' THEN 3
                                      WHEN 'critical' THEN 4 ELSE 0 END;
    CREATE INDEX findings_time ON findings (time DESC, id);
    CREATE INDEX findings_identity ON findings (identity);
    CREATE INDEX findings_identity_name ON findings (identity_name);
    CREATE INDEX findings_detector ON findings (detector, time);",
    // 5: the decision point's ledger: decisions, approvals (swapped on `version`), and
    // revalidation campaigns, each kept whole as JSON beside the columns they are found by.
    "CREATE TABLE decisions (
        id       TEXT PRIMARY KEY,
        provider TEXT NOT NULL,
        tenant   TEXT NOT NULL,
        identity TEXT NOT NULL,
        time     TEXT NOT NULL,
        state    TEXT NOT NULL,
        version  BIGINT NOT NULL,
        body     TEXT NOT NULL
    );
    CREATE INDEX decisions_identity ON decisions (provider, tenant, identity);
    CREATE TABLE approvals (
        id       TEXT PRIMARY KEY,
        provider TEXT NOT NULL,
        tenant   TEXT NOT NULL,
        identity TEXT NOT NULL,
        time     TEXT NOT NULL,
        state    TEXT NOT NULL,
        version  BIGINT NOT NULL,
        body     TEXT NOT NULL
    );
    CREATE INDEX approvals_identity ON approvals (provider, tenant, identity);
    CREATE INDEX approvals_state ON approvals (state, time);
    CREATE TABLE campaigns (
        id      TEXT PRIMARY KEY,
        time    TEXT NOT NULL,
        version BIGINT NOT NULL,
        body    TEXT NOT NULL
    );",
    // 6: decision point notices, delivered by the sinks beside findings.
    crate::sql::NOTICES_MIGRATION,
    // 7: who is on each incident.
    crate::sql::ASSIGNEES_MIGRATION,
    // 8: each event's raw provider record, deflated (`crate::raw`); NULL when none was kept
    // (events from before, or `keep_raw_records = false`). A column rather than a table:
    // written by the same insert, it is stored once per stored event and goes with it.
    "ALTER TABLE events ADD COLUMN raw BYTEA;",
];

/// The version a fully migrated database is at.
pub fn latest() -> i64 {
    i64::try_from(MIGRATIONS.len()).unwrap_or(i64::MAX)
}
