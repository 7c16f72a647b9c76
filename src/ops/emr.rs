//! EMR rules: a step template is checked when the profile loads; adding a step, cancelling one
//! and terminating a cluster are checked against what EMR reported before any call, and each
//! plan says in words what will happen.

use chrono::{DateTime, Utc};

use super::format::{ago, millis};
use super::refusal::Refusal;
use crate::model::{is_cancellable_step, EmrChange, EmrCluster, EmrStep, StepSpec};

/// What a step does when it fails, as AddJobFlowSteps takes it.
pub const ACTIONS_ON_FAILURE: [&str; 3] = ["CONTINUE", "CANCEL_AND_WAIT", "TERMINATE_CLUSTER"];
/// EMR's limit on a step's name.
const MAX_STEP_NAME: usize = 256;

/// What is wrong with a step template, if anything.
pub fn step_problem(step: &StepSpec) -> Option<String> {
    if step.name.is_empty() || step.name.len() > MAX_STEP_NAME || step.name.chars().any(char::is_control) {
        return Some(format!("name must be 1 to {MAX_STEP_NAME} printable characters, found {:?}", step.name));
    }
    if step.jar.trim().is_empty() {
        return Some("jar must name the JAR to run (command-runner.jar runs spark-submit)".into());
    }
    if step.args.is_empty() {
        return Some("args must hold the command, such as [\"spark-submit\", \"s3://…/job.py\"]".into());
    }
    if !ACTIONS_ON_FAILURE.contains(&step.action_on_failure.as_str()) {
        return Some(format!(
            "action_on_failure must be one of {}, found {:?}",
            ACTIONS_ON_FAILURE.join(", "),
            step.action_on_failure
        ));
    }
    None
}

/// What EMR reported of the cluster (and its steps) a change is made to; `None`: no such cluster.
#[derive(Debug, Clone, Copy)]
pub struct FoundCluster<'a> {
    pub cluster: Option<&'a EmrCluster>,
    /// Its newest steps, newest first.
    pub steps: &'a [EmrStep],
    /// What an hour of it costs (the profile's `cost_per_hour`, 0: not said).
    pub cost_per_hour: f64,
}

/// Checks `change` against what EMR reported at `now`, and returns the plan in words.
pub fn plan(change: &EmrChange, found: FoundCluster<'_>, now: DateTime<Utc>) -> Result<Vec<String>, Refusal> {
    let cluster = alive(change.target(), found.cluster)?;
    match change {
        EmrChange::AddStep { step, .. } => {
            if let Some(problem) = step_problem(step) {
                return Err(Refusal::invalid("a valid step", problem));
            }
            let active = found.steps.iter().filter(|s| is_cancellable_step(&s.state)).count();
            let mut lines = vec![
                format!("AddJobFlowSteps on {} ({}, {})", cluster.id, cluster.name, cluster.state),
                format!("step: {}", step.name),
                format!("runs: {} {}", step.jar, step.args.join(" ")),
                format!("on failure: {}", step.action_on_failure),
            ];
            if step.action_on_failure == "TERMINATE_CLUSTER" {
                lines.push("note: if this step fails, EMR terminates the cluster".into());
            }
            if active > 0 {
                lines.push(format!("note: {active} step(s) pending or running; this one waits behind them"));
            }
            Ok(lines)
        }
        EmrChange::CancelStep { step_id, .. } => {
            let Some(step) = found.steps.iter().find(|s| s.id == *step_id) else {
                return Err(Refusal::invalid(
                    "a known step",
                    format!("{} has no step {step_id} (lakeops emr steps {} lists them)", cluster.id, cluster.id),
                ));
            };
            if !is_cancellable_step(&step.state) {
                // A step that has ended is bad input, as a Glue run or an execution that has.
                return Err(Refusal::invalid(
                    "only a pending or running step is cancelled",
                    format!("step {} ({}) is {}", step.id, step.name, step.state),
                ));
            }
            let mut lines = vec![
                format!("CancelSteps {} on {} ({})", step.id, cluster.id, cluster.name),
                format!("step: {} ({})", step.name, step.state),
            ];
            if step.state == "RUNNING" {
                let since = step.started.map(|t| format!(", started {}", ago(now, t))).unwrap_or_default();
                lines.push(format!("EMR kills the running step{since}; its output so far is kept"));
            }
            Ok(lines)
        }
        EmrChange::Terminate { name, .. } => {
            if *name != cluster.name {
                return Err(Refusal::invalid(
                    "the cluster's name",
                    format!("{} is named {:?}, not {name:?}", cluster.id, cluster.name),
                ));
            }
            if cluster.termination_protected {
                return Err(Refusal::safety(
                    "termination protection",
                    format!("{} has termination protection on; EMR would refuse (turn it off first)", cluster.id),
                ));
            }
            if let Some(step) = found.steps.iter().find(|s| is_cancellable_step(&s.state)) {
                return Err(Refusal::safety(
                    "only an idle cluster is terminated",
                    format!("step {} ({}) is {}: cancel it first or let it finish", step.id, step.name, step.state),
                ));
            }
            let mut lines = vec![
                format!("TerminateJobFlows {} ({})", cluster.id, cluster.name),
                "EMR shuts every instance down; HDFS data on the cluster is lost. This cannot be undone.".into(),
            ];
            if let Some(idle) = cluster.idle_seconds(now) {
                lines.push(format!(
                    "idle for {}{}",
                    millis(idle as f64 * 1000.0),
                    idle_cost(idle, found.cost_per_hour)
                ));
            }
            Ok(lines)
        }
    }
}

