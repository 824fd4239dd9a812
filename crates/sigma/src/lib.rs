//! Sigma rules on factorwatch's native records: teams keep the detection logic they have.
//!
//! [`RuleSet::load`] reads a folder of rules, routing each by its `logsource` to the logs
//! factorwatch reads ([`logsource`]) or skipping it with the reason. [`Evaluator`] is an
//! ingest [`ingest::RecordObserver`]: it matches each record, as parsed for normalization,
//! against its service's rules through the provider's field mapping ([`fields`]).
//! [`Session`] takes the matches in event-time order through the correlation rules and
//! makes findings of them, for the same queue as the detectors' own.

pub mod correlate;
pub mod evaluate;
pub mod facts;
pub mod fields;
pub mod finding;
pub mod logsource;
pub mod rules;
pub mod session;

pub use evaluate::{Evaluator, Hit};
pub use rules::{RuleSet, Skipped};
pub use session::Session;
