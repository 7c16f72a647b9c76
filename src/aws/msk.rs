//! The MSK layer on AWS: the profile's cluster found by name (every `DISCOVERY_TTL`) and
//! described (once a minute), its watched consumer groups' topics found with ListMetrics (MSK
//! names them only in its metrics), and their lag and the brokers' health from `AWS/Kafka` in the
//! one GetMetricData call.

use std::time::Instant;

use super::layers::fresh;
use super::workflows::LATEST_TTL;
use super::{cloudwatch, kafka, AwsPlatform, DISCOVERY_TTL};
use crate::model::*;
use crate::ops::metrics::{MetricStore, SeriesKey};
use crate::ops::series::{BrokerKeys, ConsumerLagKeys, LAYER_GAUGES_FRESH_SECONDS};
use crate::platform::PlatformError;

/// Brokers whose metrics are asked for: MSK numbers a provisioned cluster's brokers from 1.
const MAX_BROKERS: u32 = 60;

/// What the MSK layer knows before the metrics: the cluster (`None`: not found) and the watched
/// groups' topics.
#[derive(Debug, Clone)]
pub(super) struct KafkaWatch {
    cluster: String,
    described: Option<KafkaStatus>,
    topics: Vec<(String, String)>,
}

impl KafkaWatch {
    fn brokers(&self) -> u32 {
        let provisioned = self.described.as_ref().filter(|d| d.kind.as_deref() != Some("Serverless"));
        provisioned.and_then(|d| d.brokers).unwrap_or(0).min(MAX_BROKERS)
    }

    pub fn keys(&self) -> Vec<SeriesKey> {
        if self.described.is_none() {
            return Vec::new();
        }
        let mut keys: Vec<SeriesKey> =
            self.topics.iter().flat_map(|(g, t)| ConsumerLagKeys::new(&self.cluster, g, t).all()).collect();
        keys.extend((1..=self.brokers()).flat_map(|b| BrokerKeys::new(&self.cluster, b).all()));
        keys
    }

    /// The cluster with each watched group's lag per topic and the brokers' health.
    pub fn status(self, groups: &[String], store: &MetricStore, now_s: i64) -> KafkaStatus {
        let brokers = self.brokers();
        let Some(mut status) = self.described else { return kafka::unread(&self.cluster, false) };
        let gauge = |key: &SeriesKey| store.latest_within(key, now_s, LAYER_GAUGES_FRESH_SECONDS);
        status.groups = groups.to_vec();
        status.lags = self
            .topics
            .iter()
            .map(|(group, topic)| {
                let k = ConsumerLagKeys::new(&self.cluster, group, topic);
                ConsumerLag {
                    group: group.clone(),
                    topic: topic.clone(),
                    max_offset_lag: gauge(&k.max_offset_lag),
                    sum_offset_lag: gauge(&k.sum_offset_lag),
                    time_lag_seconds: gauge(&k.time_lag),
                }
            })
            .collect();
        let per_broker: Vec<BrokerKeys> = (1..=brokers).map(|b| BrokerKeys::new(&self.cluster, b)).collect();
        let under: Vec<f64> = per_broker.iter().filter_map(|k| gauge(&k.under_replicated)).collect();
        status.under_replicated = (!under.is_empty()).then(|| under.iter().sum());
        status.disk_used_percent = per_broker.iter().filter_map(|k| gauge(&k.disk_used)).reduce(f64::max);
        status
    }
}

impl AwsPlatform {
    /// The cluster of the profile's name and its watched groups' topics.
    pub(super) async fn watch_kafka(&self) -> Result<KafkaWatch, PlatformError> {
        let msk = &self.settings.platform.msk;
        let cluster = msk.cluster.clone();
        let cached = fresh(&self.state().layers.kafka_arn, DISCOVERY_TTL);
        let arn = match cached {
            Some(arn) => arn,
            None => {
                let arn = self.call("ListClustersV2", kafka::cluster_named(&self.layers.kafka, &cluster)).await?;
                self.state().layers.kafka_arn = Some((Instant::now(), arn.clone()));
                arn
            }
        };
        let Some(arn) = arn else { return Ok(KafkaWatch { cluster, described: None, topics: Vec::new() }) };
        let cached = fresh(&self.state().layers.kafka_cluster, LATEST_TTL);
        let described = match cached {
            Some(described) => described,
            None => {
                let described =
                    self.call("DescribeClusterV2", kafka::describe(&self.layers.kafka, &cluster, &arn)).await?;
                let mut state = self.state();
                if described.is_none() {
                    // Gone since it was found: look for it by name again next time.
                    state.layers.kafka_arn = None;
                }
                state.layers.kafka_cluster = Some((Instant::now(), described.clone()));
                described
            }
        };
        let cached = fresh(&self.state().layers.kafka_topics, DISCOVERY_TTL);
        let topics = match cached {
            Some(topics) => topics,
            None => {
                let topics = self.call("ListMetrics", cloudwatch::kafka_lag_topics(&self.cloudwatch, &cluster)).await?;
                self.state().layers.kafka_topics = Some((Instant::now(), topics.clone()));
                topics
            }
        };
        let topics = topics.into_iter().filter(|(group, _)| msk.consumer_groups.contains(group)).collect();
        Ok(KafkaWatch { cluster, described, topics })
    }
}
