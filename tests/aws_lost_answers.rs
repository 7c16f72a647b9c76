//! Changes whose answer is lost, against moto behind a front that fails a response once: after
//! moto made the change (a 500, or the connection closed without an answer), or before it (a
//! 500 without forwarding). The change is sent once, not retried blindly; the state is read back
//! and the result and the journal say what really happened. Each test here is the only one in
//! this file to make its kind of change, so the front's count of operations is its own.
//! BatchStopJobRun, which moto does not serve, is tested on mocks in tests/aws_glue.rs.

mod support;

use aws_sdk_glue::types::{ExecutionProperty, JobCommand};
use lakeops::aws::{AwsPlatform, ClientOptions};
use lakeops::cli::{ChangeArgs, GlueCommand, ReshardArgs};
use lakeops::headless::{glue, reshard};
use lakeops::journal::{Entry, Journal};
use lakeops::model::{Change, GlueChange, SavedQuery};
use lakeops::platform::{GateError, PlatformError};
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
        Journal::new(self.paths.journal_file())
            .since(
                lakeops::journal::Scope { profile: &self.loaded.profile, backend: "aws" },
                chrono::DateTime::UNIX_EPOCH,
                chrono::Utc::now(),
            )
            .expect("journal")
            .entries
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
    let out =
        reshard::run(&f.loaded, &f.paths, &f.platform, &ReshardArgs { to: Some(4), ..support::reshard_args(&stream) })
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
        &ReshardArgs { split: Some(open[0].clone()), ..support::reshard_args(&stream) },
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
    let err =
        reshard::run(&f.loaded, &f.paths, &f.platform, &ReshardArgs { to: Some(6), ..support::reshard_args(&stream) })
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
    let session = Session::headless(&f.loaded, &f.paths, &f.platform);
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

/// Makes `change` through the session's gate.
async fn apply(f: &Fixture, change: &Change) -> Result<lakeops::model::Applied, PlatformError> {
    match Session::headless(&f.loaded, &f.paths, &f.platform).gate.apply(&f.platform, change, "lost answer").await {
        Ok(applied) => Ok(applied),
        Err(GateError::Platform(e)) => Err(e),
        Err(GateError::ReadOnly(refused) | GateError::Refused(refused)) => panic!("refused: {refused}"),
    }
}

/// Plans `stack` through the gate: its change set.
async fn planned(f: &Fixture, stack: &str) -> String {
    let change = Change::PlanStack { stack: stack.to_string(), template: TEMPLATE.into(), parameters: vec![] };
    let plan = apply(f, &change).await.expect("plan").into_plan().expect("a plan");
    plan.change_set.expect("a change set")
}

#[tokio::test]
async fn enhanced_monitoring_whose_answer_is_lost_is_read_back_from_the_stream() {
    let stream = unique("lost-metrics");
    let kinesis = aws_sdk_kinesis::Client::new(&sdk_config().await);
    kinesis.create_stream().stream_name(&stream).shard_count(1).send().await.expect("CreateStream");
    let f = fixture(&format!("[platform.stream]\nname = \"{stream}\"\n")).await;
    let metrics_on = || async {
        let out = kinesis.describe_stream_summary().stream_name(&stream).send().await.expect("DescribeStreamSummary");
        out.stream_description_summary()
            .is_some_and(|s| s.enhanced_monitoring().iter().any(|m| !m.shard_level_metrics().is_empty()))
    };

    // moto switches the metrics on, the answer is a 500: landed.
    fail_next("EnableEnhancedMonitoring", &stream, LostAnswer::ServerError, 1);
    let before = asked("EnableEnhancedMonitoring");
    let applied = apply(&f, &Change::EnhancedMonitoring { stream: stream.clone(), on: true }).await.expect("landed");
    assert_eq!(asked("EnableEnhancedMonitoring") - before, 1, "sent once, not retried");
    assert!(applied.confirmation().is_some(), "{applied:?}");
    let outcome = f.outcome("kinesis.enable-enhanced-monitoring");
    assert!(
        outcome.starts_with(&format!("landed (confirmed by reading back: {stream}'s shard-level metrics are on)")),
        "{outcome}"
    );
    assert!(metrics_on().await);

    // The 500 comes before moto sees the call: the metrics stay on, and the journal says so.
    fail_next("DisableEnhancedMonitoring", &stream, LostAnswer::NotForwarded, 1);
    let before = asked("DisableEnhancedMonitoring");
    let err = apply(&f, &Change::EnhancedMonitoring { stream: stream.clone(), on: false }).await.unwrap_err();
    assert_eq!(asked("DisableEnhancedMonitoring") - before, 1, "sent once, not retried");
    assert_eq!(err.outcome(), "did not land", "{err}");
    let outcome = f.outcome("kinesis.disable-enhanced-monitoring");
    assert!(outcome.starts_with("did not land: ") && outcome.contains("metrics are on"), "{outcome}");
    assert!(metrics_on().await);
}

