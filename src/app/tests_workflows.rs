//! `:workflows`' reducer: it reads when opened and on refresh, lists executions newest first with
//! a filter, checks a stop or a redrive against Step Functions' description before asking, and
//! reads again after a change.

use chrono::{Duration, TimeZone, Utc};
use crossterm::event::KeyCode;

use super::tests::{app, awaited, changes, key, type_text};
use super::*;
use crate::model::{
    Applied, Change, Execution, ExecutionDetail, ExecutionFailure, Redrive, StateMachine, WorkflowChange,
    WorkflowOverview,
};

fn at() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 3, 9, 0, 0).unwrap()
}

/// One state machine, `nightly`, with an execution of each status given, newest first.
pub(super) fn overview(statuses: &[&str]) -> WorkflowOverview {
    let executions = statuses
        .iter()
        .enumerate()
        .map(|(i, status)| Execution {
            arn: format!("arn:aws:states:us-east-1:123456789012:execution:nightly:run-{i}"),
            name: format!("run-{i}"),
            state_machine: "nightly".into(),
            status: status.to_string(),
            started: at() - Duration::hours(i as i64 + 1),
            stopped: (*status != "RUNNING").then(|| at() - Duration::minutes(30)),
            redrive_count: 0,
            failure: crate::model::is_failed_status(status).then(|| ExecutionFailure {
                state: Some("RunCurateJob".into()),
                error: "States.TaskFailed".into(),
                cause: "the job failed".into(),
            }),
        })
        .collect();
    WorkflowOverview {
        state_machines: vec![StateMachine {
            name: "nightly".into(),
            arn: Some("arn:aws:states:us-east-1:123456789012:stateMachine:nightly".into()),
            executions,
        }],
        glue_workflows: vec![],
        warnings: vec![],
    }
}

fn opened(statuses: &[&str]) -> App {
    let mut app = app();
    type_text(&mut app, ":workflows");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.view(), ViewId::Workflows);
    let id = awaited(&app.workflows.request);
    update(&mut app, Action::WorkflowsLoaded { id, result: Ok(Box::new(overview(statuses))), at: at() }, 10);
    app
}

fn describe(app: &mut App, key_char: char) -> Vec<Effect> {
    let effects = key(app, KeyCode::Char(key_char));
    let Some(Effect::DescribeExecution { change }) =
        effects.iter().find(|e| matches!(e, Effect::DescribeExecution { .. })).cloned()
    else {
        panic!("{key_char} describes the execution first: {effects:?}")
    };
    let execution = overview(&["FAILED", "RUNNING"]).state_machines[0]
        .executions
        .iter()
        .find(|e| e.arn == change.target())
        .cloned()
        .map(|execution| {
            Box::new(ExecutionDetail { execution, input: None, redrive: Redrive { status: None, reason: None } })
        });
    update(app, Action::ExecutionDescribed { change, result: Ok(execution), at: at() }, 30)
}

#[test]
fn opening_reads_the_executions_and_a_filter_narrows_them() {
    let mut app = opened(&["FAILED", "RUNNING", "SUCCEEDED"]);
    assert_eq!(workflows::visible(&app).len(), 3);
    type_text(&mut app, "/");
    type_text(&mut app, "runn");
    assert_eq!(workflows::visible(&app).len(), 1);
    assert_eq!(workflows::visible(&app)[0].execution().unwrap().status, "RUNNING");
}

#[test]
fn a_redrive_is_asked_after_step_functions_describes_the_execution_and_a_stop_of_a_failed_one_is_refused() {
    let mut app = opened(&["FAILED", "RUNNING"]);
    describe(&mut app, 'x');
    let Mode::Confirm(dialog) = &app.mode else { panic!("a dialog: {:?}", app.mode) };
    assert!(dialog.effect.is_none());
    assert!(dialog.refusal.as_deref().unwrap().contains("run-0 is FAILED: only a RUNNING execution can be stopped"));
    key(&mut app, KeyCode::Esc);

    describe(&mut app, 'R');
    let Mode::Confirm(dialog) = &app.mode else { panic!("a dialog: {:?}", app.mode) };
    assert!(dialog.lines[1].contains("it restarts from \"RunCurateJob\""), "{:?}", dialog.lines);
    let effects = key(&mut app, KeyCode::Enter);
    let made = changes(&effects);
    assert_eq!(made.len(), 1);
    let change = made[0].clone();
    assert!(
        matches!(&change, Change::Workflow(WorkflowChange::Redrive { execution }) if execution.ends_with(":run-0"))
    );

    // The answer is said, and the list read again.
    let answered = super::tests::answered(change, Ok(Applied::Answer("run-0 redriven".into())));
    let effects = update(&mut app, answered, 50);
    assert!(effects.iter().any(|e| matches!(e, Effect::FetchWorkflows { .. })), "{effects:?}");
}

/// `:workflows` with the Glue workflow `flow` and its run `wr_1` selected, which ended with
/// `failed_nodes`.
fn on_a_glue_run(failed_nodes: Vec<crate::model::FailedNode>) -> App {
    use crate::model::{GlueWorkflow, GlueWorkflowRun};
    let mut app = app();
    type_text(&mut app, ":workflows");
    key(&mut app, KeyCode::Enter);
    let mut data = overview(&[]);
    data.glue_workflows.push(GlueWorkflow {
        name: "flow".into(),
        exists: true,
        runs: vec![GlueWorkflowRun {
            id: "wr_1".into(),
            status: "COMPLETED".into(),
            started: Some(at() - Duration::hours(1)),
            completed: Some(at() - Duration::minutes(40)),
            total_actions: 2,
            succeeded_actions: 1,
            failed_actions: failed_nodes.len() as u32,
            error: None,
            failed_nodes,
        }],
    });
    let id = awaited(&app.workflows.request);
    update(&mut app, Action::WorkflowsLoaded { id, result: Ok(Box::new(data)), at: at() }, 10);
    // The state machine without executions first, then the run.
    key(&mut app, KeyCode::Char('j'));
    app
}

