//! `lakeops workflows [--failed] [--since 24h] [--json]` lists the watched state machines'
//! executions; `start NAME [--input FILE]`, `stop ARN` and `redrive ARN` are checked against what
//! Step Functions reports before any call, confirmed, journaled, refused in read-only mode.

use chrono::{DateTime, Utc};

use super::confirm::{make_planned, refuse_early};
use super::Failure;
use crate::cli::{ChangeArgs, WorkflowsArgs, WorkflowsCommand};
use crate::model::text::sanitize;
use crate::model::{Change, WorkflowChange, WorkflowOverview};
use crate::ops::audit::parse_since;
use crate::ops::workflow::{check_input, plan, resume, Found};

/// Glue keeps a workflow's runs this long; a run to resume is looked for among them.
const GLUE_RUNS_KEPT_DAYS: i64 = 90;
use crate::platform::Platform;
use crate::session::Session;
use crate::settings::{Loaded, Paths};

pub async fn run(
    loaded: &Loaded,
    paths: &Paths,
    platform: &dyn Platform,
    args: &WorkflowsArgs,
) -> Result<String, Failure> {
    match &args.action {
        None => list(platform, args).await,
        Some(command) => change(loaded, paths, platform, command).await,
    }
}

async fn list(platform: &dyn Platform, args: &WorkflowsArgs) -> Result<String, Failure> {
    let since = parse_since(&args.since).map_err(|e| Failure::Invalid(format!("--since: {e}")))?;
    let now = platform.now();
    let overview = platform.workflows(now - since, args.failed).await?;
    for warning in &overview.warnings {
        crate::note!("warning: {}", sanitize(warning));
    }
    if args.json {
        return serde_json::to_string_pretty(&overview)
            .map(|json| json + "\n")
            .map_err(|e| Failure::Platform(format!("cannot write JSON: {e}")));
    }
    Ok(table(&overview, now, args.failed))
}

fn table(overview: &WorkflowOverview, now: DateTime<Utc>, failed_only: bool) -> String {
    if overview.state_machines.is_empty() && overview.glue_workflows.is_empty() {
        return "no state machine or Glue workflow is watched: set platform.orchestration in the profile\n".into();
    }
    let mut out = format!(
        "{:<12}{:<26}{:<36}{:<22}{:<10}FAILED AT\n",
        "STATUS", "WORKFLOW", "EXECUTION / RUN", "STARTED (UTC)", "DURATION"
    );
    for machine in &overview.state_machines {
        if machine.executions.is_empty() {
            let why = match (machine.arn.is_some(), failed_only) {
                (false, _) => "not found",
                (true, true) => "no failed execution in the window",
                (true, false) => "no execution in the window",
            };
            out.push_str(&format!("{:<12}{:<26}{why}\n", "—", sanitize(&machine.name)));
        }
        for e in &machine.executions {
            let failed_at = match &e.failure {
                Some(f) => format!(
                    "{}{}: {}",
                    f.state.as_deref().map(sanitize).unwrap_or_default(),
                    if f.error.is_empty() { String::new() } else { format!(" {}", sanitize(&f.error)) },
                    sanitize(&f.cause)
                ),
                None => String::new(),
            };
            out.push_str(&format!(
                "{:<12}{:<26}{:<36}{:<22}{:<10}{}\n",
                e.status,
                sanitize(&machine.name),
                sanitize(&e.name),
                e.started.format("%Y-%m-%d %H:%M:%S").to_string(),
                crate::ops::format::millis(e.duration_seconds(now) as f64 * 1000.0),
                failed_at.trim_start()
            ));
        }
    }
    for workflow in &overview.glue_workflows {
        if workflow.runs.is_empty() {
            let why = if workflow.exists { "no run in the window" } else { "not found" };
            out.push_str(&format!("{:<12}{:<26}{why}\n", "—", sanitize(&workflow.name)));
        }
        for run in &workflow.runs {
            let failed_at: Vec<String> = run
                .failed_nodes
                .iter()
                .map(|n| sanitize(&n.summary()))
                .chain(run.error.as_deref().map(sanitize))
                .collect();
            let duration = run.duration_ms(now).map(crate::ops::format::millis).unwrap_or_else(|| "—".into());
            out.push_str(&format!(
                "{:<12}{:<26}{:<36}{:<22}{:<10}{}\n",
                run.status,
                sanitize(&workflow.name),
                sanitize(&run.id),
                run.started.map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string()).unwrap_or_default(),
                duration,
                failed_at.join("; ")
            ));
        }
    }
    out
}

