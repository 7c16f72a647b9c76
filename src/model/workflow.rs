//! Orchestration as `:workflows` and `lakeops workflows` see it: the watched Step Functions state
//! machines with their executions, and the changes an operator makes to them.

use chrono::{DateTime, Utc};
use serde::Serialize;

/// How an execution stands: RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED or PENDING_REDRIVE.
pub fn is_failed_status(status: &str) -> bool {
    matches!(status, "FAILED" | "TIMED_OUT" | "ABORTED")
}

/// One execution of a state machine, newest first in [`StateMachine::executions`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Execution {
    pub arn: String,
    pub name: String,
    pub state_machine: String,
    pub status: String,
    pub started: DateTime<Utc>,
    pub stopped: Option<DateTime<Utc>>,
    /// How many times it was redriven (0 for one never redriven).
    pub redrive_count: u32,
    /// Where it failed, for a failed, timed-out or aborted execution whose history was read.
    pub failure: Option<ExecutionFailure>,
}

impl Execution {
    pub fn is_failed(&self) -> bool {
        is_failed_status(&self.status)
    }

    /// How long it ran (so far, for a running one, at `now`).
    pub fn duration_seconds(&self, now: DateTime<Utc>) -> i64 {
        (self.stopped.unwrap_or(now) - self.started).num_seconds().max(0)
    }
}

/// Where and why an execution failed, from its history's failure events.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExecutionFailure {
    /// The state it failed in (the last state entered), when the history names one.
    pub state: Option<String>,
    /// The error name (`States.TaskFailed`, `Glue.ConcurrentRunsExceededException`, …).
    pub error: String,
    pub cause: String,
}

/// Whether Step Functions would redrive an execution, as DescribeExecution says.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Redrive {
    /// REDRIVABLE, NOT_REDRIVABLE or REDRIVABLE_BY_MAP_RUN; `None` when the API did not say.
    pub status: Option<String>,
    /// Why not, when it is not redrivable.
    pub reason: Option<String>,
}

/// One execution in full: what `stop` and `redrive` are checked against.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExecutionDetail {
    pub execution: Execution,
    pub input: Option<String>,
    pub redrive: Redrive,
}

/// A watched state machine and its newest executions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StateMachine {
    pub name: String,
    /// `None` when no such state machine exists.
    pub arn: Option<String>,
    /// Newest first, within the window asked for.
    pub executions: Vec<Execution>,
}

/// A watched Glue workflow (crawlers, jobs and triggers) and its newest runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GlueWorkflow {
    pub name: String,
    /// False when no such workflow exists.
    pub exists: bool,
    /// Newest first.
    pub runs: Vec<GlueWorkflowRun>,
}

/// One run of a Glue workflow.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GlueWorkflowRun {
    pub id: String,
    /// RUNNING, COMPLETED, STOPPING, STOPPED or ERROR. COMPLETED says only that the run ended:
    /// `failed_actions` says whether its jobs and crawlers did.
    pub status: String,
    pub started: Option<DateTime<Utc>>,
    pub completed: Option<DateTime<Utc>>,
    pub total_actions: u32,
    pub succeeded_actions: u32,
    /// Jobs and crawlers that failed, timed out, errored or were stopped.
    pub failed_actions: u32,
    pub error: Option<String>,
    /// The jobs and crawlers of the run that did not succeed, with why.
    pub failed_nodes: Vec<FailedNode>,
}

impl GlueWorkflowRun {
    /// Ended with jobs or crawlers that did not succeed (or in ERROR): what a resume is for.
    pub fn is_failed(&self) -> bool {
        self.status == "ERROR" || (self.status != "RUNNING" && self.failed_actions > 0)
    }

    /// How long it ran (so far, for a running one, at `now`); `None` when it has no start time.
    pub fn duration_ms(&self, now: DateTime<Utc>) -> Option<f64> {
        let started = self.started?;
        Some((self.completed.unwrap_or(now) - started).num_milliseconds().max(0) as f64)
    }
}

