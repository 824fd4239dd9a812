//! `/metrics` as a Prometheus scraper sees it: read with a `metrics` token (which reads nothing
//! else), every family described and typed, counters sampled as `_total`, histograms cumulative
//! up to `+Inf`, request durations by route template and status, the build and the process.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::collections::BTreeMap;
use store::Role;
use support::{Backend, TestServer};

/// One sample line: its name, labels in order, and value.
#[derive(Debug, Clone)]
struct Sample {
    name: String,
    labels: Vec<(String, String)>,
    value: f64,
}

impl Sample {
    fn label(&self, key: &str) -> Option<&str> {
        self.labels.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }
}

/// A family: its `# TYPE`, whether it had a `# HELP`, and its samples.
#[derive(Debug, Default)]
struct Family {
    kind: String,
    help: bool,
    samples: Vec<Sample>,
}

/// Parses OpenMetrics text, failing on anything it does not expect: a sample of no declared
/// family, a name its family's type does not allow, a missing `# EOF`.
fn parse(text: &str) -> BTreeMap<String, Family> {
    let mut families: BTreeMap<String, Family> = BTreeMap::new();
    let mut eof = false;
    for line in text.lines() {
        assert!(!eof, "text after # EOF: {line}");
        if line == "# EOF" {
            eof = true;
        } else if let Some(rest) = line.strip_prefix("# HELP ") {
            let (name, _) = rest.split_once(' ').unwrap_or((rest, ""));
            families.entry(name.to_string()).or_default().help = true;
        } else if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.split_once(' ').unwrap_or_else(|| panic!("a TYPE without a type: {line}"));
            families.entry(name.to_string()).or_default().kind = kind.to_string();
        } else if line.starts_with("# UNIT ") {
            continue;
        } else {
            assert!(!line.starts_with('#'), "an unknown comment: {line}");
            let sample = sample(line);
            let family = families
                .iter_mut()
                .filter(|(name, _)| sample.name.starts_with(name.as_str()))
                .max_by_key(|(name, _)| name.len())
                .unwrap_or_else(|| panic!("a sample of no declared family: {line}"))
                .1;
            family.samples.push(sample);
        }
    }
    assert!(eof, "the exposition does not end with # EOF");
    families
}

fn sample(line: &str) -> Sample {
    let (name, rest) = match line.find('{') {
        Some(at) => (&line[..at], &line[at..]),
        None => line.split_at(line.find(' ').unwrap_or_else(|| panic!("a sample without a value: {line}"))),
    };
    let mut labels = Vec::new();
    let mut value_text = rest.trim();
    if let Some(body) = rest.strip_prefix('{') {
        // Label values may hold `{` and `}` (route templates): scan outside quotes only.
        let (mut key, mut value, mut in_value, mut escaped) = (String::new(), String::new(), false, false);
        let mut end = None;
        for (i, c) in body.char_indices() {
            match (in_value, c) {
                (true, _) if escaped => {
                    value.push(c);
                    escaped = false;
                }
                (true, '\\') => escaped = true,
                (true, '"') => {
                    labels.push((std::mem::take(&mut key), std::mem::take(&mut value)));
                    in_value = false;
                }
                (true, _) => value.push(c),
                (false, '}') => {
                    end = Some(i);
                    break;
                }
                (false, '"') => in_value = true,
                (false, '=' | ',') => {}
                (false, _) => key.push(c),
            }
        }
        let end = end.unwrap_or_else(|| panic!("unclosed labels: {line}"));
        value_text = body[end + 1..].trim();
    }
    let value = match value_text {
        "+Inf" => f64::INFINITY,
        v => v.parse().unwrap_or_else(|_| panic!("not a number: {line}")),
    };
    Sample { name: name.to_string(), labels, value }
}

/// What a family of each type may be sampled as.
fn allowed_suffixes(kind: &str) -> &'static [&'static str] {
    match kind {
        "counter" => &["_total", "_created"],
        "gauge" | "unknown" => &[""],
        "histogram" => &["_bucket", "_sum", "_count", "_created"],
        "info" => &["_info"],
        other => panic!("a type this test does not know: {other}"),
    }
}

/// A series' labels but `le`.
type SeriesKey = Vec<(String, String)>;

