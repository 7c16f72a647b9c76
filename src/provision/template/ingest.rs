//! Ingestion: the stream, the Lambda consumer (inline code: parse, mask PII, write the raw zone
//! by date), its event-source mapping, log group and dead-letter queue.

use serde_json::{json, Value};

use super::network::PRIVATE_SUBNETS;
use super::{arn, r, Builder};
use crate::settings::StreamMode;

/// The consumer's code, inline (CloudFormation's ZipFile takes at most 4,096 characters).
pub const INGEST_CODE: &str = include_str!("ingest.py");
/// Event fields the consumer replaces by a hash before anything is written.
pub const PII_FIELDS: &str = "user_id,data.session_id,data.location.city";
/// Days a service's log group keeps events (the consumer's, the nightly state machine's).
pub(super) const LOG_DAYS: u32 = 90;
/// The consumer's timeout and memory, as the stack sets them (the sandbox's consumer runs by
/// them: a batch that runs this long is ended, `Task timed out after 60.00 seconds`).
pub const INGEST_TIMEOUT_SECONDS: u32 = 60;
pub const INGEST_MEMORY_MB: u32 = 512;
/// The most concurrent consumers a stream shard needs is one; this caps a runaway fan-out.
const RESERVED_CONCURRENCY: u32 = 50;

pub fn add(b: &mut Builder) {
    stream(b);
    let p = &b.settings.platform;
    let (queue, function, batch_size) = (p.dlq.queue.clone(), p.lambda.function.clone(), p.lambda.batch_size);
    b.add(
        "DeadLetterQueue",
        json!({"Type": "AWS::SQS::Queue", "Properties": {
            "QueueName": queue,
            "MessageRetentionPeriod": 1_209_600,
            "KmsMasterKeyId": r("DataKey"),
            "Tags": b.tags("ingestion"),
        }}),
    );
    b.add(
        "IngestLogGroup",
        json!({"Type": "AWS::Logs::LogGroup", "Properties": {
            "LogGroupName": format!("/aws/lambda/{function}"),
            "RetentionInDays": LOG_DAYS,
            "KmsKeyId": arn("DataKey"),
        }}),
    );
    let mut properties = json!({
        "FunctionName": function,
        "Description": "parses clickstream events, masks PII, writes the raw zone by date",
        "Runtime": "python3.12",
        "Handler": "index.handler",
        "Timeout": INGEST_TIMEOUT_SECONDS,
        "MemorySize": INGEST_MEMORY_MB,
        "ReservedConcurrentExecutions": RESERVED_CONCURRENCY,
        "Role": arn("ProcessingLambdaRole"),
        "Code": {"ZipFile": INGEST_CODE},
        "Environment": {"Variables": {"RAW_BUCKET": r("RawBucket"), "PII_FIELDS": PII_FIELDS}},
        "KmsKeyArn": arn("DataKey"),
        "DeadLetterConfig": {"TargetArn": arn("DeadLetterQueue")},
        "TracingConfig": {"Mode": "Active"},
        "Tags": b.tags("processing"),
    });
    if b.network() {
        properties["VpcConfig"] = json!({
            "SubnetIds": PRIVATE_SUBNETS.iter().map(|s| r(s)).collect::<Vec<Value>>(),
            "SecurityGroupIds": [r("ConsumerSecurityGroup")],
        });
    }
    b.add(
        "IngestFunction",
        json!({"Type": "AWS::Lambda::Function", "DependsOn": ["IngestLogGroup"], "Properties": properties}),
    );
    b.add(
        "IngestMapping",
        json!({"Type": "AWS::Lambda::EventSourceMapping", "Properties": {
            "EventSourceArn": arn("Stream"),
            "FunctionName": r("IngestFunction"),
            "StartingPosition": "LATEST",
            "BatchSize": batch_size,
            "MaximumBatchingWindowInSeconds": 1,
            "BisectBatchOnFunctionError": true,
            "MaximumRetryAttempts": 3,
            "FunctionResponseTypes": ["ReportBatchItemFailures"],
            "DestinationConfig": {"OnFailure": {"Destination": arn("DeadLetterQueue")}},
        }}),
    );
    b.output("FunctionName", r("IngestFunction"));
    b.output("DeadLetterQueueName", att_name());
    b.output("DeadLetterQueueUrl", r("DeadLetterQueue"));
}

fn att_name() -> Value {
    json!({"Fn::GetAtt": ["DeadLetterQueue", "QueueName"]})
}

fn stream(b: &mut Builder) {
    let s = &b.settings.platform.stream;
    let mut properties = json!({
        "Name": s.name,
        "RetentionPeriodHours": s.retention_hours,
        "StreamEncryption": {"EncryptionType": "KMS", "KeyId": r("DataKey")},
        "Tags": b.tags("ingestion"),
    });
    match s.mode {
        StreamMode::Provisioned => {
            properties["StreamModeDetails"] = json!({"StreamMode": "PROVISIONED"});
            properties["ShardCount"] = json!(s.shards);
        }
        StreamMode::OnDemand => properties["StreamModeDetails"] = json!({"StreamMode": "ON_DEMAND"}),
    }
    b.add("Stream", json!({"Type": "AWS::Kinesis::Stream", "Properties": properties}));
    b.output("StreamName", r("Stream"));
    b.output("StreamArn", arn("Stream"));
}
