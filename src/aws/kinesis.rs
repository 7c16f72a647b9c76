//! Kinesis: which streams to watch and their summaries.

use aws_sdk_kinesis::types::{
    EncryptionType, MetricsName, ScalingType, ShardFilter, ShardFilterType, StreamMode, StreamModeDetails,
};
use aws_sdk_kinesis::Client;

use super::errors::{code, platform_error};
use super::landed::{self, Failed, ReadBack, Settled};
use super::limits::Limiter;
use crate::model::text::sanitize;
use crate::model::{Applied, CapacityMode, Consumer, ReshardCall, ShardInfo, StreamStatus};
use crate::platform::PlatformError;

/// A stream as ListStreams lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct Listed {
    pub name: String,
    /// Its status and capacity mode, where the server lists them (`StreamSummaries`, which AWS
    /// has answered since 2022; older emulators list names only).
    pub summary: Option<(String, CapacityMode)>,
}

/// Every stream in the region (ListStreams, paged by 100, each page paced by `limiter`: the API
/// allows 5 calls a second per account, so callers cache the answer too).
pub async fn list_streams(client: &Client, limiter: &Limiter) -> Result<Vec<Listed>, PlatformError> {
    let mut names: Vec<String> = Vec::new();
    let mut summaries = std::collections::HashMap::new();
    let mut token: Option<String> = None;
    loop {
        if !names.is_empty() {
            limiter.pace("ListStreams").await;
        }
        let mut request = client.list_streams().limit(100);
        request = match (&token, names.last()) {
            (Some(t), _) => request.next_token(t),
            // Servers that page by name only (older APIs, some emulators) say there is more
            // without a token: continue after the last name.
            (None, Some(last)) => request.exclusive_start_stream_name(last),
            (None, None) => request,
        };
        let page = request.send().await.map_err(|e| platform_error("Kinesis ListStreams", e))?;
        let before = names.len();
        names.extend(page.stream_names().iter().cloned());
        for s in page.stream_summaries() {
            summaries.insert(
                s.stream_name().to_string(),
                (sanitize(s.stream_status().as_str()), mode_of(s.stream_mode_details())),
            );
        }
        if !page.has_more_streams() || names.len() == before {
            break;
        }
        token = page.next_token().map(str::to_string);
    }
    Ok(names.into_iter().map(|name| Listed { summary: summaries.remove(&name), name }).collect())
}

fn mode_of(details: Option<&StreamModeDetails>) -> CapacityMode {
    match details.map(|d| d.stream_mode()) {
        Some(StreamMode::OnDemand) => CapacityMode::OnDemand,
        _ => CapacityMode::Provisioned,
    }
}

/// A stream's open shards (ListShards, which allows 1,000 calls a second per stream where
/// DescribeStreamSummary allows 20 per account), or `None` when it does not exist.
pub async fn open_shard_count(client: &Client, name: &str, limiter: &Limiter) -> Result<Option<u32>, PlatformError> {
    let mut open = 0;
    let mut token: Option<String> = None;
    loop {
        // ListShards takes the stream name or a token, never both; AT_LATEST lists the open
        // shards only (servers that ignore the filter list closed ones too: counted out below).
        let request = match &token {
            Some(t) => {
                limiter.pace("ListShards").await;
                client.list_shards().next_token(t)
            }
            None => client.list_shards().stream_name(name).shard_filter(
                ShardFilter::builder()
                    .r#type(ShardFilterType::AtLatest)
                    .build()
                    .map_err(|e| PlatformError::failed("Kinesis ListShards", e.to_string()))?,
            ),
        };
        let page = match request.send().await {
            Ok(page) => page,
            Err(e) if code(&e) == Some("ResourceNotFoundException") => return Ok(None),
            Err(e) => return Err(platform_error("Kinesis ListShards", e)),
        };
        open += page
            .shards()
            .iter()
            .filter(|s| s.sequence_number_range().and_then(|r| r.ending_sequence_number()).is_none())
            .count() as u32;
        match page.next_token() {
            Some(t) => token = Some(t.to_string()),
            None => break,
        }
    }
    Ok(Some(open))
}

/// What the detail needs beyond the overview's summary.
#[derive(Debug, Clone)]
pub struct StreamExtras {
    pub arn: String,
    pub enhanced_monitoring: bool,
    pub encryption: Option<String>,
}

/// A stream's summary with the metric fields left empty, or `None` when it does not exist.
pub async fn describe(client: &Client, name: &str) -> Result<Option<StreamStatus>, PlatformError> {
    Ok(describe_full(client, name).await?.map(|(summary, _)| summary))
}

