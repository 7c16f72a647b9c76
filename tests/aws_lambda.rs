//! The consumer function on the AWS path against moto: its metrics (with p99 and concurrency)
//! in the snapshot's one GetMetricData call, and its log events through FilterLogEvents.
//! Paging over empty pages and throttling on mocked responses.

mod support;

use aws_sdk_cloudwatch::types::{Dimension, MetricDatum, StandardUnit};
use aws_sdk_cloudwatchlogs::types::InputLogEvent;
use aws_smithy_types::DateTime;
use lakeops::aws::{AwsPlatform, ClientOptions};
use lakeops::model::{LogKind, LogQuery};
use lakeops::platform::Platform;
use support::moto::{credentials, moto, sdk_config, unique};

async fn platform(function: &str) -> AwsPlatform {
    let (dir, paths) = support::temp_paths();
    let profile = format!(
        "name = \"moto-lambda\"\nbackend = \"aws\"\n[aws]\nregion = \"us-east-1\"\nendpoint_url = \"{}\"\n[platform]\nstack_name = \"{}\"\n[platform.stream]\nname = \"{}\"\n[platform.lambda]\nfunction = \"{function}\"\n",
        moto().endpoint,
        unique("stack"),
        unique("no-stream"),
    );
    let loaded = support::load_profile(dir.path(), &paths, &profile);
    AwsPlatform::connect(&loaded.settings, ClientOptions { credentials: Some(credentials()) }).await
}

#[tokio::test]
async fn metrics_include_p99_duration_and_concurrency() {
    let function = unique("ingest");
    let cloudwatch = aws_sdk_cloudwatch::Client::new(&sdk_config().await);
    let now = chrono::Utc::now().timestamp();
    let minute = now - now.rem_euclid(60) - 60;
    let datum = |metric: &str, value: f64, unit: StandardUnit| {
        MetricDatum::builder()
            .metric_name(metric)
            .dimensions(Dimension::builder().name("FunctionName").value(&function).build())
            .timestamp(DateTime::from_secs(minute + 10))
            .value(value)
            .unit(unit)
            .build()
    };
    let mut data = vec![
        datum("Invocations", 240.0, StandardUnit::Count),
        datum("Errors", 6.0, StandardUnit::Count),
        datum("IteratorAge", 900.0, StandardUnit::Milliseconds),
        datum("ConcurrentExecutions", 4.0, StandardUnit::Count),
    ];
    for ms in [100.0, 200.0, 300.0] {
        data.push(datum("Duration", ms, StandardUnit::Milliseconds));
    }
    cloudwatch.put_metric_data().namespace("AWS/Lambda").set_metric_data(Some(data)).send().await.expect("put");

    let platform = platform(&function).await;
    let snapshot = platform.snapshot().await.expect("snapshot");
    let f = snapshot.function.ready().expect("function read");
    assert_eq!(f.invocations_per_minute, Some(240.0));
    assert_eq!(f.errors_per_minute, Some(6.0));
    assert_eq!(f.error_rate(), Some(0.025));
    assert_eq!(f.duration_ms, Some(200.0));
    assert_eq!(f.iterator_age_ms, Some(900.0));
    assert_eq!(f.concurrency, Some(4.0));
    // moto computes no extended statistics: p99 is missing, not zero, and nothing else suffers.
    assert_eq!(f.duration_p99_ms, None);
    assert_eq!(f.history.invocations.last(), Some(&240.0));
    assert!(!snapshot.problems.iter().any(|p| p.contains("metrics")), "{:?}", snapshot.problems);
}

#[tokio::test]
async fn log_events_are_read_with_errors_apart_and_raw_text_kept_for_sanitizing() {
    let function = unique("ingest");
    let logs = aws_sdk_cloudwatchlogs::Client::new(&sdk_config().await);
    let group = format!("/aws/lambda/{function}");
    logs.create_log_group().log_group_name(&group).send().await.expect("CreateLogGroup");
    logs.create_log_stream().log_group_name(&group).log_stream_name("2026/11/22/[$LATEST]abc").send().await.unwrap();
    let now = chrono::Utc::now().timestamp_millis();
    let messages = [
        "START RequestId: 1 Version: $LATEST",
        "[ERROR] KeyError: 'user_id' \u{1b}]0;pwned\u{7}\u{1b}[2J\nTraceback (most recent call last):",
        "REPORT RequestId: 1 Duration: 182.40 ms Billed Duration: 183 ms",
        "2026-11-22T10:00:00Z 1 Task timed out after 30.03 seconds",
    ];
    let events: Vec<InputLogEvent> = messages
        .iter()
        .enumerate()
        .map(|(i, m)| InputLogEvent::builder().timestamp(now - 60_000 + i as i64 * 1000).message(*m).build().unwrap())
        .collect();
    logs.put_log_events()
        .log_group_name(&group)
        .log_stream_name("2026/11/22/[$LATEST]abc")
        .set_log_events(Some(events))
        .send()
        .await
        .expect("PutLogEvents");

    let platform = platform(&function).await;
    let since = chrono::Utc::now() - chrono::Duration::minutes(5);
    let query = LogQuery { function: function.clone(), since, errors_only: false, limit: 100 };
    let all = platform.function_logs(&query).await.expect("FilterLogEvents");
    let kinds: Vec<LogKind> = all.iter().map(|e| e.kind).collect();
    assert_eq!(kinds, [LogKind::Info, LogKind::Error, LogKind::Report, LogKind::Timeout]);
    assert!(all[1].message.contains('\u{1b}'), "the raw text is kept; drawing sanitizes it");
    assert_eq!(all[0].stream, "2026/11/22/[$LATEST]abc");

    let errors = platform.function_logs(&LogQuery { errors_only: true, ..query.clone() }).await.unwrap();
    assert_eq!(errors.iter().map(|e| e.kind).collect::<Vec<_>>(), [LogKind::Error, LogKind::Timeout]);
    let newest = platform.function_logs(&LogQuery { limit: 1, ..query.clone() }).await.unwrap();
    assert_eq!(newest.len(), 1);
    assert_eq!(newest[0].kind, LogKind::Timeout, "the limit keeps the newest");

    let missing = LogQuery { function: unique("never-ran"), ..query };
    let error = platform.function_logs(&missing).await.unwrap_err();
    assert_eq!(error.code(), Some(lakeops::model::MISSING_LOG_GROUP), "the headless exit code reads it: {error}");
    assert!(error.to_string().contains("does not exist: has the function run yet?"), "{error}");
}

