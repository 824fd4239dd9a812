//! The dispatcher: one task per sink takes due deliveries from the outbox, sends them,
//! records each attempt, and sleeps until woken, until the next delivery falls due, or
//! until shutdown.
//!
//! Delivery is at least once: an attempt is recorded after it is sent, so a crash in
//! between sends it again after a restart. Webhook receivers drop repeats by the
//! `X-Factorwatch-Delivery` header; NDJSON readers by the finding's `id`.

use super::outbox::{Attempt, Due, Outbox, Payload};
use super::outcome::Outcome;
use super::retry::decide;
use super::sink::{Sender, Sink};
use chrono::Utc;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::sync::Arc;
use std::time::Duration;
use store::StoreError;
use tokio::sync::{Notify, watch};
use tokio::task::JoinSet;

/// Pending deliveries counted for the queue-depth gauge; a deeper queue reads as this.
pub const DEPTH_SCAN: usize = 10_000;
/// Longest sleep without a wake-up: deliveries made due by another process (a replay from
/// the CLI) are found within this.
pub const IDLE_POLL: Duration = Duration::from_secs(30);
/// Shortest idle sleep, so that a store disagreeing with itself cannot spin the loop.
const MIN_IDLE: Duration = Duration::from_millis(10);
/// Waits after a store error, doubling.
const STORE_RETRY: (Duration, Duration) = (Duration::from_secs(1), Duration::from_secs(60));

/// Runs every sink until `shutdown` turns true (or its sender is dropped). Call
/// `wake.notify_one()` after committing new deliveries or a replay; it wakes every sink.
/// A send under way at shutdown is finished and recorded first (its timeout bounds it).
pub async fn run<O: Outbox + 'static>(
    sinks: Vec<Sink>,
    outbox: Arc<O>,
    wake: Arc<Notify>,
    shutdown: watch::Receiver<bool>,
) {
    let mut tasks = JoinSet::new();
    let mut bells = Vec::with_capacity(sinks.len());
    for sink in sinks {
        let bell = Arc::new(Notify::new());
        bells.push(bell.clone());
        tasks.spawn(drive(sink, outbox.clone(), bell, shutdown.clone()));
    }
    tasks.spawn(fan_out(wake, bells, shutdown));
    while let Some(joined) = tasks.join_next().await {
        if let Err(e) = joined {
            tracing::error!(error = %e, "a sink dispatcher stopped unexpectedly");
        }
    }
}

/// Makes the failed deliveries of `sink` pending again, due now; returns how many. Wake the
/// dispatcher afterwards (`wake.notify_one()`) so they go out at once.
pub async fn replay<O: Outbox>(outbox: &O, sink: &str) -> Result<usize, StoreError> {
    let count = outbox.replay(sink, Utc::now()).await?;
    tracing::info!(sink, count, "failed deliveries queued again");
    Ok(count)
}

/// One wake-up for all sinks: each sink has its own `Notify`, which keeps a wake-up that
/// arrives while the sink is busy sending.
async fn fan_out(wake: Arc<Notify>, bells: Vec<Arc<Notify>>, mut shutdown: watch::Receiver<bool>) {
    loop {
        let woken = tokio::select! {
            _ = wake.notified() => true,
            changed = shutdown.changed() => changed.is_ok(),
        };
        if !woken || stopping(&shutdown) {
            return;
        }
        for bell in &bells {
            bell.notify_one();
        }
    }
}

/// What the loop does after a step.
enum Next {
    /// A batch went out; there may be more due.
    More,
    /// Nothing due: sleep this long unless woken.
    Idle(Duration),
    /// The receiver asked to be left alone (`Retry-After`): sleep this long, wake-ups or not.
    Pause(Duration),
}

async fn drive<O: Outbox>(sink: Sink, outbox: Arc<O>, bell: Arc<Notify>, mut shutdown: watch::Receiver<bool>) {
    let mut rng = StdRng::from_os_rng();
    let mut store_wait = STORE_RETRY.0;
    while !stopping(&shutdown) {
        let going_on = match step(&sink, outbox.as_ref(), &mut rng, &shutdown).await {
            Ok(next) => {
                store_wait = STORE_RETRY.0;
                match next {
                    Next::More => true,
                    Next::Idle(delay) => sleep(delay, Some(&bell), &mut shutdown).await,
                    Next::Pause(delay) => sleep(delay, None, &mut shutdown).await,
                }
            }
            Err(e) => {
                tracing::warn!(sink = sink.name(), error = %e, retry_in = ?store_wait, "sink outbox unavailable");
                let going_on = sleep(store_wait, None, &mut shutdown).await;
                store_wait = (store_wait * 2).min(STORE_RETRY.1);
                going_on
            }
        };
        if !going_on {
            break;
        }
    }
}

