//! Step Functions on AWS: the watched state machines found by name, their executions with where
//! a failed one failed (from its history), and StartExecution, StopExecution, RedriveExecution.
//! Their health comes from CloudWatch (`AWS/States`) in the overview's one GetMetricData call.

use aws_sdk_sfn::types::{ExecutionListItem, ExecutionStatus, HistoryEvent, HistoryEventType};
use aws_sdk_sfn::Client;
use chrono::{DateTime, Utc};

use super::errors::{code, platform_error};
use super::utc;
use crate::model::text::sanitize;
use crate::model::*;
use crate::platform::PlatformError;

/// Executions listed per state machine: a night's and a day's worth for a nightly machine.
pub const EXECUTIONS_READ: i32 = 25;
/// Histories read per listing, for the failed executions' failing state, newest first:
/// GetExecutionHistory is throttled like every Step Functions read, so a list of fifty failures
/// names where the newest few failed and says so for the rest.
const HISTORIES_READ: usize = 5;
/// Events read back from the end of a history: the failure and the state it happened in.
const HISTORY_TAIL: i32 = 20;

/// Every state machine's ARN by name (ListStateMachines, paged).
pub async fn state_machines(client: &Client) -> Result<Vec<(String, String)>, PlatformError> {
    let mut found = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let out = client
            .list_state_machines()
            .set_next_token(token.clone())
            .send()
            .await
            .map_err(|e| platform_error("Step Functions ListStateMachines", e))?;
        found.extend(out.state_machines().iter().map(|m| (m.name().to_string(), m.state_machine_arn().to_string())));
        token = out.next_token().map(String::from);
        if token.is_none() {
            return Ok(found);
        }
    }
}

fn execution(item: &ExecutionListItem, machine: &str) -> Execution {
    Execution {
        arn: item.execution_arn().to_string(),
        name: sanitize(item.name()),
        state_machine: machine.to_string(),
        status: item.status().as_str().to_string(),
        started: utc(Some(item.start_date())).unwrap_or_default(),
        stopped: utc(item.stop_date()),
        redrive_count: item.redrive_count().unwrap_or(0).max(0) as u32,
        failure: None,
    }
}

/// A state machine's newest executions started since `since` (at most [`EXECUTIONS_READ`]),
/// newest first; `failed_only` asks for FAILED, TIMED_OUT and ABORTED ones.
pub async fn executions(
    client: &Client,
    machine: &str,
    arn: &str,
    since: DateTime<Utc>,
    failed_only: bool,
) -> Result<Vec<Execution>, PlatformError> {
    let statuses: &[Option<ExecutionStatus>] = if failed_only {
        &[Some(ExecutionStatus::Failed), Some(ExecutionStatus::TimedOut), Some(ExecutionStatus::Aborted)]
    } else {
        &[None]
    };
    let mut found = Vec::new();
    for status in statuses {
        let out = client
            .list_executions()
            .state_machine_arn(arn)
            .set_status_filter(status.clone())
            .max_results(EXECUTIONS_READ)
            .send()
            .await
            .map_err(|e| platform_error("Step Functions ListExecutions", e))?;
        found.extend(out.executions().iter().map(|item| execution(item, machine)).filter(|e| e.started >= since));
    }
    found.sort_by_key(|e| std::cmp::Reverse(e.started));
    found.truncate(EXECUTIONS_READ as usize);
    Ok(found)
}

/// Names where the newest failed executions failed, from their histories; the rest keep
/// `failure: None` and a warning says so.
pub async fn explain_failures(client: &Client, executions: &mut [Execution], warnings: &mut Vec<String>) {
    let mut read = 0;
    let mut left = 0;
    for e in executions.iter_mut().filter(|e| e.is_failed()) {
        if read == HISTORIES_READ {
            left += 1;
            continue;
        }
        read += 1;
        match failure(client, &e.arn).await {
            Ok(failure) => e.failure = failure,
            Err(err) => warnings.push(format!("where {} failed is not known: {err}", e.name)),
        }
    }
    if left > 0 {
        warnings.push(format!(
            "where {left} older failed execution(s) failed was not read (the newest {HISTORIES_READ} were): \
             lakeops workflows --failed --since a shorter window names them"
        ));
    }
}

/// Where an execution failed: the failure event's error and cause, and the last state entered
/// before it, from the end of its history.
pub async fn failure(client: &Client, arn: &str) -> Result<Option<ExecutionFailure>, PlatformError> {
    let out = client
        .get_execution_history()
        .execution_arn(arn)
        .reverse_order(true)
        .max_results(HISTORY_TAIL)
        .send()
        .await
        .map_err(|e| platform_error("Step Functions GetExecutionHistory", e))?;
    Ok(failure_in(out.events()))
}

/// The failure in a history read newest first.
fn failure_in(newest_first: &[HistoryEvent]) -> Option<ExecutionFailure> {
    let (error, cause) = newest_first.iter().find_map(|event| {
        let pair = |error: Option<&str>, cause: Option<&str>| {
            Some((sanitize(error.unwrap_or("")), sanitize(cause.unwrap_or(""))))
        };
        match event.r#type() {
            HistoryEventType::ExecutionFailed => {
                let d = event.execution_failed_event_details()?;
                pair(d.error(), d.cause())
            }
            HistoryEventType::ExecutionTimedOut => {
                let d = event.execution_timed_out_event_details();
                pair(d.and_then(|d| d.error()).or(Some("States.Timeout")), d.and_then(|d| d.cause()))
            }
            HistoryEventType::ExecutionAborted => {
                let d = event.execution_aborted_event_details();
                pair(d.and_then(|d| d.error()).or(Some("aborted")), d.and_then(|d| d.cause()))
            }
            _ => None,
        }
    })?;
    let state = newest_first.iter().find_map(|event| event.state_entered_event_details().map(|d| sanitize(d.name())));
    Some(ExecutionFailure { state, error, cause })
}

