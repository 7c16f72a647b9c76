//! Streams in detail: shards and their hash-key ranges, the facts resharding rules need,
//! and the resharding calls a platform makes.

use serde::{Deserialize, Serialize};

use super::CapacityMode;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShardInfo {
    pub id: String,
    /// Hash keys are 128-bit integers, written in decimal.
    #[serde(serialize_with = "as_decimal")]
    pub start: u128,
    #[serde(serialize_with = "as_decimal")]
    pub end: u128,
    pub parent: Option<String>,
    pub adjacent_parent: Option<String>,
    pub open: bool,
    /// Records/s offered to this shard (accepted and throttled), when shard-level metrics
    /// are available (enhanced monitoring on AWS; always in the sandbox).
    pub incoming_per_second: Option<f64>,
}

impl ShardInfo {
    /// The share of the hash-key space this shard covers.
    pub fn keyspace_share(&self) -> f64 {
        self.end.saturating_sub(self.start) as f64 / u128::MAX as f64
    }
}

fn from_decimal<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u128, D::Error> {
    String::deserialize(d)?.parse().map_err(serde::de::Error::custom)
}

fn as_decimal<S: serde::Serializer>(v: &u128, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&v.to_string())
}

/// What the resharding rules need to know about a stream and its account.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StreamFacts {
    pub name: String,
    pub status: String,
    pub mode: CapacityMode,
    /// Open shards by starting hash key, then recently closed ones.
    pub shards: Vec<ShardInfo>,
    /// UpdateShardCount calls for this stream in the last 24 h.
    pub scalings_last_day: LastDay,
    /// UpdateStreamMode calls for this stream in the last 24 h.
    pub mode_switches_last_day: LastDay,
    /// The account's shard quota and how many shards are open in the account (DescribeLimits).
    pub account_shard_limit: Option<u32>,
    pub account_open_shards: Option<u32>,
    /// The highest records/s written in a minute of the last 3 hours (IncomingRecords).
    pub peak_records_per_second: Option<f64>,
    /// The highest records/s producers offered in a minute of those hours: written plus throttled
    /// (WriteProvisionedThroughputExceeded). Above the written peak when the stream was at
    /// capacity, which caps what it writes; an upper bound (a retried write is refused each time).
    pub peak_demand_per_second: Option<f64>,
    /// The most records/s throttled in a minute of those hours, in any minute (a hot shard
    /// throttles while the stream as a whole has room).
    pub most_throttled_per_second: Option<f64>,
    /// Shard-level (enhanced) metrics are on: per-shard rates are known, and billed.
    pub enhanced_monitoring: bool,
    /// "KMS alias/clickstream", or `None` when records are not encrypted at rest.
    pub encryption: Option<String>,
    /// Enhanced fan-out consumers.
    pub consumers: Vec<Consumer>,
    /// What could not be read, and what stands in for it.
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Consumer {
    pub name: String,
    /// CREATING, ACTIVE, DELETING.
    pub status: String,
}

impl StreamFacts {
    /// An ACTIVE provisioned stream with `shards` and nothing else known, for tests.
    #[cfg(test)]
    pub fn example(name: &str, shards: Vec<ShardInfo>) -> StreamFacts {
        StreamFacts {
            name: name.into(),
            status: "ACTIVE".into(),
            mode: CapacityMode::Provisioned,
            shards,
            scalings_last_day: LastDay::default(),
            mode_switches_last_day: LastDay::default(),
            account_shard_limit: None,
            account_open_shards: None,
            peak_records_per_second: None,
            peak_demand_per_second: None,
            most_throttled_per_second: None,
            enhanced_monitoring: false,
            encryption: None,
            consumers: vec![],
            warnings: vec![],
        }
    }

    pub fn open(&self) -> impl Iterator<Item = &ShardInfo> {
        self.shards.iter().filter(|s| s.open)
    }

    pub fn open_count(&self) -> u32 {
        self.open().count() as u32
    }
}

/// A day in seconds: the window of Kinesis's limits on scalings and mode switches.
pub const DAY_SECONDS: i64 = 86_400;

