//! Sink tests: real HTTP receivers on 127.0.0.1, an in-memory outbox in place of the store,
//! and millisecond backoffs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod config;
mod fixtures;
mod memory;
mod ndjson;
mod receiver;
mod retries;
mod slack;
mod store;
mod webhook;
