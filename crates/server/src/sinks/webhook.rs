//! The generic webhook: POSTs the finding JSON, signed with HMAC-SHA256 when a secret is set.
//!
//! Headers: `X-Factorwatch-Event: finding`, `X-Factorwatch-Delivery: <delivery id>` (the same
//! on every retry, so a receiver can drop repeats) and, with a secret,
//! `X-Factorwatch-Signature: sha256=<hex HMAC-SHA256 of the body>`.

use super::outbox::Payload;
use super::outcome::{self, Outcome};
use super::secret::{Secret, SecretUrl};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// The header naming what the body is (`finding` or `notice`).
pub const EVENT_HEADER: &str = "x-factorwatch-event";
/// The header carrying the delivery id, the same on every retry.
pub const DELIVERY_HEADER: &str = "x-factorwatch-delivery";
/// The header carrying the body's signature.
pub const SIGNATURE_HEADER: &str = "x-factorwatch-signature";

/// Posts findings as JSON to an HTTPS receiver, signed when a secret is set.
#[derive(Debug, Clone)]
pub struct WebhookSender {
    client: reqwest::Client,
    url: SecretUrl,
    secret: Option<Secret>,
}

impl WebhookSender {
    /// A sender to `url`, signing with `secret` when given.
    pub fn new(client: reqwest::Client, url: SecretUrl, secret: Option<Secret>) -> WebhookSender {
        WebhookSender { client, url, secret }
    }

    /// Posts one finding or notice as delivery `delivery`.
    pub async fn send(&self, delivery: i64, payload: Payload<'_>) -> Outcome {
        let body = match payload.body() {
            Ok(body) => body,
            Err(error) => return Outcome::Permanent { error },
        };
        let mut request = self
            .client
            .post(self.url.expose().clone())
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(EVENT_HEADER, payload.event())
            .header(DELIVERY_HEADER, delivery.to_string());
        if let Some(secret) = &self.secret {
            request = request.header(SIGNATURE_HEADER, signature(secret, &body));
        }
        match request.body(body).send().await {
            Ok(response) => outcome::from_response(response).await,
            Err(e) => outcome::from_error(e),
        }
    }
}

/// `sha256=<lower-case hex HMAC-SHA256 of body under secret>`.
pub fn signature(secret: &Secret, body: &[u8]) -> String {
    // HMAC takes keys of any length, so this never fails; the fallback keeps the type honest.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.expose()) else {
        return String::from("sha256=");
    };
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}
