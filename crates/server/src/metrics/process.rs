//! The process's own resources, under the names every Prometheus client library uses
//! (`process_resident_memory_bytes`, `process_cpu_seconds_total`, `process_open_fds`,
//! `process_max_fds`, `process_start_time_seconds`), read from `/proc` at each scrape. Where
//! `/proc` cannot be read (not Linux) they are left out rather than reported as zero.

use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeMetric};
use prometheus_client::metrics::MetricType;
use prometheus_client::metrics::counter::ConstCounter;
use prometheus_client::metrics::gauge::ConstGauge;

/// `/proc/<pid>/stat` counts times in USER_HZ, which Linux fixes at 100 for every
/// architecture's user-space ABI (the Prometheus project's own procfs reader assumes the same).
const USER_HZ: f64 = 100.0;

#[derive(Debug)]
pub struct ProcessCollector;

/// What one reading of `/proc` says about this process.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct ProcessReading {
    pub resident_bytes: Option<u64>,
    pub cpu_seconds: Option<f64>,
    pub start_time_seconds: Option<f64>,
    pub open_fds: Option<u64>,
    pub max_fds: Option<u64>,
}

impl ProcessReading {
    /// This process, now.
    pub fn now() -> ProcessReading {
        let read = |path: &str| std::fs::read_to_string(path).ok();
        let stat = read("/proc/self/stat").and_then(|text| parse_stat(&text));
        let boot = read("/proc/stat").and_then(|text| parse_boot_time(&text));
        ProcessReading {
            resident_bytes: read("/proc/self/status").and_then(|text| parse_resident_bytes(&text)),
            cpu_seconds: stat.map(|s| s.cpu_ticks as f64 / USER_HZ),
            start_time_seconds: stat.zip(boot).map(|(s, boot)| boot as f64 + s.start_ticks as f64 / USER_HZ),
            open_fds: std::fs::read_dir("/proc/self/fd").ok().map(|entries| entries.count() as u64),
            max_fds: read("/proc/self/limits").and_then(|text| parse_max_fds(&text)),
        }
    }
}

/// The fields of `/proc/self/stat` used here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stat {
    /// User and system time (fields 14 and 15).
    cpu_ticks: u64,
    /// When the process started, after boot (field 22).
    start_ticks: u64,
}

/// The process name (field 2) is in parentheses and may hold spaces or parentheses itself:
/// the fields are counted from after the last `)`.
fn parse_stat(text: &str) -> Option<Stat> {
    let (_, rest) = text.rsplit_once(')')?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // `rest` starts at field 3, so field n is at index n - 3.
    let field = |n: usize| fields.get(n - 3).and_then(|f| f.parse::<u64>().ok());
    Some(Stat { cpu_ticks: field(14)?.saturating_add(field(15)?), start_ticks: field(22)? })
}

/// `btime` of `/proc/stat`: the boot time, in seconds since the epoch.
fn parse_boot_time(text: &str) -> Option<u64> {
    text.lines().find_map(|line| line.strip_prefix("btime ")).and_then(|v| v.trim().parse().ok())
}

/// `VmRSS:  1234 kB` of `/proc/self/status`.
fn parse_resident_bytes(text: &str) -> Option<u64> {
    let line = text.lines().find_map(|line| line.strip_prefix("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().next()?.parse().ok()?;
    kib.checked_mul(1024)
}

/// The soft limit of `Max open files` in `/proc/self/limits` (absent when unlimited).
fn parse_max_fds(text: &str) -> Option<u64> {
    let line = text.lines().find_map(|line| line.strip_prefix("Max open files"))?;
    line.split_whitespace().next()?.parse().ok()
}

impl Collector for ProcessCollector {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let now = ProcessReading::now();
        if let Some(cpu) = now.cpu_seconds {
            let metric = ConstCounter::new(cpu);
            metric.encode(encoder.encode_descriptor(
                "process_cpu_seconds",
                "User and system CPU time spent, in seconds",
                None,
                MetricType::Counter,
            )?)?;
        }
        let gauges = [
            ("process_resident_memory_bytes", "Resident memory size, in bytes", now.resident_bytes.map(|v| v as f64)),
            ("process_open_fds", "Open file descriptors", now.open_fds.map(|v| v as f64)),
            ("process_max_fds", "Most file descriptors the process may open", now.max_fds.map(|v| v as f64)),
            (
                "process_start_time_seconds",
                "When the process started, in seconds since the Unix epoch",
                now.start_time_seconds,
            ),
        ];
        for (name, help, value) in gauges {
            if let Some(value) = value {
                ConstGauge::new(value).encode(encoder.encode_descriptor(name, help, None, MetricType::Gauge)?)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn stat_fields_are_counted_after_a_name_with_spaces_and_parentheses() {
        let line = "4242 (fw (worker) 1) S 1 4242 4242 0 -1 4194560 500 0 0 0 \
                    250 75 0 0 20 0 8 0 123456 1000000 2000 18446744073709551615";
        assert_eq!(parse_stat(line), Some(Stat { cpu_ticks: 325, start_ticks: 123456 }));
        assert_eq!(parse_stat("4242 (truncated) S 1"), None);
    }

    #[test]
    fn status_limits_and_boot_time_are_read_by_their_labels() {
        assert_eq!(parse_resident_bytes("Name:\tfw\nVmRSS:\t   2048 kB\nVmSwap:\t0 kB\n"), Some(2048 * 1024));
        let limits = "Limit                     Soft Limit           Hard Limit           Units\n\
                      Max open files            1024                 524288               files\n";
        assert_eq!(parse_max_fds(limits), Some(1024));
        assert_eq!(parse_max_fds("Max open files            unlimited            unlimited            files\n"), None);
        assert_eq!(parse_boot_time("cpu  1 2 3\nbtime 1764000000\nprocesses 9\n"), Some(1_764_000_000));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn on_linux_this_process_is_read_from_proc() {
        let now = ProcessReading::now();
        assert!(now.resident_bytes.is_some_and(|b| b > 0), "{now:?}");
        assert!(now.open_fds.is_some_and(|n| n > 0), "{now:?}");
        assert!(now.cpu_seconds.is_some(), "{now:?}");
        let started = now.start_time_seconds.unwrap();
        let epoch_now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs_f64();
        assert!(started <= epoch_now + 1.0 && started > epoch_now - 86_400.0 * 365.0, "{started} vs {epoch_now}");
    }
}
