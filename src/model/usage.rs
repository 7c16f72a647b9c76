//! What the console's own reads have cost so far: the billed calls, counted by the backend where
//! each is made (`platform::usage`), carried to the console with every snapshot.

use serde::Serialize;

/// The billed reads of this process so far. Counts only grow.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Usage {
    /// CloudWatch GetMetricData requests answered (each page of a paged call is one).
    pub metric_data_calls: u64,
    /// The metrics (series) those requests asked for: AWS bills each one, every request.
    pub metrics_requested: u64,
    /// When the first of them was answered, in the platform's time (epoch ms; 0: none yet).
    pub since_ms: i64,
}
