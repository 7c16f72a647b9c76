//! The CloudWatch series each layer reads, by name: the AWS snapshot's one GetMetricData call
//! asks for `all()` of them, and each reading takes the series it needs by its name, not its
//! place. The sandbox's cost meter counts the same sets (`sandbox/usage.rs`).

use crate::model::RedshiftMode;
use crate::ops::metrics::{SeriesKey, Stat};
use crate::settings::RedshiftSettings;

/// A stream's series (AWS/Kinesis, StreamName).
pub struct StreamKeys {
    pub incoming_records: SeriesKey,
    pub incoming_bytes: SeriesKey,
    pub iterator_age: SeriesKey,
    pub write_throttled: SeriesKey,
    pub read_throttled: SeriesKey,
}

impl StreamKeys {
    pub fn new(stream: &str) -> StreamKeys {
        let k = |metric, stat| SeriesKey::new("AWS/Kinesis", metric, "StreamName", stream, stat);
        StreamKeys {
            incoming_records: k("IncomingRecords", Stat::Sum),
            incoming_bytes: k("IncomingBytes", Stat::Sum),
            iterator_age: k("GetRecords.IteratorAgeMilliseconds", Stat::Maximum),
            write_throttled: k("WriteProvisionedThroughputExceeded", Stat::Sum),
            read_throttled: k("ReadProvisionedThroughputExceeded", Stat::Sum),
        }
    }

    pub fn all(&self) -> Vec<SeriesKey> {
        [&self.incoming_records, &self.incoming_bytes, &self.iterator_age, &self.write_throttled, &self.read_throttled]
            .into_iter()
            .cloned()
            .collect()
    }
}

/// The consumer function's series (AWS/Lambda, FunctionName).
pub struct FunctionKeys {
    pub invocations: SeriesKey,
    pub errors: SeriesKey,
    pub throttles: SeriesKey,
    pub duration: SeriesKey,
    pub duration_p99: SeriesKey,
    pub iterator_age: SeriesKey,
    pub concurrency: SeriesKey,
}

impl FunctionKeys {
    pub fn new(function: &str) -> FunctionKeys {
        let k = |metric, stat| SeriesKey::new("AWS/Lambda", metric, "FunctionName", function, stat);
        FunctionKeys {
            invocations: k("Invocations", Stat::Sum),
            errors: k("Errors", Stat::Sum),
            throttles: k("Throttles", Stat::Sum),
            duration: k("Duration", Stat::Average),
            duration_p99: k("Duration", Stat::P99),
            iterator_age: k("IteratorAge", Stat::Maximum),
            concurrency: k("ConcurrentExecutions", Stat::Maximum),
        }
    }

    pub fn all(&self) -> Vec<SeriesKey> {
        [
            &self.invocations,
            &self.errors,
            &self.throttles,
            &self.duration,
            &self.duration_p99,
            &self.iterator_age,
            &self.concurrency,
        ]
        .into_iter()
        .cloned()
        .collect()
    }
}

/// The warehouse's series: a cluster's (AWS/Redshift, ClusterIdentifier) or a Serverless
/// workgroup's (AWS/Redshift-Serverless, Workgroup), which has no disk or health metric.
pub struct RedshiftKeys {
    pub mode: RedshiftMode,
    /// CPUUtilization (cluster) or ComputeCapacity in RPUs (Serverless).
    pub load: SeriesKey,
    pub connections: SeriesKey,
    pub disk_used: Option<SeriesKey>,
    pub health: Option<SeriesKey>,
}

impl RedshiftKeys {
    /// `None` when the profile has no warehouse.
    pub fn new(settings: &RedshiftSettings) -> Option<RedshiftKeys> {
        let name = settings.name.as_str();
        match settings.mode {
            RedshiftMode::Cluster => {
                let k = |metric, stat| SeriesKey::new("AWS/Redshift", metric, "ClusterIdentifier", name, stat);
                Some(RedshiftKeys {
                    mode: RedshiftMode::Cluster,
                    load: k("CPUUtilization", Stat::Average),
                    connections: k("DatabaseConnections", Stat::Average),
                    disk_used: Some(k("PercentageDiskSpaceUsed", Stat::Average)),
                    health: Some(k("HealthStatus", Stat::Minimum)),
                })
            }
            RedshiftMode::Serverless => {
                let k = |metric, stat| SeriesKey::new("AWS/Redshift-Serverless", metric, "Workgroup", name, stat);
                Some(RedshiftKeys {
                    mode: RedshiftMode::Serverless,
                    load: k("ComputeCapacity", Stat::Average),
                    connections: k("DatabaseConnections", Stat::Average),
                    disk_used: None,
                    health: None,
                })
            }
            RedshiftMode::Off => None,
        }
    }

    pub fn all(&self) -> Vec<SeriesKey> {
        [Some(&self.load), Some(&self.connections), self.disk_used.as_ref(), self.health.as_ref()]
            .into_iter()
            .flatten()
            .cloned()
            .collect()
    }
}

