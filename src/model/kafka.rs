//! MSK, where the platform ingests through Kafka: the cluster and how far each watched consumer
//! group is behind on each topic.

use serde::Serialize;

/// One consumer group on one topic (AWS/Kafka, emitted only for groups STABLE or EMPTY).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConsumerLag {
    pub group: String,
    pub topic: String,
    /// The most messages any partition is behind.
    pub max_offset_lag: Option<f64>,
    /// Messages behind over all partitions.
    pub sum_offset_lag: Option<f64>,
    /// How old the oldest unread message is, in seconds (EstimatedMaxTimeLag).
    pub time_lag_seconds: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KafkaStatus {
    pub cluster: String,
    /// Whether MSK knows it (false: named in the profile, not found).
    pub exists: bool,
    /// ACTIVE, CREATING, UPDATING, HEALING, MAINTENANCE, REBOOTING_BROKER, FAILED, DELETING.
    pub state: Option<String>,
    pub kafka_version: Option<String>,
    pub brokers: Option<u32>,
    /// "Provisioned" or "Serverless".
    pub kind: Option<String>,
    /// Partitions under-replicated, over every broker.
    pub under_replicated: Option<f64>,
    /// The fullest broker's data-log disk, percent.
    pub disk_used_percent: Option<f64>,
    /// The profile's consumer groups, on each topic they read.
    pub groups: Vec<String>,
    pub lags: Vec<ConsumerLag>,
}
