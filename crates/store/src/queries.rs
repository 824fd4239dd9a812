//! The SQL of the filtered queries, written once for both backends: the same tables,
//! columns and filters, in SQLite's spelling (`?1`; PostgreSQL renumbers with
//! [`crate::sql::dollar`]).

use crate::codec::{login, severity_rank, stamp};
use crate::records::{AssigneeFilter, Page, Query};
use chrono::{DateTime, Utc};
use model::Provider;

/// Rows in a page when the query asks for none.
pub(crate) const DEFAULT_LIMIT: usize = 50;

/// A value bound to a placeholder.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Param {
    Text(String),
    Int(i64),
}

/// A statement and the values of its placeholders, in order.
#[derive(Debug)]
pub(crate) struct Select {
    pub sql: String,
    pub params: Vec<Param>,
}

#[derive(Default)]
struct Builder {
    conditions: Vec<String>,
    params: Vec<Param>,
}

impl Builder {
    /// Adds a value and returns its placeholder.
    fn bind(&mut self, value: Param) -> String {
        self.params.push(value);
        format!("?{}", self.params.len())
    }

    fn text(&mut self, value: &str) -> String {
        self.bind(Param::Text(value.to_string()))
    }

    fn int(&mut self, value: usize) -> String {
        self.bind(Param::Int(i64::try_from(value).unwrap_or(i64::MAX)))
    }

    fn and(&mut self, condition: String) {
        self.conditions.push(condition);
    }

    fn filters(&self) -> String {
        if self.conditions.is_empty() { String::new() } else { format!("WHERE {}", self.conditions.join(" AND ")) }
    }

    /// Events about one identity: its subject by id or login, only `categories` if any.
    fn about(&mut self, provider: Provider, tenant: &str, identity: &str, categories: &[&str]) {
        let (p, t) = (self.text(provider.as_str()), self.text(tenant));
        self.and(format!("provider = {p} AND tenant = {t}"));
        let (id, name) = (self.text(identity), self.text(&login(identity)));
        self.and(format!("(subject_id = {id} OR subject_name = {name})"));
        if !categories.is_empty() {
            let list: Vec<String> = categories.iter().map(|c| self.text(c)).collect();
            self.and(format!("category IN ({})", list.join(", ")));
        }
    }

    /// The filters of `query` that incidents and findings share, on the table aliased `t`.
    fn common(&mut self, query: &Query) {
        if let Some(severity) = query.severity {
            let rank = self.bind(Param::Int(severity_rank(severity)));
            self.and(format!("t.severity_rank >= {rank}"));
        }
        if let Some(identity) = &query.identity {
            let (id, name) = (self.text(identity), self.text(&login(identity)));
            self.and(format!("(t.identity = {id} OR t.identity_name = {name})"));
        }
        if let Some(provider) = query.provider {
            let p = self.text(provider.as_str());
            self.and(format!("t.provider = {p}"));
        }
        if let Some(tenant) = &query.tenant {
            let p = self.text(tenant);
            self.and(format!("t.tenant = {p}"));
        }
    }

    /// `LIMIT … OFFSET …` asking for one row more than the page, to learn whether there is
    /// a next page.
    fn page(&mut self, offset: usize, limit: usize) -> String {
        let (limit, offset) = (self.int(page_limit(limit).saturating_add(1)), self.int(offset));
        format!("LIMIT {limit} OFFSET {offset}")
    }

    fn finish(self, sql: String) -> Select {
        Select { sql, params: self.params }
    }
}

/// The page size for `limit`: [`DEFAULT_LIMIT`] when it is 0.
pub(crate) fn page_limit(limit: usize) -> usize {
    if limit == 0 { DEFAULT_LIMIT } else { limit }
}

/// A page from rows read with one row more than `limit` asked for.
pub(crate) fn page<T>(mut rows: Vec<T>, offset: usize, limit: usize) -> Page<T> {
    let limit = page_limit(limit);
    let more = rows.len() > limit;
    rows.truncate(limit);
    Page { next_offset: more.then(|| offset.saturating_add(rows.len())), items: rows }
}

/// Incidents matching `query`, in queue order. Columns: id, body, status, status changed
/// (both NULL while the status was never set), assignee (NULL when no one).
pub(crate) fn incidents(query: &Query) -> Select {
    let mut b = Builder::default();
    b.common(query);
    if let Some(detector) = &query.detector {
        let p = b.text(detector);
        b.and(format!("EXISTS (SELECT 1 FROM incident_detectors d WHERE d.incident = t.id AND d.detector = {p})"));
    }
    if let Some(status) = query.status {
        let p = b.text(status.as_str());
        b.and(format!("COALESCE(s.status, 'open') = {p}"));
    }
    match &query.assignee {
        None => {}
        Some(AssigneeFilter::Unassigned) => b.and("a.assignee IS NULL".to_string()),
        Some(AssigneeFilter::Named(name)) => {
            let p = b.text(name);
            b.and(format!("a.assignee = {p}"));
        }
    }
    if let Some(since) = query.since {
        let p = b.text(&stamp(since));
        b.and(format!("t.last >= {p}"));
    }
    if let Some(until) = query.until {
        let p = b.text(&stamp(until));
        b.and(format!("t.first < {p}"));
    }
    let filters = b.filters();
    let page = b.page(query.offset, query.limit);
    b.finish(format!(
        "SELECT t.id, t.body, s.status, s.changed, a.assignee FROM incidents t
         LEFT JOIN incident_status s ON s.incident = t.id
         LEFT JOIN incident_assignees a ON a.incident = t.id
         {filters} ORDER BY t.risk_score DESC, t.first, t.id {page}"
    ))
}

