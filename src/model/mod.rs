//! Plain domain types shared by every layer: what the platform reports, nothing about how.

mod athena;
mod audit;
mod change;
mod delivery;
mod emr;
mod glue;
mod grants;
mod kafka;
mod logs;
mod peek;
mod search;
mod snapshot;
mod sources;
mod spice;
mod stack;
mod stream;
pub mod text;
mod workflow;

pub use athena::*;
pub use audit::*;
pub use change::*;
pub use delivery::*;
pub use emr::*;
pub use glue::*;
pub use grants::*;
pub use kafka::*;
pub use logs::*;
pub use peek::*;
pub use search::*;
pub use snapshot::*;
pub use sources::*;
pub use spice::*;
pub use stack::*;
pub use stream::*;
pub use workflow::*;
