//! The write gate against a real moto server: every kind of change lakeops can make is refused in
//! read-only mode with nothing reaching moto, and every changing subcommand run with `--readonly`
//! exits 3 with no changing call reaching moto. moto's front notes every operation it is asked
//! for (`support::moto::operations`), so the counts are moto's, not lakeops' own.

mod support;

use std::process::Output;

use aws_sdk_glue::types::{CrawlerTargets, JobCommand, S3Target};
use lakeops::aws::{AwsPlatform, ClientOptions};
use lakeops::journal::Journal;
use lakeops::model::{
    Change, EmrChange, Fault, GlueChange, QueryRequest, Rerun, ReshardCall, SandboxChange, SavedQuery, StepSpec,
    WorkflowChange,
};
use lakeops::platform::{Gate, GateError};
use support::moto::{credentials, hold_state, moto, operations, sdk_config, unique};

/// The tests of this file share one moto: each takes its turn, so the operations noted between
/// its start and its end are its own.
static TURN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Every kind of change, one of each. `kind` names each variant in one exhaustive match, so a new
/// kind of change does not compile until it is named there, and the test fails until it is sampled.
fn every_change(stream: &str, job: &str, crawler: &str, workgroup: &str) -> Vec<Change> {
    let query =
        |sql: &str| QueryRequest { sql: sql.into(), database: "clickstream".into(), workgroup: workgroup.into() };
    vec![
        Change::Reshard { stream: stream.into(), call: ReshardCall::UpdateShardCount { target: 4 } },
        Change::Reshard {
            stream: stream.into(),
            call: ReshardCall::MergeShards { shard: "a".into(), adjacent: "b".into() },
        },
        Change::EnhancedMonitoring { stream: stream.into(), on: true },
        Change::Glue(GlueChange::StartJobRun { job: job.into(), arguments: vec![] }),
        Change::Glue(GlueChange::StopJobRun { job: job.into(), run_id: "jr_1".into() }),
        Change::Glue(GlueChange::StartCrawler { crawler: crawler.into() }),
        Change::Workflow(WorkflowChange::Start { state_machine: "nightly".into(), input: "{}".into() }),
        Change::Workflow(WorkflowChange::Stop { execution: EXECUTION.into() }),
        Change::Workflow(WorkflowChange::Redrive { execution: EXECUTION.into() }),
        Change::Emr(EmrChange::AddStep { cluster_id: "j-1".into(), step: StepSpec::empty() }),
        Change::Emr(EmrChange::CancelStep { cluster_id: "j-1".into(), step_id: "s-1".into() }),
        Change::Emr(EmrChange::Terminate { cluster_id: "j-1".into(), name: "spark".into() }),
        Change::Rerun(Rerun::DmsTask("orders-cdc".into())),
        Change::Rerun(Rerun::DataSyncTask("partner-share".into())),
        Change::Rerun(Rerun::AppFlowFlow("salesforce-accounts".into())),
        Change::Rerun(Rerun::SpiceDataset("sessions".into())),
        Change::StartQuery(query("DROP TABLE clickstream.events")),
        Change::StartQuery(query("INSERT INTO events SELECT * FROM raw_events")),
        Change::StopQuery { id: "a-query-another-session-started".into() },
        Change::SaveQuery(SavedQuery {
            id: String::new(),
            name: "top pages".into(),
            description: None,
            database: "clickstream".into(),
            workgroup: workgroup.into(),
            sql: "SELECT 1".into(),
        }),
        Change::PlanStack { stack: "clickstream".into(), template: "{}".into(), parameters: vec![] },
        Change::ApplyPlan { stack: "clickstream".into(), change_set: "cs-1".into() },
        Change::DiscardPlan { stack: "clickstream".into(), change_set: "cs-1".into() },
        Change::DeleteStack { stack: "clickstream".into() },
        Change::Sandbox(SandboxChange::Fault { fault: Fault::HotKey, on: true }),
        Change::Sandbox(SandboxChange::Reset),
    ]
}

fn kind(change: &Change) -> &'static str {
    match change {
        Change::Reshard { .. } => "reshard",
        Change::EnhancedMonitoring { .. } => "enhanced monitoring",
        Change::Glue(_) => "glue",
        Change::Workflow(_) => "workflow",
        Change::Emr(_) => "emr",
        Change::Rerun(_) => "rerun",
        Change::StartQuery(_) => "start query",
        Change::StopQuery { .. } => "stop query",
        Change::SaveQuery(_) => "save query",
        Change::PlanStack { .. } => "plan",
        Change::ApplyPlan { .. } => "apply",
        Change::DiscardPlan { .. } => "discard plan",
        Change::DeleteStack { .. } => "delete stack",
        Change::Sandbox(_) => "sandbox",
    }
}

const KINDS: usize = 14;

