//! Resharding in the model: the stream is UPDATING for a while, then the shards change —
//! parents close, children open with their lineage, and the backlog moves with the keys.

use super::state::*;
use crate::model::{LastDay, ReshardCall, ShardInfo, StreamFacts};
use crate::platform::ServiceError;

/// Model seconds a change keeps the stream UPDATING.
fn duration_ms(call: &ReshardCall, open: u32) -> i64 {
    match call {
        ReshardCall::UpdateShardCount { target } => 20_000 + 2_000 * (*target as i64 - open as i64).abs(),
        ReshardCall::SplitShard { .. } | ReshardCall::MergeShards { .. } => 10_000,
        ReshardCall::UpdateStreamMode { .. } => 15_000,
    }
}

/// The account's shard quota in the sandbox.
pub const SANDBOX_SHARD_LIMIT: u32 = 500;

impl SimState {
    pub fn stream_facts(&self) -> StreamFacts {
        let now = self.now_ms.div_euclid(1_000);
        let last_day = |name: &str| {
            let calls = self.trail.iter().filter(|e| e.name == name && e.resource == self.stream.name);
            LastDay::new(now, calls.map(|e| e.time_ms.div_euclid(1_000)))
        };
        let mut shards: Vec<ShardInfo> = self
            .stream
            .shards
            .iter()
            .map(|s| s.info((s.open && self.stream.enhanced_monitoring).then_some(s.offered_per_second)))
            .collect();
        shards.sort_by_key(|s| (!s.open, s.start));
        let (written, throttled): (Vec<f64>, Vec<f64>) =
            self.minutes.iter().map(|m| (m.incoming_records, m.write_throttled)).unzip();
        let peaks = crate::ops::reshard::write_peaks(&written, &throttled);
        StreamFacts {
            name: self.stream.name.clone(),
            status: self.stream.status.clone(),
            mode: self.stream.mode,
            shards,
            scalings_last_day: last_day("UpdateShardCount"),
            mode_switches_last_day: last_day("UpdateStreamMode"),
            account_shard_limit: Some(SANDBOX_SHARD_LIMIT),
            account_open_shards: Some(self.stream.open_shards().count() as u32),
            peak_records_per_second: peaks.written,
            peak_demand_per_second: peaks.demand,
            most_throttled_per_second: peaks.throttled,
            enhanced_monitoring: self.stream.enhanced_monitoring,
            encryption: Some(format!("KMS alias/{}", self.lake.raw_bucket.split('-').next().unwrap_or("platform"))),
            consumers: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// Starts a resharding call, as the API would accept it.
    pub fn request_reshard(&mut self, call: &ReshardCall, user: &str) -> Result<(), ServiceError> {
        if self.stream.status != "ACTIVE" {
            return Err(ServiceError::new(
                "ResourceInUseException",
                format!("stream {} is {}", self.stream.name, self.stream.status),
            ));
        }
        let open = self.stream.open_shards().count() as u32;
        // What Kinesis itself refuses, whoever calls (lakeops checks first; CloudFormation does not).
        if let ReshardCall::UpdateShardCount { target } = call {
            if self.stream.mode != crate::model::CapacityMode::Provisioned {
                return Err(ServiceError::new(
                    "ValidationException",
                    "UpdateShardCount is only allowed for a PROVISIONED stream",
                ));
            }
            let (low, high) = (open.div_ceil(2), (open * 2).min(SANDBOX_SHARD_LIMIT));
            if *target < low || *target > high {
                return Err(ServiceError::new(
                    "ValidationException",
                    format!(
                        "UpdateShardCount to {target} shards: the target must be between half \
                     ({low}) and double ({high}) the {open} open shards"
                    ),
                ));
            }
        }
        self.stream.status = "UPDATING".into();
        self.stream.pending =
            Some(PendingReshard { apply_at_ms: self.now_ms + duration_ms(call, open), call: call.clone() });
        let name = match call {
            ReshardCall::UpdateShardCount { .. } => "UpdateShardCount",
            ReshardCall::SplitShard { .. } => "SplitShard",
            ReshardCall::MergeShards { .. } => "MergeShards",
            ReshardCall::UpdateStreamMode { .. } => "UpdateStreamMode",
        };
        let stream = self.stream.name.clone();
        self.record(user, "kinesis.amazonaws.com", name, &stream, false);
        Ok(())
    }

    pub(super) fn apply_pending_reshard(&mut self) {
        let due = self.stream.pending.as_ref().is_some_and(|p| p.apply_at_ms <= self.now_ms);
        if !due {
            return;
        }
        let Some(pending) = self.stream.pending.take() else { return };
        match pending.call {
            ReshardCall::UpdateShardCount { target } => self.rescale(target),
            ReshardCall::SplitShard { shard, new_starting_hash_key } => self.split(&shard, new_starting_hash_key),
            ReshardCall::MergeShards { shard, adjacent } => self.merge(&shard, &adjacent),
            ReshardCall::UpdateStreamMode { mode } => self.stream.mode = mode,
        }
        self.stream.status = "ACTIVE".into();
    }

    /// Uniform scaling: every open shard closes; `target` children split the keyspace evenly,
    /// each descending from the parent(s) its range overlaps.
    fn rescale(&mut self, target: u32) {
        let now = self.now_ms;
        let parents: Vec<Shard> = self.stream.shards.iter().filter(|s| s.open).cloned().collect();
        for s in self.stream.shards.iter_mut().filter(|s| s.open) {
            s.open = false;
            s.closed_ms = Some(now);
        }
        let count = target.max(1) as u128;
        for i in 0..count {
            let (start, end) = super::stream::even_range(i, count);
            let overlapping: Vec<&Shard> = parents.iter().filter(|p| p.start <= end && p.end >= start).collect();
            let backlog: f64 = overlapping.iter().map(|p| p.backlog * overlap_share(p, start, end)).sum();
            let age = overlapping.iter().map(|p| p.oldest_age_s).fold(0.0, f64::max);
            let id = self.next_shard_id();
            self.stream.shards.push(Shard {
                id,
                start,
                end,
                parent: overlapping.first().map(|p| p.id.clone()),
                adjacent_parent: overlapping.get(1).map(|p| p.id.clone()),
                open: true,
                backlog,
                oldest_age_s: age,
                offered_per_second: 0.0,
                opened_ms: Some(now),
                closed_ms: None,
            });
        }
    }

    fn split(&mut self, shard: &str, key: u128) {
        let Some(parent) = self.stream.shards.iter_mut().find(|s| s.id == shard && s.open) else { return };
        if key <= parent.start || key > parent.end {
            return;
        }
        let now = self.now_ms;
        parent.open = false;
        parent.closed_ms = Some(now);
        let parent = parent.clone();
        for (start, end) in [(parent.start, key - 1), (key, parent.end)] {
            let id = self.next_shard_id();
            let share = overlap_share(&parent, start, end);
            self.stream.shards.push(Shard {
                id,
                start,
                end,
                parent: Some(parent.id.clone()),
                adjacent_parent: None,
                open: true,
                backlog: parent.backlog * share,
                oldest_age_s: parent.oldest_age_s,
                offered_per_second: 0.0,
                opened_ms: Some(now),
                closed_ms: None,
            });
        }
    }

    fn merge(&mut self, a: &str, b: &str) {
        let pick = |id: &str, shards: &[Shard]| shards.iter().find(|s| s.id == id && s.open).cloned();
        let (Some(x), Some(y)) = (pick(a, &self.stream.shards), pick(b, &self.stream.shards)) else { return };
        let now = self.now_ms;
        for s in self.stream.shards.iter_mut().filter(|s| s.id == a || s.id == b) {
            s.open = false;
            s.closed_ms = Some(now);
        }
        let id = self.next_shard_id();
        self.stream.shards.push(Shard {
            id,
            start: x.start.min(y.start),
            end: x.end.max(y.end),
            parent: Some(x.id.clone()),
            adjacent_parent: Some(y.id.clone()),
            open: true,
            backlog: x.backlog + y.backlog,
            oldest_age_s: x.oldest_age_s.max(y.oldest_age_s),
            offered_per_second: 0.0,
            opened_ms: Some(now),
            closed_ms: None,
        });
    }
}

/// The share of `parent`'s keys that fall in `start..=end`.
fn overlap_share(parent: &Shard, start: u128, end: u128) -> f64 {
    let lo = parent.start.max(start);
    let hi = parent.end.min(end);
    if hi < lo {
        return 0.0;
    }
    let width = (parent.end - parent.start).max(1) as f64;
    ((hi - lo) as f64 / width).min(1.0)
}

impl SimState {
    /// The last `minutes` complete minutes of the stream's metrics.
    pub fn stream_series(&self, minutes: u32) -> crate::model::StreamSeries {
        let points = self
            .minutes
            .iter()
            .rev()
            .take(minutes as usize)
            .rev()
            .map(|m| crate::model::StreamPoint {
                t: m.minute_ms / 1000,
                records_per_second: Some(m.incoming_records / 60.0),
                bytes_per_second: Some(m.incoming_bytes / 60.0),
                iterator_age_ms: Some(m.iterator_age_ms),
                write_throttled: Some(m.write_throttled),
                read_throttled: Some(m.read_throttled),
            })
            .collect();
        crate::model::StreamSeries { period_seconds: 60, points }
    }
}

impl SimState {
    /// EnableEnhancedMonitoring / DisableEnhancedMonitoring with ShardLevelMetrics=ALL.
    pub fn set_enhanced_monitoring(&mut self, on: bool, user: &str) {
        self.stream.enhanced_monitoring = on;
        let name = if on { "EnableEnhancedMonitoring" } else { "DisableEnhancedMonitoring" };
        let stream = self.stream.name.clone();
        self.record(user, "kinesis.amazonaws.com", name, &stream, false);
    }
}
