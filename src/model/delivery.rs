//! Kinesis Data Firehose as the console sees it: each watched delivery stream, where it
//! delivers, and how fresh its deliveries are.

use serde::Serialize;

/// One delivery stream: its configuration (DescribeDeliveryStream) and its last minutes
/// (AWS/Firehose in the snapshot's one GetMetricData call).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeliveryStream {
    pub name: String,
    /// Whether Firehose knows it (false: named in the profile, not found).
    pub exists: bool,
    /// CREATING, ACTIVE, DELETING, CREATING_FAILED, DELETING_FAILED.
    pub status: Option<String>,
    /// Where its records come from: "Kinesis stream clickstream-events" or "Direct PUT".
    pub source: Option<String>,
    /// `s3://bucket/prefix`.
    pub destination: Option<String>,
    /// Where records S3 refused go (`ErrorOutputPrefix`).
    pub error_prefix: Option<String>,
    /// Partitioned by record content or date (dynamic partitioning).
    pub dynamic_partitioning: bool,
    /// "64 MiB or 300 s".
    pub buffering: Option<String>,
    /// Whether source records are also backed up (S3BackupMode Enabled).
    pub backup: Option<String>,
    /// The CloudWatch Logs group and stream its delivery errors go to.
    pub error_log: Option<String>,
    /// The newest delivery error in that log, in the last hour.
    pub last_error: Option<String>,
    /// Records and bytes taken in over the last minute.
    pub incoming_records: Option<f64>,
    pub incoming_bytes: Option<f64>,
    /// The age of the oldest record not yet delivered to S3 (DeliveryToS3.DataFreshness).
    pub freshness_seconds: Option<f64>,
    /// DeliveryToS3.Success over the last minutes (1: every delivery succeeded).
    pub success: Option<f64>,
    /// Records refused for the stream's limits in the last minute.
    pub throttled: Option<f64>,
}

impl DeliveryStream {
    /// A stream named in the profile that Firehose does not know.
    pub fn missing(name: &str) -> DeliveryStream {
        DeliveryStream {
            name: name.into(),
            exists: false,
            status: None,
            source: None,
            destination: None,
            error_prefix: None,
            dynamic_partitioning: false,
            buffering: None,
            backup: None,
            error_log: None,
            last_error: None,
            incoming_records: None,
            incoming_bytes: None,
            freshness_seconds: None,
            success: None,
            throttled: None,
        }
    }
}

/// The Firehose layer: every watched delivery stream.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FirehoseStatus {
    pub streams: Vec<DeliveryStream>,
}
