//! Stream mode (`serve`): events delivered out of order within the lateness, or across
//! crashes and restores from snapshots, give exactly the findings and incidents of a hunt
//! over the same events.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{DateTime, Duration, TimeZone, Utc};
use detect::{Config, Earlier, Engine, History, IdentityKey, Regrouped, Regrouper, Stream, StreamError};
use model::{Category, Event, Finding, Incident, Principal, PrincipalKind, Provider};
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

/// A generated tenant with every attack story, normalized once for all tests.
fn tenant() -> &'static (Config, Vec<Event>) {
    static TENANT: OnceLock<(Config, Vec<Event>)> = OnceLock::new();
    TENANT.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let cfg = synth::Config { seed: 5, users: 40, days: 21, events: 6_000, ..synth::Config::default() };
        synth::generate(&cfg, dir.path()).unwrap();
        let config = Config::load(&dir.path().join("factorwatch.toml")).unwrap();
        let mut opts = ingest::Options::default();
        for (provider, tenant) in &config.tenants {
            opts.set_tenant(Provider::parse(provider).unwrap(), tenant);
        }
        let inputs =
            config.sources.values().map(|s| ingest::Input::Path(dir.path().join(s.path.as_deref().unwrap()))).collect();
        let mut events = Vec::new();
        let tally = ingest::Pipeline::new(opts).run(inputs, &mut |e| events.push(e));
        assert!(tally.diagnostics.is_empty(), "{:?}", tally.diagnostics);
        (config, events)
    })
}

/// What `hunt` gives: findings in report order, and incidents.
fn hunted() -> &'static (Vec<Finding>, Vec<Incident>) {
    static HUNTED: OnceLock<(Vec<Finding>, Vec<Incident>)> = OnceLock::new();
    HUNTED.get_or_init(|| {
        let (config, events) = tenant();
        let mut sorted = events.clone();
        sorted.sort_by(detect::order::compare);
        let mut engine = Engine::new(config).unwrap();
        for e in &sorted {
            engine.process(e);
        }
        let report = engine.finish();
        assert!(report.findings.len() >= 10 && report.incidents.len() >= 5, "{:?}", report.findings);
        (report.findings, report.incidents)
    })
}

/// xorshift64: a fixed stream from a seed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

/// The events in the order a store receives them when each is delivered up to `delay`
/// after it happened.
fn delivered(events: &[Event], seed: u64, delay: Duration) -> Vec<Event> {
    let mut rng = Rng(seed | 1);
    let mut keyed: Vec<(DateTime<Utc>, usize, &Event)> = events
        .iter()
        .enumerate()
        .map(|(i, e)| (e.time + Duration::seconds(rng.below(delay.num_seconds() as u64 + 1) as i64), i, e))
        .collect();
    keyed.sort_by_key(|(at, i, _)| (*at, *i));
    keyed.into_iter().map(|(_, _, e)| e.clone()).collect()
}

/// Events that arrive after a later one (by event time) already has.
fn out_of_order(events: &[Event]) -> usize {
    let mut newest = DateTime::<Utc>::MIN_UTC;
    let mut count = 0;
    for e in events {
        count += usize::from(e.time < newest);
        newest = newest.max(e.time);
    }
    count
}

/// A crash: a snapshot is taken before the event at `snapshot`, the stream runs on, and
/// dies before the event at `crash`; the service restores the snapshot and re-reads the
/// store after its cursor.
#[derive(Debug, Clone, Copy)]
struct Crash {
    snapshot: usize,
    crash: usize,
}

struct Run {
    findings: Vec<Finding>,
    incidents: Vec<Incident>,
    stream: Stream,
    /// Snapshots taken while events were still buffered.
    snapshots_with_buffer: usize,
}

/// The store keeps the first finding of each id.
fn keep(found: Vec<Finding>, store: &mut HashMap<String, Finding>) {
    for f in found {
        store.entry(f.id.clone()).or_insert(f);
    }
}

