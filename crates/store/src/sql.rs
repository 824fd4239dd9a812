//! The statements both backends run, each written once in SQLite's spelling (`?1`);
//! PostgreSQL runs them through [`dollar`], which only renumbers the placeholders. What a
//! backend does its own way (locks, arrays, row order) stays in that backend's files.

use crate::queries::LedgerTable;
use std::borrow::Cow;

/// PostgreSQL's spelling of `sql`: each `?n` placeholder becomes `$n`. The statements here
/// hold no `?` inside quoted text, so a `?` followed by digits is always a placeholder.
pub(crate) fn dollar(sql: &str) -> Cow<'_, str> {
    if !sql.contains('?') {
        return Cow::Borrowed(sql);
    }
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '?' && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('$');
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

// --- the schema version ---

pub(crate) const SCHEMA_VERSION: &str = "SELECT COALESCE(MAX(version), 0) FROM schema_version";
pub(crate) const RECORD_VERSION: &str = "INSERT INTO schema_version (version, applied) VALUES (?1, ?2)";

// --- events ---

pub(crate) const INSERT_EVENT: &str =
    "INSERT INTO events (provider, tenant, event_id, action, time, category, subject_id, subject_name, body, raw)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
     ON CONFLICT (provider, tenant, event_id, action, time, category) DO NOTHING";
pub(crate) const EVENTS_AFTER: &str = "SELECT seq, body FROM events WHERE seq > ?1 ORDER BY seq LIMIT ?2";
/// The packed raw record of the event with this key (NULL when none was kept).
pub(crate) const RAW_RECORD: &str = "SELECT seq, raw FROM events
     WHERE provider = ?1 AND tenant = ?2 AND event_id = ?3 AND action = ?4 AND time = ?5 AND category = ?6";
pub(crate) const LAST_EVENT_SEQ: &str = "SELECT COALESCE(MAX(seq), 0) FROM events";

// --- incidents and findings ---

pub(crate) const PUT_INCIDENT: &str = "INSERT INTO incidents
       (id, provider, tenant, identity, identity_name, risk_score, severity, severity_rank, first, last, body)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
     ON CONFLICT (id) DO UPDATE SET provider = excluded.provider, tenant = excluded.tenant,
       identity = excluded.identity, identity_name = excluded.identity_name,
       risk_score = excluded.risk_score, severity = excluded.severity,
       severity_rank = excluded.severity_rank, first = excluded.first, last = excluded.last,
       body = excluded.body";
pub(crate) const CLEAR_DETECTORS: &str = "DELETE FROM incident_detectors WHERE incident = ?1";
pub(crate) const PUT_DETECTOR: &str =
    "INSERT INTO incident_detectors (incident, detector) VALUES (?1, ?2) ON CONFLICT DO NOTHING";
pub(crate) const PUT_FINDING: &str =
    "INSERT INTO findings (id, incident, detector, provider, tenant, identity, identity_name, severity,
       severity_rank, time, body)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
     ON CONFLICT (id) DO UPDATE SET incident = excluded.incident, detector = excluded.detector,
       provider = excluded.provider, tenant = excluded.tenant, identity = excluded.identity,
       identity_name = excluded.identity_name, severity = excluded.severity,
       severity_rank = excluded.severity_rank, time = excluded.time, body = excluded.body";
pub(crate) const INCIDENT_QUEUE: &str = "SELECT id, body FROM incidents ORDER BY risk_score DESC, first, id LIMIT ?1";
pub(crate) const FINDINGS_OF_INCIDENT: &str = "SELECT id, body FROM findings WHERE incident = ?1 ORDER BY time, id";
pub(crate) const INCIDENT_WITH_STATUS: &str = "SELECT t.id, t.body, s.status, s.changed, a.assignee FROM incidents t
     LEFT JOIN incident_status s ON s.incident = t.id
     LEFT JOIN incident_assignees a ON a.incident = t.id WHERE t.id = ?1";
pub(crate) const FINDING: &str = "SELECT id, body FROM findings WHERE id = ?1";

// --- the identity graph ---

