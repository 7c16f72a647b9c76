//! EMR answers moto does not give, on `aws-smithy-mocks`: a failed step's reason, message and
//! log file (with terminal escapes, which never reach the output raw), and CancelSteps itself:
//! made for a running step, and EMR's own refusal of it said as an error.

mod support;

use aws_sdk_emr::operation::cancel_steps::CancelStepsOutput;
use aws_sdk_emr::operation::describe_cluster::DescribeClusterOutput;
use aws_sdk_emr::operation::list_instance_groups::ListInstanceGroupsOutput;
use aws_sdk_emr::operation::list_steps::ListStepsOutput;
use aws_sdk_emr::primitives::DateTime;
use aws_sdk_emr::types::{
    CancelStepsInfo, CancelStepsRequestStatus, Cluster, ClusterState, ClusterStatus, FailureDetails, StepState,
    StepStatus, StepSummary, StepTimeline,
};
use aws_sdk_emr::Client;
use aws_smithy_mocks::{mock, mock_client, Rule, RuleMode};
use lakeops::aws::{AwsPlatform, ClientOptions};
use lakeops::cli::{ChangeArgs, EmrArgs, EmrCommand};
use lakeops::headless::{emr, Failure};

const CLUSTER: &str = "j-2AXXXXXXGAPLF";

fn secs(ago: i64) -> DateTime {
    DateTime::from_secs(chrono::Utc::now().timestamp() - ago)
}

fn step(id: &str, state: StepState, failure: Option<FailureDetails>) -> StepSummary {
    let timeline = StepTimeline::builder().creation_date_time(secs(900)).start_date_time(secs(800)).build();
    let status = StepStatus::builder().state(state).timeline(timeline).set_failure_details(failure).build();
    StepSummary::builder().id(id).name("compact-curated").status(status).build()
}

fn reads_steps() -> ListStepsOutput {
    let failure = FailureDetails::builder()
        .reason("Container killed by YARN \u{1b}[31mfor exceeding memory limits")
        .message("ExecutorLostFailure")
        .log_file("s3://logs/j-2AXXXXXXGAPLF/steps/s-FAILED/stderr.gz")
        .build();
    ListStepsOutput::builder()
        .steps(step("s-RUNNING", StepState::Running, None))
        .steps(step("s-FAILED", StepState::Failed, Some(failure)))
        .build()
}

fn reads() -> Vec<Rule> {
    let cluster = mock!(Client::describe_cluster).then_output(|| {
        let status = ClusterStatus::builder().state(ClusterState::Running).build();
        let cluster = Cluster::builder().id(CLUSTER).name("spark").status(status).build();
        DescribeClusterOutput::builder().cluster(cluster).build()
    });
    let groups = mock!(Client::list_instance_groups).then_output(|| ListInstanceGroupsOutput::builder().build());
    let steps = mock!(Client::list_steps).then_output(reads_steps);
    vec![cluster, groups, steps]
}

async fn run(client: Client, args: EmrArgs) -> (Result<String, Failure>, tempfile::TempDir) {
    let (dir, paths) = support::temp_paths();
    let profile = "name = \"mocked-emr\"\nbackend = \"aws\"\n[aws]\nregion = \"us-east-1\"\nendpoint_url = \"http://127.0.0.1:9\"\n\
                   [platform.orchestration]\nnightly = false\n[platform.emr]\nmode = \"cluster\"\nname = \"spark\"\n";
    let loaded = support::load_profile(dir.path(), &paths, profile);
    let credentials = Some(support::moto::credentials());
    let platform = AwsPlatform::connect(&loaded.settings, ClientOptions { credentials }).await.with_emr(client);
    (emr::run(&loaded, &paths, &platform, &args).await, dir)
}

fn cancel() -> EmrArgs {
    let change = ChangeArgs { dry_run: false, yes: true };
    EmrArgs {
        action: Some(EmrCommand::Cancel { cluster_id: CLUSTER.into(), step_id: "s-RUNNING".into(), change }),
        json: false,
    }
}

#[tokio::test]
async fn a_failed_step_says_why_and_where_its_log_is_without_raw_escapes() {
    // EMR filters by state: what it answers to a request for FAILED and INTERRUPTED steps.
    let filtered = mock!(Client::list_steps)
        .match_requests(|r| r.step_states() == [StepState::Failed, StepState::Interrupted])
        .then_output(|| {
            let all = reads_steps();
            ListStepsOutput::builder().steps(all.steps()[1].clone()).build()
        });
    let mut rules = vec![filtered];
    rules.extend(reads());
    let client = mock_client!(aws_sdk_emr, RuleMode::MatchAny, &rules);
    let args = EmrArgs {
        action: Some(EmrCommand::Steps { cluster_id: CLUSTER.into(), failed: true, json: false }),
        json: false,
    };
    let (out, _dir) = run(client, args).await;
    let out = out.expect("steps");
    assert!(out.contains("s-FAILED") && !out.contains("s-RUNNING"), "--failed lists the failed one only: {out}");
    assert!(out.contains("Container killed by YARN") && out.contains("stderr.gz"), "{out}");
    assert!(!out.contains('\u{1b}'), "escapes never reach the terminal: {out:?}");
}

