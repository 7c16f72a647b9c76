//! The overview's AWS path against a real moto server: streams created in moto, metrics
//! put there, read back through `AwsPlatform` (and through `lakeops status --json`).

mod support;

use aws_sdk_cloudwatch::types::{ComparisonOperator, Dimension, MetricDatum, StandardUnit, StateValue, Statistic};
use aws_smithy_types::DateTime;
use lakeops::aws::{AwsPlatform, ClientOptions};
use lakeops::model::{CapacityMode, Health, Layer};
use lakeops::ops::health::assess;
use lakeops::platform::Platform;
use support::moto::{credentials, moto, sdk_config, unique};

fn profile(stack: &str, stream: &str, function: &str, discover: bool) -> String {
    format!(
        r#"name = "moto-test"
backend = "aws"
[aws]
region = "us-east-1"
endpoint_url = "{}"
max_attempts = 2
[platform]
stack_name = "{stack}"
discover = {discover}
[platform.stream]
name = "{stream}"
[platform.lambda]
function = "{function}"
"#,
        moto().endpoint
    )
}

/// Puts one datapoint a minute ago (the last complete minute).
async fn put(
    client: &aws_sdk_cloudwatch::Client,
    namespace: &str,
    metric: &str,
    dim: (&str, &str),
    value: f64,
    unit: StandardUnit,
) {
    let now = chrono::Utc::now().timestamp();
    let minute = now - now.rem_euclid(60) - 60;
    client
        .put_metric_data()
        .namespace(namespace)
        .metric_data(
            MetricDatum::builder()
                .metric_name(metric)
                .dimensions(Dimension::builder().name(dim.0).value(dim.1).build())
                .timestamp(DateTime::from_secs(minute + 10))
                .value(value)
                .unit(unit)
                .build(),
        )
        .send()
        .await
        .expect("PutMetricData");
}

async fn create_stream(name: &str, shards: i32) {
    let kinesis = aws_sdk_kinesis::Client::new(&sdk_config().await);
    kinesis.create_stream().stream_name(name).shard_count(shards).send().await.expect("CreateStream");
}

#[tokio::test]
async fn kinesis_numbers_are_per_second_rates_from_per_minute_sums() {
    let stack = unique("ovw");
    let stream = unique("ovw-events");
    let function = unique("ovw-ingest");
    create_stream(&stream, 2).await;
    let cw = aws_sdk_cloudwatch::Client::new(&sdk_config().await);
    let s = ("StreamName", stream.as_str());
    put(&cw, "AWS/Kinesis", "IncomingRecords", s, 90_000.0, StandardUnit::Count).await;
    put(&cw, "AWS/Kinesis", "IncomingBytes", s, 54_000_000.0, StandardUnit::Bytes).await;
    put(&cw, "AWS/Kinesis", "GetRecords.IteratorAgeMilliseconds", s, 1_500.0, StandardUnit::Milliseconds).await;
    put(&cw, "AWS/Kinesis", "WriteProvisionedThroughputExceeded", s, 0.0, StandardUnit::Count).await;
    let f = ("FunctionName", function.as_str());
    put(&cw, "AWS/Lambda", "Invocations", f, 200.0, StandardUnit::Count).await;
    put(&cw, "AWS/Lambda", "Errors", f, 10.0, StandardUnit::Count).await;
    put(&cw, "AWS/Lambda", "Duration", f, 250.0, StandardUnit::Milliseconds).await;

    let (dir, paths) = support::temp_paths();
    let loaded = support::load_profile(dir.path(), &paths, &profile(&stack, &stream, &function, false));
    let platform = AwsPlatform::connect(&loaded.settings, ClientOptions { credentials: Some(credentials()) }).await;
    let snapshot = platform.snapshot().await.expect("snapshot");

    let streams = snapshot.streams.ready().expect("streams read");
    assert_eq!(streams.len(), 1);
    let st = &streams[0];
    assert_eq!(st.name, stream);
    assert_eq!(st.status, "ACTIVE");
    assert_eq!(st.mode, CapacityMode::Provisioned);
    assert_eq!(st.open_shards, 2);
    assert_eq!(st.retention_hours, Some(24));
    // 90,000 records in a minute is 1,500 records/s; 54 MB a minute is 900,000 bytes/s.
    assert_eq!(st.incoming_records_per_second, Some(1_500.0));
    assert_eq!(st.incoming_bytes_per_second, Some(900_000.0));
    assert_eq!(st.iterator_age_ms, Some(1_500.0));
    assert_eq!(st.write_throttled, Some(0.0));
    assert_eq!(st.incoming_history.last(), Some(&1_500.0));

    let function = snapshot.function.ready().expect("function read");
    assert_eq!(function.invocations_per_minute, Some(200.0));
    assert_eq!(function.error_rate(), Some(0.05));
    assert_eq!(function.duration_ms, Some(250.0));

    let layers = assess(&snapshot, lakeops::ops::health::Thresholds::from_alarms(&loaded.settings.platform.alarms));
    let kinesis = layers.iter().find(|l| l.layer == Layer::Kinesis).unwrap();
    assert_eq!(kinesis.health, Health::Ok);
    // 1,500/s of 2 shards × 1,000/s = 75 %.
    assert_eq!(kinesis.reason, "1,500/s at 75 % of write capacity; consumer keeping up");
    let lambda = layers.iter().find(|l| l.layer == Layer::Lambda).unwrap();
    assert_eq!(lambda.health, Health::Critical);
    // The failing consumer names what it affects downstream (the blast radius).
    assert_eq!(
        lambda.reason,
        "error rate 5.0 % is over the 1.0 % threshold · downstream: S3 lake, Glue, Athena, Redshift"
    );
    let glue = layers.iter().find(|l| l.layer == Layer::Glue).unwrap();
    assert_eq!(glue.health, Health::Unknown);
    assert!(snapshot.problems.is_empty(), "{:?}", snapshot.problems);
}

