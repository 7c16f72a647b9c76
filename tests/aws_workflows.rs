//! Step Functions on the AWS path against moto: the watched state machine's executions listed
//! (an aborted one under `--failed`), the Orchestration layer in `status`, and start, stop and
//! redrive checked against what Step Functions reports, with zero changing calls when refused.
//! RedriveExecution and the redrive status, which moto does not serve, on mocked responses.

mod support;

use lakeops::aws::{AwsPlatform, ClientOptions};
use lakeops::cli::{ChangeArgs, WorkflowsArgs, WorkflowsCommand};
use lakeops::headless::{status, workflows, Failure};
use lakeops::model::{Health, Layer};
use lakeops::settings::{Loaded, Paths};
use support::counting::Counting;
use support::moto::{credentials, moto, sdk_config, unique};

const DEFINITION: &str = r#"{"StartAt": "RunCurateJob", "States": {"RunCurateJob": {"Type": "Pass", "End": true}}}"#;
const YES: ChangeArgs = ChangeArgs { dry_run: false, yes: true };

struct Fixture {
    _dir: tempfile::TempDir,
    paths: Paths,
    loaded: Loaded,
    platform: Counting,
    client: aws_sdk_sfn::Client,
    machine: String,
    arn: String,
}

async fn fixture(readonly: bool) -> Fixture {
    let client = aws_sdk_sfn::Client::new(&sdk_config().await);
    let machine = unique("nightly");
    let arn = client
        .create_state_machine()
        .name(&machine)
        .definition(DEFINITION)
        .role_arn("arn:aws:iam::123456789012:role/states")
        .send()
        .await
        .expect("CreateStateMachine")
        .state_machine_arn;
    let (dir, paths) = support::temp_paths();
    let profile = format!(
        "name = \"moto-states\"\nbackend = \"aws\"\n[aws]\nregion = \"us-east-1\"\nendpoint_url = \"{}\"\n\
         [platform.orchestration]\nnightly = false\nstate_machines = [\"{machine}\"]\n[console]\nreadonly = {readonly}\n",
        moto().endpoint
    );
    let loaded = support::load_profile(dir.path(), &paths, &profile);
    let inner = AwsPlatform::connect(&loaded.settings, ClientOptions { credentials: Some(credentials()) }).await;
    Fixture { _dir: dir, paths, loaded, platform: Counting::new(inner), client, machine, arn }
}

fn list(failed: bool) -> WorkflowsArgs {
    WorkflowsArgs { action: None, failed, since: "24h".into(), json: true }
}

fn act(command: WorkflowsCommand) -> WorkflowsArgs {
    WorkflowsArgs { action: Some(command), failed: false, since: "24h".into(), json: false }
}

impl Fixture {
    async fn run(&self, args: WorkflowsArgs) -> Result<String, Failure> {
        workflows::run(&self.loaded, &self.paths, &self.platform, &args).await
    }

    /// An execution started straight on moto (not through lakeops).
    async fn started(&self) -> String {
        let out = self.client.start_execution().state_machine_arn(&self.arn).input("{}").send().await;
        out.expect("StartExecution").execution_arn
    }

    async fn status_of(&self, execution: &str) -> String {
        let out = self.client.describe_execution().execution_arn(execution).send().await.expect("DescribeExecution");
        out.status.as_str().to_string()
    }
}

#[tokio::test]
async fn an_aborted_execution_is_listed_as_failed_and_the_layer_shows_in_status() {
    let f = fixture(false).await;
    let running = f.started().await;
    let aborted = f.started().await;
    f.client.stop_execution().execution_arn(&aborted).send().await.expect("StopExecution");

    let json: serde_json::Value = serde_json::from_str(&f.run(list(true)).await.expect("list")).expect("JSON");
    let machine = &json["state_machines"][0];
    assert_eq!(machine["name"], f.machine.as_str());
    let executions = machine["executions"].as_array().expect("executions");
    assert_eq!(executions.len(), 1, "--failed lists the aborted one only: {json}");
    assert_eq!(
        (executions[0]["arn"].as_str(), executions[0]["status"].as_str()),
        (Some(aborted.as_str()), Some("ABORTED"))
    );

    let all: serde_json::Value = serde_json::from_str(&f.run(list(false)).await.expect("list")).expect("JSON");
    assert_eq!(all["state_machines"][0]["executions"].as_array().map(Vec::len), Some(2), "{all}");
    assert!(all.to_string().contains(&running));

    let report = status::report(&f.loaded, &f.platform).await.expect("status");
    let layers: Vec<Layer> = report.layers.iter().map(|l| l.layer).collect();
    let glue = layers.iter().position(|l| *l == Layer::Glue).unwrap();
    assert_eq!(layers.get(glue + 1), Some(&Layer::Orchestration), "pipeline order: {layers:?}");
    let orchestration = report.layers.iter().find(|l| l.layer == Layer::Orchestration).unwrap();
    // The newest execution is the aborted one: a warning naming it.
    assert_eq!(orchestration.health, Health::Warn, "{}", orchestration.reason);
    assert!(orchestration.reason.contains("ABORTED"), "{}", orchestration.reason);
    // Running counts the executions running: the older one, behind the aborted newest.
    let running = orchestration.numbers.iter().find(|n| n.label == "running").and_then(|n| n.value);
    assert_eq!(running, Some(1.0), "{:?}", orchestration.numbers);
    assert_eq!(f.platform.mutations(), 0);
}

