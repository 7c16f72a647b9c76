//! Least-privilege IAM roles, one per layer: ingestion (producers), processing (Lambda, Glue),
//! warehouse loading (Redshift COPY), analysis (Athena). Data actions name their resources;
//! the only `*` resources are actions AWS does not scope (ENI management, X-Ray). The nightly
//! state machine's roles are made beside it (orchestration.rs) with the same [`role`].

use serde_json::{json, Value};

use super::{arn, r, sub, Builder, CURATED_PREFIX};
use crate::settings::RedshiftMode;

pub fn add(b: &mut Builder) {
    let stack = b.stack().to_string();
    let p = b.settings.platform.clone();
    let objects = |bucket: &str| sub(&format!("${{{bucket}.Arn}}/*"));
    let key = json!({"Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": arn("DataKey")});
    let account_root = json!({"AWS": sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root")});
    let this_account = this_account();

    role(
        b,
        "IngestionRole",
        &format!("{stack}-ingestion"),
        "producers put clickstream events on the stream",
        account_root.clone(),
        Value::Null,
        vec![
            json!({"Effect": "Allow", "Action": ["kinesis:PutRecord", "kinesis:PutRecords", "kinesis:DescribeStreamSummary", "kinesis:ListShards"],
                   "Resource": arn("Stream")}),
            key.clone(),
        ],
    );

    // A log group's ARN ends in `:*`, which covers its streams.
    let log_group = arn("IngestLogGroup");
    let mut lambda = vec![
        json!({"Effect": "Allow", "Action": ["kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:DescribeStream",
                                             "kinesis:DescribeStreamSummary", "kinesis:ListShards"],
               "Resource": arn("Stream")}),
        json!({"Effect": "Allow", "Action": "kinesis:ListStreams", "Resource": "*"}),
        json!({"Effect": "Allow", "Action": "s3:PutObject", "Resource": objects("RawBucket")}),
        json!({"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": arn("DeadLetterQueue")}),
        json!({"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": log_group}),
        json!({"Effect": "Allow", "Action": ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], "Resource": "*"}),
        key.clone(),
    ];
    if b.network() {
        lambda.push(
            json!({"Effect": "Allow", "Action": ["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces",
                                                          "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses",
                                                          "ec2:UnassignPrivateIpAddresses"],
                           "Resource": "*"}),
        );
    }
    role(
        b,
        "ProcessingLambdaRole",
        &format!("{stack}-processing-lambda"),
        "the ingest Lambda reads the stream and writes the raw zone",
        json!({"Service": "lambda.amazonaws.com"}),
        this_account.clone(),
        lambda,
    );

    let catalog = catalog_resources(&p.glue.database);
    let glue_logs = sub("arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws-glue/*");
    role(
        b,
        "ProcessingGlueRole",
        &format!("{stack}-processing-glue"),
        "the crawler and the ETL job read the raw zone and write the curated zone and the catalog",
        json!({"Service": "glue.amazonaws.com"}),
        this_account.clone(),
        vec![
            json!({"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": [objects("RawBucket"), objects("CuratedBucket")]}),
            json!({"Effect": "Allow", "Action": ["s3:ListBucket"], "Resource": [arn("RawBucket"), arn("CuratedBucket")]}),
            // Writes only under the curated zone's prefix: the job's script (scripts/ by default) stays
            // read-only to the job that runs it.
            json!({"Effect": "Allow", "Action": ["s3:PutObject", "s3:DeleteObject"],
                   "Resource": sub(&format!("${{CuratedBucket.Arn}}/{CURATED_PREFIX}*"))}),
            json!({"Effect": "Allow", "Action": ["glue:GetDatabase", "glue:GetTable", "glue:GetTables", "glue:CreateTable",
                                                 "glue:UpdateTable", "glue:GetPartition", "glue:GetPartitions",
                                                 "glue:BatchCreatePartition", "glue:BatchGetPartition"],
                   "Resource": catalog.clone()}),
            json!({"Effect": "Allow", "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents",
                                                 "logs:AssociateKmsKey"],
                   "Resource": glue_logs}),
            json!({"Effect": "Allow", "Action": "cloudwatch:PutMetricData", "Resource": "*",
                   "Condition": {"StringEquals": {"cloudwatch:namespace": "Glue"}}}),
            json!({"Effect": "Allow", "Action": ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"], "Resource": arn("DataKey")}),
        ],
    );

    if p.redshift.mode != RedshiftMode::Off {
        role(
            b,
            "WarehouseLoadingRole",
            &format!("{stack}-warehouse-loading"),
            "Redshift COPY reads the curated zone",
            json!({"Service": ["redshift.amazonaws.com", "redshift-serverless.amazonaws.com"]}),
            this_account.clone(),
            vec![
                json!({"Effect": "Allow", "Action": "s3:GetObject", "Resource": objects("CuratedBucket")}),
                json!({"Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetBucketLocation"], "Resource": arn("CuratedBucket")}),
                json!({"Effect": "Allow", "Action": ["glue:GetDatabase", "glue:GetTable", "glue:GetTables", "glue:GetPartitions"],
                       "Resource": catalog.clone()}),
                key.clone(),
            ],
        );
    }

    if b.network() {
        let flow_logs = arn("FlowLogGroup");
        role(
            b,
            "FlowLogsRole",
            &format!("{stack}-network-flow-logs"),
            "VPC flow logs deliver the platform's network traffic records to CloudWatch Logs",
            json!({"Service": "vpc-flow-logs.amazonaws.com"}),
            json!({
                "StringEquals": {"aws:SourceAccount": r("AWS::AccountId")},
                "ArnLike": {"aws:SourceArn": sub("arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:vpc-flow-log/*")}
            }),
            vec![json!({"Effect": "Allow",
                        "Action": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogGroups", "logs:DescribeLogStreams"],
                        "Resource": flow_logs})],
        );
    }

    let workgroup = sub(&format!(
        "arn:${{AWS::Partition}}:athena:${{AWS::Region}}:${{AWS::AccountId}}:workgroup/{}",
        p.athena.workgroup
    ));
    role(
        b,
        "AnalysisRole",
        &format!("{stack}-analysis"),
        "analysts and on-call query the lake with Athena",
        account_root,
        Value::Null,
        vec![
            json!({"Effect": "Allow", "Action": ["athena:StartQueryExecution", "athena:StopQueryExecution", "athena:GetQueryExecution",
                                                 "athena:GetQueryResults", "athena:ListQueryExecutions", "athena:BatchGetQueryExecution",
                                                 "athena:GetWorkGroup", "athena:ListNamedQueries", "athena:GetNamedQuery",
                                                 "athena:BatchGetNamedQuery", "athena:CreateNamedQuery"],
                   "Resource": workgroup}),
            json!({"Effect": "Allow", "Action": ["glue:GetDatabase", "glue:GetDatabases", "glue:GetTable", "glue:GetTables",
                                                 "glue:GetPartitions"],
                   "Resource": catalog}),
            json!({"Effect": "Allow", "Action": "s3:GetObject", "Resource": [objects("RawBucket"), objects("CuratedBucket"), objects("QueryResultsBucket")]}),
            json!({"Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetBucketLocation"],
                   "Resource": [arn("RawBucket"), arn("CuratedBucket"), arn("QueryResultsBucket")]}),
            json!({"Effect": "Allow", "Action": ["s3:PutObject", "s3:AbortMultipartUpload"], "Resource": objects("QueryResultsBucket")}),
            key,
        ],
    );
}