pub(crate) const CLEAR_GRAPH: &str = "DELETE FROM graph_edges; DELETE FROM graph_nodes;";
pub(crate) const PUT_NODE: &str = "INSERT INTO graph_nodes (key, body) VALUES (?1, ?2)";
pub(crate) const PUT_EDGE: &str =
    "INSERT INTO graph_edges (from_key, to_key, kind, learned) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING";

// --- stream detections ---

/// The same snapshot again keeps the row as it was, `saved` included.
pub(crate) const PUT_SNAPSHOT: &str = "INSERT INTO snapshots (id, seq, data, saved) VALUES (1, ?1, ?2, ?3)
     ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, data = excluded.data, saved = excluded.saved
     WHERE snapshots.seq <> excluded.seq OR snapshots.data <> excluded.data";
pub(crate) const SNAPSHOT: &str = "SELECT seq, data FROM snapshots WHERE id = 1";

// --- triage and the audit log ---

pub(crate) const PUT_STATUS: &str = "INSERT INTO incident_status (incident, status, changed) VALUES (?1, ?2, ?3)
     ON CONFLICT (incident) DO UPDATE SET status = excluded.status, changed = excluded.changed";
pub(crate) const PUT_ASSIGNEE: &str =
    "INSERT INTO incident_assignees (incident, assignee, assigned) VALUES (?1, ?2, ?3)
     ON CONFLICT (incident) DO UPDATE SET assignee = excluded.assignee, assigned = excluded.assigned";
pub(crate) const CLEAR_ASSIGNEE: &str = "DELETE FROM incident_assignees WHERE incident = ?1";
pub(crate) const INSERT_COMMENT: &str =
    "INSERT INTO comments (incident, author, time, text) VALUES (?1, ?2, ?3, ?4) RETURNING id";
pub(crate) const COMMENTS: &str =
    "SELECT id, incident, author, time, text FROM comments WHERE incident = ?1 ORDER BY time, id";
pub(crate) const INSERT_AUDIT: &str =
    "INSERT INTO audit_log (time, actor, action, target, detail) VALUES (?1, ?2, ?3, ?4, ?5) RETURNING seq";

// --- tokens ---

pub(crate) const INSERT_TOKEN: &str =
    "INSERT INTO tokens (id, name, role, hash, created, revoked) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
pub(crate) const TOKEN_BY_HASH: &str = "SELECT id, name, role, hash, created, revoked FROM tokens WHERE hash = ?1";
pub(crate) const TOKENS: &str = "SELECT id, name, role, hash, created, revoked FROM tokens ORDER BY created, id";
/// The first revocation's time is kept: revoking again changes nothing.
pub(crate) const REVOKE_TOKEN: &str = "UPDATE tokens SET revoked = COALESCE(revoked, ?2) WHERE id = ?1";

// --- sink deliveries ---

pub(crate) const DUE_DELIVERIES: &str = "SELECT id, sink, kind, finding, state, attempts, next_attempt, last_error
     FROM deliveries WHERE sink = ?1 AND state = 'pending' AND next_attempt <= ?2 ORDER BY id LIMIT ?3";
pub(crate) const DELIVERIES_IN_STATE: &str = "SELECT id, sink, kind, finding, state, attempts, next_attempt, last_error
     FROM deliveries WHERE sink = ?1 AND state = ?2 ORDER BY id LIMIT ?3";
pub(crate) const DELIVERED: &str = "UPDATE deliveries SET state = 'delivered', attempts = attempts + 1 WHERE id = ?1";
pub(crate) const RETRY_LATER: &str =
    "UPDATE deliveries SET state = 'pending', attempts = attempts + 1, last_error = ?2, next_attempt = ?3
     WHERE id = ?1";
pub(crate) const GIVE_UP: &str =
    "UPDATE deliveries SET state = 'failed', attempts = attempts + 1, last_error = ?2 WHERE id = ?1";
/// Replayed deliveries start a new series of attempts (the count goes back to 0, so a sink
/// that gives up after n attempts tries n times again); the last error stays until the
/// next attempt.
pub(crate) const REPLAY_FAILED: &str =
    "UPDATE deliveries SET state = 'pending', attempts = 0, next_attempt = ?2 WHERE sink = ?1 AND state = 'failed'";

