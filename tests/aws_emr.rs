//! EMR on the AWS path against moto: a cluster of the profile's name with a step shows as the
//! processing layer in `status`; `lakeops emr` and `emr steps CLUSTER_ID --json` list it; adding
//! a step from a template reaches moto; terminating is refused while a step runs and made on an
//! idle cluster; read-only mode refuses every change with no call. EMR Serverless: an application
//! and its job run listed.

mod support;

use aws_sdk_emr::types::{
    ActionOnFailure, HadoopJarStepConfig, InstanceGroupConfig, InstanceRoleType, JobFlowInstancesConfig, StepConfig,
};
use lakeops::aws::{AwsPlatform, ClientOptions};
use lakeops::cli::{ChangeArgs, EmrArgs, EmrCommand};
use lakeops::headless::{emr, status, Failure};
use lakeops::model::{Health, Layer};
use lakeops::settings::{Loaded, Paths};
use support::counting::Counting;
use support::moto::{credentials, moto, sdk_config, unique};

const YES: ChangeArgs = ChangeArgs { dry_run: false, yes: true };

struct Fixture {
    _dir: tempfile::TempDir,
    paths: Paths,
    loaded: Loaded,
    platform: Counting,
    client: aws_sdk_emr::Client,
    name: String,
    id: String,
}

/// A cluster named `name` kept alive, with a step when `with_step` (moto runs it forever).
/// Held by the tests that add steps, so one counting moto's AddJobFlowSteps counts its own.
static ADDING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

async fn cluster(client: &aws_sdk_emr::Client, name: &str, with_step: bool) -> String {
    let group = |role: InstanceRoleType, kind: &str, n: i32| {
        InstanceGroupConfig::builder().instance_role(role).instance_type(kind).instance_count(n).build()
    };
    let instances = JobFlowInstancesConfig::builder()
        .instance_groups(group(InstanceRoleType::Master, "m5.xlarge", 1))
        .instance_groups(group(InstanceRoleType::Core, "r5.2xlarge", 2))
        .keep_job_flow_alive_when_no_steps(true)
        .build();
    let step = StepConfig::builder()
        .name("compact-curated")
        .action_on_failure(ActionOnFailure::Continue)
        .hadoop_jar_step(
            HadoopJarStepConfig::builder()
                .jar("command-runner.jar")
                .args("spark-submit")
                .args("s3://b/compact.py")
                .build(),
        )
        .build();
    let run = client
        .run_job_flow()
        .name(name)
        .release_label("emr-7.1.0")
        .instances(instances)
        .set_steps(with_step.then(|| vec![step]))
        .job_flow_role("EMR_EC2_DefaultRole")
        .service_role("EMR_DefaultRole")
        .log_uri("s3://b/logs/")
        .send()
        .await
        .expect("RunJobFlow");
    run.job_flow_id.expect("a cluster id")
}

async fn fixture(readonly: bool, with_step: bool) -> Fixture {
    let client = aws_sdk_emr::Client::new(&sdk_config().await);
    let name = unique("spark");
    let id = cluster(&client, &name, with_step).await;
    let (dir, paths) = support::temp_paths();
    let profile = format!(
        "name = \"moto-emr\"\nbackend = \"aws\"\n[aws]\nregion = \"us-east-1\"\nendpoint_url = \"{}\"\n\
         [platform.orchestration]\nnightly = false\n\
         [platform.emr]\nmode = \"cluster\"\nname = \"{name}\"\ncost_per_hour = 2.0\n\
         [platform.emr.steps.compact]\nname = \"compact-curated\"\nargs = [\"spark-submit\", \"s3://b/compact.py\"]\n\
         [console]\nreadonly = {readonly}\n",
        moto().endpoint
    );
    let loaded = support::load_profile(dir.path(), &paths, &profile);
    let inner = AwsPlatform::connect(&loaded.settings, ClientOptions { credentials: Some(credentials()) }).await;
    Fixture { _dir: dir, paths, loaded, platform: Counting::new(inner), client, name, id }
}

fn list() -> EmrArgs {
    EmrArgs { action: None, json: true }
}

fn act(command: EmrCommand) -> EmrArgs {
    EmrArgs { action: Some(command), json: false }
}

impl Fixture {
    async fn run(&self, args: EmrArgs) -> Result<String, Failure> {
        emr::run(&self.loaded, &self.paths, &self.platform, &args).await
    }

    async fn steps(&self) -> serde_json::Value {
        let args = act(EmrCommand::Steps { cluster_id: self.id.clone(), failed: false, json: true });
        serde_json::from_str(&self.run(args).await.expect("steps")).expect("JSON")
    }