#[tokio::test]
async fn the_platforms_alarms_are_read_and_firing_ones_named() {
    let stack = unique("alm");
    let stream = unique("alm-events");
    create_stream(&stream, 1).await;
    let cw = aws_sdk_cloudwatch::Client::new(&sdk_config().await);
    for (suffix, state) in [("iterator-age", StateValue::Alarm), ("lambda-errors", StateValue::Ok)] {
        let name = format!("{stack}-{suffix}");
        cw.put_metric_alarm()
            .alarm_name(&name)
            .namespace("AWS/Kinesis")
            .metric_name("GetRecords.IteratorAgeMilliseconds")
            .statistic(Statistic::Maximum)
            .period(60)
            .evaluation_periods(1)
            .threshold(60_000.0)
            .comparison_operator(ComparisonOperator::GreaterThanThreshold)
            .send()
            .await
            .expect("PutMetricAlarm");
        cw.set_alarm_state()
            .alarm_name(&name)
            .state_value(state)
            .state_reason("Threshold Crossed: 1 datapoint")
            .send()
            .await
            .expect("SetAlarmState");
    }
    // Another platform's alarm is not ours.
    let other = format!("{}-iterator-age", unique("other"));
    cw.put_metric_alarm()
        .alarm_name(&other)
        .namespace("AWS/Kinesis")
        .metric_name("IncomingRecords")
        .statistic(Statistic::Sum)
        .period(60)
        .evaluation_periods(1)
        .threshold(1.0)
        .comparison_operator(ComparisonOperator::GreaterThanThreshold)
        .send()
        .await
        .expect("PutMetricAlarm");

    let (dir, paths) = support::temp_paths();
    let loaded = support::load_profile(dir.path(), &paths, &profile(&stack, &stream, "fn", false));
    let platform = AwsPlatform::connect(&loaded.settings, ClientOptions { credentials: Some(credentials()) }).await;
    let snapshot = platform.snapshot().await.expect("snapshot");
    let alarms = snapshot.alarms.ready().expect("alarms read");
    assert_eq!(alarms.total, 2);
    let firing: Vec<_> = alarms.firing().collect();
    assert_eq!(firing.len(), 1);
    assert_eq!(firing[0].name, format!("{stack}-iterator-age"));
    assert_eq!(firing[0].reason, "Threshold Crossed: 1 datapoint");
    let layers = assess(&snapshot, lakeops::ops::health::Thresholds::from_alarms(&loaded.settings.platform.alarms));
    let row = layers.iter().find(|l| l.layer == Layer::Alarms).unwrap();
    assert_eq!(row.health, Health::Critical);
    assert_eq!(row.reason, format!("1 alarm firing: {stack}-iterator-age"));
}