/// Gauges of the governance, serving and ingestion layers: Firehose's delivery success comes with
/// each delivery (every buffering interval, 5 minutes by default), DMS, MSK and OpenSearch send
/// theirs every minute or five, and late: the newest within this long stands.
pub const LAYER_GAUGES_FRESH_SECONDS: i64 = 12 * 60;

/// A Firehose delivery stream's series (AWS/Firehose, DeliveryStreamName).
pub struct FirehoseKeys {
    pub incoming_records: SeriesKey,
    pub incoming_bytes: SeriesKey,
    pub freshness: SeriesKey,
    pub success: SeriesKey,
    pub throttled: SeriesKey,
}

impl FirehoseKeys {
    pub fn new(name: &str) -> FirehoseKeys {
        let k = |metric, stat| SeriesKey::new("AWS/Firehose", metric, "DeliveryStreamName", name, stat);
        FirehoseKeys {
            incoming_records: k("IncomingRecords", Stat::Sum),
            incoming_bytes: k("IncomingBytes", Stat::Sum),
            freshness: k("DeliveryToS3.DataFreshness", Stat::Maximum),
            success: k("DeliveryToS3.Success", Stat::Average),
            throttled: k("ThrottledRecords", Stat::Sum),
        }
    }

    pub fn all(&self) -> Vec<SeriesKey> {
        [&self.incoming_records, &self.incoming_bytes, &self.freshness, &self.success, &self.throttled]
            .into_iter()
            .cloned()
            .collect()
    }
}

/// An OpenSearch domain's series (AWS/ES): every one needs both `DomainName` and `ClientId`,
/// the account id.
pub struct SearchKeys {
    pub green: SeriesKey,
    pub yellow: SeriesKey,
    pub red: SeriesKey,
    pub free_storage: SeriesKey,
    pub jvm_pressure: SeriesKey,
    pub cpu: SeriesKey,
    pub errors_5xx: SeriesKey,
    pub writes_blocked: SeriesKey,
    pub snapshot_failure: SeriesKey,
}

impl SearchKeys {
    pub fn new(domain: &str, account: &str) -> SearchKeys {
        let k = |metric, stat| SeriesKey::new("AWS/ES", metric, "DomainName", domain, stat).with("ClientId", account);
        SearchKeys {
            green: k("ClusterStatus.green", Stat::Maximum),
            yellow: k("ClusterStatus.yellow", Stat::Maximum),
            red: k("ClusterStatus.red", Stat::Maximum),
            free_storage: k("FreeStorageSpace", Stat::Minimum),
            jvm_pressure: k("JVMMemoryPressure", Stat::Maximum),
            cpu: k("CPUUtilization", Stat::Maximum),
            errors_5xx: k("5xx", Stat::Sum),
            writes_blocked: k("ClusterIndexWritesBlocked", Stat::Maximum),
            snapshot_failure: k("AutomatedSnapshotFailure", Stat::Maximum),
        }
    }

    pub fn all(&self) -> Vec<SeriesKey> {
        [
            &self.green,
            &self.yellow,
            &self.red,
            &self.free_storage,
            &self.jvm_pressure,
            &self.cpu,
            &self.errors_5xx,
            &self.writes_blocked,
            &self.snapshot_failure,
        ]
        .into_iter()
        .cloned()
        .collect()
    }
}

/// A consumer group's lag on one topic (AWS/Kafka, `Cluster Name`, `Consumer Group`, `Topic`).
pub struct ConsumerLagKeys {
    pub max_offset_lag: SeriesKey,
    pub sum_offset_lag: SeriesKey,
    pub time_lag: SeriesKey,
}

impl ConsumerLagKeys {
    pub fn new(cluster: &str, group: &str, topic: &str) -> ConsumerLagKeys {
        let k = |metric| {
            SeriesKey::new("AWS/Kafka", metric, "Cluster Name", cluster, Stat::Maximum)
                .with("Consumer Group", group)
                .with("Topic", topic)
        };
        ConsumerLagKeys {
            max_offset_lag: k("MaxOffsetLag"),
            sum_offset_lag: k("SumOffsetLag"),
            time_lag: k("EstimatedMaxTimeLag"),
        }
    }

    pub fn all(&self) -> Vec<SeriesKey> {
        vec![self.max_offset_lag.clone(), self.sum_offset_lag.clone(), self.time_lag.clone()]
    }
}

/// One MSK broker's series (AWS/Kafka, `Cluster Name`, `Broker ID`).
pub struct BrokerKeys {
    pub under_replicated: SeriesKey,
    pub disk_used: SeriesKey,
}

impl BrokerKeys {
    pub fn new(cluster: &str, broker: u32) -> BrokerKeys {
        let k = |metric| {
            SeriesKey::new("AWS/Kafka", metric, "Cluster Name", cluster, Stat::Maximum)
                .with("Broker ID", &broker.to_string())
        };
        BrokerKeys { under_replicated: k("UnderReplicatedPartitions"), disk_used: k("KafkaDataLogsDiskUsed") }
    }

