//! Kinesis Data Firehose: a delivery stream's configuration (DescribeDeliveryStream) as the model
//! holds it — source, S3 destination, error prefix, partitioning, buffering, backup, error log.
//! Its health comes from `AWS/Firehose` in the overview's one GetMetricData call.

use aws_sdk_firehose::types::{
    BufferingHints, CloudWatchLoggingOptions, DeliveryStreamDescription, DeliveryStreamType, DestinationDescription,
};
use aws_sdk_firehose::Client;

use super::errors::{code, platform_error};
use crate::model::DeliveryStream;
use crate::platform::PlatformError;

/// A delivery stream's configuration; `None` when Firehose does not know it.
pub async fn describe(client: &Client, name: &str) -> Result<Option<DeliveryStream>, PlatformError> {
    match client.describe_delivery_stream().delivery_stream_name(name).send().await {
        Ok(out) => Ok(Some(match out.delivery_stream_description() {
            Some(d) => stream(name, d),
            None => DeliveryStream { exists: true, ..DeliveryStream::missing(name) },
        })),
        Err(e) if code(&e) == Some("ResourceNotFoundException") => Ok(None),
        Err(e) => Err(platform_error("Firehose DescribeDeliveryStream", e)),
    }
}

fn stream(name: &str, d: &DeliveryStreamDescription) -> DeliveryStream {
    let mut s = DeliveryStream::missing(name);
    s.exists = true;
    s.status = Some(d.delivery_stream_status().as_str().to_string());
    s.source = Some(source(d));
    let Some(destination) = d.destinations().first() else { return s };
    if let Some(x) = destination.extended_s3_destination_description() {
        s.destination = Some(s3_uri(x.bucket_arn(), x.prefix()));
        s.error_prefix = x.error_output_prefix().map(|p| s3_uri(x.bucket_arn(), Some(p)));
        s.dynamic_partitioning = x.dynamic_partitioning_configuration().and_then(|c| c.enabled()).unwrap_or(false);
        s.buffering = x.buffering_hints().and_then(buffering);
        s.backup = x.s3_backup_mode().map(|m| m.as_str().to_string());
        s.error_log = x.cloud_watch_logging_options().and_then(error_log);
    } else if let Some(x) = destination.s3_destination_description() {
        s.destination = Some(s3_uri(x.bucket_arn(), x.prefix()));
        s.error_prefix = x.error_output_prefix().map(|p| s3_uri(x.bucket_arn(), Some(p)));
        s.buffering = x.buffering_hints().and_then(buffering);
        s.error_log = x.cloud_watch_logging_options().and_then(error_log);
    } else {
        s.destination = Some(other_destination(destination).into());
    }
    s
}

/// "Kinesis stream NAME", "MSK cluster NAME, topic T", "Direct PUT".
fn source(d: &DeliveryStreamDescription) -> String {
    let source = d.source();
    if let Some(arn) = source.and_then(|s| s.kinesis_stream_source_description()).and_then(|k| k.kinesis_stream_arn()) {
        return format!("Kinesis stream {}", last_part(arn, '/'));
    }
    if let Some(msk) = source.and_then(|s| s.msk_source_description()) {
        let cluster = msk.msk_cluster_arn().map(|a| a.split('/').nth(1).unwrap_or(a)).unwrap_or("?");
        return format!("MSK cluster {cluster}, topic {}", msk.topic_name().unwrap_or("?"));
    }
    match d.delivery_stream_type() {
        DeliveryStreamType::DirectPut => "Direct PUT".into(),
        other => other.as_str().to_string(),
    }
}

/// `arn:aws:s3:::bucket` and a prefix as `s3://bucket/prefix`.
fn s3_uri(bucket_arn: &str, prefix: Option<&str>) -> String {
    format!("s3://{}/{}", last_part(bucket_arn, ':'), prefix.unwrap_or_default())
}

fn last_part(text: &str, separator: char) -> &str {
    text.rsplit(separator).next().unwrap_or(text)
}

/// "64 MiB or 300 s" (Firehose flushes at whichever comes first).
fn buffering(hints: &BufferingHints) -> Option<String> {
    let size = hints.size_in_mbs().map(|m| format!("{m} MiB"));
    let interval = hints.interval_in_seconds().map(|s| format!("{s} s"));
    match (size, interval) {
        (Some(size), Some(interval)) => Some(format!("{size} or {interval}")),
        (one, other) => one.or(other),
    }
}

/// "GROUP STREAM" when delivery errors are logged (a log group's name holds no space).
fn error_log(options: &CloudWatchLoggingOptions) -> Option<String> {
    if options.enabled() == Some(false) {
        return None;
    }
    let group = options.log_group_name().filter(|g| !g.is_empty())?;
    Some(match options.log_stream_name().filter(|s| !s.is_empty()) {
        Some(stream) => format!("{group} {stream}"),
        None => group.to_string(),
    })
}

fn other_destination(d: &DestinationDescription) -> &'static str {
    if d.redshift_destination_description().is_some() {
        "Redshift"
    } else if d.amazonopensearchservice_destination_description().is_some()
        || d.elasticsearch_destination_description().is_some()
    {
        "OpenSearch"
    } else if d.http_endpoint_destination_description().is_some() {
        "HTTP endpoint"
    } else if d.iceberg_destination_description().is_some() {
        "Apache Iceberg tables"
    } else if d.splunk_destination_description().is_some() {
        "Splunk"
    } else if d.snowflake_destination_description().is_some() {
        "Snowflake"
    } else {
        "another destination"
    }
}

/// An error-log event as an operator reads it: Firehose logs JSON with `errorCode` and
/// `errorMessage`; anything else is kept as it came.
pub fn error_line(message: &str) -> String {
    let parsed: Option<serde_json::Value> = serde_json::from_str(message).ok();
    let field = |v: &serde_json::Value, key: &str| v.get(key).and_then(|x| x.as_str()).map(str::to_string);
    match parsed.as_ref().map(|v| (field(v, "errorCode"), field(v, "errorMessage"))) {
        Some((Some(code), Some(text))) => format!("{code}: {text}"),
        Some((Some(one), None)) | Some((None, Some(one))) => one,
        _ => message.trim_end().to_string(),
    }
}