#[tokio::test]
async fn a_missing_stream_says_so_and_discovery_finds_the_others() {
    let stack = unique("disc");
    let found = unique("disc-found");
    create_stream(&found, 1).await;
    let (dir, paths) = support::temp_paths();
    let loaded = support::load_profile(dir.path(), &paths, &profile(&stack, "does-not-exist", "fn", true));
    let platform = AwsPlatform::connect(&loaded.settings, ClientOptions { credentials: Some(credentials()) }).await;
    let snapshot = platform.snapshot().await.expect("snapshot");
    let names: Vec<&str> = snapshot.streams.ready().unwrap().iter().map(|s| s.name.as_str()).collect();
    assert!(names.contains(&found.as_str()), "{names:?}");
    assert!(!names.contains(&"does-not-exist"));

    let loaded = support::load_profile(dir.path(), &paths, &profile(&stack, "does-not-exist", "fn", false));
    let platform = AwsPlatform::connect(&loaded.settings, ClientOptions { credentials: Some(credentials()) }).await;
    let snapshot = platform.snapshot().await.expect("snapshot");
    assert_eq!(snapshot.streams.ready().map(|s| s.len()), Some(0));
    assert_eq!(
        snapshot.problems,
        vec!["stream does-not-exist not found in us-east-1: is the stack provisioned?".to_string()]
    );
}

#[tokio::test]
async fn an_unreachable_endpoint_fails_with_a_clear_error() {
    let (dir, paths) = support::temp_paths();
    // A port nothing listens on (bound, then released).
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let text = profile("x", "s", "f", false).replace(&moto().endpoint, &format!("http://127.0.0.1:{port}"));
    let loaded = support::load_profile(dir.path(), &paths, &text.replace("max_attempts = 2", "max_attempts = 1"));
    let platform = AwsPlatform::connect(&loaded.settings, ClientOptions { credentials: Some(credentials()) }).await;
    let err = platform.snapshot().await.expect_err("nothing listens there");
    let text = err.to_string();
    assert!(text.starts_with("cannot reach Kinesis DescribeStreamSummary"), "{text}");
}

#[test]
fn status_json_from_the_binary_against_moto() {
    let stream = unique("bin-events");
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(create_stream(&stream, 3));
    let (dir, _paths) = support::temp_paths();
    let file = dir.path().join("moto.toml");
    std::fs::write(&file, profile(&unique("bin"), &stream, "fn", false)).unwrap();
    let out = support::moto::run_binary(dir.path(), &file, &["status", "--json"]);
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON and nothing else");
    assert_eq!(json["backend"], "aws");
    assert_eq!(json["layers"][0]["layer"], "kinesis");
    let shards =
        json["layers"][0]["numbers"].as_array().unwrap().iter().find(|n| n["label"] == "shards").unwrap().clone();
    assert_eq!(shards["value"], 3.0);
}

