//! The sandbox's nightly state machine rehearses an orchestration incident end to end: the
//! `workflow-failure` fault fails its Glue job step, the execution fails at that state, the alarm
//! fires; once the fault is off a redrive succeeds. And it runs on its schedule by itself.

mod support;

use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use lakeops::model::{Change, Health, Layer, PlatformSnapshot, WorkflowChange};
use lakeops::ops::health::{assess, Thresholds};
use lakeops::platform::Platform;
use lakeops::sandbox::{Fault, ManualClock, Sandbox};

const MINUTE: i64 = 60_000;

fn start() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 20, 14, 0, 0).unwrap()
}

async fn snapshot(s: &Sandbox) -> PlatformSnapshot {
    s.snapshot().await.expect("snapshot")
}

fn orchestration(loaded: &lakeops::settings::Loaded, snapshot: &PlatformSnapshot) -> (Health, String) {
    let layers = assess(snapshot, Thresholds::from_alarms(&loaded.settings.platform.alarms));
    let l = layers.into_iter().find(|l| l.layer == Layer::Orchestration).expect("the layer is shown");
    (l.health, l.reason)
}

/// Lets model time pass a minute at a time (the model steps when it is read).
async fn pass(s: &Sandbox, clock: &ManualClock, minutes: i64) {
    for _ in 0..minutes {
        clock.advance(MINUTE);
        snapshot(s).await;
    }
}

#[tokio::test]
async fn workflow_failure_fails_the_job_step_and_a_redrive_succeeds_once_it_is_off() {
    let (loaded, clock, s, dir) = support::sandbox_lab(start());
    let gate = support::sandbox_gate(dir.path());

    // The last three nights ran.
    let listed = s.workflows(start() - Duration::days(7), false).await.unwrap();
    let machine = &listed.state_machines[0];
    assert_eq!(machine.name, "clickstream-nightly");
    let names: Vec<&str> = machine.executions.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["scheduled-20260320T0240Z", "scheduled-20260319T0240Z", "scheduled-20260318T0240Z"]);
    assert!(machine.executions.iter().all(|e| e.status == "SUCCEEDED"));
    assert_eq!(orchestration(&loaded, &snapshot(&s).await).0, Health::Ok);

    // Quarter past: the hour's scheduled run of the job has ended (a run going would fail the
    // job step with ConcurrentRunsExceeded, `the_job_step_fails_when_…`).
    pass(&s, &clock, 15).await;
    s.with_model(|m| m.set_fault(Fault::WorkflowFailure, true)).unwrap();
    let start_one = Change::Workflow(WorkflowChange::Start { state_machine: machine.name.clone(), input: "{}".into() });
    let started = gate.apply(&s, &start_one, "").await.expect("started").answer();
    let arn = started.trim_start_matches("execution ").trim_end_matches(" started").to_string();
    pass(&s, &clock, 20).await;

    let failed = s.execution(&arn).await.unwrap().expect("the execution");
    assert_eq!(failed.execution.status, "FAILED");
    let failure = failed.execution.failure.clone().expect("where it failed");
    assert_eq!(failure.state.as_deref(), Some("RunCurateJob"));
    assert_eq!(failure.error, "States.TaskFailed");
    assert!(failure.cause.contains("of clickstream-curate FAILED"), "{}", failure.cause);
    let now = snapshot(&s).await;
    let (health, reason) = orchestration(&loaded, &now);
    assert_eq!(health, Health::Critical, "{reason}");
    assert!(reason.contains("FAILED") && reason.contains("at RunCurateJob"), "{reason}");
    let alarms = now.alarms.ready().unwrap();
    let alarm = alarms.alarms.iter().find(|a| a.name == "clickstream-nightly-failed").expect("the alarm");
    assert_eq!(alarm.state, "ALARM");
    let failed_only = s.workflows(start(), true).await.unwrap();
    assert_eq!(failed_only.state_machines[0].executions.len(), 1);

    // Redriven while the fault is on, it fails again at the same state.
    let redrive = Change::Workflow(WorkflowChange::Redrive { execution: arn.clone() });
    gate.apply(&s, &redrive, "").await.expect("redriven");
    pass(&s, &clock, 15).await;
    assert_eq!(s.execution(&arn).await.unwrap().unwrap().execution.status, "FAILED");

    s.with_model(|m| m.set_fault(Fault::WorkflowFailure, false)).unwrap();
    gate.apply(&s, &redrive, "").await.expect("redriven");
    pass(&s, &clock, 15).await;
    let done = s.execution(&arn).await.unwrap().unwrap().execution;
    assert_eq!((done.status.as_str(), done.redrive_count), ("SUCCEEDED", 2));
    assert!(done.failure.is_none());
    let trail = s.with_model(|m| m.trail.iter().filter(|e| e.source == "states.amazonaws.com").count()).unwrap();
    assert!(trail >= 3, "StartExecution and two RedriveExecution calls are in CloudTrail");
}

