//! The governance, serving and ingestion layers on the AWS path against moto: Firehose delivery
//! streams, the OpenSearch domain, the MSK cluster with a consumer group's lag, DMS and DataSync
//! tasks — each created on moto, its metrics put where the layer reads them — show in the
//! snapshot and in `status --json` from real reads, with the values that were created; a Lake
//! Formation grant made on moto shows in `governance()`. A stopped DMS task is resumed and a
//! DataSync task started through the write gate, their lost answers read back. AppFlow,
//! QuickSight and what else moto lacks are tested on mocks (`tests/aws_layers_mocked.rs`).

mod support;

use aws_sdk_cloudwatch::types::{Dimension, MetricDatum, StandardUnit};
use aws_smithy_types::DateTime;
use lakeops::aws::{AwsPlatform, ClientOptions};
use lakeops::headless::status;
use lakeops::model::{Change, ClusterColor, GrantResource, Layer, Reading, Rerun};
use lakeops::platform::{Platform, PlatformError};
use lakeops::settings::Loaded;
use support::moto::{credentials, fail_next, moto, sdk_config, unique, LostAnswer};
use support::writes::apply;

/// Every resource of one test, named for it alone.
struct Names {
    stack: String,
    delivery: String,
    domain: String,
    cluster: String,
    group: String,
    dms_task: String,
    datasync_task: String,
    database: String,
}

fn names() -> Names {
    Names {
        stack: unique("layers"),
        delivery: unique("clicks-to-raw"),
        domain: unique("logs").to_lowercase(),
        cluster: unique("kafka"),
        group: unique("sessionizer"),
        dms_task: unique("orders-cdc"),
        datasync_task: unique("partner-share"),
        database: unique("lake").replace('-', "_"),
    }
}

/// A profile with the layers `sections` enable (the moto-served profile of these tests).
async fn connect(n: &Names, sections: &str) -> (AwsPlatform, Loaded) {
    connect_with(n, "", sections).await
}

/// The same with `platform` keys (`discover = true`) beside the stack's name.
/// The moto profile of `n`, with `platform` keys and `sections` added.
fn profile(n: &Names, platform: &str, sections: &str) -> String {
    format!(
        "name = \"moto-layers\"\nbackend = \"aws\"\n[aws]\nregion = \"us-east-1\"\nendpoint_url = \"{}\"\n\
         [platform]\nstack_name = \"{}\"\n{platform}[platform.stream]\nname = \"{}\"\n[platform.glue]\ndatabase = \"{}\"\n{sections}",
        moto().endpoint,
        n.stack,
        unique("no-stream"),
        n.database,
    )
}

async fn connect_with(n: &Names, platform: &str, sections: &str) -> (AwsPlatform, Loaded) {
    let (dir, paths) = support::temp_paths();
    let profile = profile(n, platform, sections);
    let loaded = support::load_profile(dir.path(), &paths, &profile);
    let platform = AwsPlatform::connect(&loaded.settings, ClientOptions { credentials: Some(credentials()) }).await;
    drop(dir);
    (platform, loaded)
}

/// Datapoints a minute ago for one resource (several dimensions).
async fn put(namespace: &str, dimensions: &[(&str, &str)], metrics: &[(&str, f64)]) {
    let cw = aws_sdk_cloudwatch::Client::new(&sdk_config().await);
    let now = chrono::Utc::now().timestamp();
    let minute = now - now.rem_euclid(60) - 60;
    let data = metrics
        .iter()
        .map(|(metric, value)| {
            let mut datum = MetricDatum::builder()
                .metric_name(*metric)
                .timestamp(DateTime::from_secs(minute + 10))
                .value(*value)
                .unit(StandardUnit::None);
            for (name, value) in dimensions {
                datum = datum.dimensions(Dimension::builder().name(*name).value(*value).build());
            }
            datum.build()
        })
        .collect();
    cw.put_metric_data().namespace(namespace).set_metric_data(Some(data)).send().await.expect("PutMetricData");
}

/// A layer's data, or the test fails with why it was not read.
fn ready<T: std::fmt::Debug>(reading: &Reading<T>) -> &T {
    reading.ready().unwrap_or_else(|| panic!("not read: {reading:?}"))
}

async fn account() -> String {
    let sts = aws_sdk_sts::Client::new(&sdk_config().await);
    sts.get_caller_identity().send().await.expect("GetCallerIdentity").account.expect("an account")
}

/// The layer's row in `status --json`.
async fn status_row(loaded: &Loaded, platform: &AwsPlatform, layer: &str) -> serde_json::Value {
    let report = status::report(loaded, platform).await.expect("status");
    let json: serde_json::Value = serde_json::from_str(&status::to_json(&report)).expect("JSON");
    let rows = json["layers"].as_array().expect("layers").clone();
    rows.into_iter().find(|l| l["layer"] == layer).unwrap_or_else(|| panic!("no {layer} in {json}"))
}

