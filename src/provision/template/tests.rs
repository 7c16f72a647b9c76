use serde_json::Value;

use super::*;
use crate::settings::{load, Overrides, Paths, RedshiftMode, StreamMode};

fn settings(edit: impl FnOnce(&mut Settings)) -> Settings {
    let paths = Paths { config_dir: "/nonexistent/config".into(), state_dir: "/nonexistent/state".into() };
    let mut s = load(&Overrides::default(), &paths, &[]).expect("defaults load").settings;
    edit(&mut s);
    s
}

fn types(t: &Template) -> Vec<String> {
    t.resources().values().filter_map(|r| r["Type"].as_str().map(String::from)).collect()
}

fn count(t: &Template, kind: &str) -> usize {
    types(t).iter().filter(|k| *k == kind).count()
}

/// Every `Ref`/`Fn::GetAtt`/`${…}` in `value`, as logical ids.
fn references(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                match (key.as_str(), inner) {
                    ("Ref", Value::String(id)) => out.push(id.clone()),
                    ("Fn::GetAtt", Value::Array(parts)) => {
                        out.extend(parts.first().and_then(Value::as_str).map(String::from))
                    }
                    ("Fn::Sub", Value::String(text)) => {
                        for piece in text.split("${").skip(1) {
                            let name = piece.split('}').next().unwrap_or_default();
                            out.push(name.split('.').next().unwrap_or_default().to_string());
                        }
                    }
                    _ => {}
                }
                references(inner, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|i| references(i, out)),
        _ => {}
    }
}

fn assert_references_resolve(t: &Template) {
    let mut refs = Vec::new();
    references(&t.body, &mut refs);
    for id in refs {
        let known =
            id.starts_with("AWS::") || t.resources().contains_key(&id) || t.body["Parameters"].get(&id).is_some();
        assert!(known, "{id} is referenced but not defined");
    }
}

#[test]
fn the_default_profile_builds_every_layer() {
    let t = render(&settings(|_| {}));
    for kind in [
        "AWS::EC2::VPC",
        "AWS::EC2::NatGateway",
        "AWS::EC2::VPCEndpoint",
        "AWS::KMS::Key",
        "AWS::KMS::Alias",
        "AWS::Kinesis::Stream",
        "AWS::Lambda::Function",
        "AWS::Lambda::EventSourceMapping",
        "AWS::SQS::Queue",
        "AWS::Glue::Database",
        "AWS::Glue::Crawler",
        "AWS::Glue::Job",
        "AWS::Glue::Trigger",
        "AWS::RedshiftServerless::Namespace",
        "AWS::RedshiftServerless::Workgroup",
        "AWS::Athena::WorkGroup",
        "AWS::CloudTrail::Trail",
        "AWS::SNS::Topic",
    ] {
        assert_eq!(count(&t, kind), 1, "{kind}");
    }
    assert_eq!(count(&t, "AWS::EC2::Subnet"), 4);
    assert_eq!(count(&t, "AWS::S3::Bucket"), 4);
    assert_eq!(count(&t, "AWS::S3::BucketPolicy"), 4);
    assert_eq!(count(&t, "AWS::IAM::Role"), 6);
    assert_eq!(count(&t, "AWS::CloudWatch::Alarm"), 6);
    assert_references_resolve(&t);
    t.check_size().expect("the full platform fits inline");
}

