//! How values become columns, shared by both backends: fixed-width time stamps, JSON
//! bodies, and the event's identity key.

use crate::StoreError;
use chrono::{DateTime, SecondsFormat, Utc};
use model::{Event, Evidence, Severity};

/// Times as fixed-width RFC 3339 text, so that text order is time order.
pub(crate) fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// A stamp read back; `None` when it is not RFC 3339.
pub(crate) fn unstamp(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text).ok().map(|t| t.with_timezone(&Utc))
}

pub(crate) fn to_json<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(StoreError::Encode)
}

pub(crate) fn parse<T: serde::de::DeserializeOwned>(id: &str, body: &str) -> Result<T, StoreError> {
    serde_json::from_str(body).map_err(|e| StoreError::Corrupt { id: id.to_string(), reason: e.to_string() })
}

/// The columns that identify an event: provider, tenant, provider event id, action, time
/// stamp and category. Storing a second event with the same key changes nothing.
pub(crate) struct EventKey<'a> {
    pub provider: &'static str,
    pub tenant: &'a str,
    pub id: &'a str,
    pub action: &'a str,
    pub time: String,
    pub category: &'static str,
}

impl<'a> EventKey<'a> {
    pub(crate) fn of(event: &'a Event) -> EventKey<'a> {
        EventKey {
            provider: event.provider.as_str(),
            tenant: event.tenant.as_str(),
            id: event.id.as_str(),
            action: event.action.as_str(),
            time: stamp(event.time),
            category: event.category.as_str(),
        }
    }
}

/// The key of the evidence event `evidence` of an identity in `tenant` (evidence names no
/// tenant: a finding's events are its identity's).
pub(crate) fn evidence_key<'a>(tenant: &'a str, evidence: &'a Evidence) -> EventKey<'a> {
    EventKey {
        provider: evidence.provider.as_str(),
        tenant,
        id: evidence.event_id.as_str(),
        action: evidence.action.as_str(),
        time: stamp(evidence.time),
        category: evidence.category.as_str(),
    }
}

/// A row id for errors about an event: `seq 17`.
pub(crate) fn seq_id(seq: i64) -> String {
    format!("event seq {seq}")
}

/// A severity as a number in its order (info 0 … critical 4), so that "at least" is a
/// comparison. Migration 4 fills existing rows with the same numbers.
pub(crate) fn severity_rank(severity: Severity) -> i64 {
    match severity {
        Severity::Info => 0,
        Severity::Low => 1,
        Severity::Medium => 2,
        Severity::High => 3,
        Severity::Critical => 4,
    }
}

/// A login as stored for case-insensitive matching: ASCII lower case, the way providers
/// compare logins (`Principal::same_as`) and SQL `lower()` folds on SQLite.
pub(crate) fn login(name: &str) -> String {
    name.to_ascii_lowercase()
}

/// The columns that find an event by the identity it is about: its subject's id and login.
pub(crate) fn subject_of(event: &Event) -> (Option<&str>, Option<String>) {
    let subject = event.subject();
    (subject.and_then(|p| p.id.as_deref()), subject.and_then(|p| p.name.as_deref()).map(login))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_ranks_follow_severity_order() {
        let ranks: Vec<i64> = Severity::ALL.into_iter().map(severity_rank).collect();
        assert_eq!(ranks, [0, 1, 2, 3, 4]);
        assert!(Severity::ALL.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn logins_fold_ascii_case_only() {
        assert_eq!(login("Bob@Contoso.COM"), "bob@contoso.com");
        assert_eq!(login("ÉLODIE"), "Élodie");
    }
}