/// When the calls of one kind on a stream were made in the 24 hours up to `now` (epoch seconds),
/// oldest first: how many there were, and when the oldest drop out of the window. Written in JSON
/// as the count.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LastDay {
    now: i64,
    at: Vec<i64>,
}

impl LastDay {
    /// The times of `at` in the 24 hours up to `now`; a time after `now` (another clock a moment
    /// ahead) counts as `now`.
    pub fn new(now: i64, at: impl IntoIterator<Item = i64>) -> LastDay {
        let mut at: Vec<i64> = at.into_iter().filter(|t| *t > now - DAY_SECONDS).map(|t| t.min(now)).collect();
        at.sort_unstable();
        LastDay { now, at }
    }

    pub fn count(&self) -> u32 {
        self.at.len() as u32
    }

    /// The present the window ends at.
    pub fn now(&self) -> i64 {
        self.now
    }

    /// When the count falls under `limit` again, as the oldest calls turn a day old; `None` when
    /// it is under the limit already.
    pub fn under_limit_at(&self, limit: u32) -> Option<i64> {
        let over = (self.at.len() + 1).checked_sub(limit as usize)?;
        (over > 0).then(|| self.at[over - 1] + DAY_SECONDS)
    }

    /// The fuller of two readings of the same calls (CloudTrail and the local journal each may
    /// miss some the other saw): the one that counted more.
    pub fn fuller(self, other: LastDay) -> LastDay {
        if other.at.len() > self.at.len() {
            other
        } else {
            self
        }
    }
}

impl Serialize for LastDay {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u32(self.count())
    }
}

/// One resharding API call, checked and ready to make.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "call")]
pub enum ReshardCall {
    UpdateShardCount {
        target: u32,
    },
    SplitShard {
        shard: String,
        #[serde(serialize_with = "as_decimal", deserialize_with = "from_decimal")]
        new_starting_hash_key: u128,
    },
    MergeShards {
        shard: String,
        adjacent: String,
    },
    UpdateStreamMode {
        mode: CapacityMode,
    },
}

impl ReshardCall {
    pub fn api_name(&self) -> &'static str {
        match self {
            ReshardCall::UpdateShardCount { .. } => "UpdateShardCount (UNIFORM_SCALING)",
            ReshardCall::SplitShard { .. } => "SplitShard",
            ReshardCall::MergeShards { .. } => "MergeShards",
            ReshardCall::UpdateStreamMode { .. } => "UpdateStreamMode",
        }
    }

    /// The call with what it names, as plans, dialogs and the journal say it:
    /// `SplitShard of shardId-000000000004`, `UpdateStreamMode to on-demand`.
    pub fn named(&self) -> String {
        let operands = match self {
            ReshardCall::UpdateShardCount { target } => format!(" to {target} shards"),
            ReshardCall::SplitShard { shard, .. } => format!(" of {shard}"),
            ReshardCall::MergeShards { shard, adjacent } => format!(" of {shard} and {adjacent}"),
            ReshardCall::UpdateStreamMode { mode } => format!(" to {}", mode.name()),
        };
        format!("{}{operands}", self.api_name())
    }

    /// The journal's name for the action.
    pub fn action(&self) -> &'static str {
        match self {
            ReshardCall::UpdateShardCount { .. } => "reshard.update-shard-count",
            ReshardCall::SplitShard { .. } => "reshard.split-shard",
            ReshardCall::MergeShards { .. } => "reshard.merge-shards",
            ReshardCall::UpdateStreamMode { .. } => "reshard.update-stream-mode",
        }
    }
}

/// One minute of a stream's metrics, for the detail charts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StreamPoint {
    /// Start of the minute, epoch seconds.
    pub t: i64,
    pub records_per_second: Option<f64>,
    pub bytes_per_second: Option<f64>,
    pub iterator_age_ms: Option<f64>,
    /// Throttled writes and reads in the minute.
    pub write_throttled: Option<f64>,
    pub read_throttled: Option<f64>,
}

/// A stream's metrics over a window, one point a period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StreamSeries {
    pub period_seconds: u32,
    pub points: Vec<StreamPoint>,
}
