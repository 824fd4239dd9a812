//! What a provider normalizer is given besides the record: where it came from, the
//! run's options, and a builder for events with the defaults filled in.

use chrono::{DateTime, TimeDelta, Utc};
use model::{ActorRelation, Category, Client, Event, Outcome, Provider, Risk, SourceRef, Text};

/// Settings of a normalization run, fixed at start-up.
#[derive(Debug, Clone)]
pub struct Options {
    /// Tenant names that override what records say (Okta logs carry no org name).
    tenants: [Option<Text>; Provider::ALL.len()],
    /// Records (lines, array elements) longer than this are skipped with a diagnostic.
    pub max_record_bytes: u64,
    /// Whole documents (pretty-printed files, JSON arrays) larger than this are refused.
    pub max_document_bytes: u64,
    /// Emit every event, even one that repeats an event already emitted (for looking at a
    /// provider's raw output; detection wants duplicates dropped).
    pub keep_duplicates: bool,
    /// Records dated more than this after the run's clock are refused as `future_time`
    /// problems (None: no limit). The service sets `[server] future_tolerance`; the CLI a day.
    pub future_tolerance: Option<TimeDelta>,
    /// The latest accepted time: the clock plus `future_tolerance`, fixed when a pipeline
    /// starts reading (one request, one `hunt`), so no record pays for a clock read.
    pub(crate) latest_time: Option<DateTime<Utc>>,
    /// Records dated earlier are refused as `ancient_time` problems (default 1990-01-01).
    pub earliest_time: Option<DateTime<Utc>>,
}

/// No identity provider kept logs before this: an older time is a bug (a zero timestamp,
/// seconds read as milliseconds) or a forgery.
pub const EARLIEST_TIME: DateTime<Utc> = match DateTime::from_timestamp(631_152_000, 0) {
    Some(t) => t,
    None => DateTime::<Utc>::UNIX_EPOCH,
};

impl Default for Options {
    fn default() -> Options {
        Options {
            tenants: Default::default(),
            max_record_bytes: 10 * 1024 * 1024,
            max_document_bytes: 1024 * 1024 * 1024,
            keep_duplicates: false,
            future_tolerance: None,
            latest_time: None,
            earliest_time: Some(EARLIEST_TIME),
        }
    }
}

impl Options {
    /// Names `provider`'s tenant for every event of the run (`--tenant okta=acme.okta.com`).
    pub fn set_tenant(&mut self, provider: Provider, tenant: &str) {
        self.tenants[provider as usize] = Some(Text::from(tenant));
    }

    /// Fixes the latest accepted time against `now` (see `future_tolerance`).
    pub(crate) fn start_clock(&mut self, now: DateTime<Utc>) {
        self.latest_time = self.future_tolerance.and_then(|tolerance| now.checked_add_signed(tolerance));
    }

    /// The record error for an event time outside the accepted window, if it is.
    pub fn time_refused(&self, time: DateTime<Utc>) -> Option<crate::error::RecordError> {
        if let Some(latest) = self.latest_time
            && time > latest
        {
            return Some(crate::error::RecordError::FutureTime { time, latest });
        }
        if let Some(earliest) = self.earliest_time
            && time < earliest
        {
            return Some(crate::error::RecordError::AncientTime { time, earliest });
        }
        None
    }

    /// The tenant configured for `provider`, if any.
    pub fn tenant_override(&self, provider: Provider) -> Option<&Text> {
        self.tenants[provider as usize].as_ref()
    }
}

/// Whether a recognized record is about identity (docs/events.md lists it) or not.
#[derive(Debug, Clone, PartialEq)]
pub enum Relevance {
    /// An identity event: normalized and emitted.
    Relevant,
    /// A record of a known shape whose action docs/events.md does not list (S3 `GetObject`, Okta
    /// `system.import.*`); counted by action in the summary, no event emitted.
    NotRelevant(Text),
}

pub struct Ctx<'o> {
    pub at: SourceRef,
    pub opts: &'o Options,
}

impl Ctx<'_> {
    /// The tenant: the configured override, else what the record says, else the provider's name.
    pub fn tenant(&self, provider: Provider, found: Option<&str>) -> Text {
        if let Some(t) = self.opts.tenant_override(provider) {
            return t.clone();
        }
        match found {
            Some(t) if !t.trim().is_empty() => Text::from(t.trim()),
            _ => Text::from(provider.as_str()),
        }
    }

    /// An event with everything but its identity fields left at defaults.
    pub fn event(
        &self,
        provider: Provider,
        tenant: Text,
        id: &str,
        time: DateTime<Utc>,
        category: Category,
        action: &str,
    ) -> Event {
        Event {
            provider,
            tenant,
            id: Text::from(id),
            time,
            category,
            action: Text::from(action),
            outcome: Outcome::Unknown,
            reason: None,
            actor: None,
            target: None,
            relation: ActorRelation::SelfService,
            factor: None,
            client: Client::default(),
            session: None,
            correlation: None,
            object: None,
            risk: Risk::default(),
            tags: Vec::new(),
            source: self.at.clone(),
        }
    }
}

/// Classifies a provider's factor kind text by a table of (needle, class), tried top-down
/// with case-insensitive substring matching (docs/events.md §10). Unmatched kinds are `unknown`.
pub fn classify_factor(text: &str, table: &[(&str, model::FactorClass)]) -> model::FactorClass {
    table.iter().find(|(needle, _)| contains_ignore_case(text, needle)).map(|(_, class)| *class).unwrap_or_default()
}

pub fn contains_ignore_case(haystack: &str, needle: &str) -> bool {
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    n.is_empty() || h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::RecordError;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).expect("test time").with_timezone(&Utc)
    }

    #[test]
    fn the_future_is_judged_from_the_clock_the_run_started_with() {
        let mut opts = Options { future_tolerance: Some(TimeDelta::days(1)), ..Options::default() };
        opts.start_clock(at("2026-12-07T10:00:00Z"));
        assert!(opts.time_refused(at("2026-12-08T09:59:59Z")).is_none());
        assert!(matches!(opts.time_refused(at("2026-12-08T10:00:01Z")), Some(RecordError::FutureTime { .. })));
        assert!(matches!(opts.time_refused(at("9999-01-01T00:00:00Z")), Some(RecordError::FutureTime { .. })));
        assert!(matches!(opts.time_refused(at("1970-01-01T00:00:00Z")), Some(RecordError::AncientTime { .. })));
    }

    #[test]
    fn without_a_tolerance_no_time_is_too_late() {
        let mut opts = Options::default();
        opts.start_clock(at("2026-12-07T10:00:00Z"));
        assert!(opts.time_refused(at("9999-01-01T00:00:00Z")).is_none());
    }
}
