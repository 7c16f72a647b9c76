//! Profile → CloudFormation: the template of the whole platform, the checks a profile must pass
//! before any call, and the plan (a change set read as a diff).

pub mod check;
pub mod plan;
pub mod template;

pub use check::check;
pub use plan::{diff_lines, summary, DiffLine, Progress};
pub use template::{render, Template, INLINE_TEMPLATE_LIMIT};
