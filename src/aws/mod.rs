//! The AWS backend: the official AWS SDK for Rust, clients built once from the profile.

mod backoff;
mod client;
pub mod cloudtrail;
mod cloudwatch;
mod errors;
pub mod glue;
mod kinesis;
pub mod logs;
mod peek;
mod sqs;

use std::sync::Mutex;
use std::time::{Duration, Instant};

use async_trait::async_trait;

pub use client::ClientOptions;

use crate::model::*;
use crate::ops::metrics::{MetricStore, SeriesKey, Stat};
use crate::platform::{BackendInfo, Platform, PlatformError};
use crate::settings::Settings;

/// ListStreams allows 5 calls a second per account: the discovered list is reused this long.
const DISCOVERY_TTL: Duration = Duration::from_secs(300);
/// A stream's summary is read at most this often by the overview; the detail and resharding
/// always read afresh.
const SUMMARY_TTL: Duration = Duration::from_secs(30);
/// DescribeStreamSummary calls one refresh may make (the API allows 20 a second per account):
/// with hundreds of streams, the list fills in over a few refreshes.
const SUMMARIES_PER_REFRESH: usize = 20;
/// The overview's CloudTrail row (writes in the last hour) is looked up at most this often:
/// LookupEvents allows 2 calls a second per account, shared with the audit view and people.
const AUDIT_ROW_TTL: Duration = Duration::from_secs(60);
/// The catalog changes with crawls and ETL runs, hourly: reading it every few minutes is plenty.
const CATALOG_TTL: Duration = Duration::from_secs(300);

pub struct AwsPlatform {
    settings: Settings,
    kinesis: aws_sdk_kinesis::Client,
    cloudwatch: aws_sdk_cloudwatch::Client,
    cloudtrail: aws_sdk_cloudtrail::Client,
    glue: aws_sdk_glue::Client,
    logs: aws_sdk_cloudwatchlogs::Client,
    sqs: aws_sdk_sqs::Client,
    state: Mutex<State>,
}

/// Glue job names and crawler names.
type GlueNames = (Vec<String>, Vec<String>);

#[derive(Default)]
struct State {
    metrics: MetricStore,
    discovered: Option<(Instant, Vec<String>)>,
    /// Glue jobs and crawlers in the region, with `discover = true`.
    discovered_glue: Option<(Instant, GlueNames)>,
    /// The overview's CloudTrail row, reused for `AUDIT_ROW_TTL`.
    audit_row: Option<(Instant, AuditStatus)>,
    /// Firehose delivery streams that publish metrics, from ListMetrics.
    firehose: Option<(Instant, Vec<String>)>,
    /// The catalog, read at most every `CATALOG_TTL` (partition counts page through GetPartitions).
    catalog: Option<(Instant, Option<CatalogDatabase>)>,
    /// DescribeStreamSummary answers (`None`: the stream does not exist), reused for
    /// `SUMMARY_TTL`: the API allows 20 calls a second per account, shared with every tool.
    summaries: std::collections::HashMap<String, (Instant, Option<StreamStatus>)>,
    backoff: backoff::Backoff,
}

impl AwsPlatform {
    pub async fn connect(settings: &Settings, options: ClientOptions) -> AwsPlatform {
        let config = client::sdk_config(&settings.aws, &options).await;
        AwsPlatform {
            settings: settings.clone(),
            kinesis: aws_sdk_kinesis::Client::new(&config),
            cloudwatch: aws_sdk_cloudwatch::Client::new(&config),
            cloudtrail: aws_sdk_cloudtrail::Client::new(&config),
            glue: aws_sdk_glue::Client::new(&config),
            logs: client::logs_client(&config),
            sqs: aws_sdk_sqs::Client::new(&config),
            state: Mutex::new(State::default()),
        }
    }

