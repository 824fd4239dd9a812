//! Reading a body frame by frame as it arrives, on the async side, and handing each frame
//! over a bounded channel to a blocking reader the parser reads from: the body is refused
//! as soon as it passes the byte limit (never buffered past it), and answered `408` when the
//! sender is slower than the timeout. Only time spent waiting for the sender counts against
//! the timeout, not time spent waiting for the parser to take a frame.

use super::Refusal;
use crate::error::ApiError;
use axum::body::{Body, Bytes, HttpBody};
use axum::http::{HeaderMap, StatusCode, header};
use std::io::{self, Read};
use std::pin::Pin;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// Frames in flight between the network and the parser: what a request holds of its raw body
/// besides the frame being parsed.
const FRAMES_IN_FLIGHT: usize = 8;

/// A frame, or `Err` when the body was refused (the reason is the pump's answer).
type Frame = Result<Bytes, ()>;

/// The sending half, for [`pump`].
pub struct Frames(mpsc::Sender<Frame>);

/// The body as a blocking reader (use it off the async runtime, e.g. in `spawn_blocking`).
/// It ends when the whole body has arrived, and fails when the body was refused.
pub struct Wire {
    frames: mpsc::Receiver<Frame>,
    current: Bytes,
    refusal: Refusal,
}

/// A channel from [`pump`] to a [`Wire`]; a refused body is also recorded in `refusal`.
pub fn channel(refusal: &Refusal) -> (Frames, Wire) {
    let (tx, rx) = mpsc::channel(FRAMES_IN_FLIGHT);
    (Frames(tx), Wire { frames: rx, current: Bytes::new(), refusal: refusal.clone() })
}

impl Read for Wire {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.current.is_empty() {
            match self.frames.blocking_recv() {
                None => return Ok(0),
                Some(Ok(frame)) => self.current = frame,
                Some(Err(())) => {
                    self.refusal.set(ApiError::bad_request("the body was refused while it was read"));
                    return Err(io::Error::other("the body was refused while it was read"));
                }
            }
        }
        let n = buf.len().min(self.current.len());
        let taken = self.current.split_to(n);
        if let Some(out) = buf.get_mut(..n) {
            out.copy_from_slice(&taken);
        }
        Ok(n)
    }
}

/// Forwards the whole body, at most `max` bytes arriving within `timeout`, to `frames`, and
/// shows each frame to `tap` (a signature being computed). When the reader stops early (the
/// parser gave up on the body), the rest is still read, counted and tapped, so that the
/// limits and the signature cover the whole body. On a refusal the reader fails too.
pub async fn pump(
    body: Body,
    headers: &HeaderMap,
    max: usize,
    timeout: Duration,
    frames: Frames,
    tap: &mut (dyn FnMut(&[u8]) + Send),
) -> Result<u64, ApiError> {
    let Frames(tx) = frames;
    let pumped = forward(body, headers, max, timeout, &tx, tap).await;
    if pumped.is_err() {
        // The reader may be gone already; then there is no one to tell.
        let _ = tx.send(Err(())).await;
    }
    pumped
}

async fn forward(
    mut body: Body,
    headers: &HeaderMap,
    max: usize,
    timeout: Duration,
    tx: &mpsc::Sender<Frame>,
    tap: &mut (dyn FnMut(&[u8]) + Send),
) -> Result<u64, ApiError> {
    let declared =
        headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > max as u64) {
        return Err(too_large(max));
    }
    let mut received: u64 = 0;
    let mut waited = Duration::ZERO;
    let mut reader_open = true;
    loop {
        let started = Instant::now();
        let next = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx));
        let frame = match tokio::time::timeout(timeout.saturating_sub(waited), next).await {
            Err(_) => return Err(too_slow(timeout, received)),
            Ok(None) => return Ok(received),
            Ok(Some(frame)) => frame.map_err(|e| ApiError::bad_request(format!("the body could not be read: {e}")))?,
        };
        waited += started.elapsed();
        let Ok(data) = frame.into_data() else { continue };
        received = received.saturating_add(data.len() as u64);
        if received > max as u64 {
            return Err(too_large(max));
        }
        tap(&data);
        if reader_open && tx.send(Ok(data)).await.is_err() {
            reader_open = false;
        }
    }
}

