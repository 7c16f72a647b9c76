//! Profile → CloudFormation: the template of the whole platform, the checks a profile must pass
//! before any call, and the plan (a change set read as a diff).

pub mod check;
pub mod keep;
pub mod names;
pub mod plan;
pub mod staging;
pub mod template;

pub use check::check;
pub use keep::{kept_on_delete, kept_text};
pub use names::named_resources;
pub use plan::{diff_lines, no_changes, summary, DiffLine, Progress};
pub use staging::INLINE_TEMPLATE_LIMIT;
pub use template::{render, Template};
