//! Prometheus metrics (`GET /metrics`, OpenMetrics text): what came in, what was refused, what
//! detection found and how long it took, how much is waiting, the sinks' deliveries, every
//! HTTP request's duration by route and status, the build, and the process's own resources.

mod http;
mod process;
mod sinks;

pub use http::observe_request;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::metrics::info::Info;
use prometheus_client::registry::Registry;
use std::sync::Arc;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct EventLabels {
    pub provider: String,
    pub category: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct EndpointLabels {
    pub endpoint: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ReasonLabels {
    pub reason: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct DetectorLabels {
    pub detector: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct OutcomeLabels {
    pub outcome: String,
}

/// One HTTP request: the route's template (`/v1/incidents/{id}`, never the raw path, so that
/// ids do not become series), its method and the status answered.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct HttpLabels {
    pub route: String,
    pub method: String,
    pub status: String,
}

/// Request durations, in seconds: Prometheus's usual buckets, then up to the default
/// `request_timeout` (60 s).
const HTTP_BUCKETS: [f64; 13] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0];

fn http_histogram() -> Histogram {
    Histogram::new(HTTP_BUCKETS)
}

pub struct Metrics {
    registry: Registry,
    pub events_in: Family<EventLabels, Counter>,
    pub duplicates: Counter,
    pub parse_errors: Family<EndpointLabels, Counter>,
    pub refused: Family<ReasonLabels, Counter>,
    pub processed: Counter,
    pub late: Counter,
    pub findings: Family<DetectorLabels, Counter>,
    pub latency: Histogram,
    pub queue_depth: Gauge,
    pub buffered: Gauge,
    pub drains_pending: Gauge,
    pub snapshots: Counter,
    pub decisions: Family<OutcomeLabels, Counter>,
    pub http_requests: Family<HttpLabels, Histogram>,
}

impl Default for Metrics {
    fn default() -> Metrics {
        Metrics::new(Arc::default())
    }
}

impl Metrics {
    /// The service's metrics; the sinks' counts are read from `sinks` at each scrape.
    pub fn new(sinks: Arc<Vec<(String, Arc<crate::sinks::SinkStats>)>>) -> Metrics {
        let m = Metrics {
            events_in: Family::default(),
            duplicates: Counter::default(),
            parse_errors: Family::default(),
            refused: Family::default(),
            processed: Counter::default(),
            late: Counter::default(),
            findings: Family::default(),
            // 1 ms to about 2 minutes.
            latency: Histogram::new(exponential_buckets(0.001, 2.0, 18)),
            queue_depth: Gauge::default(),
            buffered: Gauge::default(),
            drains_pending: Gauge::default(),
            snapshots: Counter::default(),
            decisions: Family::default(),
            http_requests: Family::new_with_constructor(http_histogram),
            registry: Registry::default(),
        };
        let mut registry = Registry::default();
        // The conventional names Prometheus's own exporters use, without the service's prefix,
        // so that existing dashboards and alerts apply as they are.
        registry.register(
            "http_request_duration_seconds",
            "Time to answer an HTTP request, by route template, method and status",
            m.http_requests.clone(),
        );
        registry.register_collector(Box::new(process::ProcessCollector));
        let own = registry.sub_registry_with_prefix("factorwatch");
        own.register("build", "The running build: version", Info::new(vec![("version", env!("CARGO_PKG_VERSION"))]));
        own.register("events_ingested", "Events stored, by provider and category", m.events_in.clone());
        own.register("events_duplicate", "Events posted again and not stored twice", m.duplicates.clone());
        own.register("parse_errors", "Records that could not be read, by endpoint", m.parse_errors.clone());
        own.register("requests_refused", "Requests refused, by reason", m.refused.clone());
        own.register("events_processed", "Events through detection", m.processed.clone());
        own.register("events_late", "Events that arrived later than the lateness allows", m.late.clone());
        own.register("findings", "New findings, by detector", m.findings.clone());
        own.register(
            "ingest_to_finding_seconds",
            "Time from an event's storage to the finding it completed",
            m.latency.clone(),
        );
        own.register("queue_depth", "Events stored and not yet through detection", m.queue_depth.clone());
        own.register("reorder_buffered", "Events held for out-of-order arrival", m.buffered.clone());
        own.register(
            "drains_pending",
            "Drains asked for (POST /v1/admin/drain) that detection has not finished",
            m.drains_pending.clone(),
        );
        own.register("snapshots", "Detection snapshots saved", m.snapshots.clone());
        own.register("enrollment_decisions", "Enrollment decisions, by outcome", m.decisions.clone());
        own.register_collector(Box::new(sinks::SinkCollector { sinks }));
        Metrics { registry, ..m }
    }

    /// The OpenMetrics text exposition.
    pub fn render(&self) -> String {
        let mut out = String::new();
        if prometheus_client::encoding::text::encode(&mut out, &self.registry).is_err() {
            out.clear();
        }
        out
    }

    pub fn count_event(&self, provider: &str, category: &str) {
        self.events_in.get_or_create(&EventLabels { provider: provider.into(), category: category.into() }).inc();
    }

    pub fn decision(&self, outcome: &str) {
        self.decisions.get_or_create(&OutcomeLabels { outcome: outcome.into() }).inc();
    }

    pub fn refuse(&self, reason: &str) {
        self.refused.get_or_create(&ReasonLabels { reason: reason.into() }).inc();
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn counters_are_typed_counters_and_sampled_with_total() {
        let metrics = Metrics::default();
        metrics.refuse("backlog");
        metrics.snapshots.inc();
        let text = metrics.render();
        assert!(text.contains("# TYPE factorwatch_requests_refused counter\n"), "{text}");
        assert!(text.contains("factorwatch_requests_refused_total{reason=\"backlog\"} 1\n"), "{text}");
        assert!(text.contains("factorwatch_snapshots_total 1\n"), "{text}");
        assert!(text.contains("# TYPE factorwatch_queue_depth gauge\n"), "{text}");
    }

    #[test]
    fn the_build_is_an_info_metric_with_its_version() {
        let text = Metrics::default().render();
        let line = format!("factorwatch_build_info{{version=\"{}\"}} 1\n", env!("CARGO_PKG_VERSION"));
        assert!(text.contains(&line), "{text}");
        assert!(text.ends_with("# EOF\n"), "{text}");
    }
}
