//! Processing (`[platform.emr] mode = "serverless"`): an EMR Serverless Spark application that
//! starts when a job is submitted and stops when idle, in the private subnets, its logs in an
//! encrypted log group; the job runtime role that reads the lake and writes the curated zone and
//! the catalog; and an alarm on failed job runs. A cluster (`mode = "cluster"`) is the team's
//! own: it is watched, not created.

use serde_json::{json, Value};

use super::iam::{catalog_resources, role, this_account};
use super::ingest::LOG_DAYS;
use super::network::https_out_group;
use super::warehouse::private_subnets;
use super::watch::alarm;
use super::{arn, r, sub, Builder, CURATED_PREFIX};

/// The release the application runs (Spark 3.5).
pub const RELEASE: &str = "emr-7.5.0";
/// The application stops this long after its last job, so idle time is not paid for.
const IDLE_STOP_MINUTES: u32 = 15;

pub fn add(b: &mut Builder) {
    let stack = b.stack().to_string();
    let name = b.settings.platform.emr.name.clone();
    let database = b.settings.platform.glue.database.clone();
    let objects = |bucket: &str| sub(&format!("${{{bucket}.Arn}}/*"));
    let log_group = format!("/aws/emr-serverless/{name}");
    role(
        b,
        "SparkJobRole",
        &format!("{stack}-processing-spark"),
        "EMR Serverless jobs read the lake and write the curated zone and the catalog",
        json!({"Service": "emr-serverless.amazonaws.com"}),
        this_account(),
        vec![
            json!({"Effect": "Allow", "Action": "s3:GetObject", "Resource": [objects("RawBucket"), objects("CuratedBucket")]}),
            json!({"Effect": "Allow", "Action": "s3:ListBucket", "Resource": [arn("RawBucket"), arn("CuratedBucket")]}),
            json!({"Effect": "Allow", "Action": ["s3:PutObject", "s3:DeleteObject"],
                   "Resource": sub(&format!("${{CuratedBucket.Arn}}/{CURATED_PREFIX}*"))}),
            json!({"Effect": "Allow", "Action": ["glue:GetDatabase", "glue:GetTable", "glue:GetTables", "glue:CreateTable",
                                                 "glue:UpdateTable", "glue:GetPartition", "glue:GetPartitions",
                                                 "glue:BatchCreatePartition", "glue:BatchGetPartition"],
                   "Resource": catalog_resources(&database)}),
            json!({"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                   "Resource": sub(&format!("arn:${{AWS::Partition}}:logs:${{AWS::Region}}:${{AWS::AccountId}}:log-group:{log_group}:*"))}),
            json!({"Effect": "Allow", "Action": ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"], "Resource": arn("DataKey")}),
        ],
    );
    b.add(
        "SparkLogGroup",
        json!({"Type": "AWS::Logs::LogGroup", "Properties": {
            "LogGroupName": log_group,
            "RetentionInDays": LOG_DAYS,
            "KmsKeyId": arn("DataKey"),
        }}),
    );
    let mut properties = json!({
        "Name": name,
        "ReleaseLabel": RELEASE,
        "Type": "SPARK",
        "AutoStartConfiguration": {"Enabled": true},
        "AutoStopConfiguration": {"Enabled": true, "IdleTimeoutMinutes": IDLE_STOP_MINUTES},
        "MaximumCapacity": {"Cpu": "32 vCPU", "Memory": "128 GB", "Disk": "400 GB"},
        "MonitoringConfiguration": {
            "CloudWatchLoggingConfiguration": {
                "Enabled": true,
                "LogGroupName": r("SparkLogGroup"),
                "EncryptionKeyArn": arn("DataKey"),
            },
        },
        "Tags": b.tags("processing"),
    });
    if b.network() {
        https_out_group(
            b,
            "SparkSecurityGroup",
            "EMR Serverless Spark: no inbound; HTTPS out to S3, Glue and AWS APIs",
        );
        properties["NetworkConfiguration"] =
            json!({"SubnetIds": private_subnets(), "SecurityGroupIds": [r("SparkSecurityGroup")]});
    }
    b.add("SparkApplication", json!({"Type": "AWS::EMRServerless::Application", "Properties": properties}));
    alarm(
        b,
        "SparkJobsFailedAlarm",
        "spark-jobs-failed",
        "an EMR Serverless job run failed: its state details say why (lakeops emr)",
        spark_failures(),
        0.0,
    );
    b.output("SparkApplicationId", r("SparkApplication"));
}

fn spark_failures() -> Value {
    json!({
        "Namespace": "AWS/EMRServerless",
        "MetricName": "FailedJobs",
        "Statistic": "Sum",
        "Dimensions": [{"Name": "ApplicationId", "Value": r("SparkApplication")}],
        "Period": 3600,
        "EvaluationPeriods": 1,
        "DatapointsToAlarm": 1,
    })
}