/// Pushes every event (store sequence = position + 1), releasing after each, taking
/// findings every few events into a store that keeps the first finding of each id; then
/// drains, reads the blind spots, and groups everything the store holds.
fn stream(config: &Config, events: &[Event], lateness: std::time::Duration, crashes: &[Crash]) -> Run {
    let mut stream = Stream::new(Engine::new(config).unwrap(), lateness);
    let mut store: HashMap<String, Finding> = HashMap::new();
    let mut crashes = crashes.iter().peekable();
    let mut saved: Option<(Vec<u8>, usize)> = None;
    let mut snapshots_with_buffer = 0;
    let mut i = 0;
    while i < events.len() {
        if let Some((bytes, crash)) = &saved
            && *crash == i
        {
            stream = Stream::restore(config, bytes).unwrap();
            i = usize::try_from(stream.cursor()).unwrap();
            saved = None;
            continue;
        }
        if let Some(c) = crashes.next_if(|c| c.snapshot == i) {
            snapshots_with_buffer += usize::from(stream.buffered() > 0);
            saved = Some((stream.snapshot().unwrap(), c.crash));
        }
        stream.push(i as i64 + 1, events[i].clone());
        stream.release();
        if i % 7 == 0 {
            keep(stream.take_findings(), &mut store);
        }
        i += 1;
    }
    stream.drain(DateTime::<Utc>::MAX_UTC);
    keep(stream.take_findings(), &mut store);
    let mut findings: Vec<Finding> = store.into_values().collect();
    findings.extend(stream.blind_spots());
    let incidents = stream.group(&mut findings);
    Run { findings, incidents, stream, snapshots_with_buffer }
}

fn assert_same_as_hunt(run: &Run) {
    let (findings, incidents) = hunted();
    let ids = |f: &[Finding]| f.iter().map(|f| f.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&run.findings), ids(findings));
    let members = |i: &[Incident]| i.iter().map(|i| (i.id.clone(), i.findings.clone())).collect::<Vec<_>>();
    assert_eq!(members(&run.incidents), members(incidents));
    assert_eq!(&run.findings, findings);
    assert_eq!(&run.incidents, incidents);
}

#[test]
fn stream_in_any_arrival_order_within_lateness_gives_the_findings_of_finish() {
    let (config, events) = tenant();
    let delay = Duration::minutes(30);
    let lateness = (delay + Duration::seconds(1)).to_std().unwrap();
    for seed in [1, 2, 3] {
        let arrived = delivered(events, seed, delay);
        assert!(out_of_order(&arrived) > 100, "the delivery should reorder events");
        let run = stream(config, &arrived, lateness, &[]);
        assert_eq!(run.stream.late(), 0, "seed {seed}");
        assert_eq!(run.stream.buffered(), 0);
        assert_eq!(run.stream.engine().events(), events.len() as u64);
        assert_eq!(run.stream.cursor(), events.len() as i64);
        assert_same_as_hunt(&run);
    }
}

/// The service's store as far as regrouping goes: findings and incidents by id, written
/// as the regrouper asks.
#[derive(Default)]
struct Written {
    findings: HashMap<String, Finding>,
    incidents: HashMap<String, Incident>,
}

impl Written {
    fn apply(&mut self, changes: Regrouped) {
        for id in &changes.retracted {
            self.findings.remove(id);
        }
        for id in &changes.dropped {
            self.incidents.remove(id);
        }
        self.findings.extend(changes.findings.into_iter().map(|f| (f.id.clone(), f)));
        self.incidents.extend(changes.incidents.into_iter().map(|i| (i.id.clone(), i)));
    }
}

impl History for &Written {
    type Error = std::convert::Infallible;

