//! The identity graph: people, non-human identities (service principals, service accounts,
//! API tokens, access keys), roles, groups, apps and secrets, and the edges that say who can
//! control what. It gives each identity a privilege tier (docs/detection-contract.md §3) and
//! a blast radius with the path that explains each reach.

#![warn(missing_docs)]

mod blast;
mod dot;
mod factors;
mod graph;
mod posture;
mod tiers;

pub mod import;
mod learn;
mod persist;

pub use blast::{BlastRadius, Reach};
pub use dot::blast_radius_dot;
pub use factors::ListedFactor;
pub use graph::{Edge, EdgeKind, Graph, Node, NodeId, NodeKind, Scope, node_key};
pub use learn::learn;
pub use posture::{Check, PostureFinding, PostureSettings, Status, posture};
pub use tiers::{edge_tier, role_powers, role_tier, tier_of, tier_of_reach};
