//! `lakeops workflows [--failed] [--since 24h] [--json]` lists the watched state machines'
//! executions; `start NAME [--input FILE]`, `stop ARN` and `redrive ARN` are checked against what
//! Step Functions reports before any call, confirmed, journaled, refused in read-only mode.

use chrono::{DateTime, Utc};

use super::confirm::ask;
use super::Failure;
use crate::cli::{ChangeArgs, WorkflowsArgs, WorkflowsCommand};
use crate::model::text::sanitize;
use crate::model::{Change, WorkflowChange, WorkflowOverview};
use crate::ops::audit::parse_since;
use crate::ops::workflow::{check_input, plan};
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
        eprintln!("warning: {}", sanitize(warning));
    }
    if args.json {
        return serde_json::to_string_pretty(&overview)
            .map(|json| json + "\n")
            .map_err(|e| Failure::Platform(format!("cannot write JSON: {e}")));
    }
    Ok(table(&overview, now))
}

fn table(overview: &WorkflowOverview, now: DateTime<Utc>) -> String {
    if overview.state_machines.is_empty() {
        return "no state machine is watched: set platform.orchestration in the profile\n".into();
    }
    let mut out = format!(
        "{:<12}{:<26}{:<36}{:<22}{:<10}FAILED AT\n",
        "STATUS", "STATE MACHINE", "EXECUTION", "STARTED (UTC)", "DURATION"
    );
    for machine in &overview.state_machines {
        if machine.executions.is_empty() {
            let why = if machine.arn.is_none() { "not found" } else { "no execution in the window" };
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
    out
}

/// The change a command asks for, its input read and checked.
fn requested(command: &WorkflowsCommand) -> Result<(WorkflowChange, ChangeArgs), Failure> {
    Ok(match command {
        WorkflowsCommand::Start { state_machine, input, change } => {
            let text = match input {
                Some(path) => std::fs::read_to_string(path)
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
    })
}

async fn change(
    loaded: &Loaded,
    paths: &Paths,
    platform: &dyn Platform,
    command: &WorkflowsCommand,
) -> Result<String, Failure> {
    let session = Session::headless(loaded, paths);
    let (change, args) = match requested(command) {
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
    // Read-only refuses before anything is read or asked.
    session.gate.check(&Change::Workflow(change.clone()), "")?;
    let now = platform.now();
    let planned = match &change {
        WorkflowChange::Start { state_machine, .. } => {
            let overview = platform.workflows(now - chrono::Duration::days(1), false).await?;
            let machine = overview.state_machines.iter().find(|m| &m.name == state_machine);
            plan(&change, machine, None, now)
        }
        WorkflowChange::Stop { execution } | WorkflowChange::Redrive { execution } => {
            let found = platform.execution(execution).await?;
            plan(&change, None, found.as_ref(), now)
        }
    };
    let lines = match planned {
        Ok(lines) => lines,
        Err(refusal) => {
            session.gate.record(change.action(), change.target(), "", &format!("refused: {}", refusal.text()));
            return Err(refusal.into());
        }
    };
    let mut out = String::from("plan:\n");
    for line in &lines {
        out.push_str(&format!("  {}\n", sanitize(line)));
    }
    if args.dry_run {
        out.push_str("dry run: nothing was changed\n");
        return Ok(out);
    }
    let detail = lines.join("; ");
    let question = format!("{} {}?", change.api_name(), change.target());
    let change = Change::Workflow(change);
    ask(&session, &change, &detail, &out, &question, args.yes)?;
    let applied = session.gate.apply(platform, &change, &detail).await?;
    out.push_str(&sanitize(&applied.answer()));
    out.push('\n');
    if let Some(confirmation) = applied.confirmation() {
        out.push_str(&format!("{confirmation}\n"));
    }
    Ok(out)
}