    fn earlier(&mut self, key: &IdentityKey) -> Result<Earlier, Self::Error> {
        let mine =
            |who: &model::FindingIdentity| who.provider == key.provider && who.tenant == key.tenant && who.id == key.id;
        Ok(Earlier {
            findings: self.findings.values().filter(|f| mine(&f.identity)).cloned().collect(),
            incidents: self.incidents.values().filter(|i| mine(&i.identity)).map(|i| i.id.clone()).collect(),
        })
    }
}

/// Incidents as (id, member findings, risk), by id.
fn incident_rows<'a>(incidents: impl IntoIterator<Item = &'a Incident>) -> Vec<(String, Vec<String>, u8)> {
    let mut rows: Vec<_> = incidents.into_iter().map(|i| (i.id.clone(), i.findings.clone(), i.risk_score)).collect();
    rows.sort();
    rows
}

#[test]
fn regrouping_what_serve_writes_gives_the_incidents_of_a_hunt() {
    let (config, events) = tenant();
    let mut written = Written::default();
    let mut stream = Stream::new(Engine::new(config).unwrap(), std::time::Duration::ZERO);
    let mut regrouper = Regrouper::default();
    let restart_at = events.len() / 2;
    let mut sorted = events.clone();
    sorted.sort_by(detect::order::compare);
    for (i, event) in sorted.into_iter().enumerate() {
        stream.push(i as i64 + 1, event);
        stream.release();
        if i % 50 != 49 {
            continue;
        }
        // Every few batches a reading of the blind spots, as the worker takes when the input
        // goes quiet: a source silent so far and heard from later is retracted.
        let reading = (i % 500 == 499).then(|| stream.blind_spots());
        let learned = regrouper.learn(stream.take_findings(), reading, &mut &written).unwrap();
        written.apply(regrouper.regroup(learned, stream.engine()));
        if i == restart_at {
            // A restart: the new regrouper knows only what the store holds.
            let blind: Vec<Finding> = written.findings.values().filter(|f| f.detector == "FW-011").cloned().collect();
            regrouper = Regrouper::new(blind);
        }
    }
    stream.drain(DateTime::<Utc>::MAX_UTC);
    let learned = regrouper.learn(stream.take_findings(), Some(stream.blind_spots()), &mut &written).unwrap();
    written.apply(regrouper.regroup(learned, stream.engine()));

    let (findings, incidents) = hunted();
    assert_eq!(incident_rows(written.incidents.values()), incident_rows(incidents));
    let mut ids: Vec<&String> = written.findings.keys().collect();
    ids.sort();
    let mut hunted_ids: Vec<&String> = findings.iter().map(|f| &f.id).collect();
    hunted_ids.sort();
    assert_eq!(ids, hunted_ids);
    for f in findings {
        assert_eq!(written.findings[&f.id].incident, f.incident, "the incident of {}", f.id);
    }
    assert!(written.incidents.len() >= 5, "{} incidents", written.incidents.len());
}

#[test]
fn restoring_a_snapshot_taken_anywhere_gives_the_same_findings() {
    let (config, events) = tenant();
    let delay = Duration::minutes(20);
    let lateness = (delay + Duration::seconds(1)).to_std().unwrap();
    for seed in [11, 12] {
        let arrived = delivered(events, seed, delay);
        // Crashes all along the input, each snapshot a random distance after the last crash,
        // each crash a random distance after its snapshot: state held across one is lost
        // unless the snapshot has it.
        let mut rng = Rng(seed * 7919);
        let gap = arrived.len() as u64 / 40;
        let mut crashes: Vec<Crash> = Vec::new();
        let mut at = rng.below(gap) as usize;
        while at < arrived.len() {
            let crash = at + 1 + rng.below(gap) as usize;
            crashes.push(Crash { snapshot: at, crash });
            at = crash + rng.below(gap) as usize;
        }
        let run = stream(config, &arrived, lateness, &crashes);
        assert!(crashes.len() >= 15, "{crashes:?}");
        assert!(run.snapshots_with_buffer >= 10, "{} snapshots held buffered events", run.snapshots_with_buffer);
        assert_eq!(run.stream.late(), 0);
        assert_same_as_hunt(&run);
    }
}

