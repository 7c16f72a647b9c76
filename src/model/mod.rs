//! Plain domain types shared by every layer: what the platform reports, nothing about how.

mod audit;
mod peek;
mod snapshot;
mod stream;
pub mod text;

pub use audit::*;
pub use peek::*;
pub use snapshot::*;
pub use stream::*;
