//! Sending a case: through an HTTP client, or written by hand on a socket for the answers a
//! client loses when the service refuses before it has read the whole body.

use super::cases::{Auth, Case};
use crate::WEBHOOK_SECRET;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

pub fn send(client: &reqwest::blocking::Client, base: &str, c: &Case) -> (u16, String) {
    let method = reqwest::Method::from_bytes(c.method.as_bytes()).unwrap();
    let mut request = client.request(method, format!("{base}{}", c.path));
    match &c.auth {
        Auth::None => {}
        Auth::Bearer(t) => request = request.bearer_auth(t),
        Auth::Header(name, value) => request = request.header(*name, value),
        Auth::Signed => {
            let secret = server::sinks::Secret::new(WEBHOOK_SECRET.to_vec());
            request = request.header("x-factorwatch-signature", server::sinks::webhook::signature(&secret, &c.body));
        }
        Auth::BadSignature => request = request.header("x-factorwatch-signature", format!("sha256={}", "0".repeat(64))),
    }
    for (name, value) in &c.headers {
        request = request.header(*name, value);
    }
    if !c.body.is_empty() {
        request = request.body(c.body.clone());
    }
    match request.send() {
        Ok(response) => {
            let status = response.status().as_u16();
            (status, response.text().unwrap_or_default())
        }
        // The service may answer before the whole body is sent and close: the answer is lost
        // to this client. Such cases are re-sent raw to read the status.
        Err(e) => (0, format!("{e}")),
    }
}

/// The case written by hand (for answers a client loses when the service refuses before
/// reading the whole body).
pub fn send_raw(port: u16, c: &Case) -> (u16, String) {
    let mut head =
        format!("{} {} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-length: {}\r\n", c.method, c.path, c.body.len());
    match &c.auth {
        Auth::None => {}
        Auth::Bearer(t) => head.push_str(&format!("authorization: Bearer {t}\r\n")),
        Auth::Header(name, value) => head.push_str(&format!("{name}: {value}\r\n")),
        Auth::Signed | Auth::BadSignature => panic!("`{}`: a signed case lost its answer", c.name),
    }
    for (name, value) in &c.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("connection: close\r\n\r\n");
    raw(port, &head, &c.body, Duration::from_secs(10))
}

/// A request written by hand: the status line's code and the answer, read until `timeout`.
pub fn raw(port: u16, head: &str, body: &[u8], timeout: Duration) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(timeout)).unwrap();
    stream.write_all(head.as_bytes()).unwrap();
    let _ = stream.write_all(body);
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer).to_string();
    let status = answer.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, answer)
}

/// A POST to `path` that announces `length` bytes of body (with the ingest `token`, if any)
/// and sends only `sent`: the answer shows whether the service waited for the rest.
pub fn raw_post(
    port: u16,
    path: &str,
    token: Option<&str>,
    length: usize,
    sent: &[u8],
    timeout: Duration,
) -> (u16, String) {
    let auth = token.map(|t| format!("authorization: Bearer {t}\r\n")).unwrap_or_default();
    raw(port, &format!("POST {path} HTTP/1.1\r\nhost: x\r\n{auth}content-length: {length}\r\n\r\n"), sent, timeout)
}
