//! factorwatch as a service (`factorwatch serve`): ingestion endpoints, stream detection, the
//! incident API, sinks and metrics.

pub mod db;
pub mod sinks;
