//! AWS DMS: the profile's replication tasks (DescribeReplicationTasks filtered by their ids) and
//! the identifiers of their replication instances (DescribeReplicationInstances), which
//! `AWS/DMS`'s CDC latency metrics are keyed by; and resuming a task (StartReplicationTask with
//! `resume-processing`).

use aws_sdk_databasemigration::types::{Filter, ReplicationTask, StartReplicationTaskTypeValue};
use aws_sdk_databasemigration::Client;

use super::errors::{code, platform_error};
use super::landed::{self, ReadBack};
use super::utc;
use crate::model::text::sanitize;
use crate::model::{Applied, IngestSource, SourceKind, SourceRun};
use crate::platform::PlatformError;

/// Task ids asked for per call (a filter's values), and pages read.
const IDS_PER_CALL: usize = 50;
const PAGES: usize = 5;

/// A task as the sources layer shows it, with what its metrics are keyed by.
#[derive(Debug, Clone)]
pub struct DmsTask {
    pub source: IngestSource,
    /// The replication instance's ARN (its identifier is looked up apart).
    pub instance_arn: Option<String>,
    /// The task's resource id: the last part of its ARN (`AWS/DMS` ReplicationTaskIdentifier).
    pub resource_id: Option<String>,
    /// The task's ARN, which StartReplicationTask names it by.
    pub arn: Option<String>,
}

fn filter(name: &str, values: &[String]) -> Result<Filter, PlatformError> {
    Filter::builder()
        .name(name)
        .set_values(Some(values.to_vec()))
        .build()
        .map_err(|e| PlatformError::failed("DMS", format!("filter {name}: {e}")))
}

