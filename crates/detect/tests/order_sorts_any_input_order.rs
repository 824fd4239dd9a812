//! The event sorter gives one sequence for the same events in any input order, in event
//! time with deterministic tie-breaks, whether everything fits in memory or runs spill.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{TimeZone, Utc};
use detect::order::{EventSorter, compare};
use model::{ActorRelation, Category, Client, Event, Outcome, Provider, Risk, SourceRef};
use proptest::prelude::*;
use std::sync::Arc;

fn event(second: i64, provider: Provider, tenant: &str, id: u32, category: Category) -> Event {
    Event {
        provider,
        tenant: tenant.into(),
        id: format!("e{id}").into(),
        time: Utc.timestamp_opt(1_777_000_000 + second, 0).single().unwrap(),
        category,
        action: "act".into(),
        outcome: Outcome::default(),
        reason: None,
        actor: None,
        target: None,
        relation: ActorRelation::default(),
        factor: None,
        client: Client::default(),
        session: None,
        correlation: None,
        object: None,
        risk: Risk::default(),
        tags: vec![],
        source: SourceRef::new(Arc::from("f.ndjson"), u64::from(id)),
    }
}

fn sort_all(events: Vec<Event>, run: usize) -> (Vec<Event>, usize) {
    let mut sorter = EventSorter::new(run);
    for e in events {
        sorter.push(e).unwrap();
    }
    let spilled = sorter.spilled_runs();
    let sorted = sorter.finish().unwrap();
    (sorted.map(|e| e.unwrap()).collect(), spilled)
}

fn events_strategy() -> impl Strategy<Value = Vec<Event>> {
    let providers = prop::sample::select(vec![Provider::Okta, Provider::Entra, Provider::Aws]);
    let tenants = prop::sample::select(vec!["a", "b"]);
    let categories = prop::sample::select(vec![Category::FactorAdd, Category::SigninSuccess, Category::PasswordReset]);
    // Few distinct seconds, so that ties on time (and more) are common.
    prop::collection::vec((0i64..6, providers, tenants, 0u32..5, categories), 0..60).prop_map(|rows| {
        rows.into_iter()
            .enumerate()
            .map(|(n, (s, p, t, id, c))| {
                let mut e = event(s, p, t, id, c);
                e.source.line = n as u64;
                e
            })
            .collect()
    })
}

proptest! {
    #[test]
    fn shuffled_input_gives_the_sorted_sequence(
        (events, shuffled) in events_strategy().prop_flat_map(|v| (Just(v.clone()), Just(v).prop_shuffle())),
        run in 1usize..9,
    ) {
        let mut expected = events;
        expected.sort_by(compare);
        let (from_shuffled, _) = sort_all(shuffled, run);
        prop_assert_eq!(&from_shuffled, &expected);
        let (in_memory, spilled) = sort_all(expected.clone(), usize::MAX);
        prop_assert_eq!(spilled, 0);
        prop_assert_eq!(in_memory, expected);
    }
}

#[test]
fn runs_spill_to_disk_past_the_run_size_and_merge_in_order() {
    let events: Vec<Event> =
        (0..25).rev().map(|n| event(n, Provider::Okta, "a", n as u32, Category::FactorAdd)).collect();
    let (sorted, spilled) = sort_all(events, 4);
    assert_eq!(spilled, 6);
    let seconds: Vec<i64> = sorted.iter().map(|e| e.time.timestamp() - 1_777_000_000).collect();
    assert_eq!(seconds, (0..25).collect::<Vec<_>>());
}

#[test]
fn many_runs_are_merged_early_and_still_come_out_in_order() {
    let events: Vec<Event> =
        (0..300).map(|n| event((n * 7919) % 301, Provider::Entra, "t", n as u32, Category::SigninSuccess)).collect();
    let (sorted, spilled) = sort_all(events, 2);
    assert_eq!(spilled, 150);
    assert_eq!(sorted.len(), 300);
    assert!(sorted.windows(2).all(|w| compare(&w[0], &w[1]).is_le()));
}

#[test]
fn ties_on_time_break_by_provider_tenant_id_then_category() {
    let a = event(0, Provider::Okta, "b", 1, Category::FactorAdd);
    let b = event(0, Provider::Okta, "a", 2, Category::FactorAdd);
    let c = event(0, Provider::Entra, "z", 9, Category::FactorAdd);
    let d = event(0, Provider::Okta, "a", 2, Category::SigninSuccess);
    let (sorted, _) = sort_all(vec![a, d, b, c], 2);
    let keys: Vec<(Provider, String, String, Category)> =
        sorted.iter().map(|e| (e.provider, e.tenant.to_string(), e.id.to_string(), e.category)).collect();
    assert_eq!(
        keys,
        vec![
            (Provider::Okta, "a".into(), "e2".into(), Category::FactorAdd),
            (Provider::Okta, "a".into(), "e2".into(), Category::SigninSuccess),
            (Provider::Okta, "b".into(), "e1".into(), Category::FactorAdd),
            (Provider::Entra, "z".into(), "e9".into(), Category::FactorAdd),
        ]
    );
}

#[test]
fn spilled_runs_go_to_the_given_folder_and_leave_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let mut sorter = EventSorter::new(2).with_temp_dir(dir.path().to_path_buf());
    for n in 0..5 {
        sorter.push(event(5 - n, Provider::Aws, "t", n as u32, Category::Other)).unwrap();
    }
    assert_eq!(sorter.spilled_runs(), 2);
    let sorted: Vec<Event> = sorter.finish().unwrap().map(|e| e.unwrap()).collect();
    assert_eq!(sorted.len(), 5);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "runs are anonymous files");
}
