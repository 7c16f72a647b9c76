//! Plain domain types shared by every layer: what the platform reports, nothing about how.

mod peek;
mod snapshot;
mod stream;
pub mod text;

pub use peek::*;
pub use snapshot::*;
pub use stream::*;
