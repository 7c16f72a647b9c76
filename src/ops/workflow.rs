//! Step Functions rules: a start, a stop or a redrive is checked against what Step Functions
//! reported before any call, and the plan says in words what will happen.

use chrono::{DateTime, Utc};

use super::format::ago;
use super::refusal::Refusal;
use crate::model::{ExecutionDetail, GlueWorkflow, StateMachine, WorkflowChange};

/// The largest input Step Functions accepts (its payload limit, 256 KiB).
pub const MAX_INPUT_BYTES: usize = 256 * 1024;
/// A failed execution can be redriven for this long after it stopped (Step Functions' rule;
/// DescribeExecution's redrive status says so where the API gives it).
pub const REDRIVE_WINDOW_DAYS: i64 = 14;

/// Checks an execution's input: JSON, within the payload limit. Returns it as given.
pub fn check_input(text: &str) -> Result<String, Refusal> {
    if text.len() > MAX_INPUT_BYTES {
        return Err(Refusal::invalid(
            "execution input",
            format!("the input is {} bytes; Step Functions takes at most {MAX_INPUT_BYTES} (256 KiB)", text.len()),
        ));
    }
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(_) => Ok(text.to_string()),
        Err(e) => Err(Refusal::invalid(
            "execution input",
            format!("the input is not JSON: {e} (an execution's input is a JSON document, such as {{}})"),
        )),
    }
}

/// Checks a start against the state machine Step Functions reported (`None`: not watched or
/// not found) and returns the plan in words.
pub fn plan_start(state_machine: &str, input: &str, found: Option<&StateMachine>) -> Result<Vec<String>, Refusal> {
    check_input(input)?;
    let Some(machine) = found.filter(|m| m.arn.is_some()) else {
        return Err(Refusal::invalid(
            "a known state machine",
            format!("there is no state machine {state_machine:?} (lakeops workflows lists those it watches)"),
        ));
    };
    let mut lines = vec![format!("StartExecution of {}", machine.name)];
    if let Some(running) = machine.executions.iter().find(|e| e.status == "RUNNING") {
        lines.push(format!(
            "note: {} is still RUNNING (started {}); this starts another beside it",
            running.name,
            running.started.format("%Y-%m-%d %H:%M:%S UTC")
        ));
    }
    lines.push(format!("input: {}", one_line(input)));
    Ok(lines)
}

/// What the platform reported of the thing a change is made to (`None`: there is no such thing).
#[derive(Debug, Clone, Copy, Default)]
pub struct Found<'a> {
    /// For a start.
    pub state_machine: Option<&'a StateMachine>,
    /// For a stop or a redrive, as DescribeExecution answered.
    pub execution: Option<&'a ExecutionDetail>,
    /// For a resume, with its newest runs.
    pub glue_workflow: Option<&'a GlueWorkflow>,
}

/// An input file's text, read without taking more than the payload limit (and a byte over, to
/// say it is too big).
pub fn read_input(path: &std::path::Path) -> Result<String, String> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut bytes = Vec::new();
    file.take(MAX_INPUT_BYTES as u64 + 1).read_to_end(&mut bytes).map_err(|e| e.to_string())?;
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(format!("the file is over {MAX_INPUT_BYTES} bytes, Step Functions' input limit (256 KiB)"));
    }
    String::from_utf8(bytes).map_err(|_| "the file is not UTF-8 text".to_string())
}

/// Checks `change` against what the platform reported at `now`, and returns the plan in words.
pub fn plan(change: &WorkflowChange, found: Found<'_>, now: DateTime<Utc>) -> Result<Vec<String>, Refusal> {
    match change {
        WorkflowChange::Start { state_machine, input } => plan_start(state_machine, input, found.state_machine),
        WorkflowChange::Stop { execution: arn } => plan_stop(described(arn, found.execution, STOP_RULE)?, now),
        WorkflowChange::Redrive { execution: arn } => plan_redrive(described(arn, found.execution, REDRIVE_RULE)?, now),
        WorkflowChange::ResumeGlueRun { workflow, run_id, nodes } => {
            let (resumed, lines) = resume(workflow, run_id, found.glue_workflow)?;
            match &resumed {
                WorkflowChange::ResumeGlueRun { nodes: failed, .. } if failed == nodes => Ok(lines),
                _ => Err(Refusal::invalid(
                    RESUME_RULE,
                    format!("the nodes asked for are not the failed jobs and crawlers of run {run_id}"),
                )),
            }
        }
    }
}

const RESUME_RULE: &str = "a failed workflow run";

