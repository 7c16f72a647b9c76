//! Plain domain types shared by every layer: what the platform reports, nothing about how.

mod snapshot;
pub mod text;

pub use snapshot::*;
