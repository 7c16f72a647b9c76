//! Changes whose answer is lost, against moto behind a front that fails a response once: after
//! moto made the change (a 500, or the connection closed without an answer), or before it (a
//! 500 without forwarding). The change is sent once, not retried blindly; the state is read back
//! and the result and the journal say what really happened. Each test here is the only one in
//! this file to make its kind of change, so the front's count of operations is its own.

mod support;

use aws_sdk_glue::types::{ExecutionProperty, JobCommand};
use lakeops::aws::{AwsPlatform, ClientOptions};
use lakeops::cli::{ChangeArgs, GlueCommand, ReshardArgs};
use lakeops::headless::{glue, reshard};
use lakeops::journal::{Entry, Journal};
use lakeops::model::Change;
use lakeops::session::Session;
use lakeops::settings::{Loaded, Paths};
use support::moto::{credentials, fail_next, moto, operations, sdk_config, unique, LostAnswer};

struct Fixture {
    _dir: tempfile::TempDir,
    paths: Paths,
    loaded: Loaded,
    platform: AwsPlatform,
}

async fn fixture(platform_section: &str) -> Fixture {
    let (dir, paths) = support::temp_paths();
    let profile = format!(
        "name = \"moto-lost\"\nbackend = \"aws\"\n[aws]\nregion = \"us-east-1\"\nendpoint_url = \"{}\"\n{platform_section}",
        moto().endpoint
    );
    let loaded = support::load_profile(dir.path(), &paths, &profile);
    let platform = AwsPlatform::connect(&loaded.settings, ClientOptions { credentials: Some(credentials()) }).await;
    Fixture { _dir: dir, paths, loaded, platform }
}

impl Fixture {
    fn journal(&self) -> Vec<Entry> {
        Journal::new(self.paths.journal_file()).since(chrono::DateTime::UNIX_EPOCH).expect("journal").entries
    }

    /// The journal's outcome of the newest entry for `action`.
    fn outcome(&self, action: &str) -> String {
        let entries = self.journal();
        let entry = entries.iter().rev().find(|e| e.action == action).expect("a journal entry");
        entry.outcome.clone()
    }
}

/// How many times the front was asked for `operation` so far.
fn asked(operation: &str) -> usize {
    operations().iter().filter(|o| *o == operation).count()
}

fn reshard_args(stream: &str) -> ReshardArgs {
    ReshardArgs {
        stream: stream.into(),
        to: None,
        split: None,
        at: None,
        merge: None,
        mode: None,
        dry_run: false,
        yes: true,
        no_wait: false,
    }
}

/// The stream's open shards, as ListShards shows them.
async fn open_shards(stream: &str) -> Vec<String> {
    let kinesis = aws_sdk_kinesis::Client::new(&sdk_config().await);
    let shards = kinesis.list_shards().stream_name(stream).send().await.expect("ListShards");
    shards
        .shards()
        .iter()
        .filter(|s| s.sequence_number_range().and_then(|r| r.ending_sequence_number()).is_none())
        .map(|s| s.shard_id().to_string())
        .collect()
}

#[tokio::test]
async fn a_reshard_whose_answer_is_lost_is_read_back_and_journaled_as_it_happened() {
    let stream = unique("lost-events");
    let kinesis = aws_sdk_kinesis::Client::new(&sdk_config().await);
    kinesis.create_stream().stream_name(&stream).shard_count(2).send().await.expect("CreateStream");
    let f = fixture(&format!("[platform.stream]\nname = \"{stream}\"\n")).await;

    // moto scales to 4, the answer is a 500: sent once, read back, landed.
    fail_next("UpdateShardCount", &stream, LostAnswer::ServerError, 1);
    let before = asked("UpdateShardCount");
    let out = reshard::run(&f.loaded, &f.paths, &f.platform, &ReshardArgs { to: Some(4), ..reshard_args(&stream) })
        .await
        .expect("the scaling landed");
    assert_eq!(asked("UpdateShardCount") - before, 1, "UpdateShardCount was sent once, not retried");
    assert!(out.contains("landed (confirmed by reading back"), "{out}");
    assert_eq!(open_shards(&stream).await.len(), 4);
    let outcome = f.outcome("reshard.update-shard-count");
    assert!(outcome.starts_with("landed (confirmed by reading back: "), "{outcome}");
    assert!(outcome.contains("4 open shards") && outcome.contains("its answer was lost"), "{outcome}");

    // moto splits, the connection closes without an answer: landed, the parent is closed.
    let open = open_shards(&stream).await;
    fail_next("SplitShard", &stream, LostAnswer::Dropped, 1);
    let before = asked("SplitShard");
    reshard::run(
        &f.loaded,
        &f.paths,
        &f.platform,
        &ReshardArgs { split: Some(open[0].clone()), ..reshard_args(&stream) },
    )
    .await
    .expect("the split landed");
    assert_eq!(asked("SplitShard") - before, 1, "SplitShard was sent once, not retried");
    assert_eq!(open_shards(&stream).await.len(), 5);
    let outcome = f.outcome("reshard.split-shard");
    assert!(outcome.contains(&format!("shard {} is closed", open[0])), "{outcome}");

    // The 500 comes before moto sees the call: it did not land, and the journal says so.
    fail_next("UpdateShardCount", &stream, LostAnswer::NotForwarded, 1);
    let before = asked("UpdateShardCount");
    let err = reshard::run(&f.loaded, &f.paths, &f.platform, &ReshardArgs { to: Some(6), ..reshard_args(&stream) })
        .await
        .unwrap_err();
    assert_eq!(asked("UpdateShardCount") - before, 1);
    assert!(err.message().contains("did not land (read back: "), "{err:?}");
    assert_eq!(open_shards(&stream).await.len(), 5);
    let outcome = f.outcome("reshard.update-shard-count");
    assert!(outcome.starts_with("did not land: "), "{outcome}");
}

