use super::fixtures::{FAST_RETRY, Running, finding, sinks, until};
use super::memory::MemoryOutbox;
use super::receiver::{Receiver, Reply};
use chrono::{TimeDelta, TimeZone, Utc};
use reqwest::header::{HeaderMap, HeaderValue, RETRY_AFTER};
use server::sinks::outcome::{MAX_RETRY_AFTER, retry_after};
use server::sinks::retry::{backoff, decide};
use server::sinks::{Attempt, Outcome, RetryConfig, replay};
use std::sync::Arc;
use std::time::Duration;
use store::DeliveryState;

fn webhook(url: &str) -> String {
    format!("[[sinks]]\nname = \"soc\"\nkind = \"webhook\"\nurl = \"{url}\"\n{FAST_RETRY}\n")
}

#[tokio::test]
async fn a_503_then_200_is_delivered_once_after_one_retry() {
    let receiver = Receiver::start(vec![Reply::status(503)]).await;
    let outbox = Arc::new(MemoryOutbox::default());
    let id = outbox.queue("soc", finding("f-1"));
    let sinks = sinks(&webhook(&receiver.url), &[]);
    let stats = sinks[0].stats();
    let running = Running::start(sinks, outbox.clone());
    until("delivery", || outbox.delivery(id).state == DeliveryState::Delivered).await;
    // Give a wrongly repeated send the time to show up.
    tokio::time::sleep(Duration::from_millis(100)).await;
    running.stop().await;

    let hits = receiver.hits();
    assert_eq!(hits.len(), 2);
    assert_eq!(hits[0].header("x-factorwatch-delivery"), hits[1].header("x-factorwatch-delivery"));
    assert!(hits[1].at.duration_since(hits[0].at) >= Duration::from_millis(10), "jittered backoff of 20ms waited");
    assert_eq!(outbox.delivery(id).attempts, 2);
    let stats = stats.snapshot();
    assert_eq!((stats.delivered, stats.retried, stats.failed, stats.queue_depth), (1, 1, 0, 0));
}

#[tokio::test]
async fn a_429_with_retry_after_is_honoured_for_the_whole_sink() {
    let receiver = Receiver::start(vec![Reply::status(429).header("retry-after", "1")]).await;
    let outbox = Arc::new(MemoryOutbox::default());
    let first = outbox.queue("soc", finding("f-1"));
    let second = outbox.queue("soc", finding("f-2"));
    let running = Running::start(sinks(&webhook(&receiver.url), &[]), outbox.clone());
    until("deliveries", || [first, second].iter().all(|id| outbox.delivery(*id).state == DeliveryState::Delivered))
        .await;
    running.stop().await;

    let hits = receiver.hits();
    assert_eq!(hits.len(), 3, "the 429, then both findings");
    assert!(hits[1].at.duration_since(hits[0].at) >= Duration::from_secs(1), "nothing sent before Retry-After");
}

#[tokio::test]
async fn a_400_fails_at_once_and_replay_sends_it_again() {
    let receiver = Receiver::start(vec![Reply::status(400).body("invalid_payload")]).await;
    let outbox = Arc::new(MemoryOutbox::default());
    let id = outbox.queue("soc", finding("f-1"));
    let sinks = sinks(&webhook(&receiver.url), &[]);
    let stats = sinks[0].stats();
    let running = Running::start(sinks, outbox.clone());
    until("failure", || outbox.delivery(id).state == DeliveryState::Failed).await;
    let failed = outbox.delivery(id);
    assert_eq!(failed.attempts, 1);
    assert_eq!(failed.last_error.as_deref(), Some("receiver answered 400 Bad Request: invalid_payload"));
    // Failed stays failed: no retry happens on its own.
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert_eq!(receiver.hits().len(), 1);

    assert_eq!(replay(outbox.as_ref(), "soc").await.unwrap(), 1);
    running.wake.notify_one();
    until("delivery after replay", || outbox.delivery(id).state == DeliveryState::Delivered).await;
    running.stop().await;
    assert_eq!(receiver.hits().len(), 2);
    let stats = stats.snapshot();
    assert_eq!((stats.delivered, stats.failed, stats.retried), (1, 1, 0));
}

#[tokio::test]
async fn after_max_attempts_a_delivery_is_failed_and_kept() {
    let receiver = Receiver::start(vec![Reply::status(500); 5]).await;
    let outbox = Arc::new(MemoryOutbox::default());
    let id = outbox.queue("soc", finding("f-1"));
    let sinks = sinks(&webhook(&receiver.url), &[]);
    let stats = sinks[0].stats();
    let running = Running::start(sinks, outbox.clone());
    until("failure", || outbox.delivery(id).state == DeliveryState::Failed).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    running.stop().await;

    assert_eq!(receiver.hits().len(), 3);
    let delivery = outbox.delivery(id);
    assert_eq!(delivery.attempts, 3);
    assert_eq!(
        delivery.last_error.as_deref(),
        Some("receiver answered 500 Internal Server Error (gave up after 3 attempts)")
    );
    let stats = stats.snapshot();
    assert_eq!((stats.delivered, stats.retried, stats.failed), (0, 2, 1));
}

