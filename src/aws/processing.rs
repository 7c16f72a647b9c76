//! The processing layer on AWS: which EMR clusters or EMR Serverless application are watched
//! (by the profile's name, found once in a while), their health for the overview (CloudWatch
//! gauges plus the newest step or job run), and what `:emr` and `lakeops emr` list and change.

use std::time::Instant;

use super::workflows::LATEST_TTL;
use super::{emr, emr_serverless, AwsPlatform, DISCOVERY_TTL};
use crate::model::*;
use crate::ops::metrics::{MetricStore, SeriesKey};
use crate::ops::series::{ApplicationKeys, ClusterKeys, CLUSTER_GAUGES_FRESH_SECONDS};
use crate::platform::PlatformError;

/// What the profile's EMR name points at.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum WatchedEmr {
    Off,
    /// The live clusters of that name, newest first.
    Clusters(Vec<String>),
    /// The Serverless applications of that name (without their runs).
    Applications(Vec<EmrApplication>),
}

/// A cluster with its newest steps, as the overview keeps it for `LATEST_TTL`.
pub(super) type CachedCluster = Option<ClusterDetail>;

impl AwsPlatform {
    /// The watched clusters or applications, found by name at most every `DISCOVERY_TTL`.
    pub(super) async fn watched_emr(&self) -> Result<WatchedEmr, PlatformError> {
        let emr = &self.settings.platform.emr;
        if emr.mode == EmrMode::Off {
            return Ok(WatchedEmr::Off);
        }
        if let Some((_, found)) = self.state().emr_found.clone().filter(|(at, _)| at.elapsed() < DISCOVERY_TTL) {
            return Ok(found);
        }
        let found = match emr.mode {
            EmrMode::Serverless => WatchedEmr::Applications(
                self.call("ListApplications", emr_serverless::applications_named(&self.emr_serverless, &emr.name))
                    .await?,
            ),
            _ => WatchedEmr::Clusters(self.call("ListClusters", emr::clusters_named(&self.emr, &emr.name)).await?),
        };
        self.state().emr_found = Some((Instant::now(), found.clone()));
        Ok(found)
    }

    /// The series the overview's one GetMetricData call asks for.
    pub(super) fn processing_keys(watched: &WatchedEmr) -> Vec<SeriesKey> {
        match watched {
            WatchedEmr::Off => Vec::new(),
            WatchedEmr::Clusters(ids) => ids.iter().flat_map(|id| ClusterKeys::new(id).all()).collect(),
            WatchedEmr::Applications(apps) => apps.iter().flat_map(|a| ApplicationKeys::new(&a.id).all()).collect(),
        }
    }

    /// The overview's Processing layer from what GetMetricData brought and each cluster's newest
    /// step (or each application's newest job run), read at most every `LATEST_TTL`.
    pub(super) async fn processing_status(
        &self,
        watched: &WatchedEmr,
        store: &MetricStore,
        now_s: i64,
    ) -> Result<ProcessingStatus, PlatformError> {
        let mut status = self.settings.platform.emr.empty_status();
        let latest = |k: &SeriesKey| store.latest_within(k, now_s, CLUSTER_GAUGES_FRESH_SECONDS);
        match watched {
            WatchedEmr::Off => {}
            WatchedEmr::Clusters(ids) => {
                for id in ids {
                    let Some(detail) = self.latest_cluster(id).await? else { continue };
                    let k = ClusterKeys::new(id);
                    status.clusters.push(ClusterHealth {
                        is_idle: latest(&k.is_idle).map(|v| v >= 1.0),
                        apps_failed: latest(&k.apps_failed),
                        apps_pending: latest(&k.apps_pending),
                        apps_running: latest(&k.apps_running),
                        hdfs_utilization: latest(&k.hdfs_utilization),
                        unhealthy_nodes: latest(&k.unhealthy_nodes),
                        latest_step: detail.steps.into_iter().next(),
                        cluster: detail.cluster,
                    });
                }
            }
            WatchedEmr::Applications(apps) => {
                for app in apps {
                    let k = ApplicationKeys::new(&app.id);
                    status.applications.push(ApplicationHealth {
                        application: self.latest_application(app).await?,
                        failed_jobs: store.sum_since(&k.failed_jobs, now_s, 60),
                        running_jobs: store.latest(&k.running_jobs, now_s),
                    });
                }
            }
        }
        Ok(status)
    }

