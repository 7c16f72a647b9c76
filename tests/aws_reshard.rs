//! Resharding on the AWS path against moto: every change checked by reading the shards
//! back; every refusal made with zero mutating calls.

mod support;

use lakeops::aws::{AwsPlatform, ClientOptions};
use lakeops::cli::{ModeArg, ReshardArgs};
use lakeops::headless::reshard;
use lakeops::headless::Failure;
use lakeops::model::{CapacityMode, StreamFacts};
use lakeops::platform::Platform;
use lakeops::settings::{Loaded, Paths};
use support::counting::Counting;
use support::moto::{credentials, moto, sdk_config, unique};

struct Fixture {
    _dir: tempfile::TempDir,
    paths: Paths,
    loaded: Loaded,
    platform: Counting,
    stream: String,
}

async fn fixture(shards: i32, readonly: bool) -> Fixture {
    let stream = unique("rs-events");
    let kinesis = aws_sdk_kinesis::Client::new(&sdk_config().await);
    kinesis.create_stream().stream_name(&stream).shard_count(shards).send().await.expect("CreateStream");
    let (dir, paths) = support::temp_paths();
    let profile = format!(
        "name = \"moto-reshard\"\nbackend = \"aws\"\n[aws]\nregion = \"us-east-1\"\nendpoint_url = \"{}\"\n[platform.stream]\nname = \"{stream}\"\n[console]\nreadonly = {readonly}\n",
        moto().endpoint
    );
    let loaded = support::load_profile(dir.path(), &paths, &profile);
    let inner = AwsPlatform::connect(&loaded.settings, ClientOptions { credentials: Some(credentials()) }).await;
    Fixture { _dir: dir, paths, loaded, platform: Counting::new(inner), stream }
}

impl Fixture {
    async fn run(&self, args: ReshardArgs) -> Result<String, Failure> {
        reshard::run(&self.loaded, &self.paths, &self.platform, &args).await
    }

    async fn facts(&self) -> StreamFacts {
        self.platform.stream_facts(&self.stream).await.unwrap().unwrap()
    }

    async fn open_ids(&self) -> Vec<String> {
        self.facts().await.open().map(|s| s.id.clone()).collect()
    }

    fn mutations(&self) -> u32 {
        self.platform.mutations()
    }
}

#[tokio::test]
async fn uniform_scaling_up_and_down() {
    let f = fixture(2, false).await;
    let out = f.run(ReshardArgs { to: Some(4), ..support::reshard_args(&f.stream) }).await.expect("scale up");
    assert!(out.contains("is ACTIVE with 4 open shards"), "{out}");
    assert_eq!(f.facts().await.open_count(), 4);
    f.run(ReshardArgs { to: Some(2), ..support::reshard_args(&f.stream) }).await.expect("scale down");
    let facts = f.facts().await;
    assert_eq!(facts.open_count(), 2);
    // The open shards still cover the whole keyspace.
    let open: Vec<_> = facts.open().collect();
    assert_eq!(open.first().unwrap().start, 0);
    assert_eq!(open.last().unwrap().end, u128::MAX);
    assert_eq!(f.mutations(), 2);
}

/// A plan is made again just before its call: a stream another operator scaled since gets no call
/// (UpdateShardCount names only a target, so a 2 → 3 plan made on a stream at 4 would scale it
/// down), and the refusal is journaled; a plan that still holds is made.
#[tokio::test]
async fn a_plan_made_before_the_stream_changed_is_not_made() {
    use lakeops::ops::reshard::{plan, ReshardRequest};
    use lakeops::platform::GateError;
    let f = fixture(2, false).await;
    let session = lakeops::session::Session::headless(&f.loaded, &f.paths, &f.platform);
    let stale = plan(&f.facts().await, &ReshardRequest::ScaleTo(3)).expect("2 → 3");
    f.run(ReshardArgs { to: Some(4), ..support::reshard_args(&f.stream) }).await.expect("another operator's 2 → 4");
    let refused = lakeops::session::reshard::apply(&session, &f.platform, &stale).await.unwrap_err();
    let GateError::Refused(reason) = &refused else { panic!("refused, not {refused:?}") };
    assert!(
        reason.contains("changed since its plan (open shards: 2 → 3) was made: open shards: 4 → 3 now"),
        "{reason}"
    );
    assert_eq!(f.mutations(), 1, "no call for the stale plan");
    assert_eq!(f.facts().await.open_count(), 4);
    let journal = std::fs::read_to_string(f.paths.journal_file()).unwrap();
    assert!(journal.lines().last().unwrap().contains("refused: "), "{journal}");

    let fresh = plan(&f.facts().await, &ReshardRequest::ScaleTo(3)).expect("4 → 3");
    lakeops::session::reshard::apply(&session, &f.platform, &fresh).await.expect("a plan that holds is made");
    assert_eq!(f.mutations(), 2);
}

