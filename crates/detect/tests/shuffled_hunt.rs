//! Property: hunting the same events in any input order gives the same findings with the
//! same ids as hunting them sorted, through the external sorter (spilling to disk) that
//! `hunt` uses.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use detect::order::EventSorter;
use detect::{Config, Engine};
use model::Event;
use proptest::prelude::*;
use std::sync::OnceLock;

/// A small generated tenant with every attack story, normalized once for all cases.
fn tenant() -> &'static (Config, Vec<Event>) {
    static TENANT: OnceLock<(Config, Vec<Event>)> = OnceLock::new();
    TENANT.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let cfg = synth::Config { seed: 5, users: 40, days: 21, events: 4_000, ..synth::Config::default() };
        synth::generate(&cfg, dir.path()).unwrap();
        let config = Config::load(&dir.path().join("factorwatch.toml")).unwrap();
        let mut opts = ingest::Options::default();
        for (provider, tenant) in &config.tenants {
            opts.set_tenant(model::Provider::parse(provider).unwrap(), tenant);
        }
        let inputs =
            config.sources.values().map(|s| ingest::Input::Path(dir.path().join(s.path.as_deref().unwrap()))).collect();
        let mut events = Vec::new();
        ingest::Pipeline::new(opts).run(inputs, &mut |e| events.push(e));
        (config, events)
    })
}

/// Finding ids, in report order, from events pushed through the sorter in the given order.
fn hunt(config: &Config, events: Vec<Event>, run_events: usize) -> (Vec<String>, usize) {
    let mut sorter = EventSorter::new(run_events);
    for e in events {
        sorter.push(e).unwrap();
    }
    let spilled = sorter.spilled_runs();
    let mut engine = Engine::new(config).unwrap();
    for e in sorter.finish().unwrap() {
        engine.process(&e.unwrap());
    }
    (engine.finish().findings.into_iter().map(|f| f.id).collect(), spilled)
}

fn sorted_findings() -> &'static Vec<String> {
    static SORTED: OnceLock<Vec<String>> = OnceLock::new();
    SORTED.get_or_init(|| {
        let (config, events) = tenant();
        let mut sorted = events.clone();
        sorted.sort_by(detect::order::compare);
        hunt(config, sorted, usize::MAX).0
    })
}

#[test]
fn the_tenant_has_findings_to_compare() {
    assert!(sorted_findings().len() >= 10, "{:?}", sorted_findings());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn shuffled_input_gives_the_same_findings_with_the_same_ids(seed in any::<u64>(), run in 500usize..3000) {
        let (config, events) = tenant();
        let mut shuffled = events.clone();
        // A Fisher-Yates shuffle driven by a small deterministic generator from the seed.
        let mut state = seed | 1;
        for i in (1..shuffled.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            shuffled.swap(i, (state % (i as u64 + 1)) as usize);
        }
        let (ids, spilled) = hunt(config, shuffled, run);
        prop_assert!(spilled > 0, "the run size should make the sorter spill");
        prop_assert_eq!(&ids, sorted_findings());
    }
}
