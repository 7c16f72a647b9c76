//! Kinesis Data Streams' limits (AWS-FACTS.md) and what follows from them, declared once: the
//! resharding rules, the health verdicts, the sandbox's model and the charts all read them here.

use crate::model::{CapacityMode, StreamStatus};

/// Records a provisioned shard accepts a second.
pub const SHARD_WRITE_RECORDS_PER_SECOND: f64 = 1_000.0;
/// Bytes a provisioned shard accepts a second (1 MiB).
pub const SHARD_WRITE_BYTES_PER_SECOND: f64 = 1_048_576.0;
/// UpdateShardCount may run at most this often per stream in a rolling day.
pub const SCALINGS_PER_DAY: u32 = 10;
/// Capacity-mode switches allowed per stream in a rolling day.
pub const MODE_SWITCHES_PER_DAY: u32 = 2;
/// The most shards a stream may have.
pub const MAX_SHARDS_PER_STREAM: u32 = 10_000;

/// The hash key Kinesis maps a partition key to: its MD5 digest as a 128-bit integer (the shard
/// whose range holds it takes every record of that key).
pub fn hash_key(partition_key: &str) -> u128 {
    use md5::Digest;
    u128::from_be_bytes(md5::Md5::digest(partition_key.as_bytes()).into())
}

/// A shard taking at least this share of its write capacity is hot.
pub const HOT_SHARE: f64 = 0.85;
/// A shard taking at most this share of its write capacity is cold (a merge candidate).
pub const COLD_SHARE: f64 = 0.15;

/// How loaded one shard is against its write capacity (shard-level metrics).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Heat {
    Hot,
    Cold,
    Normal,
}

impl Heat {
    /// The shard's heat at `records_per_second` written to it.
    pub fn of(records_per_second: f64) -> Heat {
        let share = records_per_second / SHARD_WRITE_RECORDS_PER_SECOND;
        if share >= HOT_SHARE {
            Heat::Hot
        } else if share <= COLD_SHARE {
            Heat::Cold
        } else {
            Heat::Normal
        }
    }

    /// The mark the shard map shows.
    pub fn label(self) -> &'static str {
        match self {
            Heat::Hot => "HOT",
            Heat::Cold => "cold",
            Heat::Normal => "",
        }
    }
}

/// The write capacity of `shards` provisioned shards, in records a second.
pub fn write_capacity_records(shards: u32) -> f64 {
    SHARD_WRITE_RECORDS_PER_SECOND * shards as f64
}

/// Share of a provisioned stream's write capacity (records and bytes, whichever is nearer its
/// limit) in use; `None` on demand, where AWS adds capacity itself.
pub fn write_capacity_used(s: &StreamStatus) -> Option<f64> {
    if s.mode == CapacityMode::OnDemand || s.open_shards == 0 {
        return None;
    }
    let shards = s.open_shards as f64;
    let by_records = s.incoming_records_per_second? / (SHARD_WRITE_RECORDS_PER_SECOND * shards);
    let by_bytes = s.incoming_bytes_per_second.unwrap_or(0.0) / (SHARD_WRITE_BYTES_PER_SECOND * shards);
    Some(by_records.max(by_bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_partition_key_hashes_as_kinesis_hashes_it() {
        // md5("user1") = 24c9e15e52afc47c225b757e7bee1f9d.
        assert_eq!(hash_key("user1"), 0x24c9e15e52afc47c225b757e7bee1f9d);
    }

    #[test]
    fn heat_reads_the_share_of_one_shard() {
        assert_eq!(Heat::of(850.0), Heat::Hot);
        assert_eq!(Heat::of(849.0), Heat::Normal);
        assert_eq!(Heat::of(150.0), Heat::Cold);
        assert_eq!(Heat::of(0.0), Heat::Cold);
    }

    #[test]
    fn capacity_is_the_nearer_of_records_and_bytes() {
        let s = StreamStatus::example("s");
        // 2,400 records/s on 4 shards is 60 %; 1.44 MB/s is 34 %.
        assert_eq!(write_capacity_used(&s), Some(0.6));
        let on_demand = StreamStatus { mode: CapacityMode::OnDemand, ..s };
        assert_eq!(write_capacity_used(&on_demand), None);
    }
}
