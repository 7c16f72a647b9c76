//! Processing on EMR as `:emr` and `lakeops emr` see it: clusters with their instance groups and
//! steps, EMR Serverless applications with their job runs, and the changes an operator makes.

use chrono::{DateTime, Utc};
use serde::Serialize;

/// How the profile runs its big-data processing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum EmrMode {
    /// No EMR: the layer is not shown.
    Off,
    /// An EMR Serverless application (the stack creates it).
    Serverless,
    /// An EMR cluster found by name (the team runs it; the stack does not create it).
    Cluster,
}

impl EmrMode {
    pub fn name(self) -> &'static str {
        match self {
            EmrMode::Off => "off",
            EmrMode::Serverless => "serverless",
            EmrMode::Cluster => "cluster",
        }
    }
}

impl From<EmrMode> for String {
    fn from(m: EmrMode) -> String {
        m.name().to_string()
    }
}

/// A cluster's states that count as alive (ListClusters' `ClusterStates` filter).
pub const ACTIVE_CLUSTER_STATES: [&str; 5] = ["STARTING", "BOOTSTRAPPING", "RUNNING", "WAITING", "TERMINATING"];

/// One EMR cluster.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EmrCluster {
    /// `j-…`
    pub id: String,
    pub name: String,
    /// STARTING, BOOTSTRAPPING, RUNNING, WAITING, TERMINATING, TERMINATED, TERMINATED_WITH_ERRORS.
    pub state: String,
    /// Why it is in that state, when EMR says (a terminated cluster's reason).
    pub state_reason: Option<String>,
    /// `emr-7.1.0`.
    pub release: Option<String>,
    /// Spark, Hive, …
    pub applications: Vec<String>,
    pub instance_groups: Vec<InstanceGroup>,
    pub created: Option<DateTime<Utc>>,
    /// When it became ready (RUNNING or WAITING first).
    pub ready: Option<DateTime<Utc>>,
    /// Where its logs go (`s3://…/`).
    pub log_uri: Option<String>,
    /// Whether termination protection is on: TerminateJobFlows would be refused.
    pub termination_protected: bool,
    /// Since when it has had nothing to do: the newest step's end, or its readiness when it
    /// has run none; `None` while a step runs or before it is ready.
    pub idle_since: Option<DateTime<Utc>>,
}

impl EmrCluster {
    pub fn is_active(&self) -> bool {
        ACTIVE_CLUSTER_STATES.contains(&self.state.as_str())
    }

    /// How long it has been idle at `now`, in seconds.
    pub fn idle_seconds(&self, now: DateTime<Utc>) -> Option<i64> {
        self.idle_since.map(|t| (now - t).num_seconds().max(0))
    }
}

/// When a cluster last had work: the newest step's end when none is pending or running, its
/// readiness when it ran none; `None` while a step is active or when it is not WAITING.
pub fn idle_since(cluster: &EmrCluster, steps: &[EmrStep]) -> Option<DateTime<Utc>> {
    if cluster.state != "WAITING" || steps.iter().any(|s| is_cancellable_step(&s.state)) {
        return None;
    }
    steps.iter().filter_map(|s| s.ended).max().or(cluster.ready)
}

/// One instance group (master, core or task).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InstanceGroup {
    pub id: String,
    pub name: String,
    /// MASTER, CORE or TASK.
    pub role: String,
    pub instance_type: String,
    pub requested: u32,
    pub running: u32,
    /// PROVISIONING, RUNNING, RESIZING, SUSPENDED, TERMINATING, TERMINATED, ARRESTED, …
    pub state: String,
}

impl InstanceGroup {
    /// A group is unhealthy when it runs fewer instances than asked for, or is suspended or
    /// arrested.
    pub fn is_healthy(&self) -> bool {
        !matches!(self.state.as_str(), "SUSPENDED" | "ARRESTED") && self.running >= self.requested
    }
}