#[test]
fn the_profile_names_what_the_console_watches() {
    let t = render(&settings(|_| {}));
    let res = t.resources();
    assert_eq!(res["Stream"]["Properties"]["Name"], "clickstream-events");
    assert_eq!(res["Stream"]["Properties"]["ShardCount"], 4);
    assert_eq!(res["Stream"]["Properties"]["RetentionPeriodHours"], 24);
    assert_eq!(res["IngestFunction"]["Properties"]["FunctionName"], "clickstream-ingest");
    assert_eq!(res["IngestMapping"]["Properties"]["BatchSize"], 500);
    assert_eq!(res["IngestMapping"]["Properties"]["BisectBatchOnFunctionError"], true);
    assert_eq!(res["DeadLetterQueue"]["Properties"]["QueueName"], "clickstream-ingest-dlq");
    assert_eq!(res["CurateJob"]["Properties"]["Name"], "clickstream-curate");
    assert_eq!(res["CurateJob"]["Properties"]["DefaultArguments"]["--enable-metrics"], "true");
    assert_eq!(res["CurateSchedule"]["Properties"]["Schedule"], "cron(0 * * * ? *)");
    assert_eq!(res["RawCrawler"]["Properties"]["Name"], "clickstream-raw");
    assert_eq!(res["AthenaWorkgroup"]["Properties"]["Name"], "clickstream-ops");
    let wg = &res["AthenaWorkgroup"]["Properties"]["WorkGroupConfiguration"];
    assert_eq!(wg["BytesScannedCutoffPerQuery"], 10_000_000_000u64);
    assert_eq!(wg["EnforceWorkGroupConfiguration"], true);
    assert_eq!(wg["PublishCloudWatchMetricsEnabled"], true);
    assert_eq!(res["IteratorAgeAlarm"]["Properties"]["AlarmName"], "clickstream-iterator-age");
    assert_eq!(res["IteratorAgeAlarm"]["Properties"]["Threshold"], 60_000.0);
    assert_eq!(res["AuditTrail"]["Properties"]["EnableLogFileValidation"], true);
    for output in [
        "StreamName",
        "FunctionName",
        "DeadLetterQueueName",
        "GlueDatabase",
        "GlueJob",
        "GlueCrawler",
        "AthenaWorkgroup",
        "RedshiftWorkgroup",
        "RawBucket",
        "CuratedBucket",
        "AlarmTopicArn",
    ] {
        assert!(t.body["Outputs"].get(output).is_some(), "output {output}");
    }
}

