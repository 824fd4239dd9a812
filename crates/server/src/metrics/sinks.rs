//! The sinks' deliveries, read from their own atomics at each scrape: counters since start-up
//! (delivered, failed, retried) and the gauge of deliveries waiting, by sink.

use crate::sinks::{SinkStats, StatsSnapshot};
use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeMetric};
use prometheus_client::metrics::MetricType;
use prometheus_client::metrics::counter::ConstCounter;
use prometheus_client::metrics::gauge::ConstGauge;
use std::sync::Arc;

/// A counter family: its name, help, and how to read it from a sink's counts.
type CounterFamily = (&'static str, &'static str, fn(&StatsSnapshot) -> u64);

#[derive(Debug)]
pub struct SinkCollector {
    pub sinks: Arc<Vec<(String, Arc<SinkStats>)>>,
}

impl Collector for SinkCollector {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let readings: Vec<(&str, StatsSnapshot)> =
            self.sinks.iter().map(|(name, stats)| (name.as_str(), stats.snapshot())).collect();
        let counters: [CounterFamily; 3] = [
            ("sink_delivered", "Deliveries a receiver accepted since start, by sink", |s| s.delivered),
            ("sink_failed", "Deliveries given up since start (kept for replay), by sink", |s| s.failed),
            ("sink_retried", "Attempts to be retried since start, by sink", |s| s.retried),
        ];
        for (name, help, read) in counters {
            let mut family = encoder.encode_descriptor(name, help, None, MetricType::Counter)?;
            for (sink, reading) in &readings {
                let labels = [("sink", *sink)];
                ConstCounter::new(read(reading)).encode(family.encode_family(&labels)?)?;
            }
        }
        let mut pending = encoder.encode_descriptor(
            "sink_pending",
            "Deliveries waiting, due or to be retried, by sink",
            None,
            MetricType::Gauge,
        )?;
        for (sink, reading) in &readings {
            let labels = [("sink", *sink)];
            let depth = i64::try_from(reading.queue_depth).unwrap_or(i64::MAX);
            ConstGauge::new(depth).encode(pending.encode_family(&labels)?)?;
        }
        Ok(())
    }
}