/// A step's states that a cancel applies to.
pub fn is_cancellable_step(state: &str) -> bool {
    matches!(state, "PENDING" | "RUNNING")
}

/// One step of a cluster, newest first in lists.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EmrStep {
    /// `s-…`
    pub id: String,
    pub name: String,
    /// PENDING, CANCEL_PENDING, RUNNING, COMPLETED, CANCELLED, FAILED, INTERRUPTED.
    pub state: String,
    pub created: Option<DateTime<Utc>>,
    pub started: Option<DateTime<Utc>>,
    pub ended: Option<DateTime<Utc>>,
    /// TERMINATE_CLUSTER, CANCEL_AND_WAIT, CONTINUE.
    pub action_on_failure: Option<String>,
    /// Why it failed, for a failed step.
    pub failure: Option<StepFailure>,
}

impl EmrStep {
    pub fn is_failed(&self) -> bool {
        matches!(self.state.as_str(), "FAILED" | "INTERRUPTED")
    }

    /// How long it ran (so far, for a running one, at `now`).
    pub fn duration_seconds(&self, now: DateTime<Utc>) -> Option<i64> {
        let started = self.started?;
        Some((self.ended.unwrap_or(now) - started).num_seconds().max(0))
    }
}

/// A failed step's reason, message and log, as EMR gives them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StepFailure {
    pub reason: Option<String>,
    pub message: Option<String>,
    /// The log file with the error (`s3://…/steps/s-…/stderr.gz`).
    pub log_file: Option<String>,
}

impl StepFailure {
    /// The failure in one line: the reason, or the message when there is no reason.
    pub fn summary(&self) -> String {
        match (&self.reason, &self.message) {
            (Some(r), Some(m)) if r != m => format!("{r}: {m}"),
            (Some(r), _) => r.clone(),
            (None, Some(m)) => m.clone(),
            (None, None) => "no reason given".into(),
        }
    }
}

/// One EMR Serverless application.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EmrApplication {
    pub id: String,
    pub name: String,
    /// CREATING, CREATED, STARTING, STARTED, STOPPING, STOPPED, TERMINATED.
    pub state: String,
    pub release: Option<String>,
    /// SPARK or HIVE.
    pub kind: Option<String>,
    /// Its newest job runs, newest first.
    pub job_runs: Vec<EmrJobRun>,
}

/// One job run of a Serverless application.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EmrJobRun {
    pub id: String,
    pub name: Option<String>,
    /// SUBMITTED, PENDING, SCHEDULED, RUNNING, SUCCESS, FAILED, CANCELLING, CANCELLED.
    pub state: String,
    /// Why it is in that state (a failed run's error).
    pub state_details: Option<String>,
    pub created: Option<DateTime<Utc>>,
    pub updated: Option<DateTime<Utc>>,
}

impl EmrJobRun {
    pub fn is_failed(&self) -> bool {
        self.state == "FAILED"
    }
}

/// One cluster with its newest steps: what `lakeops emr steps` lists and the changes to a
/// cluster are checked against.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClusterDetail {
    pub cluster: EmrCluster,
    pub steps: Vec<EmrStep>,
}

/// What `:emr` and `lakeops emr` show.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct EmrOverview {
    /// The live clusters of the profile's name, each with its newest steps.
    pub clusters: Vec<ClusterDetail>,
    pub applications: Vec<EmrApplication>,
    /// Parts that could not be read, in words.
    pub warnings: Vec<String>,
}

/// One cluster as the overview's Processing layer sees it: CloudWatch's AWS/ElasticMapReduce
/// series (latest values) and what DescribeCluster said.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClusterHealth {
    pub cluster: EmrCluster,
    pub is_idle: Option<bool>,
    pub apps_failed: Option<f64>,
    pub apps_pending: Option<f64>,
    pub apps_running: Option<f64>,
    pub hdfs_utilization: Option<f64>,
    pub unhealthy_nodes: Option<f64>,
    /// Its newest step.
    pub latest_step: Option<EmrStep>,
}