async fn delivery_stream(n: &Names) {
    use aws_sdk_firehose::types::{
        BufferingHints, CloudWatchLoggingOptions, CompressionFormat, DeliveryStreamType,
        DynamicPartitioningConfiguration, ExtendedS3DestinationConfiguration, KinesisStreamSourceConfiguration,
        S3BackupMode,
    };
    let firehose = aws_sdk_firehose::Client::new(&sdk_config().await);
    let logging = CloudWatchLoggingOptions::builder()
        .enabled(true)
        .log_group_name(format!("/aws/kinesisfirehose/{}", n.delivery))
        .log_stream_name("DestinationDelivery")
        .build();
    let destination = ExtendedS3DestinationConfiguration::builder()
        .role_arn("arn:aws:iam::123456789012:role/firehose")
        .bucket_arn(format!("arn:aws:s3:::{}-raw", n.stack))
        .prefix("firehose/year=!{partitionKeyFromQuery:year}/")
        .error_output_prefix("firehose-errors/!{firehose:error-output-type}/")
        .buffering_hints(BufferingHints::builder().size_in_mbs(64).interval_in_seconds(300).build())
        .dynamic_partitioning_configuration(DynamicPartitioningConfiguration::builder().enabled(true).build())
        .s3_backup_mode(S3BackupMode::Disabled)
        // AWS answers the format it defaults to; moto answers only what it was given.
        .compression_format(CompressionFormat::Uncompressed)
        .cloud_watch_logging_options(logging)
        .build()
        .unwrap();
    let source = KinesisStreamSourceConfiguration::builder()
        .kinesis_stream_arn("arn:aws:kinesis:us-east-1:123456789012:stream/clickstream-events")
        .role_arn("arn:aws:iam::123456789012:role/firehose")
        .build()
        .unwrap();
    firehose
        .create_delivery_stream()
        .delivery_stream_name(&n.delivery)
        .delivery_stream_type(DeliveryStreamType::KinesisStreamAsSource)
        .kinesis_stream_source_configuration(source)
        .extended_s3_destination_configuration(destination)
        .send()
        .await
        .expect("CreateDeliveryStream");
}

/// Firehose's delivery error log, as Firehose writes it (JSON per failed delivery).
async fn delivery_error(n: &Names, message: &str) {
    let logs = aws_sdk_cloudwatchlogs::Client::new(&sdk_config().await);
    let group = format!("/aws/kinesisfirehose/{}", n.delivery);
    logs.create_log_group().log_group_name(&group).send().await.expect("CreateLogGroup");
    logs.create_log_stream().log_group_name(&group).log_stream_name("DestinationDelivery").send().await.unwrap();
    let event = aws_sdk_cloudwatchlogs::types::InputLogEvent::builder()
        .timestamp(chrono::Utc::now().timestamp_millis() - 60_000)
        .message(message)
        .build()
        .unwrap();
    logs.put_log_events()
        .log_group_name(&group)
        .log_stream_name("DestinationDelivery")
        .log_events(event)
        .send()
        .await
        .expect("PutLogEvents");
}

#[tokio::test]
async fn a_delivery_stream_shows_its_configuration_its_minutes_and_its_logged_error() {
    let n = names();
    delivery_stream(&n).await;
    let minutes = [
        ("IncomingRecords", 12_000.0),
        ("IncomingBytes", 6_000_000.0),
        ("DeliveryToS3.DataFreshness", 1_260.0),
        ("DeliveryToS3.Success", 0.0),
        ("ThrottledRecords", 0.0),
    ];
    put("AWS/Firehose", &[("DeliveryStreamName", &n.delivery)], &minutes).await;
    let error = r#"{"deliveryStreamARN":"arn","destination":"arn:aws:s3:::raw","errorCode":"S3.AccessDenied","errorMessage":"Access Denied"}"#;
    delivery_error(&n, error).await;
    let missing = unique("no-delivery");
    let sections =
        format!("[platform.firehose]\ncreate = false\ndelivery_streams = [\"{}\", \"{missing}\"]\n", n.delivery);
    let (platform, loaded) = connect(&n, &sections).await;

    let snapshot = platform.snapshot().await.expect("snapshot");
    let firehose = ready(&snapshot.firehose);
    let s = &firehose.streams[0];
    assert_eq!((s.name.as_str(), s.exists, s.status.as_deref()), (n.delivery.as_str(), true, Some("ACTIVE")));
    assert_eq!(s.source.as_deref(), Some("Kinesis stream clickstream-events"));
    let raw = format!("s3://{}-raw/", n.stack);
    assert_eq!(s.destination, Some(format!("{raw}firehose/year=!{{partitionKeyFromQuery:year}}/")));
    assert_eq!(s.error_prefix, Some(format!("{raw}firehose-errors/!{{firehose:error-output-type}}/")));
    assert!(s.dynamic_partitioning);
    assert_eq!((s.buffering.as_deref(), s.backup.as_deref()), (Some("64 MiB or 300 s"), Some("Disabled")));
    assert_eq!(s.error_log, Some(format!("/aws/kinesisfirehose/{} DestinationDelivery", n.delivery)));
    assert_eq!((s.incoming_records, s.incoming_bytes), (Some(12_000.0), Some(6_000_000.0)));
    assert_eq!((s.freshness_seconds, s.success, s.throttled), (Some(1_260.0), Some(0.0), Some(0.0)));
    assert_eq!(s.last_error.as_deref(), Some("S3.AccessDenied: Access Denied"), "read because it is stale");
    assert!(!firehose.streams[1].exists, "{:?}", firehose.streams[1]);

    let row = status_row(&loaded, &platform, "firehose").await;
    assert_eq!(row["health"], "critical", "{row}");
    assert!(row["reason"].as_str().unwrap().contains("S3.AccessDenied: Access Denied"), "{row}");
    assert_eq!(platform.calls("DescribeDeliveryStream"), 2, "once a minute per stream, not every refresh");
    assert_eq!(platform.calls("FilterLogEvents"), 1);
}

