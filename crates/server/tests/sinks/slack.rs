use super::fixtures::{FAST_RETRY, Running, finding, sinks, until};
use super::memory::MemoryOutbox;
use super::receiver::Receiver;
use reqwest::Url;
use serde_json::Value;
use server::sinks::slack::{message, mrkdwn};
use std::sync::Arc;
use store::DeliveryState;

fn texts(message: &Value) -> String {
    // Every text a person would read, joined.
    fn walk(value: &Value, out: &mut String) {
        match value {
            Value::Object(map) => {
                for (key, value) in map {
                    if key == "text" && value.is_string() {
                        out.push_str(value.as_str().unwrap());
                        out.push('\n');
                    } else {
                        walk(value, out);
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut out = String::new();
    walk(message, &mut out);
    out
}

#[tokio::test]
async fn slack_receives_a_message_with_text_and_blocks_about_the_finding() {
    let receiver = Receiver::start(vec![]).await;
    let outbox = Arc::new(MemoryOutbox::default());
    let id = outbox.queue("chat", finding("f-1"));
    let toml = format!(
        "[[sinks]]\nname = \"chat\"\nkind = \"slack\"\nurl_env = \"FW_SLACK_URL\"\nconsole_url = \"https://fw.acme.example/console/\"\n{FAST_RETRY}\n"
    );
    let running = Running::start(sinks(&toml, &[("FW_SLACK_URL", &receiver.url)]), outbox.clone());
    until("delivery", || outbox.delivery(id).state == DeliveryState::Delivered).await;
    running.stop().await;

    let hits = receiver.hits();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].header("content-type"), Some("application/json"));
    let body = hits[0].json();
    assert!(body["text"].as_str().unwrap().contains("High: Factor survives password reset (FW-003)"));
    let blocks = body["blocks"].as_array().unwrap();
    let kinds: Vec<&str> = blocks.iter().map(|b| b["type"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["header", "section", "section", "actions", "context"]);
    assert_eq!(blocks[0]["text"]["type"], "plain_text");
    let fields = blocks[2]["fields"].as_array().unwrap();
    assert!(fields.len() <= 10, "slack takes at most 10 fields");
    let all = texts(&body);
    for expected in [
        "High (risk 87)",
        "FW-003",
        "alice@acme.example (00u1abcd) — okta/acme.okta.com",
        "0: controls other identities",
    ] {
        assert!(all.contains(expected), "missing {expected:?} in {all}");
    }
    assert!(all.contains("12 identities · 3 roles · 2 non-human · 1 secrets\nincluding role/SuperAdmin, app/payroll"));
    assert!(all.contains("survived the password reset"));
    assert_eq!(blocks[3]["elements"][0]["url"], "https://fw.acme.example/console/incidents/inc-42");
}

#[test]
fn without_a_console_url_the_message_has_no_link() {
    let body = message(&finding("f-1"), None);
    assert!(body["blocks"].as_array().unwrap().iter().all(|b| b["type"] != "actions"));
}

#[test]
fn the_incident_id_is_one_encoded_path_segment_of_the_link() {
    let mut odd = finding("f-1");
    odd.incident = "inc/../42?x".into();
    let base = Url::parse("https://fw.acme.example").unwrap();
    let body = message(&odd, Some(&base));
    let link = body["blocks"][3]["elements"][0]["url"].as_str().unwrap();
    assert_eq!(link, "https://fw.acme.example/incidents/inc%2F..%2F42%3Fx");
}

#[test]
fn names_from_the_logs_cannot_mention_a_channel_or_forge_a_link() {
    let mut hostile = finding("f-1");
    hostile.identity.name = Some("<!channel> <https://evil.example|click> & co".into());
    hostile.summary = "see <https://evil.example|here>".into();
    let body = message(&hostile, None);
    let mut mrkdwn_parts = vec![body["text"].as_str().unwrap().to_string()];
    collect_mrkdwn(&body["blocks"], &mut mrkdwn_parts);
    let mrkdwn_parts = mrkdwn_parts.join("\n");
    assert!(!mrkdwn_parts.contains('<') && !mrkdwn_parts.contains('>'), "{mrkdwn_parts}");
    assert!(mrkdwn_parts.contains("&lt;!channel&gt;") && mrkdwn_parts.contains("&amp; co"));
}

#[test]
fn long_text_is_cut_to_slack_limits_without_splitting_an_escape() {
    let text = format!("{}&", "a".repeat(2998));
    let cut = mrkdwn(&text, 3000);
    assert!(cut.chars().count() <= 3000);
    assert!(cut.ends_with('…') && !cut.contains('&'), "{}", &cut[cut.len() - 10..]);
    let mut long = finding("f-1");
    long.name = "n".repeat(400).into();
    long.summary = "s".repeat(5000);
    let body = message(&long, None);
    assert_eq!(body["blocks"][0]["text"]["text"].as_str().unwrap().chars().count(), 150);
    assert_eq!(body["blocks"][1]["text"]["text"].as_str().unwrap().chars().count(), 3000);
}

fn collect_mrkdwn(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) if map.get("type").and_then(Value::as_str) == Some("mrkdwn") => {
            out.push(map["text"].as_str().unwrap().to_string());
        }
        Value::Object(map) => map.values().for_each(|v| collect_mrkdwn(v, out)),
        Value::Array(items) => items.iter().for_each(|v| collect_mrkdwn(v, out)),
        _ => {}
    }
}
