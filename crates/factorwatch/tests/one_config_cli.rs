//! One settings file for every command: `hunt`, `serve`, `config check` and `config show`
//! all accept a file with every section, `config show` prints every section back in a form
//! `config check` and `serve` accept, and never a secret.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::service::free_port;
use common::{factorwatch, text};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Secrets the file points at; none may ever be printed.
const SLACK_URL: &str = "https://hooks.slack.example/services/T000/B000/slacksecret123";
const WEBHOOK_TOKEN_IN_URL: &str = "inlinetoken456";
const OKTA_TOKEN: &str = "oktatoken789";
const HOOK_SECRET: &str = "hooksecretabc";

/// A settings file with every section: `[server]` (with a signed webhook source),
/// `[[sinks]]` of each kind, `[policy]`, `[connectors]`, and detection settings.
fn full_config(dir: &Path) -> PathBuf {
    let hook_secret = dir.join("hook.secret");
    std::fs::write(&hook_secret, HOOK_SECRET).unwrap();
    let text = format!(
        r#"
[server]
listen = "127.0.0.1:8080"
data_dir = "{data}"
max_body_bytes = 8388608

[[server.webhooks]]
name = "siem"
provider = "okta"
secret_file = "{hook_secret}"

[[sinks]]
name = "soc-webhook"
kind = "webhook"
url = "https://receiver.example/hook/{WEBHOOK_TOKEN_IN_URL}"
secret_env = "FW_TEST_WEBHOOK_KEY"

[[sinks]]
name = "soc-slack"
kind = "slack"
url_env = "FW_TEST_SLACK_URL"
notices = ["soc"]

[[sinks]]
name = "archive"
kind = "ndjson"
path = "{archive}"

[policy]
approval_ttl = "10m"

[policy.managers]
"alice@acme.com" = "bob@acme.com"

[connectors.okta]
base_url = "https://acme.okta.com"
token_env = "FW_TEST_OKTA_TOKEN"

[tenants]
okta = "acme.okta.com"

[detectors.mfa_fatigue]
threshold = 7
"#,
        data = dir.join("data").display(),
        hook_secret = hook_secret.display(),
        archive = dir.join("findings.ndjson").display(),
    );
    let path = dir.join("factorwatch.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../ingest/tests/fixtures")
}

fn assert_no_secret(shown: &str) {
    for secret in [SLACK_URL, WEBHOOK_TOKEN_IN_URL, OKTA_TOKEN, HOOK_SECRET, "slacksecret123"] {
        assert!(!shown.contains(secret), "`{secret}` printed:\n{shown}");
    }
}

#[test]
fn config_check_and_hunt_accept_a_file_with_every_section() {
    let tmp = tempfile::tempdir().unwrap();
    let config = full_config(tmp.path());
    let check = factorwatch(&["config", "check", config.to_str().unwrap()]);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stderr));

    let hunt =
        factorwatch(&["hunt", "--format", "json", "--config", config.to_str().unwrap(), fixtures().to_str().unwrap()]);
    assert_eq!(hunt.status.code(), Some(0), "{}", text(&hunt.stderr));
}

#[test]
fn config_show_prints_every_section_without_secrets_and_round_trips() {
    let tmp = tempfile::tempdir().unwrap();
    let config = full_config(tmp.path());
    let out = factorwatch(&["config", "show", "--config", config.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let shown = text(&out.stdout);
    for section in ["[server]", "[[server.webhooks]]", "[[sinks]]", "[policy]", "[connectors.okta]", "[tenants]"] {
        assert!(shown.contains(section), "{section} missing:\n{shown}");
    }
    for setting in [
        "max_body_bytes = 8388608",
        "url_env = \"FW_TEST_SLACK_URL\"",
        "secret_env = \"FW_TEST_WEBHOOK_KEY\"",
        "token_env = \"FW_TEST_OKTA_TOKEN\"",
        "approval_ttl = \"10m\"",
        "threshold = 7",
        "https://receiver.example/<redacted>",
    ] {
        assert!(shown.contains(setting), "`{setting}` missing:\n{shown}");
    }
    assert_no_secret(&shown);

    let again = tmp.path().join("shown.toml");
    std::fs::write(&again, &shown).unwrap();
    let check = factorwatch(&["config", "check", again.to_str().unwrap()]);
    assert_eq!(check.status.code(), Some(0), "{}\n{shown}", text(&check.stderr));
    let reshown = factorwatch(&["config", "show", "--config", again.to_str().unwrap()]);
    assert_eq!(text(&reshown.stdout), shown, "show of the shown file is the same file");
}

#[test]
fn config_show_hides_a_database_password() {
    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("pg.toml");
    std::fs::write(&config, "[server]\ndatabase_url = \"postgres://fw:pgpass42@db.internal:5432/fw\"\n").unwrap();
    let out = factorwatch(&["config", "show", "--config", config.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let shown = text(&out.stdout);
    assert!(!shown.contains("pgpass42"), "{shown}");
    assert!(shown.contains("postgres://fw:REDACTED@db.internal:5432/fw"), "{shown}");
}

#[test]
fn serve_starts_on_the_same_file_and_on_what_config_show_printed() {
    let tmp = tempfile::tempdir().unwrap();
    let config = full_config(tmp.path());
    serve_until_ready(&config);

    let shown = text(&factorwatch(&["config", "show", "--config", config.to_str().unwrap()]).stdout);
    let again = tmp.path().join("shown.toml");
    std::fs::write(&again, shown).unwrap();
    serve_until_ready(&again);
}

/// Starts `serve` on the file (its secrets in the environment), waits for `/readyz`, stops it.
fn serve_until_ready(config: &Path) {
    let port = free_port();
    let log = config.with_extension("log");
    let mut child = Command::new(env!("CARGO_BIN_EXE_factorwatch"))
        .args(["serve", "--config", config.to_str().unwrap(), "--listen", &format!("127.0.0.1:{port}")])
        .env("FW_TEST_SLACK_URL", SLACK_URL)
        .env("FW_TEST_WEBHOOK_KEY", "webhook-hmac-key")
        .env("FW_TEST_OKTA_TOKEN", OKTA_TOKEN)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::from(std::fs::File::create(&log).unwrap()))
        .spawn()
        .unwrap();
    let client = reqwest::blocking::Client::new();
    let started = Instant::now();
    let ready = loop {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("serve exited early ({status}): {}", std::fs::read_to_string(&log).unwrap_or_default());
        }
        let url = format!("http://127.0.0.1:{port}/readyz");
        if client.get(&url).send().is_ok_and(|r| r.status().is_success()) {
            break true;
        }
        if started.elapsed() > Duration::from_secs(60) {
            break false;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    child.kill().unwrap();
    let _ = child.wait();
    let logged = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(ready, "serve did not become ready within 60 s: {logged}");
    assert_no_secret(&logged);
}
