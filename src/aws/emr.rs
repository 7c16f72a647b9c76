//! EMR clusters on AWS: the live clusters of a name, one cluster with its instance groups, its
//! steps with why a failed one failed, and AddJobFlowSteps, CancelSteps, TerminateJobFlows.
//! Their health comes from CloudWatch (`AWS/ElasticMapReduce`) in the overview's one
//! GetMetricData call.

use aws_sdk_emr::types::{
    ActionOnFailure, ClusterState, HadoopJarStepConfig, InstanceCollectionType, StepConfig, StepState, StepSummary,
};
use aws_sdk_emr::Client;

use super::errors::{code, platform_error};
use super::landed::{self, ReadBack};
use super::utc;
use crate::model::text::sanitize;
use crate::model::*;
use crate::platform::PlatformError;

/// Steps listed per cluster (ListSteps' page: the newest 50).
pub const STEPS_READ: usize = 50;

/// The live clusters named `name` (ListClusters with the active states, paged), newest first.
pub async fn clusters_named(client: &Client, name: &str) -> Result<Vec<String>, PlatformError> {
    let mut found = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let out = client
            .list_clusters()
            .set_cluster_states(Some(ACTIVE_CLUSTER_STATES.iter().map(|s| ClusterState::from(*s)).collect()))
            .set_marker(marker.clone())
            .send()
            .await
            .map_err(|e| platform_error("EMR ListClusters", e))?;
        let named = out.clusters().iter().filter(|c| c.name() == Some(name));
        found.extend(named.filter_map(|c| {
            let created = c.status().and_then(|s| s.timeline()).and_then(|t| t.creation_date_time());
            Some((c.id()?.to_string(), utc(created)))
        }));
        marker = out.marker().map(String::from);
        if marker.is_none() {
            break;
        }
    }
    found.sort_by_key(|(_, created)| std::cmp::Reverse(*created));
    Ok(found.into_iter().map(|(id, _)| id).collect())
}

/// An EMR enum or id as text safe for a terminal (an unknown enum value carries EMR's text).
fn text(value: Option<&str>) -> String {
    sanitize(value.unwrap_or_default())
}

/// One cluster, its instance groups not yet read; `None` when there is no such cluster. The
/// second value says whether it runs instance fleets (ListInstanceFleets) rather than groups.
/// `idle_since` is left for the caller, who knows its steps.
pub async fn cluster(client: &Client, id: &str) -> Result<Option<(EmrCluster, bool)>, PlatformError> {
    let out = match client.describe_cluster().cluster_id(id).send().await {
        Ok(out) => out,
        Err(e) if matches!(code(&e), Some("InvalidRequestException" | "NoSuchCluster")) => return Ok(None),
        Err(e) => return Err(platform_error("EMR DescribeCluster", e)),
    };
    let Some(c) = out.cluster() else { return Ok(None) };
    let status = c.status();
    let timeline = status.and_then(|s| s.timeline());
    let fleets = c.instance_collection_type() == Some(&InstanceCollectionType::InstanceFleet);
    let cluster = EmrCluster {
        id: text(c.id().or(Some(id))),
        name: text(c.name()),
        state: text(status.and_then(|s| s.state()).map(|s| s.as_str())),
        state_reason: status.and_then(|s| s.state_change_reason()).and_then(|r| r.message()).map(sanitize),
        release: c.release_label().map(sanitize),
        applications: c.applications().iter().filter_map(|a| a.name()).map(sanitize).collect(),
        instance_groups: Vec::new(),
        created: utc(timeline.and_then(|t| t.creation_date_time())),
        ready: utc(timeline.and_then(|t| t.ready_date_time())),
        log_uri: c.log_uri().map(sanitize),
        termination_protected: c.termination_protected().unwrap_or(false),
        idle_since: None,
    };
    Ok(Some((cluster, fleets)))
}

