//! The console's state and its pure reducer: testable without a terminal or a network.

mod action;
pub mod athena;
mod athena_lists;
pub mod audit;
pub mod confirm;
pub mod editor;
pub mod glue;
pub mod keymap;
pub mod lambda;
pub mod layout;
pub mod peek;
pub mod picker;
pub mod prompt;
pub mod stack;
mod state;
pub mod streams;
mod update;
mod view;

pub use action::{Action, Effect};
pub use prompt::completions;
pub use state::*;
pub use update::{report_error, update};
pub use view::ViewId;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_athena;
#[cfg(test)]
mod tests_glue;
#[cfg(test)]
mod tests_lambda;
#[cfg(test)]
mod tests_stack;
