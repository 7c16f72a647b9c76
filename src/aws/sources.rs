//! The landing zone's sources on AWS, read at most once a minute: DMS replication tasks (their
//! CDC latency from `AWS/DMS` in the one GetMetricData call), DataSync tasks with their newest
//! execution and newest success, AppFlow flows with their newest run and newest success.

use std::time::Instant;

use super::layers::fresh;
use super::workflows::LATEST_TTL;
use super::{appflow, datasync, dms, AwsPlatform, DISCOVERY_TTL};
use crate::model::*;
use crate::ops::metrics::{MetricStore, SeriesKey};
use crate::ops::series::{DmsTaskKeys, LAYER_GAUGES_FRESH_SECONDS};
use crate::platform::PlatformError;

/// The sources as read, with what each DMS task's metrics are keyed by: (its place in
/// `sources`, the replication instance's identifier, the task's resource id).
#[derive(Debug, Clone)]
pub(super) struct SourcesRead {
    sources: Vec<IngestSource>,
    dms: Vec<(usize, String, String)>,
}

impl SourcesRead {
    pub fn keys(&self) -> Vec<SeriesKey> {
        self.dms.iter().flat_map(|(_, instance, task)| DmsTaskKeys::new(instance, task).all()).collect()
    }

    pub fn status(mut self, expect_within_minutes: u64, store: &MetricStore, now_s: i64) -> SourcesStatus {
        for (i, instance, task) in &self.dms {
            let k = DmsTaskKeys::new(instance, task);
            if let Some(source) = self.sources.get_mut(*i) {
                source.cdc_latency_source =
                    store.latest_within(&k.cdc_latency_source, now_s, LAYER_GAUGES_FRESH_SECONDS);
                source.cdc_latency_target =
                    store.latest_within(&k.cdc_latency_target, now_s, LAYER_GAUGES_FRESH_SECONDS);
            }
        }
        SourcesStatus { sources: self.sources, expect_within_minutes }
    }
}

impl AwsPlatform {
    /// Every source of the profile, in its order: DMS tasks, DataSync tasks, AppFlow flows.
    pub(super) async fn read_sources(&self) -> Result<SourcesRead, PlatformError> {
        if let Some(read) = fresh(&self.state().layers.sources, LATEST_TTL) {
            return Ok(read);
        }
        let s = &self.settings.platform.sources;
        let mut read = SourcesRead { sources: Vec::new(), dms: Vec::new() };
        if !s.dms_tasks.is_empty() {
            let now = chrono::Utc::now();
            let tasks = self.call("DescribeReplicationTasks", dms::tasks(&self.layers.dms, &s.dms_tasks, now)).await?;
            let instances = self.dms_instances(&tasks).await?;
            for id in &s.dms_tasks {
                let Some(task) = tasks.iter().find(|t| &t.source.name == id) else {
                    read.sources.push(IngestSource::missing(SourceKind::Dms, id));
                    continue;
                };
                let instance = task.instance_arn.as_ref().and_then(|arn| instances.iter().find(|(a, _)| a == arn));
                if let (Some((_, instance)), Some(resource)) = (instance, &task.resource_id) {
                    read.dms.push((read.sources.len(), instance.clone(), resource.clone()));
                }
                read.sources.push(task.source.clone());
            }
        }
        for name in &s.datasync_tasks {
            read.sources.push(self.datasync_source(name).await?);
        }
        for name in &s.appflow_flows {
            let mut flow = self.call("DescribeFlow", appflow::describe(&self.layers.appflow, name)).await?;
            if flow.exists {
                let (newest, success) =
                    self.call("DescribeFlowExecutionRecords", appflow::runs(&self.layers.appflow, name)).await?;
                flow.last_run = newest.or(flow.last_run);
                flow.last_success = success;
            }
            read.sources.push(flow);
        }
        self.state().layers.sources = Some((Instant::now(), read.clone()));
        Ok(read)
    }

    /// The identifiers of the tasks' replication instances as (ARN, identifier), from the cache
    /// when it holds them all.
    async fn dms_instances(&self, tasks: &[dms::DmsTask]) -> Result<Vec<(String, String)>, PlatformError> {
        let mut arns: Vec<String> = tasks.iter().filter_map(|t| t.instance_arn.clone()).collect();
        arns.sort();
        arns.dedup();
        let cached = fresh(&self.state().layers.dms_instances, DISCOVERY_TTL);
        if let Some(known) = cached.filter(|known| arns.iter().all(|a| known.iter().any(|(k, _)| k == a))) {
            return Ok(known);
        }
        if arns.is_empty() {
            return Ok(Vec::new());
        }
        let found =
            self.call("DescribeReplicationInstances", dms::instance_identifiers(&self.layers.dms, &arns)).await?;
        self.state().layers.dms_instances = Some((Instant::now(), found.clone()));
        Ok(found)
    }

    /// The ARN of the DataSync task the profile names `name` (its Name tag, or its ARN), from
    /// the region's task list (ListTasks, reused for `DISCOVERY_TTL`); `None` when no task has it.
    pub(super) async fn datasync_arn(&self, name: &str) -> Result<Option<String>, PlatformError> {
        if name.starts_with("arn:") {
            return Ok(Some(name.to_string()));
        }
        let cached = fresh(&self.state().layers.datasync_tasks, DISCOVERY_TTL);
        let tasks = match cached {
            Some(tasks) => tasks,
            None => {
                let tasks = self.call("ListTasks", datasync::tasks(&self.layers.datasync)).await?;
                self.state().layers.datasync_tasks = Some((Instant::now(), tasks.clone()));
                tasks
            }
        };
        Ok(tasks.into_iter().find(|(n, _)| n == name).map(|(_, arn)| arn))
    }

    /// A DataSync task (by name or ARN) with its current execution and its newest success:
    /// ListTaskExecutions is read only when the current execution did not succeed.
    async fn datasync_source(&self, name: &str) -> Result<IngestSource, PlatformError> {
        let client = &self.layers.datasync;
        let missing = || IngestSource::missing(SourceKind::DataSync, name);
        let Some(arn) = self.datasync_arn(name).await? else { return Ok(missing()) };
        let Some(task) = self.call("DescribeTask", datasync::task(client, &arn)).await? else { return Ok(missing()) };
        let mut last_run = match &task.current_execution {
            Some(x) => Some(self.call("DescribeTaskExecution", datasync::execution(client, x)).await?),
            None => None,
        };
        let mut success = last_run.clone().filter(|r| r.status == "SUCCESS");
        if success.is_none() {
            // `None`: the endpoint lists no executions (moto); the current one is all there is.
            let listed = self.call("ListTaskExecutions", datasync::executions(client, &arn)).await?.unwrap_or_default();
            if last_run.is_none() {
                if let Some((newest, _)) = listed.last() {
                    last_run = Some(self.call("DescribeTaskExecution", datasync::execution(client, newest)).await?);
                }
            }
            success = last_run.clone().filter(|r| r.status == "SUCCESS");
            let newest_success = listed.iter().rev().find(|(_, status)| status == "SUCCESS").map(|(x, _)| x);
            if let Some(x) = newest_success.filter(|_| success.is_none()) {
                success = Some(self.call("DescribeTaskExecution", datasync::execution(client, x)).await?);
            }
        }
        Ok(IngestSource {
            kind: SourceKind::DataSync,
            name: name.to_string(),
            exists: true,
            status: task.status,
            status_reason: task.error,
            trigger: None,
            last_run,
            last_success: success.and_then(|r| r.ended.or(r.started)),
            cdc_latency_source: None,
            cdc_latency_target: None,
            tables_errored: None,
        })
    }
}