mod mocked {
    //! Paging past empty pages, and throttling, on realistic responses.
    use aws_sdk_cloudwatchlogs::error::ErrorMetadata;
    use aws_sdk_cloudwatchlogs::operation::filter_log_events::{FilterLogEventsError, FilterLogEventsOutput};
    use aws_sdk_cloudwatchlogs::types::FilteredLogEvent;
    use aws_sdk_cloudwatchlogs::Client;
    use aws_smithy_mocks::{mock, mock_client, RuleMode};
    use lakeops::aws::logs::filter;
    use lakeops::model::{LogQuery, ERROR_PATTERN};

    fn query() -> LogQuery {
        LogQuery { function: "ingest".into(), since: chrono::Utc::now(), errors_only: true, limit: 50 }
    }

    #[tokio::test]
    async fn an_empty_page_with_a_token_is_not_the_end() {
        let empty = mock!(Client::filter_log_events)
            .match_requests(|r| {
                r.next_token().is_none()
                    && r.log_group_name() == Some("/aws/lambda/ingest")
                    && r.filter_pattern() == Some(ERROR_PATTERN)
            })
            .then_output(|| FilterLogEventsOutput::builder().next_token("t2").build());
        let full =
            mock!(Client::filter_log_events).match_requests(|r| r.next_token() == Some("t2")).then_output(|| {
                FilterLogEventsOutput::builder()
                    .events(
                        FilteredLogEvent::builder()
                            .event_id("e1")
                            .timestamp(1_773_993_600_000)
                            .log_stream_name("s")
                            .message("[ERROR] boom\n")
                            .build(),
                    )
                    .build()
            });
        let client = mock_client!(aws_sdk_cloudwatchlogs, RuleMode::MatchAny, [&empty, &full]);
        let events = filter(&client, &query()).await.unwrap();
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].message, "[ERROR] boom");
        assert_eq!((empty.num_calls(), full.num_calls()), (1, 1));
    }

    #[tokio::test]
    async fn throttling_is_reported_as_throttling() {
        let throttled = mock!(Client::filter_log_events).then_error(|| {
            FilterLogEventsError::generic(
                ErrorMetadata::builder().code("ThrottlingException").message("Rate exceeded").build(),
            )
        });
        let client = mock_client!(aws_sdk_cloudwatchlogs, RuleMode::MatchAny, [&throttled]);
        let error = filter(&client, &query()).await.unwrap_err();
        assert!(error.is_throttling(), "{error}");
        assert!(error.to_string().contains("backing off"), "{error}");
    }
}

#[tokio::test]
async fn the_live_tail_streams_events_where_the_endpoint_serves_it() {
    use std::sync::Mutex;
    let function = unique("tailed");
    let logs = aws_sdk_cloudwatchlogs::Client::new(&sdk_config().await);
    let group = format!("/aws/lambda/{function}");
    logs.create_log_group().log_group_name(&group).send().await.expect("CreateLogGroup");
    logs.create_log_stream().log_group_name(&group).log_stream_name("s").send().await.unwrap();
    let now = chrono::Utc::now().timestamp_millis();
    let events: Vec<InputLogEvent> = ["START RequestId: 9", "[ERROR] ValueError: bad timestamp \u{1b}[2J"]
        .iter()
        .enumerate()
        .map(|(i, m)| InputLogEvent::builder().timestamp(now + i as i64).message(*m).build().unwrap())
        .collect();
    logs.put_log_events()
        .log_group_name(&group)
        .log_stream_name("s")
        .set_log_events(Some(events))
        .send()
        .await
        .unwrap();

    let platform = platform(&function).await;
    let query = LogQuery { function: function.clone(), since: chrono::Utc::now(), errors_only: true, limit: 100 };
    let seen = Mutex::new(Vec::new());
    let live = platform
        .live_tail(&query, &|batch| {
            seen.lock().unwrap().extend(batch);
            true
        })
        .await
        .expect("StartLiveTail");
    assert!(live, "moto serves StartLiveTail");
    let seen = seen.into_inner().unwrap();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0].kind, LogKind::Error);
    assert_eq!(seen[0].stream, "s");

    let missing = LogQuery { function: unique("never-ran"), ..query };
    let error = platform.live_tail(&missing, &|_| true).await.unwrap_err().to_string();
    assert!(error.contains("does not exist"), "{error}");
}
