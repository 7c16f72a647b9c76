//! The usage ledger: each backend counts its billed reads into one at the point each is made
//! (the AWS backend where GetMetricData is sent, the sandbox where it reads what that call would
//! bring), and reports it with every snapshot.

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

use chrono::{DateTime, Utc};

use crate::model::Usage;

/// GetMetricData takes at most this many metric queries a call (AWS's limit).
pub const METRICS_PER_CALL: usize = 500;

/// Counts shared by the tasks of one backend; never reset while the process runs.
#[derive(Debug, Default)]
pub struct UsageLedger {
    metric_data_calls: AtomicU64,
    metrics_requested: AtomicU64,
    since_ms: AtomicI64,
}

impl UsageLedger {
    /// One GetMetricData request answered at `at` (the platform's time), asking for `metrics`
    /// series.
    pub fn metric_data_call(&self, metrics: usize, at: DateTime<Utc>) {
        let _ = self.since_ms.compare_exchange(0, at.timestamp_millis(), Ordering::Relaxed, Ordering::Relaxed);
        self.metric_data_calls.fetch_add(1, Ordering::Relaxed);
        self.metrics_requested.fetch_add(metrics as u64, Ordering::Relaxed);
    }

    /// Reading `metrics` series the way the AWS backend does: in calls of at most
    /// [`METRICS_PER_CALL`], one page each (the sandbox's model of GetMetricData).
    pub fn metric_data_read(&self, metrics: usize, at: DateTime<Utc>) {
        let mut left = metrics;
        while left > 0 {
            let call = left.min(METRICS_PER_CALL);
            self.metric_data_call(call, at);
            left -= call;
        }
    }

    pub fn usage(&self) -> Usage {
        Usage {
            metric_data_calls: self.metric_data_calls.load(Ordering::Relaxed),
            metrics_requested: self.metrics_requested.load(Ordering::Relaxed),
            since_ms: self.since_ms.load(Ordering::Relaxed),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_are_split_into_calls_of_at_most_500_metrics() {
        let ledger = UsageLedger::default();
        let at = |ms| DateTime::from_timestamp_millis(ms).unwrap();
        ledger.metric_data_read(0, at(1_000));
        assert_eq!(ledger.usage(), Usage::default(), "no series, no call");
        ledger.metric_data_read(1_001, at(2_000));
        assert_eq!(ledger.usage(), Usage { metric_data_calls: 3, metrics_requested: 1_001, since_ms: 2_000 });
        ledger.metric_data_call(7, at(3_000));
        assert_eq!(ledger.usage(), Usage { metric_data_calls: 4, metrics_requested: 1_008, since_ms: 2_000 });
    }
}
