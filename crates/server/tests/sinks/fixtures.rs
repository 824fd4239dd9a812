//! Findings, sinks from TOML, a running dispatcher, and waiting for a condition.

use chrono::{TimeZone, Utc};
use model::{BlastRadius, Finding, FindingIdentity, Mappings, PrincipalKind, Provider, Severity};
use serde::Deserialize;
use server::sinks::{Outbox, Sink, SinkConfig, build_sinks_with};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;

pub fn finding(id: &str) -> Finding {
    Finding {
        id: id.into(),
        detector: "FW-003".into(),
        name: "Factor survives password reset".into(),
        severity: Severity::High,
        risk_score: 87,
        time: Utc.with_ymd_and_hms(2025, 3, 4, 5, 6, 7).unwrap(),
        identity: FindingIdentity {
            provider: Provider::Okta,
            tenant: "acme.okta.com".into(),
            id: "00u1abcd".into(),
            name: Some("alice@acme.example".into()),
            kind: PrincipalKind::Human,
            tier: 0,
            tier_basis: None,
        },
        actor: None,
        summary: "A phone factor enrolled from a new country survived the password reset.".into(),
        evidence: Vec::new(),
        blast_radius: BlastRadius {
            identities: 12,
            roles: 3,
            nhi: 2,
            secrets: 1,
            top: vec!["role/SuperAdmin".into(), "app/payroll".into()],
        },
        mappings: Mappings::default(),
        incident: "inc-42".into(),
        remediation: Vec::new(),
        rule: None,
    }
}

#[derive(Deserialize)]
pub struct ServiceFile {
    pub sinks: Vec<SinkConfig>,
}

/// The `[[sinks]]` tables of a service TOML.
pub fn configs(toml_text: &str) -> Result<Vec<SinkConfig>, toml::de::Error> {
    toml::from_str::<ServiceFile>(toml_text).map(|file| file.sinks)
}

/// Sinks from TOML, with the given environment.
pub fn sinks(toml_text: &str, env: &[(&str, &str)]) -> Vec<Sink> {
    let env: HashMap<String, String> = env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    build_sinks_with(&configs(toml_text).unwrap(), |var| env.get(var).cloned()).unwrap()
}

/// A dispatcher running in the background.
pub struct Running {
    pub wake: Arc<Notify>,
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl Running {
    pub fn start<O: Outbox + 'static>(sinks: Vec<Sink>, outbox: Arc<O>) -> Running {
        let wake = Arc::new(Notify::new());
        let (stop, shutdown) = watch::channel(false);
        let task = tokio::spawn(server::sinks::run(sinks, outbox, wake.clone(), shutdown));
        Running { wake, stop, task }
    }

    /// Asks for shutdown and waits for the dispatcher to return.
    pub async fn stop(self) {
        self.stop.send(true).unwrap();
        tokio::time::timeout(Duration::from_secs(5), self.task).await.expect("dispatcher stops").unwrap();
    }
}

/// Waits up to five seconds for `done`.
pub async fn until(what: &str, done: impl Fn() -> bool) {
    let start = tokio::time::Instant::now();
    while !done() {
        if start.elapsed() > Duration::from_secs(5) {
            panic!("timed out waiting for {what}");
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Retry settings fast enough for tests.
pub const FAST_RETRY: &str = r#"retry = { initial_backoff = "20ms", max_backoff = "50ms", max_attempts = 3 }"#;
