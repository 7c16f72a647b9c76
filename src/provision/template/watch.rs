//! Watching the platform: the CloudTrail trail (log file validation on) and the alarms, named
//! `<stack>-…` so the console counts them as the platform's, publishing to one encrypted topic.

use serde_json::{json, Value};

use super::{r, Builder};
use crate::settings::RedshiftMode;

/// The alarms' names after the stack's (`<stack>-<suffix>`), as the template creates them and
/// the sandbox's model keeps them.
pub mod alarm_names {
    pub const ITERATOR_AGE: &str = "iterator-age";
    pub const WRITE_THROTTLING: &str = "write-throttling";
    pub const LAMBDA_ERRORS: &str = "lambda-errors";
    pub const DLQ_DEPTH: &str = "dlq-depth";
    pub const ETL_FAILED: &str = "etl-failed";
    pub const REDSHIFT_CPU: &str = "redshift-cpu";
    pub const NIGHTLY_FAILED: &str = "nightly-failed";
}
use alarm_names::*;

pub fn add(b: &mut Builder) {
    let stack = b.stack().to_string();
    b.add(
        "AuditTrail",
        json!({"Type": "AWS::CloudTrail::Trail", "DependsOn": ["TrailBucketPolicy"], "Properties": {
            "TrailName": format!("{stack}-audit"),
            "S3BucketName": r("TrailBucket"),
            "IsLogging": true,
            "IsMultiRegionTrail": true,
            "IncludeGlobalServiceEvents": true,
            "EnableLogFileValidation": true,
            "KMSKeyId": r("DataKey"),
            "Tags": b.tags("audit"),
        }}),
    );
    b.add(
        "AlarmTopic",
        json!({"Type": "AWS::SNS::Topic", "Properties": {
            "TopicName": format!("{stack}-alarms"),
            "KmsMasterKeyId": r("DataKey"),
            "Tags": b.tags("monitoring"),
        }}),
    );
    let p = b.settings.platform.clone();
    let stream = json!([{"Name": "StreamName", "Value": p.stream.name}]);
    alarm(
        b,
        "IteratorAgeAlarm",
        ITERATOR_AGE,
        "the consumer is falling behind the stream",
        metric("AWS/Kinesis", "GetRecords.IteratorAgeMilliseconds", "Maximum", stream.clone()),
        (p.alarms.iterator_age_seconds * 1000) as f64,
    );
    alarm(
        b,
        "WriteThrottleAlarm",
        WRITE_THROTTLING,
        "producers are throttled: the stream needs more shards",
        metric("AWS/Kinesis", "WriteProvisionedThroughputExceeded", "Sum", stream),
        0.0,
    );
    let function = json!([{"Name": "FunctionName", "Value": p.lambda.function}]);
    let rate = json!({"Metrics": [
        {"Id": "errors", "ReturnData": false,
         "MetricStat": {"Metric": {"Namespace": "AWS/Lambda", "MetricName": "Errors", "Dimensions": function.clone()},
                        "Period": 60, "Stat": "Sum"}},
        {"Id": "invocations", "ReturnData": false,
         "MetricStat": {"Metric": {"Namespace": "AWS/Lambda", "MetricName": "Invocations", "Dimensions": function},
                        "Period": 60, "Stat": "Sum"}},
        {"Id": "rate", "Label": "error rate", "ReturnData": true, "Expression": "IF(invocations > 0, errors / invocations, 0)"}
    ]});
    alarm(b, "LambdaErrorAlarm", LAMBDA_ERRORS, "the ingest Lambda is failing", rate, p.alarms.lambda_error_rate);
    alarm(
        b,
        "DeadLettersAlarm",
        DLQ_DEPTH,
        "records the consumer gave up on are waiting in the DLQ",
        metric(
            "AWS/SQS",
            "ApproximateNumberOfMessagesVisible",
            "Maximum",
            json!([{"Name": "QueueName", "Value": p.dlq.queue}]),
        ),
        0.0,
    );
    alarm(
        b,
        "GlueFailureAlarm",
        ETL_FAILED,
        "the curating ETL job has failed tasks",
        metric(
            "Glue",
            "glue.driver.aggregate.numFailedTasks",
            "Sum",
            json!([{"Name": "JobName", "Value": p.glue.job}, {"Name": "JobRunId", "Value": "ALL"},
                   {"Name": "Type", "Value": "count"}]),
        ),
        0.0,
    );
    let cpu = p.alarms.redshift_cpu_percent;
    match p.redshift.mode {
        RedshiftMode::Cluster => alarm(
            b,
            "WarehouseCpuAlarm",
            REDSHIFT_CPU,
            "Redshift CPU is high",
            metric(
                "AWS/Redshift",
                "CPUUtilization",
                "Average",
                json!([{"Name": "ClusterIdentifier", "Value": p.redshift.name}]),
            ),
            cpu,
        ),
        RedshiftMode::Serverless => alarm(
            b,
            "WarehouseCpuAlarm",
            REDSHIFT_CPU,
            "Redshift Serverless is using far more than its base capacity",
            metric(
                "AWS/Redshift-Serverless",
                "ComputeCapacity",
                "Average",
                json!([{"Name": "Workgroup", "Value": p.redshift.name}]),
            ),
            crate::ops::health::serverless_alarm_rpu(cpu),
        ),
        RedshiftMode::Off => {}
    }
    b.output("AlarmTopicArn", r("AlarmTopic"));
    b.output("TrailName", r("AuditTrail"));
}

fn metric(namespace: &str, name: &str, statistic: &str, dimensions: Value) -> Value {
    json!({"Namespace": namespace, "MetricName": name, "Statistic": statistic, "Dimensions": dimensions, "Period": 60})
}

/// An alarm `<stack>-<suffix>` to the topic; `what` is its metric (or metrics), and may override
/// the evaluation (five periods, three breaching).
pub(super) fn alarm(b: &mut Builder, id: &str, suffix: &str, description: &str, mut what: Value, threshold: f64) {
    let name = format!("{}-{suffix}", b.stack());
    let mut properties = json!({
        "AlarmName": name,
        "AlarmDescription": description,
        "ComparisonOperator": "GreaterThanThreshold",
        "Threshold": threshold,
        "EvaluationPeriods": 5,
        "DatapointsToAlarm": 3,
        "TreatMissingData": "notBreaching",
        "AlarmActions": [r("AlarmTopic")],
        "OKActions": [r("AlarmTopic")],
    });
    if let (Some(properties), Some(what)) = (properties.as_object_mut(), what.as_object_mut()) {
        properties.append(what);
    }
    b.add(id, json!({"Type": "AWS::CloudWatch::Alarm", "Properties": properties}));
}