async fn step<O: Outbox>(
    sink: &Sink,
    outbox: &O,
    rng: &mut StdRng,
    shutdown: &watch::Receiver<bool>,
) -> Result<Next, StoreError> {
    let due = outbox.due(sink.name(), Utc::now(), sink.batch()).await?;
    if due.is_empty() {
        return idle(sink, outbox).await;
    }
    let (ready, gone): (Vec<Due>, Vec<Due>) = due.into_iter().partition(|d| d.payload().is_some());
    if !gone.is_empty() {
        let attempts = gone
            .iter()
            .map(|d| {
                let error = format!("{} `{}` is no longer stored", d.delivery.kind.as_str(), d.delivery.finding);
                (d.delivery.id, Attempt::GaveUp { error })
            })
            .collect();
        record(sink, outbox, attempts).await?;
    }
    let ready: Vec<(&Due, Payload<'_>)> = ready.iter().filter_map(|d| d.payload().map(|p| (d, p))).collect();
    match sink.sender() {
        Sender::Ndjson(file) => {
            let payloads: Vec<Payload<'_>> = ready.iter().map(|(_, p)| *p).collect();
            let outcome = match file.append(&payloads).await {
                Ok(()) => Outcome::Delivered,
                Err(error) => Outcome::Retry { error, after: None },
            };
            let attempts = ready.iter().map(|(d, _)| (d.delivery.id, judge(sink, d, outcome.clone(), rng))).collect();
            record(sink, outbox, attempts).await?;
        }
        Sender::Webhook(_) | Sender::Slack(_) => {
            for (due, payload) in ready {
                if stopping(shutdown) {
                    break;
                }
                let outcome = send(sink.sender(), due.delivery.id, payload).await;
                let pause = match &outcome {
                    Outcome::Retry { after: Some(after), .. } => Some(*after),
                    _ => None,
                };
                record(sink, outbox, vec![(due.delivery.id, judge(sink, due, outcome, rng))]).await?;
                if let Some(pause) = pause {
                    return Ok(Next::Pause(pause));
                }
            }
        }
    }
    Ok(Next::More)
}

/// Nothing is due: counts the queue and finds when the next delivery falls due.
async fn idle<O: Outbox>(sink: &Sink, outbox: &O) -> Result<Next, StoreError> {
    let pending = outbox.pending(sink.name(), DEPTH_SCAN).await?;
    sink.stats().set_queue_depth(pending.len() as u64);
    let now = Utc::now();
    let next_due = pending.iter().map(|d| (d.next_attempt - now).to_std().unwrap_or(Duration::ZERO)).min();
    Ok(Next::Idle(next_due.unwrap_or(IDLE_POLL).clamp(MIN_IDLE, IDLE_POLL)))
}

async fn send(sender: &Sender, delivery: i64, payload: Payload<'_>) -> Outcome {
    match sender {
        Sender::Webhook(webhook) => webhook.send(delivery, payload).await,
        Sender::Slack(slack) => slack.send(payload).await,
        Sender::Ndjson(file) => match file.append(&[payload]).await {
            Ok(()) => Outcome::Delivered,
            Err(error) => Outcome::Retry { error, after: None },
        },
    }
}

fn judge(sink: &Sink, due: &Due, outcome: Outcome, rng: &mut StdRng) -> Attempt {
    let jitter = rng.random_range(0.5..=1.0);
    decide(&sink.retry(), due.delivery.attempts, outcome, Utc::now(), jitter)
}

/// Records attempts, then counts and logs them (never a URL or secret: errors carry neither).
async fn record<O: Outbox>(sink: &Sink, outbox: &O, attempts: Vec<(i64, Attempt)>) -> Result<(), StoreError> {
    outbox.record(attempts.clone()).await?;
    let stats = sink.stats();
    for (delivery, attempt) in attempts {
        match attempt {
            Attempt::Delivered => {
                stats.add_delivered();
                tracing::debug!(sink = sink.name(), delivery, "delivered");
            }
            Attempt::Retry { error, at } => {
                stats.add_retried();
                tracing::info!(sink = sink.name(), delivery, %error, retry_at = %at, "delivery failed; will retry");
            }
            Attempt::GaveUp { error } => {
                stats.add_failed();
                tracing::warn!(sink = sink.name(), delivery, %error, "delivery failed; kept for replay");
            }
        }
    }
    Ok(())
}

/// True once shutdown is asked for, or nobody can ask any more.
fn stopping(shutdown: &watch::Receiver<bool>) -> bool {
    shutdown.has_changed().is_err() || *shutdown.borrow()
}

/// Sleeps `delay`, cut short by `bell` when given; false when shutdown came first.
async fn sleep(delay: Duration, bell: Option<&Notify>, shutdown: &mut watch::Receiver<bool>) -> bool {
    let rung = async {
        match bell {
            Some(bell) => bell.notified().await,
            None => std::future::pending().await,
        }
    };
    let open = tokio::select! {
        _ = tokio::time::sleep(delay) => true,
        _ = rung => true,
        changed = shutdown.changed() => changed.is_ok(),
    };
    open && !stopping(shutdown)
}
