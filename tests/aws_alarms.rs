//! Alarms, the dead-letter queue and Redshift on the AWS path against moto: every alarm of the
//! platform worst first, the DLQ's depth from SQS, the DLQ's age and the warehouse's metrics from
//! the snapshot's one GetMetricData call.

mod support;

use aws_sdk_cloudwatch::types::{ComparisonOperator, Dimension, MetricDatum, StandardUnit, StateValue, Statistic};
use aws_smithy_types::DateTime;
use lakeops::aws::{AwsPlatform, ClientOptions};
use lakeops::model::{Health, Layer, Reading, RedshiftMode};
use lakeops::ops::health::assess;
use lakeops::platform::Platform;
use lakeops::settings::Loaded;
use support::moto::{credentials, moto, sdk_config, unique};

struct Names {
    stack: String,
    queue: String,
    warehouse: String,
    extra_alarm: String,
}

fn names() -> Names {
    Names { stack: unique("alarms"), queue: unique("dlq"), warehouse: unique("wh"), extra_alarm: unique("team-pager") }
}

async fn connect(n: &Names, redshift_mode: &str) -> (AwsPlatform, Loaded) {
    let (dir, paths) = support::temp_paths();
    let profile = format!(
        "name = \"moto-alarms\"\nbackend = \"aws\"\n[aws]\nregion = \"us-east-1\"\nendpoint_url = \"{}\"\n[platform]\nstack_name = \"{}\"\n[platform.stream]\nname = \"{}\"\n[platform.dlq]\nqueue = \"{}\"\n[platform.redshift]\nmode = \"{redshift_mode}\"\nname = \"{}\"\n[platform.alarms]\nnames = [\"{}\"]\n",
        moto().endpoint,
        n.stack,
        unique("no-stream"),
        n.queue,
        n.warehouse,
        n.extra_alarm,
    );
    let loaded = support::load_profile(dir.path(), &paths, &profile);
    let platform = AwsPlatform::connect(&loaded.settings, ClientOptions { credentials: Some(credentials()) }).await;
    drop(dir);
    (platform, loaded)
}

async fn alarm(cw: &aws_sdk_cloudwatch::Client, name: &str, state: Option<StateValue>) {
    cw.put_metric_alarm()
        .alarm_name(name)
        .namespace("AWS/SQS")
        .metric_name("ApproximateNumberOfMessagesVisible")
        .statistic(Statistic::Maximum)
        .period(60)
        .evaluation_periods(1)
        .threshold(1.0)
        .comparison_operator(ComparisonOperator::GreaterThanOrEqualToThreshold)
        .send()
        .await
        .expect("PutMetricAlarm");
    if let Some(state) = state {
        cw.set_alarm_state()
            .alarm_name(name)
            .state_value(state)
            .state_reason("Threshold Crossed: 1 datapoint [3.0] >= 1.0")
            .send()
            .await
            .expect("SetAlarmState");
    }
}

async fn put(cw: &aws_sdk_cloudwatch::Client, namespace: &str, dimension: (&str, &str), metrics: &[(&str, f64)]) {
    let now = chrono::Utc::now().timestamp();
    let minute = now - now.rem_euclid(60) - 60;
    let data = metrics
        .iter()
        .map(|(metric, value)| {
            MetricDatum::builder()
                .metric_name(*metric)
                .dimensions(Dimension::builder().name(dimension.0).value(dimension.1).build())
                .timestamp(DateTime::from_secs(minute + 10))
                .value(*value)
                .unit(StandardUnit::None)
                .build()
        })
        .collect();
    cw.put_metric_data().namespace(namespace).set_metric_data(Some(data)).send().await.expect("PutMetricData");
}

#[tokio::test]
async fn every_alarm_worst_first_with_the_dlq_depth_and_its_age() {
    let n = names();
    let cw = aws_sdk_cloudwatch::Client::new(&sdk_config().await);
    alarm(&cw, &format!("{}-dlq-depth", n.stack), Some(StateValue::Alarm)).await;
    alarm(&cw, &format!("{}-iterator-age", n.stack), Some(StateValue::InsufficientData)).await;
    alarm(&cw, &n.extra_alarm, Some(StateValue::Ok)).await;
    alarm(&cw, &unique("someone-elses"), Some(StateValue::Alarm)).await;
    let sqs = aws_sdk_sqs::Client::new(&sdk_config().await);
    let url = sqs.create_queue().queue_name(&n.queue).send().await.unwrap().queue_url().unwrap().to_string();
    for i in 0..3 {
        sqs.send_message().queue_url(&url).message_body(format!("failed batch {i}")).send().await.unwrap();
    }
    put(&cw, "AWS/SQS", ("QueueName", &n.queue), &[("ApproximateAgeOfOldestMessage", 540.0)]).await;

    let (platform, loaded) = connect(&n, "off").await;
    let snapshot = platform.snapshot().await.expect("snapshot");
    let alarms = snapshot.alarms.ready().expect("alarms read");
    let listed: Vec<(&str, &str)> = alarms.alarms.iter().map(|a| (a.name.as_str(), a.state.as_str())).collect();
    assert_eq!(
        listed,
        [
            (format!("{}-dlq-depth", n.stack).as_str(), "ALARM"),
            (format!("{}-iterator-age", n.stack).as_str(), "INSUFFICIENT_DATA"),
            (n.extra_alarm.as_str(), "OK"),
        ],
        "the stack's alarms and the profile's, worst first; nobody else's"
    );
    assert_eq!(alarms.alarms[0].metric.as_deref(), Some("AWS/SQS ApproximateNumberOfMessagesVisible"));
    let dlq = alarms.dlq.ready().expect("DLQ read");
    assert_eq!((dlq.visible, dlq.in_flight), (Some(3), Some(0)));
    assert_eq!(dlq.oldest_age_seconds, Some(540.0));
    let layers = assess(&snapshot, lakeops::ops::health::Thresholds::from_alarms(&loaded.settings.platform.alarms));
    let row = layers.iter().find(|l| l.layer == Layer::Alarms).unwrap();
    assert_eq!(row.health, Health::Critical);
    assert!(row.numbers.iter().any(|k| k.label == "DLQ" && k.value == Some(3.0)), "{:?}", row.numbers);
    assert_eq!(snapshot.redshift, Reading::NotWatched, "mode = \"off\" watches no warehouse");
}

