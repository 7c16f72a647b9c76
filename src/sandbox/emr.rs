//! The sandbox's EMR cluster (`[platform.emr] mode = "cluster"`): a long-running Spark cluster
//! that a scheduler gives a compaction step every hour at :45. Steps run one at a time; with the
//! `spark-oom` fault each dies a few minutes in, killed by YARN, with its log file named. An
//! operator can add steps from the profile's templates, cancel one, or terminate the cluster.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use super::snapshot::time;
use super::state::SimState;
use crate::model::*;
use crate::platform::ServiceError;
use crate::settings::Settings;

/// Steps kept (two days of hourly compactions and some by hand).
const STEPS_KEPT: usize = 60;
/// The minute of each hour the scheduler adds its step.
pub(super) const SCHEDULED_MINUTE: i64 = 45;
/// Who adds the hourly step, in CloudTrail.
pub(super) const SCHEDULER: &str = "airflow-scheduler";
const EMR: &str = "elasticmapreduce.amazonaws.com";
pub(super) const HOUR_MS: i64 = 3_600_000;
/// How long a step runs when it succeeds, and when the `spark-oom` fault kills it.
pub(super) const STEP_MS: i64 = 7 * 60_000;
pub(super) const OOM_AFTER_MS: i64 = 3 * 60_000;
const OOM_REASON: &str = "Container killed by YARN for exceeding memory limits";
const OOM_MESSAGE: &str =
    "Exception in thread \"main\" org.apache.spark.SparkException: Job aborted due to stage failure: \
     ExecutorLostFailure (executor 7 exited caused by one of the running tasks) Reason: Container killed by YARN \
     for exceeding physical memory limits. 12.4 GB of 12 GB physical memory used.";

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct EmrState {
    /// `j-…`; empty until the model first steps with a cluster in the profile.
    pub cluster_id: String,
    pub name: String,
    pub state: String,
    pub state_reason: Option<String>,
    pub created_ms: i64,
    pub ready_ms: i64,
    /// The hour (epoch hours) whose scheduled step was added last.
    pub scheduled_hour: i64,
    /// Oldest first.
    pub steps: VecDeque<SimStep>,
    pub next_step: u64,
    /// The step the scheduler adds every hour (the same compaction as the sandbox profile's
    /// `compact` template).
    pub scheduled: Option<StepSpec>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SimStep {
    pub id: String,
    pub spec: StepSpec,
    pub state: String,
    pub created_ms: i64,
    pub started_ms: Option<i64>,
    pub ended_ms: Option<i64>,
    /// When a running step ends, and whether it fails then.
    pub ends_ms: i64,
    pub fails: bool,
}

/// The step the scheduler adds every hour.
fn default_step(curated_bucket: &str) -> StepSpec {
    StepSpec {
        name: "compact-curated".into(),
        jar: "command-runner.jar".into(),
        args: vec![
            "spark-submit".into(),
            "--deploy-mode".into(),
            "cluster".into(),
            format!("s3://{curated_bucket}/jobs/compact.py"),
        ],
        action_on_failure: "CONTINUE".into(),
    }
}

impl SimState {
    /// Sets up the cluster the first time the model steps with one, with the last three
    /// hours' compactions behind it.
    fn emr_setup(&mut self, settings: &Settings) {
        let emr = &settings.platform.emr;
        if emr.mode != EmrMode::Cluster || !self.emr.cluster_id.is_empty() {
            return;
        }
        // Ids come from the name and the time, not the model's random numbers: the rest of the
        // sandbox plays out the same with a cluster as without one.
        let id = format!("j-{:013X}", fnv(&format!("{}{}", emr.name, self.now_ms)) & 0xF_FFFF_FFFF_FFFF);
        self.emr = EmrState {
            cluster_id: id,
            name: emr.name.clone(),
            state: "WAITING".into(),
            state_reason: Some("Cluster ready to run steps.".into()),
            created_ms: self.now_ms - 2 * 24 * HOUR_MS,
            ready_ms: self.now_ms - 2 * 24 * HOUR_MS + 9 * 60_000,
            scheduled_hour: 0,
            steps: VecDeque::new(),
            next_step: 1,
            scheduled: Some(default_step(&self.lake.curated_bucket)),
        };
        let hour = self.now_ms.div_euclid(HOUR_MS);
        let past_minute = self.now_ms.rem_euclid(HOUR_MS) >= SCHEDULED_MINUTE * 60_000;
        let last = if past_minute { hour } else { hour - 1 };
        for h in (last - 2)..=last {
            let at = h * HOUR_MS + SCHEDULED_MINUTE * 60_000;
            let Some(spec) = self.emr.scheduled.clone() else { break };
            let id = self.step_id();
            let ended = (at + STEP_MS + (h % 5) * 20_000).min(self.now_ms);
            let done = ended < self.now_ms;
            self.emr.steps.push_back(SimStep {
                id,
                spec,
                state: if done { "COMPLETED" } else { "RUNNING" }.into(),
                created_ms: at,
                started_ms: Some(at),
                ended_ms: done.then_some(ended),
                ends_ms: at + STEP_MS + (h % 5) * 20_000,
                fails: false,
            });
        }
        self.emr.scheduled_hour = last;
    }

    fn step_id(&mut self) -> String {
        let n = self.emr.next_step;
        self.emr.next_step += 1;
        let hash = fnv(&format!("{}{n}", self.emr.cluster_id));
        format!("s-{:010X}{:03}", hash & 0xFF_FFFF_FFFF, n % 1000)
    }

    /// Adds the hour's scheduled step when its minute comes, and moves the steps on.
    pub(super) fn emr_step(&mut self, settings: &Settings) {
        self.serverless_step(settings);
        self.emr_setup(settings);
        if self.emr.cluster_id.is_empty() || !is_alive(&self.emr.state) {
            return;
        }
        let hour = self.now_ms.div_euclid(HOUR_MS);
        if hour > self.emr.scheduled_hour && self.now_ms.rem_euclid(HOUR_MS) >= SCHEDULED_MINUTE * 60_000 {
            self.emr.scheduled_hour = hour;
            if let Some(spec) = self.emr.scheduled.clone() {
                self.add_step(spec, SCHEDULER);
            }
        }
        let now = self.now_ms;
        let oom = self.has_fault(Fault::SparkOom);
        let mut failed: Option<String> = None;
        if let Some(step) = self.emr.steps.iter_mut().find(|s| s.state == "RUNNING") {
            if now >= step.ends_ms {
                step.state = if step.fails { "FAILED" } else { "COMPLETED" }.into();
                step.ended_ms = Some(step.ends_ms);
                failed = step.fails.then(|| step.spec.action_on_failure.clone());
            }
        }
        // What EMR does when a step fails, as the step asked (ActionOnFailure): go on, cancel the
        // steps waiting behind it, or end the cluster with them.
        if let Some(action) = failed.filter(|a| a != "CONTINUE") {
            for step in self.emr.steps.iter_mut().filter(|s| s.state == "PENDING") {
                step.state = "CANCELLED".into();
                step.ended_ms = Some(now);
            }
            if matches!(action.as_str(), "TERMINATE_CLUSTER" | "TERMINATE_JOB_FLOW") {
                self.emr.state = "TERMINATED_WITH_ERRORS".into();
                self.emr.state_reason = Some("Shut down as step failed".into());
                return;
            }
        }
        if !self.emr.steps.iter().any(|s| s.state == "RUNNING") {
            if let Some(step) = self.emr.steps.iter_mut().find(|s| s.state == "PENDING") {
                step.state = "RUNNING".into();
                step.started_ms = Some(now);
                step.fails = oom;
                step.ends_ms = now + if oom { OOM_AFTER_MS } else { STEP_MS };
            }
        }
        let running = self.emr.steps.iter().any(|s| s.state == "RUNNING");
        self.emr.state = if running { "RUNNING" } else { "WAITING" }.into();
        self.emr.state_reason = Some(if running { "Running step." } else { "Cluster ready to run steps." }.into());
    }

    fn add_step(&mut self, spec: StepSpec, user: &str) -> String {
        let id = self.step_id();
        self.emr.steps.push_back(SimStep {
            id: id.clone(),
            spec,
            state: "PENDING".into(),
            created_ms: self.now_ms,
            started_ms: None,
            ended_ms: None,
            ends_ms: 0,
            fails: false,
        });
        while self.emr.steps.len() > STEPS_KEPT {
            self.emr.steps.pop_front();
        }
        let cluster = self.emr.cluster_id.clone();
        self.record(user, EMR, "AddJobFlowSteps", &cluster, false);
        id
    }

    fn to_cluster(&self) -> EmrCluster {
        let e = &self.emr;
        let group = |id: &str, name: &str, role: &str, kind: &str, n: u32| InstanceGroup {
            id: id.into(),
            name: name.into(),
            role: role.into(),
            instance_type: kind.into(),
            requested: n,
            running: if is_alive(&e.state) { n } else { 0 },
            state: if is_alive(&e.state) { "RUNNING" } else { "TERMINATED" }.into(),
        };
        let mut cluster = EmrCluster {
            id: e.cluster_id.clone(),
            name: e.name.clone(),
            state: e.state.clone(),
            state_reason: e.state_reason.clone(),
            release: Some(crate::provision::template::SPARK_RELEASE.into()),
            applications: vec!["Spark".into(), "Hadoop".into(), "Hive".into()],
            instance_groups: vec![
                group("ig-MASTER01", "Primary", "MASTER", "m5.xlarge", 1),
                // `spark-oom`'s cause: the core group moved to smaller instances (ModifyInstanceGroups).
                group(
                    "ig-CORE0001",
                    "Core",
                    "CORE",
                    if self.has_fault(Fault::SparkOom) { "r5.xlarge" } else { "r5.2xlarge" },
                    2,
                ),
            ],
            created: Some(time(e.created_ms)),
            ready: Some(time(e.ready_ms)),
            log_uri: Some(format!("s3://{}-emr-logs/", e.name)),
            termination_protected: false,
            idle_since: None,
        };
        let steps: Vec<EmrStep> = e.steps.iter().map(|s| self.to_step(s)).collect();
        cluster.idle_since = idle_since(&cluster, &steps);
        cluster
    }

    fn to_step(&self, s: &SimStep) -> EmrStep {
        let failure = (s.state == "FAILED").then(|| StepFailure {
            reason: Some(OOM_REASON.into()),
            message: Some(OOM_MESSAGE.into()),
            log_file: Some(format!("s3://{}-emr-logs/{}/steps/{}/stderr.gz", self.emr.name, self.emr.cluster_id, s.id)),
        });
        EmrStep {
            id: s.id.clone(),
            name: s.spec.name.clone(),
            state: s.state.clone(),
            created: Some(time(s.created_ms)),
            started: s.started_ms.map(time),
            ended: s.ended_ms.map(time),
            action_on_failure: Some(s.spec.action_on_failure.clone()),
            failure,
        }
    }

    fn exists(&self) -> bool {
        !self.emr.cluster_id.is_empty()
    }

    /// The overview's Processing layer; `None` when the profile runs no EMR.
    pub fn processing_status(&self, settings: &Settings) -> Option<ProcessingStatus> {
        let emr = &settings.platform.emr;
        if emr.mode == EmrMode::Off {
            return None;
        }
        let mut status = emr.empty_status();
        status.applications.extend(self.application_health(settings));
        if emr.mode == EmrMode::Cluster && self.exists() && is_alive(&self.emr.state) && self.emr.name == emr.name {
            let hour_ago = self.now_ms - HOUR_MS;
            let count = |f: &dyn Fn(&SimStep) -> bool| Some(self.emr.steps.iter().filter(|s| f(s)).count() as f64);
            let cluster = self.to_cluster();
            status.clusters.push(ClusterHealth {
                is_idle: Some(cluster.idle_since.is_some()),
                apps_failed: count(&|s| s.state == "FAILED" && s.ended_ms.is_some_and(|t| t >= hour_ago)),
                apps_pending: count(&|s| s.state == "PENDING"),
                apps_running: count(&|s| s.state == "RUNNING"),
                hdfs_utilization: Some(21.0 + (self.now_ms.rem_euclid(86_400_000) as f64 / 86_400_000.0) * 6.0),
                unhealthy_nodes: Some(0.0),
                latest_step: self.emr.steps.back().map(|s| self.to_step(s)),
                cluster,
            });
        }
        Some(status)
    }

    pub fn emr_overview(&self, settings: &Settings) -> EmrOverview {
        let emr = &settings.platform.emr;
        let mut overview = EmrOverview::default();
        match emr.mode {
            EmrMode::Off => {}
            EmrMode::Cluster if self.exists() && is_alive(&self.emr.state) && self.emr.name == emr.name => {
                overview.clusters.extend(self.emr_cluster(&self.emr.cluster_id));
            }
            EmrMode::Cluster => overview.warnings.push(format!("no live EMR cluster named {}", emr.name)),
            EmrMode::Serverless => match self.serverless_application(settings) {
                Some(application) => overview.applications.push(application),
                None => overview.warnings.push(format!("EMR Serverless application {} not found", emr.name)),
            },
        }
        overview
    }

    pub fn emr_cluster(&self, cluster_id: &str) -> Option<ClusterDetail> {
        if !self.exists() || self.emr.cluster_id != cluster_id {
            return None;
        }
        Some(ClusterDetail {
            cluster: self.to_cluster(),
            steps: self.emr.steps.iter().rev().map(|s| self.to_step(s)).collect(),
        })
    }

    /// Makes an EMR change as the service would answer it.
    pub fn emr_change(&mut self, change: &EmrChange, user: &str) -> Result<String, ServiceError> {
        if !self.exists() || self.emr.cluster_id != change.target() {
            return Err(ServiceError::new(
                "InvalidRequestException",
                format!("Cluster id '{}' is not valid.", change.target()),
            ));
        }
        if !is_alive(&self.emr.state) {
            return Err(ServiceError::new(
                "ValidationException",
                format!(
                    "A job flow that is shutting down, terminated, or finished may not be modified: {}",
                    self.emr.state
                ),
            ));
        }
        let cluster = self.emr.cluster_id.clone();
        match change {
            EmrChange::AddStep { step, .. } => {
                let id = self.add_step(step.clone(), user);
                Ok(format!("step {id} added to {cluster}"))
            }
            EmrChange::CancelStep { step_id, .. } => {
                let now = self.now_ms;
                let step = self.emr.steps.iter_mut().find(|s| s.id == *step_id);
                let Some(step) = step.filter(|s| is_cancellable_step(&s.state)) else {
                    return Err(ServiceError::new(
                        "InvalidRequestException",
                        format!("step {step_id} is not pending or running"),
                    ));
                };
                step.state = "CANCELLED".into();
                step.ended_ms = Some(now);
                self.record(user, EMR, "CancelSteps", &cluster, false);
                Ok(format!("step {step_id} cancelled"))
            }
            EmrChange::Terminate { .. } => {
                // The cluster's live steps end with it.
                let now = self.now_ms;
                for step in self.emr.steps.iter_mut().filter(|s| is_cancellable_step(&s.state)) {
                    step.state = "CANCELLED".into();
                    step.ended_ms = Some(now);
                }
                self.emr.state = "TERMINATED".into();
                self.emr.state_reason = Some("Terminated by user request".into());
                self.record(user, EMR, "TerminateJobFlows", &cluster, false);
                Ok(format!("{cluster} terminating"))
            }
        }
    }
}

/// FNV-1a: a stable 64-bit hash for the sandbox's made-up ids.
pub(super) fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

fn is_alive(state: &str) -> bool {
    ACTIVE_CLUSTER_STATES.contains(&state)
}