/// The resume of a Glue workflow run: its failed jobs and crawlers run again (and what follows
/// them), as the change to make and the plan in words. Only a run that ended with failed nodes
/// can be resumed.
pub fn resume(
    workflow: &str,
    run_id: &str,
    found: Option<&GlueWorkflow>,
) -> Result<(WorkflowChange, Vec<String>), Refusal> {
    let Some(found) = found.filter(|w| w.exists) else {
        return Err(Refusal::invalid(RESUME_RULE, format!("there is no Glue workflow {workflow:?}")));
    };
    let Some(run) = found.runs.iter().find(|r| r.id == run_id) else {
        return Err(Refusal::invalid(
            RESUME_RULE,
            format!("{workflow} has no run {run_id} among its {} newest runs", found.runs.len()),
        ));
    };
    if run.status == "RUNNING" || run.status == "STOPPING" {
        return Err(Refusal::invalid(
            RESUME_RULE,
            format!("run {run_id} is {}: wait for it to end (a running run cannot be resumed)", run.status),
        ));
    }
    if run.failed_nodes.is_empty() {
        return Err(Refusal::invalid(
            RESUME_RULE,
            format!("run {run_id} is {} with no failed job or crawler: there is nothing to resume", run.status),
        ));
    }
    let mut lines = vec![format!("ResumeWorkflowRun of {workflow}, run {run_id} ({})", run.status)];
    for node in &run.failed_nodes {
        let why = node.error.as_deref().map(|e| format!(": {e}")).unwrap_or_default();
        lines.push(format!("runs again: {} {} ({}{why})", node.kind.to_lowercase(), node.name, node.state));
    }
    lines.push("and everything after them in the workflow, in a new run; what succeeded is not run again".into());
    let nodes = run.failed_nodes.iter().map(|n| n.node_id.clone()).collect();
    let change = WorkflowChange::ResumeGlueRun { workflow: workflow.into(), run_id: run_id.into(), nodes };
    Ok((change, lines))
}

const STOP_RULE: &str = "a running execution";
const REDRIVE_RULE: &str = "a redrivable execution";

fn described<'a>(
    arn: &str,
    execution: Option<&'a ExecutionDetail>,
    rule: &'static str,
) -> Result<&'a ExecutionDetail, Refusal> {
    execution.ok_or_else(|| Refusal::invalid(rule, format!("there is no execution {arn}")))
}

fn when(t: DateTime<Utc>, now: DateTime<Utc>) -> String {
    format!("{} ({})", t.format("%Y-%m-%d %H:%M:%S UTC"), ago(now, t))
}

fn plan_stop(detail: &ExecutionDetail, now: DateTime<Utc>) -> Result<Vec<String>, Refusal> {
    let e = &detail.execution;
    if e.status != "RUNNING" {
        return Err(Refusal::invalid(
            STOP_RULE,
            format!("{} is {}: only a RUNNING execution can be stopped", e.name, e.status),
        ));
    }
    Ok(vec![
        format!("StopExecution of {} ({}), RUNNING since {}", e.name, e.state_machine, when(e.started, now)),
        "it ends ABORTED; the state it is in is abandoned (a Glue run it started keeps running)".into(),
    ])
}

fn plan_redrive(detail: &ExecutionDetail, now: DateTime<Utc>) -> Result<Vec<String>, Refusal> {
    let e = &detail.execution;
    if !e.is_failed() {
        return Err(Refusal::invalid(
            REDRIVE_RULE,
            format!("{} is {}: only a FAILED, TIMED_OUT or ABORTED execution can be redriven", e.name, e.status),
        ));
    }
    match detail.redrive.status.as_deref() {
        Some("REDRIVABLE") | None => {}
        Some(status) => {
            let reason = detail.redrive.reason.as_deref().unwrap_or("Step Functions gave no reason");
            return Err(Refusal::invalid(REDRIVE_RULE, format!("{} is {status}: {reason}", e.name)));
        }
    }
    let stopped = e.stopped.unwrap_or(e.started);
    if now - stopped > chrono::Duration::days(REDRIVE_WINDOW_DAYS) {
        return Err(Refusal::invalid(
            REDRIVE_RULE,
            format!(
                "{} stopped {}: an execution can be redriven within {REDRIVE_WINDOW_DAYS} days of stopping",
                e.name,
                when(stopped, now)
            ),
        ));
    }
    let from = match e.failure.as_ref().and_then(|f| f.state.as_deref()) {
        Some(state) => format!("it restarts from {state:?}, where it failed"),
        None => "it restarts from the state where it failed".into(),
    };
    Ok(vec![
        format!("RedriveExecution of {} ({}), {} since {}", e.name, e.state_machine, e.status, when(stopped, now)),
        format!("{from}; the states that succeeded are not run again"),
        format!("redrives so far: {}", e.redrive_count),
    ])
}

/// Input shown on one line, cut to what a confirmation can show.
fn one_line(input: &str) -> String {
    let flat: String = input.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.char_indices().nth(200) {
        Some((i, _)) => format!("{}… ({} bytes)", &flat[..i], input.len()),
        None => flat,
    }
}

#[cfg(test)]
#[path = "tests_workflow.rs"]
mod tests;
