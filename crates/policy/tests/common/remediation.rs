//! A ledger with an approved remediation approval, and a recorder for mock provider servers.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use axum::http::{HeaderMap, Method, Uri};
use chrono::{DateTime, Utc};
use policy::{Approvals, IdentityKey, MemoryLedger, Reviewer, Role};
use std::sync::{Arc, Mutex};

/// One request a mock server received.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: Method,
    pub path: String,
    pub query: Option<String>,
    pub authorization: Option<String>,
    pub content_type: Option<String>,
    pub body: String,
}

#[derive(Debug, Default, Clone)]
pub struct Recorder(pub Arc<Mutex<Vec<Seen>>>);

impl Recorder {
    pub fn record(&self, method: &Method, uri: &Uri, headers: &HeaderMap, body: &[u8]) -> Seen {
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
        let seen = Seen {
            method: method.clone(),
            path: uri.path().to_string(),
            query: uri.query().map(str::to_string),
            authorization: header("authorization"),
            content_type: header("content-type"),
            body: String::from_utf8_lossy(body).into_owned(),
        };
        self.0.lock().unwrap().push(seen.clone());
        seen
    }

    pub fn all(&self) -> Vec<Seen> {
        self.0.lock().unwrap().clone()
    }
}

/// Serves `app` on 127.0.0.1 on a free port; returns its base url.
pub async fn serve(app: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

/// An HTTP date, as servers send in `Date`.
pub fn http_date(t: DateTime<Utc>) -> String {
    t.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

pub struct Setup {
    pub ledger: Arc<MemoryLedger>,
    pub approvals: Approvals,
    pub approval: String,
    pub key: IdentityKey,
}

/// A remediation approval on `identity`, asked by an analyst and approved by the SOC.
pub fn approved(provider: model::Provider, tenant: &str, identity: &str, now: DateTime<Utc>) -> Setup {
    let ledger = Arc::new(MemoryLedger::new());
    let approvals = Approvals::new(ledger.clone(), std::time::Duration::from_secs(900));
    let key = IdentityKey::new(provider, tenant, identity);
    let a = approvals.request_remediation(key.clone(), "analyst-1", "close inc_1", now).unwrap();
    approvals.approve(&a.id, &Reviewer::new("soc-bob", Role::Soc), "confirmed compromise", now).unwrap();
    Setup { ledger, approvals, approval: a.id, key }
}
