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

/// The watched orchestration, for `:workflows` and `lakeops workflows`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct WorkflowOverview {
    pub state_machines: Vec<StateMachine>,
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
    /// False when no such state machine exists.
    pub exists: bool,
}

/// The overview's Orchestration layer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OrchestrationStatus {
    pub state_machines: Vec<StateMachineHealth>,
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
}

impl WorkflowChange {
    pub fn action(&self) -> &'static str {
        match self {
            WorkflowChange::Start { .. } => "states.start-execution",
            WorkflowChange::Stop { .. } => "states.stop-execution",
            WorkflowChange::Redrive { .. } => "states.redrive-execution",
        }
    }

    pub fn api_name(&self) -> &'static str {
        match self {
            WorkflowChange::Start { .. } => "StartExecution",
            WorkflowChange::Stop { .. } => "StopExecution",
            WorkflowChange::Redrive { .. } => "RedriveExecution",
        }
    }

    /// The state machine started, or the execution stopped or redriven.
    pub fn target(&self) -> &str {
        match self {
            WorkflowChange::Start { state_machine, .. } => state_machine,
            WorkflowChange::Stop { execution } | WorkflowChange::Redrive { execution } => execution,
        }
    }
}

/// The name an execution's ARN ends with (`arn:…:execution:<machine>:<name>`).
pub fn execution_name(arn: &str) -> &str {
    arn.rsplit(':').next().unwrap_or(arn)
}
