//! `:workflows`: the watched state machines' executions, newest first, with where a failed one
//! failed; and the three changes an operator makes there (start, stop, redrive), each checked
//! against what Step Functions says of the execution, confirmed and journaled.

use chrono::{DateTime, Utc};

use super::action::Effect;
use super::command::Command;
use super::confirm;
use super::keymap::{bind, Binding};
use super::list::ListCursor;
use super::prompt::{edit_line, LineKey};
use super::registry::{ListSpec, View, ViewId, ViewSpec};
use super::report::{report_error, ErrorSource};
use super::request::{Request, RequestId};
use super::state::{App, Mode};
use crate::model::{
    Change, Execution, ExecutionDetail, GlueWorkflow, GlueWorkflowRun, Layer, StateMachine, WorkflowChange,
    WorkflowOverview,
};
use crate::ops::workflow::{plan, Found};
use crate::platform::PlatformError;

pub const VIEW: &dyn View = &Workflows;

struct Workflows;

/// Executions listed: those started in the last week.
pub const LISTED_DAYS: i64 = 7;

const KEYS: &[Binding] = &[
    bind(Command::StartRun, &["s"], "start an execution of the selected state machine (input {})")
        .hint("start")
        .changes(),
    bind(Command::StartWithInput, &["i"], "start an execution with its input read from a JSON file").changes(),
    bind(Command::StopRun, &["x"], "stop the selected execution (RUNNING only)").hint("stop").changes(),
    bind(
        Command::Redrive,
        &["R"],
        "redrive the selected execution (FAILED, TIMED_OUT or ABORTED), or resume a Glue workflow run's failed nodes",
    )
    .hint("redrive")
    .changes(),
];

const SPEC: ViewSpec = ViewSpec {
    names: &["workflows"],
    title: "Workflows",
    details: &[Layer::Orchestration],
    keys: KEYS,
    list: Some(ListSpec {
        area: |_, body| super::layout::workflows_split(body).0,
        filter_help: "filter by workflow, execution or run, status, or what failed",
        ..ListSpec::new(|app| &app.workflows.cursor, |app| &mut app.workflows.cursor, |app| visible(app).len())
    }),
    ..ViewSpec::NONE
};

impl View for Workflows {
    fn spec(&self) -> &'static ViewSpec {
        &SPEC
    }

    fn command(&self, app: &mut App, command: Command, effects: &mut Vec<Effect>) -> bool {
        match command {
            Command::StartRun => start(app),
            Command::StartWithInput => ask_for_input(app),
            Command::StopRun => describe_then(app, effects, |arn| WorkflowChange::Stop { execution: arn }),
            Command::Redrive => {
                if !resume_glue_run(app) {
                    describe_then(app, effects, |arn| WorkflowChange::Redrive { execution: arn })
                }
            }
            _ => return false,
        }
        true
    }

    /// The first read when the view opens.
    fn housekeeping(&self, app: &mut App, effects: &mut Vec<Effect>) {
        if app.view() == ViewId::Workflows && !app.workflows.request.answered() {
            fetch(app, effects);
        }
    }

    fn refreshed(&self, app: &mut App, effects: &mut Vec<Effect>) {
        fetch(app, effects);
    }

    fn shown_again(&self, app: &mut App, effects: &mut Vec<Effect>) {
        if app.workflows.request.older_than(app.now_ms, app.refresh_interval_ms) {
            fetch(app, effects);
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct WorkflowsView {
    pub data: Option<WorkflowOverview>,
    pub cursor: ListCursor,
    /// The read of the state machines and their executions.
    pub request: Request,
}

/// One row: an execution, a Glue workflow run, or a watched one with none listed.
#[derive(Debug, Clone, Copy)]
pub enum Row<'a> {
    Execution(&'a StateMachine, &'a Execution),
    Idle(&'a StateMachine),
    GlueRun(&'a GlueWorkflow, &'a GlueWorkflowRun),
    GlueIdle(&'a GlueWorkflow),
}

impl<'a> Row<'a> {
    /// The state machine's or the Glue workflow's name.
    pub fn workflow(&self) -> &'a str {
        match self {
            Row::Execution(m, _) | Row::Idle(m) => &m.name,
            Row::GlueRun(w, _) | Row::GlueIdle(w) => &w.name,
        }
    }

    pub fn state_machine(&self) -> Option<&'a StateMachine> {
        match self {
            Row::Execution(m, _) | Row::Idle(m) => Some(m),
            _ => None,
        }
    }

    pub fn execution(&self) -> Option<&'a Execution> {
        match self {
            Row::Execution(_, e) => Some(e),
            _ => None,
        }
    }

    /// What the filter matches: names, status, where it failed.
    fn words(&self) -> Vec<&'a str> {
        let mut words = vec![self.workflow()];
        match self {
            Row::Execution(_, e) => {
                words.extend([e.name.as_str(), e.status.as_str()]);
                words.extend(e.failure.as_ref().and_then(|f| f.state.as_deref()));
            }
            Row::GlueRun(_, r) => {
                words.extend([r.id.as_str(), r.status.as_str()]);
                words.extend(r.failed_nodes.iter().map(|n| n.name.as_str()));
            }
            Row::Idle(_) | Row::GlueIdle(_) => {}
        }
        words
    }
}

