//! The stream and its consumer: per-shard write limits, throttling beyond them, and a
//! Lambda consumer whose batch size, duration and errors decide how fast the backlog drains.

use super::state::*;
use crate::model::CapacityMode;

use crate::ops::kinesis::{SHARD_WRITE_BYTES_PER_SECOND, SHARD_WRITE_RECORDS_PER_SECOND};
/// The partition key a misbehaving producer sends with the hot-key fault: its hash key (MD5) is a
/// third of the way into the keyspace, so the shard that takes it is the second of 4 or 5.
pub const HOT_PARTITION_KEY: &str = "bot-0024";

/// The hash key the hot-key fault sends its traffic to.
pub(super) fn hot_hash_key() -> u128 {
    crate::ops::kinesis::hash_key(HOT_PARTITION_KEY)
}

/// Records/s a misbehaving producer sends with one partition key, on top of the usual traffic.
/// One key maps to one hash key, so it can never exceed one shard's 1,000 records/s by itself:
/// the fault stays under that, and isolating the key by splitting its shard fixes it.
pub(super) const HOT_KEY_RECORDS_PER_SECOND: f64 = 850.0;
/// A failing batch takes this long on average (exception, retry back-off) before the next attempt:
/// most fail at once, in [`FAST_FAILURE_SECONDS`]; the rest retry a throttled write until the
/// function's timeout ends them ([`timed_out_share`]).
const FAILED_BATCH_SECONDS: f64 = 2.5;
const FAST_FAILURE_SECONDS: f64 = 0.5;

/// The share of failed batches that run into the function's timeout: what makes a failed
/// batch take [`FAILED_BATCH_SECONDS`] on average.
fn timed_out_share() -> f64 {
    let timeout = crate::provision::template::INGEST_TIMEOUT_SECONDS as f64;
    (FAILED_BATCH_SECONDS - FAST_FAILURE_SECONDS) / (timeout - FAST_FAILURE_SECONDS)
}

/// Where the `i`th of `count` even ranges of the hash-key space starts: ⌊i × 2¹²⁸ / count⌋, so
/// that the ranges of 4 shards and of 8 meet at the same keys (with `u128::MAX / count` they were
/// a key apart, and a child of a uniform scaling took a second parent for one key).
pub(super) fn even_start(i: u128, count: u128) -> u128 {
    let (width, rest) = (u128::MAX / count, u128::MAX % count);
    // 2¹²⁸ = count × width + rest + 1.
    i * width + i * (rest + 1) / count
}

/// The `i`th of `count` even ranges of the hash-key space.
pub(super) fn even_range(i: u128, count: u128) -> (u128, u128) {
    let end = if i + 1 == count { MAX_HASH_KEY } else { even_start(i + 1, count) - 1 };
    (even_start(i, count), end)
}

impl SimState {
    /// Opens `count` shards splitting the hash-key space evenly.
    pub fn create_shards(&mut self, count: u32) {
        let count = count.max(1) as u128;
        for i in 0..count {
            let (start, end) = even_range(i, count);
            let id = self.next_shard_id();
            self.stream.shards.push(Shard {
                id,
                start,
                end,
                parent: None,
                adjacent_parent: None,
                open: true,
                backlog: 0.0,
                oldest_age_s: 0.0,
                offered_per_second: 0.0,
                opened_ms: None,
                closed_ms: None,
            });
        }
    }

    pub fn next_shard_id(&mut self) -> String {
        let id = format!("shardId-{:012}", self.stream.next_shard_number);
        self.stream.next_shard_number += 1;
        id
    }

