use super::fixtures::{FAST_RETRY, Running, finding, sinks, until};
use super::memory::MemoryOutbox;
use super::receiver::{Receiver, Reply};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use std::sync::Arc;
use store::DeliveryState;

fn webhook_toml(url: &str, secret: bool) -> String {
    let secret = if secret { r#"secret_env = "FW_SINK_SECRET""# } else { "" };
    format!("[[sinks]]\nname = \"soc\"\nkind = \"webhook\"\nurl = \"{url}\"\n{secret}\n{FAST_RETRY}\n")
}

#[tokio::test]
async fn webhook_receives_the_finding_json_with_a_signature_that_verifies() {
    let receiver = Receiver::start(vec![]).await;
    let outbox = Arc::new(MemoryOutbox::default());
    let sent = finding("f-1");
    let id = outbox.queue("soc", sent.clone());
    let sinks = sinks(&webhook_toml(&receiver.url, true), &[("FW_SINK_SECRET", "k3y-for-hmac")]);
    let stats = sinks[0].stats();
    let running = Running::start(sinks, outbox.clone());
    until("delivery", || outbox.delivery(id).state == DeliveryState::Delivered).await;
    running.stop().await;

    let hits = receiver.hits();
    assert_eq!(hits.len(), 1);
    let hit = &hits[0];
    assert_eq!(hit.json(), serde_json::to_value(&sent).unwrap());
    assert_eq!(hit.header("content-type"), Some("application/json"));
    assert_eq!(hit.header("x-factorwatch-event"), Some("finding"));
    assert_eq!(hit.header("x-factorwatch-delivery"), Some(id.to_string().as_str()));
    let signature = hit.header("x-factorwatch-signature").unwrap();
    let hex_mac = signature.strip_prefix("sha256=").unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(b"k3y-for-hmac").unwrap();
    mac.update(&hit.body);
    mac.verify_slice(&hex::decode(hex_mac).unwrap()).expect("signature verifies");
    assert_eq!(stats.snapshot().delivered, 1);
}

#[tokio::test]
async fn a_signature_made_with_another_key_does_not_verify() {
    let secret = server::sinks::Secret::new("right-key");
    let signature = server::sinks::webhook::signature(&secret, b"{\"id\":\"f-1\"}");
    let mut mac = Hmac::<Sha256>::new_from_slice(b"wrong-key").unwrap();
    mac.update(b"{\"id\":\"f-1\"}");
    let bytes = hex::decode(signature.strip_prefix("sha256=").unwrap()).unwrap();
    assert!(mac.verify_slice(&bytes).is_err());
}

#[tokio::test]
async fn webhook_without_a_secret_sends_no_signature() {
    let receiver = Receiver::start(vec![]).await;
    let outbox = Arc::new(MemoryOutbox::default());
    let id = outbox.queue("soc", finding("f-1"));
    let running = Running::start(sinks(&webhook_toml(&receiver.url, false), &[]), outbox.clone());
    until("delivery", || outbox.delivery(id).state == DeliveryState::Delivered).await;
    running.stop().await;
    let hits = receiver.hits();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].header("x-factorwatch-signature"), None);
}

#[tokio::test]
async fn a_redirect_is_not_followed_and_fails_at_once() {
    let receiver = Receiver::start(vec![Reply::status(302).header("location", "http://127.0.0.1:9/elsewhere")]).await;
    let outbox = Arc::new(MemoryOutbox::default());
    let id = outbox.queue("soc", finding("f-1"));
    let running = Running::start(sinks(&webhook_toml(&receiver.url, false), &[]), outbox.clone());
    until("failure", || outbox.delivery(id).state == DeliveryState::Failed).await;
    running.stop().await;
    let delivery = outbox.delivery(id);
    assert_eq!(delivery.attempts, 1);
    assert!(delivery.last_error.unwrap().contains("302"));
    assert_eq!(receiver.hits().len(), 1);
}

#[tokio::test]
async fn a_finding_no_longer_stored_fails_without_being_sent() {
    let receiver = Receiver::start(vec![]).await;
    let outbox = Arc::new(MemoryOutbox::default());
    let id = outbox.queue("soc", finding("f-gone"));
    outbox.forget_finding("f-gone");
    let sinks = sinks(&webhook_toml(&receiver.url, false), &[]);
    let stats = sinks[0].stats();
    let running = Running::start(sinks, outbox.clone());
    until("failure", || outbox.delivery(id).state == DeliveryState::Failed).await;
    running.stop().await;
    assert!(outbox.delivery(id).last_error.unwrap().contains("`f-gone` is no longer stored"));
    assert!(receiver.hits().is_empty());
    assert_eq!(stats.snapshot().failed, 1);
}

#[tokio::test]
async fn an_unreachable_receiver_is_retried_and_its_url_stays_out_of_the_error() {
    // Bind and drop a listener: the port is then (almost certainly) closed.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let url = format!("http://127.0.0.1:{port}/hooks/s3cr3t-token");
    let outbox = Arc::new(MemoryOutbox::default());
    let id = outbox.queue("soc", finding("f-1"));
    let sinks = sinks(&webhook_toml(&url, false), &[]);
    let stats = sinks[0].stats();
    let running = Running::start(sinks, outbox.clone());
    until("failure", || outbox.delivery(id).state == DeliveryState::Failed).await;
    running.stop().await;
    let delivery = outbox.delivery(id);
    assert_eq!(delivery.attempts, 3);
    let error = delivery.last_error.unwrap();
    assert!(error.contains("gave up after 3 attempts"), "{error}");
    assert!(!error.contains("s3cr3t-token"), "{error}");
    assert_eq!(stats.snapshot().retried, 2);
}
