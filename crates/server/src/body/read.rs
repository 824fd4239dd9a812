//! Reading a body frame by frame: refused as soon as it passes the byte limit (never
//! buffered past it), and answered `408` when the sender is slower than the timeout.

use crate::error::ApiError;
use axum::body::{Body, Bytes, HttpBody};
use axum::http::{HeaderMap, StatusCode, header};
use std::pin::Pin;
use std::time::Duration;

/// Capacity reserved up front from a declared length: a length that lies costs at most this.
const FIRST_RESERVE: usize = 1 << 20;

/// The whole body, at most `max` bytes, arriving within `timeout`.
pub async fn read(mut body: Body, headers: &HeaderMap, max: usize, timeout: Duration) -> Result<Bytes, ApiError> {
    let declared =
        headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > max as u64) {
        return Err(too_large(max));
    }
    let first = usize::try_from(declared.unwrap_or(0)).unwrap_or(max).min(max).min(FIRST_RESERVE);
    let mut buf: Vec<u8> = Vec::with_capacity(first);
    let reading = async {
        while let Some(frame) = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await {
            let frame = frame.map_err(|e| ApiError::bad_request(format!("the body could not be read: {e}")))?;
            let Ok(data) = frame.into_data() else { continue };
            let len = buf.len().saturating_add(data.len());
            if len > max {
                return Err(too_large(max));
            }
            if len > buf.capacity() {
                // Doubling, but never past the limit: a body at the limit holds the limit.
                let target = buf.capacity().saturating_mul(2).max(len).min(max);
                buf.reserve_exact(target - buf.len());
            }
            buf.extend_from_slice(&data);
        }
        Ok(())
    };
    match tokio::time::timeout(timeout, reading).await {
        Ok(Ok(())) => Ok(Bytes::from(buf)),
        Ok(Err(e)) => Err(e),
        Err(_) => Err(ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            "body_timeout",
            format!(
                "the body did not arrive within `body_read_timeout` ({} s); {} bytes came",
                timeout.as_secs_f64(),
                buf.len()
            ),
        )),
    }
}

fn too_large(max: usize) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
        format!("the request body is larger than `max_body_bytes` ({max} bytes)"),
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[tokio::test]
    async fn a_body_within_the_limit_is_read_whole() {
        let body = Body::from(vec![b'x'; 5000]);
        let bytes = read(body, &HeaderMap::new(), 5000, Duration::from_secs(5)).await.unwrap();
        assert_eq!(bytes.len(), 5000);
    }

    #[tokio::test]
    async fn a_body_past_the_limit_is_refused_without_a_declared_length() {
        let body = Body::from(vec![b'x'; 5001]);
        let err = read(body, &HeaderMap::new(), 5000, Duration::from_secs(5)).await.unwrap_err();
        assert_eq!(err.status, StatusCode::PAYLOAD_TOO_LARGE);
    }

    #[tokio::test]
    async fn a_declared_length_past_the_limit_is_refused_before_reading() {
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_LENGTH, "999999".parse().unwrap());
        let err = read(Body::empty(), &headers, 5000, Duration::from_secs(5)).await.unwrap_err();
        assert_eq!(err.code, "too_large");
    }
    // A sender slower than the timeout is proved on the real process (hostile_input.rs).
}