const EXECUTION: &str = "arn:aws:states:us-east-1:123456789012:execution:nightly:run-1";

async fn platform() -> AwsPlatform {
    let dir = tempfile::tempdir().expect("temp dir");
    let paths = lakeops::settings::Paths {
        config_dir: dir.path().join("config/lakeops"),
        state_dir: dir.path().join("state/lakeops"),
    };
    let profile = format!(
        "name = \"gate\"\nbackend = \"aws\"\n[aws]\nregion = \"us-east-1\"\nendpoint_url = \"{}\"\n",
        moto().endpoint
    );
    let loaded = support::load_profile(dir.path(), &paths, &profile);
    AwsPlatform::connect(&loaded.settings, ClientOptions { credentials: Some(credentials()) }).await
}

fn gate(readonly: bool, dir: &std::path::Path) -> Gate {
    Gate::new(readonly, Journal::new(dir.join("journal.jsonl")), "gate", "aws", Box::new(|p| panic!("{p}")))
}

/// What reached moto since `before` operations had.
fn since(before: usize) -> Vec<String> {
    operations().split_off(before)
}

/// Operations that change something: everything but the reads' names.
fn changing(operations: &[String]) -> Vec<String> {
    const READS: &[&str] = &["Describe", "List", "Get", "BatchGet", "Lookup", "Filter"];
    operations.iter().filter(|op| !READS.iter().any(|read| op.starts_with(read))).cloned().collect()
}

#[tokio::test]
async fn read_only_refuses_every_change_and_nothing_reaches_moto() {
    let _turn = TURN.lock().await;
    let platform = platform().await;
    let dir = tempfile::tempdir().unwrap();
    let changes = every_change("gate-events", "curate", "raw", "primary");
    let mut kinds: Vec<&str> = changes.iter().map(kind).collect();
    kinds.sort();
    kinds.dedup();
    assert_eq!(kinds.len(), KINDS, "every kind of change is sampled: {kinds:?}");

    let readonly = gate(true, dir.path());
    let before = operations().len();
    for change in &changes {
        match readonly.apply(&platform, change, "").await {
            Err(GateError::ReadOnly(reason)) => {
                assert!(reason.starts_with("read-only mode:"), "{reason}");
                assert!(reason.contains("drop --readonly"), "the refusal says how to leave read-only mode: {reason}");
            }
            other => panic!("{} was not refused: {other:?}", change.what()),
        }
    }
    assert_eq!(since(before), Vec::<String>::new(), "no call reached moto");
    let journal = Journal::new(dir.path().join("journal.jsonl"))
        .since(
            lakeops::journal::Scope { profile: "gate", backend: "aws" },
            chrono::DateTime::UNIX_EPOCH,
            chrono::Utc::now(),
        )
        .unwrap()
        .entries;
    assert_eq!(journal.len(), changes.len(), "every refusal is journaled");
    assert!(journal.iter().all(|e| e.outcome.starts_with("refused: read-only mode")));
    for (entry, change) in journal.iter().zip(&changes) {
        assert_eq!(entry.action, change.action());
    }
}

#[tokio::test]
async fn read_only_lets_a_read_query_run_and_its_own_query_be_cancelled() {
    let _turn = TURN.lock().await;
    let platform = platform().await;
    let dir = tempfile::tempdir().unwrap();
    let readonly = gate(true, dir.path());
    let select = QueryRequest { sql: "SELECT 1".into(), database: "clickstream".into(), workgroup: "primary".into() };
    let before = operations().len();
    let id = readonly.apply(&platform, &Change::StartQuery(select), "").await.expect("a read runs").answer();
    readonly.apply(&platform, &Change::StopQuery { id: id.clone() }, "").await.expect("its own query stops");
    assert_eq!(since(before), ["StartQueryExecution", "StopQueryExecution"]);
    let refused = readonly.apply(&platform, &Change::StopQuery { id: format!("{id}-other") }, "").await;
    assert!(matches!(refused, Err(GateError::ReadOnly(_))), "another session's query is not this one's to stop");
}

/// What the changing subcommands aim at: a stream, an idle job to start, a busy job with a live
/// run to stop, a crawler.
struct Platform {
    stream: String,
    job: String,
    busy_job: String,
    run: String,
    crawler: String,
}

