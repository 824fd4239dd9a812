//! The accept loop and each connection: at most `max_connections` open at once (the rest wait
//! in the kernel's backlog, holding no file descriptor of ours), request headers (and the TLS
//! handshake) within `header_read_timeout` or the connection is closed, keep-alive, and a
//! graceful stop that lets in-flight requests finish.

use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tokio_rustls::TlsAcceptor;

/// How long the loop pauses after an accept error that is about this process (out of file
/// descriptors or memory), so that it does not spin while connections close.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

/// What every connection is held to.
#[derive(Clone)]
pub(crate) struct Connections {
    /// Connections open at once.
    pub max: usize,
    /// Time to send the request headers (and, with TLS, to finish the handshake).
    pub header_read_timeout: Duration,
    /// `Some`: every connection is TLS.
    pub tls: Option<TlsAcceptor>,
}

/// Accepts and serves connections until `shutdown` completes; then stops accepting, asks
/// every connection to finish its in-flight request and close, and returns once all have.
pub(crate) async fn serve(
    listener: TcpListener,
    router: Router,
    connections: Connections,
    shutdown: impl Future<Output = ()>,
) {
    let max = connections.max.clamp(1, Semaphore::MAX_PERMITS);
    let open = Arc::new(Semaphore::new(max));
    let (stop, stopped) = watch::channel(false);
    tokio::pin!(shutdown);
    loop {
        // A permit first: while every one is held, nothing is accepted and new connections
        // wait in the kernel's backlog instead of taking a file descriptor each.
        let permit = tokio::select! {
            biased;
            () = &mut shutdown => break,
            permit = open.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
        };
        let stream = tokio::select! {
            biased;
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) if is_about_one_connection(&e) => continue,
                Err(e) => {
                    // EMFILE and the like: connections that close will free what is missing.
                    tracing::warn!(error = %e, "cannot accept a connection; retrying shortly");
                    tokio::select! {
                        () = &mut shutdown => break,
                        () = tokio::time::sleep(ACCEPT_BACKOFF) => continue,
                    }
                }
            },
        };
        tokio::spawn(connection(stream, router.clone(), connections.clone(), stopped.clone(), permit));
    }
    drop(listener);
    let _ = stop.send(true);
    // Every connection holds a permit until it closes: all of them back means all closed.
    let all = u32::try_from(max).unwrap_or(u32::MAX);
    let _ = open.acquire_many(all).await;
}

/// Errors that end only the connection being accepted (the peer gave up before it was
/// accepted), not the listener's ability to accept the next.
fn is_about_one_connection(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::*;
    matches!(e.kind(), ConnectionAborted | ConnectionReset | ConnectionRefused | Interrupted)
}

/// One connection, TLS first when configured; holds `_permit` until it closes.
async fn connection(
    stream: TcpStream,
    router: Router,
    connections: Connections,
    mut stopped: watch::Receiver<bool>,
    _permit: OwnedSemaphorePermit,
) {
    let timeout = connections.header_read_timeout;
    let Some(acceptor) = connections.tls else {
        return http(stream, router, timeout, stopped).await;
    };
    // A client that connects and never finishes the handshake is cut as one that never
    // sends its headers would be.
    let handshake = tokio::time::timeout(timeout, acceptor.accept(stream));
    let stream = tokio::select! {
        done = handshake => match done {
            Ok(Ok(stream)) => stream,
            Ok(Err(e)) => return tracing::debug!(error = %e, "TLS handshake failed"),
            Err(_) => return tracing::debug!("TLS handshake not finished within header_read_timeout"),
        },
        () = stop_requested(&mut stopped) => return,
    };
    http(stream, router, timeout, stopped).await
}

/// HTTP/1.1 on an established stream, with keep-alive; on stop, the request in flight
/// finishes and the connection closes.
/// The largest request line and headers a client may send; a body is streamed, not buffered
/// by this limit.
const MAX_HEAD_BYTES: usize = 64 * 1024;

async fn http<S>(stream: S, router: Router, header_read_timeout: Duration, mut stopped: watch::Receiver<bool>)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let mut builder = hyper::server::conn::http1::Builder::new();
    // Request heads past MAX_HEAD_BYTES are answered 431 (hyper's own cap is 400 KiB).
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(header_read_timeout)
        .keep_alive(true)
        .max_buf_size(MAX_HEAD_BYTES);
    let connection = builder.serve_connection(TokioIo::new(stream), TowerToHyperService::new(router));
    tokio::pin!(connection);
    let result = tokio::select! {
        result = connection.as_mut() => result,
        () = stop_requested(&mut stopped) => {
            connection.as_mut().graceful_shutdown();
            connection.await
        }
    };
    if let Err(e) = result {
        // Timeouts, resets and malformed requests: the client's doing, not the service's.
        tracing::debug!(error = %e, "connection closed with an error");
    }
}

/// Completes once the service is stopping (or the accept loop is gone).
async fn stop_requested(stopped: &mut watch::Receiver<bool>) {
    let _ = stopped.wait_for(|stop| *stop).await;
}
