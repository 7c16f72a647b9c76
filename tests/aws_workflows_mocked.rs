//! Step Functions answers moto does not give, on `aws-smithy-mocks`: a failed execution's history
//! naming the state it failed in, the redrive status DescribeExecution reports, and
//! RedriveExecution itself: made when Step Functions says REDRIVABLE, refused with no call when
//! it says NOT_REDRIVABLE.

mod support;

use aws_sdk_sfn::operation::describe_execution::DescribeExecutionOutput;
use aws_sdk_sfn::operation::get_execution_history::GetExecutionHistoryOutput;
use aws_sdk_sfn::operation::list_executions::ListExecutionsOutput;
use aws_sdk_sfn::operation::list_state_machines::ListStateMachinesOutput;
use aws_sdk_sfn::operation::redrive_execution::RedriveExecutionOutput;
use aws_sdk_sfn::primitives::DateTime;
use aws_sdk_sfn::types::{
    ExecutionFailedEventDetails, ExecutionListItem, ExecutionRedriveStatus, ExecutionStatus, HistoryEvent,
    HistoryEventType, StateEnteredEventDetails, StateMachineListItem, StateMachineType,
};
use aws_sdk_sfn::Client;
use aws_smithy_mocks::{mock, mock_client, RuleMode};
use lakeops::aws::{AwsPlatform, ClientOptions};
use lakeops::cli::{ChangeArgs, WorkflowsArgs, WorkflowsCommand};
use lakeops::headless::{workflows, Failure};

const MACHINE: &str = "arn:aws:states:us-east-1:123456789012:stateMachine:nightly";
const EXECUTION: &str = "arn:aws:states:us-east-1:123456789012:execution:nightly:scheduled-1";

fn now_secs() -> i64 {
    chrono::Utc::now().timestamp()
}

fn history() -> GetExecutionHistoryOutput {
    let event = |id: i64, kind: HistoryEventType| {
        HistoryEvent::builder().id(id).r#type(kind).timestamp(DateTime::from_secs(now_secs() - 600 + id))
    };
    let failed = event(9, HistoryEventType::ExecutionFailed)
        .execution_failed_event_details(
            ExecutionFailedEventDetails::builder()
                .error("States.TaskFailed")
                .cause("Glue job run jr_1 of clickstream-curate FAILED: OutOfMemoryError")
                .build(),
        )
        .build()
        .unwrap();
    let entered = event(7, HistoryEventType::TaskStateEntered)
        .state_entered_event_details(StateEnteredEventDetails::builder().name("RunCurateJob").build().unwrap())
        .build()
        .unwrap();
    GetExecutionHistoryOutput::builder().events(failed).events(entered).build().unwrap()
}

fn described(redrive: ExecutionRedriveStatus, reason: Option<&str>) -> DescribeExecutionOutput {
    DescribeExecutionOutput::builder()
        .execution_arn(EXECUTION)
        .state_machine_arn(MACHINE)
        .name("scheduled-1")
        .status(ExecutionStatus::Failed)
        .start_date(DateTime::from_secs(now_secs() - 1200))
        .stop_date(DateTime::from_secs(now_secs() - 600))
        .redrive_status(redrive)
        .set_redrive_status_reason(reason.map(String::from))
        .build()
        .unwrap()
}

async fn run(client: Client, args: WorkflowsArgs) -> (Result<String, Failure>, tempfile::TempDir) {
    let (dir, paths) = support::temp_paths();
    let profile = "name = \"mocked-states\"\nbackend = \"aws\"\n[aws]\nregion = \"us-east-1\"\nendpoint_url = \"http://127.0.0.1:9\"\n\
                   [platform.orchestration]\nnightly = false\nstate_machines = [\"nightly\"]\n";
    let loaded = support::load_profile(dir.path(), &paths, profile);
    let credentials = Some(support::moto::credentials());
    let platform = AwsPlatform::connect(&loaded.settings, ClientOptions { credentials }).await.with_sfn(client);
    (workflows::run(&loaded, &paths, &platform, &args).await, dir)
}

