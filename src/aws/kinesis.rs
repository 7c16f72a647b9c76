//! Kinesis: which streams to watch and their summaries.

use aws_sdk_kinesis::types::StreamMode;
use aws_sdk_kinesis::Client;

use super::errors::{code, platform_error};
use crate::model::text::sanitize;
use crate::model::{CapacityMode, StreamStatus};
use crate::platform::PlatformError;

/// Every stream in the region (ListStreams, paged; 5 TPS per account, so callers cache it).
pub async fn list_streams(client: &Client) -> Result<Vec<String>, PlatformError> {
    let mut names = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut request = client.list_streams().limit(100);
        if let Some(t) = &token {
            request = request.next_token(t);
        }
        let page = request.send().await.map_err(|e| platform_error("Kinesis ListStreams", e))?;
        names.extend(page.stream_names().iter().cloned());
        match page.next_token() {
            Some(t) if page.has_more_streams() => token = Some(t.to_string()),
            _ => break,
        }
    }
    Ok(names)
}

/// A stream's summary with the metric fields left empty, or `None` when it does not exist.
pub async fn describe(client: &Client, name: &str) -> Result<Option<StreamStatus>, PlatformError> {
    let out = match client.describe_stream_summary().stream_name(name).send().await {
        Ok(out) => out,
        Err(e) if code(&e) == Some("ResourceNotFoundException") => return Ok(None),
        Err(e) => return Err(platform_error("Kinesis DescribeStreamSummary", e)),
    };
    let Some(s) = out.stream_description_summary() else { return Ok(None) };
    let mode = match s.stream_mode_details().map(|d| d.stream_mode()) {
        Some(StreamMode::OnDemand) => CapacityMode::OnDemand,
        _ => CapacityMode::Provisioned,
    };
    Ok(Some(StreamStatus {
        name: sanitize(s.stream_name()),
        status: sanitize(s.stream_status().as_str()),
        mode,
        open_shards: s.open_shard_count().max(0) as u32,
        retention_hours: s.retention_period_hours().max(0) as u32,
        consumers: s.consumer_count().unwrap_or(0).max(0) as u32,
        incoming_records_per_second: None,
        incoming_bytes_per_second: None,
        incoming_history: Vec::new(),
        iterator_age_ms: None,
        iterator_age_ms_before: None,
        write_throttled: None,
        read_throttled: None,
    }))
}
