//! Amazon AppFlow: a flow's state, trigger and last run (DescribeFlow) and its newest runs
//! (DescribeFlowExecutionRecords), for the landing zone's sources; and running a flow now
//! (StartFlow).

use aws_sdk_appflow::types::{ExecutionRecord, ExecutionStatus};
use aws_sdk_appflow::Client;
use chrono::{DateTime, Utc};

use super::errors::{code, platform_error};
use super::landed::{self, ReadBack};
use super::utc;
use crate::model::text::sanitize;
use crate::model::{Applied, IngestSource, SourceKind, SourceRun};
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
    source.trigger = out.trigger_config().map(|t| t.trigger_type().as_str().to_string());
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
    let records = records(client, name).await?;
    let mut records: Vec<&ExecutionRecord> = records.iter().collect();
    records.sort_by_key(|r| std::cmp::Reverse(r.started_at().map(|t| (t.secs(), t.subsec_nanos()))));
    let success = records
        .iter()
        .find(|r| r.execution_status() == Some(&ExecutionStatus::Successful))
        .and_then(|r| utc(r.last_updated_at()).or(utc(r.started_at())));
    Ok((records.first().map(|r| run(r)), success))
}

/// The flow's newest runs (at most [`RUNS_READ`]), in the order AppFlow gives them.
async fn records(client: &Client, name: &str) -> Result<Vec<ExecutionRecord>, PlatformError> {
    let out = client
        .describe_flow_execution_records()
        .flow_name(name)
        .max_results(RUNS_READ)
        .send()
        .await
        .map_err(|e| platform_error("AppFlow DescribeFlowExecutionRecords", e))?;
    Ok(out.flow_executions.unwrap_or_default())
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

// StartFlow is sent once (see `landed`): when its answer is lost, a run of the flow started since
// the call (an on-demand flow), or the flow being active (a scheduled or event flow, which
// StartFlow activates rather than runs), says it landed.

fn once() -> aws_sdk_appflow::config::Builder {
    aws_sdk_appflow::Config::builder().retry_config(landed::once())
}

/// What StartFlow did to a flow of `trigger`, in words: "run … started", or the flow's status
/// when StartFlow only activates it.
fn started(name: &str, trigger: Option<&str>, run: Option<&str>, status: &str) -> String {
    match (run.filter(|r| !r.is_empty()), trigger) {
        (Some(run), _) => format!("run {} started", sanitize(run)),
        (None, Some("Scheduled")) => format!("flow {name} is {status}: it runs on its schedule"),
        (None, Some("Event")) => format!("flow {name} is {status}: it runs on its source's events"),
        (None, _) => format!("flow {name} is {status}"),
    }
}

/// StartFlow of the flow `name`: an on-demand flow runs now (its run's id is the answer); a
/// scheduled or event flow is activated.
pub async fn start(client: &Client, name: &str) -> Result<Applied, PlatformError> {
    let api = "AppFlow StartFlow";
    let flow = describe(client, name).await?;
    if !flow.exists {
        return Err(PlatformError::failed("AppFlow", format!("there is no flow {name} in this region")));
    }
    let trigger = flow.trigger.clone();
    let on_demand = !matches!(trigger.as_deref(), Some("Scheduled" | "Event"));
    // The runs there before the call: a run the read-back finds must be new and have started since.
    let before: Vec<String> = if on_demand {
        records(client, name).await?.iter().filter_map(|r| r.execution_id()).map(str::to_string).collect()
    } else {
        Vec::new()
    };
    let called_at = Utc::now() - chrono::Duration::seconds(5);
    let sent = client
        .start_flow()
        .flow_name(name)
        .customize()
        .config_override(once())
        .send()
        .await
        .map(|out| {
            let status = sanitize(out.flow_status().map(|s| s.as_str()).unwrap_or("Active"));
            started(name, trigger.as_deref(), out.execution_id(), &status)
        })
        .map_err(|e| landed::failed(api, e));
    let read_back = async {
        if !on_demand {
            let flow = describe(client, name).await?;
            let status = sanitize(flow.status.as_deref().unwrap_or("unknown"));
            let seen = format!("flow {name} is {status}");
            return Ok(if status == "Active" {
                ReadBack::Landed(started(name, trigger.as_deref(), None, &status), seen)
            } else {
                ReadBack::NotLanded(seen)
            });
        }
        let records = records(client, name).await?;
        let new = records.iter().filter(|r| r.execution_id().is_some_and(|id| !before.iter().any(|b| b == id)));
        let mut new: Vec<&ExecutionRecord> =
            new.filter(|r| utc(r.started_at()).is_some_and(|t| t >= called_at)).collect();
        new.sort_by_key(|r| std::cmp::Reverse(utc(r.started_at())));
        Ok(match new.first() {
            Some(r) => {
                let id = r.execution_id().unwrap_or_default();
                let status = sanitize(r.execution_status().map(|s| s.as_str()).unwrap_or("unknown"));
                ReadBack::Landed(started(name, None, Some(id), &status), format!("run {} is {status}", sanitize(id)))
            }
            None => ReadBack::NotLanded(format!("no run of {name} started since the call")),
        })
    };
    let check = format!("the runs of {name} (lakeops show sources)");
    landed::answered(api, sent, read_back, &check, |answer| Applied::Answer(answer.clone())).await
}
