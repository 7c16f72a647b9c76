//! Records in the sandbox: the model counts records rather than keeping them, so a peek
//! synthesizes them — deterministically for the seed, shard and time — at each shard's rate,
//! following the platform's event schema. A few are binary, and a few carry terminal escape
//! sequences, as real producers' data sometimes does.

use chrono::{DateTime, SecondsFormat, Utc};

use super::rng::Rng;
use super::state::{Fault, Shard, SimState};
use crate::model::{PeekFrom, PeekRecord, ShardInfo};
use crate::ops::{self, peek::ShardToRead};
use crate::platform::ServiceError;

const EVENT_TYPES: &[&str] = &["page_view", "page_view", "page_view", "search", "add_to_cart", "purchase"];
const CATEGORIES: &[&str] = &["electronics", "books", "garden", "toys", "fashion"];
const DEVICES: &[&str] = &["mobile", "mobile", "desktop", "tablet"];
const PLACES: &[(&str, &str)] = &[
    ("US", "San Francisco"),
    ("US", "New York"),
    ("DE", "Berlin"),
    ("GB", "London"),
    ("JP", "Tokyo"),
    ("BR", "São Paulo"),
];

/// Tries at a user whose key hashes into a shard's range before one that does not is taken: a
/// shard of a sliver of the keyspace has none among the users.
const KEY_TRIES: usize = 4_096;

/// A user whose partition key (its id) hashes into `start..=end`, as Kinesis would have put its
/// records in that shard.
fn key_in(rng: &mut Rng, start: u128, end: u128) -> String {
    let mut user = String::new();
    for _ in 0..KEY_TRIES {
        user = format!("user{}", rng.next_u64() % 50_000);
        if (start..=end).contains(&ops::kinesis::hash_key(&user)) {
            break;
        }
    }
    user
}

impl SimState {
    /// The shards a peek from `from` reads (as `ops::peek` chooses them from the shards a
    /// ListShards would list: the open ones and those closed within the retention period) and
    /// the model time it starts at.
    pub fn peek_start(&self, shard: Option<&str>, from: PeekFrom) -> Result<(Vec<ShardToRead>, i64), ServiceError> {
        let retention_ms = self.stream.retention_hours as i64 * 3_600_000;
        let start = match from {
            PeekFrom::Latest => self.now_ms,
            PeekFrom::TrimHorizon => self.now_ms - retention_ms.min(86_400_000),
            PeekFrom::At(t) => t.timestamp_millis().clamp(self.now_ms - retention_ms, self.now_ms),
        };
        let listed: Vec<ShardInfo> = self
            .stream
            .shards
            .iter()
            .filter(|s| s.closed_ms.is_none_or(|closed| closed > self.now_ms - retention_ms))
            .map(|s| s.info(None))
            .collect();
        let shards = ops::peek::shards_to_read(&listed, shard, from);
        if let (Some(id), true) = (shard, shards.is_empty()) {
            return Err(ServiceError::new(
                "ResourceNotFoundException",
                format!("shard {id} not found in {}", self.stream.name),
            ));
        }
        Ok((shards, start))
    }

    /// Up to `limit` records of `shard` arriving at or after `from_ms` while it was open, where
    /// to go on from, and whether the shard is closed and read to its end.
    pub fn peek_records(&self, shard: &str, from_ms: i64, limit: usize) -> (Vec<PeekRecord>, i64, bool) {
        let Some((index, s)) = self.stream.shards.iter().enumerate().find(|(_, s)| s.id == shard) else {
            return (Vec::new(), from_ms, true);
        };
        let from_ms = from_ms.max(s.opened_ms.unwrap_or(i64::MIN));
        let until = s.closed_ms.unwrap_or(self.now_ms).min(self.now_ms);
        let rate = s.offered_per_second.clamp(0.0, ops::kinesis::SHARD_WRITE_RECORDS_PER_SECOND);
        if rate <= 0.0 {
            return (Vec::new(), until, s.closed_ms.is_some());
        }
        let every_ms = (1_000.0 / rate).max(1.0);
        let mut records = Vec::new();
        let mut k = (from_ms as f64 / every_ms).ceil() as i64;
        loop {
            let t = (k as f64 * every_ms) as i64;
            if t >= until || records.len() >= limit {
                let next = t.min(until);
                return (records, next, s.closed_ms.is_some() && next >= until);
            }
            records.push(self.synthesize_record(s, index as u64, t));
            k += 1;
        }
    }

    /// The record of `shard` arriving at `t`: drawn from the seed, the shard and the time alone
    /// (its sequence number's parts), so two reads of one sequence number read the same record
    /// whatever the shard's rate, which spaces the records, has become since.
    fn synthesize_record(&self, shard: &Shard, shard_index: u64, t: i64) -> PeekRecord {
        let mut rng = Rng::new(self.seed ^ (shard_index << 48) ^ (t as u64).wrapping_mul(0x9e37_79b9));
        let kind = rng.next_u64();
        // The hot-key fault's producer writes its share of the hot shard's records with one key.
        let hot = self.has_fault(Fault::HotKey) && (shard.start..=shard.end).contains(&super::stream::hot_hash_key());
        let hot_share = super::stream::HOT_KEY_RECORDS_PER_SECOND / shard.offered_per_second.max(1.0);
        let user = if hot && rng.chance(hot_share) {
            super::stream::HOT_PARTITION_KEY.to_string()
        } else {
            key_in(&mut rng, shard.start, shard.end)
        };
        let time: DateTime<Utc> = DateTime::from_timestamp_millis(t).unwrap_or_default();
        let data = if kind % 40 == 7 {
            // A producer that sends a binary payload (a compressed batch, say).
            let mut bytes = vec![0x1f, 0x8b, 0x08, 0x00];
            bytes.extend((0..28).map(|_| (rng.next_u64() & 0xff) as u8));
            bytes
        } else {
            let product = rng.next_u64() % 900 + 100;
            let (country, city) = *rng.pick(PLACES);
            let mut url = format!("https://example.com/products/prod{product}");
            if kind % 150 == 11 {
                // Text from outside may carry escape sequences; they must never reach a terminal raw.
                url.push_str("\u{1b}]0;pwned\u{7}");
            }
            serde_json::json!({
                "timestamp": time.to_rfc3339_opts(SecondsFormat::Secs, true),
                "user_id": user,
                "event_type": rng.pick(EVENT_TYPES),
                "data": {
                    "page_url": url,
                    "product_id": format!("prod{product}"),
                    "category": rng.pick(CATEGORIES),
                    "session_id": format!("sess{}", rng.next_u64() % 1_000_000),
                    "device_type": rng.pick(DEVICES),
                    "location": {"country": country, "city": city}
                }
            })
            .to_string()
            .into_bytes()
        };
        PeekRecord {
            arrival: time,
            shard: shard.id.clone(),
            partition_key: user,
            sequence: format!("{:020}{:08}", t, shard_index),
            data,
        }
    }
}