/// The cluster, if EMR reported it alive.
fn alive<'a>(id: &str, cluster: Option<&'a EmrCluster>) -> Result<&'a EmrCluster, Refusal> {
    let Some(cluster) = cluster else {
        return Err(Refusal::invalid("a known cluster", format!("there is no cluster {id} (lakeops emr lists them)")));
    };
    if !cluster.is_active() || cluster.state == "TERMINATING" {
        return Err(Refusal::safety(
            "only a live cluster is changed",
            format!("{} ({}) is {}", cluster.id, cluster.name, cluster.state),
        ));
    }
    Ok(cluster)
}

/// What `idle_seconds` of a cluster cost at `cost_per_hour`, as " (≈ $1.20)"; empty when the
/// profile does not say the price.
pub fn idle_cost(idle_seconds: i64, cost_per_hour: f64) -> String {
    if cost_per_hour <= 0.0 {
        return String::new();
    }
    format!(" (≈ ${:.2})", idle_seconds as f64 / 3600.0 * cost_per_hour)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EmrCluster, InstanceGroup};

    fn cluster(state: &str) -> EmrCluster {
        EmrCluster {
            id: "j-1".into(),
            name: "spark".into(),
            state: state.into(),
            state_reason: None,
            release: None,
            applications: vec![],
            instance_groups: Vec::<InstanceGroup>::new(),
            created: None,
            ready: None,
            log_uri: None,
            termination_protected: false,
            idle_since: None,
        }
    }

    #[test]
    fn a_terminating_cluster_is_not_changed_and_a_protected_one_not_terminated() {
        let now = chrono::Utc::now();
        let terminate = EmrChange::Terminate { cluster_id: "j-1".into(), name: "spark".into() };
        let going = cluster("TERMINATING");
        let found = FoundCluster { cluster: Some(&going), steps: &[], cost_per_hour: 0.0 };
        assert!(plan(&terminate, found, now).unwrap_err().text().contains("is TERMINATING"));
        let mut protected = cluster("WAITING");
        protected.termination_protected = true;
        let found = FoundCluster { cluster: Some(&protected), steps: &[], cost_per_hour: 0.0 };
        assert!(plan(&terminate, found, now).unwrap_err().text().contains("termination protection"));
        let bad = StepSpec {
            name: "x".into(),
            args: vec!["a".into()],
            action_on_failure: "RETRY".into(),
            ..StepSpec::empty()
        };
        assert!(step_problem(&bad).unwrap().contains("action_on_failure must be one of"));
        assert_eq!(idle_cost(1800, 2.0), " (≈ $1.00)");
        assert_eq!(idle_cost(1800, 0.0), "");
    }
}
