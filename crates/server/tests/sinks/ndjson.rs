use super::fixtures::{FAST_RETRY, Running, finding, sinks, until};
use super::memory::MemoryOutbox;
use model::Finding;
use std::sync::Arc;
use store::DeliveryState;

#[tokio::test]
async fn ndjson_file_gets_one_line_per_finding_appended_after_what_was_there() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("findings.ndjson");
    std::fs::write(&path, "{\"earlier\":true}\n").unwrap();
    let outbox = Arc::new(MemoryOutbox::default());
    let ids: Vec<i64> = ["f-1", "f-2", "f-3"].iter().map(|id| outbox.queue("file", finding(id))).collect();
    let toml = format!("[[sinks]]\nname = \"file\"\nkind = \"ndjson\"\npath = {:?}\n{FAST_RETRY}\n", path);
    let sinks = sinks(&toml, &[]);
    let stats = sinks[0].stats();
    let running = Running::start(sinks, outbox.clone());
    until("deliveries", || ids.iter().all(|id| outbox.delivery(*id).state == DeliveryState::Delivered)).await;
    running.stop().await;

    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "{text}");
    assert_eq!(lines[0], "{\"earlier\":true}");
    let written: Vec<Finding> = lines[1..].iter().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(written, vec![finding("f-1"), finding("f-2"), finding("f-3")]);
    assert_eq!(stats.snapshot().delivered, 3);
}

#[tokio::test]
async fn ndjson_into_a_missing_directory_is_retried_then_failed_naming_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("absent").join("findings.ndjson");
    let outbox = Arc::new(MemoryOutbox::default());
    let id = outbox.queue("file", finding("f-1"));
    let toml = format!("[[sinks]]\nname = \"file\"\nkind = \"ndjson\"\npath = {:?}\n{FAST_RETRY}\n", path);
    let running = Running::start(sinks(&toml, &[]), outbox.clone());
    until("failure", || outbox.delivery(id).state == DeliveryState::Failed).await;
    running.stop().await;
    let delivery = outbox.delivery(id);
    assert_eq!(delivery.attempts, 3);
    assert!(delivery.last_error.unwrap().contains("findings.ndjson"));
}
