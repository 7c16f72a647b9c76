//! The curated zone's updates as the sandbox knows them: each successful curate run, ending with
//! the raw data its input held (written before the run started, as late as the consumer then was).

use super::snapshot::time;
use super::state::*;
use crate::model::{DatasetUpdate, UpdateHistory};

impl SimState {
    /// The curate job's successful runs kept, oldest first, after the curated zone the platform
    /// was created with; complete since its creation unless older runs were let go.
    pub(super) fn curated_writes(&self) -> UpdateHistory {
        let runs = &self.glue.runs;
        let none_dropped = runs.len() as u64 + 1 >= u64::from(self.glue.next_run_number);
        let complete_since = if none_dropped {
            self.glue.created_ms
        } else {
            runs.front().map_or(self.glue.created_ms, |r| r.started_ms)
        };
        // The curated zone a fresh platform starts with holds the raw data up to its creation.
        let created = none_dropped
            .then(|| DatasetUpdate { at: time(self.glue.created_ms), holds_until: time(self.glue.created_ms) });
        let succeeded = runs.iter().filter(|r| r.state == "SUCCEEDED").filter_map(|r| {
            let ended = r.ended_ms?;
            let late_ms = self.consumer_lateness_ms(r.started_ms);
            Some(DatasetUpdate { at: time(ended), holds_until: time(r.started_ms - late_ms) })
        });
        UpdateHistory {
            updates: created.into_iter().chain(succeeded).collect(),
            complete_since: Some(time(complete_since)),
        }
    }

    /// How late the raw zone was at `at_ms`: the consumer's iterator age in that minute (the
    /// records it wrote then had waited that long). Older than the metrics kept: not late.
    fn consumer_lateness_ms(&self, at_ms: i64) -> i64 {
        let minute = super::sim::minute_of(at_ms);
        let metrics = if self.current.minute_ms == minute {
            Some(&self.current)
        } else {
            self.minutes.iter().rev().find(|m| m.minute_ms == minute)
        };
        metrics.map_or(0, |m| m.iterator_age_ms as i64)
    }
}
