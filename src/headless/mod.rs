//! Headless subcommands: the console's capabilities for scripts, one file each. Each parses its
//! arguments, calls the application layer (`session`), prints and exits.

pub mod audit;
pub mod confirm;
pub mod emr;
pub mod fleet;
pub mod glue;
pub mod grants;
pub mod keys;
pub mod layers;
pub mod lists;
pub mod logs;
pub mod peek;
pub mod provision;
pub mod query;
pub mod rerun;
pub mod reshard;
pub mod runbook;
pub mod sandbox;
pub mod slo;
pub mod status;
pub mod workflows;

pub use crate::session::{connect, Failure};

/// `value` as pretty JSON and a newline, for `--json`.
pub(crate) fn json<T: serde::Serialize>(value: &T) -> Result<String, Failure> {
    serde_json::to_string_pretty(value)
        .map(|json| json + "\n")
        .map_err(|e| Failure::Platform(format!("cannot write JSON: {e}")))
}