fn too_large(max: usize) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
        format!("the request body is larger than `max_body_bytes` ({max} bytes)"),
    )
}

fn too_slow(timeout: Duration, received: u64) -> ApiError {
    ApiError::new(
        StatusCode::REQUEST_TIMEOUT,
        "body_timeout",
        format!(
            "the body did not arrive within `body_read_timeout` ({} s); {received} bytes came",
            timeout.as_secs_f64()
        ),
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    /// Pumps `body` while a blocking thread reads the wire whole; returns both outcomes.
    async fn pump_and_read(body: Body, headers: HeaderMap, max: usize) -> (Result<u64, ApiError>, io::Result<Vec<u8>>) {
        let refusal = Refusal::default();
        let (frames, mut wire) = channel(&refusal);
        let reading = tokio::task::spawn_blocking(move || {
            let mut out = Vec::new();
            wire.read_to_end(&mut out).map(|_| out)
        });
        let pumped = pump(body, &headers, max, Duration::from_secs(5), frames, &mut |_| {}).await;
        (pumped, reading.await.unwrap())
    }

    /// A body sent as many small frames.
    fn chunked(frames: usize, size: usize) -> Body {
        let chunks = (0..frames).map(move |i| Ok::<_, io::Error>(Bytes::from(vec![b'a' + (i % 26) as u8; size])));
        Body::from_stream(futures_util::stream::iter(chunks))
    }

    #[tokio::test]
    async fn a_body_within_the_limit_reaches_the_reader_whole_and_in_order() {
        let (pumped, read) = pump_and_read(chunked(100, 1000), HeaderMap::new(), 100_000).await;
        assert_eq!(pumped.unwrap(), 100_000);
        let read = read.unwrap();
        assert_eq!(read.len(), 100_000);
        assert!(read.chunks(1000).enumerate().all(|(i, c)| c.iter().all(|&b| b == b'a' + (i % 26) as u8)));
    }

    #[tokio::test]
    async fn a_body_past_the_limit_is_refused_and_the_reader_fails() {
        let (pumped, read) = pump_and_read(chunked(100, 1000), HeaderMap::new(), 99_999).await;
        assert_eq!(pumped.unwrap_err().status, StatusCode::PAYLOAD_TOO_LARGE);
        assert!(read.is_err(), "a refused body must not look complete to the parser");
    }

    #[tokio::test]
    async fn a_declared_length_past_the_limit_is_refused_before_reading() {
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_LENGTH, "999999".parse().unwrap());
        let (pumped, read) = pump_and_read(Body::empty(), headers, 5000).await;
        assert_eq!(pumped.unwrap_err().code, "too_large");
        assert!(read.is_err());
    }

    #[tokio::test]
    async fn the_tap_sees_the_whole_body_even_when_the_reader_stops_early() {
        let refusal = Refusal::default();
        let (frames, wire) = channel(&refusal);
        drop(wire);
        let mut tapped = 0usize;
        let pumped = pump(chunked(50, 1000), &HeaderMap::new(), 1 << 20, Duration::from_secs(5), frames, &mut |d| {
            tapped += d.len()
        })
        .await;
        assert_eq!(pumped.unwrap(), 50_000);
        assert_eq!(tapped, 50_000);
    }

    #[tokio::test]
    async fn a_sender_slower_than_the_timeout_is_answered_408() {
        let slow = futures_util::stream::unfold(0u8, |n| async move {
            tokio::time::sleep(Duration::from_millis(100)).await;
            (n < 50).then(|| (Ok::<_, io::Error>(Bytes::from_static(b"x")), n + 1))
        });
        let refusal = Refusal::default();
        let (frames, wire) = channel(&refusal);
        drop(wire);
        let err =
            pump(Body::from_stream(slow), &HeaderMap::new(), 1000, Duration::from_millis(300), frames, &mut |_| {})
                .await
                .unwrap_err();
        assert_eq!(err.status, StatusCode::REQUEST_TIMEOUT);
    }
}