    /// Uses `client` for CloudTrail: the tests of what moto does not serve (LookupEvents) run
    /// the real platform, back-off included, over a mocked client.
    #[doc(hidden)]
    pub fn with_cloudtrail(mut self, client: aws_sdk_cloudtrail::Client) -> AwsPlatform {
        self.cloudtrail = client;
        self
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        // The state is plain data; a panic elsewhere while it was held cannot leave it half-written
        // in a way that matters more than losing one refresh.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Whether `api` is backing off after throttling.
    fn held_back(&self, api: &'static str) -> Option<PlatformError> {
        let wait = self.state().backoff.wait(api, Instant::now())?;
        Some(PlatformError::Throttled {
            service: api.into(),
            message: format!("waiting {} s before calling it again", wait.as_secs() + 1),
        })
    }

    /// Notes the outcome of a call to `api` for back-off.
    fn outcome<T>(&self, api: &'static str, result: Result<T, PlatformError>) -> Result<T, PlatformError> {
        let mut state = self.state();
        match &result {
            Err(e) if e.is_throttling() => state.backoff.throttled(api, Instant::now()),
            Ok(_) => state.backoff.succeeded(api),
            Err(_) => {}
        }
        result
    }

    async fn call<T>(
        &self,
        api: &'static str,
        f: impl std::future::Future<Output = Result<T, PlatformError>>,
    ) -> Result<T, PlatformError> {
        if let Some(e) = self.held_back(api) {
            return Err(e);
        }
        let result = f.await;
        self.outcome(api, result)
    }

    /// Per-shard incoming rates from shard-level metrics (one GetMetricData call for the
    /// open shards, the last complete minutes).
    async fn shard_rates(&self, stream: &str, shards: &mut [ShardInfo], now_s: i64) -> Result<(), PlatformError> {
        let keys: Vec<SeriesKey> = shards
            .iter()
            .filter(|s| s.open)
            .map(|s| SeriesKey::new("AWS/Kinesis", "IncomingRecords", "StreamName", stream, Stat::Sum).for_shard(&s.id))
            .collect();
        let end = crate::ops::metrics::floor_minute(now_s);
        let window = crate::ops::metrics::Window { start: end - crate::ops::metrics::LATE_SECONDS, end };
        let data = self.call("GetMetricData", cloudwatch::fetch_window(&self.cloudwatch, &keys, window)).await?;
        for (key, points) in data {
            let latest = points.iter().max_by_key(|(t, _)| *t).map(|(_, v)| v / 60.0);
            if let Some(shard) = shards.iter_mut().find(|s| Some(&s.id) == key.shard.as_ref()) {
                shard.incoming_per_second = latest;
            }
        }
        Ok(())
    }

    /// The profile's stream, plus every stream in the region with `discover = true`.
    async fn watched_streams(&self) -> Result<Vec<String>, PlatformError> {
        let mut names = vec![self.settings.platform.stream.name.clone()];
        if self.settings.platform.discover {
            let cached = self.state().discovered.clone().filter(|(at, _)| at.elapsed() < DISCOVERY_TTL);
            let found = match cached {
                Some((_, found)) => found,
                None => {
                    let found = self.call("ListStreams", kinesis::list_streams(&self.kinesis)).await?;
                    self.state().discovered = Some((Instant::now(), found.clone()));
                    found
                }
            };
            for name in found {
                if !names.contains(&name) {
                    names.push(name);
                }
            }
        }
        Ok(names)
    }

    async fn streams(&self) -> Result<(Vec<StreamStatus>, Vec<String>), PlatformError> {
        let mut streams = Vec::new();
        let mut missing = Vec::new();
        let mut calls = 0;
        for name in self.watched_streams().await? {
            let cached = self.state().summaries.get(&name).cloned();
            let fresh = cached.as_ref().is_some_and(|(at, _)| at.elapsed() < SUMMARY_TTL);
            let summary = match cached {
                // Out of this refresh's budget: a stale summary stands in, a new stream waits.
                Some((_, summary)) if fresh || calls >= SUMMARIES_PER_REFRESH => summary,
                None if calls >= SUMMARIES_PER_REFRESH => continue,
                _ => {
                    calls += 1;
                    let summary = self.call("DescribeStreamSummary", kinesis::describe(&self.kinesis, &name)).await?;
                    self.state().summaries.insert(name.clone(), (Instant::now(), summary.clone()));
                    summary
                }
            };
            match summary {
                Some(s) => streams.push(s),
                None => missing.push(name),
            }
        }
        Ok((streams, missing))
    }
}

impl AwsPlatform {
    /// The profile's job and crawler, plus every one in the region with `discover = true`.
    async fn watched_glue(&self) -> Result<(Vec<String>, Vec<String>), PlatformError> {
        let g = &self.settings.platform.glue;
        let mut jobs = vec![g.job.clone()];
        let mut crawlers = vec![g.crawler.clone()];
        if self.settings.platform.discover {
            let cached = self.state().discovered_glue.clone().filter(|(at, _)| at.elapsed() < DISCOVERY_TTL);
            let (found_jobs, found_crawlers) = match cached {
                Some((_, found)) => found,
                None => {
                    let found = self.call("ListJobs", glue::list_names(&self.glue)).await?;
                    self.state().discovered_glue = Some((Instant::now(), found.clone()));
                    found
                }
            };
            jobs.extend(found_jobs.into_iter().filter(|j| *j != g.job));
            crawlers.extend(found_crawlers.into_iter().filter(|c| *c != g.crawler));
        }
        Ok((jobs, crawlers))
    }