    pub fn all(&self) -> Vec<SeriesKey> {
        vec![self.under_replicated.clone(), self.disk_used.clone()]
    }
}

/// A DMS task's change-capture latency (AWS/DMS, `ReplicationInstanceIdentifier` and
/// `ReplicationTaskIdentifier`, the task's resource id: the last part of its ARN).
pub struct DmsTaskKeys {
    pub cdc_latency_source: SeriesKey,
    pub cdc_latency_target: SeriesKey,
}

impl DmsTaskKeys {
    pub fn new(instance: &str, task_resource_id: &str) -> DmsTaskKeys {
        let k = |metric| {
            SeriesKey::new("AWS/DMS", metric, "ReplicationInstanceIdentifier", instance, Stat::Maximum)
                .with("ReplicationTaskIdentifier", task_resource_id)
        };
        DmsTaskKeys { cdc_latency_source: k("CDCLatencySource"), cdc_latency_target: k("CDCLatencyTarget") }
    }

    pub fn all(&self) -> Vec<SeriesKey> {
        vec![self.cdc_latency_source.clone(), self.cdc_latency_target.clone()]
    }
}

/// The dead-letter queue's oldest message (AWS/SQS, QueueName).
pub fn dlq_age(queue: &str) -> SeriesKey {
    SeriesKey::new("AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", queue, Stat::Maximum)
}

/// A state machine's series (AWS/States, StateMachineArn): executions counted a minute.
pub struct StateMachineKeys {
    pub started: SeriesKey,
    pub failed: SeriesKey,
    pub timed_out: SeriesKey,
    pub aborted: SeriesKey,
    pub throttled: SeriesKey,
}

impl StateMachineKeys {
    pub fn new(arn: &str) -> StateMachineKeys {
        let k = |metric| SeriesKey::new("AWS/States", metric, "StateMachineArn", arn, Stat::Sum);
        StateMachineKeys {
            started: k("ExecutionsStarted"),
            failed: k("ExecutionsFailed"),
            timed_out: k("ExecutionsTimedOut"),
            aborted: k("ExecutionsAborted"),
            throttled: k("ExecutionThrottled"),
        }
    }

    pub fn all(&self) -> Vec<SeriesKey> {
        [&self.started, &self.failed, &self.timed_out, &self.aborted, &self.throttled].into_iter().cloned().collect()
    }
}

/// EMR sends its cluster gauges every 5 minutes, and late: the newest within this long stands.
pub const CLUSTER_GAUGES_FRESH_SECONDS: i64 = 12 * 60;

/// An EMR cluster's series (AWS/ElasticMapReduce, JobFlowId): gauges EMR sends every 5 minutes.
pub struct ClusterKeys {
    pub is_idle: SeriesKey,
    pub apps_failed: SeriesKey,
    pub apps_pending: SeriesKey,
    pub apps_running: SeriesKey,
    pub hdfs_utilization: SeriesKey,
    pub unhealthy_nodes: SeriesKey,
}

impl ClusterKeys {
    pub fn new(cluster_id: &str) -> ClusterKeys {
        let k = |metric, stat| SeriesKey::new("AWS/ElasticMapReduce", metric, "JobFlowId", cluster_id, stat);
        ClusterKeys {
            is_idle: k("IsIdle", Stat::Minimum),
            apps_failed: k("AppsFailed", Stat::Maximum),
            apps_pending: k("AppsPending", Stat::Maximum),
            apps_running: k("AppsRunning", Stat::Maximum),
            hdfs_utilization: k("HDFSUtilization", Stat::Maximum),
            unhealthy_nodes: k("MRUnhealthyNodes", Stat::Maximum),
        }
    }

    pub fn all(&self) -> Vec<SeriesKey> {
        [
            &self.is_idle,
            &self.apps_failed,
            &self.apps_pending,
            &self.apps_running,
            &self.hdfs_utilization,
            &self.unhealthy_nodes,
        ]
        .into_iter()
        .cloned()
        .collect()
    }
}

/// An EMR Serverless application's series (AWS/EMRServerless, ApplicationId).
pub struct ApplicationKeys {
    pub failed_jobs: SeriesKey,
    pub running_jobs: SeriesKey,
}

impl ApplicationKeys {
    pub fn new(application_id: &str) -> ApplicationKeys {
        let k = |metric, stat| SeriesKey::new("AWS/EMRServerless", metric, "ApplicationId", application_id, stat);
        ApplicationKeys { failed_jobs: k("FailedJobs", Stat::Sum), running_jobs: k("RunningJobs", Stat::Maximum) }
    }

    pub fn all(&self) -> Vec<SeriesKey> {
        vec![self.failed_jobs.clone(), self.running_jobs.clone()]
    }
}