/// A cluster's instance groups (ListInstanceGroups), or its instance fleets as groups
/// (ListInstanceFleets: capacity in units, on-demand and spot together).
pub async fn instance_groups(client: &Client, id: &str, fleets: bool) -> Result<Vec<InstanceGroup>, PlatformError> {
    let count = |n: Option<i32>| n.unwrap_or(0).max(0) as u32;
    if fleets {
        let out = client
            .list_instance_fleets()
            .cluster_id(id)
            .send()
            .await
            .map_err(|e| platform_error("EMR ListInstanceFleets", e))?;
        return Ok(out
            .instance_fleets()
            .iter()
            .map(|f| {
                let types: Vec<&str> =
                    f.instance_type_specifications().iter().filter_map(|t| t.instance_type()).collect();
                InstanceGroup {
                    id: text(f.id()),
                    name: text(f.name()),
                    role: text(f.instance_fleet_type().map(|t| t.as_str())),
                    instance_type: sanitize(&types.join("|")),
                    requested: count(f.target_on_demand_capacity()) + count(f.target_spot_capacity()),
                    running: count(f.provisioned_on_demand_capacity()) + count(f.provisioned_spot_capacity()),
                    state: text(f.status().and_then(|s| s.state()).map(|s| s.as_str())),
                }
            })
            .collect());
    }
    let out = client
        .list_instance_groups()
        .cluster_id(id)
        .send()
        .await
        .map_err(|e| platform_error("EMR ListInstanceGroups", e))?;
    Ok(out
        .instance_groups()
        .iter()
        .map(|g| InstanceGroup {
            id: text(g.id()),
            name: text(g.name()),
            role: text(g.instance_group_type().map(|t| t.as_str())),
            instance_type: text(g.instance_type()),
            requested: count(g.requested_instance_count()),
            running: count(g.running_instance_count()),
            state: text(g.status().and_then(|s| s.state()).map(|s| s.as_str())),
        })
        .collect())
}

fn step(s: &StepSummary) -> EmrStep {
    let status = s.status();
    let timeline = status.and_then(|s| s.timeline());
    let mut step = EmrStep {
        id: text(s.id()),
        name: text(s.name()),
        state: text(status.and_then(|s| s.state()).map(|s| s.as_str())),
        created: utc(timeline.and_then(|t| t.creation_date_time())),
        started: utc(timeline.and_then(|t| t.start_date_time())),
        ended: utc(timeline.and_then(|t| t.end_date_time())),
        action_on_failure: s.action_on_failure().map(|a| sanitize(a.as_str())),
        failure: None,
    };
    // A failed step without details still says it failed; details on others are noise.
    if step.is_failed() {
        let details = status.and_then(|s| s.failure_details());
        step.failure = Some(StepFailure {
            reason: details.and_then(|f| f.reason()).map(sanitize),
            message: details.and_then(|f| f.message()).map(sanitize),
            log_file: details.and_then(|f| f.log_file()).map(sanitize),
        });
    }
    step
}

/// A cluster's newest steps (at most [`STEPS_READ`]), newest first; `failed_only`: FAILED and
/// INTERRUPTED ones. `None` when there is no such cluster.
pub async fn steps(
    client: &Client,
    cluster_id: &str,
    failed_only: bool,
) -> Result<Option<Vec<EmrStep>>, PlatformError> {
    let states = failed_only.then(|| vec![StepState::Failed, StepState::Interrupted]);
    let out = match client.list_steps().cluster_id(cluster_id).set_step_states(states).send().await {
        Ok(out) => out,
        Err(e) if matches!(code(&e), Some("InvalidRequestException" | "NoSuchCluster")) => return Ok(None),
        Err(e) => return Err(platform_error("EMR ListSteps", e)),
    };
    let mut steps: Vec<EmrStep> = out.steps().iter().map(step).collect();
    // ListSteps answers newest first; sorting keeps that whatever the endpoint does.
    steps.sort_by_key(|s| std::cmp::Reverse(s.created));
    steps.truncate(STEPS_READ);
    Ok(Some(steps))
}

// Each change is sent once (see `landed`): when its answer is lost, the cluster's steps say
// whether the step was added or is being cancelled, and the cluster whether it is terminating.

fn once() -> aws_sdk_emr::config::Builder {
    aws_sdk_emr::Config::builder().retry_config(landed::once())
}

