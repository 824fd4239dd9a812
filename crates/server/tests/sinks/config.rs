use super::fixtures::{configs, sinks};
use reqwest::Url;
use server::sinks::config::{DEFAULT_BATCH, DEFAULT_TIMEOUT, UrlSource};
use server::sinks::{RetryConfig, SinkError, SinkKind, build_sinks_with};
use std::time::Duration;

fn error(toml_text: &str) -> String {
    configs(toml_text).unwrap_err().to_string()
}

#[test]
fn a_webhook_table_reads_with_default_retry_batch_and_timeout() {
    let sinks = configs(
        r#"
[[sinks]]
name = "soc-webhook"
kind = "webhook"
url = "https://soc.example.com/hooks/fw"
secret_env = "FW_SINK_SECRET"
"#,
    )
    .unwrap();
    let sink = &sinks[0];
    assert_eq!(sink.name, "soc-webhook");
    assert_eq!(sink.batch, DEFAULT_BATCH);
    assert_eq!(
        sink.retry,
        RetryConfig {
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(300),
            max_attempts: 10
        }
    );
    let SinkKind::Webhook(webhook) = &sink.kind else { panic!("a webhook") };
    assert_eq!(webhook.url, UrlSource::Inline(Url::parse("https://soc.example.com/hooks/fw").unwrap()));
    assert_eq!(webhook.secret_env.as_deref(), Some("FW_SINK_SECRET"));
    assert_eq!(webhook.timeout, DEFAULT_TIMEOUT);
}

#[test]
fn retry_and_timeout_read_humantime_durations() {
    let sinks = configs(
        r#"
[[sinks]]
name = "chat"
kind = "slack"
url = "https://hooks.slack.com/services/T0/B0/x"
timeout = "3s 500ms"
batch = 20

[sinks.retry]
initial_backoff = "250ms"
max_backoff = "2m"
max_attempts = 4

[[sinks]]
name = "file"
kind = "ndjson"
path = "/var/lib/factorwatch/findings.ndjson"
retry = { max_attempts = 2 }
"#,
    )
    .unwrap();
    assert_eq!(
        sinks[0].retry,
        RetryConfig {
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(120),
            max_attempts: 4
        }
    );
    assert_eq!(sinks[0].batch, 20);
    let SinkKind::Slack(slack) = &sinks[0].kind else { panic!("slack") };
    assert_eq!(slack.timeout, Duration::from_millis(3500));
    assert_eq!(sinks[1].retry.max_attempts, 2);
    assert_eq!(sinks[1].retry.initial_backoff, Duration::from_secs(1));
    assert_eq!(sinks[1].kind.as_str(), "ndjson");
}

#[test]
fn mistakes_are_refused_naming_the_sink_and_the_field() {
    let cases = [
        (
            "name = \"a\"\nkind = \"email\"\nurl = \"https://x.example\"",
            "sink `a`: unknown kind `email`; expected `webhook`, `slack` or `ndjson`",
        ),
        (
            "name = \"a\"\nkind = \"ndjson\"\npath = \"/tmp/f\"\nurl = \"https://x.example\"",
            "sink `a`: `url` does not apply to a ndjson sink",
        ),
        (
            "name = \"a\"\nkind = \"slack\"\nurl = \"https://x.example\"\nsecret_env = \"S\"",
            "sink `a`: `secret_env` does not apply to a slack sink",
        ),
        ("name = \"a\"\nkind = \"webhook\"", "sink `a`: a webhook sink needs `url` or `url_env`"),
        (
            "name = \"a\"\nkind = \"webhook\"\nurl = \"https://x.example\"\nurl_env = \"U\"",
            "sink `a`: set `url` or `url_env`, not both",
        ),
        ("name = \"a\"\nkind = \"ndjson\"", "sink `a`: an ndjson sink needs `path`"),
        (
            "name = \"a b\"\nkind = \"ndjson\"\npath = \"/tmp/f\"",
            "sink `a b`: a sink name is 1 to 64 letters, digits, `-`, `_` or `.`",
        ),
        (
            "name = \"a\"\nkind = \"ndjson\"\npath = \"/tmp/f\"\nretry = { max_attempts = 0 }",
            "sink `a`: `retry.max_attempts` must be at least 1",
        ),
        (
            "name = \"a\"\nkind = \"ndjson\"\npath = \"/tmp/f\"\nretry = { initial_backoff = \"10m\" }",
            "sink `a`: `retry.initial_backoff` is longer than `retry.max_backoff`",
        ),
        (
            "name = \"a\"\nkind = \"ndjson\"\npath = \"/tmp/f\"\nbatch = 0",
            "sink `a`: `batch` must be 1 to 1000, found 0",
        ),
        (
            "name = \"a\"\nkind = \"webhook\"\nurl = \"https://x.example\"\ntimeout = \"0s\"",
            "sink `a`: `timeout` must be more than 0",
        ),
    ];
    for (table, expected) in cases {
        let message = error(&format!("[[sinks]]\n{table}\n"));
        assert!(message.contains(expected), "{table:?}: {message}");
    }
    assert!(
        error("[[sinks]]\nname = \"a\"\nkind = \"ndjson\"\npath = \"/tmp/f\"\ncolour = \"red\"\n").contains("colour")
    );
    assert!(
        error("[[sinks]]\nname = \"a\"\nkind = \"ndjson\"\npath = \"/tmp/f\"\nretry = { max_backof = \"1s\" }\n")
            .contains("max_backof")
    );
    assert!(
        error("[[sinks]]\nname = \"a\"\nkind = \"ndjson\"\npath = \"/tmp/f\"\nretry = { max_backoff = \"soon\" }\n")
            .contains("max_backoff")
    );
}