/// The rows passing the filter: each state machine's executions, newest first.
pub fn visible(app: &App) -> Vec<Row<'_>> {
    let needle = app.workflows.cursor.filter.to_lowercase();
    let Some(data) = &app.workflows.data else { return Vec::new() };
    let mut rows = Vec::new();
    for machine in &data.state_machines {
        if machine.executions.is_empty() {
            rows.push(Row::Idle(machine));
        }
        rows.extend(machine.executions.iter().map(|e| Row::Execution(machine, e)));
    }
    for workflow in &data.glue_workflows {
        if workflow.runs.is_empty() {
            rows.push(Row::GlueIdle(workflow));
        }
        rows.extend(workflow.runs.iter().map(|r| Row::GlueRun(workflow, r)));
    }
    rows.retain(|row| needle.is_empty() || row.words().iter().any(|w| w.to_lowercase().contains(&needle)));
    rows
}

pub fn selected(app: &App) -> Option<Row<'_>> {
    visible(app).get(app.workflows.cursor.selected).copied()
}

/// Reads the executions again unless a read is out.
pub fn fetch(app: &mut App, effects: &mut Vec<Effect>) {
    if let Some(id) = app.workflows.request.start(app.now_ms) {
        effects.push(Effect::FetchWorkflows { id, since: since(app) });
    }
}

fn since(app: &App) -> DateTime<Utc> {
    let now = super::audit::reference_time(app);
    now - chrono::Duration::days(LISTED_DAYS)
}

/// The executions arrived (or why not). A failed read is tried again by the next refresh.
pub fn loaded(app: &mut App, id: RequestId, result: Result<WorkflowOverview, PlatformError>, at: DateTime<Utc>) {
    let now = app.now_ms;
    if !app.workflows.request.accept(id, now, &result) {
        return;
    }
    match result {
        Ok(data) => {
            for warning in &data.warnings {
                report_error(app, ErrorSource::Workflows, warning, at);
            }
            app.workflows.data = Some(data);
            let rows = visible(app).len();
            app.workflows.cursor.selected = app.workflows.cursor.selected.min(rows.saturating_sub(1));
        }
        Err(e) => report_error(app, ErrorSource::Workflows, &e.to_string(), at),
    }
}

/// A change came back: its answer is said, and the executions read again.
pub fn changed(app: &mut App, effects: &mut Vec<Effect>) {
    let id = app.workflows.request.restart(app.now_ms);
    effects.push(Effect::FetchWorkflows { id, since: since(app) });
}

fn start(app: &mut App) {
    let Some(row) = selected(app) else { return };
    let Some(machine) = row.state_machine().cloned() else {
        let title = format!("Start {}", row.workflow());
        return confirm::refuse(
            app,
            &title,
            "a Glue workflow is started by its triggers; s starts a state machine".into(),
        );
    };
    let change = WorkflowChange::Start { state_machine: machine.name.clone(), input: "{}".into() };
    let now = super::audit::reference_time(app);
    let planned = plan(&change, Found { state_machine: Some(&machine), ..Found::default() }, now);
    ask(app, title(&change), change, planned);
}

/// `i`: the input file's path is typed; read-only mode refuses before anything is asked.
fn ask_for_input(app: &mut App) {
    let Some(row) = selected(app) else { return };
    let Some(machine) = row.state_machine() else {
        let title = format!("Start {}", row.workflow());
        return confirm::refuse(
            app,
            &title,
            "a Glue workflow is started by its triggers; i starts a state machine".into(),
        );
    };
    let state_machine = machine.name.clone();
    let change = WorkflowChange::Start { state_machine: state_machine.clone(), input: "{}".into() };
    if confirm::refused(app, &title(&change), &Change::Workflow(change.clone())) {
        return;
    }
    app.mode = Mode::ExecutionInput { state_machine, input: String::new(), error: None };
}