    /// One step of producers writing at `rate` records/s and the consumer reading.
    pub(super) fn stream_step(&mut self, rate: f64, dt: f64, record_bytes: f64) {
        let hot = self.has_fault(Fault::HotKey);
        let error_rate = if self.has_fault(Fault::ConsumerErrors) { 0.35 } else { self.lambda.error_rate };
        let batch_size = self.lambda.batch_size as f64;
        let on_demand = self.stream.mode == CapacityMode::OnDemand;
        let shard_cap = SHARD_WRITE_RECORDS_PER_SECOND.min(SHARD_WRITE_BYTES_PER_SECOND / record_bytes);
        let mut age_ms_max: f64 = 0.0;
        let (
            mut accepted_total,
            mut throttled_total,
            mut processed_total,
            mut invocations,
            mut errors,
            mut duration_sum,
            mut timeouts,
        ) = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
        let (mut duration_max_ms, mut busy): (f64, f64) = (0.0, 0.0);
        let retention_s = self.stream.retention_hours as f64 * 3600.0;
        for shard in self.stream.shards.iter_mut().filter(|s| s.open) {
            let share = (shard.end - shard.start) as f64 / u128::MAX as f64;
            let hot_here = hot && (shard.start..=shard.end).contains(&hot_hash_key());
            let offered = rate * share + if hot_here { HOT_KEY_RECORDS_PER_SECOND } else { 0.0 };
            shard.offered_per_second = offered;
            let accepted = if on_demand { offered } else { offered.min(shard_cap) };
            accepted_total += accepted * dt;
            throttled_total += (offered - accepted) * dt;
            shard.backlog += accepted * dt;

            // One batch at a time per shard; a failing batch is retried, so it blocks the shard.
            let batch = batch_size.min(shard.backlog.max(1.0));
            let duration = 0.08 + 0.0004 * batch;
            let per_attempt = (1.0 - error_rate) * duration + error_rate * FAILED_BATCH_SECONDS;
            let capacity = (1.0 - error_rate) * batch / per_attempt;
            let processed = shard.backlog.min(capacity * dt);
            shard.backlog -= processed;
            let attempts = if processed > 0.0 { processed / ((1.0 - error_rate).max(0.01) * batch) } else { 0.0 };
            invocations += attempts;
            errors += attempts * error_rate;
            timeouts += attempts * error_rate * timed_out_share();
            duration_sum += attempts * ((1.0 - error_rate) * duration + error_rate * FAILED_BATCH_SECONDS) * 1000.0;
            processed_total += processed;
            if attempts > 0.0 {
                let slowest =
                    if errors > 0.0 && error_rate > 0.0 { FAST_FAILURE_SECONDS.max(duration) } else { duration };
                duration_max_ms = duration_max_ms.max(slowest * 1000.0);
                // One instance per shard at a time (no parallelization factor): busy while processing.
                busy += (attempts * per_attempt / dt.max(1e-9)).min(1.0);
            }

            // Oldest unprocessed record: the backlog expressed in seconds of arrivals.
            shard.oldest_age_s =
                if shard.backlog <= accepted.max(1.0) { duration } else { shard.backlog / accepted.max(1.0) };
            if shard.oldest_age_s > retention_s {
                // Records past retention are gone.
                shard.backlog = accepted * retention_s;
                shard.oldest_age_s = retention_s;
            }
            age_ms_max = age_ms_max.max(shard.oldest_age_s * 1000.0);
        }

        let m = &mut self.current;
        m.incoming_records += accepted_total;
        m.incoming_bytes += accepted_total * record_bytes;
        m.write_throttled += throttled_total;
        m.outgoing_records += processed_total;
        m.iterator_age_ms = m.iterator_age_ms.max(age_ms_max);
        m.invocations += invocations;
        m.errors += errors;
        m.duration_ms_sum += duration_sum;
        m.timeouts += timeouts;
        // A batch the timeout ended is the minute's slowest, once one has likely run into it.
        let timeout_ms = crate::provision::template::INGEST_TIMEOUT_SECONDS as f64 * 1000.0;
        let slowest = if m.timeouts >= 0.5 { timeout_ms } else { duration_max_ms };
        m.duration_ms_max = m.duration_ms_max.max(slowest);
        m.concurrency_max = m.concurrency_max.max(busy.ceil());

        let lake = &mut self.lake;
        let written = processed_total * record_bytes * 1.1;
        lake.raw_bytes += written;
        lake.raw_bytes_pending += written;
        lake.raw_objects += (invocations - errors).max(0.0).round() as u64;
        if processed_total > 0.0 {
            lake.last_raw_write_ms = Some(self.now_ms);
        }
        // A batch lands in the dead-letter queue when it failed its retries too.
        let was_empty = lake.dlq_messages < 1.0;
        lake.dlq_messages += errors * error_rate * error_rate;
        if was_empty && lake.dlq_messages >= 1.0 {
            lake.dlq_oldest_ms = Some(self.now_ms);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn even_ranges_tile_the_keyspace_and_meet_where_their_counts_agree() {
        for count in [1u128, 2, 3, 4, 5, 6, 8, 10, 13, 320, 10_000] {
            let ranges: Vec<(u128, u128)> = (0..count).map(|i| even_range(i, count)).collect();
            assert_eq!((ranges[0].0, ranges[ranges.len() - 1].1), (0, u128::MAX), "{count}");
            assert!(ranges.windows(2).all(|w| w[0].1.checked_add(1) == Some(w[1].0)), "{count}: no gap, no overlap");
        }
        assert_eq!(even_start(1, 2), 1 << 127);
        let parents = |(start, end): (u128, u128), count: u128| {
            (0..count).filter(|&j| even_range(j, count).0 <= end && even_range(j, count).1 >= start).count()
        };
        // Each of 8 shards lies within one of 4; 50–62.5 % of 8 within one of 6 (50–66.7 %).
        assert!((0..8).all(|i| parents(even_range(i, 8), 4) == 1));
        assert_eq!(parents(even_range(4, 8), 6), 1);
        assert_eq!(parents(even_range(5, 8), 6), 2, "62.5–75 % spans two of 6");
    }
}
