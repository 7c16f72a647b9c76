//! The orchestration layer on AWS: which state machines are watched (by name, found once in a
//! while with ListStateMachines), their health for the overview (CloudWatch counts plus the
//! newest execution), and the executions `:workflows` and `lakeops workflows` list.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use super::{glue_workflows, sfn, AwsPlatform, DISCOVERY_TTL};
use crate::model::*;
use crate::ops::metrics::{MetricStore, SeriesKey};
use crate::ops::series::StateMachineKeys;
use crate::platform::PlatformError;

/// The overview's newest execution of each state machine is read at most this often.
pub const LATEST_TTL: Duration = Duration::from_secs(60);
/// The overview counts executions over the last hour.
const COUNTED_MINUTES: i64 = 60;

impl AwsPlatform {
    /// The watched state machines as (name, ARN if it exists), in the profile's order.
    pub(super) async fn watched_state_machines(&self) -> Result<Vec<(String, Option<String>)>, PlatformError> {
        let names = self.settings.platform.orchestration.watched_state_machines();
        if names.is_empty() {
            return Ok(Vec::new());
        }
        let cached = self.state().state_machines.clone().filter(|(at, _)| at.elapsed() < DISCOVERY_TTL);
        let found = match cached {
            Some((_, found)) => found,
            None => {
                let found = self.call("ListStateMachines", sfn::state_machines(&self.sfn)).await?;
                self.state().state_machines = Some((Instant::now(), found.clone()));
                found
            }
        };
        Ok(names
            .into_iter()
            .map(|name| {
                let arn = found.iter().find(|(n, _)| *n == name).map(|(_, arn)| arn.clone());
                (name, arn)
            })
            .collect())
    }

    /// The series the overview's one GetMetricData call asks for.
    pub(super) fn orchestration_keys(watched: &[(String, Option<String>)]) -> Vec<SeriesKey> {
        watched.iter().filter_map(|(_, arn)| arn.as_deref()).flat_map(|arn| StateMachineKeys::new(arn).all()).collect()
    }

    /// The overview's Orchestration layer from what GetMetricData brought and each machine's
    /// newest execution.
    pub(super) async fn orchestration_status(
        &self,
        watched: &[(String, Option<String>)],
        store: &MetricStore,
        now_s: i64,
    ) -> Result<OrchestrationStatus, PlatformError> {
        let mut state_machines = Vec::new();
        for (name, arn) in watched {
            let Some(arn) = arn else {
                state_machines.push(StateMachineHealth {
                    name: name.clone(),
                    started: None,
                    failed: None,
                    timed_out: None,
                    aborted: None,
                    throttled: None,
                    latest: None,
                    running: 0,
                    exists: false,
                });
                continue;
            };
            let keys = StateMachineKeys::new(arn);
            let hour = |k: &SeriesKey| store.sum_since(k, now_s, COUNTED_MINUTES);
            let (latest, running) = self.latest_execution(name, arn).await?;
            state_machines.push(StateMachineHealth {
                name: name.clone(),
                started: hour(&keys.started),
                failed: hour(&keys.failed),
                timed_out: hour(&keys.timed_out),
                aborted: hour(&keys.aborted),
                throttled: hour(&keys.throttled),
                latest,
                running,
                exists: true,
            });
        }
        let mut glue_workflows = Vec::new();
        for name in &self.settings.platform.orchestration.glue_workflows {
            glue_workflows.push(self.latest_glue_run(name).await?);
        }
        Ok(OrchestrationStatus { state_machines, glue_workflows })
    }

    /// A Glue workflow with its newest run only, read at most every `LATEST_TTL`.
    async fn latest_glue_run(&self, name: &str) -> Result<GlueWorkflow, PlatformError> {
        let cached = self.state().latest_glue_runs.get(name).cloned();
        if let Some((_, workflow)) = cached.filter(|(at, _)| at.elapsed() < LATEST_TTL) {
            return Ok(workflow);
        }
        let workflow = self.glue_workflow(name, 1).await?;
        self.state().latest_glue_runs.insert(name.to_string(), (Instant::now(), workflow.clone()));
        Ok(workflow)
    }

