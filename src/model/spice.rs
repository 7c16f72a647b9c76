//! QuickSight's SPICE datasets behind the dashboards, and their refreshes (ingestions).

use chrono::{DateTime, Utc};
use serde::Serialize;

/// One refresh of a dataset (ListIngestions).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ingestion {
    pub id: String,
    /// INITIALIZED, QUEUED, RUNNING, FAILED, COMPLETED, CANCELLED.
    pub status: String,
    pub created: Option<DateTime<Utc>>,
    pub seconds: Option<i64>,
    pub rows_ingested: Option<i64>,
    pub rows_dropped: Option<i64>,
    /// FAILED: the error's type (`SOURCE_API_LIMIT_EXCEEDED_FAILURE`, …) and message.
    pub error_type: Option<String>,
    pub error_message: Option<String>,
    /// Asked for (CreateIngestion, RequestSource MANUAL) rather than scheduled: QuickSight limits
    /// these per day.
    pub manual: bool,
}

impl Ingestion {
    pub fn is_failed(&self) -> bool {
        self.status == "FAILED"
    }

    pub fn is_active(&self) -> bool {
        matches!(self.status.as_str(), "INITIALIZED" | "QUEUED" | "RUNNING")
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpiceDataset {
    pub id: String,
    /// Whether QuickSight knows it (false: named in the profile, not found).
    pub exists: bool,
    /// The newest refreshes, newest first.
    pub ingestions: Vec<Ingestion>,
}

impl SpiceDataset {
    pub fn last_success(&self) -> Option<DateTime<Utc>> {
        self.last_completed().and_then(|i| i.created)
    }

    /// The newest refresh that completed: what the dashboards serve while a newer one runs, or
    /// after one failed.
    pub fn last_completed(&self) -> Option<&Ingestion> {
        self.ingestions.iter().filter(|i| i.status == "COMPLETED").max_by_key(|i| i.created)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuicksightStatus {
    pub datasets: Vec<SpiceDataset>,
    /// The profile's expectation: each dataset refreshed at least this often.
    pub refresh_within_hours: u64,
}