/// Buckets of each series (labels but `le`) grow with `le`, end at `+Inf`, and that equals `_count`.
fn assert_histogram(name: &str, family: &Family) {
    let mut series: BTreeMap<SeriesKey, Vec<(f64, f64)>> = BTreeMap::new();
    let mut counts: BTreeMap<SeriesKey, f64> = BTreeMap::new();
    for s in &family.samples {
        let key: SeriesKey = s.labels.iter().filter(|(k, _)| k != "le").cloned().collect();
        if s.name.ends_with("_bucket") {
            let le = s.label("le").unwrap_or_else(|| panic!("{name}: a bucket without `le`"));
            let bound = if le == "+Inf" { f64::INFINITY } else { le.parse().unwrap() };
            series.entry(key).or_default().push((bound, s.value));
        } else if s.name.ends_with("_count") {
            counts.insert(key, s.value);
        }
    }
    for (key, buckets) in &series {
        let bounds: Vec<f64> = buckets.iter().map(|b| b.0).collect();
        assert!(bounds.windows(2).all(|w| w[0] < w[1]), "{name} {key:?}: bounds out of order {bounds:?}");
        assert!(buckets.windows(2).all(|w| w[0].1 <= w[1].1), "{name} {key:?}: buckets not cumulative {buckets:?}");
        let last = buckets.last().unwrap();
        assert!(last.0.is_infinite(), "{name} {key:?}: the last bucket is not +Inf");
        assert_eq!(Some(&last.1), counts.get(key), "{name} {key:?}: +Inf is not the count");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_metrics_token_scrapes_a_well_formed_exposition_and_reads_nothing_else() {
    let server = TestServer::start(Backend::Sqlite, "").await;
    // Traffic to time: a listed route, one with an id (answered 404), and a path no route has.
    assert_eq!(server.get(Role::Viewer, "/v1/incidents").await.status(), 200);
    assert_eq!(server.get(Role::Viewer, "/v1/incidents/inc_not_there").await.status(), 404);
    assert_eq!(server.get(Role::Viewer, "/v1/no-such-route/abc").await.status(), 404);

    // The metrics token is for /metrics alone.
    let refused = server.get(Role::Metrics, "/v1/incidents").await;
    assert_eq!(refused.status(), 403);
    let scrape = server.get(Role::Metrics, "/metrics").await;
    assert_eq!(scrape.status(), 200);
    let kind = scrape.headers()["content-type"].to_str().unwrap().to_string();
    assert!(kind.starts_with("application/openmetrics-text"), "{kind}");
    let text = scrape.text().await.unwrap();
    let families = parse(&text);

    for (name, family) in &families {
        assert!(family.help, "{name} has no # HELP");
        assert!(!family.kind.is_empty(), "{name} has no # TYPE");
        for s in &family.samples {
            let suffix = &s.name[name.len()..];
            assert!(allowed_suffixes(&family.kind).contains(&suffix), "{} in the {} {name}", s.name, family.kind);
        }
        if family.kind == "counter" {
            assert!(family.samples.iter().all(|s| s.name.ends_with("_total")), "{name}: {:?}", family.samples);
        }
        if family.kind == "histogram" {
            assert_histogram(name, family);
        }
    }

    let typed = |name: &str| families.get(name).map(|f| f.kind.as_str());
    assert_eq!(typed("factorwatch_requests_refused"), Some("counter"));
    assert_eq!(typed("factorwatch_events_ingested"), Some("counter"));
    assert_eq!(typed("factorwatch_sink_delivered"), Some("counter"));
    assert_eq!(typed("factorwatch_queue_depth"), Some("gauge"));
    assert_eq!(typed("http_request_duration_seconds"), Some("histogram"));
    let build = &families["factorwatch_build"].samples;
    assert_eq!(build.len(), 1);
    assert_eq!(build[0].name, "factorwatch_build_info");
    assert_eq!(build[0].label("version"), Some(env!("CARGO_PKG_VERSION")));
    assert_eq!(build[0].value, 1.0);

    // Requests by route template and status; never the raw path.
    let requests = &families["http_request_duration_seconds"].samples;
    let counted = |route: &str, status: &str| {
        requests.iter().any(|s| {
            s.name.ends_with("_count")
                && s.label("route") == Some(route)
                && s.label("method") == Some("GET")
                && s.label("status") == Some(status)
                && s.value >= 1.0
        })
    };
    assert!(counted("/v1/incidents", "200"), "{text}");
    assert!(counted("/v1/incidents/{id}", "404"), "{text}");
    assert!(counted("unmatched", "404"), "{text}");
    assert!(counted("/v1/incidents", "403"), "the metrics token's refusal is timed too: {text}");
    assert!(!text.contains("inc_not_there") && !text.contains("no-such-route"), "{text}");

    // The process, from /proc.
    if cfg!(target_os = "linux") {
        assert_eq!(typed("process_cpu_seconds"), Some("counter"));
        for gauge in ["process_resident_memory_bytes", "process_open_fds", "process_start_time_seconds"] {
            assert_eq!(typed(gauge), Some("gauge"), "{gauge}");
            assert!(families[gauge].samples[0].value > 0.0, "{gauge}: {text}");
        }
    }
    server.stop().await;
}
