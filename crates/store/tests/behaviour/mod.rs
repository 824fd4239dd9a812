//! Each behaviour once, over any [`Backend`](crate::support::Backend).

mod events;
mod graph;
mod reports;
mod schema;

pub use events::*;
pub use graph::*;
pub use reports::*;
pub use schema::*;
