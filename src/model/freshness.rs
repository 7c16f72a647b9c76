//! What a dataset's freshness is read from: when it changed, and how new the data it then held.

use chrono::{DateTime, Utc};
use serde::Serialize;

/// One update of a dataset: when it landed, and the newest data it then held (a curate run's
/// output holds the raw zone as it stood when the run started, less how late the raw zone was).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DatasetUpdate {
    pub at: DateTime<Utc>,
    pub holds_until: DateTime<Utc>,
}

/// A dataset's updates as the platform lists them, oldest first, and since when the list is
/// complete: from `complete_since` on every update is in it (before it some may be missing).
/// `None`: nothing is known (no history read).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct UpdateHistory {
    pub updates: Vec<DatasetUpdate>,
    pub complete_since: Option<DateTime<Utc>>,
}

impl UpdateHistory {
    /// The history of a dataset of which only the newest update is known (the raw zone's newest
    /// object): complete from it on, nothing known before.
    pub fn newest_only(at: Option<DateTime<Utc>>) -> UpdateHistory {
        UpdateHistory {
            updates: at.map(|at| DatasetUpdate { at, holds_until: at }).into_iter().collect(),
            complete_since: at,
        }
    }

    pub fn last(&self) -> Option<&DatasetUpdate> {
        self.updates.iter().max_by_key(|u| u.at)
    }
}

impl UpdateHistory {
    /// A curate job's runs as GetJobRuns lists them (the newest, in any order): each successful
    /// run an update ending when it did and holding the raw zone as it stood when it started.
    /// The list is complete from the oldest run read on: runs before it may not have been read.
    pub fn from_runs(runs: &[super::GlueRunDetail]) -> UpdateHistory {
        let mut updates: Vec<DatasetUpdate> = runs
            .iter()
            .filter(|r| r.state == "SUCCEEDED")
            .filter_map(|r| Some(DatasetUpdate { at: r.ended?, holds_until: r.started }))
            .collect();
        updates.sort_by_key(|u| u.at);
        UpdateHistory { updates, complete_since: runs.iter().map(|r| r.started).min() }
    }
}