/// The input file's path, typed; enter reads it (off the UI thread).
pub fn input_key(app: &mut App, command: Option<Command>, key: crossterm::event::KeyEvent, effects: &mut Vec<Effect>) {
    let Mode::ExecutionInput { state_machine, input, error } = &mut app.mode else { return };
    match edit_line(input, error, command, key) {
        LineKey::Cancel => app.mode = Mode::Normal,
        LineKey::Edited => {}
        LineKey::Submit if input.trim().is_empty() => *error = Some("type the path of a JSON file".into()),
        LineKey::Submit => {
            let effect = Effect::ReadExecutionInput { state_machine: state_machine.clone(), path: input.trim().into() };
            effects.push(effect);
            app.mode = Mode::Normal;
        }
    }
}

/// The input file was read (or why not): checked, then the start asked for.
pub fn input_read(app: &mut App, state_machine: String, path: String, result: Result<String, String>) {
    let input = match result {
        Ok(text) => text,
        Err(e) => {
            let change = WorkflowChange::Start { state_machine, input: String::new() };
            return confirm::refuse(app, &title(&change), format!("{path}: {e}"));
        }
    };
    let machine = app.workflows.data.as_ref().and_then(|d| d.state_machines.iter().find(|m| m.name == state_machine));
    let change = WorkflowChange::Start { state_machine: state_machine.clone(), input };
    let planned =
        plan(&change, Found { state_machine: machine, ..Found::default() }, super::audit::reference_time(app));
    ask(app, title(&change), change, planned);
}

/// `R` on a Glue workflow run: its failed jobs and crawlers run again, checked against the runs
/// as the last read found them.
fn resume_glue_run(app: &mut App) -> bool {
    let Some(Row::GlueRun(workflow, run)) = selected(app) else { return false };
    let (workflow, run_id) = (workflow.clone(), run.id.clone());
    let title = format!("Resume {} run {run_id}", workflow.name);
    match crate::ops::workflow::resume(&workflow.name, &run_id, Some(&workflow)) {
        Ok((change, lines)) => {
            let detail = lines.join("; ");
            confirm::ask(app, &title, lines, Change::Workflow(change), detail);
        }
        Err(refusal) => {
            // Journaled as `lakeops workflows resume` journals it: the run asked for, no nodes.
            let asked = WorkflowChange::ResumeGlueRun { workflow: workflow.name.clone(), run_id, nodes: Vec::new() };
            confirm::refuse_change(app, &title, &Change::Workflow(asked), &refusal);
        }
    }
    true
}

/// A stop or a redrive is checked against the execution as Step Functions describes it now
/// (its status, whether it may be redriven), not against the list read minutes ago.
/// Read-only mode refuses at once, before anything is read.
fn describe_then(app: &mut App, effects: &mut Vec<Effect>, change: fn(String) -> WorkflowChange) {
    let Some(execution) = selected(app).and_then(|row| row.execution().cloned()) else { return };
    let change = change(execution.arn);
    if confirm::refused(app, &title(&change), &Change::Workflow(change.clone())) {
        return;
    }
    effects.push(Effect::DescribeExecution { change });
}

fn title(change: &WorkflowChange) -> String {
    match change {
        WorkflowChange::Stop { execution } => format!("Stop {}", crate::model::execution_name(execution)),
        WorkflowChange::Redrive { execution } => format!("Redrive {}", crate::model::execution_name(execution)),
        WorkflowChange::Start { state_machine, .. } => format!("Start an execution of {state_machine}"),
        WorkflowChange::ResumeGlueRun { workflow, run_id, .. } => format!("Resume {workflow} run {run_id}"),
    }
}

/// Step Functions described the execution a stop or a redrive is for: check, then ask.
pub fn described(
    app: &mut App,
    change: WorkflowChange,
    result: Result<Option<ExecutionDetail>, PlatformError>,
    at: DateTime<Utc>,
) {
    let title = title(&change);
    match result {
        Ok(found) => {
            let planned = plan(&change, Found { execution: found.as_ref(), ..Found::default() }, at);
            ask(app, title, change, planned);
        }
        Err(e) => report_error(app, ErrorSource::Workflows, &format!("{title}: {e}"), at),
    }
}

fn ask(
    app: &mut App,
    title: String,
    change: WorkflowChange,
    planned: Result<Vec<String>, crate::ops::refusal::Refusal>,
) {
    match planned {
        Ok(lines) => {
            let detail = lines.join("; ");
            confirm::ask(app, &title, lines, Change::Workflow(change), detail);
        }
        Err(refusal) => confirm::refuse_change(app, &title, &Change::Workflow(change), &refusal),
    }
}
