//! The meter's count of the console's own billed reads: on moto, exactly the metric queries the
//! GetMetricData requests carried (the front notes each request's); in the sandbox, the same
//! count the AWS path makes for the same profile.

mod support;

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use lakeops::aws::{AwsPlatform, ClientOptions};
use lakeops::model::Usage;
use lakeops::platform::Platform;
use lakeops::sandbox::{ManualClock, Sandbox};
use support::moto::{credentials_keyed, moto, requests, sdk_config, unique};

/// A profile of the first pipeline: a stream, its consumer function, the DLQ and Redshift
/// Serverless and the nightly state machine (by their default names), on moto.
fn profile(stack: &str, stream: &str, function: &str) -> String {
    format!(
        r#"name = "moto-usage"
backend = "aws"
[aws]
region = "us-east-1"
endpoint_url = "{}"
max_attempts = 2
[platform]
stack_name = "{stack}"
[platform.stream]
name = "{stream}"
[platform.lambda]
function = "{function}"
[platform.redshift]
mode = "serverless"
"#,
        moto().endpoint
    )
}

/// Three snapshots on moto, signed with a key of this test's own; the profile, the platform's
/// usage, and the GetMetricData requests the front saw from that key.
async fn three_snapshots_on_moto() -> (lakeops::settings::Loaded, Usage, Vec<usize>) {
    let stream = unique("use-events");
    let key = unique("usagekey").replace('-', "");
    let kinesis = aws_sdk_kinesis::Client::new(&sdk_config().await);
    kinesis.create_stream().stream_name(&stream).shard_count(2).send().await.expect("CreateStream");
    let (dir, paths) = support::temp_paths();
    let text = profile(&unique("use"), &stream, &unique("use-fn"));
    let loaded = support::load_profile(dir.path(), &paths, &text);
    // The nightly state machine the profile watches by default, which the sandbox runs.
    aws_sdk_sfn::Client::new(&sdk_config().await)
        .create_state_machine()
        .name(&loaded.settings.platform.orchestration.state_machine)
        .definition(r#"{"StartAt": "Curate", "States": {"Curate": {"Type": "Pass", "End": true}}}"#)
        .role_arn("arn:aws:iam::123456789012:role/states")
        .send()
        .await
        .expect("CreateStateMachine");
    let options = ClientOptions { credentials: Some(credentials_keyed(&key)) };
    let platform = AwsPlatform::connect(&loaded.settings, options).await;
    let mut last = None;
    for _ in 0..3 {
        let snapshot = platform.snapshot().await.expect("snapshot");
        assert!(snapshot.problems.is_empty(), "{:?}", snapshot.problems);
        last = Some(snapshot.usage);
    }
    assert_eq!(last, Some(platform.usage()), "a snapshot carries the usage so far, its own read included");
    let sent = requests()
        .into_iter()
        .filter(|r| r.access_key == key && r.operation == "GetMetricData")
        .map(|r| r.metrics)
        .collect();
    (loaded, platform.usage(), sent)
}

#[tokio::test]
async fn a_snapshot_on_moto_counts_exactly_the_metrics_its_get_metric_data_asked_for() {
    let (_, usage, sent) = three_snapshots_on_moto().await;
    assert_eq!(sent.len(), 3, "one GetMetricData request a refresh: {sent:?}");
    assert_eq!(usage.metric_data_calls, sent.len() as u64);
    assert_eq!(usage.metrics_requested, sent.iter().sum::<usize>() as u64, "{sent:?}");
    // A stream's 5 series, the function's 7, the DLQ's age, Redshift Serverless' 2 and the state
    // machine's 5.
    assert_eq!(sent, vec![20, 20, 20]);
}

#[tokio::test]
async fn the_sandbox_counts_what_the_aws_path_would_ask_for_the_same_profile() {
    let (loaded, on_aws, _) = three_snapshots_on_moto().await;
    assert!(on_aws.metrics_requested > 0);
    let start = Utc.with_ymd_and_hms(2026, 3, 20, 14, 0, 0).unwrap().timestamp_millis();
    let clock = Arc::new(ManualClock::new(start));
    let sandbox = Sandbox::in_memory(&loaded.settings, clock.clone());
    for _ in 0..3 {
        sandbox.snapshot().await.expect("sandbox snapshot");
        clock.advance(15_000);
    }
    let counts = |u: Usage| (u.metric_data_calls, u.metrics_requested);
    assert_eq!(counts(sandbox.usage()), counts(on_aws));
}

#[tokio::test]
async fn a_stream_detail_counts_its_charts_and_with_enhanced_monitoring_each_open_shard() {
    let loaded = support::sandbox_settings();
    let clock = Arc::new(ManualClock::new(Utc.with_ymd_and_hms(2026, 3, 20, 14, 0, 0).unwrap().timestamp_millis()));
    let sandbox = Sandbox::in_memory(&loaded.settings, clock);
    let stream = loaded.settings.platform.stream.name.clone();
    sandbox.stream_metrics(&stream, 60).await.expect("charts");
    let start = sandbox.now().timestamp_millis();
    assert_eq!(sandbox.usage(), Usage { metric_data_calls: 1, metrics_requested: 5, since_ms: start });
    let facts = sandbox.stream_facts(&stream).await.expect("facts").expect("the stream");
    assert!(!facts.enhanced_monitoring, "the sandbox starts without shard-level metrics");
    assert_eq!(sandbox.usage().metrics_requested, 5, "no shard-level series without enhanced monitoring");
    sandbox.with_model(|s| s.set_enhanced_monitoring(true, "test")).expect("model");
    let facts = sandbox.stream_facts(&stream).await.expect("facts").expect("the stream");
    let open = facts.shards.iter().filter(|s| s.open).count() as u64;
    assert_eq!(sandbox.usage(), Usage { metric_data_calls: 2, metrics_requested: 5 + open, since_ms: start });
    assert!(sandbox.stream_metrics("no-such-stream", 60).await.is_err());
    assert_eq!(sandbox.usage().metric_data_calls, 2, "a stream that is not there costs no read");
}