#[tokio::test]
async fn start_and_stop_reach_moto_and_wrong_requests_are_refused_with_no_call() {
    let f = fixture(false).await;
    let input = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(input.path(), r#"{"day": "2026-12-02"}"#).unwrap();
    let start = WorkflowsCommand::Start {
        state_machine: f.machine.clone(),
        input: Some(input.path().to_path_buf()),
        change: YES,
    };
    let out = f.run(act(start)).await.expect("start");
    let arn = out.lines().last().unwrap().trim_start_matches("execution ").trim_end_matches(" started").to_string();
    assert_eq!(f.status_of(&arn).await, "RUNNING", "{out}");
    let described = f.client.describe_execution().execution_arn(&arn).send().await.unwrap();
    assert_eq!(described.input(), Some(r#"{"day": "2026-12-02"}"#));

    // A running execution cannot be redriven; it can be stopped, once.
    let redrive = f.run(act(WorkflowsCommand::Redrive { execution_arn: arn.clone(), change: YES })).await;
    let refused = redrive.expect_err("refused");
    assert_eq!(refused.exit_code(), 2, "{}", refused.message());
    assert!(refused.message().contains("only a FAILED, TIMED_OUT or ABORTED execution can be redriven"));
    f.run(act(WorkflowsCommand::Stop { execution_arn: arn.clone(), change: YES })).await.expect("stop");
    assert_eq!(f.status_of(&arn).await, "ABORTED");
    let again = f.run(act(WorkflowsCommand::Stop { execution_arn: arn.clone(), change: YES })).await;
    assert!(again.expect_err("refused").message().contains("is ABORTED: only a RUNNING execution can be stopped"));
    assert_eq!(f.platform.mutations(), 2, "the start and the one stop");

    let unknown = format!("{}:nope", arn.rsplit_once(':').unwrap().0);
    let missing = f.run(act(WorkflowsCommand::Stop { execution_arn: unknown.clone(), change: YES })).await;
    let missing = missing.expect_err("refused");
    assert_eq!(missing.exit_code(), 2);
    assert!(missing.message().contains(&format!("there is no execution {unknown}")), "{}", missing.message());
    std::fs::write(input.path(), "day=2026-12-02").unwrap();
    let not_json = WorkflowsCommand::Start {
        state_machine: f.machine.clone(),
        input: Some(input.path().to_path_buf()),
        change: YES,
    };
    let bad = f.run(act(not_json)).await.expect_err("refused");
    assert_eq!(bad.exit_code(), 2);
    assert!(
        bad.message().starts_with("refused by the rule \"execution input\": the input is not JSON"),
        "{}",
        bad.message()
    );
    assert_eq!(f.platform.mutations(), 2, "refusals call nothing");
}

#[tokio::test]
async fn read_only_refuses_every_workflow_change_before_any_read() {
    let f = fixture(true).await;
    let running = f.started().await;
    for command in [
        WorkflowsCommand::Start { state_machine: f.machine.clone(), input: None, change: YES },
        WorkflowsCommand::Stop { execution_arn: running.clone(), change: YES },
        WorkflowsCommand::Redrive { execution_arn: running.clone(), change: YES },
    ] {
        let refused = f.run(act(command)).await.expect_err("refused");
        assert_eq!(refused.exit_code(), 3, "{}", refused.message());
        assert!(refused.message().contains("read-only mode"));
    }
    assert_eq!(f.platform.mutations(), 0);
    assert_eq!(f.status_of(&running).await, "RUNNING");
}

/// A Glue workflow on moto: its run listed beside the state machine's executions; a run with no
/// failed job or crawler is not resumed, and no call is made.
#[tokio::test]
async fn a_glue_workflow_run_is_listed_and_one_without_failures_is_not_resumed() {
    let glue = aws_sdk_glue::Client::new(&sdk_config().await);
    let workflow = unique("flow");
    glue.create_workflow().name(&workflow).send().await.expect("CreateWorkflow");
    let run_id = glue.start_workflow_run().name(&workflow).send().await.expect("StartWorkflowRun").run_id.unwrap();
    let (dir, paths) = support::temp_paths();
    let profile = format!(
        "name = \"moto-flows\"\nbackend = \"aws\"\n[aws]\nregion = \"us-east-1\"\nendpoint_url = \"{}\"\n\
         [platform.orchestration]\nnightly = false\nglue_workflows = [\"{workflow}\", \"missing-flow\"]\n",
        moto().endpoint
    );
    let loaded = support::load_profile(dir.path(), &paths, &profile);
    let inner = AwsPlatform::connect(&loaded.settings, ClientOptions { credentials: Some(credentials()) }).await;
    let platform = Counting::new(inner);
    let out = workflows::run(&loaded, &paths, &platform, &list(false)).await.expect("list");
    let json: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let flows = json["glue_workflows"].as_array().expect("glue workflows");
    assert_eq!(flows[0]["name"], workflow.as_str());
    assert_eq!(flows[0]["runs"][0]["id"], run_id.as_str(), "{json}");
    assert_eq!(flows[1]["exists"], false);

    let resume = WorkflowsCommand::Resume { workflow: workflow.clone(), run_id: run_id.clone(), change: YES };
    let refused = workflows::run(&loaded, &paths, &platform, &act(resume)).await.expect_err("refused");
    assert_eq!(refused.exit_code(), 2, "{}", refused.message());
    assert!(refused.message().starts_with("refused by the rule \"a failed workflow run\""), "{}", refused.message());
    assert_eq!(platform.mutations(), 0);

    let report = status::report(&loaded, &platform).await.expect("status");
    let orchestration = report.layers.iter().find(|l| l.layer == Layer::Orchestration).expect("the layer");
    assert_eq!(orchestration.health, Health::Warn, "missing-flow is not found: {}", orchestration.reason);
}