#[tokio::test]
async fn split_at_the_midpoint_then_merge_the_children_back() {
    let f = fixture(1, false).await;
    let parent = f.facts().await.open().next().unwrap().clone();
    f.run(ReshardArgs { split: Some(parent.id.clone()), ..support::reshard_args(&f.stream) }).await.expect("split");
    let facts = f.facts().await;
    let children: Vec<_> = facts.open().cloned().collect();
    assert_eq!(children.len(), 2);
    let midpoint = parent.start + (parent.end - parent.start) / 2 + 1;
    assert_eq!(children[1].start, midpoint);
    assert_eq!(children[0].end, midpoint - 1);
    assert!(children.iter().all(|c| c.parent.as_deref() == Some(parent.id.as_str())));
    assert!(!facts.shards.iter().find(|s| s.id == parent.id).unwrap().open, "the parent is closed");

    f.run(ReshardArgs {
        merge: Some(vec![children[0].id.clone(), children[1].id.clone()]),
        ..support::reshard_args(&f.stream)
    })
    .await
    .expect("merge");
    let merged: Vec<_> = f.facts().await.open().cloned().collect();
    assert_eq!(merged.len(), 1);
    assert_eq!((merged[0].start, merged[0].end), (parent.start, parent.end));
}

#[tokio::test]
async fn mode_switches_both_ways() {
    let f = fixture(1, false).await;
    f.run(ReshardArgs { mode: Some(ModeArg::OnDemand), ..support::reshard_args(&f.stream) })
        .await
        .expect("to on-demand");
    assert_eq!(f.facts().await.mode, CapacityMode::OnDemand);
    // A provisioned-only change is refused on an on-demand stream, without a call.
    let before = f.mutations();
    let err = f.run(ReshardArgs { to: Some(2), ..support::reshard_args(&f.stream) }).await.unwrap_err();
    assert_eq!(err.exit_code(), 2);
    assert!(err.message().contains("provisioned mode only"), "{}", err.message());
    assert_eq!(f.mutations(), before);
    f.run(ReshardArgs { mode: Some(ModeArg::Provisioned), ..support::reshard_args(&f.stream) })
        .await
        .expect("back to provisioned");
    assert_eq!(f.facts().await.mode, CapacityMode::Provisioned);
}

#[tokio::test]
async fn refusals_make_zero_mutating_calls() {
    let f = fixture(4, false).await;
    let ids = f.open_ids().await;
    let cases: Vec<(ReshardArgs, u8, &str)> = vec![
        (ReshardArgs { to: Some(0), ..support::reshard_args(&f.stream) }, 2, "target between half and double"),
        (ReshardArgs { to: Some(9), ..support::reshard_args(&f.stream) }, 2, "target between half and double"),
        (ReshardArgs { to: Some(4), ..support::reshard_args(&f.stream) }, 2, "already has 4 open shards"),
        (
            ReshardArgs { split: Some("shardId-999999999999".into()), ..support::reshard_args(&f.stream) },
            2,
            "has no shard shardId-999999999999",
        ),
        (
            ReshardArgs { merge: Some(vec![ids[0].clone(), ids[2].clone()]), ..support::reshard_args(&f.stream) },
            2,
            "not adjacent",
        ),
        (
            ReshardArgs { mode: Some(ModeArg::Provisioned), ..support::reshard_args(&f.stream) },
            2,
            "is already provisioned",
        ),
        (
            ReshardArgs { stream: "no-such-stream".into(), to: Some(2), ..support::reshard_args(&f.stream) },
            2,
            "no stream named \"no-such-stream\"",
        ),
    ];
    for (a, code, text) in cases {
        let err = f.run(a).await.unwrap_err();
        assert_eq!(err.exit_code(), code, "{}", err.message());
        assert!(err.message().contains(text), "{} does not mention {text}", err.message());
    }
    assert_eq!(f.mutations(), 0);
    assert_eq!(f.open_ids().await, ids, "nothing changed in moto");
    // A dry run shows the plan and changes nothing either.
    let out = f.run(ReshardArgs { to: Some(5), dry_run: true, ..support::reshard_args(&f.stream) }).await.unwrap();
    assert!(out.contains("open shards: 4 → 5") && out.contains("dry run: nothing was changed"), "{out}");
    assert_eq!(f.mutations(), 0);
}