#[tokio::test]
async fn a_healthy_delivery_stream_reads_no_log_and_unwatched_layers_stay_out() {
    let n = names();
    delivery_stream(&n).await;
    put(
        "AWS/Firehose",
        &[("DeliveryStreamName", &n.delivery)],
        &[("DeliveryToS3.DataFreshness", 240.0), ("DeliveryToS3.Success", 1.0)],
    )
    .await;
    let sections = format!("[platform.firehose]\ncreate = false\ndelivery_streams = [\"{}\"]\n", n.delivery);
    let (platform, loaded) = connect(&n, &sections).await;
    let snapshot = platform.snapshot().await.expect("snapshot");
    let s = &ready(&snapshot.firehose).streams[0];
    assert_eq!((s.freshness_seconds, s.success, s.last_error.as_deref()), (Some(240.0), Some(1.0), None));
    assert_eq!(platform.calls("FilterLogEvents"), 0, "a healthy stream's log is not read");
    assert_eq!(
        (&snapshot.opensearch, &snapshot.msk),
        (&Reading::NotWatched, &Reading::NotWatched),
        "not in the profile"
    );
    assert_eq!(platform.calls("GetCallerIdentity"), 0, "no layer needed the account");
    let row = status_row(&loaded, &platform, "firehose").await;
    assert_eq!(row["health"], "ok", "{row}");
}

#[tokio::test]
async fn with_discover_the_delivery_streams_publishing_freshness_join_the_profiles() {
    let n = names();
    delivery_stream(&n).await;
    // Metrics of a stream since deleted: it shows, as not found.
    let gone = unique("deleted-delivery");
    for name in [&n.delivery, &gone] {
        put("AWS/Firehose", &[("DeliveryStreamName", name)], &[("DeliveryToS3.DataFreshness", 120.0)]).await;
    }
    let (platform, _) = connect_with(&n, "discover = true\n", "").await;
    let snapshot = platform.snapshot().await.expect("snapshot");
    let streams = &ready(&snapshot.firehose).streams;
    let found = |name: &str| streams.iter().find(|s| s.name == name).map(|s| (s.exists, s.freshness_seconds));
    assert_eq!(found(&n.delivery), Some((true, Some(120.0))));
    assert_eq!(found(&gone), Some((false, None)));
}

#[tokio::test]
async fn the_opensearch_domain_shows_its_configuration_and_a_red_cluster() {
    use aws_sdk_opensearch::types::{AdvancedSecurityOptionsInput, ClusterConfig, EbsOptions, EncryptionAtRestOptions};
    let n = names();
    let opensearch = aws_sdk_opensearch::Client::new(&sdk_config().await);
    let cluster = ClusterConfig::builder()
        .instance_type("r6g.large.search".into())
        .instance_count(3)
        .dedicated_master_enabled(true)
        .dedicated_master_type("m6g.large.search".into())
        .dedicated_master_count(3)
        .build();
    opensearch
        .create_domain()
        .domain_name(&n.domain)
        .engine_version("OpenSearch_2.13")
        .cluster_config(cluster)
        .ebs_options(EbsOptions::builder().ebs_enabled(true).volume_size(100).build())
        .encryption_at_rest_options(EncryptionAtRestOptions::builder().enabled(true).build())
        .advanced_security_options(AdvancedSecurityOptionsInput::builder().enabled(true).build())
        .send()
        .await
        .expect("CreateDomain");
    let account = account().await;
    let dims = [("DomainName", n.domain.as_str()), ("ClientId", account.as_str())];
    let minutes = [
        ("ClusterStatus.green", 0.0),
        ("ClusterStatus.yellow", 0.0),
        ("ClusterStatus.red", 1.0),
        ("FreeStorageSpace", 61_440.0),
        ("JVMMemoryPressure", 55.0),
        ("CPUUtilization", 48.0),
        ("5xx", 7.0),
        ("ClusterIndexWritesBlocked", 0.0),
        ("AutomatedSnapshotFailure", 0.0),
    ];
    put("AWS/ES", &dims, &minutes).await;
    let sections = format!("[platform.opensearch]\ndomain = \"{}\"\ncreate = false\n", n.domain);
    let (platform, loaded) = connect(&n, &sections).await;

    let snapshot = platform.snapshot().await.expect("snapshot");
    let d = ready(&snapshot.opensearch);
    assert!(d.exists);
    assert_eq!(d.engine_version.as_deref(), Some("OpenSearch_2.13"));
    assert_eq!(d.instances.as_deref(), Some("r6g.large.search × 3"));
    assert_eq!(d.masters.as_deref(), Some("m6g.large.search × 3"));
    assert_eq!(d.volume_gb, Some(100));
    assert!(d.encrypted_at_rest && d.fine_grained_access && !d.processing && !d.upgrading);
    assert_eq!(d.color, Some(ClusterColor::Red));
    assert_eq!((d.free_storage_mb, d.jvm_memory_pressure, d.cpu_percent), (Some(61_440.0), Some(55.0), Some(48.0)));
    assert_eq!((d.errors_5xx, d.writes_blocked, d.snapshot_failures), (Some(7.0), false, Some(0.0)));
    let row = status_row(&loaded, &platform, "opensearch").await;
    assert_eq!(row["health"], "critical", "{row}");
    assert!(row["reason"].as_str().unwrap().contains("is red"), "{row}");
    assert_eq!(platform.calls("GetCallerIdentity"), 1, "the account is asked for once");
}

