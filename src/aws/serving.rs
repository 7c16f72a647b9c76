//! The serving layers on AWS: the OpenSearch domain (DescribeDomain once a minute, its health
//! from `AWS/ES` in the one GetMetricData call) and QuickSight's SPICE datasets (ListIngestions
//! once a minute each).

use std::time::Instant;

use super::layers::fresh;
use super::workflows::LATEST_TTL;
use super::{opensearch, quicksight, AwsPlatform};
use crate::model::*;
use crate::ops::metrics::{MetricStore, SeriesKey};
use crate::ops::series::{SearchKeys, LAYER_GAUGES_FRESH_SECONDS};
use crate::platform::PlatformError;

impl AwsPlatform {
    pub(super) fn search_keys(domain: &str, account: &str) -> Vec<SeriesKey> {
        SearchKeys::new(domain, account).all()
    }

    /// The domain's configuration with its health; without the account id, its configuration
    /// alone (the metrics are keyed by it).
    pub(super) async fn search_status(
        &self,
        name: &str,
        account: Option<&str>,
        store: &MetricStore,
        now_s: i64,
    ) -> Result<SearchDomain, PlatformError> {
        let cached = fresh(&self.state().layers.domain, LATEST_TTL);
        let described = match cached {
            Some(described) => described,
            None => {
                let described =
                    self.call("DescribeDomain", opensearch::describe(&self.layers.opensearch, name)).await?;
                self.state().layers.domain = Some((Instant::now(), described.clone()));
                described
            }
        };
        let Some(mut domain) = described else { return Ok(SearchDomain::missing(name)) };
        let Some(account) = account else { return Ok(domain) };
        let k = SearchKeys::new(name, account);
        let gauge = |key: &SeriesKey| store.latest_within(key, now_s, LAYER_GAUGES_FRESH_SECONDS);
        let on = |key: &SeriesKey| gauge(key).map(|v| v >= 1.0);
        domain.color = match (on(&k.red), on(&k.yellow), on(&k.green)) {
            (Some(true), _, _) => Some(ClusterColor::Red),
            (_, Some(true), _) => Some(ClusterColor::Yellow),
            (_, _, Some(true)) => Some(ClusterColor::Green),
            _ => None,
        };
        domain.free_storage_mb = gauge(&k.free_storage);
        domain.jvm_memory_pressure = gauge(&k.jvm_pressure);
        domain.cpu_percent = gauge(&k.cpu);
        domain.errors_5xx = store.latest(&k.errors_5xx, now_s);
        domain.writes_blocked = on(&k.writes_blocked).unwrap_or(false);
        domain.snapshot_failures = gauge(&k.snapshot_failure);
        Ok(domain)
    }

    /// Each of the profile's SPICE datasets with its newest refreshes.
    pub(super) async fn quicksight_status(&self) -> Result<QuicksightStatus, PlatformError> {
        let q = &self.settings.platform.quicksight;
        let cached = fresh(&self.state().layers.spice, LATEST_TTL);
        let datasets = match cached {
            Some(datasets) => datasets,
            None => {
                let account = self.account().await?;
                let mut datasets = Vec::new();
                for id in &q.datasets {
                    let read = quicksight::dataset(&self.layers.quicksight, &account, id);
                    datasets.push(self.call("ListIngestions", read).await?);
                }
                self.state().layers.spice = Some((Instant::now(), datasets.clone()));
                datasets
            }
        };
        Ok(QuicksightStatus { datasets, refresh_within_hours: q.refresh_within_hours })
    }
}
