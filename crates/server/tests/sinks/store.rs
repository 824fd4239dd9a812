//! The dispatcher over the real store (SQLite in memory) through the server's pool.

use super::fixtures::{FAST_RETRY, Running, finding, sinks};
use super::receiver::{Receiver, Reply};
use chrono::Utc;
use model::Incident;
use server::db::Db;
use server::sinks::replay;
use std::sync::Arc;
use std::time::Duration;
use store::{DeliveryState, Detections, Findings, Sqlite};

fn incident(finding: &model::Finding) -> Incident {
    Incident {
        id: finding.incident.clone(),
        identity: finding.identity.clone(),
        risk_score: finding.risk_score,
        severity: finding.severity,
        first: finding.time,
        last: finding.time,
        detectors: vec![finding.detector.clone()],
        findings: vec![finding.id.clone()],
        summary: finding.summary.clone(),
        remediation: Vec::new(),
    }
}

async fn count(db: &Db, state: DeliveryState) -> usize {
    db.run(move |store| store.deliveries("soc", state, 100)).await.unwrap().len()
}

async fn until_count(db: &Db, state: DeliveryState, want: usize) {
    let start = tokio::time::Instant::now();
    while count(db, state).await != want {
        assert!(start.elapsed() < Duration::from_secs(5), "timed out waiting for {want} {}", state.as_str());
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[tokio::test]
async fn the_store_backed_outbox_fails_replays_and_delivers_a_stored_finding() {
    let sent = finding("f-1");
    let mut sqlite = Sqlite::in_memory().unwrap();
    let new = sqlite
        .apply_detections(&Detections {
            findings: std::slice::from_ref(&sent),
            incidents: &[incident(&sent)],
            sinks: &["soc".to_string()],
            ..Detections::default()
        })
        .unwrap();
    assert_eq!(new, vec!["f-1".to_string()]);
    let db = Db::new(vec![Box::new(sqlite)], None).unwrap();

    let receiver = Receiver::start(vec![Reply::status(400)]).await;
    let toml = format!("[[sinks]]\nname = \"soc\"\nkind = \"webhook\"\nurl = \"{}\"\n{FAST_RETRY}\n", receiver.url);
    let running = Running::start(sinks(&toml, &[]), Arc::new(db.clone()));
    until_count(&db, DeliveryState::Failed, 1).await;

    assert_eq!(replay(&db, "soc").await.unwrap(), 1);
    running.wake.notify_one();
    until_count(&db, DeliveryState::Delivered, 1).await;
    running.stop().await;

    let hits = receiver.hits();
    assert_eq!(hits.len(), 2);
    assert_eq!(hits[1].json(), serde_json::to_value(&sent).unwrap());
    let delivered = db.run(|store| store.deliveries("soc", DeliveryState::Delivered, 1)).await.unwrap();
    assert_eq!(delivered[0].attempts, 1, "a replay starts a new series of attempts");
    assert_eq!(count(&db, DeliveryState::Pending).await, 0);
    assert!(delivered[0].next_attempt <= Utc::now());
}
