//! The Firehose delivery stream a profile with `[platform.firehose] create = true` makes.

use serde_json::json;

use super::tests::{assert_references_resolve, count, settings, statements};
use super::*;
use crate::ops::health::FIREHOSE_STALE_SECONDS;

fn with_firehose() -> Template {
    render(&settings(|s| {
        s.platform.firehose.create = true;
        s.platform.firehose.delivery_stream = "acme-delivery".into();
    }))
}

/// Applies the jq object of string slices Firehose evaluates (`{key:.field[from:to],…}`) to `value`.
fn slices(query: &str, value: &str) -> Vec<(String, String)> {
    let inner = query.trim_start_matches('{').trim_end_matches('}');
    inner
        .split(',')
        .map(|part| {
            let (key, expression) = part.split_once(':').expect("key:expression");
            let range = expression.split_once('[').expect("a slice").1.trim_end_matches(']');
            let (from, to) = range.split_once(':').expect("from:to");
            let (from, to): (usize, usize) = (from.parse().expect("from"), to.parse().expect("to"));
            (key.to_string(), value[from..to].to_string())
        })
        .collect()
}

#[test]
fn firehose_delivers_the_stream_into_the_raw_zone_partitioned_by_the_events_date() {
    let t = with_firehose();
    let stream = &t.resources()["DeliveryStream"];
    assert_eq!(stream["Type"], "AWS::KinesisFirehose::DeliveryStream");
    let p = &stream["Properties"];
    assert_eq!(
        (p["DeliveryStreamName"].as_str(), p["DeliveryStreamType"].as_str()),
        (Some("acme-delivery"), Some("KinesisStreamAsSource"))
    );
    assert_eq!(p["KinesisStreamSourceConfiguration"]["KinesisStreamARN"], json!({"Fn::GetAtt": ["Stream", "Arn"]}));
    assert_eq!(p["KinesisStreamSourceConfiguration"]["RoleARN"]["Fn::GetAtt"][0], "DeliveryRole");

    let s3 = &p["ExtendedS3DestinationConfiguration"];
    assert_eq!(s3["BucketARN"], json!({"Fn::GetAtt": ["RawBucket", "Arn"]}));
    assert_eq!(s3["RoleARN"]["Fn::GetAtt"][0], "DeliveryRole");
    assert_eq!(s3["EncryptionConfiguration"]["KMSEncryptionConfig"]["AWSKMSKeyARN"]["Fn::GetAtt"][0], "DataKey");
    assert_eq!(s3["DynamicPartitioningConfiguration"]["Enabled"], true);
    // Firehose refuses dynamic partitioning with a buffer under 64 MB.
    assert!(s3["BufferingHints"]["SizeInMBs"].as_u64().is_some_and(|mb| mb >= 64), "{}", s3["BufferingHints"]);
    let prefix = s3["Prefix"].as_str().unwrap_or_default();
    assert_eq!(
        prefix,
        "firehose/year=!{partitionKeyFromQuery:year}/month=!{partitionKeyFromQuery:month}/day=!{partitionKeyFromQuery:day}/"
    );
    assert!(prefix.starts_with(DELIVERY_PREFIX));
    let errors = s3["ErrorOutputPrefix"].as_str().unwrap_or_default();
    assert!(errors.starts_with(DELIVERY_ERROR_PREFIX) && errors.contains("!{firehose:error-output-type}"), "{errors}");
    assert!(!errors.starts_with(DELIVERY_PREFIX), "errors are kept apart from the data the crawler reads");

    // The partition keys come from the event's timestamp, as the ingest Lambda names the raw zone's
    // partitions: the seeds' event lands under year=2026/month=03/day=20.
    let processors = s3["ProcessingConfiguration"]["Processors"].as_array().cloned().unwrap_or_default();
    assert_eq!(s3["ProcessingConfiguration"]["Enabled"], true);
    let extraction = processors.iter().find(|p| p["Type"] == "MetadataExtraction").expect("metadata extraction");
    let parameter = |name: &str| {
        extraction["Parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|p| p["ParameterName"] == name)
            .and_then(|p| p["ParameterValue"].as_str())
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(parameter("JsonParsingEngine"), "JQ-1.6");
    let query = parameter("MetadataExtractionQuery");
    assert!(query.contains(".timestamp["), "{query}");
    let keys = slices(&query, "2026-03-20T10:00:00Z");
    let mut delivered = prefix.to_string();
    for (key, value) in &keys {
        delivered = delivered.replace(&format!("!{{partitionKeyFromQuery:{key}}}"), value);
    }
    assert_eq!(delivered, "firehose/year=2026/month=03/day=20/");
    let delimiter = processors.iter().find(|p| p["Type"] == "AppendDelimiterToRecord").expect("one record a line");
    assert_eq!(delimiter["Parameters"][0]["ParameterValue"], "\\n");

    // Errors logged to its own encrypted log group, in a stream the stack makes.
    let logging = &s3["CloudWatchLoggingOptions"];
    assert_eq!(logging["Enabled"], true);
    assert_eq!(
        (logging["LogGroupName"]["Ref"].as_str(), logging["LogStreamName"]["Ref"].as_str()),
        (Some("DeliveryLogGroup"), Some("DeliveryLogStream"))
    );
    let group = &t.resources()["DeliveryLogGroup"]["Properties"];
    assert_eq!(group["LogGroupName"], "/aws/kinesisfirehose/acme-delivery");
    assert_eq!(group["KmsKeyId"]["Fn::GetAtt"][0], "DataKey");
    assert_eq!(group["RetentionInDays"], t.resources()["IngestLogGroup"]["Properties"]["RetentionInDays"]);
    assert_eq!(t.resources()["DeliveryLogStream"]["Properties"]["LogGroupName"]["Ref"], "DeliveryLogGroup");

    assert_eq!(t.body["Outputs"]["DeliveryStreamName"]["Value"]["Ref"], "DeliveryStream");
    let named = crate::provision::named_resources(&t.body, None, "eu-west-1");
    assert!(named
        .iter()
        .any(|n| n.resource_type == "AWS::KinesisFirehose::DeliveryStream" && n.name == "acme-delivery"));
    assert!(named.iter().any(|n| n.name == "/aws/kinesisfirehose/acme-delivery"));
    assert_references_resolve(&t);
}

#[test]
fn the_freshness_alarm_goes_off_where_the_console_calls_delivery_stale() {
    let t = with_firehose();
    let alarm = &t.resources()["DeliveryFreshnessAlarm"]["Properties"];
    assert_eq!(alarm["AlarmName"], "clickstream-delivery-freshness");
    assert_eq!(
        (alarm["Namespace"].as_str(), alarm["MetricName"].as_str(), alarm["Statistic"].as_str()),
        (Some("AWS/Firehose"), Some("DeliveryToS3.DataFreshness"), Some("Maximum"))
    );
    assert_eq!(alarm["Dimensions"], json!([{"Name": "DeliveryStreamName", "Value": "acme-delivery"}]));
    assert_eq!(
        (alarm["ComparisonOperator"].as_str(), alarm["Threshold"].as_f64()),
        (Some("GreaterThanThreshold"), Some(FIREHOSE_STALE_SECONDS))
    );
    assert_eq!(alarm["AlarmActions"][0]["Ref"], "AlarmTopic");
}

#[test]
fn the_delivery_role_reads_that_stream_writes_that_prefix_uses_the_key_and_writes_its_log() {
    let t = with_firehose();
    let role = &t.resources()["DeliveryRole"]["Properties"];
    assert_eq!(role["RoleName"], "clickstream-delivery");
    let trust = &role["AssumeRolePolicyDocument"]["Statement"][0];
    assert_eq!(trust["Principal"]["Service"], "firehose.amazonaws.com");
    assert_eq!(trust["Condition"]["StringEquals"]["sts:ExternalId"]["Ref"], "AWS::AccountId");
    let raw_objects = |prefix: &str| json!({"Fn::Sub": format!("${{RawBucket.Arn}}/{prefix}*")});
    for statement in statements(&t, "DeliveryRole") {
        let actions: Vec<String> = match &statement["Action"] {
            serde_json::Value::String(a) => vec![a.clone()],
            serde_json::Value::Array(a) => a.iter().filter_map(|a| a.as_str().map(String::from)).collect(),
            _ => vec![],
        };
        assert_ne!(statement["Resource"], "*", "{statement}");
        let service = actions[0].split(':').next().unwrap_or_default().to_string();
        assert!(actions.iter().all(|a| a.starts_with(&format!("{service}:"))), "one service a statement: {statement}");
        match service.as_str() {
            "kinesis" => {
                assert_eq!(statement["Resource"], json!({"Fn::GetAtt": ["Stream", "Arn"]}));
                assert!(
                    actions.iter().all(|a| a.starts_with("kinesis:Get")
                        || a.starts_with("kinesis:Describe")
                        || a.starts_with("kinesis:List")),
                    "reads only: {actions:?}"
                );
            }
            "s3" if actions.contains(&"s3:PutObject".to_string()) => {
                assert_eq!(
                    statement["Resource"],
                    json!([raw_objects(DELIVERY_PREFIX), raw_objects(DELIVERY_ERROR_PREFIX)])
                );
                assert_eq!(actions, ["s3:PutObject", "s3:AbortMultipartUpload"]);
            }
            "s3" => {
                assert_eq!(statement["Resource"], json!({"Fn::GetAtt": ["RawBucket", "Arn"]}), "the bucket, no object");
                assert!(
                    actions.iter().all(|a| a.starts_with("s3:GetBucket") || a.starts_with("s3:ListBucket")),
                    "{actions:?}"
                );
            }
            "kms" => assert_eq!(statement["Resource"]["Fn::GetAtt"][0], "DataKey"),
            "logs" => {
                assert_eq!(actions, ["logs:PutLogEvents"]);
                assert_eq!(statement["Resource"]["Fn::GetAtt"][0], "DeliveryLogGroup");
            }
            other => panic!("the delivery role may not use {other}: {statement}"),
        }
    }
}

#[test]
fn the_crawler_catalogs_the_delivered_copy_apart_and_never_the_errors() {
    let t = with_firehose();
    let targets = &t.resources()["RawCrawler"]["Properties"]["Targets"]["S3Targets"];
    assert_eq!(targets[0]["Path"]["Fn::Sub"], "s3://${RawBucket}/");
    assert_eq!(targets[0]["Exclusions"], json!(["firehose/**", "firehose-errors/**"]));
    assert_eq!(targets[1]["Path"]["Fn::Sub"], "s3://${RawBucket}/firehose/");
    assert_eq!(targets.as_array().map(Vec::len), Some(2));
}

#[test]
fn without_firehose_none_of_it_is_made() {
    let t = render(&settings(|s| s.platform.firehose.create = false));
    assert_eq!(count(&t, "AWS::KinesisFirehose::DeliveryStream"), 0);
    assert!(t.resources().keys().all(|id| !id.starts_with("Delivery")), "{:?}", t.resources().keys());
    assert!(t.body["Outputs"].get("DeliveryStreamName").is_none());
    assert_eq!(
        t.resources()["RawCrawler"]["Properties"]["Targets"]["S3Targets"],
        json!([{"Path": {"Fn::Sub": "s3://${RawBucket}/"}}])
    );
    assert_references_resolve(&t);
}