// --- decision point notices ---

/// Migration 6 on both backends: notices, and deliveries that say what they carry (the
/// `finding` column then holds a notice's id for a notice).
/// Who is on an incident, beside its status and keyed the same way, so that it survives the
/// incident being regrouped away and back; no row means no one (both backends).
pub(crate) const ASSIGNEES_MIGRATION: &str = "CREATE TABLE incident_assignees (
        incident TEXT PRIMARY KEY,
        assignee TEXT NOT NULL,
        assigned TEXT NOT NULL
    );
    CREATE INDEX incident_assignees_assignee ON incident_assignees (assignee);";

pub(crate) const NOTICES_MIGRATION: &str = "ALTER TABLE deliveries ADD COLUMN kind TEXT NOT NULL DEFAULT 'finding';
    CREATE TABLE notices (
        id        TEXT PRIMARY KEY,
        kind      TEXT NOT NULL,
        recipient TEXT NOT NULL,
        not_via   TEXT,
        time      TEXT NOT NULL,
        body      TEXT NOT NULL
    );";
pub(crate) const INSERT_NOTICE: &str =
    "INSERT INTO notices (id, kind, recipient, not_via, time, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
pub(crate) const QUEUE_NOTICE: &str = "INSERT INTO deliveries (sink, finding, kind, state, attempts, next_attempt)
     VALUES (?1, ?2, 'notice', 'pending', 0, ?3) ON CONFLICT (sink, finding) DO NOTHING";
pub(crate) const NOTICE: &str = "SELECT id, kind, recipient, not_via, time, body FROM notices WHERE id = ?1";

// --- the ledger ---

pub(crate) fn insert_ledger(table: LedgerTable) -> String {
    format!(
        "INSERT INTO {} (id, provider, tenant, identity, time, state, version, body)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        table.name()
    )
}

pub(crate) fn ledger_body(table: LedgerTable) -> String {
    format!("SELECT body FROM {} WHERE id = ?1", table.name())
}

pub(crate) fn ledger_bodies_for(table: LedgerTable) -> String {
    format!("SELECT body FROM {} WHERE provider = ?1 AND tenant = ?2 AND identity = ?3 ORDER BY time, id", table.name())
}

pub(crate) const LIST_APPROVALS: &str = "SELECT body FROM approvals WHERE (CAST(?1 AS TEXT) IS NULL OR state = ?1)
     ORDER BY time DESC, id LIMIT ?2 OFFSET ?3";
pub(crate) const UPDATE_APPROVAL: &str =
    "UPDATE approvals SET state = ?2, version = ?3, body = ?4 WHERE id = ?1 AND version = ?5";

// --- campaigns ---

pub(crate) const INSERT_CAMPAIGN: &str = "INSERT INTO campaigns (id, time, version, body) VALUES (?1, ?2, ?3, ?4)";
pub(crate) const UPDATE_CAMPAIGN: &str = "UPDATE campaigns SET version = ?2, body = ?3 WHERE id = ?1 AND version = ?4";
pub(crate) const CAMPAIGN: &str = "SELECT id, time, version, body FROM campaigns WHERE id = ?1";
pub(crate) const CAMPAIGNS: &str = "SELECT id, time, version, body FROM campaigns ORDER BY time DESC, id LIMIT ?1";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_renumbered_for_postgres() {
        assert_eq!(dollar(RETRY_LATER), RETRY_LATER.replace("?1", "$1").replace("?2", "$2").replace("?3", "$3"));
        assert_eq!(dollar("VALUES (?10, ?11)"), "VALUES ($10, $11)");
        assert_eq!(dollar(LIST_APPROVALS).matches('$').count(), 4);
    }

    #[test]
    fn text_without_placeholders_is_left_alone() {
        assert!(matches!(dollar(SNAPSHOT), Cow::Borrowed(_)));
        assert_eq!(dollar("SELECT '?' || x"), "SELECT '?' || x");
    }
}