#[test]
fn a_snapshot_restores_the_buffer_cursor_counters_and_coordinates_exactly() {
    let (config, events) = tenant();
    let arrived = delivered(events, 21, Duration::minutes(10));
    let mut stream = Stream::new(Engine::new(config).unwrap(), std::time::Duration::from_secs(600));
    let half = arrived.len() / 2;
    for (i, e) in arrived.iter().take(half).enumerate() {
        stream.push(i as i64 + 1, e.clone());
        stream.release();
    }
    // A coordinate whose shortest decimal form is read back to other bits by a lax parser.
    let mut odd = arrived[half].clone();
    odd.client.geo =
        Some(model::Geo { lat: Some(0.1 + 0.2), lon: Some(-122.419_415_999_999_99), ..Default::default() });
    stream.push(half as i64 + 1, odd.clone());
    let back = Stream::restore(config, &stream.snapshot().unwrap()).unwrap();
    assert_eq!((back.cursor(), back.buffered(), back.late()), (stream.cursor(), stream.buffered(), stream.late()));
    assert!(back.buffered() > 0);
    assert_eq!(back.lateness(), stream.lateness());
    assert_eq!(back.engine().events(), stream.engine().events());
    assert_eq!(back.engine().identities(), stream.engine().identities());
    assert_eq!(back.engine().coverage(), stream.engine().coverage());
    for who in stream.engine().identities() {
        let (a, b) = (
            stream.engine().identity(who.key.provider, &who.key.tenant, &who.key.id),
            back.engine().identity(who.key.provider, &who.key.tenant, &who.key.id),
        );
        assert_eq!(a, b);
        let place = a.and_then(|v| v.last_signin);
        let place_back = b.and_then(|v| v.last_signin);
        assert_eq!(place.map(|p| p.lat.to_bits()), place_back.map(|p| p.lat.to_bits()));
    }
    // The odd event comes back bit for bit: drain both and compare what was processed.
    let mut back = back;
    let mut again = Stream::restore(config, &stream.snapshot().unwrap()).unwrap();
    let snap = |s: &Stream| serde_json::from_slice::<serde_json::Value>(&s.snapshot().unwrap()[8..]).unwrap();
    let buffered = snap(&back)["buffered"].clone();
    let odd_back: Vec<Event> = buffered
        .as_array()
        .unwrap()
        .iter()
        .map(|pair| serde_json::from_value(pair[1].clone()).unwrap())
        .filter(|e: &Event| e.id == odd.id)
        .collect();
    let geo = odd_back[0].client.geo.as_ref().unwrap();
    assert_eq!(geo.lat.map(f64::to_bits), Some((0.1f64 + 0.2).to_bits()));
    assert_eq!(geo.lon.map(f64::to_bits), Some((-122.419_415_999_999_99f64).to_bits()));
    assert_eq!(back.drain(DateTime::<Utc>::MAX_UTC), again.drain(DateTime::<Utc>::MAX_UTC));
}

#[test]
fn a_restored_stream_snapshots_to_the_same_bytes() {
    let (config, events) = tenant();
    let arrived = delivered(events, 25, Duration::minutes(30));
    let mut stream = Stream::new(Engine::new(config).unwrap(), std::time::Duration::from_secs(1801));
    for (i, e) in arrived.iter().enumerate() {
        if i % 1000 == 999 {
            let bytes = stream.snapshot().unwrap();
            assert!(stream.buffered() > 0);
            let back = Stream::restore(config, &bytes).unwrap();
            assert!(back.snapshot().unwrap() == bytes, "snapshot after {i} events differs once restored");
        }
        stream.push(i as i64 + 1, e.clone());
        stream.release();
    }
}

