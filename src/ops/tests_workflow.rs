use chrono::{Duration, TimeZone, Utc};

use super::*;
use crate::model::{Execution, ExecutionFailure, GlueWorkflow, Redrive};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 3, 9, 0, 0).unwrap()
}

fn detail(status: &str, stopped_days_ago: Option<i64>, redrive: Option<&str>) -> ExecutionDetail {
    ExecutionDetail {
        execution: Execution {
            arn: "arn:aws:states:us-east-1:123456789012:execution:nightly:run-1".into(),
            name: "run-1".into(),
            state_machine: "nightly".into(),
            status: status.into(),
            started: now() - Duration::hours(30),
            stopped: stopped_days_ago.map(|d| now() - Duration::days(d)),
            redrive_count: 0,
            failure: Some(ExecutionFailure {
                state: Some("RunCurateJob".into()),
                error: "States.TaskFailed".into(),
                cause: "the job failed".into(),
            }),
        },
        input: Some("{}".into()),
        redrive: Redrive {
            status: redrive.map(String::from),
            reason: redrive
                .filter(|s| *s != "REDRIVABLE")
                .map(|_| "Execution is RUNNING and cannot be redriven".into()),
        },
    }
}

fn stop() -> WorkflowChange {
    WorkflowChange::Stop { execution: "arn:x".into() }
}

fn redrive() -> WorkflowChange {
    WorkflowChange::Redrive { execution: "arn:x".into() }
}

fn refusal(result: Result<Vec<String>, Refusal>) -> String {
    result.expect_err("refused").text()
}

#[test]
fn input_must_be_json_within_the_payload_limit() {
    assert_eq!(check_input("{\"day\": \"2026-12-02\"}").unwrap(), "{\"day\": \"2026-12-02\"}");
    let not_json = check_input("day=2026-12-02").unwrap_err().text();
    assert!(not_json.starts_with("refused by the rule \"execution input\": the input is not JSON"), "{not_json}");
    let big = format!("\"{}\"", "x".repeat(MAX_INPUT_BYTES));
    assert!(check_input(&big).unwrap_err().text().contains("at most 262144"));
}

#[test]
fn only_a_running_execution_is_stopped() {
    let lines =
        plan(&stop(), Found { execution: Some(&detail("RUNNING", None, None)), ..Found::default() }, now()).unwrap();
    assert!(lines[0].starts_with("StopExecution of run-1 (nightly), RUNNING since"), "{lines:?}");
    for status in ["SUCCEEDED", "FAILED", "ABORTED", "TIMED_OUT"] {
        let text = refusal(plan_for(&stop(), status, Some(1), None));
        assert!(text.contains(&format!("run-1 is {status}: only a RUNNING execution can be stopped")), "{text}");
    }
    let unknown = refusal(plan(&stop(), Found::default(), now()));
    assert_eq!(unknown, "refused by the rule \"a running execution\": there is no execution arn:x");
}

fn plan_for(
    change: &WorkflowChange,
    status: &str,
    days: Option<i64>,
    redrive: Option<&str>,
) -> Result<Vec<String>, Refusal> {
    plan(change, Found { execution: Some(&detail(status, days, redrive)), ..Found::default() }, now())
}

#[test]
fn a_redrive_needs_a_failed_execution_inside_the_window_that_step_functions_calls_redrivable() {
    for status in ["FAILED", "TIMED_OUT", "ABORTED"] {
        let lines = plan_for(&redrive(), status, Some(1), Some("REDRIVABLE")).unwrap();
        assert!(lines[1].starts_with("it restarts from \"RunCurateJob\", where it failed"), "{lines:?}");
    }
    // moto does not say: the window decides.
    assert!(plan_for(&redrive(), "FAILED", Some(13), None).is_ok());
    let old = refusal(plan_for(&redrive(), "FAILED", Some(15), None));
    assert!(old.contains("can be redriven within 14 days of stopping"), "{old}");
    let running = refusal(plan_for(&redrive(), "RUNNING", None, None));
    assert!(
        running.contains("run-1 is RUNNING: only a FAILED, TIMED_OUT or ABORTED execution can be redriven"),
        "{running}"
    );
    let succeeded = refusal(plan_for(&redrive(), "SUCCEEDED", Some(1), None));
    assert!(succeeded.contains("is SUCCEEDED"), "{succeeded}");
    let said_no = refusal(plan_for(&redrive(), "FAILED", Some(1), Some("NOT_REDRIVABLE")));
    assert!(said_no.contains("run-1 is NOT_REDRIVABLE: Execution is RUNNING and cannot be redriven"), "{said_no}");
}