#[tokio::test]
async fn a_glue_run_whose_answer_is_lost_is_found_among_the_runs_not_started_twice() {
    let client = aws_sdk_glue::Client::new(&sdk_config().await);
    let job = unique("lost-curate");
    client
        .create_job()
        .name(&job)
        .role("arn:aws:iam::123456789012:role/glue")
        .command(JobCommand::builder().name("glueetl").script_location("s3://scripts/curate.py").build())
        .execution_property(ExecutionProperty::builder().max_concurrent_runs(3).build())
        .max_capacity(10.0)
        .send()
        .await
        .expect("CreateJob");
    let f = fixture(&format!("[platform.glue]\njob = \"{job}\"\n")).await;
    fail_next("StartJobRun", &job, LostAnswer::ServerError, 1);
    let before = asked("StartJobRun");
    let command = GlueCommand::Run {
        job: job.clone(),
        arguments: vec![],
        wait: false,
        change: ChangeArgs { dry_run: false, yes: true },
    };
    let out = glue::run(&f.loaded, &f.paths, &f.platform, &command).await.expect("the run landed");
    assert_eq!(asked("StartJobRun") - before, 1, "StartJobRun was sent once, not retried");
    let runs = client.get_job_runs().job_name(&job).send().await.expect("GetJobRuns").job_runs().to_vec();
    assert_eq!(runs.len(), 1, "one run, not two");
    let id = runs[0].id().expect("run id");
    assert!(out.contains(&format!("run {id} started")) && out.contains("landed (confirmed by reading back"), "{out}");
    let outcome = f.outcome("glue.start-job-run");
    assert!(
        outcome.starts_with(&format!("landed (confirmed by reading back: run {id} of {job} started at ")),
        "{outcome}"
    );
}

const TEMPLATE: &str = r#"{"Resources": {"Queue": {"Type": "AWS::SQS::Queue"}}}"#;

#[tokio::test]
async fn a_plan_whose_answer_is_lost_continues_with_the_change_set_it_made() {
    let stack = unique("lost-stack");
    let f = fixture("").await;
    let session = Session::headless(&f.loaded, &f.paths);
    let change = Change::PlanStack { stack: stack.clone(), template: TEMPLATE.into(), parameters: vec![] };
    fail_next("CreateChangeSet", &stack, LostAnswer::ServerError, 1);
    let before = asked("CreateChangeSet");
    let applied = session.gate.apply(&f.platform, &change, "plan").await.expect("the change set landed");
    assert_eq!(asked("CreateChangeSet") - before, 1, "CreateChangeSet was sent once, not retried");
    assert!(applied
        .confirmation()
        .is_some_and(|c| c.starts_with("landed (confirmed by reading back: change set lakeops-")));
    let plan = applied.into_plan().expect("a plan");
    assert!(plan.change_set.is_some() && plan.has_changes(), "{plan:?}");
    let outcome = f.outcome("stack.plan");
    assert!(outcome.starts_with("landed (confirmed by reading back: change set lakeops-"), "{outcome}");
    assert!(outcome.contains(": change set arn:"), "{outcome}");

    // Not forwarded (for another stack: this one waits for its change set): no change set was
    // made, and that is what is said.
    let other = unique("lost-stack");
    let change = Change::PlanStack { stack: other.clone(), template: TEMPLATE.into(), parameters: vec![] };
    fail_next("CreateChangeSet", &other, LostAnswer::NotForwarded, 1);
    let err = session.gate.apply(&f.platform, &change, "plan").await.unwrap_err();
    assert!(err.to_string().contains("did not land (read back: "), "{err}");
    assert_eq!(f.outcome("stack.plan").split(':').next(), Some("did not land"));
}
