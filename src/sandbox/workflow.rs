//! The sandbox's nightly state machine, as the stack's definition runs it: start the crawler,
//! wait for it, run the curate job and wait for that run (`.sync`), failing loudly when a step
//! fails. Its steps drive the sandbox's own crawler and job, so a run it starts shows in `:glue`
//! and its failures follow the same faults (`workflow-failure` fails its job step).

use std::collections::VecDeque;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::state::SimState;
use crate::model::*;
use crate::platform::ServiceError;
use crate::provision::template::NIGHTLY_STATES;
use crate::settings::Settings;

/// Executions kept per state machine (a month of nights and some starts by hand).
const EXECUTIONS_KEPT: usize = 60;
/// How often the definition's wait loop looks at the crawler again.
const CRAWLER_POLL_MS: i64 = 30_000;
/// Who starts what the state machine starts, in CloudTrail.
const STATES: &str = "states.amazonaws.com";

/// The states of the stack's definition (`provision::template::NIGHTLY_STATES`) an execution
/// sits in here, in order: the crawler's poll loop is one state, as an execution waiting for the
/// crawler shows in `WaitForCrawler`.
const STATES_IN_ORDER: [&str; 3] = [NIGHTLY_STATES[0], NIGHTLY_STATES[1], NIGHTLY_STATES[4]];
const START_CRAWLER: usize = 0;
const WAIT_FOR_CRAWLER: usize = 1;
/// The definition's Fail state for a failed crawl, which names its error.
const CRAWLER_FAILED: &str = NIGHTLY_STATES[6];

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct WorkflowState {
    /// The nightly state machine's name; empty until the model first steps with orchestration on.
    pub state_machine: String,
    /// `arn:aws:states:<region>:<the sandbox's account>:`
    pub arn_prefix: String,
    /// The day (epoch days) of the last scheduled start considered.
    pub schedule_day: i64,
    /// Oldest first.
    pub executions: VecDeque<SimExecution>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SimExecution {
    pub name: String,
    pub status: String,
    pub started_ms: i64,
    pub stopped_ms: Option<i64>,
    pub input: String,
    /// Index in [`STATES_IN_ORDER`] of the state it is in (or failed in).
    pub state: usize,
    /// When it next acts (the crawler poll, the end of a step).
    pub next_ms: i64,
    /// The Glue run its job step started.
    pub job_run: Option<String>,
    pub failure: Option<(String, String)>,
    pub redrive_count: u32,
}

/// Minutes after midnight UTC a daily `cron(M H * * ? *)` names (other schedules: 02:40).
fn daily_minute(schedule: &str) -> i64 {
    let fields: Vec<&str> = schedule.trim_start_matches("cron(").trim_end_matches(')').split_whitespace().collect();
    match (fields.first().and_then(|m| m.parse::<i64>().ok()), fields.get(1).and_then(|h| h.parse::<i64>().ok())) {
        (Some(m), Some(h)) if m < 60 && h < 24 => h * 60 + m,
        _ => 160,
    }
}

const DAY_MS: i64 = 86_400_000;

impl SimState {
    /// Sets up the nightly state machine the first time the model steps with it (a fresh sandbox,
    /// or one saved before it existed), with the last three nights behind it.
    fn workflow_setup(&mut self, settings: &Settings) {
        let o = &settings.platform.orchestration;
        if !o.nightly || !self.workflow.state_machine.is_empty() {
            return;
        }
        self.workflow.state_machine = o.state_machine.clone();
        self.workflow.arn_prefix = format!("arn:aws:states:{}:{}:", settings.aws.region, super::stack::SANDBOX_ACCOUNT);
        let at = daily_minute(&o.schedule) * 60_000;
        let today = self.now_ms.div_euclid(DAY_MS);
        let last = if self.now_ms.rem_euclid(DAY_MS) >= at + 15 * 60_000 { today } else { today - 1 };
        for day in (last - 2)..=last {
            let started_ms = day * DAY_MS + at;
            self.workflow.executions.push_back(SimExecution {
                name: scheduled_name(started_ms),
                status: "SUCCEEDED".into(),
                started_ms,
                stopped_ms: Some(started_ms + 9 * 60_000 + (day % 7) * 20_000),
                input: "{}".into(),
                state: STATES_IN_ORDER.len() - 1,
                next_ms: 0,
                job_run: None,
                failure: None,
                redrive_count: 0,
            });
        }
        // Within a quarter of an hour of the start time, tonight's execution starts live.
        self.workflow.schedule_day = if self.now_ms.rem_euclid(DAY_MS) >= at { last.max(today - 1) } else { today - 1 };
        let alarm =
            format!("{}-{}", settings.platform.stack_name, crate::provision::template::alarm_names::NIGHTLY_FAILED);
        if !self.alarms.iter().any(|a| a.name == alarm) {
            self.alarms.push(super::state::AlarmState {
                name: alarm,
                metric: "AWS/States ExecutionsFailed".into(),
                state: "OK".into(),
                reason: "Threshold not crossed".into(),
                since_ms: self.now_ms,
            });
        }
    }

    /// Starts the night's execution when its time comes, and moves every running one on.
    pub(super) fn workflow_step(&mut self, settings: &Settings) {
        self.workflow_setup(settings);
        if self.workflow.state_machine.is_empty() {
            return;
        }
        let at = daily_minute(&settings.platform.orchestration.schedule) * 60_000;
        let today = self.now_ms.div_euclid(DAY_MS);
        if today > self.workflow.schedule_day && self.now_ms.rem_euclid(DAY_MS) >= at {
            self.workflow.schedule_day = today;
            let name = scheduled_name(today * DAY_MS + at);
            self.start_execution(&name, "{}", "events.amazonaws.com");
        }
        for i in 0..self.workflow.executions.len() {
            let e = &self.workflow.executions[i];
            if e.status == "RUNNING" && self.now_ms >= e.next_ms {
                self.execution_step(i);
            }
        }
    }

    fn start_execution(&mut self, name: &str, input: &str, user: &str) {
        self.workflow.executions.push_back(SimExecution {
            name: name.to_string(),
            status: "RUNNING".into(),
            started_ms: self.now_ms,
            stopped_ms: None,
            input: input.to_string(),
            state: 0,
            next_ms: self.now_ms,
            job_run: None,
            failure: None,
            redrive_count: 0,
        });
        while self.workflow.executions.len() > EXECUTIONS_KEPT {
            self.workflow.executions.pop_front();
        }
        let machine = self.workflow.state_machine.clone();
        self.record(user, STATES, "StartExecution", &machine, false);
    }

    /// One step of a running execution's current state.
    fn execution_step(&mut self, i: usize) {
        let now = self.now_ms;
        let state = self.workflow.executions[i].state;
        match state {
            START_CRAWLER => {
                // The definition catches CrawlerRunningException: a crawl already going is waited for.
                let _already_running = self.start_crawler(STATES).is_err();
                self.next_state(i, now + CRAWLER_POLL_MS);
            }
            WAIT_FOR_CRAWLER => {
                if self.glue.crawler_state != "READY" {
                    self.workflow.executions[i].next_ms = now + CRAWLER_POLL_MS;
                } else if matches!(self.glue.crawler_last_status.as_deref(), Some("FAILED" | "CANCELLED")) {
                    let cause = format!(
                        "crawler {} failed its crawl: {}",
                        self.glue.crawler,
                        self.glue.crawler_last_error.clone().unwrap_or_else(|| "no error message".into())
                    );
                    self.fail_execution(i, CRAWLER_FAILED, cause);
                } else {
                    self.next_state(i, now);
                }
            }
            _ => self.job_step(i),
        }
    }

    fn job_step(&mut self, i: usize) {
        let now = self.now_ms;
        let Some(run_id) = self.workflow.executions[i].job_run.clone() else {
            // StartJobRun at the job's max concurrent runs (1) fails the task, as
            // `glue:startJobRun.sync` fails it on AWS: the collision a schedule beside a manual run
            // meets.
            if self.glue.active_runs() >= 1 {
                let holding: Vec<String> = self
                    .glue
                    .runs
                    .iter()
                    .filter(|r| crate::model::is_active_state(&r.state))
                    .map(|r| r.id.clone())
                    .collect();
                let cause = format!(
                    "Concurrent runs exceeded for {}: {} of its 1 allowed running ({})",
                    self.glue.job,
                    holding.len(),
                    holding.join(", ")
                );
                return self.fail_execution(i, "Glue.ConcurrentRunsExceededException", cause);
            }
            let name = self.workflow.executions[i].name.clone();
            let id = self.start_job_run(STATES, vec![("--execution".into(), name)]);
            if self.has_fault(Fault::WorkflowFailure) {
                if let Some(run) = self.glue.runs.iter_mut().find(|r| r.id == id) {
                    run.fails = true;
                }
            }
            let e = &mut self.workflow.executions[i];
            e.job_run = Some(id);
            e.next_ms = now + 10_000;
            return;
        };
        let run = self.glue.runs.iter().find(|r| r.id == run_id).map(|r| (r.state.clone(), r.error.clone()));
        match run {
            Some((state, _)) if state == "SUCCEEDED" => {
                let e = &mut self.workflow.executions[i];
                e.status = "SUCCEEDED".into();
                e.stopped_ms = Some(now);
            }
            Some((state, error)) if matches!(state.as_str(), "FAILED" | "STOPPED" | "TIMEOUT" | "ERROR") => {
                let cause = format!(
                    "Glue job run {run_id} of {} {state}: {}",
                    self.glue.job,
                    error.unwrap_or_else(|| "no error message".into())
                );
                self.fail_execution(i, "States.TaskFailed", cause);
            }
            Some(_) => self.workflow.executions[i].next_ms = now + 10_000,
            None => self.fail_execution(i, "States.TaskFailed", format!("Glue job run {run_id} is gone")),
        }
    }

    fn next_state(&mut self, i: usize, next_ms: i64) {
        let e = &mut self.workflow.executions[i];
        e.state += 1;
        e.next_ms = next_ms;
    }

    fn fail_execution(&mut self, i: usize, error: &str, cause: String) {
        let e = &mut self.workflow.executions[i];
        e.status = "FAILED".into();
        e.stopped_ms = Some(self.now_ms);
        e.failure = Some((error.to_string(), cause));
    }

    /// Whether an execution failed or timed out within the last hour (the alarm's period).
    pub(super) fn nightly_failed_recently(&self) -> bool {
        self.workflow.executions.iter().any(|e| {
            matches!(e.status.as_str(), "FAILED" | "TIMED_OUT")
                && e.stopped_ms.is_some_and(|t| self.now_ms - t < 3_600_000)
        })
    }

    fn execution_arn(&self, name: &str) -> String {
        format!("{}execution:{}:{name}", self.workflow.arn_prefix, self.workflow.state_machine)
    }

    fn find_execution(&self, arn: &str) -> Option<usize> {
        self.workflow.executions.iter().position(|e| self.execution_arn(&e.name) == arn)
    }

    fn to_model(&self, e: &SimExecution) -> Execution {
        let time = |ms: i64| DateTime::<Utc>::from_timestamp_millis(ms).unwrap_or_default();
        Execution {
            arn: self.execution_arn(&e.name),
            name: e.name.clone(),
            state_machine: self.workflow.state_machine.clone(),
            status: e.status.clone(),
            started: time(e.started_ms),
            stopped: e.stopped_ms.map(time),
            redrive_count: e.redrive_count,
            failure: e.failure.as_ref().map(|(error, cause)| ExecutionFailure {
                state: Some(STATES_IN_ORDER[e.state].to_string()),
                error: error.clone(),
                cause: cause.clone(),
            }),
        }
    }

    /// The overview's Orchestration layer; `None` when the profile watches no state machine.
    pub fn orchestration_status(&self, settings: &Settings) -> Option<OrchestrationStatus> {
        let watched = settings.platform.orchestration.watched_state_machines();
        if watched.is_empty() && settings.platform.orchestration.glue_workflows.is_empty() {
            return None;
        }
        let hour_ago = self.now_ms - 3_600_000;
        let count = |status: Option<&str>| {
            let n = self
                .workflow
                .executions
                .iter()
                .filter(|e| match status {
                    None => e.started_ms >= hour_ago,
                    Some(s) => e.status == s && e.stopped_ms.is_some_and(|t| t >= hour_ago),
                })
                .count();
            Some(n as f64)
        };
        let state_machines = watched
            .into_iter()
            .map(|name| {
                let ours = name == self.workflow.state_machine;
                StateMachineHealth {
                    started: if ours { count(None) } else { None },
                    failed: if ours { count(Some("FAILED")) } else { None },
                    timed_out: if ours { count(Some("TIMED_OUT")) } else { None },
                    aborted: if ours { count(Some("ABORTED")) } else { None },
                    throttled: if ours { Some(0.0) } else { None },
                    latest: if ours { self.workflow.executions.back().map(|e| self.to_model(e)) } else { None },
                    running: if ours {
                        self.workflow.executions.iter().filter(|e| e.status == "RUNNING").count() as u32
                    } else {
                        0
                    },
                    exists: ours,
                    name,
                }
            })
            .collect();
        Some(OrchestrationStatus { state_machines, glue_workflows: missing_glue_workflows(settings) })
    }

    pub fn workflow_overview(&self, settings: &Settings, since: DateTime<Utc>, failed_only: bool) -> WorkflowOverview {
        let mut overview = WorkflowOverview::default();
        for name in settings.platform.orchestration.watched_state_machines() {
            if name != self.workflow.state_machine {
                overview.warnings.push(format!("state machine {name} not found: is the stack provisioned?"));
                overview.state_machines.push(StateMachine { name, arn: None, executions: Vec::new() });
                continue;
            }
            let executions = self
                .workflow
                .executions
                .iter()
                .rev()
                .map(|e| self.to_model(e))
                .filter(|e| e.started >= since && (!failed_only || e.is_failed()))
                .collect();
            let arn = Some(format!("{}stateMachine:{name}", self.workflow.arn_prefix));
            overview.state_machines.push(StateMachine { name, arn, executions });
        }
        for workflow in missing_glue_workflows(settings) {
            overview.warnings.push(format!("Glue workflow {} not found: is the stack provisioned?", workflow.name));
            overview.glue_workflows.push(workflow);
        }
        overview
    }

    pub fn execution_detail(&self, arn: &str) -> Option<ExecutionDetail> {
        let e = &self.workflow.executions[self.find_execution(arn)?];
        Some(ExecutionDetail {
            execution: self.to_model(e),
            input: Some(e.input.clone()),
            // As moto: the rules decide from the status and the redrive window.
            redrive: Redrive { status: None, reason: None },
        })
    }

    /// Makes a Step Functions change as the service would answer it.
    pub fn workflow_change(&mut self, change: &WorkflowChange, user: &str) -> Result<String, ServiceError> {
        let missing =
            |what: &str| ServiceError::new("ExecutionDoesNotExist", format!("execution {what} does not exist"));
        match change {
            WorkflowChange::Start { state_machine, input } => {
                if *state_machine != self.workflow.state_machine || state_machine.is_empty() {
                    return Err(ServiceError::new(
                        "StateMachineDoesNotExist",
                        format!("state machine {state_machine} does not exist"),
                    ));
                }
                let at = DateTime::<Utc>::from_timestamp_millis(self.now_ms).unwrap_or_default();
                let name = format!("lakeops-{}", at.format("%Y%m%dT%H%M%S%3fZ"));
                self.start_execution(&name, input, user);
                Ok(format!("execution {} started", self.execution_arn(&name)))
            }
            WorkflowChange::Stop { execution } => {
                let i = self.find_execution(execution).ok_or_else(|| missing(execution))?;
                let now = self.now_ms;
                let e = &mut self.workflow.executions[i];
                if e.status != "RUNNING" {
                    return Err(ServiceError::new("ValidationException", format!("execution is {}", e.status)));
                }
                e.status = "ABORTED".into();
                e.stopped_ms = Some(now);
                e.failure = Some(("lakeops.Stopped".into(), "stopped by an operator with lakeops".into()));
                let name = e.name.clone();
                self.record(user, STATES, "StopExecution", execution, false);
                Ok(format!("{name} stopped (ABORTED)"))
            }
            WorkflowChange::ResumeGlueRun { workflow, .. } => {
                Err(ServiceError::new("EntityNotFoundException", format!("workflow {workflow} not found")))
            }
            WorkflowChange::Redrive { execution } => {
                let i = self.find_execution(execution).ok_or_else(|| missing(execution))?;
                let now = self.now_ms;
                let e = &mut self.workflow.executions[i];
                if !is_failed_status(&e.status) {
                    return Err(ServiceError::new(
                        "ExecutionNotRedrivable",
                        format!("execution is {} and cannot be redriven", e.status),
                    ));
                }
                e.status = "RUNNING".into();
                e.stopped_ms = None;
                e.failure = None;
                e.job_run = None;
                e.next_ms = now;
                e.redrive_count += 1;
                let name = e.name.clone();
                self.record(user, STATES, "RedriveExecution", execution, false);
                Ok(format!("{name} redriven"))
            }
        }
    }
}

/// The sandbox platform has no Glue workflow: every one a profile names is missing, as on an
/// account without it.
fn missing_glue_workflows(settings: &Settings) -> Vec<GlueWorkflow> {
    let names = &settings.platform.orchestration.glue_workflows;
    names.iter().map(|name| GlueWorkflow { name: name.clone(), exists: false, runs: Vec::new() }).collect()
}

/// An EventBridge-started execution's name, by its start time.
fn scheduled_name(started_ms: i64) -> String {
    let at = DateTime::<Utc>::from_timestamp_millis(started_ms).unwrap_or_default();
    format!("scheduled-{}", at.format("%Y%m%dT%H%MZ"))
}
