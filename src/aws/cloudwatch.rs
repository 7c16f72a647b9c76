//! CloudWatch: one GetMetricData call per refresh for every series on screen (≤ 500
//! queries a call), asking only for minutes not already held; alarms of the platform; the
//! resources ListMetrics finds (delivery streams, MSK consumer groups and their topics).

use aws_sdk_cloudwatch::types::{Dimension, DimensionFilter, Metric, MetricDataQuery, MetricStat, ScanBy};
use aws_sdk_cloudwatch::Client;
use aws_smithy_types::DateTime;

use super::errors::platform_error;
use super::limits::Limiter;
use crate::model::text::sanitize;
use crate::model::Alarm;
use crate::ops::metrics::{MetricStore, SeriesKey, Window};
use crate::platform::{PlatformError, UsageLedger};

/// The API's limit of queries per call.
pub const MAX_QUERIES: usize = crate::platform::usage::METRICS_PER_CALL;

/// What one refresh read: the window and, per key, its datapoints.
pub type Fetched = (Window, Vec<(SeriesKey, Vec<(i64, f64)>)>);

/// Reads `keys` over the window `store` plans. Returns the data to merge into the store.
pub async fn fetch(
    client: &Client,
    ledger: &UsageLedger,
    limiter: &Limiter,
    store: &MetricStore,
    keys: &[SeriesKey],
    now_s: i64,
) -> Result<Fetched, PlatformError> {
    let window = store.plan(keys, now_s);
    Ok((window, fetch_window(client, ledger, limiter, keys, window).await?))
}

/// Reads `keys` over `window` at a one-minute period: ⌈keys / 500⌉ calls (plus pages), side by
/// side. The caller admitted the first call; each further call is admitted by `limiter` (its
/// place in flight and in the second's rate) and each further page paced. Every request answered
/// is counted in `ledger` with the metrics it asked for, which AWS bills.
pub async fn fetch_window(
    client: &Client,
    ledger: &UsageLedger,
    limiter: &Limiter,
    keys: &[SeriesKey],
    window: Window,
) -> Result<Vec<(SeriesKey, Vec<(i64, f64)>)>, PlatformError> {
    let calls = keys.chunks(MAX_QUERIES).enumerate().map(|(chunk_index, chunk)| async move {
        let _admitted = if chunk_index > 0 { Some(limiter.admit("GetMetricData").await) } else { None };
        read_chunk(client, ledger, limiter, chunk, window).await
    });
    let chunks = futures::future::try_join_all(calls).await?;
    Ok(keys.iter().cloned().zip(chunks.into_iter().flatten()).collect())
}

/// One call's ≤ 500 series, page after page: the datapoints of each, in `chunk`'s order.
async fn read_chunk(
    client: &Client,
    ledger: &UsageLedger,
    limiter: &Limiter,
    chunk: &[SeriesKey],
    window: Window,
) -> Result<Vec<Vec<(i64, f64)>>, PlatformError> {
    let queries: Vec<MetricDataQuery> = chunk.iter().enumerate().map(|(i, k)| query(&format!("m{i}"), k)).collect();
    let mut out: Vec<Vec<(i64, f64)>> = vec![Vec::new(); chunk.len()];
    let mut token: Option<String> = None;
    loop {
        if token.is_some() {
            limiter.pace("GetMetricData").await;
        }
        let mut request = client
            .get_metric_data()
            .set_metric_data_queries(Some(queries.clone()))
            .start_time(DateTime::from_secs(window.start))
            .end_time(DateTime::from_secs(window.end))
            .scan_by(ScanBy::TimestampAscending);
        if let Some(t) = &token {
            request = request.next_token(t);
        }
        let page = request.send().await.map_err(|e| platform_error("CloudWatch GetMetricData", e))?;
        ledger.metric_data_call(queries.len(), chrono::Utc::now());
        for result in page.metric_data_results() {
            let Some(index) = result.id().and_then(|id| id.strip_prefix('m')).and_then(|n| n.parse::<usize>().ok())
            else {
                continue;
            };
            let Some(points) = out.get_mut(index) else { continue };
            points.extend(result.timestamps().iter().map(|t| t.secs()).zip(result.values().iter().copied()));
        }
        match page.next_token() {
            Some(t) => token = Some(t.to_string()),
            None => break,
        }
    }
    Ok(out)
}