#[test]
fn events_later_than_the_lateness_are_counted_and_still_processed() {
    let (config, events) = tenant();
    let arrived = delivered(events, 31, Duration::hours(2));
    let mut stream = Stream::new(Engine::new(config).unwrap(), std::time::Duration::from_secs(60));
    let mut late = 0;
    let mut processed = 0;
    for (i, e) in arrived.iter().enumerate() {
        late += u64::from(stream.push(i as i64 + 1, e.clone()));
        processed += stream.release();
    }
    processed += stream.drain(DateTime::<Utc>::MAX_UTC);
    assert!(late > 0);
    assert_eq!(stream.late(), late);
    assert_eq!(processed, events.len());
    assert_eq!(stream.engine().events(), events.len() as u64);
}

const TENANT: &str = "acme.okta.com";

fn at(h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 5, 4, h, m, 0).single().unwrap()
}

fn event(id: &str, time: DateTime<Utc>, category: Category, who: &str) -> Event {
    let alice = Principal::new(Some(&format!("00u-{who}")), Some(&format!("{who}@acme.com")), PrincipalKind::Human);
    Event {
        provider: Provider::Okta,
        tenant: TENANT.into(),
        id: id.into(),
        time,
        category,
        action: "test.action".into(),
        outcome: model::Outcome::Success,
        reason: None,
        actor: alice,
        target: None,
        relation: model::ActorRelation::SelfService,
        factor: None,
        client: model::Client::default(),
        session: None,
        correlation: None,
        object: None,
        risk: model::Risk::default(),
        tags: Vec::new(),
        source: model::SourceRef::new(Arc::from("test.ndjson"), 1),
    }
}

#[test]
fn a_late_event_is_flagged_counted_and_processed_out_of_order() {
    let mut stream = Stream::new(Engine::new(&Config::default()).unwrap(), std::time::Duration::from_secs(300));
    assert!(!stream.push(1, event("e1", at(10, 0), Category::SigninSuccess, "alice")));
    assert!(!stream.push(2, event("e2", at(10, 20), Category::SigninSuccess, "bob")));
    assert_eq!(stream.release(), 1, "only alice's sign-in is 5 min older than the newest event");
    assert!(stream.push(3, event("e3", at(9, 55), Category::SigninSuccess, "alice")));
    assert!(!stream.push(4, event("e4", at(10, 16), Category::SigninSuccess, "alice")), "not older than e1");
    assert_eq!((stream.late(), stream.buffered(), stream.cursor()), (1, 3, 4));
    assert_eq!(stream.release(), 1, "the late event, at once; e4 and e2 wait");
    // Found by login as well as by id.
    let alice = stream.engine().identity(Provider::Okta, TENANT, "ALICE@acme.com").unwrap();
    assert_eq!((alice.key.id.as_str(), alice.signins), ("00u-alice", 2));
    assert_eq!(alice.last_seen, at(10, 0));
}

#[test]
fn a_login_of_two_accounts_names_both_across_a_snapshot_and_an_id_names_one() {
    let mut stream = Stream::new(Engine::new(&Config::default()).unwrap(), std::time::Duration::from_secs(300));
    let first = event("e1", at(10, 0), Category::SigninSuccess, "alice");
    // Deleted and created again: the same login, another immutable id.
    let mut again = event("e2", at(11, 0), Category::SigninSuccess, "alice");
    again.actor = Principal::new(Some("00u-alice-2"), Some("alice@acme.com"), PrincipalKind::Human);
    stream.push(1, first);
    stream.push(2, again);
    stream.drain(at(12, 0));
    let named = |s: &Stream, who: &str| -> Vec<String> {
        s.engine().ids_named(Provider::Okta, TENANT, who).iter().map(|t| t.to_string()).collect()
    };
    assert_eq!(named(&stream, "Alice@acme.com"), ["00u-alice", "00u-alice-2"], "first seen first");
    assert_eq!(named(&stream, "00u-alice-2"), ["00u-alice-2"]);
    assert_eq!(named(&stream, "bob@acme.com"), Vec::<String>::new());

    let bytes = stream.snapshot().unwrap();
    let back = Stream::restore(&Config::default(), &bytes).unwrap();
    assert_eq!(named(&back, "alice@acme.com"), ["00u-alice", "00u-alice-2"]);

    // A version 4 snapshot has no later accounts: it reads, knowing the first one.
    let mut body: serde_json::Value = serde_json::from_slice(&bytes[8..]).unwrap();
    body["engine"].as_object_mut().unwrap().remove("alias_others").expect("saved");
    let mut older = bytes[..4].to_vec();
    older.extend_from_slice(&4u32.to_le_bytes());
    older.extend(serde_json::to_vec(&body).unwrap());
    let old = Stream::restore(&Config::default(), &older).unwrap();
    assert_eq!(named(&old, "alice@acme.com"), ["00u-alice"]);
}