fn redrive() -> WorkflowsArgs {
    let command =
        WorkflowsCommand::Redrive { execution_arn: EXECUTION.into(), change: ChangeArgs { dry_run: false, yes: true } };
    WorkflowsArgs { action: Some(command), failed: false, since: "24h".into(), json: false }
}

#[tokio::test]
async fn a_failed_execution_names_the_state_it_failed_in() {
    let machines = mock!(Client::list_state_machines).then_output(|| {
        let item = StateMachineListItem::builder()
            .state_machine_arn(MACHINE)
            .name("nightly")
            .r#type(StateMachineType::Standard)
            .creation_date(DateTime::from_secs(1_700_000_000))
            .build()
            .unwrap();
        ListStateMachinesOutput::builder().state_machines(item).build().unwrap()
    });
    let executions = mock!(Client::list_executions).then_output(|| {
        let item = ExecutionListItem::builder()
            .execution_arn(EXECUTION)
            .state_machine_arn(MACHINE)
            .name("scheduled-1")
            .status(ExecutionStatus::Failed)
            .start_date(DateTime::from_secs(now_secs() - 1200))
            .stop_date(DateTime::from_secs(now_secs() - 600))
            .build()
            .unwrap();
        ListExecutionsOutput::builder().executions(item).build().unwrap()
    });
    let events = mock!(Client::get_execution_history).then_output(history);
    let client = mock_client!(aws_sdk_sfn, RuleMode::MatchAny, [&machines, &executions, &events]);
    let args = WorkflowsArgs { action: None, failed: false, since: "24h".into(), json: false };
    let (out, _dir) = run(client, args).await;
    let out = out.expect("list");
    let line = out.lines().find(|l| l.contains("scheduled-1")).expect("the execution is listed");
    assert!(line.starts_with("FAILED"), "{out}");
    assert!(
        line.contains(
            "RunCurateJob States.TaskFailed: Glue job run jr_1 of clickstream-curate FAILED: OutOfMemoryError"
        ),
        "{out}"
    );
}

#[tokio::test]
async fn a_redrivable_execution_is_redriven() {
    let describe =
        mock!(Client::describe_execution).then_output(|| described(ExecutionRedriveStatus::Redrivable, None));
    let events = mock!(Client::get_execution_history).then_output(history);
    let redriven = mock!(Client::redrive_execution)
        .match_requests(|r| r.execution_arn() == Some(EXECUTION) && r.client_token().is_some())
        .then_output(|| {
            RedriveExecutionOutput::builder().redrive_date(DateTime::from_secs(now_secs())).build().unwrap()
        });
    let client = mock_client!(aws_sdk_sfn, RuleMode::MatchAny, [&describe, &events, &redriven]);
    let (out, _dir) = run(client, redrive()).await;
    let out = out.expect("redriven");
    assert!(out.contains("it restarts from \"RunCurateJob\", where it failed"), "{out}");
    assert!(out.contains("scheduled-1 redriven"), "{out}");
    assert_eq!(redriven.num_calls(), 1);
}

#[tokio::test]
async fn step_functions_saying_not_redrivable_is_a_refusal_with_no_call() {
    let reason = "Execution was redriven 1000 times, the maximum";
    let describe = mock!(Client::describe_execution)
        .then_output(move || described(ExecutionRedriveStatus::NotRedrivable, Some(reason)));
    let events = mock!(Client::get_execution_history).then_output(history);
    let redriven = mock!(Client::redrive_execution)
        .then_output(|| RedriveExecutionOutput::builder().redrive_date(DateTime::from_secs(0)).build().unwrap());
    let client = mock_client!(aws_sdk_sfn, RuleMode::MatchAny, [&describe, &events, &redriven]);
    let (out, dir) = run(client, redrive()).await;
    let refused = out.expect_err("refused");
    assert_eq!(refused.exit_code(), 2);
    assert_eq!(
        refused.message(),
        format!("refused by the rule \"a redrivable execution\": scheduled-1 is NOT_REDRIVABLE: {reason}")
    );
    assert_eq!(redriven.num_calls(), 0);
    let journal = std::fs::read_to_string(dir.path().join("state/lakeops/journal.jsonl")).expect("journal");
    assert!(
        journal.contains("\"action\":\"states.redrive-execution\"") && journal.contains("NOT_REDRIVABLE"),
        "{journal}"
    );
}

