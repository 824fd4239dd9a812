//! A small client of the service's API for commands that act through it.

use crate::cli::ServiceClient;
use anyhow::{Context, bail};
use serde_json::Value;

pub struct Client {
    base: String,
    token: String,
    http: reqwest::Client,
    runtime: tokio::runtime::Runtime,
}

impl Client {
    pub fn new(args: &ServiceClient) -> anyhow::Result<Client> {
        let token = std::env::var(&args.token_env)
            .with_context(|| format!("set `{}` to an API token (see `factorwatch token create`)", args.token_env))?;
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        let mut http = reqwest::Client::builder().timeout(std::time::Duration::from_secs(30));
        if let Some(path) = &args.ca_cert {
            let pem = std::fs::read(path).with_context(|| format!("cannot read the CA file {}", path.display()))?;
            let certificates = reqwest::Certificate::from_pem_bundle(&pem)
                .with_context(|| format!("the CA file {} is not PEM certificates", path.display()))?;
            if certificates.is_empty() {
                bail!("the CA file {} holds no certificate", path.display());
            }
            for certificate in certificates {
                http = http.add_root_certificate(certificate);
            }
        }
        let http = http.build()?;
        Ok(Client { base: args.server.trim_end_matches('/').to_string(), token, http, runtime })
    }

    /// POSTs `body` to `path`; the answer's JSON, or the service's refusal as the error.
    pub fn post(&self, path: &str, body: &Value) -> anyhow::Result<Value> {
        let url = format!("{}{path}", self.base);
        self.runtime.block_on(async {
            let response = self
                .http
                .post(&url)
                .bearer_auth(&self.token)
                .json(body)
                .send()
                .await
                .with_context(|| format!("cannot reach the service at {url}"))?;
            let status = response.status();
            let answer: Value = response.json().await.unwrap_or(Value::Null);
            if !status.is_success() {
                let message = answer["error"]["message"].as_str().unwrap_or("no message");
                bail!("the service refused: {status}: {message}");
            }
            Ok(answer)
        })
    }
}
