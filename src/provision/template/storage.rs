//! The customer-managed KMS key and the four buckets: raw, curated, query results, CloudTrail.
//! Every bucket: KMS encryption, public access blocked, versioning, TLS-only policy.

use serde_json::{json, Value};

use super::{arn, r, sub, Builder};

/// The buckets, as (logical id, zone in the default name): the raw zone (JSON lines by
/// year=/month=/day=), the curated zone (Parquet, partitioned), Athena's query results and
/// CloudTrail's log files.
pub const BUCKETS: [(&str, &str); 4] = [
    ("RawBucket", "raw"),
    ("CuratedBucket", "curated"),
    ("QueryResultsBucket", "query-results"),
    ("TrailBucket", "trail"),
];

/// Days Athena results are kept before they expire.
const QUERY_RESULTS_DAYS: u32 = 30;
/// Days old versions of an object are kept.
const NONCURRENT_DAYS: u32 = 30;

pub fn add(b: &mut Builder) {
    key(b);
    for (id, zone) in BUCKETS {
        bucket(b, id, zone);
    }
}

/// The bucket name: the profile's for raw and curated when set, else `<stack>-<zone>-<account>-<region>`.
pub fn bucket_name(b: &Builder, zone: &str) -> Value {
    let lake = &b.settings.platform.lake;
    let named = match zone {
        "raw" => lake.raw_bucket.as_deref(),
        "curated" => lake.curated_bucket.as_deref(),
        _ => None,
    };
    match named {
        Some(name) => json!(name),
        None => sub(&format!("{}-{zone}-${{AWS::AccountId}}-${{AWS::Region}}", b.stack())),
    }
}

fn key(b: &mut Builder) {
    let stack = b.stack().to_string();
    b.add(
        "DataKey",
        json!({
            "Type": "AWS::KMS::Key",
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            "Properties": {
                "Description": format!("{stack}: encrypts the stream, buckets, queue, logs, topic and trail"),
                "EnableKeyRotation": true,
                "KeyPolicy": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Sid": "AccountAdministers",
                            "Effect": "Allow",
                            "Principal": {"AWS": sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root")},
                            "Action": "kms:*",
                            "Resource": "*"
                        },
                        {
                            "Sid": "CloudTrailEncryptsLogs",
                            "Effect": "Allow",
                            "Principal": {"Service": "cloudtrail.amazonaws.com"},
                            "Action": ["kms:GenerateDataKey*", "kms:DescribeKey"],
                            "Resource": "*",
                            "Condition": {"StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn":
                                sub("arn:${AWS::Partition}:cloudtrail:*:${AWS::AccountId}:trail/*")}}
                        },
                        {
                            "Sid": "LogsEncryptLogGroups",
                            "Effect": "Allow",
                            "Principal": {"Service": sub("logs.${AWS::Region}.amazonaws.com")},
                            "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                            "Resource": "*",
                            "Condition": {"ArnLike": {"kms:EncryptionContext:aws:logs:arn":
                                sub("arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:*")}}
                        },
                        {
                            "Sid": "AlarmsPublishToTheEncryptedTopic",
                            "Effect": "Allow",
                            "Principal": {"Service": "cloudwatch.amazonaws.com"},
                            "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
                            "Resource": "*"
                        }
                    ]
                },
                // No Tags: moto 5.2.5 fails to create a key with CloudFormation tags (it reads
                // them as KMS's TagKey/TagValue); the alias names the key instead.
            }
        }),
    );
    b.add(
        "DataKeyAlias",
        json!({
            "Type": "AWS::KMS::Alias",
            "Properties": {"AliasName": format!("alias/{stack}-data"), "TargetKeyId": r("DataKey")}
        }),
    );
    b.output("DataKeyArn", arn("DataKey"));
}

fn bucket(b: &mut Builder, id: &str, zone: &str) {
    let glacier_after = b.settings.platform.lake.glacier_after_days;
    let mut rules = vec![json!({
        "Id": "expire-old-versions",
        "Status": "Enabled",
        "NoncurrentVersionExpiration": {"NoncurrentDays": NONCURRENT_DAYS},
        "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7}
    })];
    match zone {
        "raw" | "curated" | "trail" => rules.push(json!({
            "Id": "to-glacier",
            "Status": "Enabled",
            "Transitions": [{"StorageClass": "GLACIER", "TransitionInDays": glacier_after}]
        })),
        _ => rules.push(json!({"Id": "expire-results", "Status": "Enabled", "ExpirationInDays": QUERY_RESULTS_DAYS})),
    }
    let name = bucket_name(b, zone);
    b.add(
        id,
        json!({
            "Type": "AWS::S3::Bucket",
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            "Properties": {
                "BucketName": name,
                "BucketEncryption": {"ServerSideEncryptionConfiguration": [{
                    "ServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": arn("DataKey")},
                    "BucketKeyEnabled": true
                }]},
                "PublicAccessBlockConfiguration": {
                    "BlockPublicAcls": true, "BlockPublicPolicy": true,
                    "IgnorePublicAcls": true, "RestrictPublicBuckets": true
                },
                "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
                "VersioningConfiguration": {"Status": "Enabled"},
                "LifecycleConfiguration": {"Rules": rules},
                "Tags": b.tags("storage"),
            }
        }),
    );
    let mut statements = vec![json!({
        "Sid": "TlsOnly",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [arn(id), sub(&format!("${{{id}.Arn}}/*"))],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}
    })];
    if zone == "trail" {
        let trail_arn = sub(&format!(
            "arn:${{AWS::Partition}}:cloudtrail:${{AWS::Region}}:${{AWS::AccountId}}:trail/{}-audit",
            b.stack()
        ));
        statements.push(json!({
            "Sid": "CloudTrailChecksTheAcl",
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "s3:GetBucketAcl",
            "Resource": arn(id),
            "Condition": {"StringEquals": {"aws:SourceArn": trail_arn.clone()}}
        }));
        statements.push(json!({
            "Sid": "CloudTrailWritesLogs",
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "s3:PutObject",
            "Resource": sub(&format!("${{{id}.Arn}}/AWSLogs/${{AWS::AccountId}}/*")),
            "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": trail_arn}}
        }));
    }
    b.add(
        &format!("{id}Policy"),
        json!({
            "Type": "AWS::S3::BucketPolicy",
            "Properties": {
                "Bucket": r(id),
                "PolicyDocument": {"Version": "2012-10-17", "Statement": statements}
            }
        }),
    );
    b.output(id, r(id));
}