#[test]
fn drain_runs_only_the_checks_due_by_now() {
    // All factors reset: FW-006 fires when nothing is enrolled again within 24 h.
    let mut stream = Stream::new(Engine::new(&Config::default()).unwrap(), std::time::Duration::from_secs(300));
    stream.push(1, event("reset", at(10, 0), Category::FactorReset, "alice"));
    assert_eq!(stream.drain(at(10, 0) + Duration::hours(24) - Duration::seconds(1)), 1);
    assert!(stream.take_findings().is_empty(), "the check is due only at 10:00 the next day");
    assert_eq!(stream.drain(at(10, 0) + Duration::hours(24)), 0);
    let found = stream.take_findings();
    assert_eq!(found.iter().map(|f| f.detector.as_str()).collect::<Vec<_>>(), ["FW-006"]);
    assert_eq!(found[0].time, at(10, 0) + Duration::hours(24), "dated when the check was due, as in a hunt");
    assert!(found[0].incident.is_empty() && found[0].remediation.is_empty(), "raw findings");
    let mut grouped = found;
    let incidents = stream.group(&mut grouped);
    assert_eq!(incidents.len(), 1);
    assert_eq!(grouped[0].incident, incidents[0].id);
    assert!(!grouped[0].remediation.is_empty());
}

#[test]
fn a_snapshot_of_another_version_or_garbage_is_an_error() {
    let mut stream = Stream::new(Engine::new(&Config::default()).unwrap(), std::time::Duration::from_secs(300));
    stream.push(1, event("e1", at(10, 0), Category::SigninSuccess, "alice"));
    let good = stream.snapshot().unwrap();
    assert!(Stream::restore(&Config::default(), &good).is_ok());

    let mut newer = good.clone();
    let next = detect::stream::SNAPSHOT_VERSION + 1;
    newer[4..8].copy_from_slice(&next.to_le_bytes());
    let err = Stream::restore(&Config::default(), &newer).err().unwrap();
    assert!(matches!(err, StreamError::UnknownVersion { found } if found == next), "{err}");
    assert!(err.to_string().contains(&format!("version {next} is not supported")), "{err}");

    for garbage in [&b""[..], b"FWS", b"hello, world", b"{\"version\":1}"] {
        let err = Stream::restore(&Config::default(), garbage).err().unwrap();
        assert!(matches!(err, StreamError::NotASnapshot), "{err}");
    }
    let mut damaged = good[..8].to_vec();
    damaged.extend_from_slice(b"{not json");
    for bytes in [&good[..6], &good[..good.len() / 2], &damaged[..]] {
        let err = Stream::restore(&Config::default(), bytes).err().unwrap();
        assert!(matches!(err, StreamError::Damaged(_)), "{err}");
    }
    // A snapshot that parses but contradicts itself is refused too.
    let mut body: serde_json::Value = serde_json::from_slice(&good[8..]).unwrap();
    body["engine"]["graph"]["edges"] = serde_json::json!([{ "from": 0, "to": 7, "kind": "has_role" }]);
    let mut bad = good[..8].to_vec();
    bad.extend(serde_json::to_vec(&body).unwrap());
    assert!(matches!(Stream::restore(&Config::default(), &bad), Err(StreamError::Damaged(_))));
}