    async fn catalog(&self) -> Result<Option<CatalogDatabase>, PlatformError> {
        if let Some((_, db)) = self.state().catalog.clone().filter(|(at, _)| at.elapsed() < CATALOG_TTL) {
            return Ok(db);
        }
        let db = self.call("GetTables", glue::database(&self.glue, &self.settings.platform.glue.database)).await?;
        self.state().catalog = Some((Instant::now(), db.clone()));
        Ok(db)
    }

    /// The overview's Glue row: the profile's job and crawler.
    async fn glue_status(&self) -> Result<GlueStatus, PlatformError> {
        let g = &self.settings.platform.glue;
        let job = self.glue_job(&g.job).await?;
        let crawler = self.glue_crawler(&g.crawler).await?;
        let summary = |r: &GlueRunDetail| JobRun {
            id: r.id.clone(),
            state: r.state.clone(),
            started: r.started,
            duration_seconds: r.duration_seconds,
            error: r.error.clone(),
        };
        let runs = job.as_ref().map(|j| j.runs.as_slice()).unwrap_or_default();
        Ok(GlueStatus {
            job: g.job.clone(),
            last_run: runs.first().map(summary),
            last_finished: runs.iter().find(|r| !r.is_active()).map(summary),
            crawler: g.crawler.clone(),
            crawler_state: crawler.as_ref().map(|c| c.state.clone()).unwrap_or_else(|| "NOT FOUND".into()),
            crawler_last_status: crawler.as_ref().and_then(|c| c.last_status.clone()),
            crawler_last_crawl: crawler.as_ref().and_then(|c| c.last_crawl),
        })
    }
}

impl AwsPlatform {
    /// Delivery streams publishing freshness (ListMetrics, reused for `DISCOVERY_TTL`); a
    /// failure leaves the list empty and is said once in the problems.
    async fn firehose_streams(&self, problems: &mut Vec<String>) -> Vec<String> {
        if let Some((_, names)) = self.state().firehose.clone().filter(|(at, _)| at.elapsed() < DISCOVERY_TTL) {
            return names;
        }
        match self.call("ListMetrics", cloudwatch::firehose_streams(&self.cloudwatch)).await {
            Ok(names) => {
                self.state().firehose = Some((Instant::now(), names.clone()));
                names
            }
            Err(e) => {
                problems.push(format!("Firehose delivery streams not listed: {e}"));
                Vec::new()
            }
        }
    }

    /// Write events of the last hour (one LookupEvents page of 50, ReadOnly=false).
    async fn audit_status(&self) -> Result<AuditStatus, PlatformError> {
        if let Some((_, row)) = self.state().audit_row.clone().filter(|(at, _)| at.elapsed() < AUDIT_ROW_TTL) {
            return Ok(row);
        }
        let query = AuditQuery {
            since: chrono::Utc::now() - chrono::Duration::hours(1),
            user: None,
            source: None,
            resource: None,
            writes_only: true,
            limit: 50,
        };
        let events = self.call("LookupEvents", cloudtrail::lookup(&self.cloudtrail, &query)).await?;
        let row = AuditStatus { write_events_last_hour: events.len() as u32, latest_write: events.into_iter().next() };
        self.state().audit_row = Some((Instant::now(), row.clone()));
        Ok(row)
    }