/// A Glue workflow run that completed with its job failed: the job is named with its error, and
/// the resume reruns exactly that node.
#[tokio::test]
async fn a_glue_workflow_run_with_a_failed_job_is_resumed_at_that_job() {
    use aws_sdk_glue::operation::get_workflow_runs::GetWorkflowRunsOutput;
    use aws_sdk_glue::operation::resume_workflow_run::ResumeWorkflowRunOutput;
    use aws_sdk_glue::types::{
        JobNodeDetails, JobRun, JobRunState, Node, NodeType, WorkflowGraph, WorkflowRun, WorkflowRunStatistics,
        WorkflowRunStatus,
    };
    let job = Node::builder()
        .r#type(NodeType::Job)
        .name("clickstream-curate")
        .unique_id("wnode_job")
        .job_details(
            JobNodeDetails::builder()
                .job_runs(
                    JobRun::builder()
                        .id("jr_9")
                        .job_run_state(JobRunState::Failed)
                        .error_message("OutOfMemoryError: \u{1b}[31mJava heap space")
                        .started_on(aws_sdk_glue::primitives::DateTime::from_secs(now_secs() - 900))
                        .build(),
                )
                .build(),
        )
        .build();
    let runs = mock!(aws_sdk_glue::Client::get_workflow_runs).then_output(move || {
        let run = WorkflowRun::builder()
            .name("nightly-flow")
            .workflow_run_id("wr_1")
            .status(WorkflowRunStatus::Completed)
            .started_on(aws_sdk_glue::primitives::DateTime::from_secs(now_secs() - 1000))
            .completed_on(aws_sdk_glue::primitives::DateTime::from_secs(now_secs() - 600))
            .statistics(
                WorkflowRunStatistics::builder().total_actions(2).succeeded_actions(1).failed_actions(1).build(),
            )
            .graph(WorkflowGraph::builder().nodes(job.clone()).build())
            .build();
        GetWorkflowRunsOutput::builder().runs(run).build()
    });
    let resumed = mock!(aws_sdk_glue::Client::resume_workflow_run)
        .match_requests(|r| {
            r.name() == Some("nightly-flow") && r.run_id() == Some("wr_1") && r.node_ids() == ["wnode_job"]
        })
        .then_output(|| ResumeWorkflowRunOutput::builder().run_id("wr_2").build());
    let glue = mock_client!(aws_sdk_glue, RuleMode::MatchAny, [&runs, &resumed]);

    let (dir, paths) = support::temp_paths();
    let profile = "name = \"mocked-flows\"\nbackend = \"aws\"\n[aws]\nregion = \"us-east-1\"\nendpoint_url = \"http://127.0.0.1:9\"\n\
                   [platform.orchestration]\nnightly = false\nglue_workflows = [\"nightly-flow\"]\n";
    let loaded = support::load_profile(dir.path(), &paths, profile);
    let credentials = Some(support::moto::credentials());
    let platform = AwsPlatform::connect(&loaded.settings, ClientOptions { credentials }).await.with_glue(glue);
    let args = WorkflowsArgs { action: None, failed: true, since: "24h".into(), json: false };
    let out = workflows::run(&loaded, &paths, &platform, &args).await.expect("list");
    let line = out.lines().find(|l| l.contains("wr_1")).expect("the run is listed");
    assert!(line.contains("job clickstream-curate FAILED: OutOfMemoryError: "), "{out}");
    assert!(line.ends_with("Java heap space"), "{out}");
    assert!(!out.contains('\u{1b}'), "escapes never reach the terminal");

    let command = WorkflowsCommand::Resume {
        workflow: "nightly-flow".into(),
        run_id: "wr_1".into(),
        change: ChangeArgs { dry_run: false, yes: true },
    };
    let args = WorkflowsArgs { action: Some(command), failed: false, since: "24h".into(), json: false };
    let out = workflows::run(&loaded, &paths, &platform, &args).await.expect("resumed");
    assert!(out.contains("runs again: job clickstream-curate (FAILED"), "{out}");
    assert!(out.contains("nightly-flow resumed as run wr_2"), "{out}");
    assert_eq!(resumed.num_calls(), 1);
}