#[test]
fn a_bad_url_is_refused_without_echoing_it() {
    let message = error("[[sinks]]\nname = \"a\"\nkind = \"webhook\"\nurl = \"ftp://files.example/tok3n\"\n");
    assert!(message.contains("sink `a`: `url` must be an http or https URL with a host"), "{message}");
    assert!(!message.contains("tok3n"));
}

const TWO: &str = r#"
[[sinks]]
name = "soc"
kind = "webhook"
url = "https://soc.example.com/hooks/fw?token=qs-t0ken"
secret_env = "FW_SINK_SECRET"

[[sinks]]
name = "chat"
kind = "slack"
url_env = "FW_SLACK_URL"
"#;

#[test]
fn duplicate_sink_names_are_refused() {
    let configs = configs("[[sinks]]\nname = \"a\"\nkind = \"ndjson\"\npath = \"/tmp/1\"\n[[sinks]]\nname = \"a\"\nkind = \"ndjson\"\npath = \"/tmp/2\"\n").unwrap();
    let error = build_sinks_with(&configs, |_| None).unwrap_err();
    assert_eq!(error, SinkError::Duplicate("a".into()));
    assert_eq!(error.to_string(), "two sinks are named `a`; sink names must be unique");
}

#[test]
fn a_secret_or_url_missing_from_the_environment_stops_start_up() {
    let configs = configs(TWO).unwrap();
    let error = build_sinks_with(&configs, |var| (var == "FW_SLACK_URL").then(|| "https://hooks.slack.com/x".into()))
        .unwrap_err();
    assert_eq!(error.to_string(), "sink `soc`: environment variable `FW_SINK_SECRET` is not set or empty");
    let error = build_sinks_with(&configs, |var| (var == "FW_SINK_SECRET").then(|| "k".into())).unwrap_err();
    assert_eq!(error.to_string(), "sink `chat`: environment variable `FW_SLACK_URL` is not set or empty");
    let error =
        build_sinks_with(&configs, |var| Some(if var == "FW_SLACK_URL" { "not a url".into() } else { "k".into() }))
            .unwrap_err();
    assert!(error.to_string().starts_with("sink `chat`: `FW_SLACK_URL` is not a URL"), "{error}");
}

#[test]
fn secrets_are_absent_from_debug_output() {
    let slack_url = "https://hooks.slack.com/services/T0001/B0001/sl4ck-t0ken";
    let built = sinks(TWO, &[("FW_SINK_SECRET", "hunter2-signing-key"), ("FW_SLACK_URL", slack_url)]);
    let shown = format!("{built:?} {built:#?} {:?}", configs(TWO).unwrap());
    for secret in ["hunter2-signing-key", "sl4ck-t0ken", "qs-t0ken", "/services/", "/hooks/fw"] {
        assert!(!shown.contains(secret), "{secret} shown in {shown}");
    }
    assert!(shown.contains("https://soc.example.com/<redacted>"));
    assert!(shown.contains("https://hooks.slack.com/<redacted>"));
    assert!(shown.contains("Secret(<redacted>)"));
}
