//! FW-011: a configured source sent nothing for longer than its expected interval, or a
//! provider sends sign-ins but no factor or recovery events for a long time; also audit
//! log streaming switched off at the source.

use crate::config::Config;
use crate::detector::{Detector, Draft};
use chrono::{DateTime, Utc};
use model::{Category, Event, Provider, Severity, Tag};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Seen {
    pub tenant: model::Text,
    pub first: DateTime<Utc>,
    pub last: DateTime<Utc>,
    pub first_signin: Option<DateTime<Utc>>,
    pub last_factor_event: Option<DateTime<Utc>>,
}

/// What each provider has sent.
#[derive(Default, Serialize, Deserialize)]
pub struct Sources {
    #[serde(with = "crate::persist::pairs")]
    seen: BTreeMap<Provider, Seen>,
}

impl Sources {
    pub fn observe(&mut self, e: &Event) {
        let seen = self.seen.entry(e.provider).or_insert_with(|| Seen {
            tenant: e.tenant.clone(),
            first: e.time,
            last: e.time,
            first_signin: None,
            last_factor_event: None,
        });
        seen.first = seen.first.min(e.time);
        seen.last = seen.last.max(e.time);
        if e.category.is_signin() && seen.first_signin.is_none() {
            seen.first_signin = Some(e.time);
        }
        if e.category.is_factor_change() || e.category == Category::RecoveryChange {
            seen.last_factor_event = Some(seen.last_factor_event.map_or(e.time, |t| t.max(e.time)));
        }
    }

    pub fn seen(&self, provider: Provider) -> Option<&Seen> {
        self.seen.get(&provider)
    }

    /// Every provider that sent something, in provider order.
    pub fn all(&self) -> impl Iterator<Item = (Provider, &Seen)> {
        self.seen.iter().map(|(p, s)| (*p, s))
    }

    /// Blind spots at the end of the data (`end`: the latest event time of the run).
    pub fn at_end(&self, config: &Config, end: DateTime<Utc>) -> Vec<(Provider, String, Draft)> {
        let mut out = Vec::new();
        for (name, source) in &config.sources {
            let Some(provider) = Provider::parse(&source.provider) else { continue };
            let Ok(interval) = chrono::Duration::from_std(source.expected_interval) else { continue };
            let summary = match self.seen.get(&provider) {
                None => format!("source `{name}` ({provider}) sent no events at all"),
                Some(seen) if end - seen.last > interval => format!(
                    "source `{name}` ({provider}) has been silent since {} ({} h before the latest event; expected every {} h)",
                    seen.last.format("%Y-%m-%d %H:%M UTC"),
                    (end - seen.last).num_hours(),
                    interval.num_hours().max(1)
                ),
                Some(_) => continue,
            };
            out.push((provider, name.clone(), Draft::new(Detector::BlindSpot, Severity::Low, summary, Vec::new())));
        }
        let Ok(silence) = chrono::Duration::from_std(config.detectors.blind_spot.factor_silence) else { return out };
        for (provider, seen) in &self.seen {
            let Some(first_signin) = seen.first_signin else { continue };
            let since = seen.last_factor_event.unwrap_or(first_signin);
            if seen.last - first_signin >= silence && seen.last - since >= silence {
                let summary = format!(
                    "{provider} sends sign-ins but no factor or recovery events for {} days: their audit events may not be collected",
                    (seen.last - since).num_days()
                );
                out.push((
                    *provider,
                    format!("{provider}-factor-events"),
                    Draft::new(Detector::BlindSpot, Severity::Low, summary, Vec::new()),
                ));
            }
        }
        out
    }
}

/// Audit log streaming switched off or reconfigured at the source.
pub fn on_log_stream_change(e: &Event, evidence: &model::Evidence) -> Option<Draft> {
    if !e.has_tag(Tag::LogStreamChanged) {
        return None;
    }
    let destroyed = e.action.ends_with("destroy") || e.action.ends_with("delete");
    if !destroyed {
        return None;
    }
    let summary =
        format!("{} removed audit log streaming for {} ({})", super::name_of(e.actor.as_ref()), e.tenant, e.action);
    Some(Draft::new(Detector::BlindSpot, Severity::Low, summary, vec![evidence.clone()]))
}