impl FailedNode {
    /// "job curate FAILED: its error", as Glue reported it (sanitize it for a terminal).
    pub fn summary(&self) -> String {
        let why = self.error.as_deref().map(|e| format!(": {e}")).unwrap_or_default();
        format!("{} {} {}{why}", self.kind.to_lowercase(), self.name, self.state)
    }
}

/// A job or crawler of a workflow run that did not succeed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FailedNode {
    /// JOB or CRAWLER.
    pub kind: String,
    pub name: String,
    /// The node's id in the run's graph, which ResumeWorkflowRun takes.
    pub node_id: String,
    /// FAILED, TIMEOUT, ERROR, STOPPED, CANCELLED.
    pub state: String,
    pub error: Option<String>,
}

/// The watched orchestration, for `:workflows` and `lakeops workflows`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct WorkflowOverview {
    pub state_machines: Vec<StateMachine>,
    pub glue_workflows: Vec<GlueWorkflow>,
    /// Parts that could not be read, in words.
    pub warnings: Vec<String>,
}

/// One state machine as the overview's Orchestration row sees it: the last hour's counts from
/// CloudWatch (`AWS/States`) and its newest execution.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StateMachineHealth {
    pub name: String,
    /// Executions started, failed, timed out and aborted, and starts throttled, in the last hour;
    /// `None` when CloudWatch holds no datapoint.
    pub started: Option<f64>,
    pub failed: Option<f64>,
    pub timed_out: Option<f64>,
    pub aborted: Option<f64>,
    pub throttled: Option<f64>,
    /// Its newest execution, when there is one.
    pub latest: Option<Execution>,
    /// Its executions RUNNING now, among the newest read (a newer one that ended does not hide an
    /// older one still running).
    #[serde(default)]
    pub running: u32,
    /// False when no such state machine exists.
    pub exists: bool,
}

/// The overview's Orchestration layer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OrchestrationStatus {
    pub state_machines: Vec<StateMachineHealth>,
    /// The watched Glue workflows, each with its newest run only.
    pub glue_workflows: Vec<GlueWorkflow>,
}

/// The changes made to state machines, checked by `ops::workflow`.
#[derive(Debug, Clone, PartialEq)]
pub enum WorkflowChange {
    /// StartExecution with `input` (JSON, already checked).
    Start { state_machine: String, input: String },
    /// StopExecution of a running execution.
    Stop { execution: String },
    /// RedriveExecution of a failed, timed-out or aborted one.
    Redrive { execution: String },
    /// ResumeWorkflowRun: runs a Glue workflow run's failed jobs and crawlers (`nodes`) again,
    /// and what follows them.
    ResumeGlueRun { workflow: String, run_id: String, nodes: Vec<String> },
}

impl WorkflowChange {
    pub fn action(&self) -> &'static str {
        match self {
            WorkflowChange::Start { .. } => "states.start-execution",
            WorkflowChange::Stop { .. } => "states.stop-execution",
            WorkflowChange::Redrive { .. } => "states.redrive-execution",
            WorkflowChange::ResumeGlueRun { .. } => "glue.resume-workflow-run",
        }
    }

    pub fn api_name(&self) -> &'static str {
        match self {
            WorkflowChange::Start { .. } => "StartExecution",
            WorkflowChange::Stop { .. } => "StopExecution",
            WorkflowChange::Redrive { .. } => "RedriveExecution",
            WorkflowChange::ResumeGlueRun { .. } => "ResumeWorkflowRun",
        }
    }

    /// The state machine started, the execution stopped or redriven, or the Glue workflow resumed.
    pub fn target(&self) -> &str {
        match self {
            WorkflowChange::Start { state_machine, .. } => state_machine,
            WorkflowChange::Stop { execution } | WorkflowChange::Redrive { execution } => execution,
            WorkflowChange::ResumeGlueRun { workflow, .. } => workflow,
        }
    }
}

/// The name an execution's ARN ends with (`arn:…:execution:<machine>:<name>`).
pub fn execution_name(arn: &str) -> &str {
    arn.rsplit(':').next().unwrap_or(arn)
}