#[tokio::test]
async fn a_wake_up_reaches_every_idle_sink() {
    let (one, two) = (Receiver::start(vec![]).await, Receiver::start(vec![]).await);
    let toml = format!(
        "[[sinks]]\nname = \"one\"\nkind = \"webhook\"\nurl = \"{}\"\n\n[[sinks]]\nname = \"two\"\nkind = \"webhook\"\nurl = \"{}\"\n",
        one.url, two.url
    );
    let outbox = Arc::new(MemoryOutbox::default());
    let running = Running::start(sinks(&toml, &[]), outbox.clone());
    // Both sinks find nothing and go to sleep for the idle poll (30 s).
    tokio::time::sleep(Duration::from_millis(100)).await;
    let ids = [outbox.queue("one", finding("f-1")), outbox.queue("two", finding("f-1"))];
    running.wake.notify_one();
    until("both deliveries", || ids.iter().all(|id| outbox.delivery(*id).state == DeliveryState::Delivered)).await;
    running.stop().await;
    assert_eq!((one.hits().len(), two.hits().len()), (1, 1));
}

fn retry(initial_ms: u64, max_ms: u64, attempts: u32) -> RetryConfig {
    RetryConfig {
        initial_backoff: Duration::from_millis(initial_ms),
        max_backoff: Duration::from_millis(max_ms),
        max_attempts: attempts,
    }
}

#[test]
fn backoff_doubles_up_to_the_cap_and_jitter_takes_off_at_most_half() {
    let r = retry(1000, 300_000, 10);
    let full: Vec<u64> = (1..=10).map(|n| backoff(&r, n, 1.0).as_millis() as u64).collect();
    assert_eq!(full, [1000, 2000, 4000, 8000, 16000, 32000, 64000, 128000, 256000, 300000]);
    assert_eq!(backoff(&r, 3, 0.5), Duration::from_millis(2000));
    assert_eq!(backoff(&r, 3, 0.1), Duration::from_millis(2000), "jitter below one half is clamped");
    assert_eq!(backoff(&r, u32::MAX, 1.0), Duration::from_millis(300_000), "no overflow");
}

#[test]
fn retry_after_is_a_floor_on_the_next_attempt() {
    let now = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap();
    let r = retry(100, 1000, 5);
    let asked = Outcome::Retry { error: "429".into(), after: Some(Duration::from_secs(7)) };
    assert_eq!(decide(&r, 0, asked, now, 1.0), Attempt::Retry { error: "429".into(), at: now + TimeDelta::seconds(7) });
    let small = Outcome::Retry { error: "429".into(), after: Some(Duration::from_millis(1)) };
    assert_eq!(
        decide(&r, 0, small, now, 1.0),
        Attempt::Retry { error: "429".into(), at: now + TimeDelta::milliseconds(100) }
    );
}

#[test]
fn permanent_failures_and_the_last_attempt_give_up() {
    let now = Utc::now();
    let r = retry(100, 1000, 2);
    let permanent = Outcome::Permanent { error: "400".into() };
    assert_eq!(decide(&r, 0, permanent, now, 1.0), Attempt::GaveUp { error: "400".into() });
    let again = Outcome::Retry { error: "503".into(), after: None };
    assert!(matches!(decide(&r, 0, again.clone(), now, 1.0), Attempt::Retry { .. }));
    assert_eq!(decide(&r, 1, again, now, 1.0), Attempt::GaveUp { error: "503 (gave up after 2 attempts)".into() });
}

#[test]
fn retry_after_reads_seconds_and_http_dates_and_is_capped() {
    let now = Utc.with_ymd_and_hms(2015, 10, 21, 7, 28, 0).unwrap();
    let with = |value: &str| {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_str(value).unwrap());
        retry_after(&headers, now)
    };
    assert_eq!(with("120"), Some(Duration::from_secs(120)));
    assert_eq!(with("Wed, 21 Oct 2015 07:28:30 GMT"), Some(Duration::from_secs(30)));
    assert_eq!(with("Wed, 21 Oct 2015 07:00:00 GMT"), Some(Duration::ZERO), "a past date means now");
    assert_eq!(with("999999"), Some(MAX_RETRY_AFTER));
    assert_eq!(with("soon"), None);
    assert_eq!(retry_after(&HeaderMap::new(), now), None);
}
