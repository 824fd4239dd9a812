//! A real factorwatch service on a loopback port for one test, on SQLite (a temporary data
//! folder) or on the machine's PostgreSQL (a fresh schema, dropped after the test), with a
//! token of each role.

#![allow(dead_code)]

use reqwest::{Client, Method, RequestBuilder, Response};
use server::{Service, ServiceConfig};
use std::collections::HashMap;
use std::net::SocketAddr;
use store::Role;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub const BACKENDS: [Backend; 2] = [Backend::Sqlite, Backend::Postgres];

pub struct TestServer {
    pub addr: SocketAddr,
    pub client: Client,
    /// A token of each role, by role.
    pub tokens: HashMap<Role, String>,
    /// A token that was revoked before the server started.
    pub revoked: String,
    pub data: tempfile::TempDir,
    pub config: ServiceConfig,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
    _schema: Option<store::testing::PgSchema>,
}

/// Service settings every test server gets unless the test sets them: no flush on quiet
/// (tests drain explicitly), frequent snapshots.
const TEST_DEFAULTS: &str = r#"
flush_after = "1h"
snapshot_every_events = 500
"#;

impl TestServer {
    /// Starts a service with the settings in `toml` (any detection settings, and `[server]`
    /// keys), the test defaults filling what it leaves out.
    pub async fn start(backend: Backend, toml: &str) -> TestServer {
        let mut table: toml::Table = toml::from_str(toml).unwrap();
        let defaults: toml::Table = toml::from_str(TEST_DEFAULTS).unwrap();
        let server = table.entry("server").or_insert_with(|| toml::Value::Table(toml::Table::new()));
        let server = server.as_table_mut().unwrap();
        for (key, value) in defaults {
            server.entry(key).or_insert(value);
        }
        TestServer::start_with(backend, &toml::to_string(&table).unwrap()).await
    }

    pub async fn start_with(backend: Backend, toml: &str) -> TestServer {
        let data = tempfile::tempdir().unwrap();
        let mut config = ServiceConfig::parse(toml).unwrap();
        config.server.data_dir = Some(data.path().to_path_buf());
        let schema = match backend {
            Backend::Sqlite => None,
            Backend::Postgres => {
                let schema = store::testing::PgSchema::new();
                config.server.database_url = Some(schema.url());
                Some(schema)
            }
        };
        TestServer::boot(config, data, schema).await
    }

    async fn boot(
        config: ServiceConfig,
        data: tempfile::TempDir,
        schema: Option<store::testing::PgSchema>,
    ) -> TestServer {
        let (tokens, revoked) = {
            let config = config.clone();
            tokio::task::spawn_blocking(move || make_tokens(&config)).await.unwrap()
        };
        let stores = {
            let config = config.clone();
            tokio::task::spawn_blocking(move || server::open_store(&config, config.server.database_connections))
                .await
                .unwrap()
                .unwrap()
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let service = Service::start(config.clone(), stores).unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(service.serve(listener, async move {
            let _ = stopped.await;
        }));
        let server = TestServer {
            addr,
            client: Client::builder().build().unwrap(),
            tokens,
            revoked,
            data,
            config,
            stop: Some(stop),
            task: Some(task),
            _schema: schema,
        };
        server.wait_ready().await;
        server
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn token(&self, role: Role) -> &str {
        &self.tokens[&role]
    }

    /// A request with a token of `role`.
    pub fn as_role(&self, role: Role, method: Method, path: &str) -> RequestBuilder {
        self.client.request(method, self.url(path)).bearer_auth(self.token(role))
    }

    pub async fn get(&self, role: Role, path: &str) -> Response {
        self.as_role(role, Method::GET, path).send().await.unwrap()
    }

    pub async fn get_json(&self, role: Role, path: &str) -> serde_json::Value {
        let response = self.get(role, path).await;
        let status = response.status();
        let body: serde_json::Value = response.json().await.unwrap();
        assert!(status.is_success(), "GET {path}: {status} {body}");
        body
    }

    pub async fn post_json(&self, role: Role, path: &str, body: serde_json::Value) -> (u16, serde_json::Value) {
        let response = self.as_role(role, Method::POST, path).json(&body).send().await.unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(serde_json::Value::Null))
    }

    /// Posts native log text to `/v1/ingest/{provider}`; returns the status and the report.
    pub async fn ingest(&self, provider: &str, body: impl Into<reqwest::Body>) -> (u16, serde_json::Value) {
        let response = self
            .as_role(Role::Ingest, Method::POST, &format!("/v1/ingest/{provider}"))
            .body(body)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(serde_json::Value::Null))
    }

