//! The hostile-input corpus (cases.rs) and how its requests are sent (wire.rs).

pub mod cases;
pub mod wire;
