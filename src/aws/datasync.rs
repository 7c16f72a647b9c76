//! AWS DataSync: the profile's tasks found by name (ListTasks) or ARN, each task's state
//! (DescribeTask), its executions (ListTaskExecutions) and an execution's outcome
//! (DescribeTaskExecution); and starting a task (StartTaskExecution).

use aws_sdk_datasync::Client;

use super::errors::{code, not_served, platform_error};
use super::landed::{self, ReadBack};
use super::utc;
use crate::model::text::sanitize;
use crate::model::{Applied, SourceRun};
use crate::platform::PlatformError;

/// Pages read of ListTasks and ListTaskExecutions.
const PAGES: usize = 10;

/// Every task of the region as (name, ARN).
pub async fn tasks(client: &Client) -> Result<Vec<(String, String)>, PlatformError> {
    let mut found = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..PAGES {
        let out = client
            .list_tasks()
            .max_results(100)
            .set_next_token(token.clone())
            .send()
            .await
            .map_err(|e| platform_error("DataSync ListTasks", e))?;
        for t in out.tasks() {
            if let Some(arn) = t.task_arn() {
                found.push((t.name().unwrap_or_default().to_string(), arn.to_string()));
            }
        }
        token = out.next_token().filter(|t| !t.is_empty()).map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    Ok(found)
}

/// A task's state as DescribeTask gives it.
#[derive(Debug, Clone)]
pub struct TaskState {
    pub status: Option<String>,
    /// DataSync's error code and detail, when the task itself is in error.
    pub error: Option<String>,
    pub current_execution: Option<String>,
}

/// The task of `arn`; `None` when DataSync does not know it.
pub async fn task(client: &Client, arn: &str) -> Result<Option<TaskState>, PlatformError> {
    let out = match client.describe_task().task_arn(arn).send().await {
        Ok(out) => out,
        // DataSync answers an unknown task with InvalidRequestException.
        Err(e) if matches!(code(&e), Some("InvalidRequestException" | "ResourceNotFoundException")) => return Ok(None),
        Err(e) => return Err(platform_error("DataSync DescribeTask", e)),
    };
    Ok(Some(TaskState {
        status: out.status().map(|s| s.as_str().to_string()),
        error: joined(out.error_code(), out.error_detail()),
        current_execution: out.current_task_execution_arn().map(str::to_string),
    }))
}

/// A task's executions as (ARN, status) in the order DataSync lists them (oldest first);
/// `None` where the endpoint does not serve ListTaskExecutions (moto).
pub async fn executions(client: &Client, arn: &str) -> Result<Option<Vec<(String, String)>>, PlatformError> {
    let mut found = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..PAGES {
        let out = match client
            .list_task_executions()
            .task_arn(arn)
            .max_results(100)
            .set_next_token(token.clone())
            .send()
            .await
        {
            Ok(out) => out,
            Err(e) if not_served(&e) => return Ok(None),
            Err(e) => return Err(platform_error("DataSync ListTaskExecutions", e)),
        };
        for x in out.task_executions() {
            if let Some(arn) = x.task_execution_arn() {
                found.push((arn.to_string(), x.status().map(|s| s.as_str().to_string()).unwrap_or_default()));
            }
        }
        token = out.next_token().filter(|t| !t.is_empty()).map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    Ok(Some(found))
}

/// One execution: its status, times, what it moved and why it failed.
pub async fn execution(client: &Client, arn: &str) -> Result<SourceRun, PlatformError> {
    let out = client
        .describe_task_execution()
        .task_execution_arn(arn)
        .send()
        .await
        .map_err(|e| platform_error("DataSync DescribeTaskExecution", e))?;
    let result = out.result();
    Ok(SourceRun {
        // The execution's id is the last part of its ARN (`exec-…`).
        id: arn.rsplit('/').next().unwrap_or(arn).to_string(),
        status: out.status().map(|s| s.as_str().to_string()).unwrap_or_else(|| "UNKNOWN".into()),
        started: utc(out.start_time()),
        ended: utc(out.end_time()),
        bytes: u64::try_from(out.bytes_transferred()).ok(),
        items: u64::try_from(out.files_transferred()).ok(),
        error: joined(result.and_then(|r| r.error_code()), result.and_then(|r| r.error_detail())),
    })
}

// StartTaskExecution is sent once (see `landed`): when its answer is lost, a new execution of the
// task says it started.

fn once() -> aws_sdk_datasync::config::Builder {
    aws_sdk_datasync::Config::builder().retry_config(landed::once())
}

/// An execution's id: the last part of its ARN (`exec-…`).
fn execution_id(arn: &str) -> String {
    sanitize(arn.rsplit('/').next().unwrap_or(arn))
}

/// The executions of the task `arn` known now: its current one (DescribeTask) and those
/// ListTaskExecutions lists where the endpoint serves it; an error when DataSync does not know
/// the task. The first value is the task's status.
async fn known_executions(client: &Client, arn: &str, name: &str) -> Result<(String, Vec<String>), PlatformError> {
    let Some(task) = task(client, arn).await? else {
        return Err(PlatformError::failed("DataSync", format!("there is no DataSync task {name} ({arn})")));
    };
    let mut known: Vec<String> =
        executions(client, arn).await?.unwrap_or_default().into_iter().map(|(x, _)| x).collect();
    known.extend(task.current_execution);
    Ok((task.status.unwrap_or_else(|| "UNKNOWN".into()), known))
}

/// StartTaskExecution of the task `arn` (the profile's `name` for it): DataSync copies what
/// changed since its last run. Answers the new execution's id.
pub async fn start(client: &Client, arn: &str, name: &str) -> Result<Applied, PlatformError> {
    let api = "DataSync StartTaskExecution";
    // The executions there before the call: after a lost answer, one that was not there is this
    // one (or, rarely, one the task's schedule started meanwhile: DataSync names no caller).
    let (_, before) = known_executions(client, arn, name).await?;
    let sent = client
        .start_task_execution()
        .task_arn(arn)
        .customize()
        .config_override(once())
        .send()
        .await
        .map(|out| out.task_execution_arn().map(execution_id).unwrap_or_default())
        .map_err(|e| landed::failed(api, e));
    let read_back = async {
        let (status, now) = known_executions(client, arn, name).await?;
        Ok(match now.iter().rev().find(|x| !before.contains(x)) {
            Some(new) => {
                let id = execution_id(new);
                ReadBack::Landed(id.clone(), format!("task {name} is {}, with execution {id}", sanitize(&status)))
            }
            None => ReadBack::NotLanded(format!(
                "task {name} is {} with no execution started since the call",
                sanitize(&status)
            )),
        })
    };
    let check = format!("the task {name}'s executions (lakeops show sources)");
    landed::answered(api, sent, read_back, &check, |id| Applied::Answer(format!("execution {id} started"))).await
}

/// "CODE: detail", or whichever of the two there is.
fn joined(code: Option<&str>, detail: Option<&str>) -> Option<String> {
    match (code.filter(|c| !c.is_empty()), detail.filter(|d| !d.is_empty())) {
        (Some(c), Some(d)) => Some(format!("{c}: {d}")),
        (one, other) => one.or(other).map(str::to_string),
    }
}