#[test]
fn views_describe_identities_and_sources_as_the_findings_do() {
    let (config, events) = tenant();
    let mut stream = Stream::new(Engine::new(config).unwrap(), std::time::Duration::ZERO);
    for (i, e) in delivered(events, 41, Duration::zero()).into_iter().enumerate() {
        stream.push(i as i64 + 1, e);
        stream.release();
    }
    stream.drain(DateTime::<Utc>::MAX_UTC);
    let found = stream.take_findings();
    let engine = stream.engine();
    let coverage = engine.coverage();
    let mut spots: Vec<String> = coverage.iter().flat_map(|c| c.blind_spots.clone()).collect();
    let mut expected: Vec<String> = stream.blind_spots().into_iter().map(|f| f.summary).collect();
    spots.sort();
    expected.sort();
    assert!(!expected.is_empty());
    assert_eq!(spots, expected);
    for source in config.sources.keys() {
        assert!(coverage.iter().any(|c| c.sources.iter().any(|s| &s.name == source)), "{source}");
    }
    assert!(coverage.iter().any(|c| c.sources.iter().any(|s| s.silent)), "the silent GitHub source");
    let summaries = engine.identities();
    assert!(summaries.len() >= 40);
    for f in found.iter().filter(|f| !f.identity.id.starts_with("source:")) {
        let view = engine.identity(f.identity.provider, &f.identity.tenant, &f.identity.id).unwrap();
        assert_eq!((view.kind, &view.name), (f.identity.kind, &f.identity.name), "{}", f.id);
        assert!(view.last_seen >= view.first_seen);
        serde_json::to_string(&view).unwrap();
    }
    let with_factors = summaries.iter().find(|s| s.factors_bound > 0).unwrap();
    let view = engine.identity(with_factors.key.provider, &with_factors.key.tenant, &with_factors.key.id).unwrap();
    let bound: Vec<_> = view.factors.iter().filter(|f| f.removed_at.is_none()).collect();
    assert_eq!(bound.len(), with_factors.factors_bound);
    // Factors learned from a sign-in say so instead of how they were bound.
    assert!(bound.iter().all(|f| f.description.contains(" bound ") || f.description.contains(" seen in use since ")));
}

/// Without a config, the stream learns shared egress as a hunt does, across crashes and
/// restores: the same networks, and the same findings (travel findings held on a network
/// not yet learned included).
#[test]
fn without_a_config_a_stream_learns_the_egress_of_a_hunt_and_gives_its_findings() {
    let (_, events) = tenant();
    let config = Config::default();
    let mut sorted = events.clone();
    sorted.sort_by(detect::order::compare);
    let mut engine = Engine::new(&config).unwrap();
    for e in &sorted {
        engine.process(e);
    }
    let hunted = engine.finish();
    assert!(
        hunted.learned_egress.iter().any(|n| n.network == "203.0.113.0/24"),
        "the corporate VPN is learned: {:?}",
        hunted.learned_egress
    );

    let delay = Duration::minutes(20);
    let lateness = (delay + Duration::seconds(1)).to_std().unwrap();
    let arrived = delivered(events, 31, delay);
    let gap = arrived.len() / 12;
    let crashes: Vec<Crash> = (1..10).map(|k| Crash { snapshot: k * gap, crash: k * gap + gap / 2 }).collect();
    let run = stream(&config, &arrived, lateness, &crashes);
    assert_eq!(run.stream.engine().learned_egress(), hunted.learned_egress);
    let ids = |f: &[Finding]| f.iter().map(|f| f.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&run.findings), ids(&hunted.findings));
    assert_eq!(run.findings, hunted.findings);
}
