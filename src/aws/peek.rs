//! Record peek on AWS: GetShardIterator and GetRecords, each shard at the pace and share
//! `ops::peek` gives it, renewing iterators before their 5 minutes run out.

use aws_sdk_kinesis::types::ShardIteratorType;
use aws_sdk_kinesis::Client;
use aws_smithy_types::DateTime;

use super::errors::{code, platform_error};
use crate::model::text::sanitize;
use crate::model::{PeekCursor, PeekFrom, PeekRecord, ShardPosition};
use crate::ops::peek::{self, ShardToRead};
use crate::platform::PlatformError;

/// Iterators expire after 5 minutes; renew a little before.
const ITERATOR_LIFETIME_MS: i64 = 270_000;

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Opens a peek over `shards` (from `ops::peek::shards_to_read`: parents before children).
pub async fn open(
    client: &Client,
    stream: &str,
    shards: Vec<ShardToRead>,
    from: PeekFrom,
) -> Result<PeekCursor, PlatformError> {
    let mut positions = Vec::new();
    for shard in shards {
        let iterator = iterator(client, stream, &shard.id, from, None).await?;
        positions.push(ShardPosition::new(&shard.id, shard.parents, shard.open, iterator, now_ms()));
    }
    Ok(PeekCursor { stream: stream.to_string(), from, shards: positions, turn: 0 })
}

async fn iterator(
    client: &Client,
    stream: &str,
    shard: &str,
    from: PeekFrom,
    after: Option<&str>,
) -> Result<Option<String>, PlatformError> {
    let mut request = client.get_shard_iterator().stream_name(stream).shard_id(shard);
    request = match (after, from) {
        (Some(sequence), _) => {
            request.shard_iterator_type(ShardIteratorType::AfterSequenceNumber).starting_sequence_number(sequence)
        }
        (None, PeekFrom::Latest) => request.shard_iterator_type(ShardIteratorType::Latest),
        (None, PeekFrom::TrimHorizon) => request.shard_iterator_type(ShardIteratorType::TrimHorizon),
        (None, PeekFrom::At(t)) => request
            .shard_iterator_type(ShardIteratorType::AtTimestamp)
            .timestamp(DateTime::from_millis(t.timestamp_millis())),
    };
    let out = request.send().await.map_err(|e| platform_error("Kinesis GetShardIterator", e))?;
    Ok(out.shard_iterator().map(str::to_string))
}

pub async fn read(client: &Client, cursor: &mut PeekCursor, limit: usize) -> Result<Vec<PeekRecord>, PlatformError> {
    let mut records = Vec::new();
    let stream = cursor.stream.clone();
    let from = cursor.from;
    for (index, want) in peek::plan_round(cursor, limit, now_ms()) {
        let position = &mut cursor.shards[index];
        let now = now_ms();
        if now - position.obtained_ms > ITERATOR_LIFETIME_MS {
            position.iterator =
                iterator(client, &stream, &position.shard, from, position.last_sequence.as_deref()).await?;
            position.obtained_ms = now;
        }
        let Some(it) = position.iterator.clone() else {
            position.finished = true;
            continue;
        };
        position.last_read_ms = now;
        let want = want.clamp(1, 10_000) as i32;
        let out = match client.get_records().shard_iterator(it).limit(want).send().await {
            Ok(out) => out,
            Err(e) if code(&e) == Some("ExpiredIteratorException") => {
                position.iterator =
                    iterator(client, &stream, &position.shard, from, position.last_sequence.as_deref()).await?;
                position.obtained_ms = now_ms();
                continue;
            }
            Err(e) => return Err(platform_error("Kinesis GetRecords", e)),
        };
        for r in out.records() {
            position.last_sequence = Some(r.sequence_number().to_string());
            records.push(PeekRecord {
                arrival: r
                    .approximate_arrival_timestamp()
                    .and_then(|t| chrono::DateTime::from_timestamp_millis(t.to_millis().unwrap_or(0)))
                    .unwrap_or_default(),
                shard: position.shard.clone(),
                partition_key: sanitize(r.partition_key().unwrap_or("")),
                sequence: sanitize(r.sequence_number()),
                data: r.data().as_ref().to_vec(),
            });
        }
        // A closed shard read to its end has no next iterator; one that answers nothing while
        // caught up (MillisBehindLatest 0) is at its end too, whatever iterator it hands back.
        let caught_up = out.records().is_empty() && out.millis_behind_latest() == Some(0);
        position.iterator = out.next_shard_iterator().map(str::to_string);
        position.finished = position.iterator.is_none() || (!position.open && caught_up);
    }
    // Every record read is kept (a read advances past what it returns): the limit was shared
    // before reading, not cut after.
    records.sort_by(|a, b| a.arrival.cmp(&b.arrival).then_with(|| a.sequence.cmp(&b.sequence)));
    Ok(records)
}