#[tokio::test]
async fn a_missing_queue_is_named() {
    let n = names();
    let (platform, loaded) = connect(&n, "off").await;
    let snapshot = platform.snapshot().await.expect("snapshot");
    let alarms = snapshot.alarms.ready().expect("alarms read");
    match &alarms.dlq {
        Reading::Unavailable { reason } => assert!(reason.contains("not found: is the stack provisioned?"), "{reason}"),
        other => panic!("{other:?}"),
    }
    // Firehose's freshness is its own layer now (tests/aws_layers.rs), not part of the alarms'.
    assert_eq!(snapshot.firehose, Reading::NotWatched, "the profile watches no delivery stream");
    let layers = assess(&snapshot, lakeops::ops::health::Thresholds::from_alarms(&loaded.settings.platform.alarms));
    let row = layers.iter().find(|l| l.layer == Layer::Alarms).unwrap();
    assert!(row.health >= Health::Warn, "{row:?}");
}

#[tokio::test]
async fn a_cluster_is_read_from_its_metrics_and_an_unhealthy_one_is_critical() {
    let n = names();
    let cw = aws_sdk_cloudwatch::Client::new(&sdk_config().await);
    put(
        &cw,
        "AWS/Redshift",
        ("ClusterIdentifier", &n.warehouse),
        &[
            ("CPUUtilization", 42.0),
            ("DatabaseConnections", 17.0),
            ("PercentageDiskSpaceUsed", 61.0),
            ("HealthStatus", 0.0),
        ],
    )
    .await;
    let (platform, loaded) = connect(&n, "cluster").await;
    let snapshot = platform.snapshot().await.expect("snapshot");
    // Kinesis, Lambda (with p99), the DLQ's age and Redshift: one call a refresh.
    assert_eq!(platform.calls("GetMetricData"), 1);
    platform.snapshot().await.expect("second snapshot");
    assert_eq!(platform.calls("GetMetricData"), 2);
    assert_eq!(platform.calls("DescribeAlarms"), 2);
    let r = snapshot.redshift.ready().expect("redshift read");
    assert_eq!((r.mode, r.cpu_percent, r.connections), (RedshiftMode::Cluster, Some(42.0), Some(17.0)));
    assert_eq!((r.disk_used_percent, r.healthy), (Some(61.0), Some(false)));
    assert_eq!(r.history.load.last(), Some(&42.0));
    let layers = assess(&snapshot, lakeops::ops::health::Thresholds::from_alarms(&loaded.settings.platform.alarms));
    let row = layers.iter().find(|l| l.layer == Layer::Redshift).unwrap();
    assert_eq!(row.health, Health::Critical);
    assert!(row.reason.contains("HealthStatus 0"), "{}", row.reason);
}

#[tokio::test]
async fn a_serverless_workgroup_reports_its_compute() {
    let n = names();
    let cw = aws_sdk_cloudwatch::Client::new(&sdk_config().await);
    put(
        &cw,
        "AWS/Redshift-Serverless",
        ("Workgroup", &n.warehouse),
        &[("ComputeCapacity", 64.0), ("DatabaseConnections", 9.0)],
    )
    .await;
    let (platform, loaded) = connect(&n, "serverless").await;
    let snapshot = platform.snapshot().await.expect("snapshot");
    let r = snapshot.redshift.ready().expect("redshift read");
    assert_eq!(
        (r.mode, r.compute_rpu, r.connections, r.cpu_percent),
        (RedshiftMode::Serverless, Some(64.0), Some(9.0), None)
    );
    let layers = assess(&snapshot, lakeops::ops::health::Thresholds::from_alarms(&loaded.settings.platform.alarms));
    let row = layers.iter().find(|l| l.layer == Layer::Redshift).unwrap();
    // The stack's capacity alarm fires over 80 % of 8 RPU × 4: the overview says so too.
    assert_eq!(
        (row.health, row.reason.as_str()),
        (Health::Critical, "compute 64 RPU is over its 25.6 RPU alarm line: queries will queue")
    );
}