    /// The platform's alarms and the DLQ's depth (the DLQ's age and Firehose's freshness come
    /// from the snapshot's one GetMetricData call).
    async fn alarm_status(&self, store: &MetricStore, firehose: &[String], now_s: i64) -> Reading<AlarmStatus> {
        let p = &self.settings.platform;
        let alarms = match self
            .call("DescribeAlarms", cloudwatch::alarms(&self.cloudwatch, &p.stack_name, &p.alarms.names))
            .await
        {
            Ok(a) => a,
            Err(e) => return Reading::Unavailable { reason: e.to_string() },
        };
        let dlq = match self.call("GetQueueAttributes", sqs::depth(&self.sqs, &p.dlq.queue)).await {
            Ok(Some(mut d)) => {
                d.oldest_age_seconds = store.latest(&dlq_age_key(&p.dlq.queue), now_s);
                Reading::Ready { data: d }
            }
            Ok(None) => Reading::unavailable(format!("queue {} not found: is the stack provisioned?", p.dlq.queue)),
            Err(e) => Reading::Unavailable { reason: e.to_string() },
        };
        let firehose = firehose
            .iter()
            .map(|name| {
                let [freshness, success] = firehose_keys(name);
                FirehoseStatus {
                    name: name.clone(),
                    freshness_seconds: store.latest(&freshness, now_s),
                    success: store.latest(&success, now_s),
                }
            })
            .collect();
        let mut status = AlarmStatus { total: alarms.len() as u32, alarms, dlq, firehose };
        status.sort();
        Reading::Ready { data: status }
    }
}

/// The warehouse's series for the snapshot's call: [load, connections, disk, health].
fn redshift_keys(settings: &crate::settings::RedshiftSettings) -> Vec<SeriesKey> {
    use crate::settings::RedshiftMode;
    let name = settings.name.as_str();
    match settings.mode {
        RedshiftMode::Cluster => {
            let k = |metric, stat| SeriesKey::new("AWS/Redshift", metric, "ClusterIdentifier", name, stat);
            vec![
                k("CPUUtilization", Stat::Average),
                k("DatabaseConnections", Stat::Average),
                k("PercentageDiskSpaceUsed", Stat::Average),
                k("HealthStatus", Stat::Minimum),
            ]
        }
        RedshiftMode::Serverless => {
            let k = |metric, stat| SeriesKey::new("AWS/Redshift-Serverless", metric, "Workgroup", name, stat);
            vec![k("ComputeCapacity", Stat::Average), k("DatabaseConnections", Stat::Average)]
        }
        RedshiftMode::Off => Vec::new(),
    }
}

fn redshift_status(
    settings: &crate::settings::RedshiftSettings,
    store: &MetricStore,
    now_s: i64,
) -> Reading<RedshiftStatus> {
    use crate::settings::RedshiftMode;
    let keys = redshift_keys(settings);
    let latest = |i: usize| keys.get(i).and_then(|k| store.latest(k, now_s));
    let history = |i: usize| {
        keys.get(i).map(|k| store.history(k, now_s, crate::ops::metrics::HISTORY_SECONDS / 60)).unwrap_or_default()
    };
    let serverless = settings.mode == RedshiftMode::Serverless;
    match settings.mode {
        RedshiftMode::Off => Reading::NotWatched,
        _ => Reading::Ready {
            data: RedshiftStatus {
                name: settings.name.clone(),
                mode: if serverless { "serverless" } else { "cluster" }.into(),
                cpu_percent: if serverless { None } else { latest(0) },
                compute_rpu: if serverless { latest(0) } else { None },
                connections: latest(1),
                disk_used_percent: latest(2),
                healthy: latest(3).map(|v| v >= 1.0),
                history: RedshiftHistory { load: history(0), connections: history(1), disk_used_percent: history(2) },
            },
        },
    }
}

fn dlq_age_key(queue: &str) -> SeriesKey {
    SeriesKey::new("AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", queue, Stat::Maximum)
}

fn firehose_keys(name: &str) -> [SeriesKey; 2] {
    let k = |metric, stat| SeriesKey::new("AWS/Firehose", metric, "DeliveryStreamName", name, stat);
    [k("DeliveryToS3.DataFreshness", Stat::Maximum), k("DeliveryToS3.Success", Stat::Average)]
}

fn stream_keys(name: &str) -> [SeriesKey; 5] {
    let k = |metric, stat| SeriesKey::new("AWS/Kinesis", metric, "StreamName", name, stat);
    [
        k("IncomingRecords", Stat::Sum),
        k("IncomingBytes", Stat::Sum),
        k("GetRecords.IteratorAgeMilliseconds", Stat::Maximum),
        k("WriteProvisionedThroughputExceeded", Stat::Sum),
        k("ReadProvisionedThroughputExceeded", Stat::Sum),
    ]
}

fn function_keys(name: &str) -> [SeriesKey; 7] {
    let k = |metric, stat| SeriesKey::new("AWS/Lambda", metric, "FunctionName", name, stat);
    [
        k("Invocations", Stat::Sum),
        k("Errors", Stat::Sum),
        k("Throttles", Stat::Sum),
        k("Duration", Stat::Average),
        k("Duration", Stat::P99),
        k("IteratorAge", Stat::Maximum),
        k("ConcurrentExecutions", Stat::Maximum),
    ]
}

/// Layers whose AWS readers are not written yet say so, and where that work is tracked.
fn not_yet<T>(issue: u32) -> Reading<T> {
    Reading::unavailable(format!("not read from AWS yet: this layer's AWS reader comes with issue #{issue}"))
}

#[async_trait]
impl Platform for AwsPlatform {
    fn info(&self) -> BackendInfo {
        let aws = &self.settings.aws;
        let location = match &aws.endpoint_url {
            Some(url) => format!("{} via {}", aws.region, url),
            None => aws.region.clone(),
        };
        BackendInfo { backend: "aws", location }
    }