/// One Serverless application as the overview sees it: AWS/EMRServerless counts of the last
/// hour and its newest job run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ApplicationHealth {
    pub application: EmrApplication,
    pub failed_jobs: Option<f64>,
    pub running_jobs: Option<f64>,
}

/// The overview's Processing layer: the watched cluster or application, or that none of that
/// name exists.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProcessingStatus {
    pub mode: EmrMode,
    /// The profile's cluster or application name.
    pub name: String,
    pub clusters: Vec<ClusterHealth>,
    pub applications: Vec<ApplicationHealth>,
    /// What an hour of the cluster costs, from the profile (to price its idle time; 0: not said).
    pub cost_per_hour: f64,
    /// A cluster idle this long is a warning (the profile's `idle_warn_minutes`).
    pub idle_warn_minutes: u64,
}

/// A step to add, from one of the profile's step templates.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepSpec {
    /// The step's name as EMR shows it.
    pub name: String,
    /// The JAR to run (`command-runner.jar` for spark-submit and friends).
    #[serde(default = "default_jar")]
    pub jar: String,
    pub args: Vec<String>,
    /// CONTINUE, CANCEL_AND_WAIT or TERMINATE_CLUSTER.
    #[serde(default = "default_action_on_failure")]
    pub action_on_failure: String,
}

impl StepSpec {
    /// A step with no name or command (what a read-only check of "add a step" is made with).
    pub fn empty() -> StepSpec {
        StepSpec {
            name: String::new(),
            jar: default_jar(),
            args: Vec::new(),
            action_on_failure: default_action_on_failure(),
        }
    }
}

fn default_jar() -> String {
    "command-runner.jar".into()
}

fn default_action_on_failure() -> String {
    "CONTINUE".into()
}

/// The changes made to EMR, checked by `ops::emr`.
#[derive(Debug, Clone, PartialEq)]
pub enum EmrChange {
    /// AddJobFlowSteps with one step.
    AddStep { cluster_id: String, step: StepSpec },
    /// CancelSteps of one pending or running step.
    CancelStep { cluster_id: String, step_id: String },
    /// TerminateJobFlows of one cluster (destructive: the name is typed to confirm).
    Terminate { cluster_id: String, name: String },
}

impl EmrChange {
    pub fn action(&self) -> &'static str {
        match self {
            EmrChange::AddStep { .. } => "emr.add-step",
            EmrChange::CancelStep { .. } => "emr.cancel-step",
            EmrChange::Terminate { .. } => "emr.terminate-cluster",
        }
    }

    pub fn api_name(&self) -> &'static str {
        match self {
            EmrChange::AddStep { .. } => "AddJobFlowSteps",
            EmrChange::CancelStep { .. } => "CancelSteps",
            EmrChange::Terminate { .. } => "TerminateJobFlows",
        }
    }

    /// The cluster changed.
    pub fn target(&self) -> &str {
        match self {
            EmrChange::AddStep { cluster_id, .. }
            | EmrChange::CancelStep { cluster_id, .. }
            | EmrChange::Terminate { cluster_id, .. } => cluster_id,
        }
    }

    /// The change in a few words.
    pub fn what(&self) -> String {
        match self {
            // No template chosen yet (read-only mode refused before the choice).
            EmrChange::AddStep { cluster_id, step } if step.name.is_empty() => {
                format!("AddJobFlowSteps on {cluster_id}")
            }
            EmrChange::AddStep { cluster_id, step } => format!("AddJobFlowSteps {:?} on {cluster_id}", step.name),
            EmrChange::CancelStep { cluster_id, step_id } => format!("CancelSteps {step_id} on {cluster_id}"),
            // The name is EMR's, read after read-only mode refused: unknown then.
            EmrChange::Terminate { cluster_id, name } if name.is_empty() => format!("TerminateJobFlows {cluster_id}"),
            EmrChange::Terminate { cluster_id, name } => format!("TerminateJobFlows {cluster_id} ({name})"),
        }
    }
}
