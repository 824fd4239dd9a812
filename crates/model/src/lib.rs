//! factorwatch's shared vocabulary: the normalized [`Event`] every provider's log becomes,
//! and the small types it is made of. Plain data, no I/O.

#![warn(missing_docs)]

mod category;
mod client;
mod event;
mod factor;
pub mod factor_kinds;
mod finding;
pub mod percent;
mod principal;
mod provider;
mod remediation;

pub use category::{Category, Outcome};
pub use client::{Client, Geo};
pub use event::{Event, Risk, RiskLevel, SourceRef, Tag};
pub use factor::{Factor, FactorClass};
pub use finding::{
    BlastRadius, Evidence, Finding, FindingActor, FindingIdentity, Incident, Mappings, RemediationStep, RuleNote,
    Severity,
};
pub use principal::{ActorRelation, Principal, PrincipalKind};
pub use provider::Provider;
pub use remediation::RemediationAction;

/// Short strings (ids, names, kinds) are stored inline up to 24 bytes, so most events
/// allocate only for their long fields (user agents, raw kinds).
pub type Text = compact_str::CompactString;
