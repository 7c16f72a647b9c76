//! Delivery (`[platform.firehose] create = true`): a Firehose delivery stream that reads the
//! platform's Kinesis stream and writes the raw zone under `firehose/`, partitioned by the event's
//! date as the ingest Lambda partitions it (`year=/month=/day=`, read from the event's `timestamp`
//! with Firehose's inline jq), encrypted with the platform's key, its errors logged to its own log
//! group; its role, which may only read that stream, write those prefixes, use the key and write
//! that log; and an alarm when delivery falls behind.
//!
//! Firehose copies records as the producers wrote them: the PII the ingest Lambda masks is *not*
//! masked under `firehose/` (docs/aws.md says so where the layer is described).

use serde_json::{json, Value};

use super::iam::role;
use super::ingest::LOG_DAYS;
use super::watch::alarm;
use super::{arn, r, sub, Builder};
use crate::ops::health::FIREHOSE_STALE_SECONDS;

/// Where delivered records land in the raw bucket (the only data prefix the stream's role may write).
pub const DELIVERY_PREFIX: &str = "firehose/";
/// Where records Firehose could not partition or deliver land, apart from the data the crawler reads.
pub const ERROR_PREFIX: &str = "firehose-errors/";
/// The event's date, as the partitions of the raw zone are named: `timestamp` is ISO 8601 UTC.
const DATE_QUERY: &str = "{year:.timestamp[0:4],month:.timestamp[5:7],day:.timestamp[8:10]}";
/// Dynamic partitioning needs a buffer of at least 64 MB; Firehose writes at most every 5 minutes,
/// well inside the freshness alarm's line.
const BUFFER_MB: u32 = 64;
const BUFFER_SECONDS: u32 = 300;

/// The log group Firehose writes its delivery errors to.
pub fn log_group(delivery_stream: &str) -> String {
    format!("/aws/kinesisfirehose/{delivery_stream}")
}

pub fn add(b: &mut Builder) {
    let stack = b.stack().to_string();
    let name = b.settings.platform.firehose.delivery_stream.clone();
    let group = log_group(&name);
    let prefix = |p: &str| sub(&format!("${{RawBucket.Arn}}/{p}*"));
    role(
        b,
        "DeliveryRole",
        &format!("{stack}-delivery"),
        "Firehose reads the stream, writes the raw zone's firehose/",
        json!({"Service": "firehose.amazonaws.com"}),
        // Firehose passes the account as the external id (its documented confused-deputy guard).
        json!({"StringEquals": {"sts:ExternalId": r("AWS::AccountId")}}),
        vec![
            json!({"Effect": "Allow", "Action": ["kinesis:DescribeStream", "kinesis:GetShardIterator", "kinesis:GetRecords",
                                                 "kinesis:ListShards"],
                   "Resource": arn("Stream")}),
            json!({"Effect": "Allow", "Action": ["s3:PutObject", "s3:AbortMultipartUpload"],
                   "Resource": [prefix(DELIVERY_PREFIX), prefix(ERROR_PREFIX)]}),
            json!({"Effect": "Allow", "Action": ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"],
                   "Resource": arn("RawBucket")}),
            json!({"Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": arn("DataKey")}),
            // The log group's ARN ends in `:*`: its streams.
            json!({"Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": arn("DeliveryLogGroup")}),
        ],
    );
    b.add(
        "DeliveryLogGroup",
        json!({"Type": "AWS::Logs::LogGroup", "Properties": {
            "LogGroupName": group,
            "RetentionInDays": LOG_DAYS,
            "KmsKeyId": arn("DataKey"),
        }}),
    );
    // Firehose writes to a stream it does not create.
    b.add(
        "DeliveryLogStream",
        json!({"Type": "AWS::Logs::LogStream", "Properties": {
            "LogGroupName": r("DeliveryLogGroup"), "LogStreamName": "DestinationDelivery"
        }}),
    );
    let partition = |key: &str| format!("{key}=!{{partitionKeyFromQuery:{key}}}");
    let parameter = |name: &str, value: &str| json!({"ParameterName": name, "ParameterValue": value});
    b.add(
        "DeliveryStream",
        json!({"Type": "AWS::KinesisFirehose::DeliveryStream", "Properties": {
            "DeliveryStreamName": name,
            "DeliveryStreamType": "KinesisStreamAsSource",
            "KinesisStreamSourceConfiguration": {"KinesisStreamARN": arn("Stream"), "RoleARN": arn("DeliveryRole")},
            "ExtendedS3DestinationConfiguration": {
                "BucketARN": arn("RawBucket"),
                "RoleARN": arn("DeliveryRole"),
                "Prefix": format!("{DELIVERY_PREFIX}{}/{}/{}/", partition("year"), partition("month"), partition("day")),
                "ErrorOutputPrefix": format!("{ERROR_PREFIX}!{{firehose:error-output-type}}/!{{timestamp:yyyy/MM/dd}}/"),
                "BufferingHints": {"IntervalInSeconds": BUFFER_SECONDS, "SizeInMBs": BUFFER_MB},
                "EncryptionConfiguration": {"KMSEncryptionConfig": {"AWSKMSKeyARN": arn("DataKey")}},
                "CloudWatchLoggingOptions": {
                    "Enabled": true, "LogGroupName": r("DeliveryLogGroup"), "LogStreamName": r("DeliveryLogStream")
                },
                "DynamicPartitioningConfiguration": {"Enabled": true},
                "ProcessingConfiguration": {"Enabled": true, "Processors": [
                    {"Type": "MetadataExtraction", "Parameters": [
                        parameter("MetadataExtractionQuery", DATE_QUERY), parameter("JsonParsingEngine", "JQ-1.6")
                    ]},
                    // One JSON object a line, uncompressed, as the Lambda writes them.
                    {"Type": "AppendDelimiterToRecord", "Parameters": [parameter("Delimiter", "\\n")]},
                ]},
            },
            "Tags": b.tags("delivery"),
        }}),
    );
    alarm(
        b,
        "DeliveryFreshnessAlarm",
        "delivery-freshness",
        "Firehose is not delivering to the raw zone",
        freshness(&name),
        FIREHOSE_STALE_SECONDS,
    );
    b.output("DeliveryStreamName", r("DeliveryStream"));
}

fn freshness(delivery_stream: &str) -> Value {
    json!({
        "Namespace": "AWS/Firehose",
        "MetricName": "DeliveryToS3.DataFreshness",
        "Statistic": "Maximum",
        "Dimensions": [{"Name": "DeliveryStreamName", "Value": delivery_stream}],
        "Period": 300,
        "EvaluationPeriods": 1,
        "DatapointsToAlarm": 1,
    })
}