#[test]
fn secure_by_default() {
    let t = render(&settings(|_| {}));
    let text = t.compact().to_ascii_lowercase();
    assert!(!text.contains("password\":\""), "no password in the template");
    for (id, r) in t.resources() {
        let p = &r["Properties"];
        match r["Type"].as_str().unwrap_or_default() {
            "AWS::S3::Bucket" => {
                assert_eq!(
                    p["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]
                        ["SSEAlgorithm"],
                    "aws:kms",
                    "{id}"
                );
                let block = &p["PublicAccessBlockConfiguration"];
                for flag in ["BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"] {
                    assert_eq!(block[flag], true, "{id} {flag}");
                }
                assert_eq!(p["VersioningConfiguration"]["Status"], "Enabled", "{id}");
                let policy = &t.resources()[&format!("{id}Policy")]["Properties"]["PolicyDocument"]["Statement"][0];
                assert_eq!(policy["Condition"]["Bool"]["aws:SecureTransport"], "false", "{id} TLS only");
            }
            "AWS::IAM::Role" => {
                for statement in p["Policies"][0]["PolicyDocument"]["Statement"].as_array().into_iter().flatten() {
                    if statement["Resource"] != "*" {
                        continue;
                    }
                    let actions: Vec<&str> = match &statement["Action"] {
                        Value::String(a) => vec![a.as_str()],
                        Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
                        _ => vec![],
                    };
                    for action in actions {
                        let service = action.split(':').next().unwrap_or_default();
                        assert!(
                            !["s3", "kinesis", "sqs", "glue", "athena", "kms"].contains(&service)
                                || action == "kinesis:ListStreams",
                            "{id}: {action} on *"
                        );
                    }
                }
            }
            _ => {}
        }
    }
    assert_eq!(t.resources()["Stream"]["Properties"]["StreamEncryption"]["EncryptionType"], "KMS");
    assert_eq!(t.resources()["DataKey"]["Properties"]["EnableKeyRotation"], true);
    assert_eq!(t.resources()["WarehouseNamespace"]["Properties"]["ManageAdminPassword"], true);
}

#[test]
fn network_off_leaves_out_the_vpc_and_its_uses() {
    let t = render(&settings(|s| s.platform.network.enabled = false));
    assert!(types(&t).iter().all(|k| !k.starts_with("AWS::EC2::")), "{:?}", types(&t));
    assert!(t.resources()["IngestFunction"]["Properties"].get("VpcConfig").is_none());
    assert!(t.resources()["Warehouse"]["Properties"].get("SubnetIds").is_none());
    assert_references_resolve(&t);
    let with = render(&settings(|_| {}));
    assert_eq!(
        with.resources()["IngestFunction"]["Properties"]["VpcConfig"]["SubnetIds"].as_array().map(Vec::len),
        Some(2)
    );
}

#[test]
fn redshift_modes() {
    let off = render(&settings(|s| s.platform.redshift.mode = RedshiftMode::Off));
    assert!(types(&off).iter().all(|k| !k.contains("Redshift")));
    assert!(
        !off.resources().contains_key("WarehouseLoadingRole") && !off.resources().contains_key("WarehouseCpuAlarm")
    );
    assert_references_resolve(&off);
    let cluster = render(&settings(|s| s.platform.redshift.mode = RedshiftMode::Cluster));
    let p = &cluster.resources()["Warehouse"]["Properties"];
    assert_eq!(cluster.resources()["Warehouse"]["Type"], "AWS::Redshift::Cluster");
    assert_eq!(p["ManageMasterPassword"], true);
    assert_eq!(p["Encrypted"], true);
    assert_eq!(p["PubliclyAccessible"], false);
    assert!(p.get("MasterUserPassword").is_none());
    assert_eq!(cluster.resources()["WarehouseCpuAlarm"]["Properties"]["MetricName"], "CPUUtilization");
    assert_eq!(cluster.resources()["WarehouseCpuAlarm"]["Properties"]["Threshold"], 80.0);
    assert_references_resolve(&cluster);
}

#[test]
fn stream_mode_and_sizes_come_from_the_profile() {
    let t = render(&settings(|s| {
        s.platform.stream.mode = StreamMode::OnDemand;
        s.platform.stream.retention_hours = 168;
    }));
    let p = &t.resources()["Stream"]["Properties"];
    assert_eq!(p["StreamModeDetails"]["StreamMode"], "ON_DEMAND");
    assert!(p.get("ShardCount").is_none());
    assert_eq!(p["RetentionPeriodHours"], 168);
    let t = render(&settings(|s| {
        s.platform.stream.shards = 12;
        s.platform.lake.glacier_after_days = 90;
        s.platform.athena.bytes_scanned_cutoff = 50_000_000;
        s.platform.alarms.iterator_age_seconds = 300;
    }));
    assert_eq!(t.resources()["Stream"]["Properties"]["ShardCount"], 12);
    let rules = &t.resources()["RawBucket"]["Properties"]["LifecycleConfiguration"]["Rules"];
    assert_eq!(rules[1]["Transitions"][0]["TransitionInDays"], 90);
    assert_eq!(
        t.resources()["AthenaWorkgroup"]["Properties"]["WorkGroupConfiguration"]["BytesScannedCutoffPerQuery"],
        50_000_000
    );
    assert_eq!(t.resources()["IteratorAgeAlarm"]["Properties"]["Threshold"], 300_000.0);
}

#[test]
fn named_buckets_and_the_script_location() {
    let t = render(&settings(|s| {
        s.platform.lake.raw_bucket = Some("acme-raw".into());
        s.platform.glue.script_location = Some("s3://acme-code/curate.py".into());
    }));
    assert_eq!(t.resources()["RawBucket"]["Properties"]["BucketName"], "acme-raw");
    assert_eq!(
        t.resources()["CuratedBucket"]["Properties"]["BucketName"]["Fn::Sub"],
        "clickstream-curated-${AWS::AccountId}-${AWS::Region}"
    );
    assert_eq!(t.parameters, vec![("EtlScriptLocation".to_string(), "s3://acme-code/curate.py".to_string())]);
    assert!(render(&settings(|_| {})).parameters.is_empty());
}

#[test]
fn subnets_quarter_the_vpc_block() {
    assert_eq!(network::quarter("10.20.0.0/16"), ["10.20.0.0/18", "10.20.64.0/18", "10.20.128.0/18", "10.20.192.0/18"]);
    assert_eq!(network::quarter("10.0.0.16/28")[3], "10.0.0.28/30");
    assert!(network::quarter("not a cidr").is_empty());
}

#[test]
fn the_inline_code_fits_and_the_size_limit_is_named() {
    assert!(ingest::INGEST_CODE.len() <= 4096);
    let mut t = render(&settings(|_| {}));
    t.body["Description"] = Value::String("x".repeat(INLINE_TEMPLATE_LIMIT));
    let err = t.check_size().unwrap_err();
    assert!(err.contains("51200 bytes") && err.contains("over CloudFormation's inline limit"), "{err}");
}

#[test]
fn deleting_the_stack_keeps_the_warehouse_and_the_saved_queries() {
    let t = render(&settings(|_| {}));
    let namespace = &t.resources()["WarehouseNamespace"];
    assert_eq!(namespace["DeletionPolicy"], "Retain");
    assert_eq!(namespace["UpdateReplacePolicy"], "Retain");
    let workgroup = &t.resources()["AthenaWorkgroup"];
    assert_eq!(workgroup["Properties"]["RecursiveDeleteOption"], false);
    assert_eq!(workgroup["DeletionPolicy"], "Retain");
}

#[test]
fn service_roles_trust_their_service_only_on_behalf_of_this_account() {
    let t = render(&settings(|_| {}));
    let mut services = 0;
    for (id, r) in t.resources().iter().filter(|(_, r)| r["Type"] == "AWS::IAM::Role") {
        let trust = &r["Properties"]["AssumeRolePolicyDocument"]["Statement"][0];
        if trust["Principal"].get("Service").is_none() {
            continue;
        }
        services += 1;
        assert_eq!(trust["Condition"]["StringEquals"]["aws:SourceAccount"]["Ref"], "AWS::AccountId", "{id}");
    }
    assert_eq!(services, 4, "lambda, glue, warehouse loading, flow logs");
    let flow = &t.resources()["FlowLogsRole"]["Properties"]["AssumeRolePolicyDocument"]["Statement"][0];
    assert_eq!(
        flow["Condition"]["ArnLike"]["aws:SourceArn"]["Fn::Sub"],
        "arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:vpc-flow-log/*"
    );
}

#[test]
fn the_glue_job_can_read_its_script_but_write_only_the_curated_prefix() {
    let t = render(&settings(|_| {}));
    let script = &t.resources()["CurateJob"]["Properties"]["Command"]["ScriptLocation"]["Fn::If"][2]["Fn::Sub"];
    let script = script.as_str().unwrap_or_default().trim_start_matches("s3://${CuratedBucket}/").to_string();
    let statements = t.resources()["ProcessingGlueRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let writes: Vec<&Value> = statements.iter().filter(|s| s["Action"].to_string().contains("s3:PutObject")).collect();
    assert_eq!(writes.len(), 1);
    let written = writes[0]["Resource"]["Fn::Sub"].as_str().unwrap_or_default();
    assert_eq!(written, format!("${{CuratedBucket.Arn}}/{CURATED_PREFIX}*"));
    assert!(!script.starts_with(CURATED_PREFIX), "the script {script} is under the writable {CURATED_PREFIX}");
    let reads = statements.iter().find(|s| s["Action"].to_string().contains("s3:GetObject")).expect("reads");
    assert!(reads["Resource"].to_string().contains("${CuratedBucket.Arn}/*"), "the job reads its script");
}

#[test]
fn the_vpc_logs_its_flows_to_an_encrypted_group() {
    let t = render(&settings(|_| {}));
    let flow = &t.resources()["FlowLog"]["Properties"];
    assert_eq!(flow["ResourceId"]["Ref"], "Vpc");
    assert_eq!(flow["TrafficType"], "ALL");
    assert_eq!(flow["LogGroupName"]["Ref"], "FlowLogGroup");
    assert_eq!(t.resources()["FlowLogGroup"]["Properties"]["KmsKeyId"]["Fn::GetAtt"][0], "DataKey");
    let off = render(&settings(|s| s.platform.network.enabled = false));
    assert!(!off.resources().contains_key("FlowLog") && !off.resources().contains_key("FlowLogsRole"));
}
