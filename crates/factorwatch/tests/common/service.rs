//! `factorwatch serve` as a child process on a loopback port, for tests that post a
//! generated tenant to it, kill it, and restart it.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::{factorwatch, text};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A generated tenant: its folder, and the native log files with the provider each is for.
pub struct Tenant {
    pub dir: tempfile::TempDir,
    pub files: Vec<(String, PathBuf)>,
}

/// Which provider endpoint each folder of `factorwatch gen` output is posted to.
fn provider_of(folder: &str) -> &'static str {
    match folder {
        "okta" => "okta",
        "entra" => "entra",
        "aws" => "aws",
        "google" => "google",
        "github" => "github",
        "duo" => "duo",
        other => panic!("gen wrote an unexpected folder `{other}`"),
    }
}

pub fn generate(seed: u64, events: u64) -> Tenant {
    let dir = tempfile::tempdir().unwrap();
    let out = factorwatch(&[
        "gen",
        "--out",
        dir.path().to_str().unwrap(),
        "--seed",
        &seed.to_string(),
        "--events",
        &events.to_string(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mut files = Vec::new();
    for folder in std::fs::read_dir(dir.path()).unwrap() {
        let folder = folder.unwrap().path();
        if !folder.is_dir() {
            continue;
        }
        let provider = provider_of(folder.file_name().unwrap().to_str().unwrap());
        for file in std::fs::read_dir(&folder).unwrap() {
            files.push((provider.to_string(), file.unwrap().path()));
        }
    }
    files.sort();
    Tenant { dir, files }
}

impl Tenant {
    pub fn config(&self) -> PathBuf {
        self.dir.path().join("factorwatch.toml")
    }

    /// The finding ids `factorwatch hunt` gives on this tenant, sorted.
    pub fn hunt_finding_ids(&self) -> Vec<String> {
        let out = factorwatch(&[
            "hunt",
            self.dir.path().to_str().unwrap(),
            "--config",
            self.config().to_str().unwrap(),
            "--format",
            "json",
        ]);
        assert!(out.status.success() || out.status.code() == Some(3), "{}", text(&out.stderr));
        let mut ids: Vec<String> = text(&out.stdout)
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["id"].as_str().unwrap().to_string())
            .collect();
        ids.sort();
        ids
    }

    /// The detection config of the tenant plus `[server]` settings, written beside it.
    pub fn service_config(&self, server: &str, database_url: Option<&str>) -> PathBuf {
        let detect = std::fs::read_to_string(self.config()).unwrap();
        let mut table: toml::Table = toml::from_str(&detect).unwrap();
        // Backfills arrive file by file: hold everything until the drain at the end.
        let mut stream = toml::Table::new();
        stream.insert("lateness".into(), toml::Value::String("3650d".into()));
        table.insert("stream".into(), toml::Value::Table(stream));
        let mut server: toml::Table = toml::from_str(server).unwrap();
        server.insert("data_dir".into(), toml::Value::String(self.dir.path().join("data").display().to_string()));
        if let Some(url) = database_url {
            server.insert("database_url".into(), toml::Value::String(url.into()));
        }
        table.insert("server".into(), toml::Value::Table(server));
        let path = self.dir.path().join("service.toml");
        std::fs::write(&path, toml::to_string(&table).unwrap()).unwrap();
        path
    }

    /// The lines of every native file, in chunks of `size`, the files interleaved.
    pub fn chunks(&self, size: usize) -> Vec<(String, String)> {
        let mut per_file: Vec<(String, Vec<String>)> = self
            .files
            .iter()
            .map(|(p, f)| {
                let lines: Vec<String> = std::fs::read_to_string(f).unwrap().lines().map(str::to_string).collect();
                (p.clone(), lines.chunks(size).map(|c| c.join("\n")).collect())
            })
            .collect();
        let mut out = Vec::new();
        loop {
            let mut any = false;
            for (provider, chunks) in &mut per_file {
                if !chunks.is_empty() {
                    out.push((provider.clone(), chunks.remove(0)));
                    any = true;
                }
            }
            if !any {
                return out;
            }
        }
    }
}

/// A free loopback port (bound and released; the service binds it right after).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Creates a token of `role` in the service's store; returns the secret.
pub fn token(config: &Path, role: &str) -> String {
    let out = factorwatch(&[
        "token",
        "create",
        "--role",
        role,
        "--name",
        &format!("test-{role}"),
        "--config",
        config.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout).trim().to_string()
}

pub struct Service {
    pub child: Child,
    pub base: String,
    config: PathBuf,
    port: u16,
}

impl Service {
    pub fn start(config: &Path, port: u16) -> Service {
        // Every run of the service appends to one log beside its config, for failed tests.
        let log = std::fs::OpenOptions::new().create(true).append(true).open(config.with_extension("log")).unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_factorwatch"))
            .args(["serve", "--config", config.to_str().unwrap(), "--listen", &format!("127.0.0.1:{port}")])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::from(log))
            .spawn()
            .unwrap();
        Service { child, base: format!("http://127.0.0.1:{port}"), config: config.to_path_buf(), port }
    }

    /// Waits until `/readyz` answers 200.
    pub fn wait_ready(&mut self, client: &reqwest::blocking::Client) {
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(60) {
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!("the service exited early: {status}");
            }
            if client.get(format!("{}/readyz", self.base)).send().is_ok_and(|r| r.status().is_success()) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("the service did not become ready within 60 s");
    }

    /// SIGKILL: no shutdown, no snapshot, no flushing.
    pub fn kill(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    pub fn restart(&mut self) {
        *self = Service::start(&self.config, self.port);
    }

    /// SIGTERM, then wait for a clean exit.
    pub fn terminate(mut self) {
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        let status = self.child.wait().unwrap();
        assert!(status.success(), "the service did not stop cleanly: {status}");
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Every finding id the service holds, sorted, paging through `/v1/findings`.
pub fn service_finding_ids(client: &reqwest::blocking::Client, base: &str, token: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut offset = 0;
    loop {
        let page: serde_json::Value = client
            .get(format!("{base}/v1/findings?limit=500&offset={offset}"))
            .bearer_auth(token)
            .send()
            .unwrap()
            .json()
            .unwrap();
        for f in page["items"].as_array().unwrap() {
            ids.push(f["id"].as_str().unwrap().to_string());
        }
        match page["next_offset"].as_u64() {
            Some(next) => offset = next,
            None => break,
        }
    }
    ids.sort();
    ids
}

pub fn drain(client: &reqwest::blocking::Client, base: &str, admin: &str) {
    let r = client.post(format!("{base}/v1/admin/drain")).bearer_auth(admin).send().unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().unwrap_or_default());
}

/// Events stored per provider and category, from `/v1/sources`.
pub fn stored_counts(client: &reqwest::blocking::Client, base: &str, token: &str) -> BTreeMap<String, u64> {
    let coverage: serde_json::Value =
        client.get(format!("{base}/v1/sources")).bearer_auth(token).send().unwrap().json().unwrap();
    coverage["categories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                format!("{}/{}", c["provider"].as_str().unwrap(), c["category"].as_str().unwrap()),
                c["events"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// Events per provider and category the service must hold for the tenant: every event
/// `normalize --keep-duplicates` reads, once per (provider, tenant, event id, action, time,
/// category), the store's identity of an event.
pub fn normalized_counts(tenant: &Tenant) -> BTreeMap<String, u64> {
    let config: toml::Table = toml::from_str(&std::fs::read_to_string(tenant.config()).unwrap()).unwrap();
    let tenants: Vec<String> = config
        .get("tenants")
        .and_then(|t| t.as_table())
        .map(|t| t.iter().map(|(p, n)| format!("{p}={}", n.as_str().unwrap())).collect())
        .unwrap_or_default();
    let mut args = vec![
        "normalize".to_string(),
        tenant.dir.path().display().to_string(),
        "--quiet".into(),
        "--keep-duplicates".into(),
    ];
    for pair in tenants {
        args.extend(["--tenant".to_string(), pair]);
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = factorwatch(&args);
    let mut counts = BTreeMap::new();
    let mut seen = std::collections::HashSet::new();
    for line in text(&out.stdout).lines() {
        let e: serde_json::Value = serde_json::from_str(line).unwrap();
        let key: Vec<String> =
            ["provider", "tenant", "id", "action", "time", "category"].iter().map(|k| e[k].to_string()).collect();
        if !seen.insert(key) {
            continue;
        }
        *counts
            .entry(format!("{}/{}", e["provider"].as_str().unwrap(), e["category"].as_str().unwrap()))
            .or_default() += 1;
    }
    counts
}

/// Posts one chunk until it is acknowledged (`200`), retrying connection errors, `5xx` and
/// `429` every 10 ms; a refusal of the chunk itself fails the test. Returns the retries.
pub fn post_until_acked(
    client: &reqwest::blocking::Client,
    base: &str,
    token: &str,
    provider: &str,
    body: &str,
) -> usize {
    let mut retries = 0;
    loop {
        let sent = client.post(format!("{base}/v1/ingest/{provider}")).bearer_auth(token).body(body.to_string()).send();
        match sent {
            Ok(r) if r.status() == 200 => return retries,
            Ok(r) if r.status().is_server_error() || r.status() == 429 => retries += 1,
            Ok(r) => panic!("refused: {} {}", r.status(), r.text().unwrap_or_default()),
            Err(_) => retries += 1,
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Drains, asking again while the service answers `503` or cannot be reached (within 3 min).
pub fn drain_retrying(client: &reqwest::blocking::Client, base: &str, admin: &str) {
    let started = Instant::now();
    loop {
        match client.post(format!("{base}/v1/admin/drain")).bearer_auth(admin).send() {
            Ok(r) if r.status() == 200 => return,
            Ok(r) if r.status() == 503 => {}
            Ok(r) => panic!("drain refused: {} {}", r.status(), r.text().unwrap_or_default()),
            Err(_) => {}
        }
        assert!(started.elapsed() < Duration::from_secs(180), "drain did not succeed within 3 minutes");
        std::thread::sleep(Duration::from_millis(100));
    }
}