    async fn glue_workflow(&self, name: &str, runs: i32) -> Result<GlueWorkflow, PlatformError> {
        let found = self.call("GetWorkflowRuns", glue_workflows::runs(&self.glue, name, runs)).await?;
        Ok(GlueWorkflow { name: name.to_string(), exists: found.is_some(), runs: found.unwrap_or_default() })
    }

    /// The state machine's newest execution, and how many of its newest run now (one
    /// ListExecutions answers both).
    async fn latest_execution(&self, name: &str, arn: &str) -> Result<(Option<Execution>, u32), PlatformError> {
        let cached = self.state().latest_executions.get(name).cloned();
        if let Some((_, latest)) = cached.filter(|(at, _)| at.elapsed() < LATEST_TTL) {
            return Ok(latest);
        }
        let newest =
            self.call("ListExecutions", sfn::executions(&self.sfn, name, arn, DateTime::<Utc>::MIN_UTC, false)).await?;
        let running = newest.iter().filter(|e| e.status == "RUNNING").count() as u32;
        let newest = newest.into_iter().next();
        let latest = match newest {
            Some(mut e) if e.is_failed() => {
                e.failure = self.call("GetExecutionHistory", sfn::failure(&self.sfn, &e.arn)).await?;
                Some(e)
            }
            other => other,
        };
        self.state().latest_executions.insert(name.to_string(), (Instant::now(), (latest.clone(), running)));
        Ok((latest, running))
    }

    /// The watched state machines with their executions since `since`.
    pub(super) async fn read_workflows(
        &self,
        since: DateTime<Utc>,
        failed_only: bool,
    ) -> Result<WorkflowOverview, PlatformError> {
        let mut overview = WorkflowOverview::default();
        for (name, arn) in self.watched_state_machines().await? {
            let Some(arn) = arn else {
                overview.warnings.push(format!("state machine {name} not found: is the stack provisioned?"));
                overview.state_machines.push(StateMachine { name, arn: None, executions: Vec::new() });
                continue;
            };
            let mut executions =
                self.call("ListExecutions", sfn::executions(&self.sfn, &name, &arn, since, failed_only)).await?;
            sfn::explain_failures(&self.sfn, &mut executions, &mut overview.warnings).await;
            overview.state_machines.push(StateMachine { name, arn: Some(arn), executions });
        }
        for name in &self.settings.platform.orchestration.glue_workflows {
            let mut workflow = self.glue_workflow(name, glue_workflows::RUNS_READ).await?;
            if !workflow.exists {
                overview.warnings.push(format!("Glue workflow {name} not found: is the stack provisioned?"));
            }
            workflow.runs.retain(|r| r.started.is_none_or(|t| t >= since) && (!failed_only || r.is_failed()));
            overview.glue_workflows.push(workflow);
        }
        Ok(overview)
    }

    pub(super) async fn read_execution(&self, arn: &str) -> Result<Option<ExecutionDetail>, PlatformError> {
        self.call("DescribeExecution", sfn::describe(&self.sfn, arn)).await
    }

    /// Makes a Step Functions or Glue workflow change; a start needs its state machine's ARN.
    pub(super) async fn change_workflow(&self, change: &WorkflowChange) -> Result<Applied, PlatformError> {
        let applied = match change {
            WorkflowChange::Start { state_machine, input } => {
                let watched = self.watched_state_machines().await?;
                let arn = watched.into_iter().find(|(name, _)| name == state_machine).and_then(|(_, arn)| arn);
                let arn = arn.ok_or_else(|| {
                    PlatformError::failed("Step Functions", format!("there is no state machine {state_machine:?}"))
                })?;
                sfn::start(&self.sfn, &arn, input).await
            }
            WorkflowChange::Stop { execution } => sfn::stop(&self.sfn, execution).await,
            WorkflowChange::Redrive { execution } => sfn::redrive(&self.sfn, execution).await,
            WorkflowChange::ResumeGlueRun { workflow, run_id, nodes } => {
                self.call("ResumeWorkflowRun", glue_workflows::resume(&self.glue, workflow, run_id, nodes)).await
            }
        };
        // The overview's newest execution changed.
        self.state().latest_executions.clear();
        applied
    }
}