    async fn stream_facts(&self, stream: &str) -> Result<Option<StreamFacts>, PlatformError> {
        let Some((summary, extras)) =
            self.call("DescribeStreamSummary", kinesis::describe_full(&self.kinesis, stream)).await?
        else {
            return Ok(None);
        };
        let mut shards = self.call("ListShards", kinesis::list_shards(&self.kinesis, stream)).await?;
        let (limit, open) = self.call("DescribeLimits", kinesis::limits(&self.kinesis)).await?;
        let consumers = self.call("ListStreamConsumers", kinesis::consumers(&self.kinesis, &extras.arn)).await?;
        let now_s = chrono::Utc::now().timestamp();
        if extras.enhanced_monitoring {
            self.shard_rates(stream, &mut shards, now_s).await?;
        }
        let [records, ..] = stream_keys(stream);
        let peak = self.state().metrics.history(&records, now_s, 180).into_iter().map(|v| v / 60.0).reduce(f64::max);
        let mut warnings = Vec::new();
        let since = now_s - 86_400;
        let (scalings, switches) =
            match self.call("LookupEvents", cloudtrail::recent_changes(&self.cloudtrail, stream, since)).await {
                Ok(counts) => counts,
                Err(e) => {
                    warnings.push(format!("{e}: scalings in the last 24 h are counted from the local journal only"));
                    (0, 0)
                }
            };
        Ok(Some(StreamFacts {
            name: summary.name,
            status: summary.status,
            mode: summary.mode,
            shards,
            // The caller also counts the local journal and keeps the larger number.
            scalings_last_day: scalings,
            mode_switches_last_day: switches,
            account_shard_limit: Some(limit),
            account_open_shards: Some(open),
            peak_records_per_second: peak.filter(|p| *p > 0.0),
            enhanced_monitoring: extras.enhanced_monitoring,
            encryption: extras.encryption,
            consumers,
            warnings,
        }))
    }

    async fn audit_events(&self, query: &AuditQuery) -> Result<Vec<AuditEvent>, PlatformError> {
        self.call("LookupEvents", cloudtrail::lookup(&self.cloudtrail, query)).await
    }

    async fn function_logs(&self, query: &LogQuery) -> Result<Vec<LogEvent>, PlatformError> {
        self.call("FilterLogEvents", logs::filter(&self.logs, query)).await
    }

    async fn live_tail(
        &self,
        query: &LogQuery,
        on_events: &(dyn Fn(Vec<LogEvent>) -> bool + Send + Sync),
    ) -> Result<bool, PlatformError> {
        self.call("StartLiveTail", logs::live_tail(&self.logs, query, on_events)).await.map(|()| true)
    }