    async fn state(&self) -> String {
        let out = self.client.describe_cluster().cluster_id(&self.id).send().await.expect("DescribeCluster");
        out.cluster.and_then(|c| c.status).and_then(|s| s.state).map(|s| s.as_str().to_string()).unwrap_or_default()
    }
}

#[tokio::test]
async fn a_cluster_with_a_step_is_the_processing_layer_and_its_steps_are_listed() {
    let f = fixture(false, true).await;
    let steps = f.steps().await;
    let steps = steps.as_array().expect("a list of steps");
    assert_eq!(steps.len(), 1, "{steps:?}");
    assert_eq!((steps[0]["name"].as_str(), steps[0]["state"].as_str()), (Some("compact-curated"), Some("RUNNING")));

    let json: serde_json::Value = serde_json::from_str(&f.run(list()).await.expect("emr")).expect("JSON");
    let cluster = &json["clusters"][0]["cluster"];
    assert_eq!((cluster["id"].as_str(), cluster["name"].as_str()), (Some(f.id.as_str()), Some(f.name.as_str())));
    assert_eq!(cluster["release"], "emr-7.1.0");
    let groups: Vec<&str> =
        cluster["instance_groups"].as_array().unwrap().iter().filter_map(|g| g["role"].as_str()).collect();
    assert!(groups.contains(&"MASTER") && groups.contains(&"CORE"), "{cluster}");

    let report = status::report(&f.loaded, &f.platform).await.expect("status");
    let layers: Vec<Layer> = report.layers.iter().map(|l| l.layer).collect();
    let glue = layers.iter().position(|l| *l == Layer::Glue).unwrap();
    assert_eq!(layers.get(glue + 1), Some(&Layer::Processing), "pipeline order: {layers:?}");
    let processing = report.layers.iter().find(|l| l.layer == Layer::Processing).unwrap();
    assert_eq!(processing.health, Health::Ok, "{}", processing.reason);
    assert!(processing.reason.contains("compact-curated RUNNING"), "{}", processing.reason);
    let document = serde_json::to_value(&report).unwrap();
    assert!(document.to_string().contains("\"processing\""), "{document}");
    assert_eq!(f.platform.mutations(), 0);
}

#[tokio::test]
async fn a_step_is_added_from_a_template_and_a_busy_cluster_is_not_terminated() {
    let _turn = ADDING.lock().await;
    let f = fixture(false, true).await;
    let add = EmrCommand::AddStep { cluster_id: f.id.clone(), template: "compact".into(), change: YES };
    let out = f.run(act(add)).await.expect("added");
    assert!(out.contains("AddJobFlowSteps on") && out.contains(&format!("added to {}", f.id)), "{out}");
    let steps = f.steps().await;
    assert_eq!(steps.as_array().map(Vec::len), Some(2), "{steps}");
    assert_eq!(steps[0]["state"], "PENDING", "the new step waits behind the running one: {steps}");

    let terminate = f.run(act(EmrCommand::Terminate { cluster_id: f.id.clone(), change: YES })).await;
    let refused = terminate.expect_err("refused");
    assert_eq!(refused.exit_code(), 3, "{}", refused.message());
    assert!(refused.message().contains("only an idle cluster is terminated"), "{}", refused.message());
    let unknown = EmrCommand::AddStep { cluster_id: f.id.clone(), template: "nope".into(), change: YES };
    let bad = f.run(act(unknown)).await.expect_err("refused");
    assert_eq!(bad.exit_code(), 2);
    assert!(bad.message().contains("no step template \"nope\" (it has compact)"), "{}", bad.message());
    let missing = EmrCommand::Cancel { cluster_id: "j-NOSUCHCLUSTER".into(), step_id: "s-1".into(), change: YES };
    let gone = f.run(act(missing)).await.expect_err("refused");
    assert_eq!(gone.exit_code(), 2, "{}", gone.message());
    assert!(gone.message().contains("there is no cluster j-NOSUCHCLUSTER"), "{}", gone.message());
    assert_eq!(f.platform.mutations(), 1, "the one step added; refusals call nothing");
    assert_eq!(f.state().await, "RUNNING");
}

#[tokio::test]
async fn an_idle_cluster_is_terminated() {
    let f = fixture(false, false).await;
    assert_eq!(f.state().await, "WAITING");
    let dry = f
        .run(act(EmrCommand::Terminate { cluster_id: f.id.clone(), change: ChangeArgs { dry_run: true, yes: false } }));
    let plan = dry.await.expect("dry run");
    assert!(plan.contains("TerminateJobFlows") && plan.contains("idle for") && plan.contains('$'), "{plan}");
    f.run(act(EmrCommand::Terminate { cluster_id: f.id.clone(), change: YES })).await.expect("terminated");
    assert_eq!(f.state().await, "TERMINATED");
    let report = status::report(&f.loaded, &f.platform).await.expect("status");
    let processing = report.layers.iter().find(|l| l.layer == Layer::Processing).unwrap();
    assert_eq!(processing.health, Health::Warn, "{}", processing.reason);
    assert!(processing.reason.contains(&format!("no live EMR cluster named {}", f.name)), "{}", processing.reason);
}