fn query(id: &str, key: &SeriesKey) -> MetricDataQuery {
    let mut metric = Metric::builder()
        .namespace(key.namespace)
        .metric_name(key.metric)
        .dimensions(Dimension::builder().name(key.dimension).value(&key.value).build());
    for (name, value) in &key.more {
        metric = metric.dimensions(Dimension::builder().name(*name).value(value).build());
    }
    let metric = metric.build();
    MetricDataQuery::builder()
        .id(id)
        .metric_stat(MetricStat::builder().metric(metric).period(60).stat(key.stat.as_str()).build())
        .return_data(true)
        .build()
}

/// The platform's alarms: those named `<stack>-…`.
/// The platform's alarms: every alarm named `<stack>-…`, plus `names` (the profile's list).
pub async fn alarms(client: &Client, stack: &str, names: &[String]) -> Result<Vec<Alarm>, PlatformError> {
    let mut found: Vec<Alarm> = Vec::new();
    let mut requests = vec![Request::Prefix(format!("{stack}-"))];
    requests.extend(names.chunks(100).map(|chunk| Request::Names(chunk.to_vec())));
    for request in requests {
        let mut token: Option<String> = None;
        loop {
            let mut call = client.describe_alarms().max_records(100).set_next_token(token.clone());
            call = match &request {
                Request::Prefix(prefix) => call.alarm_name_prefix(prefix),
                Request::Names(names) => call.set_alarm_names(Some(names.clone())),
            };
            let page = call.send().await.map_err(|e| platform_error("CloudWatch DescribeAlarms", e))?;
            for alarm in page.metric_alarms() {
                let name = sanitize(alarm.alarm_name().unwrap_or(""));
                if found.iter().any(|a| a.name == name) {
                    continue;
                }
                let metric = match (alarm.namespace(), alarm.metric_name()) {
                    (Some(ns), Some(metric)) => Some(sanitize(&format!("{ns} {metric}"))),
                    _ => None,
                };
                found.push(Alarm {
                    name,
                    state: alarm.state_value().map(|s| s.as_str().to_string()).unwrap_or_else(|| "UNKNOWN".into()),
                    reason: sanitize(alarm.state_reason().unwrap_or("")),
                    since: alarm.state_updated_timestamp().and_then(|t| chrono::DateTime::from_timestamp(t.secs(), 0)),
                    metric,
                });
            }
            match page.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => break,
            }
        }
    }
    Ok(found)
}

enum Request {
    Prefix(String),
    Names(Vec<String>),
}

/// Firehose delivery streams that publish DeliveryToS3.DataFreshness (ListMetrics, paged).
pub async fn firehose_streams(client: &Client) -> Result<Vec<String>, PlatformError> {
    let mut names = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = client
            .list_metrics()
            .namespace("AWS/Firehose")
            .metric_name("DeliveryToS3.DataFreshness")
            .set_next_token(token.clone())
            .send()
            .await
            .map_err(|e| platform_error("CloudWatch ListMetrics", e))?;
        for metric in page.metrics() {
            let stream = metric.dimensions().iter().find(|d| d.name() == Some("DeliveryStreamName"));
            if let Some(name) = stream.and_then(|d| d.value()) {
                if !names.iter().any(|n| n == name) {
                    names.push(name.to_string());
                }
            }
        }
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => break,
        }
    }
    names.sort();
    Ok(names)
}

/// The (consumer group, topic) pairs of `cluster` that publish EstimatedMaxTimeLag (ListMetrics,
/// paged): MSK names a group's topics only in its metrics.
pub async fn kafka_lag_topics(client: &Client, cluster: &str) -> Result<Vec<(String, String)>, PlatformError> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = client
            .list_metrics()
            .namespace("AWS/Kafka")
            .metric_name("EstimatedMaxTimeLag")
            .dimensions(DimensionFilter::builder().name("Cluster Name").value(cluster).build())
            .set_next_token(token.clone())
            .send()
            .await
            .map_err(|e| platform_error("CloudWatch ListMetrics", e))?;
        for metric in page.metrics() {
            let value =
                |name: &str| metric.dimensions().iter().find(|d| d.name() == Some(name)).and_then(|d| d.value());
            if value("Cluster Name") != Some(cluster) {
                continue;
            }
            if let (Some(group), Some(topic)) = (value("Consumer Group"), value("Topic")) {
                let pair = (group.to_string(), topic.to_string());
                if !pairs.contains(&pair) {
                    pairs.push(pair);
                }
            }
        }
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => break,
        }
    }
    pairs.sort();
    Ok(pairs)
}