/// Findings matching `query` (its status ignored), newest first. Columns: id, body.
pub(crate) fn findings(query: &Query) -> Select {
    let mut b = Builder::default();
    b.common(query);
    if let Some(detector) = &query.detector {
        let p = b.text(detector);
        b.and(format!("t.detector = {p}"));
    }
    if let Some(since) = query.since {
        let p = b.text(&stamp(since));
        b.and(format!("t.time >= {p}"));
    }
    if let Some(until) = query.until {
        let p = b.text(&stamp(until));
        b.and(format!("t.time < {p}"));
    }
    let filters = b.filters();
    let page = b.page(query.offset, query.limit);
    b.finish(format!("SELECT t.id, t.body FROM findings t {filters} ORDER BY t.time DESC, t.id {page}"))
}

/// The latest events about one identity. Columns: seq, body.
pub(crate) fn identity_events(
    provider: Provider,
    tenant: &str,
    identity: &str,
    categories: &[&str],
    limit: usize,
) -> Select {
    let mut b = Builder::default();
    b.about(provider, tenant, identity, categories);
    let filters = b.filters();
    let limit = b.int(limit);
    b.finish(format!("SELECT seq, body FROM events {filters} ORDER BY time DESC, seq DESC LIMIT {limit}"))
}

/// Which side of a time [`identity_events_near`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Side {
    /// The latest events at or before the time, newest first.
    AtOrBefore,
    /// The earliest events after the time, oldest first.
    After,
}

/// Events about one identity on one `side` of `at`. Columns: seq, body.
pub(crate) fn identity_events_near(
    provider: Provider,
    tenant: &str,
    identity: &str,
    categories: &[&str],
    at: DateTime<Utc>,
    side: Side,
    limit: usize,
) -> Select {
    let mut b = Builder::default();
    b.about(provider, tenant, identity, categories);
    let at = b.text(&stamp(at));
    let (condition, order) = match side {
        Side::AtOrBefore => (format!("time <= {at}"), "time DESC, seq DESC"),
        Side::After => (format!("time > {at}"), "time, seq"),
    };
    b.and(condition);
    let filters = b.filters();
    let limit = b.int(limit);
    b.finish(format!("SELECT seq, body FROM events {filters} ORDER BY {order} LIMIT {limit}"))
}

/// Events of one provider by provider event id (at most 500 ids). Columns: seq, body.
pub(crate) fn events_by_ids(provider: Provider, ids: &[&str]) -> Select {
    let mut b = Builder::default();
    let p = b.text(provider.as_str());
    b.and(format!("provider = {p}"));
    let list: Vec<String> = ids.iter().take(500).map(|id| b.text(id)).collect();
    if list.is_empty() {
        b.and("1 = 0".to_string());
    } else {
        b.and(format!("event_id IN ({})", list.join(", ")));
    }
    let filters = b.filters();
    b.finish(format!("SELECT seq, body FROM events {filters} ORDER BY time, seq"))
}

/// The audit log, newest first, about `target` when given. Columns: seq, time, actor,
/// action, target, detail.
pub(crate) fn audit_log(target: Option<&str>, offset: usize, limit: usize) -> Select {
    let mut b = Builder::default();
    if let Some(target) = target {
        let p = b.text(target);
        b.and(format!("target = {p}"));
    }
    let filters = b.filters();
    let page = b.page(offset, limit);
    b.finish(format!(
        "SELECT seq, time, actor, action, target, detail FROM audit_log {filters} ORDER BY seq DESC {page}"
    ))
}

/// Events per provider, tenant and category. Columns: provider, tenant, category, count,
/// first time, last time.
pub(crate) const SOURCE_STATS: &str = "SELECT provider, tenant, category, COUNT(*), MIN(time), MAX(time) FROM events
     GROUP BY provider, tenant, category ORDER BY provider, tenant, category";

#[cfg(test)]
mod tests {
    use super::*;
    use model::Severity;

    #[test]
    fn a_page_knows_whether_more_rows_follow() {
        assert_eq!(page(vec![1, 2, 3], 10, 2), Page { items: vec![1, 2], next_offset: Some(12) });
        assert_eq!(page(vec![1, 2], 10, 2), Page { items: vec![1, 2], next_offset: None });
        assert_eq!(page(Vec::<i32>::new(), 0, 0), Page { items: vec![], next_offset: None });
        assert_eq!(page((0..60).collect(), 0, 0).next_offset, Some(DEFAULT_LIMIT));
    }

    #[test]
    fn placeholders_follow_the_backend_and_the_order_of_values() {
        let query = Query { severity: Some(Severity::High), tenant: Some("contoso".into()), ..Query::default() };
        let sqlite = incidents(&query);
        assert!(sqlite.sql.contains("t.severity_rank >= ?1 AND t.tenant = ?2"), "{}", sqlite.sql);
        assert!(sqlite.sql.contains("LIMIT ?3 OFFSET ?4"), "{}", sqlite.sql);
        assert_eq!(
            sqlite.params,
            [Param::Int(3), Param::Text("contoso".into()), Param::Int(DEFAULT_LIMIT as i64 + 1), Param::Int(0)]
        );
        let postgres = crate::sql::dollar(&sqlite.sql);
        assert!(postgres.contains("t.severity_rank >= $1 AND t.tenant = $2"), "{postgres}");
    }
}

/// The decision point's two ledger tables, which have the same columns (both backends).
#[derive(Clone, Copy)]
pub(crate) enum LedgerTable {
    Decisions,
    Approvals,
}

impl LedgerTable {
    pub(crate) fn name(self) -> &'static str {
        match self {
            LedgerTable::Decisions => "decisions",
            LedgerTable::Approvals => "approvals",
        }
    }
}