#[test]
fn missing_credentials_say_what_to_do() {
    let (dir, _paths) = support::temp_paths();
    let file = dir.path().join("moto.toml");
    std::fs::write(&file, profile("x", "s", "f", false).replace("max_attempts = 2", "max_attempts = 1")).unwrap();
    let out = std::process::Command::new(support::binary())
        .args(["--profile", file.to_str().unwrap(), "status"])
        .env("HOME", dir.path())
        .env("XDG_CONFIG_HOME", dir.path().join("config"))
        .env("XDG_STATE_HOME", dir.path().join("state"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("no AWS credentials found: set AWS_PROFILE"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line, no debug dump: {stderr}");
}

/// More than 500 series: GetMetricData is called once per 500 queries, and every datapoint
/// lands on its own stream (query ids map back across calls).
#[tokio::test]
async fn more_than_500_series_are_read_in_chunks_and_map_back() {
    let stack = unique("many");
    let prefix = unique("many-events");
    let names: Vec<String> = (0..101).map(|i| format!("{prefix}-{i:03}")).collect();
    let kinesis = aws_sdk_kinesis::Client::new(&sdk_config().await);
    let cw = aws_sdk_cloudwatch::Client::new(&sdk_config().await);
    for (i, name) in names.iter().enumerate() {
        kinesis.create_stream().stream_name(name).shard_count(1).send().await.expect("CreateStream");
        put(&cw, "AWS/Kinesis", "IncomingRecords", ("StreamName", name), (i as f64 + 1.0) * 60.0, StandardUnit::Count)
            .await;
    }
    let (dir, paths) = support::temp_paths();
    let loaded = support::load_profile(dir.path(), &paths, &profile(&stack, &names[0], "fn", true));
    let platform = AwsPlatform::connect(&loaded.settings, ClientOptions { credentials: Some(credentials()) }).await;
    // At most 20 DescribeStreamSummary calls a refresh (20 a second for the account), yet every
    // stream is shown at once: the others' status comes from ListStreams, their shards from
    // ListShards.
    let snapshot = platform.snapshot().await.expect("snapshot");
    let described = platform.calls("DescribeStreamSummary");
    assert!(described <= 20, "{described} DescribeStreamSummary calls in one refresh");
    let streams = snapshot.streams.ready().unwrap();
    for (i, name) in names.iter().enumerate() {
        let s = streams.iter().find(|s| &s.name == name).unwrap_or_else(|| panic!("{name} missing"));
        assert_eq!(s.incoming_records_per_second, Some(i as f64 + 1.0), "{name}");
        assert_eq!(s.open_shards, 1, "{name}: ListShards counts every stream's shards");
    }
    // Retention and consumers come only from DescribeStreamSummary: the streams whose turn has
    // not come say "not known", not 0 consumers and a 0-hour retention.
    let (known, unknown): (Vec<_>, Vec<_>) = streams.iter().partition(|s| s.retention_hours.is_some());
    assert_eq!(known.len(), described as usize, "one stream known per describe");
    assert!(known.iter().all(|s| s.retention_hours == Some(24) && s.consumers == Some(0)), "{known:?}");
    assert!(!unknown.is_empty() && unknown.iter().all(|s| s.consumers.is_none()), "{unknown:?}");
}

/// Every call lakeops makes carries its app name in the user agent (`app/lakeops`, which
/// CloudTrail records as `userAgent`), reads and changes alike, even where the environment names
/// another app: the real binary's `status` and `reshard`, signed with a key of this test's own so
/// the front can tell its requests from the other tests'. A plain SDK client's do not.
#[test]
fn every_call_lakeops_makes_carries_its_app_name() {
    use lakeops::ops::audit::made_by_lakeops;
    use support::moto::{credentials_keyed, requests};
    let stream = unique("ua-events");
    let key = unique("ualakeops").replace('-', "");
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(create_stream(&stream, 2));
    let (dir, _paths) = support::temp_paths();
    let file = dir.path().join("moto.toml");
    std::fs::write(&file, profile(&unique("ua"), &stream, "fn", false)).unwrap();
    let lakeops = |args: &[&str]| {
        let out = std::process::Command::new(support::binary())
            .args(["--profile", file.to_str().unwrap()])
            .args(args)
            .env("XDG_CONFIG_HOME", dir.path().join("config"))
            .env("XDG_STATE_HOME", dir.path().join("state"))
            .env("AWS_ACCESS_KEY_ID", &key)
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_SDK_UA_APP_ID", "someone-elses-app")
            .env_remove("AWS_PROFILE")
            .output()
            .expect("run lakeops");
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    };
    lakeops(&["status", "--json"]);
    lakeops(&["reshard", &stream, "--to", "4", "--yes", "--no-wait"]);

    let plain_key = unique("uaplain").replace('-', "");
    rt.block_on(async {
        let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
            .region(aws_config::Region::new("us-east-1"))
            .endpoint_url(&moto().endpoint)
            .credentials_provider(credentials_keyed(&plain_key))
            .load()
            .await;
        let kinesis = aws_sdk_kinesis::Client::new(&config);
        kinesis.describe_stream_summary().stream_name(&stream).send().await.expect("DescribeStreamSummary");
    });

    let noted = requests();
    let ours: Vec<_> = noted.iter().filter(|r| r.access_key == key).collect();
    let operations: Vec<&str> = ours.iter().map(|r| r.operation.as_str()).collect();
    for wanted in ["DescribeStreamSummary", "GetMetricData", "ListShards", "UpdateShardCount"] {
        assert!(operations.contains(&wanted), "{wanted} in {operations:?}");
    }
    for request in &ours {
        assert!(made_by_lakeops(&request.user_agent), "{}: {:?}", request.operation, request.user_agent);
        assert!(!request.user_agent.contains("someone-elses-app"), "{:?}", request.user_agent);
    }
    let change = ours.iter().find(|r| r.operation == "UpdateShardCount").unwrap();
    eprintln!("UpdateShardCount's User-Agent: {}", change.user_agent);
    assert!(change.user_agent.starts_with("aws-sdk-rust/"), "{:?}", change.user_agent);
    assert!(change.user_agent.ends_with(" app/lakeops"), "{:?}", change.user_agent);

    let plain: Vec<_> = noted.iter().filter(|r| r.access_key == plain_key).collect();
    assert_eq!(plain.len(), 1, "{plain:?}");
    assert!(!made_by_lakeops(&plain[0].user_agent), "{:?}", plain[0].user_agent);
}
