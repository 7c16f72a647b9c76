//! Pure rules: health verdicts, number formatting. Nothing here knows about AWS or the terminal.

pub mod athena;
pub mod athena_readonly;
pub mod athena_values;
pub mod audit;
pub mod change;
pub mod cost;
pub mod emr;
pub mod format;
pub mod glue;
pub mod grants;
pub mod health;
pub mod impact;
pub mod inventory;
pub mod kinesis;
pub mod markers;
pub mod metrics;
pub mod peek;
pub mod record_view;
pub mod refusal;
pub mod rerun;
pub mod reshard;
pub mod results;
pub mod runbook;
pub mod series;
pub mod shard_map;
pub mod slo;
#[cfg(test)]
mod tests_athena_readonly;
#[cfg(test)]
mod tests_rerun;
#[cfg(test)]
mod tests_results;
pub mod workflow;
