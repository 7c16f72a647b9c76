//! The console's state and its pure reducer: testable without a terminal or a network.
//!
//! Each view is a module here named after it (`streams`, `athena`, …) and registered once in
//! `registry`: its state, its keys (a slice of the key table) and what they do.

pub mod about;
mod action;
pub mod alarms;
mod answers;
pub mod athena;
mod athena_lists;
mod athena_query;
pub mod athena_row;
pub mod audit;
mod changed;
pub mod chord;
pub mod command;
pub mod confirm;
pub mod editor;
pub mod emr;
pub mod errors;
pub mod firehose;
pub mod fleet;
pub mod glue;
mod input;
pub mod keymap;
pub mod lambda;
pub mod layout;
pub mod list;
pub mod markers;
pub mod msk;
pub mod opensearch;
pub mod overview;
pub mod peek;
pub mod picker;
pub mod pipeline;
pub mod prompt;
pub mod quicksight;
pub mod redshift;
pub mod registry;
pub mod report;
pub mod request;
pub mod resources;
pub mod slo;
pub mod sources;
pub mod stack;
mod state;
pub mod stream_detail;
pub mod streams;
mod update;
pub mod workflows;

pub use action::{Action, Effect};
pub use command::Command;
pub use keymap::Keymap;
pub use prompt::completions;
pub use registry::ViewId;
pub use report::{report_error, ErrorSource};
pub use state::*;
pub use update::update;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_alarms;
#[cfg(test)]
mod tests_athena;
#[cfg(test)]
mod tests_athena_safety;
#[cfg(test)]
mod tests_emr;
#[cfg(test)]
mod tests_glue;
#[cfg(test)]
mod tests_lambda;
#[cfg(test)]
mod tests_markers;
#[cfg(test)]
mod tests_readonly;
#[cfg(test)]
mod tests_resources;
#[cfg(test)]
mod tests_stack;
#[cfg(test)]
mod tests_streams;
#[cfg(test)]
mod tests_workflows;
