use serde_json::Value;

use super::*;
use crate::provision::INLINE_TEMPLATE_LIMIT;
use crate::settings::{load, Overrides, Paths, RedshiftMode, StreamMode};

pub(super) fn settings(edit: impl FnOnce(&mut Settings)) -> Settings {
    let paths = Paths { config_dir: "/nonexistent/config".into(), state_dir: "/nonexistent/state".into() };
    let mut s = load(&Overrides::default(), &paths, &[]).expect("defaults load").settings;
    edit(&mut s);
    s
}

fn types(t: &Template) -> Vec<String> {
    t.resources().values().filter_map(|r| r["Type"].as_str().map(String::from)).collect()
}

pub(super) fn count(t: &Template, kind: &str) -> usize {
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

pub(super) fn assert_references_resolve(t: &Template) {
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
        "AWS::StepFunctions::StateMachine",
        "AWS::Events::Rule",
        "AWS::KinesisFirehose::DeliveryStream",
        "AWS::OpenSearchService::Domain",
        "AWS::Logs::ResourcePolicy",
    ] {
        assert_eq!(count(&t, kind), 1, "{kind}");
    }
    // The built-in sandbox profile turns on Firehose, Lake Formation and OpenSearch.
    assert_eq!(count(&t, "AWS::LakeFormation::Resource"), 2);
    assert_eq!(count(&t, "AWS::LakeFormation::PrincipalPermissions"), 5);
    assert_eq!(count(&t, "AWS::EC2::Subnet"), 4);
    assert_eq!(count(&t, "AWS::S3::Bucket"), 4);
    assert_eq!(count(&t, "AWS::S3::BucketPolicy"), 4);
    assert_eq!(count(&t, "AWS::IAM::Role"), 11);
    assert_eq!(count(&t, "AWS::CloudWatch::Alarm"), 9);
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
    let p = &cluster.resources()["WarehouseCluster"]["Properties"];
    assert_eq!(cluster.resources()["WarehouseCluster"]["Type"], "AWS::Redshift::Cluster");
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
    assert_eq!(t.check_size(), Ok(()), "over the inline limit, it is staged in S3");
    t.body["Description"] = Value::String("x".repeat(crate::provision::staging::STAGED_TEMPLATE_LIMIT));
    let err = t.check_size().unwrap_err();
    assert!(err.contains("1048576 bytes for a template read from S3"), "{err}");
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
    let mut services = Vec::new();
    for (id, r) in t.resources().iter().filter(|(_, r)| r["Type"] == "AWS::IAM::Role") {
        let trust = &r["Properties"]["AssumeRolePolicyDocument"]["Statement"][0];
        let service = match &trust["Principal"]["Service"] {
            Value::String(service) => service.clone(),
            Value::Array(services) => services.iter().filter_map(Value::as_str).collect::<Vec<_>>().join("+"),
            _ => continue,
        };
        match service.as_str() {
            // Firehose's documented guard is the account as the external id.
            "firehose.amazonaws.com" => {
                assert_eq!(trust["Condition"]["StringEquals"]["sts:ExternalId"]["Ref"], "AWS::AccountId", "{id}")
            }
            // Lake Formation documents no condition for the role a location is registered with.
            "lakeformation.amazonaws.com" => assert!(trust.get("Condition").is_none(), "{id}"),
            _ => assert_eq!(trust["Condition"]["StringEquals"]["aws:SourceAccount"]["Ref"], "AWS::AccountId", "{id}"),
        }
        services.push(service);
    }
    services.sort();
    assert_eq!(
        services,
        [
            "events.amazonaws.com",
            "firehose.amazonaws.com",
            "glue.amazonaws.com",
            "lakeformation.amazonaws.com",
            "lambda.amazonaws.com",
            "redshift.amazonaws.com+redshift-serverless.amazonaws.com",
            "states.amazonaws.com",
            "vpc-flow-logs.amazonaws.com",
        ],
        "lambda, glue, warehouse loading, flow logs, the nightly state machine and its schedule, Firehose, Lake Formation"
    );
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

/// The nightly state machine's definition, with the partition filled in as CloudFormation would.
fn nightly_definition(t: &Template) -> Value {
    let text = t.resources()["NightlyStateMachine"]["Properties"]["DefinitionString"]["Fn::Sub"]
        .as_str()
        .expect("a DefinitionString through Fn::Sub")
        .replace("${AWS::Partition}", "aws");
    assert!(!text.contains("${"), "only the partition is substituted: {text}");
    serde_json::from_str(&text).expect("the definition is JSON")
}

pub(super) fn statements(t: &Template, role: &str) -> Vec<Value> {
    t.resources()[role]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[test]
fn the_nightly_state_machine_crawls_waits_for_the_crawler_then_curates() {
    let t = render(&settings(|_| {}));
    let machine = &t.resources()["NightlyStateMachine"];
    let p = &machine["Properties"];
    assert_eq!(machine["Type"], "AWS::StepFunctions::StateMachine");
    assert_eq!(p["StateMachineName"], "clickstream-nightly");
    assert_eq!(p["StateMachineType"], "STANDARD");
    assert_eq!(p["RoleArn"]["Fn::GetAtt"][0], "NightlyRole");
    assert_eq!(machine["DependsOn"], serde_json::json!(["RawCrawler", "CurateJob"]));

    let d = nightly_definition(&t);
    let names: Vec<&str> = d["States"].as_object().map(|s| s.keys().map(String::as_str).collect()).unwrap_or_default();
    assert_eq!(names, NIGHTLY_STATES);
    assert_eq!(names[..2], ["StartCrawler", "WaitForCrawler"]);
    assert_eq!(d["StartAt"], "StartCrawler");
    let states = &d["States"];
    let start = &states["StartCrawler"];
    assert_eq!(start["Resource"], "arn:aws:states:::aws-sdk:glue:startCrawler");
    assert_eq!(start["Parameters"]["Name"], "clickstream-raw");
    assert_eq!(start["Catch"][0]["ErrorEquals"], serde_json::json!(["Glue.CrawlerRunningException"]));
    assert_eq!(
        (start["Catch"][0]["Next"].as_str(), start["Next"].as_str()),
        (Some("WaitForCrawler"), Some("WaitForCrawler"))
    );
    // The crawler loop: wait 30 s, look, and wait again until the crawler is READY.
    assert_eq!(
        (states["WaitForCrawler"]["Type"].as_str(), states["WaitForCrawler"]["Seconds"].as_u64()),
        (Some("Wait"), Some(30))
    );
    assert_eq!(states["WaitForCrawler"]["Next"], "GetCrawler");
    assert_eq!(states["GetCrawler"]["Resource"], "arn:aws:states:::aws-sdk:glue:getCrawler");
    assert_eq!(states["GetCrawler"]["Parameters"]["Name"], "clickstream-raw");
    let choice = &states["CrawlerDone?"];
    assert_eq!(choice["Type"], "Choice");
    assert_eq!(choice["Choices"][0]["Not"]["Variable"], "$.Crawler.State");
    assert_eq!(choice["Choices"][0]["Not"]["StringEquals"], "READY");
    assert_eq!(choice["Choices"][0]["Next"], "WaitForCrawler");
    assert_eq!(choice["Choices"][1]["Variable"], "$.Crawler.LastCrawl.Status");
    assert_eq!(choice["Choices"][1]["StringEquals"], "FAILED");
    assert_eq!(choice["Choices"][1]["Next"], "CrawlerFailed");
    assert_eq!(choice["Default"], "RunCurateJob");
    assert_eq!(
        (states["CrawlerFailed"]["Type"].as_str(), states["CrawlerFailed"]["Error"].as_str()),
        (Some("Fail"), Some("CrawlerFailed"))
    );
    let job = &states["RunCurateJob"];
    assert_eq!(job["Resource"], "arn:aws:states:::glue:startJobRun.sync");
    assert_eq!(job["Parameters"]["JobName"], "clickstream-curate");
    let retries = job["Retry"].as_array().cloned().unwrap_or_default();
    assert!(retries.iter().all(|r| r["ErrorEquals"] == serde_json::json!(["Glue.ConcurrentRunsExceededException"])));
    assert!(retries.iter().all(|r| r["MaxAttempts"].as_u64().is_some_and(|n| n <= 1)), "{retries:?}");
    assert_eq!((job["Next"].as_str(), states["Done"]["Type"].as_str()), (Some("Done"), Some("Succeed")));
    // Failures are not swallowed: the only catch is the crawl already running, and every
    // transition goes to a state that exists.
    for (name, state) in states.as_object().into_iter().flatten() {
        assert!(name == "StartCrawler" || state.get("Catch").is_none(), "{name} catches");
        let mut targets = vec![&state["Next"], &state["Default"]];
        targets.extend(state["Choices"].as_array().into_iter().flatten().map(|c| &c["Next"]));
        targets.extend(state["Catch"].as_array().into_iter().flatten().map(|c| &c["Next"]));
        for target in targets.into_iter().filter_map(Value::as_str) {
            assert!(states.get(target).is_some(), "{name} goes to {target}, which is not a state");
        }
    }
}

#[test]
fn the_nightly_state_machine_logs_errors_to_an_encrypted_group_and_is_traced() {
    let t = render(&settings(|_| {}));
    let p = &t.resources()["NightlyStateMachine"]["Properties"];
    let logging = &p["LoggingConfiguration"];
    assert_eq!((logging["Level"].as_str(), logging["IncludeExecutionData"].as_bool()), (Some("ERROR"), Some(false)));
    assert_eq!(logging["Destinations"][0]["CloudWatchLogsLogGroup"]["LogGroupArn"]["Fn::GetAtt"][0], "NightlyLogGroup");
    assert_eq!(p["TracingConfiguration"]["Enabled"], true);
    let group = &t.resources()["NightlyLogGroup"]["Properties"];
    assert_eq!(group["LogGroupName"], "/aws/vendedlogs/states/clickstream-nightly");
    let lambda_group = &t.resources()["IngestLogGroup"]["Properties"];
    assert_eq!(group["RetentionInDays"], lambda_group["RetentionInDays"]);
    assert_eq!(group["KmsKeyId"], lambda_group["KmsKeyId"]);
}

#[test]
fn the_nightly_roles_are_scoped_to_the_crawler_the_job_and_the_state_machine() {
    let t = render(&settings(|s| {
        s.platform.glue.crawler = "acme-raw".into();
        s.platform.glue.job = "acme-curate".into();
    }));
    let trust = &t.resources()["NightlyRole"]["Properties"]["AssumeRolePolicyDocument"]["Statement"][0];
    assert_eq!(trust["Principal"]["Service"], "states.amazonaws.com");
    assert_eq!(trust["Condition"]["StringEquals"]["aws:SourceAccount"]["Ref"], "AWS::AccountId");
    let glue = "arn:${AWS::Partition}:glue:${AWS::Region}:${AWS::AccountId}";
    for statement in statements(&t, "NightlyRole") {
        let actions = statement["Action"].to_string();
        let resource = statement["Resource"]["Fn::Sub"].as_str().unwrap_or_default().to_string();
        if actions.contains("glue:StartCrawler") {
            assert_eq!(resource, format!("{glue}:crawler/acme-raw"));
            assert_eq!(statement["Action"], serde_json::json!(["glue:StartCrawler", "glue:GetCrawler"]));
        } else if actions.contains("kms:") {
            assert_eq!(statement["Resource"]["Fn::GetAtt"][0], "DataKey", "the platform's key only");
        } else if actions.contains("glue:") {
            assert_eq!(resource, format!("{glue}:job/acme-curate"));
            for action in ["glue:StartJobRun", "glue:GetJobRun", "glue:GetJobRuns", "glue:BatchStopJobRun"] {
                assert!(actions.contains(action), "{action} in {actions}");
            }
        } else {
            // Only log delivery and X-Ray, which take no resource, are on `*`.
            assert_eq!(statement["Resource"], "*");
            let services = statement["Action"].as_array().into_iter().flatten().filter_map(Value::as_str);
            assert!(services.clone().all(|a| a.starts_with("logs:") || a.starts_with("xray:")), "{actions}");
        }
    }
    let start = statements(&t, "NightlyScheduleRole");
    assert_eq!(start.len(), 2);
    assert_eq!(
        (start[1]["Action"].as_str(), start[1]["Resource"]["Fn::GetAtt"][0].as_str()),
        (Some("kms:GenerateDataKey"), Some("DataKey"))
    );
    let machine = &t.resources()["NightlyStateMachine"]["Properties"];
    assert_eq!(machine["EncryptionConfiguration"]["Type"], "CUSTOMER_MANAGED_KMS_KEY");
    assert_eq!(machine["EncryptionConfiguration"]["KmsKeyId"]["Fn::GetAtt"][0], "DataKey");
    assert_eq!(
        (start[0]["Action"].as_str(), start[0]["Resource"]["Ref"].as_str()),
        (Some("states:StartExecution"), Some("NightlyStateMachine"))
    );
    let trust = &t.resources()["NightlyScheduleRole"]["Properties"]["AssumeRolePolicyDocument"]["Statement"][0];
    assert_eq!(trust["Principal"]["Service"], "events.amazonaws.com");
}

#[test]
fn the_schedule_starts_it_and_a_failed_run_alarms() {
    let t = render(&settings(|s| {
        s.platform.orchestration.schedule = "cron(30 3 * * ? *)".into();
        s.platform.orchestration.state_machine = "acme-nightly".into();
    }));
    let rule = &t.resources()["NightlySchedule"]["Properties"];
    assert_eq!(rule["ScheduleExpression"], "cron(30 3 * * ? *)");
    assert_eq!(rule["State"], "ENABLED");
    assert_eq!(rule["Targets"][0]["Arn"]["Ref"], "NightlyStateMachine");
    assert_eq!(rule["Targets"][0]["RoleArn"]["Fn::GetAtt"][0], "NightlyScheduleRole");
    let alarm = &t.resources()["NightlyFailedAlarm"]["Properties"];
    assert_eq!(alarm["AlarmName"], "clickstream-nightly-failed");
    assert_eq!(
        (alarm["Namespace"].as_str(), alarm["MetricName"].as_str()),
        (Some("AWS/States"), Some("ExecutionsFailed"))
    );
    assert_eq!(
        alarm["Dimensions"],
        serde_json::json!([{"Name": "StateMachineArn", "Value": {"Ref": "NightlyStateMachine"}}])
    );
    assert_eq!((alarm["Statistic"].as_str(), alarm["Period"].as_u64()), (Some("Sum"), Some(3600)));
    assert_eq!((alarm["EvaluationPeriods"].as_u64(), alarm["DatapointsToAlarm"].as_u64()), (Some(1), Some(1)));
    assert_eq!(
        (alarm["ComparisonOperator"].as_str(), alarm["Threshold"].as_f64()),
        (Some("GreaterThanThreshold"), Some(0.0))
    );
    assert_eq!(alarm["TreatMissingData"], "notBreaching");
    assert_eq!(alarm["AlarmActions"][0]["Ref"], "AlarmTopic");
    assert_eq!(t.body["Outputs"]["NightlyStateMachineArn"]["Value"]["Ref"], "NightlyStateMachine");
    assert_eq!(t.resources()["NightlyStateMachine"]["Properties"]["StateMachineName"], "acme-nightly");
    // Its name is among those a plan checks before any change set.
    let named = crate::provision::named_resources(&t.body, None, "eu-west-1");
    assert!(named.iter().any(|n| n.resource_type == "AWS::StepFunctions::StateMachine" && n.name == "acme-nightly"));
    assert!(named.iter().any(|n| n.name == "/aws/vendedlogs/states/acme-nightly"));
    assert_references_resolve(&t);
}

#[test]
fn nightly_off_makes_none_of_the_orchestration() {
    let t = render(&settings(|s| s.platform.orchestration.nightly = false));
    assert_eq!(count(&t, "AWS::StepFunctions::StateMachine") + count(&t, "AWS::Events::Rule"), 0);
    assert!(t.resources().keys().all(|id| !id.starts_with("Nightly")), "{:?}", t.resources().keys());
    assert!(t.body["Outputs"].as_object().into_iter().flatten().all(|(name, _)| !name.starts_with("Nightly")));
    assert!(!t.compact().contains("vendedlogs"));
    assert_eq!(count(&t, "AWS::IAM::Role"), 9);
    assert_eq!(count(&t, "AWS::CloudWatch::Alarm"), 8);
    assert_references_resolve(&t);
}
