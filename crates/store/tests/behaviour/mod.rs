//! Each behaviour once, over any [`Backend`](crate::support::Backend).

mod deliveries;
mod detections;
mod events;
mod graph;
mod ledger;
mod notices;
mod queries;
mod raw_records;
mod reports;
mod schema;
mod sources;
mod tokens;
mod triage;

pub use deliveries::*;
pub use detections::*;
pub use events::*;
pub use graph::*;
pub use ledger::*;
pub use notices::*;
pub use queries::*;
pub use raw_records::*;
pub use reports::*;
pub use schema::*;
pub use sources::*;
pub use tokens::*;
pub use triage::*;
