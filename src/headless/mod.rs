//! Headless subcommands: the console's capabilities for scripts, one file each. Each parses its
//! arguments, calls the application layer (`session`), prints and exits.

pub mod audit;
pub mod confirm;
pub mod emr;
pub mod glue;
pub mod keys;
pub mod lists;
pub mod logs;
pub mod peek;
pub mod provision;
pub mod query;
pub mod reshard;
pub mod sandbox;
pub mod status;
pub mod workflows;

pub use crate::session::{connect, Failure};