/// The summary and the extras, from one DescribeStreamSummary call.
pub async fn describe_full(client: &Client, name: &str) -> Result<Option<(StreamStatus, StreamExtras)>, PlatformError> {
    let out = match client.describe_stream_summary().stream_name(name).send().await {
        Ok(out) => out,
        Err(e) if code(&e) == Some("ResourceNotFoundException") => return Ok(None),
        Err(e) => return Err(platform_error("Kinesis DescribeStreamSummary", e)),
    };
    let Some(s) = out.stream_description_summary() else { return Ok(None) };
    let mode = mode_of(s.stream_mode_details());
    let extras = StreamExtras {
        arn: s.stream_arn().to_string(),
        enhanced_monitoring: s.enhanced_monitoring().iter().any(|m| !m.shard_level_metrics().is_empty()),
        encryption: match s.encryption_type() {
            Some(EncryptionType::Kms) => Some(format!("KMS {}", sanitize(s.key_id().unwrap_or("")))),
            _ => None,
        },
    };
    let summary = StreamStatus {
        status: sanitize(s.stream_status().as_str()),
        mode,
        open_shards: s.open_shard_count().max(0) as u32,
        retention_hours: Some(s.retention_period_hours().max(0) as u32),
        consumers: Some(s.consumer_count().unwrap_or(0).max(0) as u32),
        ..unread(s.stream_name())
    };
    Ok(Some((summary, extras)))
}

/// A stream not described yet: its name, every other field empty or unknown (zero shards until
/// ListShards counts them).
pub fn unread(name: &str) -> StreamStatus {
    StreamStatus {
        name: sanitize(name),
        status: String::new(),
        mode: CapacityMode::Provisioned,
        open_shards: 0,
        retention_hours: None,
        consumers: None,
        incoming_records_per_second: None,
        incoming_bytes_per_second: None,
        incoming_history: Vec::new(),
        iterator_age_ms: None,
        iterator_age_ms_before: None,
        write_throttled: None,
        read_throttled: None,
    }
}

/// Enhanced fan-out consumers (ListStreamConsumers, paged).
pub async fn consumers(client: &Client, arn: &str) -> Result<Vec<Consumer>, PlatformError> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut request = client.list_stream_consumers().stream_arn(arn);
        if let Some(t) = &token {
            request = request.next_token(t);
        }
        let page = request.send().await.map_err(|e| platform_error("Kinesis ListStreamConsumers", e))?;
        out.extend(
            page.consumers().iter().map(|c| Consumer {
                name: sanitize(c.consumer_name()),
                status: sanitize(c.consumer_status().as_str()),
            }),
        );
        match page.next_token() {
            Some(t) => token = Some(t.to_string()),
            None => break,
        }
    }
    Ok(out)
}

/// Enables or disables every shard-level metric, sent once (see `landed`): when the answer is
/// lost, DescribeStreamSummary's enhanced metrics say whether it landed.
pub async fn set_enhanced_monitoring(client: &Client, name: &str, on: bool) -> Result<Applied, PlatformError> {
    let once = || aws_sdk_kinesis::Config::builder().retry_config(landed::once());
    let api = if on { "Kinesis EnableEnhancedMonitoring" } else { "Kinesis DisableEnhancedMonitoring" };
    let sent = if on {
        client
            .enable_enhanced_monitoring()
            .stream_name(name)
            .shard_level_metrics(MetricsName::All)
            .customize()
            .config_override(once())
            .send()
            .await
            .map(|_| ())
            .map_err(|e| landed::failed(api, e))
    } else {
        client
            .disable_enhanced_monitoring()
            .stream_name(name)
            .shard_level_metrics(MetricsName::All)
            .customize()
            .config_override(once())
            .send()
            .await
            .map(|_| ())
            .map_err(|e| landed::failed(api, e))
    };
    let check = format!("{name}'s shard-level metrics (`aws kinesis describe-stream-summary --stream-name {name}`)");
    landed::answered(api, sent, enhanced_monitoring_is(client, name, on), &check, |_| Applied::Done).await
}

/// Whether `name`'s shard-level metrics are on (`on`) or off, as DescribeStreamSummary says.
async fn enhanced_monitoring_is(client: &Client, name: &str, on: bool) -> Result<ReadBack<()>, PlatformError> {
    let Some((_, extras)) = describe_full(client, name).await? else {
        return Ok(ReadBack::NotLanded(format!("{name} does not exist")));
    };
    let now = format!("{name}'s shard-level metrics are {}", if extras.enhanced_monitoring { "on" } else { "off" });
    Ok(if extras.enhanced_monitoring == on { ReadBack::Landed((), now) } else { ReadBack::NotLanded(now) })
}

/// Every shard of a stream within its retention period (ListShards, paged), open and closed,
/// ordered by starting hash key.
pub async fn list_shards(client: &Client, name: &str) -> Result<Vec<ShardInfo>, PlatformError> {
    let mut shards = Vec::new();
    let mut token: Option<String> = None;
    loop {
        // ListShards takes the stream name or a token, never both.
        let request = match &token {
            Some(t) => client.list_shards().next_token(t),
            None => client.list_shards().stream_name(name),
        };
        let page = request.send().await.map_err(|e| platform_error("Kinesis ListShards", e))?;
        for s in page.shards() {
            let range = s.hash_key_range();
            let key = |k: Option<&str>| k.and_then(|k| k.parse::<u128>().ok()).unwrap_or(0);
            shards.push(ShardInfo {
                id: sanitize(s.shard_id()),
                start: key(range.map(|r| r.starting_hash_key())),
                end: key(range.map(|r| r.ending_hash_key())),
                parent: s.parent_shard_id().map(sanitize),
                adjacent_parent: s.adjacent_parent_shard_id().map(sanitize),
                open: s.sequence_number_range().and_then(|r| r.ending_sequence_number()).is_none(),
                incoming_per_second: None,
            });
        }
        match page.next_token() {
            Some(t) => token = Some(t.to_string()),
            None => break,
        }
    }
    shards.sort_by_key(|s| (!s.open, s.start));
    Ok(shards)
}