#[tokio::test]
async fn read_only_makes_zero_mutating_calls() {
    let f = fixture(2, true).await;
    let err = f.run(ReshardArgs { to: Some(3), ..support::reshard_args(&f.stream) }).await.unwrap_err();
    assert_eq!(err.exit_code(), 3);
    assert!(err.message().contains("read-only mode"));
    assert_eq!(f.mutations(), 0);
    assert_eq!(f.facts().await.open_count(), 2);
}

#[tokio::test]
async fn the_scaling_limit_counts_the_journal() {
    let f = fixture(2, false).await;
    let journal = lakeops::journal::Journal::new(f.paths.journal_file());
    let first = chrono::Utc::now() - chrono::Duration::hours(20);
    for made in 0..10 {
        journal
            .append(&lakeops::journal::Entry {
                time: first + chrono::Duration::minutes(made),
                platform_time: None,
                profile: f.loaded.profile.clone(),
                backend: "aws".into(),
                action: "reshard.update-shard-count".into(),
                target: f.stream.clone(),
                detail: String::new(),
                outcome: "done".into(),
            })
            .unwrap();
    }
    let err = f.run(ReshardArgs { to: Some(3), ..support::reshard_args(&f.stream) }).await.unwrap_err();
    assert_eq!(err.exit_code(), 3);
    assert!(err.message().contains("10 scalings per rolling 24 h"), "{}", err.message());
    // The oldest was made 20 hours ago: the next scaling is allowed when it turns a day old.
    let allowed = (first + chrono::Duration::hours(24)).format("%Y-%m-%d %H:%M:%S UTC").to_string();
    assert!(
        err.message().contains(&format!("the next scaling is allowed at {allowed} (in 4.0 h)")),
        "{}",
        err.message()
    );
    assert_eq!(f.mutations(), 0);
}

#[tokio::test]
async fn consumers_encryption_and_enhanced_monitoring_are_read_and_set() {
    let f = fixture(2, false).await;
    let kinesis = aws_sdk_kinesis::Client::new(&sdk_config().await);
    let arn = kinesis
        .describe_stream_summary()
        .stream_name(&f.stream)
        .send()
        .await
        .unwrap()
        .stream_description_summary()
        .unwrap()
        .stream_arn()
        .to_string();
    kinesis
        .register_stream_consumer()
        .stream_arn(&arn)
        .consumer_name("fraud-efo")
        .send()
        .await
        .expect("RegisterStreamConsumer");
    let facts = f.facts().await;
    assert_eq!(facts.consumers.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), vec!["fraud-efo"]);
    assert!(!facts.enhanced_monitoring);
    assert!(facts.open().all(|s| s.incoming_per_second.is_none()), "no per-shard rates without shard-level metrics");
    support::writes::set_enhanced_monitoring(&f.platform, &f.stream, true).await.expect("enable");
    assert!(f.facts().await.enhanced_monitoring);
    support::writes::set_enhanced_monitoring(&f.platform, &f.stream, false).await.expect("disable");
    assert!(!f.facts().await.enhanced_monitoring);
    assert_eq!(f.mutations(), 2);
}