#[tokio::test]
async fn a_running_step_is_cancelled_and_emrs_refusal_is_an_error() {
    let mut rules = reads();
    let cancelled = mock!(Client::cancel_steps).then_output(|| {
        let info = CancelStepsInfo::builder().step_id("s-RUNNING").status(CancelStepsRequestStatus::Submitted).build();
        CancelStepsOutput::builder().cancel_steps_info_list(info).build()
    });
    rules.push(cancelled);
    let client = mock_client!(aws_sdk_emr, RuleMode::MatchAny, &rules);
    let (out, _dir) = run(client, cancel()).await;
    let out = out.expect("cancelled");
    assert!(out.contains("CancelSteps s-RUNNING") && out.contains("cancel of step s-RUNNING submitted"), "{out}");

    let mut rules = reads();
    let refused = mock!(Client::cancel_steps).then_output(|| {
        let info = CancelStepsInfo::builder()
            .step_id("s-RUNNING")
            .status(CancelStepsRequestStatus::Failed)
            .reason("the step is not cancellable on this release")
            .build();
        CancelStepsOutput::builder().cancel_steps_info_list(info).build()
    });
    rules.push(refused);
    let client = mock_client!(aws_sdk_emr, RuleMode::MatchAny, &rules);
    let (out, _dir) = run(client, cancel()).await;
    let failure = out.expect_err("EMR refused");
    assert!(
        failure.message().contains("EMR did not cancel s-RUNNING: the step is not cancellable"),
        "{}",
        failure.message()
    );
}

/// A cluster that runs instance fleets (ListInstanceGroups refuses those): its fleets are read
/// with ListInstanceFleets and shown as its groups, capacity in units.
#[tokio::test]
async fn a_cluster_of_instance_fleets_is_listed_with_its_fleets() {
    use aws_sdk_emr::operation::list_clusters::ListClustersOutput;
    use aws_sdk_emr::operation::list_instance_fleets::ListInstanceFleetsOutput;
    use aws_sdk_emr::types::{
        ClusterSummary, InstanceCollectionType, InstanceFleet, InstanceFleetState, InstanceFleetStatus,
        InstanceFleetType, InstanceTypeSpecification,
    };
    let listed = mock!(Client::list_clusters).then_output(|| {
        let status = ClusterStatus::builder().state(ClusterState::Waiting).build();
        ListClustersOutput::builder()
            .clusters(ClusterSummary::builder().id(CLUSTER).name("spark").status(status).build())
            .build()
    });
    let cluster = mock!(Client::describe_cluster).then_output(|| {
        let status = ClusterStatus::builder().state(ClusterState::Waiting).build();
        let cluster = Cluster::builder()
            .id(CLUSTER)
            .name("spark")
            .status(status)
            .instance_collection_type(InstanceCollectionType::InstanceFleet)
            .build();
        DescribeClusterOutput::builder().cluster(cluster).build()
    });
    let fleets = mock!(Client::list_instance_fleets).then_output(|| {
        let fleet = InstanceFleet::builder()
            .id("if-1")
            .name("Core")
            .instance_fleet_type(InstanceFleetType::Core)
            .target_on_demand_capacity(2)
            .target_spot_capacity(4)
            .provisioned_on_demand_capacity(2)
            .provisioned_spot_capacity(1)
            .instance_type_specifications(InstanceTypeSpecification::builder().instance_type("r5.2xlarge").build())
            .instance_type_specifications(InstanceTypeSpecification::builder().instance_type("r5a.2xlarge").build())
            .status(InstanceFleetStatus::builder().state(InstanceFleetState::Resizing).build())
            .build();
        ListInstanceFleetsOutput::builder().instance_fleets(fleet).build()
    });
    let steps = mock!(Client::list_steps).then_output(|| ListStepsOutput::builder().build());
    let groups = mock!(Client::list_instance_groups).then_output(|| ListInstanceGroupsOutput::builder().build());
    let client = mock_client!(aws_sdk_emr, RuleMode::MatchAny, [&listed, &cluster, &fleets, &steps, &groups]);
    let (out, _dir) = run(client, EmrArgs { action: None, json: true }).await;
    let json: serde_json::Value = serde_json::from_str(&out.expect("emr")).expect("JSON");
    let group = &json["clusters"][0]["cluster"]["instance_groups"][0];
    assert_eq!(group["role"], "CORE");
    assert_eq!(group["instance_type"], "r5.2xlarge|r5a.2xlarge");
    assert_eq!((group["requested"].as_u64(), group["running"].as_u64()), (Some(6), Some(3)));
    assert_eq!(groups.num_calls(), 0, "ListInstanceGroups is not asked of a fleet cluster");
}