/// A service may assume a role only on behalf of this account (the confused-deputy guard).
pub(super) fn this_account() -> Value {
    json!({"StringEquals": {"aws:SourceAccount": r("AWS::AccountId")}})
}

/// The catalog, the database and its tables: what a Glue catalog action must name.
pub(super) fn catalog_resources(database: &str) -> Value {
    json!([
        sub("arn:${AWS::Partition}:glue:${AWS::Region}:${AWS::AccountId}:catalog"),
        sub(&format!("arn:${{AWS::Partition}}:glue:${{AWS::Region}}:${{AWS::AccountId}}:database/{database}")),
        sub(&format!("arn:${{AWS::Partition}}:glue:${{AWS::Region}}:${{AWS::AccountId}}:table/{database}/*")),
    ])
}

/// A role `principal` may assume (under `condition`, unless it is null) with `statements` as its
/// only policy. A role people assume (not a service) is an output, for them to find its ARN.
pub(super) fn role(
    b: &mut Builder,
    id: &str,
    name: &str,
    description: &str,
    principal: Value,
    condition: Value,
    statements: Vec<Value>,
) {
    let for_people = principal.get("Service").is_none();
    let mut trust = json!({"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"});
    if !condition.is_null() {
        trust["Condition"] = condition;
    }
    b.add(
        id,
        json!({"Type": "AWS::IAM::Role", "Properties": {
            "RoleName": name,
            "Description": description,
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [trust]},
            "Policies": [{"PolicyName": "least-privilege", "PolicyDocument": {"Version": "2012-10-17", "Statement": statements}}],
            "Tags": b.tags("security"),
        }}),
    );
    if for_people {
        b.output(id, arn(id));
    }
}
