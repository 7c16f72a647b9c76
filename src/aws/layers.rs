//! The governance, serving and ingestion layers in the overview's snapshot: what each needs
//! before the refresh's one GetMetricData call (names, ids, topics), the series it asks for, and
//! each layer read from what came back — a layer whose read fails is unavailable with why, and
//! the rest of the snapshot stands. The caches these layers keep between refreshes live here.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use super::msk::KafkaWatch;
use super::sources::SourcesRead;
use super::{sts, AwsPlatform};
use crate::model::*;
use crate::ops::metrics::{MetricStore, SeriesKey};
use crate::platform::PlatformError;

/// What the layers keep between refreshes, each with when it was read.
#[derive(Default)]
pub(super) struct LayerCache {
    /// The account id (STS), read once per platform life.
    pub account: Option<String>,
    /// Delivery streams publishing freshness (ListMetrics), with `discover = true`.
    pub firehose_listed: Option<(Instant, Vec<String>)>,
    /// Each delivery stream's configuration (`None`: Firehose does not know it).
    pub delivery: HashMap<String, (Instant, Option<DeliveryStream>)>,
    /// Each troubled delivery stream's newest logged error.
    pub delivery_errors: HashMap<String, (Instant, Option<String>)>,
    pub domain: Option<(Instant, Option<SearchDomain>)>,
    /// The MSK cluster's ARN by its name, its description, and its groups' topics (ListMetrics).
    pub kafka_arn: Option<(Instant, Option<String>)>,
    pub kafka_cluster: Option<(Instant, Option<KafkaStatus>)>,
    pub kafka_topics: Option<(Instant, Vec<(String, String)>)>,
    /// DataSync tasks of the region as (name, ARN), and DMS replication instances as (ARN, id).
    pub datasync_tasks: Option<(Instant, Vec<(String, String)>)>,
    pub dms_instances: Option<(Instant, Vec<(String, String)>)>,
    pub sources: Option<(Instant, SourcesRead)>,
    pub spice: Option<(Instant, Vec<SpiceDataset>)>,
    pub governance: Option<(Instant, Governance)>,
}

/// The value of a cache slot read less than `ttl` ago.
pub(super) fn fresh<T: Clone>(slot: &Option<(Instant, T)>, ttl: Duration) -> Option<T> {
    slot.as_ref().filter(|(at, _)| at.elapsed() < ttl).map(|(_, value)| value.clone())
}

/// What the layers need before the refresh's GetMetricData call; `None`: not in this profile.
pub(super) struct LayerWatch {
    firehose: Vec<String>,
    search: Option<(String, Result<String, String>)>,
    kafka: Option<Result<KafkaWatch, String>>,
    sources: Option<Result<SourcesRead, String>>,
}

/// The five layers' readings.
pub(super) struct LayerReadings {
    pub msk: Reading<KafkaStatus>,
    pub sources: Reading<SourcesStatus>,
    pub firehose: Reading<FirehoseStatus>,
    pub opensearch: Reading<SearchDomain>,
    pub quicksight: Reading<QuicksightStatus>,
}

/// `read`'s outcome, its error in words, when the profile watches the layer; `None` (and no call)
/// when it does not.
async fn watched<T>(
    watched: bool,
    read: impl std::future::Future<Output = Result<T, PlatformError>>,
) -> Option<Result<T, String>> {
    if !watched {
        return None;
    }
    Some(read.await.map_err(|e| e.to_string()))
}

fn reading<T>(outcome: Option<Result<T, String>>) -> Reading<T> {
    match outcome {
        None => Reading::NotWatched,
        Some(Ok(data)) => Reading::Ready { data },
        Some(Err(reason)) => Reading::Unavailable { reason },
    }
}

impl AwsPlatform {
    /// The account id, asked of STS once per platform life.
    pub(super) async fn account(&self) -> Result<String, PlatformError> {
        if let Some(account) = self.state().layers.account.clone() {
            return Ok(account);
        }
        let account = self.call("GetCallerIdentity", sts::account_id(&self.layers.sts)).await?;
        self.state().layers.account = Some(account.clone());
        Ok(account)
    }

    /// What each layer the profile enables needs before the metrics are read (cached reads).
    pub(super) async fn watch_layers(&self, problems: &mut Vec<String>) -> LayerWatch {
        let p = &self.settings.platform;
        let domain = &p.opensearch.domain;
        LayerWatch {
            firehose: self.watched_delivery_streams(problems).await,
            search: watched(!domain.is_empty(), self.account()).await.map(|account| (domain.clone(), account)),
            kafka: watched(!p.msk.cluster.is_empty(), self.watch_kafka()).await,
            sources: watched(p.sources.any(), self.read_sources()).await,
        }
    }

    /// The series the layers ask the refresh's one GetMetricData call for.
    pub(super) fn layer_keys(watch: &LayerWatch) -> Vec<SeriesKey> {
        let mut keys = Self::firehose_keys(&watch.firehose);
        if let Some((domain, Ok(account))) = &watch.search {
            keys.extend(Self::search_keys(domain, account));
        }
        if let Some(Ok(kafka)) = &watch.kafka {
            keys.extend(kafka.keys());
        }
        if let Some(Ok(sources)) = &watch.sources {
            keys.extend(sources.keys());
        }
        keys
    }

    /// Each layer from its details and what GetMetricData brought.
    pub(super) async fn read_layers(
        &self,
        watch: LayerWatch,
        store: &MetricStore,
        now_s: i64,
        problems: &mut Vec<String>,
    ) -> LayerReadings {
        let p = &self.settings.platform;
        let delivery = self.firehose_status(&watch.firehose, store, now_s);
        let firehose = watched(!watch.firehose.is_empty(), delivery).await;
        let opensearch = match watch.search {
            None => None,
            Some((domain, account)) => {
                if let Err(e) = &account {
                    problems.push(format!("OpenSearch metrics not read: they need the account id: {e}"));
                }
                let read = self.search_status(&domain, account.ok().as_deref(), store, now_s).await;
                Some(read.map_err(|e| e.to_string()))
            }
        };
        let quicksight = watched(!p.quicksight.datasets.is_empty(), self.quicksight_status()).await;
        let msk = watch.kafka.map(|k| k.map(|k| k.status(&p.msk.consumer_groups, store, now_s)));
        let expected = p.sources.expect_within_minutes;
        let sources = watch.sources.map(|s| s.map(|s| s.status(expected, store, now_s)));
        LayerReadings {
            msk: reading(msk),
            sources: reading(sources),
            firehose: reading(firehose),
            opensearch: reading(opensearch),
            quicksight: reading(quicksight),
        }
    }
}