/// One execution in full; `None` when there is no such execution.
pub async fn describe(client: &Client, arn: &str) -> Result<Option<ExecutionDetail>, PlatformError> {
    let out = match client.describe_execution().execution_arn(arn).send().await {
        Ok(out) => out,
        Err(e) if matches!(code(&e), Some("ExecutionDoesNotExist" | "InvalidArn")) => return Ok(None),
        Err(e) => return Err(platform_error("Step Functions DescribeExecution", e)),
    };
    let machine = out.state_machine_arn().rsplit(':').next().unwrap_or_default().to_string();
    let mut execution = Execution {
        arn: out.execution_arn().to_string(),
        name: sanitize(out.name().unwrap_or(execution_name(arn))),
        state_machine: sanitize(&machine),
        status: out.status().as_str().to_string(),
        started: utc(Some(out.start_date())).unwrap_or_default(),
        stopped: utc(out.stop_date()),
        redrive_count: out.redrive_count().unwrap_or(0).max(0) as u32,
        failure: None,
    };
    if execution.is_failed() {
        execution.failure = failure(client, arn).await?;
    }
    Ok(Some(ExecutionDetail {
        execution,
        input: out.input().map(String::from),
        redrive: Redrive {
            status: out.redrive_status().map(|s| s.as_str().to_string()),
            reason: out.redrive_status_reason().map(sanitize),
        },
    }))
}

// A start is named (`lakeops-<time>`) and a redrive carries a client token, so the SDK's retry of
// a call whose answer was lost finds the first one instead of making a second; a stop of a stopped
// execution is refused by the rules before it is sent.

/// StartExecution of the state machine `arn` with `input`.
pub async fn start(client: &Client, arn: &str, input: &str) -> Result<Applied, PlatformError> {
    let name = format!("lakeops-{}", Utc::now().format("%Y%m%dT%H%M%S%3fZ"));
    let out = client
        .start_execution()
        .state_machine_arn(arn)
        .name(&name)
        .input(input)
        .send()
        .await
        .map_err(|e| platform_error("Step Functions StartExecution", e))?;
    Ok(Applied::Answer(format!("execution {} started", out.execution_arn())))
}

/// StopExecution: it ends ABORTED.
pub async fn stop(client: &Client, execution: &str) -> Result<Applied, PlatformError> {
    client
        .stop_execution()
        .execution_arn(execution)
        .error("lakeops.Stopped")
        .cause("stopped by an operator with lakeops")
        .send()
        .await
        .map_err(|e| platform_error("Step Functions StopExecution", e))?;
    Ok(Applied::Answer(format!("{} stopped (ABORTED)", execution_name(execution))))
}

/// RedriveExecution: from the state where it failed.
pub async fn redrive(client: &Client, execution: &str) -> Result<Applied, PlatformError> {
    let token = format!("lakeops-{}", Utc::now().timestamp_millis());
    client
        .redrive_execution()
        .execution_arn(execution)
        .client_token(token)
        .send()
        .await
        .map_err(|e| platform_error("Step Functions RedriveExecution", e))?;
    Ok(Applied::Answer(format!("{} redriven", execution_name(execution))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_sfn::types::{ExecutionFailedEventDetails, StateEnteredEventDetails};

    fn event(id: i64, kind: HistoryEventType) -> aws_sdk_sfn::types::builders::HistoryEventBuilder {
        HistoryEvent::builder().id(id).r#type(kind).timestamp(aws_smithy_types::DateTime::from_secs(id))
    }

    #[test]
    fn the_failing_state_is_the_last_entered_before_the_failure() {
        let newest_first = vec![
            event(9, HistoryEventType::ExecutionFailed)
                .execution_failed_event_details(
                    ExecutionFailedEventDetails::builder()
                        .error("States.TaskFailed")
                        .cause("Glue job run failed: \u{1b}[31mOOM")
                        .build(),
                )
                .build()
                .unwrap(),
            event(8, HistoryEventType::TaskFailed).build().unwrap(),
            event(7, HistoryEventType::TaskStateEntered)
                .state_entered_event_details(StateEnteredEventDetails::builder().name("RunCurateJob").build().unwrap())
                .build()
                .unwrap(),
            event(3, HistoryEventType::TaskStateEntered)
                .state_entered_event_details(StateEnteredEventDetails::builder().name("StartCrawler").build().unwrap())
                .build()
                .unwrap(),
        ];
        let failure = failure_in(&newest_first).expect("a failure");
        assert_eq!(failure.state.as_deref(), Some("RunCurateJob"));
        assert_eq!(failure.error, "States.TaskFailed");
        assert!(!failure.cause.contains('\u{1b}'), "escapes never reach the screen: {:?}", failure.cause);
        assert_eq!(failure_in(&newest_first[1..]), None, "no failure event, no failure");
    }
}