/// The account's shard quota and open shards (DescribeLimits).
pub async fn limits(client: &Client) -> Result<(u32, u32), PlatformError> {
    let out = client.describe_limits().send().await.map_err(|e| platform_error("Kinesis DescribeLimits", e))?;
    Ok((out.shard_limit().max(0) as u32, out.open_shard_count().max(0) as u32))
}

/// Makes one resharding call, sent once (see `landed`): `Some` when its answer was lost and
/// reading the stream back showed it landed.
pub async fn reshard(client: &Client, name: &str, call: &ReshardCall) -> Result<Option<Settled<()>>, PlatformError> {
    let once = || aws_sdk_kinesis::Config::builder().retry_config(landed::once());
    let api = format!("Kinesis {}", call.api_name());
    let sent = match call {
        ReshardCall::UpdateShardCount { target } => client
            .update_shard_count()
            .stream_name(name)
            .target_shard_count(*target as i32)
            .scaling_type(ScalingType::UniformScaling)
            .customize()
            .config_override(once())
            .send()
            .await
            .map(|_| ())
            .map_err(|e| landed::failed(&api, e)),
        ReshardCall::SplitShard { shard, new_starting_hash_key } => client
            .split_shard()
            .stream_name(name)
            .shard_to_split(shard)
            .new_starting_hash_key(new_starting_hash_key.to_string())
            .customize()
            .config_override(once())
            .send()
            .await
            .map(|_| ())
            .map_err(|e| landed::failed(&api, e)),
        ReshardCall::MergeShards { shard, adjacent } => client
            .merge_shards()
            .stream_name(name)
            .shard_to_merge(shard)
            .adjacent_shard_to_merge(adjacent)
            .customize()
            .config_override(once())
            .send()
            .await
            .map(|_| ())
            .map_err(|e| landed::failed(&api, e)),
        ReshardCall::UpdateStreamMode { mode } => {
            let summary = client
                .describe_stream_summary()
                .stream_name(name)
                .send()
                .await
                .map_err(|e| platform_error("Kinesis DescribeStreamSummary", e))?;
            let arn = summary.stream_description_summary().map(|s| s.stream_arn().to_string()).unwrap_or_default();
            let wanted = match mode {
                CapacityMode::Provisioned => StreamMode::Provisioned,
                CapacityMode::OnDemand => StreamMode::OnDemand,
            };
            let details = StreamModeDetails::builder()
                .stream_mode(wanted)
                .build()
                .map_err(|e| PlatformError::failed("Kinesis UpdateStreamMode", e.to_string()))?;
            client
                .update_stream_mode()
                .stream_arn(arn)
                .stream_mode_details(details)
                .customize()
                .config_override(once())
                .send()
                .await
                .map(|_| ())
                .map_err(|e| landed::failed(&api, e))
        }
    };
    match sent {
        Ok(()) => Ok(None),
        Err(Failed::Refused(e)) => Err(e),
        Err(Failed::AnswerLost(lost)) => {
            let check = format!("{name}'s status and open shards (:streams, or `aws kinesis describe-stream-summary`)");
            landed::settle(&api, lost, read_back(client, name, call), &check).await.map(Some)
        }
    }
}

/// Whether a resharding call whose answer was lost happened: the stream is UPDATING, or already
/// shows the change (the target shard count, the parent shard closed, the mode).
async fn read_back(client: &Client, name: &str, call: &ReshardCall) -> Result<ReadBack<()>, PlatformError> {
    let Some(summary) = describe(client, name).await? else {
        return Ok(ReadBack::NotLanded(format!("{name} does not exist")));
    };
    let now = format!("{name} is {} with {} open shards", summary.status, summary.open_shards);
    if summary.status == "UPDATING" {
        return Ok(ReadBack::Landed((), now));
    }
    let landed = match call {
        // The rules refuse a target equal to the open shards, so reaching it is this change.
        ReshardCall::UpdateShardCount { target } => summary.open_shards == *target,
        ReshardCall::SplitShard { shard, .. } | ReshardCall::MergeShards { shard, .. } => {
            let shards = list_shards(client, name).await?;
            let closed = shards.iter().any(|s| s.id == *shard && !s.open);
            if closed {
                return Ok(ReadBack::Landed((), format!("{now}; shard {shard} is closed")));
            }
            false
        }
        ReshardCall::UpdateStreamMode { mode } => summary.mode == *mode,
    };
    Ok(if landed { ReadBack::Landed((), now) } else { ReadBack::NotLanded(now) })
}
