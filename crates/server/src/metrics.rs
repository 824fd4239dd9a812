//! Prometheus metrics (`GET /metrics`): what came in, what was refused, what detection
//! found and how long it took, and how much is waiting.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

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

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct SinkLabels {
    pub sink: String,
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
    pub sink_pending: Family<SinkLabels, Gauge>,
    pub sink_delivered: Family<SinkLabels, Gauge>,
    pub sink_failed: Family<SinkLabels, Gauge>,
    pub sink_retried: Family<SinkLabels, Gauge>,
    pub snapshots: Counter,
    pub decisions: Family<OutcomeLabels, Counter>,
}

impl Default for Metrics {
    fn default() -> Metrics {
        Metrics::new()
    }
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("factorwatch");
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
            sink_pending: Family::default(),
            sink_delivered: Family::default(),
            sink_failed: Family::default(),
            sink_retried: Family::default(),
            snapshots: Counter::default(),
            decisions: Family::default(),
            registry: Registry::default(),
        };
        registry.register("events_ingested", "Events stored, by provider and category", m.events_in.clone());
        registry.register("events_duplicate", "Events posted again and not stored twice", m.duplicates.clone());
        registry.register("parse_errors", "Records that could not be read, by endpoint", m.parse_errors.clone());
        registry.register("requests_refused", "Requests refused, by reason", m.refused.clone());
        registry.register("events_processed", "Events through detection", m.processed.clone());
        registry.register("events_late", "Events that arrived later than the lateness allows", m.late.clone());
        registry.register("findings", "New findings, by detector", m.findings.clone());
        registry.register(
            "ingest_to_finding_seconds",
            "Time from an event's storage to the finding it completed",
            m.latency.clone(),
        );
        registry.register("queue_depth", "Events stored and not yet through detection", m.queue_depth.clone());
        registry.register("reorder_buffered", "Events held for out-of-order arrival", m.buffered.clone());
        registry.register("sink_pending", "Deliveries waiting, by sink", m.sink_pending.clone());
        registry.register("sink_delivered", "Deliveries made since start, by sink", m.sink_delivered.clone());
        registry.register(
            "sink_failed",
            "Deliveries given up since start (kept for replay), by sink",
            m.sink_failed.clone(),
        );
        registry.register("sink_retried", "Attempts to be retried since start, by sink", m.sink_retried.clone());
        registry.register("snapshots", "Detection snapshots saved", m.snapshots.clone());
        registry.register("enrollment_decisions", "Enrollment decisions, by outcome", m.decisions.clone());
        Metrics { registry, ..m }
    }

    /// Copies the sinks' own counts in before rendering.
    pub fn observe_sinks(&self, sinks: &[(String, std::sync::Arc<crate::sinks::SinkStats>)]) {
        let as_gauge = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
        for (name, stats) in sinks {
            let labels = SinkLabels { sink: name.clone() };
            let now = stats.snapshot();
            self.sink_delivered.get_or_create(&labels).set(as_gauge(now.delivered));
            self.sink_failed.get_or_create(&labels).set(as_gauge(now.failed));
            self.sink_retried.get_or_create(&labels).set(as_gauge(now.retried));
            self.sink_pending.get_or_create(&labels).set(as_gauge(now.queue_depth));
        }
    }

    /// The Prometheus text exposition.
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
