//! The CBOR front before moto: the current CloudWatch SDK speaks Smithy RPC v2 CBOR, moto
//! answers JSON 1.0; these round trips prove the translation both ways.

mod support;

use aws_sdk_cloudwatch::types::{
    ComparisonOperator, Dimension, MetricDataQuery, MetricDatum, MetricStat, StateValue, Statistic,
};
use aws_sdk_cloudwatch::Client;
use aws_smithy_types::DateTime;
use support::moto::{sdk_config, unique};

fn minute_ago(minutes: i64) -> i64 {
    let now = chrono::Utc::now().timestamp();
    now - now.rem_euclid(60) - minutes * 60
}

#[tokio::test]
async fn put_then_get_metric_data_round_trips_values_and_timestamps() {
    let client = Client::new(&sdk_config().await);
    let stream = unique("front-stream");
    let t = minute_ago(2);
    let dimension = Dimension::builder().name("StreamName").value(&stream).build();
    client
        .put_metric_data()
        .namespace("AWS/Kinesis")
        .metric_data(
            MetricDatum::builder()
                .metric_name("IncomingRecords")
                .dimensions(dimension.clone())
                .timestamp(DateTime::from_secs(t + 5))
                .value(6000.0)
                .build(),
        )
        .send()
        .await
        .expect("PutMetricData through the front");

    let metric = aws_sdk_cloudwatch::types::Metric::builder()
        .namespace("AWS/Kinesis")
        .metric_name("IncomingRecords")
        .dimensions(dimension)
        .build();
    let out = client
        .get_metric_data()
        .metric_data_queries(
            MetricDataQuery::builder()
                .id("m0")
                .metric_stat(MetricStat::builder().metric(metric).period(60).stat("Sum").build())
                .build(),
        )
        .start_time(DateTime::from_secs(t - 600))
        .end_time(DateTime::from_secs(t + 120))
        .send()
        .await
        .expect("GetMetricData through the front");
    let result = &out.metric_data_results()[0];
    assert_eq!(result.id(), Some("m0"));
    assert_eq!(result.values(), &[6000.0]);
    let stamp = result.timestamps()[0].secs();
    assert!((t - 60..=t + 60).contains(&stamp), "timestamp {stamp} near {t}");
}

#[tokio::test]
async fn describe_alarms_types_states_and_timestamps() {
    let client = Client::new(&sdk_config().await);
    let name = unique("front-alarm");
    client
        .put_metric_alarm()
        .alarm_name(&name)
        .namespace("AWS/Kinesis")
        .metric_name("GetRecords.IteratorAgeMilliseconds")
        .statistic(Statistic::Maximum)
        .period(60)
        .evaluation_periods(3)
        .threshold(60_000.0)
        .comparison_operator(ComparisonOperator::GreaterThanThreshold)
        .send()
        .await
        .expect("PutMetricAlarm");
    client
        .set_alarm_state()
        .alarm_name(&name)
        .state_value(StateValue::Alarm)
        .state_reason("test breach")
        .send()
        .await
        .expect("SetAlarmState");
    let out = client.describe_alarms().alarm_names(&name).send().await.expect("DescribeAlarms");
    let alarm = &out.metric_alarms()[0];
    assert_eq!(alarm.alarm_name(), Some(name.as_str()));
    assert_eq!(alarm.state_value(), Some(&StateValue::Alarm));
    assert_eq!(alarm.state_reason(), Some("test breach"));
    assert_eq!(alarm.threshold(), Some(60_000.0));
    let updated = alarm.state_updated_timestamp().expect("timestamp typed as a CBOR tag-1 time").secs();
    assert!((updated - chrono::Utc::now().timestamp()).abs() < 300, "{updated}");
}

#[tokio::test]
async fn errors_come_back_as_typed_service_errors() {
    use aws_sdk_cloudwatch::error::ProvideErrorMetadata;
    let client = Client::new(&sdk_config().await);
    let err = client.get_dashboard().dashboard_name(unique("missing")).send().await.expect_err("no such dashboard");
    let service = err.into_service_error();
    assert!(service.is_dashboard_not_found_error(), "{service:?}");
    assert_eq!(service.code(), Some("ResourceNotFound"));
}