#[tokio::test]
async fn a_crawl_whose_answer_is_lost_is_read_back_from_the_crawler() {
    let glue = aws_sdk_glue::Client::new(&sdk_config().await);
    let crawler = |name: String| {
        let glue = glue.clone();
        async move {
            glue.create_crawler()
                .name(&name)
                .role("arn:aws:iam::123456789012:role/glue")
                .database_name("lost")
                .targets(
                    aws_sdk_glue::types::CrawlerTargets::builder()
                        .s3_targets(aws_sdk_glue::types::S3Target::builder().path("s3://raw/events/").build())
                        .build(),
                )
                .send()
                .await
                .expect("CreateCrawler");
            name
        }
    };
    let started = crawler(unique("lost-raw")).await;
    let idle = crawler(unique("lost-raw")).await;
    let f = fixture("").await;
    let state = |name: &str| {
        let glue = glue.clone();
        let name = name.to_string();
        async move {
            let out = glue.get_crawler().name(&name).send().await.expect("GetCrawler");
            out.crawler().and_then(|c| c.state()).map(|s| s.as_str().to_string()).unwrap_or_default()
        }
    };

    // moto starts the crawl, the connection closes without an answer: landed, one crawl.
    fail_next("StartCrawler", &started, LostAnswer::Dropped, 1);
    let before = asked("StartCrawler");
    let change = Change::Glue(GlueChange::StartCrawler { crawler: started.clone() });
    let applied = apply(&f, &change).await.expect("the crawl landed");
    assert_eq!(asked("StartCrawler") - before, 1, "StartCrawler was sent once, not retried");
    assert_eq!(applied.answer(), format!("crawler {started} is RUNNING"));
    let outcome = f.outcome("glue.start-crawler");
    assert!(
        outcome.starts_with(&format!("landed (confirmed by reading back: crawler {started} is RUNNING")),
        "{outcome}"
    );
    assert_eq!(state(&started).await, "RUNNING");

    // Not forwarded: the crawler stays READY, and that is what is said.
    fail_next("StartCrawler", &idle, LostAnswer::NotForwarded, 1);
    let before = asked("StartCrawler");
    let change = Change::Glue(GlueChange::StartCrawler { crawler: idle.clone() });
    let err = apply(&f, &change).await.unwrap_err();
    assert_eq!(asked("StartCrawler") - before, 1);
    assert!(err.to_string().contains(&format!("did not land (read back: crawler {idle} is READY")), "{err}");
    assert!(f.outcome("glue.start-crawler").starts_with("did not land: "));
    assert_eq!(state(&idle).await, "READY");
}

#[tokio::test]
async fn athena_changes_whose_answer_is_lost_are_read_back_not_repeated() {
    let athena = aws_sdk_athena::Client::new(&sdk_config().await);
    let f = fixture("").await;
    let sql = format!("SELECT 1 -- {}", unique("lost-query"));
    let id = athena
        .start_query_execution()
        .query_string(&sql)
        .work_group("primary")
        .send()
        .await
        .expect("StartQueryExecution")
        .query_execution_id()
        .expect("an id")
        .to_string();
    let state = || async {
        let out = athena.get_query_execution().query_execution_id(&id).send().await.expect("GetQueryExecution");
        out.query_execution().and_then(|q| q.status()?.state().cloned()).map(|s| s.as_str().to_string())
    };

    // Not forwarded: the query is not cancelled, and that is what is said.
    fail_next("StopQueryExecution", &id, LostAnswer::NotForwarded, 1);
    let before = asked("StopQueryExecution");
    let err = apply(&f, &Change::StopQuery { id: id.clone() }).await.unwrap_err();
    assert_eq!(asked("StopQueryExecution") - before, 1, "StopQueryExecution was sent once, not retried");
    assert_eq!(err.outcome(), "did not land", "{err}");
    assert_ne!(state().await.as_deref(), Some("CANCELLED"));

    // moto cancels it, the answer is a 500: landed.
    fail_next("StopQueryExecution", &id, LostAnswer::ServerError, 1);
    let before = asked("StopQueryExecution");
    apply(&f, &Change::StopQuery { id: id.clone() }).await.expect("the cancel landed");
    assert_eq!(asked("StopQueryExecution") - before, 1);
    let outcome = f.outcome("athena.stop-query");
    assert!(outcome.starts_with(&format!("landed (confirmed by reading back: query {id} is CANCELLED)")), "{outcome}");

    // moto saves the query, the connection closes: its id is found, one saved query, not two.
    let name = unique("lost-saved");
    let query = SavedQuery {
        id: String::new(),
        name: name.clone(),
        description: None,
        database: "default".into(),
        workgroup: "primary".into(),
        sql: sql.clone(),
    };
    fail_next("CreateNamedQuery", &name, LostAnswer::Dropped, 1);
    let before = asked("CreateNamedQuery");
    let applied = apply(&f, &Change::SaveQuery(query.clone())).await.expect("the save landed");
    assert_eq!(asked("CreateNamedQuery") - before, 1, "CreateNamedQuery was sent once, not retried");
    let listed = athena.list_named_queries().work_group("primary").send().await.expect("ListNamedQueries");
    let mut named = Vec::new();
    for qid in listed.named_query_ids() {
        let out = athena.get_named_query().named_query_id(qid).send().await.expect("GetNamedQuery");
        if out.named_query().is_some_and(|q| q.name() == name) {
            named.push(qid.clone());
        }
    }
    assert_eq!(named, [applied.answer()], "one saved query, and its id is the answer");
    assert!(f
        .outcome("athena.save-query")
        .starts_with(&format!("landed (confirmed by reading back: saved query {name} is ")));

    // Not forwarded, under another name: nothing saved.
    let other = SavedQuery { name: unique("lost-saved"), ..query };
    fail_next("CreateNamedQuery", &other.name, LostAnswer::NotForwarded, 1);
    let err = apply(&f, &Change::SaveQuery(other)).await.unwrap_err();
    assert_eq!(err.outcome(), "did not land", "{err}");
    assert!(f.outcome("athena.save-query").starts_with("did not land: "));
}