#[test]
fn r_on_a_glue_workflow_run_asks_to_resume_its_failed_nodes() {
    let mut app = on_a_glue_run(vec![crate::model::FailedNode {
        kind: "CRAWLER".into(),
        name: "raw".into(),
        node_id: "wnode_2".into(),
        state: "FAILED".into(),
        error: None,
    }]);
    let effects = key(&mut app, KeyCode::Char('R'));
    assert!(effects.is_empty(), "checked against the run as read: {effects:?}");
    let Mode::Confirm(dialog) = &app.mode else { panic!("a dialog: {:?}", app.mode) };
    assert_eq!(dialog.lines[1], "runs again: crawler raw (FAILED)");
    let made = key(&mut app, KeyCode::Enter);
    let change = changes(&made)[0].clone();
    assert_eq!(
        change,
        Change::Workflow(WorkflowChange::ResumeGlueRun {
            workflow: "flow".into(),
            run_id: "wr_1".into(),
            nodes: vec!["wnode_2".into()]
        })
    );
    // `s` on a Glue run says what starts it instead.
    let effects = key(&mut app, KeyCode::Char('s'));
    assert!(changes(&effects).is_empty());
}

/// A run with nothing to resume is refused, and the refusal journaled as `lakeops workflows
/// resume` journals it.
#[test]
fn r_on_a_glue_run_with_nothing_to_resume_is_refused_and_journaled() {
    let mut app = on_a_glue_run(Vec::new());
    let effects = key(&mut app, KeyCode::Char('R'));
    let Mode::Confirm(dialog) = &app.mode else { panic!("a dialog: {:?}", app.mode) };
    assert!(dialog.refusal.as_deref().unwrap().contains("there is nothing to resume"), "{dialog:?}");
    let Some(Effect::Record { action, target, outcome, .. }) =
        effects.iter().find(|e| matches!(e, Effect::Record { .. }))
    else {
        panic!("journaled: {effects:?}")
    };
    let asked = WorkflowChange::ResumeGlueRun { workflow: "flow".into(), run_id: "wr_1".into(), nodes: Vec::new() };
    assert_eq!((*action, target.as_str()), (asked.action(), asked.target()));
    assert!(outcome.starts_with("refused: the rule"), "{outcome}");
}

#[test]
fn i_reads_the_input_file_then_asks_or_refuses_input_that_is_not_json() {
    let mut app = opened(&["SUCCEEDED"]);
    key(&mut app, KeyCode::Char('i'));
    assert!(matches!(app.mode, Mode::ExecutionInput { .. }), "{:?}", app.mode);
    type_text(&mut app, "/tmp/in.json");
    let effects = key(&mut app, KeyCode::Enter);
    let Some(Effect::ReadExecutionInput { state_machine, path }) = effects.into_iter().next() else {
        panic!("the file is read off the UI thread")
    };
    assert_eq!((state_machine.as_str(), path.as_str()), ("nightly", "/tmp/in.json"));
    let read = |result: Result<String, String>| Action::ExecutionInputRead {
        state_machine: "nightly".into(),
        path: "/tmp/in.json".into(),
        result,
    };
    update(&mut app, read(Ok("{\"day\": \"2026-12-02\"}".into())), 30);
    let Mode::Confirm(dialog) = &app.mode else { panic!("a dialog: {:?}", app.mode) };
    assert_eq!(dialog.lines.last().map(String::as_str), Some("input: {\"day\": \"2026-12-02\"}"));
    assert!(dialog.effect.is_some());
    key(&mut app, KeyCode::Esc);
    update(&mut app, read(Ok("day=2026-12-02".into())), 40);
    let Mode::Confirm(dialog) = &app.mode else { panic!("a dialog: {:?}", app.mode) };
    assert!(dialog.refusal.as_deref().unwrap().contains("the input is not JSON"));
    key(&mut app, KeyCode::Esc);
    update(&mut app, read(Err("No such file or directory (os error 2)".into())), 50);
    let Mode::Confirm(dialog) = &app.mode else { panic!("a dialog: {:?}", app.mode) };
    assert_eq!(dialog.refusal.as_deref(), Some("/tmp/in.json: No such file or directory (os error 2)"));
}

/// A view shown again after more than a refresh off screen reads again at once (it showed
/// executions that had ended as RUNNING until the next refresh); sooner, what it has stands.
#[test]
fn shown_again_after_a_refresh_off_screen_it_reads_again() {
    let mut app = opened(&["RUNNING"]);
    let fetches = |effects: &[Effect]| effects.iter().filter(|e| matches!(e, Effect::FetchWorkflows { .. })).count();
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.view(), ViewId::Overview);
    let back_soon = {
        type_text(&mut app, ":workflows");
        let effects = update(&mut app, Action::Key(KeyCode::Enter.into()), 20);
        fetches(&effects)
    };
    assert_eq!(back_soon, 0, "within a refresh: no read");
    key(&mut app, KeyCode::Esc);
    type_text(&mut app, ":workflows");
    let later = app.refresh_interval_ms + 100;
    let effects = update(&mut app, Action::Key(KeyCode::Enter.into()), later);
    assert_eq!(fetches(&effects), 1, "off screen for more than a refresh: read again");
}