    async fn glue_overview(&self) -> Result<GlueOverview, PlatformError> {
        let (job_names, crawler_names) = self.watched_glue().await?;
        let mut warnings = Vec::new();
        let mut jobs = Vec::new();
        for name in job_names {
            match self.glue_job(&name).await? {
                Some(job) => jobs.push(job),
                None => warnings.push(format!("Glue job {name} not found: is the stack provisioned?")),
            }
        }
        let mut crawlers = Vec::new();
        for name in crawler_names {
            match self.glue_crawler(&name).await? {
                Some(c) => crawlers.push(c),
                None => warnings.push(format!("Glue crawler {name} not found: is the stack provisioned?")),
            }
        }
        if !crawlers.is_empty() {
            if let Err(e) = self.call("GetCrawlerMetrics", glue::crawler_metrics(&self.glue, &mut crawlers)).await {
                warnings.push(format!("tables added and updated by crawls not read: {e}"));
            }
        }
        let databases = match self.catalog().await {
            Ok(Some(db)) => vec![db],
            Ok(None) => {
                let name = &self.settings.platform.glue.database;
                warnings.push(format!("Glue database {name} not found: is the stack provisioned?"));
                vec![]
            }
            Err(e) => {
                warnings.push(format!("catalog not read: {e}"));
                vec![]
            }
        };
        Ok(GlueOverview { jobs, crawlers, databases, warnings })
    }

    async fn glue_job(&self, job: &str) -> Result<Option<GlueJob>, PlatformError> {
        let mut found = self.call("GetJob", glue::job(&self.glue, job)).await?;
        if let Some(j) = found.as_mut().filter(|_| job == self.settings.platform.glue.job) {
            j.schedule = Some(self.settings.platform.glue.schedule.clone());
        }
        Ok(found)
    }

    async fn glue_crawler(&self, crawler: &str) -> Result<Option<GlueCrawler>, PlatformError> {
        self.call("GetCrawler", glue::crawler(&self.glue, crawler)).await
    }

    async fn glue_change(&self, change: &GlueChange) -> Result<String, PlatformError> {
        glue::change(&self.glue, change).await
    }

    async fn set_enhanced_monitoring(&self, stream: &str, on: bool) -> Result<(), PlatformError> {
        kinesis::set_enhanced_monitoring(&self.kinesis, stream, on).await
    }

    async fn stream_metrics(&self, stream: &str, minutes: u32) -> Result<StreamSeries, PlatformError> {
        let end = crate::ops::metrics::floor_minute(chrono::Utc::now().timestamp());
        let window = crate::ops::metrics::Window { start: end - minutes as i64 * 60, end };
        let keys = stream_keys(stream);
        let data = self.call("GetMetricData", cloudwatch::fetch_window(&self.cloudwatch, &keys, window)).await?;
        let value = |i: usize, t: i64| {
            data[i].1.iter().find(|(ts, _)| crate::ops::metrics::floor_minute(*ts) == t).map(|(_, v)| *v)
        };
        let points = (0..minutes as i64)
            .map(|m| window.start + m * 60)
            .map(|t| StreamPoint {
                t,
                records_per_second: value(0, t).map(|v| v / 60.0),
                bytes_per_second: value(1, t).map(|v| v / 60.0),
                iterator_age_ms: value(2, t),
                write_throttled: value(3, t),
                read_throttled: value(4, t),
            })
            .collect();
        Ok(StreamSeries { period_seconds: 60, points })
    }

    async fn open_peek(&self, stream: &str, shard: Option<&str>, from: PeekFrom) -> Result<PeekCursor, PlatformError> {
        let shards = match shard {
            Some(id) => vec![id.to_string()],
            None => self
                .call("ListShards", kinesis::list_shards(&self.kinesis, stream))
                .await?
                .into_iter()
                .filter(|s| s.open)
                .map(|s| s.id)
                .collect(),
        };
        peek::open(&self.kinesis, stream, shards, from).await
    }

    async fn read_peek(&self, cursor: &mut PeekCursor, limit: usize) -> Result<Vec<PeekRecord>, PlatformError> {
        peek::read(&self.kinesis, cursor, limit).await
    }

