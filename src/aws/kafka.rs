//! Amazon MSK: the profile's cluster found by name (ListClustersV2) and described
//! (DescribeClusterV2). Consumer lag and the brokers' health come from `AWS/Kafka` in the
//! overview's one GetMetricData call.

use aws_sdk_kafka::types::{Cluster, ClusterType};
use aws_sdk_kafka::Client;

use super::errors::{code, platform_error};
use crate::model::KafkaStatus;
use crate::platform::PlatformError;

/// Pages of ListClustersV2 read: its name filter matches prefixes, so a few clusters may share one.
const PAGES: usize = 5;

/// The ARN of the cluster named exactly `name`, if there is one.
pub async fn cluster_named(client: &Client, name: &str) -> Result<Option<String>, PlatformError> {
    let mut token: Option<String> = None;
    for _ in 0..PAGES {
        let out = client
            .list_clusters_v2()
            .cluster_name_filter(name)
            .set_next_token(token.clone())
            .send()
            .await
            .map_err(|e| platform_error("MSK ListClustersV2", e))?;
        let found = out.cluster_info_list().iter().find(|c| c.cluster_name() == Some(name));
        if let Some(arn) = found.and_then(|c| c.cluster_arn()) {
            return Ok(Some(arn.to_string()));
        }
        token = out.next_token().filter(|t| !t.is_empty()).map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    Ok(None)
}

/// The cluster's state, version, brokers and kind (no metrics yet); `None` when it is gone.
pub async fn describe(client: &Client, name: &str, arn: &str) -> Result<Option<KafkaStatus>, PlatformError> {
    match client.describe_cluster_v2().cluster_arn(arn).send().await {
        Ok(out) => Ok(Some(status(name, out.cluster_info()))),
        Err(e) if code(&e) == Some("NotFoundException") => Ok(None),
        Err(e) => Err(platform_error("MSK DescribeClusterV2", e)),
    }
}

/// A cluster named in the profile, with nothing read yet (or not found: `exists` false).
pub fn unread(name: &str, exists: bool) -> KafkaStatus {
    KafkaStatus {
        cluster: name.to_string(),
        exists,
        state: None,
        kafka_version: None,
        brokers: None,
        kind: None,
        under_replicated: None,
        disk_used_percent: None,
        groups: Vec::new(),
        lags: Vec::new(),
    }
}

fn status(name: &str, cluster: Option<&Cluster>) -> KafkaStatus {
    let mut s = unread(name, true);
    let Some(c) = cluster else { return s };
    s.state = c.state().map(|x| x.as_str().to_string());
    s.kind = c.cluster_type().map(|t| match t {
        ClusterType::Provisioned => "Provisioned".to_string(),
        ClusterType::Serverless => "Serverless".to_string(),
        other => other.as_str().to_string(),
    });
    if let Some(p) = c.provisioned() {
        s.kafka_version = p.current_broker_software_info().and_then(|b| b.kafka_version()).map(str::to_string);
        s.brokers = p.number_of_broker_nodes().and_then(|n| u32::try_from(n).ok());
    }
    s
}