#[tokio::test]
async fn an_msk_cluster_shows_its_state_brokers_and_a_consumer_groups_lag_per_topic() {
    use aws_sdk_kafka::types::{BrokerNodeGroupInfo, ProvisionedRequest};
    let n = names();
    let kafka = aws_sdk_kafka::Client::new(&sdk_config().await);
    let brokers = BrokerNodeGroupInfo::builder()
        .instance_type("kafka.m5.large")
        .client_subnets("subnet-1")
        .client_subnets("subnet-2")
        .client_subnets("subnet-3")
        .build();
    let provisioned = ProvisionedRequest::builder()
        .broker_node_group_info(brokers)
        .kafka_version("3.6.0")
        .number_of_broker_nodes(3)
        .build();
    kafka.create_cluster_v2().cluster_name(&n.cluster).provisioned(provisioned).send().await.expect("CreateClusterV2");
    // A cluster whose name starts the same is not taken for it.
    let other = format!("{}-other", n.cluster);
    let provisioned = ProvisionedRequest::builder()
        .broker_node_group_info(
            BrokerNodeGroupInfo::builder().instance_type("kafka.m5.large").client_subnets("s").build(),
        )
        .kafka_version("2.8.1")
        .number_of_broker_nodes(1)
        .build();
    kafka.create_cluster_v2().cluster_name(&other).provisioned(provisioned).send().await.expect("CreateClusterV2");
    for (topic, seconds) in [("clickstream.events", 95.0), ("clickstream.orders", 4.0)] {
        let dims = [("Cluster Name", n.cluster.as_str()), ("Consumer Group", n.group.as_str()), ("Topic", topic)];
        put(
            "AWS/Kafka",
            &dims,
            &[("MaxOffsetLag", 310.0), ("SumOffsetLag", 2_900.0), ("EstimatedMaxTimeLag", seconds)],
        )
        .await;
    }
    let unwatched = [("Cluster Name", n.cluster.as_str()), ("Consumer Group", "someone-else"), ("Topic", "t")];
    put("AWS/Kafka", &unwatched, &[("EstimatedMaxTimeLag", 9_999.0)]).await;
    for (broker, disk) in [("1", 41.0), ("2", 57.5), ("3", 44.0)] {
        let dims = [("Cluster Name", n.cluster.as_str()), ("Broker ID", broker)];
        put("AWS/Kafka", &dims, &[("UnderReplicatedPartitions", 1.0), ("KafkaDataLogsDiskUsed", disk)]).await;
    }
    let sections = format!("[platform.msk]\ncluster = \"{}\"\nconsumer_groups = [\"{}\"]\n", n.cluster, n.group);
    let (platform, loaded) = connect(&n, &sections).await;

    let snapshot = platform.snapshot().await.expect("snapshot");
    let k = ready(&snapshot.msk);
    assert!(k.exists);
    assert_eq!(
        (k.kafka_version.as_deref(), k.brokers, k.kind.as_deref()),
        (Some("3.6.0"), Some(3), Some("Provisioned"))
    );
    assert!(k.state.is_some(), "{k:?}");
    assert_eq!((k.under_replicated, k.disk_used_percent), (Some(3.0), Some(57.5)), "summed; the fullest broker");
    let lags: Vec<(&str, Option<f64>)> = k.lags.iter().map(|l| (l.topic.as_str(), l.time_lag_seconds)).collect();
    assert_eq!(lags, [("clickstream.events", Some(95.0)), ("clickstream.orders", Some(4.0))], "the watched group only");
    assert!(k
        .lags
        .iter()
        .all(|l| l.group == n.group && l.sum_offset_lag == Some(2_900.0) && l.max_offset_lag == Some(310.0)));
    let row = status_row(&loaded, &platform, "msk").await;
    assert_eq!(row["health"], "critical", "95 s behind the 60 s line: {row}");
    assert!(row["reason"].as_str().unwrap().contains("clickstream.events"), "{row}");
    platform.snapshot().await.expect("a second refresh");
    assert_eq!(platform.calls("ListClustersV2"), 1, "found by name once");
    assert_eq!(platform.calls("DescribeClusterV2"), 1, "described at most once a minute");
}

