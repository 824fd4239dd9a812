//! The enrollment decision point (policies in Cedar), four-eyes approvals and the ledger
//! they live in, attestation campaigns for privileged identities, and the provider
//! connectors that execute remediation steps. [`LedgerGate`] lets detection ask the ledger
//! whether an enrollment was allowed (FW-012); [`load_ledger_file`] reads a ledger export.
//!
//! ```text
//! EnrollmentRequest + IdentityContext ──► DecisionPoint::decide ──► Decision
//!                                                                    │ require_approval
//!                                           Approvals (Ledger) ◄─────┘
//! ```

#![warn(missing_docs)]

mod aal;
mod approval;
mod audit;
pub mod connectors;
mod context;
mod decision;
mod engine;
mod examples;
mod gate;
mod input;
mod ledger;
mod ledger_file;
mod policy_set;
mod privileged;
mod request;
mod revalidate;
mod rules;

pub use aal::{aal_of, strength};
pub use approval::{Approval, ApprovalError, ApprovalState, Approvals, Grant, Purpose, Reviewer, Role, Verdict};
pub use audit::AuditRecord;
pub use context::identity_context;
pub use decision::{Approver, Decision, Notification, Outcome, Reason, Recipient};
pub use engine::{DEFAULT_DENY, DecideError, DecisionConfig, DecisionPoint};
pub use examples::{EXAMPLES, Example, ExampleResult, ExamplesError, ExamplesReport, parse_examples, run_examples};
pub use gate::LedgerGate;
pub use ledger::{IdentityKey, Ledger, LedgerError, MemoryLedger};
pub use ledger_file::{LedgerEntry, LedgerFileError, LineProblem, load_ledger_file};
pub use policy_set::{DEFAULTS, LoadError, Policies, PolicyFile, Problem, SCHEMA, default_files, overlay};
pub use privileged::privileged_identities;
pub use request::{
    BlastSummary, BoundFactor, EnrollmentRequest, FactorSpec, Familiar, GeoSpec, IdentityContext, RequestContext,
    RiskReason,
};
pub use revalidate::{Campaign, CampaignItem, ItemReason, ItemState, RevalError, RevalFactor, RevalIdentity, campaign};
pub use rules::{AalDemand, ApproverKind, RecipientKind, Rule, Target};