/// The tasks of `ids` that DMS knows, in no particular order.
pub async fn tasks(
    client: &Client,
    ids: &[String],
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<DmsTask>, PlatformError> {
    let mut found = Vec::new();
    for chunk in ids.chunks(IDS_PER_CALL) {
        let mut marker: Option<String> = None;
        for _ in 0..PAGES {
            let out = match client
                .describe_replication_tasks()
                .filters(filter("replication-task-id", chunk)?)
                .without_settings(true)
                .set_marker(marker.clone())
                .send()
                .await
            {
                Ok(out) => out,
                // DMS answers a filter that matches nothing with this fault.
                Err(e) if code(&e) == Some("ResourceNotFoundFault") => break,
                Err(e) => return Err(platform_error("DMS DescribeReplicationTasks", e)),
            };
            found.extend(out.replication_tasks().iter().map(|t| task(t, now)));
            marker = out.marker().filter(|m| !m.is_empty()).map(str::to_string);
            if marker.is_none() {
                break;
            }
        }
    }
    Ok(found)
}

fn task(t: &ReplicationTask, now: chrono::DateTime<chrono::Utc>) -> DmsTask {
    let id = t.replication_task_identifier().unwrap_or_default().to_string();
    let status = t.status().unwrap_or("unknown").to_string();
    let running = matches!(status.as_str(), "running" | "starting");
    let stats = t.replication_task_stats();
    // A running task may still carry the message of an earlier failure: it is not its reason now.
    let reason = match status.as_str() {
        _ if running => None,
        "failed" => t.last_failure_message().or(t.stop_reason()),
        _ => t.stop_reason().or(t.last_failure_message()),
    }
    .filter(|r| !r.is_empty())
    .map(str::to_string);
    let started = utc(stats.and_then(|s| s.start_date())).or(utc(t.replication_task_start_date()));
    let stopped = if running { None } else { utc(stats.and_then(|s| s.stop_date())) };
    let source = IngestSource {
        kind: SourceKind::Dms,
        name: id.clone(),
        exists: true,
        status: Some(status.clone()),
        status_reason: reason.clone(),
        trigger: None,
        last_run: Some(SourceRun {
            id: id.clone(),
            status,
            started,
            ended: stopped,
            bytes: None,
            items: None,
            error: reason,
        }),
        // A task replicating changes lands them continuously; a stopped one last landed as it stopped.
        last_success: if running { Some(now) } else { stopped },
        cdc_latency_source: None,
        cdc_latency_target: None,
        tables_errored: stats.map(|s| u64::try_from(s.tables_errored()).unwrap_or(0)),
    };
    DmsTask {
        source,
        instance_arn: t.replication_instance_arn().map(str::to_string),
        resource_id: t
            .replication_task_arn()
            .and_then(|a| a.rsplit(':').next())
            .filter(|r| !r.is_empty())
            .map(str::to_string),
        arn: t.replication_task_arn().filter(|a| !a.is_empty()).map(str::to_string),
    }
}

/// The identifier of each replication instance of `arns`, as (ARN, identifier).
pub async fn instance_identifiers(client: &Client, arns: &[String]) -> Result<Vec<(String, String)>, PlatformError> {
    let mut found = Vec::new();
    for chunk in arns.chunks(IDS_PER_CALL) {
        let out = match client
            .describe_replication_instances()
            .filters(filter("replication-instance-arn", chunk)?)
            .send()
            .await
        {
            Ok(out) => out,
            Err(e) if code(&e) == Some("ResourceNotFoundFault") => continue,
            Err(e) => return Err(platform_error("DMS DescribeReplicationInstances", e)),
        };
        for i in out.replication_instances() {
            if let (Some(arn), Some(id)) = (i.replication_instance_arn(), i.replication_instance_identifier()) {
                found.push((arn.to_string(), id.to_string()));
            }
        }
    }
    Ok(found)
}

// StartReplicationTask is sent once (see `landed`): when its answer is lost, the task's status
// says whether it is starting.

fn once() -> aws_sdk_databasemigration::config::Builder {
    aws_sdk_databasemigration::Config::builder().retry_config(landed::once())
}

/// The task `id` as DescribeReplicationTasks shows it; an error when DMS does not know it.
async fn described(client: &Client, id: &str) -> Result<DmsTask, PlatformError> {
    let found = tasks(client, &[id.to_string()], chrono::Utc::now()).await?;
    found.into_iter().find(|t| t.source.name == id).ok_or_else(|| {
        PlatformError::failed(
            "DMS",
            format!("there is no replication task {id} in this region: the profile names tasks by their identifier"),
        )
    })
}

/// StartReplicationTask with `resume-processing` of the task whose replication-task identifier
/// is `id`: a stopped or failed task carries on from its checkpoint. DMS refuses a task that is
/// not stopped or failed (InvalidResourceStateFault).
pub async fn resume(client: &Client, id: &str) -> Result<Applied, PlatformError> {
    let api = "DMS StartReplicationTask";
    let arn = described(client, id).await?.arn.ok_or_else(|| {
        PlatformError::failed("DMS DescribeReplicationTasks", format!("the answer gives task {id} no ARN"))
    })?;
    let sent = client
        .start_replication_task()
        .replication_task_arn(&arn)
        .start_replication_task_type(StartReplicationTaskTypeValue::ResumeProcessing)
        .customize()
        .config_override(once())
        .send()
        .await
        .map(|out| sanitize(out.replication_task().and_then(|t| t.status()).unwrap_or("starting")))
        .map_err(|e| landed::failed(api, e));
    let read_back = async {
        let status = described(client, id).await?.source.status.map(|s| sanitize(&s)).unwrap_or_default();
        let seen = format!("task {id} is {status}");
        Ok(if matches!(status.as_str(), "starting" | "running") {
            ReadBack::Landed(status, seen)
        } else {
            ReadBack::NotLanded(seen)
        })
    };
    let check = format!("the task {id} (lakeops show sources)");
    landed::answered(api, sent, read_back, &check, |status| Applied::Answer(format!("task {id} is {status}"))).await
}