#[tokio::test]
async fn dms_and_datasync_tasks_show_their_state_runs_and_cdc_latency() {
    let n = names();
    let dms = aws_sdk_databasemigration::Client::new(&sdk_config().await);
    let instance_id = unique("dms-instance");
    let instance = dms
        .create_replication_instance()
        .replication_instance_identifier(&instance_id)
        .replication_instance_class("dms.t3.medium")
        .send()
        .await
        .expect("CreateReplicationInstance");
    let instance_arn = instance.replication_instance.and_then(|i| i.replication_instance_arn).expect("an ARN");
    let task = dms
        .create_replication_task()
        .replication_task_identifier(&n.dms_task)
        .source_endpoint_arn("arn:aws:dms:us-east-1:123456789012:endpoint:SOURCE")
        .target_endpoint_arn("arn:aws:dms:us-east-1:123456789012:endpoint:TARGET")
        .replication_instance_arn(&instance_arn)
        .migration_type(aws_sdk_databasemigration::types::MigrationTypeValue::FullLoadAndCdc)
        .table_mappings(r#"{"rules": []}"#)
        .send()
        .await
        .expect("CreateReplicationTask");
    let task_arn = task.replication_task.and_then(|t| t.replication_task_arn).expect("an ARN");
    dms.start_replication_task()
        .replication_task_arn(&task_arn)
        .start_replication_task_type(aws_sdk_databasemigration::types::StartReplicationTaskTypeValue::StartReplication)
        .send()
        .await
        .expect("StartReplicationTask");
    let resource_id = task_arn.rsplit(':').next().unwrap().to_string();
    let dims =
        [("ReplicationInstanceIdentifier", instance_id.as_str()), ("ReplicationTaskIdentifier", resource_id.as_str())];
    put("AWS/DMS", &dims, &[("CDCLatencySource", 3.0), ("CDCLatencyTarget", 140.0)]).await;

    let datasync = aws_sdk_datasync::Client::new(&sdk_config().await);
    let location = |uri: &str| {
        let client = datasync.clone();
        let uri = uri.to_string();
        async move {
            let config = aws_sdk_datasync::types::S3Config::builder()
                .bucket_access_role_arn("arn:aws:iam::1:role/ds")
                .build()
                .unwrap();
            client
                .create_location_s3()
                .s3_bucket_arn(format!("arn:aws:s3:::{uri}"))
                .s3_config(config)
                .send()
                .await
                .expect("CreateLocationS3")
                .location_arn
                .expect("a location")
        }
    };
    let (from, to) = (location("partner-share").await, location("raw-zone").await);
    let created = datasync
        .create_task()
        .source_location_arn(&from)
        .destination_location_arn(&to)
        .name(&n.datasync_task)
        .send()
        .await
        .expect("CreateTask");
    let task_arn = created.task_arn.expect("a task ARN");
    let execution = datasync.start_task_execution().task_arn(&task_arn).send().await.expect("StartTaskExecution");
    let execution_arn = execution.task_execution_arn.expect("an execution");
    // moto moves an execution one state on per DescribeTaskExecution: to SUCCESS.
    let mut state = String::new();
    for _ in 0..8 {
        let out = datasync.describe_task_execution().task_execution_arn(&execution_arn).send().await.unwrap();
        state = out.status.map(|s| s.as_str().to_string()).unwrap_or_default();
        if state == "SUCCESS" {
            break;
        }
    }
    assert_eq!(state, "SUCCESS");

    let missing = unique("no-task");
    let sections = format!(
        "[platform.sources]\ndms_tasks = [\"{}\", \"{missing}\"]\ndatasync_tasks = [\"{}\", \"{task_arn}\"]\nexpect_within_minutes = 90\n",
        n.dms_task, n.datasync_task
    );
    let (platform, loaded) = connect(&n, &sections).await;
    let snapshot = platform.snapshot().await.expect("snapshot");
    let sources = ready(&snapshot.sources);
    assert_eq!(sources.expect_within_minutes, 90);
    let names: Vec<(&str, bool)> = sources.sources.iter().map(|s| (s.name.as_str(), s.exists)).collect();
    assert_eq!(
        names,
        [
            (n.dms_task.as_str(), true),
            (missing.as_str(), false),
            (n.datasync_task.as_str(), true),
            (task_arn.as_str(), true)
        ]
    );
    let cdc = &sources.sources[0];
    assert_eq!(cdc.status.as_deref(), Some("running"));
    assert_eq!((cdc.cdc_latency_source, cdc.cdc_latency_target), (Some(3.0), Some(140.0)));
    assert_eq!(cdc.tables_errored, Some(0));
    assert!(cdc.last_success.is_some(), "a running task lands continuously: {cdc:?}");
    let share = &sources.sources[2];
    assert_eq!(share.status.as_deref(), Some("AVAILABLE"));
    let run = share.last_run.as_ref().expect("its execution");
    assert_eq!((run.id.as_str(), run.status.as_str()), (execution_arn.rsplit('/').next().unwrap(), "SUCCESS"));
    assert_eq!(sources.sources[3].last_run.as_ref().map(|r| r.status.as_str()), Some("SUCCESS"), "found by ARN too");

    let row = status_row(&loaded, &platform, "sources").await;
    assert_ne!(row["health"], "ok", "a task not found, and change capture 140 s behind: {row}");
    dms.stop_replication_task().replication_task_arn(&task_arn_of(&dms, &n.dms_task).await).send().await.expect("stop");
    let (platform, _) = connect(&n, &sections).await;
    let snapshot = platform.snapshot().await.expect("snapshot");
    let cdc = &ready(&snapshot.sources).sources[0];
    assert_eq!(cdc.status.as_deref(), Some("stopped"));
    assert!(cdc.last_run.as_ref().and_then(|r| r.ended).is_some(), "{cdc:?}");
}

async fn task_arn_of(dms: &aws_sdk_databasemigration::Client, id: &str) -> String {
    let filter =
        aws_sdk_databasemigration::types::Filter::builder().name("replication-task-id").values(id).build().unwrap();
    let out = dms.describe_replication_tasks().filters(filter).send().await.expect("DescribeReplicationTasks");
    out.replication_tasks()[0].replication_task_arn().unwrap().to_string()
}

#[tokio::test]
async fn a_lake_formation_grant_made_on_moto_shows_in_governance() {
    use aws_sdk_lakeformation::types::{
        DataLakePrincipal, DataLakeSettings, DataLocationResource, DatabaseResource, LfTagPair, Permission, Resource,
        TableResource,
    };
    let n = names();
    let glue = aws_sdk_glue::Client::new(&sdk_config().await);
    let db = aws_sdk_glue::types::DatabaseInput::builder().name(&n.database).build().unwrap();
    glue.create_database().database_input(db).send().await.expect("CreateDatabase");
    for table in ["events", "raw_events"] {
        let input = aws_sdk_glue::types::TableInput::builder().name(table).build().unwrap();
        glue.create_table().database_name(&n.database).table_input(input).send().await.expect("CreateTable");
    }
    let lf = aws_sdk_lakeformation::Client::new(&sdk_config().await);
    let principal = |arn: &str| DataLakePrincipal::builder().data_lake_principal_identifier(arn).build();
    let admin = format!("arn:aws:iam::123456789012:role/{}-data-admin", n.stack);
    let settings = DataLakeSettings::builder().data_lake_admins(principal(&admin)).build();
    lf.put_data_lake_settings().data_lake_settings(settings).send().await.expect("PutDataLakeSettings");
    let grant = |who: String, resource: Resource, permission: Permission, grantable: Option<Permission>| {
        let lf = lf.clone();
        async move {
            let call = lf.grant_permissions().principal(principal(&who)).resource(resource).permissions(permission);
            call.set_permissions_with_grant_option(grantable.map(|g| vec![g])).send().await.expect("GrantPermissions");
        }
    };
    let analysts = format!("arn:aws:iam::123456789012:role/{}-analysts", n.stack);
    let curate = format!("arn:aws:iam::123456789012:role/{}-curate-job", n.stack);
    let table = TableResource::builder().database_name(&n.database).name("events").build().unwrap();
    grant(analysts.clone(), Resource::builder().table(table).build(), Permission::Select, None).await;
    let database = DatabaseResource::builder().name(&n.database).build().unwrap();
    let on_database = Resource::builder().database(database).build();
    grant(analysts.clone(), on_database, Permission::Describe, Some(Permission::Describe)).await;
    // The raw zone as the stack names it: `<stack>-raw-<account>-<region>`.
    let raw = format!("arn:aws:s3:::{}-raw-{}-us-east-1", n.stack, account().await);
    let location = DataLocationResource::builder().resource_arn(&raw).build().unwrap();
    grant(curate.clone(), Resource::builder().data_location(location).build(), Permission::DataLocationAccess, None)
        .await;
    let key = unique("classification");
    lf.create_lf_tag().tag_key(&key).tag_values("internal").tag_values("pii").send().await.expect("CreateLFTag");
    let tag = LfTagPair::builder().tag_key(&key).tag_values("internal").build().unwrap();
    let events = TableResource::builder().database_name(&n.database).name("events").build().unwrap();
    let tagged = lf.add_lf_tags_to_resource().resource(Resource::builder().table(events).build()).lf_tags(tag);
    tagged.send().await.expect("AddLFTagsToResource");
    let (platform, _) = connect(&n, "[platform.lakeformation]\nenabled = true\n").await;

    let governance = platform.governance().await.expect("governance");
    assert_eq!(governance.database, n.database);
    assert_eq!(governance.admins, [admin]);
    let find = |resource: GrantResource| governance.grants.iter().find(|g| g.resource == resource).cloned();
    let select =
        find(GrantResource::Table { database: n.database.clone(), table: "events".into() }).expect("the table grant");
    assert_eq!((&select.principal, select.permissions.clone()), (&analysts, vec!["SELECT".into()]));
    let describe = find(GrantResource::Database { database: n.database.clone() }).expect("the database grant");
    assert_eq!(
        (describe.permissions.clone(), describe.grantable.clone()),
        (vec!["DESCRIBE".into()], vec!["DESCRIBE".into()])
    );
    let located = find(GrantResource::Location { arn: raw }).expect("the location grant");
    assert_eq!((&located.principal, located.permissions.clone()), (&curate, vec!["DATA_LOCATION_ACCESS".into()]));
    let defined = governance.tags.iter().find(|t| t.key == key).expect("the LF-tag");
    assert_eq!(defined.values, ["internal", "pii"]);
    assert_eq!(governance.table_tags.len(), 1, "raw_events carries none: {:?}", governance.table_tags);
    assert_eq!(
        (governance.table_tags[0].table.as_str(), &governance.table_tags[0].tags[0].values),
        ("events", &vec!["internal".into()])
    );

    assert!(
        ["events", "raw_events"].iter().all(|t| governance.tables.iter().any(|k| k == t)),
        "{:?}",
        governance.tables
    );
    let access = lakeops::ops::grants::explain(&governance, &analysts, &n.database, "events");
    assert!(access.can_select, "{}", access.answer);
    let denied = lakeops::ops::grants::explain(&governance, &curate, &n.database, "raw_events");
    assert!(!denied.can_select && denied.answer.contains(&format!("{}-data-admin", n.stack)), "{}", denied.answer);
    assert_eq!(platform.calls("GetResourceLFTags"), 2, "each table of the catalog");
    platform.governance().await.expect("read again");
    assert_eq!(platform.calls("GetDataLakeSettings"), 1, "reused for a minute");

    // The same grant through the binary: `lakeops grants DB.TABLE --json`.
    let (dir, _paths) = support::temp_paths();
    let file = dir.path().join("moto-layers.toml");
    std::fs::write(&file, profile(&n, "", "[platform.lakeformation]\nenabled = true\n")).unwrap();
    let out = support::moto::run_binary(dir.path(), &file, &["grants", &format!("{}.events", n.database), "--json"]);
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON and nothing else");
    let grants = json["grants"].as_array().expect("grants");
    assert!(
        grants.iter().any(|g| g["principal"] == analysts.as_str()
            && g["permissions"] == serde_json::json!(["SELECT"])
            && g["resource"]["table"] == "events"),
        "{json}"
    );
    assert_eq!(json["readers"][0]["principal"], analysts.as_str(), "{json}");
    let out = support::moto::run_binary(dir.path(), &file, &["grants", "nope"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "a table the catalog does not have: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test]
async fn lake_formation_is_read_only_when_the_profile_enables_it() {
    let n = names();
    let (platform, _) = connect(&n, "").await;
    let refused = platform.governance().await.expect_err("not enabled");
    assert!(refused.to_string().contains("[platform.lakeformation] enabled = true"), "{refused}");
    assert_eq!(platform.calls("GetDataLakeSettings"), 0);
    let snapshot = platform.snapshot().await.expect("snapshot");
    for (layer, watched) in [
        (Layer::Firehose, snapshot.firehose != Reading::NotWatched),
        (Layer::Opensearch, snapshot.opensearch != Reading::NotWatched),
        (Layer::Msk, snapshot.msk != Reading::NotWatched),
        (Layer::Sources, snapshot.sources != Reading::NotWatched),
        (Layer::Quicksight, snapshot.quicksight != Reading::NotWatched),
    ] {
        assert!(!watched, "{layer:?}: a profile that enables none of these layers reads none");
    }
}

/// A DMS task `id` created and started on moto, then stopped (moto stops a running task only):
/// what an operator resumes.
async fn stopped_dms_task(id: &str) -> aws_sdk_databasemigration::Client {
    use aws_sdk_databasemigration::types::{MigrationTypeValue, StartReplicationTaskTypeValue};
    let dms = aws_sdk_databasemigration::Client::new(&sdk_config().await);
    let instance = dms
        .create_replication_instance()
        .replication_instance_identifier(unique("dms-instance"))
        .replication_instance_class("dms.t3.medium")
        .send()
        .await
        .expect("CreateReplicationInstance");
    let instance_arn = instance.replication_instance.and_then(|i| i.replication_instance_arn).expect("an ARN");
    let task = dms
        .create_replication_task()
        .replication_task_identifier(id)
        .source_endpoint_arn("arn:aws:dms:us-east-1:123456789012:endpoint:SOURCE")
        .target_endpoint_arn("arn:aws:dms:us-east-1:123456789012:endpoint:TARGET")
        .replication_instance_arn(&instance_arn)
        .migration_type(MigrationTypeValue::Cdc)
        .table_mappings(r#"{"rules": []}"#)
        .send()
        .await
        .expect("CreateReplicationTask");
    let arn = task.replication_task.and_then(|t| t.replication_task_arn).expect("an ARN");
    dms.start_replication_task()
        .replication_task_arn(&arn)
        .start_replication_task_type(StartReplicationTaskTypeValue::StartReplication)
        .send()
        .await
        .expect("StartReplicationTask");
    dms.stop_replication_task().replication_task_arn(&arn).send().await.expect("StopReplicationTask");
    assert_eq!(dms_status(&dms, id).await, "stopped");
    dms
}

/// The task's status as DescribeReplicationTasks gives it.
async fn dms_status(dms: &aws_sdk_databasemigration::Client, id: &str) -> String {
    let filter =
        aws_sdk_databasemigration::types::Filter::builder().name("replication-task-id").values(id).build().unwrap();
    let out = dms.describe_replication_tasks().filters(filter).send().await.expect("DescribeReplicationTasks");
    out.replication_tasks()[0].status().unwrap_or_default().to_string()
}

/// What StartReplicationTask's body holds when it resumes the task `id` (its JSON, compact, in
/// the model's order): the front fails only such a request, so a lost answer proves the type.
fn resume_body(id: &str) -> String {
    format!(":task:{id}\",\"StartReplicationTaskType\":\"resume-processing\"")
}

#[tokio::test]
async fn a_stopped_dms_task_is_resumed_through_the_gate_and_the_next_snapshot_shows_it_running() {
    let n = names();
    let dms = stopped_dms_task(&n.dms_task).await;
    let sections = format!("[platform.sources]\ndms_tasks = [\"{}\"]\n", n.dms_task);
    let (platform, _) = connect(&n, &sections).await;
    let snapshot = platform.snapshot().await.expect("snapshot");
    assert_eq!(ready(&snapshot.sources).sources[0].status.as_deref(), Some("stopped"));

    let applied = apply(&platform, Change::Rerun(Rerun::DmsTask(n.dms_task.clone()))).await.expect("resumed");
    // AWS answers `starting`; moto runs the task at once.
    assert_eq!(applied.answer(), format!("task {} is running", n.dms_task));
    assert_eq!(applied.confirmation(), None);
    assert_eq!(dms_status(&dms, &n.dms_task).await, "running");
    let snapshot = platform.snapshot().await.expect("snapshot");
    let cdc = &ready(&snapshot.sources).sources[0];
    assert_eq!(cdc.status.as_deref(), Some("running"), "the cached read was dropped: {cdc:?}");
    assert_eq!(platform.calls("DescribeReplicationTasks"), 2, "read again: the rerun dropped the cached read");

    let missing = unique("no-such-task");
    let refused = apply(&platform, Change::Rerun(Rerun::DmsTask(missing.clone()))).await.unwrap_err();
    assert!(refused.to_string().contains(&format!("there is no replication task {missing}")), "{refused}");
}

#[tokio::test]
async fn a_dms_resume_whose_answer_is_lost_is_read_back_from_the_tasks_status() {
    let n = names();
    let dms = stopped_dms_task(&n.dms_task).await;
    let (platform, _) = connect(&n, &format!("[platform.sources]\ndms_tasks = [\"{}\"]\n", n.dms_task)).await;
    let resume = || apply(&platform, Change::Rerun(Rerun::DmsTask(n.dms_task.clone())));

    // moto resumes the task, the answer is a 500: sent once (a retry would have been answered),
    // read back, landed.
    fail_next("StartReplicationTask", &resume_body(&n.dms_task), LostAnswer::ServerError, 1);
    let applied = resume().await.expect("the resume landed");
    assert_eq!(applied.answer(), format!("task {} is running", n.dms_task));
    let confirmation = applied.confirmation().unwrap_or_default();
    assert!(
        confirmation.starts_with(&format!("landed (confirmed by reading back: task {} is running)", n.dms_task)),
        "{confirmation}"
    );

    // moto never sees the request: the task stays stopped, and that is what is said.
    let arn = task_arn_of(&dms, &n.dms_task).await;
    dms.stop_replication_task().replication_task_arn(&arn).send().await.expect("StopReplicationTask");
    fail_next("StartReplicationTask", &resume_body(&n.dms_task), LostAnswer::NotForwarded, 1);
    let error = resume().await.expect_err("the resume did not land");
    assert_eq!(error.outcome(), "did not land");
    assert!(
        error.to_string().contains(&format!("did not land (read back: task {} is stopped)", n.dms_task)),
        "{error}"
    );
    assert!(matches!(&error, PlatformError::NotLanded { service, .. } if service == "DMS StartReplicationTask"));
    assert_eq!(dms_status(&dms, &n.dms_task).await, "stopped");
}

/// Two S3 locations on moto and a DataSync task `name` between them; answers its ARN.
async fn datasync_task(datasync: &aws_sdk_datasync::Client, name: &str) -> String {
    let mut locations = Vec::new();
    for bucket in ["partner-share", "raw-zone"] {
        let config = aws_sdk_datasync::types::S3Config::builder()
            .bucket_access_role_arn("arn:aws:iam::1:role/ds")
            .build()
            .unwrap();
        let created = datasync
            .create_location_s3()
            .s3_bucket_arn(format!("arn:aws:s3:::{bucket}"))
            .s3_config(config)
            .send()
            .await
            .expect("CreateLocationS3");
        locations.push(created.location_arn.expect("a location"));
    }
    let created = datasync
        .create_task()
        .source_location_arn(&locations[0])
        .destination_location_arn(&locations[1])
        .name(name)
        .send()
        .await
        .expect("CreateTask");
    created.task_arn.expect("a task ARN")
}

/// Reads the execution until moto has moved it to SUCCESS (one state per read); the task is
/// AVAILABLE again then.
async fn finish(datasync: &aws_sdk_datasync::Client, execution_arn: &str) {
    for _ in 0..8 {
        let out = datasync.describe_task_execution().task_execution_arn(execution_arn).send().await.unwrap();
        if out.status.as_ref().map(|s| s.as_str()) == Some("SUCCESS") {
            return;
        }
    }
    panic!("{execution_arn} did not finish");
}

#[tokio::test]
async fn a_datasync_task_is_started_through_the_gate_refused_while_running_and_read_back_when_lost() {
    let n = names();
    let sections = format!("[platform.sources]\ndatasync_tasks = [\"{}\"]\n", n.datasync_task);
    let (platform, _) = connect(&n, &sections).await;
    // Read before the task exists: the region's task list is cached without it.
    let snapshot = platform.snapshot().await.expect("snapshot");
    assert!(!ready(&snapshot.sources).sources[0].exists);
    let datasync = aws_sdk_datasync::Client::new(&sdk_config().await);
    let task_arn = datasync_task(&datasync, &n.datasync_task).await;
    let start = || apply(&platform, Change::Rerun(Rerun::DataSyncTask(n.datasync_task.clone())));

    let applied = start().await.expect("started: the task list is read again for a task created since");
    let task = datasync.describe_task().task_arn(&task_arn).send().await.expect("DescribeTask");
    let current = task.current_task_execution_arn.expect("a current execution");
    let id = current.rsplit('/').next().unwrap();
    assert_eq!(applied.answer(), format!("execution {id} started"));
    assert_eq!(task.status.map(|s| s.as_str().to_string()).as_deref(), Some("RUNNING"));
    assert_eq!(platform.calls("ListTasks"), 2);
    let snapshot = platform.snapshot().await.expect("snapshot");
    let share = &ready(&snapshot.sources).sources[0];
    assert_eq!(share.last_run.as_ref().map(|r| r.id.as_str()), Some(id), "the cached read was dropped: {share:?}");

    // moto refuses a second execution while one runs, as DataSync does: an answered error.
    let refused = start().await.expect_err("refused while running");
    let text = refused.to_string();
    assert!(text.starts_with("DataSync StartTaskExecution: InvalidRequestException"), "{text}");
    assert_eq!(refused.outcome(), "failed");

    // Done, then started again with the answer lost: read back from the task's current execution.
    finish(&datasync, &current).await;
    fail_next("StartTaskExecution", &format!("{task_arn}\""), LostAnswer::ServerError, 1);
    let applied = start().await.expect("the start landed");
    let task = datasync.describe_task().task_arn(&task_arn).send().await.expect("DescribeTask");
    let newer = task.current_task_execution_arn.expect("a current execution");
    assert_ne!(newer, current);
    let id = newer.rsplit('/').next().unwrap();
    assert_eq!(applied.answer(), format!("execution {id} started"));
    let confirmation = applied.confirmation().unwrap_or_default();
    assert!(
        confirmation.starts_with(&format!(
            "landed (confirmed by reading back: task {} is RUNNING, with execution {id})",
            n.datasync_task
        )),
        "{confirmation}"
    );

    // Lost before moto saw it: no new execution.
    finish(&datasync, &newer).await;
    fail_next("StartTaskExecution", &format!("{task_arn}\""), LostAnswer::NotForwarded, 1);
    let error = start().await.expect_err("the start did not land");
    assert!(
        error.to_string().contains(&format!(
            "did not land (read back: task {} is AVAILABLE with no execution started since the call)",
            n.datasync_task
        )),
        "{error}"
    );
}