#[tokio::test]
async fn read_only_refuses_every_emr_change_with_no_call() {
    let f = fixture(true, false).await;
    for command in [
        EmrCommand::AddStep { cluster_id: f.id.clone(), template: "compact".into(), change: YES },
        EmrCommand::Cancel { cluster_id: f.id.clone(), step_id: "s-1".into(), change: YES },
        EmrCommand::Terminate { cluster_id: f.id.clone(), change: YES },
    ] {
        let refused = f.run(act(command)).await.expect_err("refused");
        assert_eq!(refused.exit_code(), 3, "{}", refused.message());
        assert!(refused.message().contains("read-only mode"), "{}", refused.message());
    }
    assert_eq!(f.platform.mutations(), 0);
    assert_eq!(f.state().await, "WAITING");
    assert_eq!(f.platform.inner.calls("DescribeCluster"), 0, "refused before anything is read");
}

#[tokio::test]
async fn a_serverless_application_and_its_job_run_are_listed() {
    let client = aws_sdk_emrserverless::Client::new(&sdk_config().await);
    let name = unique("spark-app");
    let created = client
        .create_application()
        .name(&name)
        .release_label("emr-7.1.0")
        .r#type("SPARK")
        .send()
        .await
        .expect("CreateApplication");
    let driver = aws_sdk_emrserverless::types::SparkSubmit::builder().entry_point("s3://b/compact.py").build().unwrap();
    client
        .start_job_run()
        .application_id(&created.application_id)
        .name("compact")
        .execution_role_arn("arn:aws:iam::123456789012:role/emr-serverless")
        .job_driver(aws_sdk_emrserverless::types::JobDriver::SparkSubmit(driver))
        .client_token(unique("token"))
        .send()
        .await
        .expect("StartJobRun");
    let (dir, paths) = support::temp_paths();
    let profile = format!(
        "name = \"moto-emr-serverless\"\nbackend = \"aws\"\n[aws]\nregion = \"us-east-1\"\nendpoint_url = \"{}\"\n\
         [platform.orchestration]\nnightly = false\n[platform.emr]\nmode = \"serverless\"\nname = \"{name}\"\n",
        moto().endpoint
    );
    let loaded = support::load_profile(dir.path(), &paths, &profile);
    let inner = AwsPlatform::connect(&loaded.settings, ClientOptions { credentials: Some(credentials()) }).await;
    let platform = Counting::new(inner);
    let out = emr::run(&loaded, &paths, &platform, &list()).await.expect("emr");
    let json: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let app = &json["applications"][0];
    assert_eq!(
        (app["id"].as_str(), app["name"].as_str()),
        (Some(created.application_id.as_str()), Some(name.as_str()))
    );
    assert_eq!(app["job_runs"].as_array().map(Vec::len), Some(1), "{json}");
    let report = status::report(&loaded, &platform).await.expect("status");
    let processing = report.layers.iter().find(|l| l.layer == Layer::Processing).expect("the layer");
    assert!(processing.reason.contains(&name), "{}", processing.reason);
    drop(dir);
}

/// AddJobFlowSteps is sent once: when moto adds the step but the answer is a 500, the steps are
/// read back and the step is found, not added a second time.
#[tokio::test]
async fn a_step_whose_answer_is_lost_is_found_among_the_steps_not_added_twice() {
    use support::moto::{fail_next, operations, LostAnswer};
    // moto's operations are counted across the process: no other test adds a step meanwhile.
    let _turn = ADDING.lock().await;
    let f = fixture(false, false).await;
    fail_next("AddJobFlowSteps", &f.id, LostAnswer::ServerError, 1);
    let asked = || operations().iter().filter(|o| *o == "AddJobFlowSteps").count();
    let before = asked();
    let add = EmrCommand::AddStep { cluster_id: f.id.clone(), template: "compact".into(), change: YES };
    let out = f.run(act(add)).await.expect("the step landed");
    assert_eq!(asked() - before, 1, "AddJobFlowSteps was sent once, not retried");
    assert!(out.contains("landed (confirmed by reading back: step s-"), "{out}");
    assert_eq!(f.steps().await.as_array().map(Vec::len), Some(1), "one step, not two");
}
