//! Glue (database, raw-zone crawler, curating ETL job with metrics on, its schedule, one
//! security configuration for all of it) and the Athena workgroup.

use serde_json::{json, Value};

use super::delivery::{DELIVERY_PREFIX, ERROR_PREFIX};
use super::{arn, r, sub, Builder, CURATED_PREFIX};

pub fn add(b: &mut Builder) {
    let p = &b.settings.platform;
    let (database, crawler, job, schedule) =
        (p.glue.database.clone(), p.glue.crawler.clone(), p.glue.job.clone(), p.glue.schedule.clone());
    let stack = b.stack().to_string();
    let targets = raw_targets(b);
    b.add(
        "GlueDatabase",
        json!({"Type": "AWS::Glue::Database", "Properties": {
            "CatalogId": r("AWS::AccountId"),
            "DatabaseInput": {"Name": database, "Description": "clickstream events: raw zone and curated zone"}
        }}),
    );
    b.add(
        "GlueSecurity",
        json!({"Type": "AWS::Glue::SecurityConfiguration", "Properties": {
            "Name": format!("{stack}-glue"),
            "EncryptionConfiguration": {
                "S3Encryptions": [{"S3EncryptionMode": "SSE-KMS", "KmsKeyArn": arn("DataKey")}],
                "CloudWatchEncryption": {"CloudWatchEncryptionMode": "SSE-KMS", "KmsKeyArn": arn("DataKey")},
                "JobBookmarksEncryption": {"JobBookmarksEncryptionMode": "CSE-KMS", "KmsKeyArn": arn("DataKey")}
            }
        }}),
    );
    b.add(
        "RawCrawler",
        json!({"Type": "AWS::Glue::Crawler", "Properties": {
            "Name": crawler,
            "Role": arn("ProcessingGlueRole"),
            "DatabaseName": r("GlueDatabase"),
            "Targets": {"S3Targets": targets},
            "TablePrefix": "raw_",
            "CrawlerSecurityConfiguration": r("GlueSecurity"),
            "SchemaChangePolicy": {"UpdateBehavior": "UPDATE_IN_DATABASE", "DeleteBehavior": "LOG"},
            "RecrawlPolicy": {"RecrawlBehavior": "CRAWL_NEW_FOLDERS_ONLY"},
        }}),
    );
    b.conditions
        .insert("ScriptLocationGiven".into(), json!({"Fn::Not": [{"Fn::Equals": [r("EtlScriptLocation"), ""]}]}));
    b.add(
        "CurateJob",
        json!({"Type": "AWS::Glue::Job", "Properties": {
            "Name": job,
            "Description": "raw JSON lines -> curated Parquet, partitioned year=/month=/day=",
            "Role": arn("ProcessingGlueRole"),
            "GlueVersion": "4.0",
            "WorkerType": "G.1X",
            "NumberOfWorkers": 2,
            "Timeout": 60,
            "MaxRetries": 0,
            "ExecutionProperty": {"MaxConcurrentRuns": 1},
            "SecurityConfiguration": r("GlueSecurity"),
            "Command": {
                "Name": "glueetl",
                "PythonVersion": "3",
                "ScriptLocation": {"Fn::If": ["ScriptLocationGiven", r("EtlScriptLocation"),
                    sub(&format!("s3://${{CuratedBucket}}/scripts/{job}.py"))]}
            },
            "DefaultArguments": {
                "--enable-metrics": "true",
                "--enable-continuous-cloudwatch-log": "true",
                "--job-bookmark-option": "job-bookmark-enable",
                "--raw_path": sub("s3://${RawBucket}/"),
                "--curated_path": sub(&format!("s3://${{CuratedBucket}}/{CURATED_PREFIX}")),
                "--database": r("GlueDatabase"),
            },
            "Tags": {"lakeops:layer": "processing"},
        }}),
    );
    b.add(
        "CurateSchedule",
        json!({"Type": "AWS::Glue::Trigger", "Properties": {
            "Name": format!("{job}-schedule"),
            "Type": "SCHEDULED",
            "Schedule": schedule,
            "StartOnCreation": true,
            "Actions": [{"JobName": r("CurateJob")}],
        }}),
    );
    let cutoff = p.athena.bytes_scanned_cutoff;
    let workgroup = p.athena.workgroup.clone();
    b.add(
        "AthenaWorkgroup",
        // Kept on delete: its saved queries and query history are the team's work, not the stack's.
        json!({"Type": "AWS::Athena::WorkGroup", "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain",
        "Properties": {
            "Name": workgroup,
            "Description": "on-call and analysts' queries over the lake",
            "State": "ENABLED",
            // Never delete saved queries with the workgroup (the workgroup is retained besides).
            "RecursiveDeleteOption": false,
            "WorkGroupConfiguration": {
                "EnforceWorkGroupConfiguration": true,
                "PublishCloudWatchMetricsEnabled": true,
                "BytesScannedCutoffPerQuery": cutoff,
                "ResultConfiguration": {
                    "OutputLocation": sub("s3://${QueryResultsBucket}/results/"),
                    "EncryptionConfiguration": {"EncryptionOption": "SSE_KMS", "KmsKey": arn("DataKey")}
                }
            },
            "Tags": b.tags("analysis"),
        }}),
    );
    b.output("GlueDatabase", r("GlueDatabase"));
    b.output("GlueCrawler", r("RawCrawler"));
    b.output("GlueJob", r("CurateJob"));
    b.output("AthenaWorkgroup", r("AthenaWorkgroup"));
}

/// The raw zone the crawler catalogs: the Lambda's partitions at the bucket's root; with Firehose,
/// its copy under `firehose/` as a table of its own (`raw_firehose`, the same events unmasked),
/// and never its error records.
fn raw_targets(b: &Builder) -> Value {
    if !b.settings.platform.firehose.create {
        return json!([{"Path": sub("s3://${RawBucket}/")}]);
    }
    json!([
        {"Path": sub("s3://${RawBucket}/"), "Exclusions": [format!("{DELIVERY_PREFIX}**"), format!("{ERROR_PREFIX}**")]},
        {"Path": sub(&format!("s3://${{RawBucket}}/{DELIVERY_PREFIX}"))},
    ])
}