    async fn reshard(&self, stream: &str, call: &ReshardCall) -> Result<(), PlatformError> {
        // The stream is UPDATING now: the overview must not show the cached ACTIVE summary.
        self.state().summaries.remove(stream);
        kinesis::reshard(&self.kinesis, stream, call).await
    }

    async fn snapshot(&self) -> Result<PlatformSnapshot, PlatformError> {
        let now = chrono::Utc::now();
        let now_s = now.timestamp();
        let mut problems = Vec::new();
        // Nothing can be shown without the streams: their failure fails the refresh.
        let (mut streams, missing) = self.streams().await?;
        if !missing.is_empty() && streams.is_empty() {
            problems.push(format!(
                "stream {} not found in {}: is the stack provisioned?",
                missing.join(", "),
                self.settings.aws.region
            ));
        }

        let function = self.settings.platform.lambda.function.clone();
        let mut keys: Vec<SeriesKey> = streams.iter().flat_map(|s| stream_keys(&s.name)).collect();
        keys.extend(function_keys(&function));
        keys.push(dlq_age_key(&self.settings.platform.dlq.queue));
        keys.extend(redshift_keys(&self.settings.platform.redshift));
        let firehose = self.firehose_streams(&mut problems).await;
        keys.extend(firehose.iter().flat_map(|name| firehose_keys(name)));
        let store = self.state().metrics.clone();
        match self.call("GetMetricData", cloudwatch::fetch(&self.cloudwatch, &store, &keys, now_s)).await {
            Ok((window, data)) => {
                let mut state = self.state();
                for (key, points) in data {
                    state.metrics.record(&key, window, points);
                }
            }
            Err(e) => problems.push(format!("metrics not refreshed: {e}")),
        }

        let store = &self.state().metrics.clone();
        let latest = |k: &SeriesKey| store.latest(k, now_s);
        for s in &mut streams {
            let [records, bytes, age, write, read] = stream_keys(&s.name);
            s.incoming_records_per_second = latest(&records).map(|v| v / 60.0);
            s.incoming_bytes_per_second = latest(&bytes).map(|v| v / 60.0);
            s.incoming_history = store.history(&records, now_s, 180).into_iter().map(|v| v / 60.0).collect();
            s.iterator_age_ms = latest(&age);
            s.iterator_age_ms_before = store.earlier(&age, now_s, 10);
            s.write_throttled = latest(&write);
            s.read_throttled = latest(&read);
        }
        let [invocations, errors, throttles, duration, p99, age, concurrency] = function_keys(&function);
        let history = |k: &SeriesKey| store.history(k, now_s, crate::ops::metrics::HISTORY_SECONDS / 60);
        let function = FunctionStatus {
            name: function.clone(),
            invocations_per_minute: latest(&invocations),
            errors_per_minute: latest(&errors).or(latest(&invocations).map(|_| 0.0)),
            throttles_per_minute: latest(&throttles),
            duration_ms: latest(&duration),
            duration_p99_ms: latest(&p99),
            iterator_age_ms: latest(&age),
            concurrency: latest(&concurrency),
            history: FunctionHistory {
                invocations: history(&invocations),
                errors: history(&errors),
                throttles: history(&throttles),
                duration_ms: history(&duration),
                duration_p99_ms: history(&p99),
                iterator_age_ms: history(&age),
                concurrency: history(&concurrency),
            },
        };

        let alarms = self.alarm_status(store, &firehose, now_s).await;
        let glue = match self.glue_status().await {
            Ok(g) => Reading::Ready { data: g },
            Err(e) => Reading::Unavailable { reason: e.to_string() },
        };
        Ok(PlatformSnapshot {
            taken_at: now,
            streams: Reading::Ready { data: streams },
            function: Reading::Ready { data: function },
            lake: Reading::unavailable(
                "the S3 zones are not read on AWS (their storage metrics are daily); the DLQ is under Alarms",
            ),
            glue,
            redshift: redshift_status(&self.settings.platform.redshift, store, now_s),
            athena: not_yet(5),
            audit: match self.audit_status().await {
                Ok(row) => Reading::Ready { data: row },
                Err(e) => Reading::Unavailable { reason: e.to_string() },
            },
            alarms,
            problems,
        })
    }
}
