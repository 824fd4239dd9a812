//! Provider connectors that execute remediation steps (docs/detection-contract.md §8):
//! Okta (list and delete factors, clear sessions, suspend) and Microsoft Graph (list and
//! delete authentication methods, revoke sign-in sessions, remove app credentials).
//!
//! A call is a dry run unless an approved remediation approval is given; dry or not, it is
//! journaled (request, status, body excerpt — never the token) in the audit log.

mod graph;
mod okta;
mod operation;
mod run;
mod steps;

pub use graph::MethodType;
pub use operation::{Operation, PlannedRequest};
pub use run::{CallAnswer, CallResult, Connector, ConnectorError, Executor, Mode, ProviderApi, RetryPolicy};
pub use steps::{StepError, StepTarget, automated, step_operation};