#[tokio::test]
async fn the_nightly_execution_starts_on_its_schedule() {
    let loaded = support::sandbox_settings();
    let clock = Arc::new(ManualClock::new(start().timestamp_millis()));
    let s = Sandbox::in_memory(&loaded.settings, clock.clone());
    snapshot(&s).await;
    // From 14:00 to 02:45 the next night.
    clock.advance(12 * 60 * MINUTE + 40 * MINUTE);
    pass(&s, &clock, 5).await;
    let listed = s.workflows(start(), false).await.unwrap();
    let newest = &listed.state_machines[0].executions[0];
    assert_eq!(newest.name, "scheduled-20260321T0240Z");
    assert_eq!(newest.status, "RUNNING");
}

#[tokio::test]
async fn a_profile_without_orchestration_shows_no_such_layer() {
    let mut loaded = support::sandbox_settings();
    loaded.settings.platform.orchestration.nightly = false;
    loaded.settings.platform.emr.mode = lakeops::model::EmrMode::Off;
    let clock = Arc::new(ManualClock::new(start().timestamp_millis()));
    let s = Sandbox::in_memory(&loaded.settings, clock);
    let layers = assess(&snapshot(&s).await, Thresholds::from_alarms(&loaded.settings.platform.alarms));
    // The first pipeline's eight and the five layers the sandbox profile adds.
    assert_eq!(layers.len(), 13);
    assert!(layers.iter().all(|l| l.layer != Layer::Orchestration && l.layer != Layer::Processing));
    assert!(s.workflows(start(), false).await.unwrap().state_machines.is_empty());
}

/// The overview counts the executions running, not the state machines whose newest runs: an
/// older execution still running beside a newer one stopped is one running.
#[tokio::test]
async fn running_counts_executions_not_the_newest_alone() {
    let (loaded, clock, s, dir) = support::sandbox_lab(start());
    let gate = support::sandbox_gate(dir.path());
    let start_one =
        Change::Workflow(WorkflowChange::Start { state_machine: "clickstream-nightly".into(), input: "{}".into() });
    gate.apply(&s, &start_one, "").await.expect("started");
    clock.advance(1_000);
    let newer = gate.apply(&s, &start_one, "").await.expect("started").answer();
    let arn = newer.trim_start_matches("execution ").trim_end_matches(" started").to_string();
    gate.apply(&s, &Change::Workflow(WorkflowChange::Stop { execution: arn }), "").await.expect("stopped");
    let snapshot = snapshot(&s).await;
    let running = |snapshot: &PlatformSnapshot| {
        let layers = assess(snapshot, Thresholds::from_alarms(&loaded.settings.platform.alarms));
        let l = layers.into_iter().find(|l| l.layer == Layer::Orchestration).unwrap();
        l.numbers.into_iter().find(|n| n.label == "running").and_then(|n| n.value)
    };
    assert_eq!(running(&snapshot), Some(1.0), "the older execution runs on");
}

/// The nightly execution's job step meets the curate job's max concurrent runs (1) as
/// `glue:startJobRun.sync` does on AWS: a run already going fails the execution at that state.
#[tokio::test]
async fn the_job_step_fails_when_the_job_is_at_its_max_concurrent_runs() {
    let (_loaded, clock, s, dir) = support::sandbox_lab(start());
    let gate = support::sandbox_gate(dir.path());
    let run = lakeops::model::GlueChange::StartJobRun { job: "clickstream-curate".into(), arguments: Vec::new() };
    gate.apply(&s, &Change::Glue(run), "").await.expect("a manual run");
    let start_one =
        Change::Workflow(WorkflowChange::Start { state_machine: "clickstream-nightly".into(), input: "{}".into() });
    let started = gate.apply(&s, &start_one, "").await.expect("started").answer();
    let arn = started.trim_start_matches("execution ").trim_end_matches(" started").to_string();
    pass(&s, &clock, 3).await;
    let detail = s.execution(&arn).await.unwrap().expect("the execution");
    assert_eq!(detail.execution.status, "FAILED", "{detail:?}");
    let failure = detail.execution.failure.clone().expect("why");
    assert_eq!(failure.error, "Glue.ConcurrentRunsExceededException", "{failure:?}");
    let glue = s.glue_job("clickstream-curate").await.unwrap().unwrap();
    assert_eq!(glue.active_runs().count(), 1, "no second run was started");
}