async fn provision() -> Platform {
    let config = sdk_config().await;
    let stream = unique("gate-events");
    let kinesis = aws_sdk_kinesis::Client::new(&config);
    kinesis.create_stream().stream_name(&stream).shard_count(2).send().await.expect("CreateStream");
    // Runs stay STARTING: a live run to stop.
    hold_state("glue::job_run", 1000);
    let glue = aws_sdk_glue::Client::new(&config);
    let (job, busy_job, crawler) = (unique("curate"), unique("busy"), unique("raw"));
    for name in [&job, &busy_job] {
        glue.create_job()
            .name(name)
            .role("arn:aws:iam::123456789012:role/glue")
            .command(JobCommand::builder().name("glueetl").script_location("s3://scripts/curate.py").build())
            .send()
            .await
            .expect("CreateJob");
    }
    let run = glue.start_job_run().job_name(&busy_job).send().await.expect("StartJobRun").job_run_id.unwrap();
    glue.create_crawler()
        .name(&crawler)
        .role("arn:aws:iam::123456789012:role/glue")
        .database_name("clickstream")
        .targets(CrawlerTargets::builder().s3_targets(S3Target::builder().path("s3://raw/").build()).build())
        .send()
        .await
        .expect("CreateCrawler");
    Platform { stream, job, busy_job, run, crawler }
}

fn lakeops(dir: &std::path::Path, p: &Platform, args: &[&str]) -> Output {
    let profile = dir.join("gate.toml");
    std::fs::write(
        &profile,
        format!(
            "name = \"gate\"\nbackend = \"aws\"\n[aws]\nregion = \"us-east-1\"\nendpoint_url = \"{}\"\n\
             [platform.stream]\nname = \"{}\"\n[platform.glue]\njob = \"{}\"\ncrawler = \"{}\"\n\
             [platform.sources]\ndms_tasks = [\"orders-cdc\"]\n[platform.quicksight]\ndatasets = [\"sessions\"]\n",
            moto().endpoint,
            p.stream,
            p.job,
            p.crawler
        ),
    )
    .unwrap();
    let args: Vec<&str> = std::iter::once("--readonly").chain(args.iter().copied()).collect();
    support::moto::run_binary(dir, &profile, &args)
}

/// Every subcommand that changes something, with `--readonly`: refused (exit 3) before any
/// changing call; what it reads to check its rules first is all that reaches moto.
#[tokio::test]
async fn every_changing_subcommand_is_refused_read_only_with_no_changing_call() {
    let _turn = TURN.lock().await;
    let p = provision().await;
    let dir = tempfile::tempdir().unwrap();
    let commands: Vec<Vec<&str>> = vec![
        vec!["reshard", &p.stream, "--to", "3", "--yes"],
        vec!["reshard", &p.stream, "--split", "shardId-000000000000", "--yes"],
        vec!["reshard", &p.stream, "--merge", "shardId-000000000000", "shardId-000000000001", "--yes"],
        vec!["reshard", &p.stream, "--mode", "on-demand", "--yes"],
        vec!["glue", "run", &p.job, "--yes"],
        vec!["glue", "run", &p.job, "--arg", "day=2026-03-20", "--yes"],
        vec!["glue", "stop", &p.busy_job, &p.run, "--yes"],
        vec!["glue", "crawl", &p.crawler, "--yes"],
        vec!["workflows", "start", "nightly", "--yes"],
        vec!["workflows", "stop", EXECUTION, "--yes"],
        vec!["workflows", "redrive", EXECUTION, "--yes"],
        vec!["sources", "start", "orders-cdc", "--yes"],
        vec!["quicksight", "refresh", "sessions", "--yes"],
        vec!["query", "DROP TABLE clickstream.events"],
        vec!["query", "INSERT INTO events SELECT * FROM raw_events"],
        vec!["provision", "plan"],
        vec!["provision", "apply", "--yes"],
        vec!["provision", "delete", "--yes"],
    ];
    let before = operations().len();
    for args in &commands {
        let out = lakeops(dir.path(), &p, args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "{args:?}: {stderr}");
        assert!(stderr.contains("read-only mode"), "{args:?}: {stderr}");
    }
    let reached = since(before);
    assert_eq!(changing(&reached), Vec::<String>::new(), "no changing call reached moto; all it saw: {reached:?}");
    let journal: Vec<serde_json::Value> = std::fs::read_to_string(dir.path().join("state/lakeops/journal.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(journal.len(), commands.len(), "each refusal journaled once: {journal:?}");
    assert!(journal.iter().all(|e| e["outcome"].as_str().unwrap().starts_with("refused: read-only mode")));
}

/// The same plan that read-only refuses goes through an open gate: the gate, not moto, refused.
#[tokio::test]
async fn an_open_gate_makes_the_change() {
    let _turn = TURN.lock().await;
    let platform = platform().await;
    let dir = tempfile::tempdir().unwrap();
    let stream = unique("gate-open");
    let kinesis = aws_sdk_kinesis::Client::new(&sdk_config().await);
    kinesis.create_stream().stream_name(&stream).shard_count(1).send().await.expect("CreateStream");
    let before = operations().len();
    let change = Change::EnhancedMonitoring { stream: stream.clone(), on: true };
    gate(false, dir.path()).apply(&platform, &change, "").await.expect("made");
    assert_eq!(since(before), ["EnableEnhancedMonitoring"]);
}