    async fn latest_cluster(&self, id: &str) -> Result<CachedCluster, PlatformError> {
        let cached = self.state().emr_latest.get(id).cloned();
        if let Some((_, detail)) = cached.filter(|(at, _)| at.elapsed() < LATEST_TTL) {
            return Ok(detail);
        }
        let detail = self.read_emr_cluster(id).await?;
        self.state().emr_latest.insert(id.to_string(), (Instant::now(), detail.clone()));
        Ok(detail)
    }

    async fn latest_application(&self, app: &EmrApplication) -> Result<EmrApplication, PlatformError> {
        let cached = self.state().emr_latest_runs.get(&app.id).cloned();
        if let Some((_, runs)) = cached.filter(|(at, _)| at.elapsed() < LATEST_TTL) {
            return Ok(EmrApplication { job_runs: runs, ..app.clone() });
        }
        let runs = self.call("ListJobRuns", emr_serverless::job_runs(&self.emr_serverless, &app.id, 1)).await?;
        self.state().emr_latest_runs.insert(app.id.clone(), (Instant::now(), runs.clone()));
        Ok(EmrApplication { job_runs: runs, ..app.clone() })
    }

    /// What `:emr` and `lakeops emr` show: the clusters (with their instance groups) or the
    /// applications (with their newest job runs), read afresh.
    pub(super) async fn read_emr(&self) -> Result<EmrOverview, PlatformError> {
        let emr = &self.settings.platform.emr;
        self.state().emr_found = None;
        let mut overview = EmrOverview::default();
        match self.watched_emr().await? {
            WatchedEmr::Off => {}
            WatchedEmr::Clusters(ids) => {
                for id in ids {
                    overview.clusters.extend(self.read_emr_cluster(&id).await?);
                }
                if overview.clusters.is_empty() {
                    overview.warnings.push(format!("no live EMR cluster named {} (ListClusters)", emr.name));
                }
            }
            WatchedEmr::Applications(apps) => {
                for mut app in apps {
                    let limit = emr_serverless::JOB_RUNS_READ;
                    app.job_runs = self
                        .call("ListJobRuns", emr_serverless::job_runs(&self.emr_serverless, &app.id, limit))
                        .await?;
                    overview.applications.push(app);
                }
                if overview.applications.is_empty() {
                    overview
                        .warnings
                        .push(format!("EMR Serverless application {} not found: is the stack provisioned?", emr.name));
                }
            }
        }
        Ok(overview)
    }

    /// One cluster with its newest steps, its idle time worked out from them.
    pub(super) async fn read_emr_cluster(&self, id: &str) -> Result<Option<ClusterDetail>, PlatformError> {
        let Some((mut cluster, fleets)) = self.call("DescribeCluster", emr::cluster(&self.emr, id)).await? else {
            return Ok(None);
        };
        let groups = if fleets { "ListInstanceFleets" } else { "ListInstanceGroups" };
        cluster.instance_groups = self.call(groups, emr::instance_groups(&self.emr, id, fleets)).await?;
        let steps = self.call("ListSteps", emr::steps(&self.emr, id, false)).await?.unwrap_or_default();
        cluster.idle_since = idle_since(&cluster, &steps);
        Ok(Some(ClusterDetail { cluster, steps }))
    }

    /// Makes an EMR change; the overview's cluster reading is read afresh after it.
    pub(super) async fn change_emr(&self, change: &EmrChange) -> Result<Applied, PlatformError> {
        let applied = match change {
            EmrChange::AddStep { cluster_id, step } => emr::add_step(&self.emr, cluster_id, step).await,
            EmrChange::CancelStep { cluster_id, step_id } => emr::cancel_step(&self.emr, cluster_id, step_id).await,
            EmrChange::Terminate { cluster_id, .. } => emr::terminate(&self.emr, cluster_id).await,
        };
        let mut state = self.state();
        state.emr_latest.clear();
        state.emr_found = None;
        applied
    }
}