/// The change a command asks for, its input read and checked.
fn requested(command: &WorkflowsCommand) -> Result<(WorkflowChange, ChangeArgs), Failure> {
    Ok(match command {
        WorkflowsCommand::Start { state_machine, input, change } => {
            let text = match input {
                Some(path) => crate::ops::workflow::read_input(path)
                    .map_err(|e| Failure::Invalid(format!("--input {}: {e}", path.display())))?,
                None => "{}".to_string(),
            };
            let input = check_input(&text)?;
            (WorkflowChange::Start { state_machine: state_machine.clone(), input }, *change)
        }
        WorkflowsCommand::Stop { execution_arn, change } => {
            (WorkflowChange::Stop { execution: execution_arn.clone() }, *change)
        }
        WorkflowsCommand::Redrive { execution_arn, change } => {
            (WorkflowChange::Redrive { execution: execution_arn.clone() }, *change)
        }
        WorkflowsCommand::Resume { workflow, run_id, change } => (
            WorkflowChange::ResumeGlueRun { workflow: workflow.clone(), run_id: run_id.clone(), nodes: Vec::new() },
            *change,
        ),
    })
}

async fn change(
    loaded: &Loaded,
    paths: &Paths,
    platform: &dyn Platform,
    command: &WorkflowsCommand,
) -> Result<String, Failure> {
    let session = Session::headless(loaded, paths, platform);
    let (mut change, args) = match requested(command) {
        Ok(parsed) => parsed,
        Err(failure) => {
            if let WorkflowsCommand::Start { state_machine, .. } = command {
                session.gate.record(
                    "states.start-execution",
                    state_machine,
                    "",
                    &format!("refused: {}", failure.message()),
                );
            }
            return Err(failure);
        }
    };
    refuse_early(&session, &Change::Workflow(change.clone()), args)?;
    let now = platform.now();
    let planned = match &change {
        WorkflowChange::Start { state_machine, .. } => {
            let overview = platform.workflows(now - chrono::Duration::days(1), false).await?;
            let machine = overview.state_machines.iter().find(|m| &m.name == state_machine);
            plan(&change, Found { state_machine: machine, ..Found::default() }, now)
        }
        WorkflowChange::Stop { execution } | WorkflowChange::Redrive { execution } => {
            let found = platform.execution(execution).await?;
            plan(&change, Found { execution: found.as_ref(), ..Found::default() }, now)
        }
        // The nodes to run again are the run's failed ones, as Glue reports them now.
        WorkflowChange::ResumeGlueRun { workflow, run_id, .. } => {
            let overview = platform.workflows(now - chrono::Duration::days(GLUE_RUNS_KEPT_DAYS), false).await?;
            let found = overview.glue_workflows.iter().find(|w| &w.name == workflow);
            resume(workflow, run_id, found).map(|(resumed, lines)| {
                change = resumed;
                lines
            })
        }
    };
    let lines = match planned {
        Ok(lines) => lines,
        Err(refusal) => {
            session.gate.record(change.action(), change.target(), "", &refusal.outcome());
            return Err(refusal.into());
        }
    };
    make_planned(&session, platform, &Change::Workflow(change), &lines, args, None).await.map(|(out, _)| out)
}