/// AddJobFlowSteps with one step; answers its id.
pub async fn add_step(client: &Client, cluster_id: &str, spec: &StepSpec) -> Result<Applied, PlatformError> {
    let api = "EMR AddJobFlowSteps";
    let jar = HadoopJarStepConfig::builder().jar(&spec.jar).set_args(Some(spec.args.clone())).build();
    let step = StepConfig::builder()
        .name(&spec.name)
        .action_on_failure(ActionOnFailure::from(spec.action_on_failure.as_str()))
        .hadoop_jar_step(jar)
        .build();
    // The steps there before the call: a step of the same name (the scheduler's hourly one) added
    // by someone else meanwhile is not taken for this one when the answer is lost.
    let before: Vec<String> =
        steps(client, cluster_id, false).await?.unwrap_or_default().into_iter().map(|s| s.id).collect();
    let called_at = chrono::Utc::now() - chrono::Duration::seconds(5);
    let sent = client
        .add_job_flow_steps()
        .job_flow_id(cluster_id)
        .steps(step)
        .customize()
        .config_override(once())
        .send()
        .await
        .map(|out| out.step_ids().join(", "))
        .map_err(|e| landed::failed(api, e));
    let read_back = async {
        let steps = steps(client, cluster_id, false).await?.unwrap_or_default();
        let added = steps
            .into_iter()
            .find(|s| s.name == spec.name && !before.contains(&s.id) && s.created.is_some_and(|t| t >= called_at));
        Ok(match added {
            Some(step) => {
                ReadBack::Landed(step.id.clone(), format!("step {} {} is {}", step.id, step.name, step.state))
            }
            None => ReadBack::NotLanded(format!("no step {} added to {cluster_id} since the call", spec.name)),
        })
    };
    let check = format!("the steps of {cluster_id} (lakeops emr steps {cluster_id})");
    landed::answered(api, sent, read_back, &check, |ids| Applied::Answer(format!("step {ids} added to {cluster_id}")))
        .await
}

/// CancelSteps of one step; EMR answers per step whether it took the request.
pub async fn cancel_step(client: &Client, cluster_id: &str, step_id: &str) -> Result<Applied, PlatformError> {
    let api = "EMR CancelSteps";
    let sent = client
        .cancel_steps()
        .cluster_id(cluster_id)
        .step_ids(step_id)
        .customize()
        .config_override(once())
        .send()
        .await
        .map_err(|e| landed::failed(api, e));
    let sent = match sent {
        Ok(out) => {
            let info = out.cancel_steps_info_list().iter().find(|i| i.step_id() == Some(step_id));
            if let Some("FAILED") = info.and_then(|i| i.status()).map(|s| s.as_str()) {
                let reason = info.and_then(|i| i.reason()).map(sanitize).unwrap_or_else(|| "no reason given".into());
                return Err(PlatformError::failed(api, format!("EMR did not cancel {step_id}: {reason}")));
            }
            Ok(())
        }
        Err(e) => Err(e),
    };
    let read_back = async {
        let steps = steps(client, cluster_id, false).await?.unwrap_or_default();
        let state = steps.into_iter().find(|s| s.id == step_id).map(|s| s.state).unwrap_or_else(|| "gone".into());
        Ok(if matches!(state.as_str(), "CANCEL_PENDING" | "CANCELLED") {
            ReadBack::Landed((), format!("step {step_id} is {state}"))
        } else {
            ReadBack::NotLanded(format!("step {step_id} is {state}"))
        })
    };
    let check = format!("step {step_id} (lakeops emr steps {cluster_id})");
    landed::answered(api, sent, read_back, &check, |_| Applied::Answer(format!("cancel of step {step_id} submitted")))
        .await
}

/// TerminateJobFlows of one cluster.
pub async fn terminate(client: &Client, cluster_id: &str) -> Result<Applied, PlatformError> {
    let api = "EMR TerminateJobFlows";
    let sent = client
        .terminate_job_flows()
        .job_flow_ids(cluster_id)
        .customize()
        .config_override(once())
        .send()
        .await
        .map(|_| ())
        .map_err(|e| landed::failed(api, e));
    let read_back = async {
        let state = cluster(client, cluster_id).await?.map(|(c, _)| c.state).unwrap_or_else(|| "gone".into());
        Ok(if matches!(state.as_str(), "TERMINATING" | "TERMINATED" | "gone") {
            ReadBack::Landed((), format!("{cluster_id} is {state}"))
        } else {
            ReadBack::NotLanded(format!("{cluster_id} is {state}"))
        })
    };
    let check = format!("the cluster {cluster_id} (lakeops emr)");
    landed::answered(api, sent, read_back, &check, |_| Applied::Answer(format!("{cluster_id} terminating"))).await
}