    /// Processes everything posted so far, as at the end of a backfill.
    pub async fn drain(&self) {
        let (status, body) = self.post_json(Role::Admin, "/v1/admin/drain", serde_json::json!({})).await;
        assert_eq!(status, 200, "drain: {body}");
    }

    async fn wait_ready(&self) {
        for _ in 0..500 {
            if let Ok(r) = self.client.get(self.url("/readyz")).send().await
                && r.status().is_success()
            {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        panic!("the service did not become ready");
    }

    /// Stops the service cleanly (drains in-flight requests, saves a snapshot).
    pub async fn stop(mut self) -> (ServiceConfig, tempfile::TempDir, Option<store::testing::PgSchema>) {
        self.shutdown().await;
        let schema = self._schema.take();
        let data = std::mem::replace(&mut self.data, tempfile::tempdir().unwrap());
        (self.config.clone(), data, schema)
    }

    /// Stops and starts again on the same store.
    pub async fn restart(self) -> TestServer {
        let (config, data, schema) = self.stop().await;
        TestServer::boot(config, data, schema).await
    }

    async fn shutdown(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.unwrap().unwrap();
        }
    }
}

/// One token per role, plus a revoked one, written to the store before the service starts.
fn make_tokens(config: &ServiceConfig) -> (HashMap<Role, String>, String) {
    let mut store = server::open_store(config, 1).unwrap().pop().unwrap();
    let now = chrono::Utc::now();
    let mut tokens = HashMap::new();
    for role in Role::ALL {
        let (token, record) = server::auth::new_token(&format!("test-{}", role.as_str()), role, now);
        store.create_token(&record).unwrap();
        tokens.insert(role, token);
    }
    let (revoked, record) = server::auth::new_token("test-revoked", Role::Admin, now);
    store.create_token(&record).unwrap();
    store.revoke_token(&record.id, now).unwrap();
    (tokens, revoked)
}

/// Second names for the test tokens (several of one role, for four-eyes tests).
pub fn extra_token(config: &ServiceConfig, name: &str, role: Role) -> String {
    let mut store = server::open_store(config, 1).unwrap().pop().unwrap();
    let (token, record) = server::auth::new_token(name, role, chrono::Utc::now());
    store.create_token(&record).unwrap();
    token
}

/// Fails the test when `value` does not match the schema `name` of the OpenAPI document.
pub fn assert_conforms(openapi: &serde_json::Value, name: &str, value: &serde_json::Value) {
    let schema = serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$ref": format!("#/components/schemas/{name}"),
        "components": openapi["components"].clone(),
    });
    let validator = jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("schema `{name}`: {e}"));
    let errors: Vec<String> =
        validator.iter_errors(value).map(|e| format!("{} at {}", e, e.instance_path())).take(5).collect();
    assert!(errors.is_empty(), "the answer does not match `{name}` in /v1/openapi.json: {errors:?}");
}

/// Posts `body` with `Transfer-Encoding: chunked` in 8 KiB frames (no declared length) over a
/// raw connection, with `headers` added; the service may answer before every frame is written.
pub async fn post_chunked(
    server: &TestServer,
    path: &str,
    headers: &[(&str, String)],
    body: &[u8],
) -> (u16, serde_json::Value) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    let mut head = format!("POST {path} HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\nconnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await.unwrap();
    for chunk in body.chunks(8 * 1024) {
        let mut frame = format!("{:x}\r\n", chunk.len()).into_bytes();
        frame.extend_from_slice(chunk);
        frame.extend_from_slice(b"\r\n");
        if stream.write_all(&frame).await.is_err() {
            break;
        }
    }
    let _ = stream.write_all(b"0\r\n\r\n").await;
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    let text = String::from_utf8_lossy(&answer);
    let status = text.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("no status: {text}"));
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or_else(|| panic!("no body: {text}"));
    let body =
        if head.to_ascii_lowercase().contains("transfer-encoding: chunked") { dechunk(body) } else { body.to_string() };
    (status, serde_json::from_str(body.trim()).unwrap_or_else(|e| panic!("{e}: {body}")))
}

fn dechunk(mut text: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = text.split_once("\r\n") {
        let size = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        out.push_str(&rest[..size]);
        text = rest[size..].trim_start_matches("\r\n");
    }
    out
}

/// The id of `identity`'s incident that holds a finding of `detector`.
pub async fn incident_with(server: &TestServer, identity: &str, detector: &str) -> String {
    let queue = server.get_json(Role::Viewer, &format!("/v1/incidents?identity={identity}&limit=50")).await;
    let incident = queue["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["detectors"].as_array().unwrap().iter().any(|d| d == detector))
        .unwrap_or_else(|| panic!("the {detector} incident: {queue:#}"));
    incident["id"].as_str().unwrap().to_string()
}
