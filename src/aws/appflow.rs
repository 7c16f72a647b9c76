//! Amazon AppFlow: a flow's state and last run (DescribeFlow) and its newest runs
//! (DescribeFlowExecutionRecords), for the landing zone's sources.

use aws_sdk_appflow::types::{ExecutionRecord, ExecutionStatus};
use aws_sdk_appflow::Client;
use chrono::{DateTime, Utc};

use super::errors::{code, platform_error};
use super::utc;
use crate::model::{IngestSource, SourceKind, SourceRun};
use crate::platform::PlatformError;

/// Runs read per flow: an hourly flow's last day, enough to find the newest successful one.
const RUNS_READ: i32 = 25;

/// The flow named `name`: its state and DescribeFlow's summary of its last run; `exists` false
/// when AppFlow does not know it.
pub async fn describe(client: &Client, name: &str) -> Result<IngestSource, PlatformError> {
    let mut source = IngestSource::missing(SourceKind::AppFlow, name);
    let out = match client.describe_flow().flow_name(name).send().await {
        Ok(out) => out,
        Err(e) if code(&e) == Some("ResourceNotFoundException") => return Ok(source),
        Err(e) => return Err(platform_error("AppFlow DescribeFlow", e)),
    };
    source.exists = true;
    source.status = out.flow_status().map(|s| s.as_str().to_string());
    source.status_reason = out.flow_status_message().filter(|m| !m.is_empty()).map(str::to_string);
    source.last_run = out.last_run_execution_details().and_then(|d| {
        Some(SourceRun {
            id: String::new(),
            status: d.most_recent_execution_status()?.as_str().to_string(),
            started: utc(d.most_recent_execution_time()),
            ended: None,
            bytes: None,
            items: None,
            error: d.most_recent_execution_message().filter(|m| !m.is_empty()).map(str::to_string),
        })
    });
    Ok(source)
}

/// The flow's newest run and when its newest successful run ended.
pub async fn runs(client: &Client, name: &str) -> Result<(Option<SourceRun>, Option<DateTime<Utc>>), PlatformError> {
    let out = client
        .describe_flow_execution_records()
        .flow_name(name)
        .max_results(RUNS_READ)
        .send()
        .await
        .map_err(|e| platform_error("AppFlow DescribeFlowExecutionRecords", e))?;
    let mut records: Vec<&ExecutionRecord> = out.flow_executions().iter().collect();
    records.sort_by_key(|r| std::cmp::Reverse(r.started_at().map(|t| (t.secs(), t.subsec_nanos()))));
    let success = records
        .iter()
        .find(|r| r.execution_status() == Some(&ExecutionStatus::Successful))
        .and_then(|r| utc(r.last_updated_at()).or(utc(r.started_at())));
    Ok((records.first().map(|r| run(r)), success))
}

fn run(r: &ExecutionRecord) -> SourceRun {
    let status = r.execution_status().map(|s| s.as_str().to_string()).unwrap_or_else(|| "Unknown".into());
    let finished = !matches!(r.execution_status(), Some(ExecutionStatus::Inprogress) | None);
    let result = r.execution_result();
    let count = |v: Option<i64>| v.and_then(|n| u64::try_from(n).ok());
    SourceRun {
        id: r.execution_id().unwrap_or_default().to_string(),
        status,
        started: utc(r.started_at()),
        ended: if finished { utc(r.last_updated_at()) } else { None },
        bytes: count(result.and_then(|x| x.bytes_written()).or(result.and_then(|x| x.bytes_processed()))),
        items: count(result.and_then(|x| x.records_processed())),
        error: result
            .and_then(|x| x.error_info())
            .and_then(|e| e.execution_message())
            .filter(|m| !m.is_empty())
            .map(str::to_string),
    }
}