#[test]
fn a_start_names_the_machine_and_warns_of_one_still_running() {
    let start = |input: &str| WorkflowChange::Start { state_machine: "nightly".into(), input: input.into() };
    let unknown = refusal(plan(&start("{}"), Found::default(), now()));
    assert!(unknown.contains("there is no state machine \"nightly\""), "{unknown}");
    let mut machine = StateMachine {
        name: "nightly".into(),
        arn: Some("arn:aws:states:us-east-1:123456789012:stateMachine:nightly".into()),
        executions: vec![detail("RUNNING", None, None).execution],
    };
    let lines =
        plan(&start("{ \"a\":\n 1 }"), Found { state_machine: Some(&machine), ..Found::default() }, now()).unwrap();
    assert_eq!(lines[0], "StartExecution of nightly");
    assert!(lines[1].contains("run-1 is still RUNNING"), "{lines:?}");
    assert_eq!(lines[2], "input: { \"a\": 1 }");
    machine.executions.clear();
    let bad = refusal(plan(&start("nope"), Found { state_machine: Some(&machine), ..Found::default() }, now()));
    assert!(bad.contains("the input is not JSON"), "{bad}");
}

fn glue_workflow(status: &str, failed: bool) -> GlueWorkflow {
    use crate::model::{FailedNode, GlueWorkflowRun};
    let failed_nodes = if failed {
        vec![FailedNode {
            kind: "JOB".into(),
            name: "curate".into(),
            node_id: "wnode_1".into(),
            state: "FAILED".into(),
            error: Some("OutOfMemoryError".into()),
        }]
    } else {
        vec![]
    };
    GlueWorkflow {
        name: "flow".into(),
        exists: true,
        runs: vec![GlueWorkflowRun {
            id: "wr_1".into(),
            status: status.into(),
            started: Some(now()),
            completed: None,
            total_actions: 2,
            succeeded_actions: 1,
            failed_actions: failed as u32,
            error: None,
            failed_nodes,
        }],
    }
}

#[test]
fn a_glue_workflow_run_is_resumed_at_its_failed_nodes_only_once_it_ended() {
    let failed = glue_workflow("COMPLETED", true);
    let (change, lines) = resume("flow", "wr_1", Some(&failed)).unwrap();
    assert_eq!(
        change,
        WorkflowChange::ResumeGlueRun { workflow: "flow".into(), run_id: "wr_1".into(), nodes: vec!["wnode_1".into()] }
    );
    assert_eq!(lines[1], "runs again: job curate (FAILED: OutOfMemoryError)");
    assert_eq!(plan(&change, Found { glue_workflow: Some(&failed), ..Found::default() }, now()).unwrap(), lines);
    let running = resume("flow", "wr_1", Some(&glue_workflow("RUNNING", true))).unwrap_err().text();
    assert!(running.contains("run wr_1 is RUNNING: wait for it to end"), "{running}");
    let clean = resume("flow", "wr_1", Some(&glue_workflow("COMPLETED", false))).unwrap_err().text();
    assert!(clean.contains("with no failed job or crawler: there is nothing to resume"), "{clean}");
    let unknown = resume("flow", "wr_9", Some(&failed)).unwrap_err().text();
    assert!(unknown.contains("flow has no run wr_9 among its 1 newest runs"), "{unknown}");
    assert!(resume("gone", "wr_1", None).unwrap_err().text().contains("there is no Glue workflow \"gone\""));
}

#[test]
fn an_input_file_is_read_up_to_the_payload_limit() {
    let dir = tempfile::tempdir().unwrap();
    let small = dir.path().join("in.json");
    std::fs::write(&small, "{}").unwrap();
    assert_eq!(read_input(&small).unwrap(), "{}");
    let big = dir.path().join("big.json");
    std::fs::write(&big, vec![b' '; MAX_INPUT_BYTES + 10]).unwrap();
    assert!(read_input(&big).unwrap_err().contains("over 262144 bytes"));
    assert!(read_input(&dir.path().join("none.json")).is_err());
}