/// The stack's status, or `None` when CloudFormation no longer knows it.
async fn stack_status(stack: &str) -> Option<String> {
    let cloudformation = aws_sdk_cloudformation::Client::new(&sdk_config().await);
    let out = cloudformation.describe_stacks().stack_name(stack).send().await.ok()?;
    out.stacks().first().and_then(|s| s.stack_status()).map(|s| s.as_str().to_string())
}

#[tokio::test]
async fn stack_changes_whose_answer_is_lost_are_read_back_not_repeated() {
    let f = fixture("").await;

    // Apply: not forwarded (did not land: the change set is still AVAILABLE), then a 500 after
    // moto executed it (landed).
    let stack = unique("lost-apply");
    let change_set = planned(&f, &stack).await;
    let change = Change::ApplyPlan { stack: stack.clone(), change_set: change_set.clone() };
    fail_next("ExecuteChangeSet", &stack, LostAnswer::NotForwarded, 1);
    let before = asked("ExecuteChangeSet");
    let err = apply(&f, &change).await.unwrap_err();
    assert_eq!(asked("ExecuteChangeSet") - before, 1, "ExecuteChangeSet was sent once, not retried");
    assert!(
        err.to_string().contains("did not land (read back: change set ") && err.to_string().contains("AVAILABLE"),
        "{err}"
    );
    assert_eq!(stack_status(&stack).await.as_deref(), Some("REVIEW_IN_PROGRESS"));
    fail_next("ExecuteChangeSet", &stack, LostAnswer::ServerError, 1);
    let before = asked("ExecuteChangeSet");
    apply(&f, &change).await.expect("the apply landed");
    assert_eq!(asked("ExecuteChangeSet") - before, 1, "ExecuteChangeSet was sent once, not retried");
    let outcome = f.outcome("stack.apply");
    assert!(
        outcome.starts_with("landed (confirmed by reading back: change set ") && outcome.contains("EXECUTE_COMPLETE"),
        "{outcome}"
    );
    assert_eq!(stack_status(&stack).await.as_deref(), Some("CREATE_COMPLETE"));

    // Delete: not forwarded (the stack is still there), then dropped after moto deleted it.
    let change = Change::DeleteStack { stack: stack.clone() };
    fail_next("DeleteStack", &stack, LostAnswer::NotForwarded, 1);
    let before = asked("DeleteStack");
    let err = apply(&f, &change).await.unwrap_err();
    assert_eq!(asked("DeleteStack") - before, 1, "DeleteStack was sent once, not retried");
    assert!(err.to_string().contains(&format!("did not land (read back: {stack} is CREATE_COMPLETE)")), "{err}");
    fail_next("DeleteStack", &stack, LostAnswer::Dropped, 1);
    let before = asked("DeleteStack");
    apply(&f, &change).await.expect("the delete landed");
    assert_eq!(asked("DeleteStack") - before, 1);
    let outcome = f.outcome("stack.delete");
    assert!(outcome.starts_with(&format!("landed (confirmed by reading back: {stack} is gone)")), "{outcome}");
    assert_eq!(stack_status(&stack).await, None);

    // Discard: not forwarded (the change set is still there), then a 500 after moto deleted it.
    let stack = unique("lost-discard");
    let change_set = planned(&f, &stack).await;
    let change = Change::DiscardPlan { stack: stack.clone(), change_set };
    fail_next("DeleteChangeSet", &stack, LostAnswer::NotForwarded, 1);
    let before = asked("DeleteChangeSet");
    let err = apply(&f, &change).await.unwrap_err();
    assert_eq!(asked("DeleteChangeSet") - before, 1, "DeleteChangeSet was sent once, not retried");
    assert_eq!(err.outcome(), "did not land", "{err}");
    fail_next("DeleteChangeSet", &stack, LostAnswer::ServerError, 1);
    let before = asked("DeleteChangeSet");
    apply(&f, &change).await.expect("the discard landed");
    assert_eq!(asked("DeleteChangeSet") - before, 1);
    let outcome = f.outcome("stack.discard-plan");
    assert!(
        outcome.starts_with(&format!("landed (confirmed by reading back: {stack} has no change set ")),
        "{outcome}"
    );
    assert_eq!(stack_status(&stack).await, None, "the stack the plan made in review went with it");
}
