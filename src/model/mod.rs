//! Plain domain types shared by every layer: what the platform reports, nothing about how.

mod athena;
mod audit;
mod change;
mod emr;
mod glue;
mod logs;
mod peek;
mod snapshot;
mod stack;
mod stream;
pub mod text;
mod workflow;

pub use athena::*;
pub use audit::*;
pub use change::*;
pub use emr::*;
pub use glue::*;
pub use logs::*;
pub use peek::*;
pub use snapshot::*;
pub use stack::*;
pub use stream::*;
pub use workflow::*;
