//! The AWS backend: the official AWS SDK for Rust, clients built once from the profile.

mod appflow;
pub mod athena;
mod backoff;
mod changes;
pub(crate) mod client;
pub mod cloudtrail;
mod cloudwatch;
mod datasync;
mod delivery;
mod dms;
mod emr;
mod emr_serverless;
mod errors;
mod firehose;
pub mod glue;
mod glue_quality;
mod glue_workflows;
mod governance;
mod kafka;
mod kinesis;
mod lakeformation;
mod landed;
mod layers;
mod limits;
pub mod logs;
mod msk;
mod names;
mod opensearch;
mod overview;
mod peek;
mod processing;
mod quicksight;
mod rerun;
mod serving;
mod sfn;
mod sources;
mod sqs;
pub mod stack;
mod staging;
mod sts;
mod workflows;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;

pub use client::ClientOptions;

use crate::model::*;
use crate::ops::metrics::{MetricStore, SeriesKey, Stat};
use crate::ops::series::StreamKeys;
use crate::platform::{BackendInfo, Permit, Platform, PlatformError};
use crate::settings::Settings;

/// An SDK time as UTC (`None` stays `None`, as does a time chrono cannot hold).
fn utc(t: Option<&aws_smithy_types::DateTime>) -> Option<chrono::DateTime<chrono::Utc>> {
    t.and_then(|t| chrono::DateTime::from_timestamp(t.secs(), t.subsec_nanos()))
}

/// Mocked clients for the layers moto does not serve (tests); `None` keeps the real one.
#[doc(hidden)]
#[derive(Default)]
pub struct MockedLayers {
    pub appflow: Option<aws_sdk_appflow::Client>,
    pub quicksight: Option<aws_sdk_quicksight::Client>,
    pub lakeformation: Option<aws_sdk_lakeformation::Client>,
    pub datasync: Option<aws_sdk_datasync::Client>,
}

/// ListStreams allows 5 calls a second per account: the discovered list is reused this long.
const DISCOVERY_TTL: Duration = Duration::from_secs(300);

pub struct AwsPlatform {
    settings: Settings,
    kinesis: aws_sdk_kinesis::Client,
    cloudwatch: aws_sdk_cloudwatch::Client,
    cloudtrail: aws_sdk_cloudtrail::Client,
    glue: aws_sdk_glue::Client,
    logs: aws_sdk_cloudwatchlogs::Client,
    sqs: aws_sdk_sqs::Client,
    athena: aws_sdk_athena::Client,
    athena_batching: athena::Batching,
    cloudformation: aws_sdk_cloudformation::Client,
    sfn: aws_sdk_sfn::Client,
    emr: aws_sdk_emr::Client,
    emr_serverless: aws_sdk_emrserverless::Client,
    /// Lake Formation, Firehose, OpenSearch, MSK, DMS, DataSync, AppFlow, QuickSight, STS.
    layers: client::LayerClients,
    state: Mutex<State>,
    /// Each API's calls a second and in flight (`limits`): reads made side by side stay inside
    /// AWS's rate limits, the SDK's own retries counted (every client carries `RetriesCounted`).
    limiter: Arc<limits::Limiter>,
    /// The billed reads made so far (GetMetricData's metrics).
    ledger: crate::platform::UsageLedger,
}

/// Glue job names and crawler names.
type GlueNames = (Vec<String>, Vec<String>);

#[derive(Default)]
struct State {
    metrics: MetricStore,
    /// The region's streams as ListStreams lists them, with `discover = true`.
    discovered: Option<(Instant, Vec<kinesis::Listed>)>,
    /// Glue jobs and crawlers in the region, with `discover = true`.
    discovered_glue: Option<(Instant, GlueNames)>,
    /// The overview's CloudTrail and Athena rows, reused for a minute.
    audit_row: Option<(Instant, AuditStatus)>,
    athena_row: Option<(Instant, AthenaStatus)>,
    /// The catalog, read at most every `CATALOG_TTL` (partition counts page through GetPartitions).
    catalog: Option<(Instant, Option<CatalogDatabase>)>,
    /// Glue Data Quality's rulesets and newest results (or why not read), for `CATALOG_TTL`.
    quality: Option<(Instant, Result<glue_quality::Quality, String>)>,
    /// DescribeStreamSummary answers (`None`: the stream does not exist), reused for
    /// `SUMMARY_TTL`: the API allows 20 calls a second per account, shared with every tool.
    summaries: std::collections::HashMap<String, (Instant, Option<StreamStatus>)>,
    /// Open shards counted by ListShards for the streams whose turn to be described has not
    /// come this refresh, reused for `SUMMARY_TTL`.
    counted: std::collections::HashMap<String, (Instant, u32)>,
    /// Each stream's changes counted from CloudTrail, reused for `cloudtrail::RECENT_CHANGES_TTL`.
    recent_changes: std::collections::HashMap<String, (Instant, cloudtrail::RecentChanges)>,
    /// The region's state machines (name, ARN), reused for `DISCOVERY_TTL`.
    state_machines: Option<(Instant, Vec<(String, String)>)>,
    /// Each watched state machine's newest execution, reused for `workflows::LATEST_TTL`.
    /// Each state machine's newest execution and how many run now, read at that instant.
    latest_executions: std::collections::HashMap<String, (Instant, (Option<Execution>, u32))>,
    /// Each watched Glue workflow with its newest run, reused for `workflows::LATEST_TTL`.
    latest_glue_runs: std::collections::HashMap<String, (Instant, GlueWorkflow)>,
    /// The clusters or applications of the profile's EMR name, reused for `DISCOVERY_TTL`.
    emr_found: Option<(Instant, processing::WatchedEmr)>,
    /// Each watched cluster with its newest steps, reused for `workflows::LATEST_TTL`.
    emr_latest: std::collections::HashMap<String, (Instant, processing::CachedCluster)>,
    /// Each watched application's newest job run, reused for `workflows::LATEST_TTL`.
    emr_latest_runs: std::collections::HashMap<String, (Instant, Vec<EmrJobRun>)>,
    /// The governance, serving and ingestion layers' caches.
    layers: layers::LayerCache,
    backoff: backoff::Backoff,
    /// Calls made per API, for the budget tests.
    calls: std::collections::HashMap<&'static str, u32>,
    /// Calls the endpoint answered (successes and the service's own errors) and calls that could
    /// not reach it, with the latest such failure: a refresh in which nothing was answered read
    /// nothing, whatever its caches still hold.
    answered: u64,
    unreached: u64,
    last_unreached: Option<PlatformError>,
}

impl AwsPlatform {
    pub async fn connect(settings: &Settings, options: ClientOptions) -> AwsPlatform {
        let config = client::sdk_config(&settings.aws, &options).await;
        let limiter = Arc::new(limits::Limiter::default());
        let retries = limits::RetriesCounted(limiter.clone());
        AwsPlatform {
            settings: settings.clone(),
            kinesis: client::counted!(aws_sdk_kinesis, &config, retries),
            cloudwatch: client::counted!(aws_sdk_cloudwatch, &config, retries),
            cloudtrail: client::counted!(aws_sdk_cloudtrail, &config, retries),
            glue: client::counted!(aws_sdk_glue, &config, retries),
            logs: client::logs_client(&config, &retries),
            sqs: client::counted!(aws_sdk_sqs, &config, retries),
            athena: client::counted!(aws_sdk_athena, &config, retries),
            athena_batching: athena::Batching::default(),
            cloudformation: client::counted!(aws_sdk_cloudformation, &config, retries),
            sfn: client::counted!(aws_sdk_sfn, &config, retries),
            emr: client::counted!(aws_sdk_emr, &config, retries),
            emr_serverless: client::counted!(aws_sdk_emrserverless, &config, retries),
            layers: client::LayerClients::new(&config, &retries),
            state: Mutex::new(State::default()),
            limiter,
            ledger: Default::default(),
        }
    }

    /// Uses `client` for CloudTrail: the tests of what moto does not serve (LookupEvents) run
    /// the real platform, back-off included, over a mocked client.
    #[doc(hidden)]
    pub fn with_cloudtrail(mut self, client: aws_sdk_cloudtrail::Client) -> AwsPlatform {
        self.cloudtrail = client;
        self
    }

    /// How many times `api` was called (after back-off let it through), for budget tests.
    #[doc(hidden)]
    pub fn calls(&self, api: &'static str) -> u32 {
        self.state().calls.get(api).copied().unwrap_or(0)
    }

    /// The interceptor that tells this platform's limiter of the SDK's retries, for a mocked
    /// client (`with_cloudtrail`) to carry as the platform's own do.
    #[doc(hidden)]
    pub fn retries_counted(&self) -> limits::RetriesCounted {
        limits::RetriesCounted(self.limiter.clone())
    }

    /// The most calls of `api` started within one second so far, for rate tests.
    #[doc(hidden)]
    pub fn busiest_second(&self, api: &'static str) -> usize {
        self.limiter.busiest_second(api)
    }

    /// Uses `client` for Step Functions: what moto does not serve (RedriveExecution, redrive
    /// status), on mocks.
    #[doc(hidden)]
    pub fn with_sfn(mut self, client: aws_sdk_sfn::Client) -> AwsPlatform {
        self.sfn = client;
        self
    }

    /// Uses `client` for EMR: what moto does not serve (CancelSteps, failure details), on mocks.
    #[doc(hidden)]
    pub fn with_emr(mut self, client: aws_sdk_emr::Client) -> AwsPlatform {
        self.emr = client;
        self
    }

    /// Uses `client` for Glue: answers moto does not give (a workflow run's failed nodes,
    /// ResumeWorkflowRun), on mocks.
    #[doc(hidden)]
    pub fn with_glue(mut self, client: aws_sdk_glue::Client) -> AwsPlatform {
        self.glue = client;
        self
    }

    /// Uses `client` for Athena: paging and failures moto does not produce, on mocks.
    #[doc(hidden)]
    pub fn with_athena(mut self, client: aws_sdk_athena::Client) -> AwsPlatform {
        self.athena = client;
        self.athena_batching = athena::Batching::default();
        self
    }

    /// Uses these clients for AppFlow, QuickSight, Lake Formation or DataSync: what moto does not
    /// serve (AppFlow, QuickSight, LF-tag policies, DataSync's execution list), on mocks.
    #[doc(hidden)]
    pub fn with_layer_clients(mut self, mocked: MockedLayers) -> AwsPlatform {
        let l = &mut self.layers;
        l.appflow = mocked.appflow.unwrap_or_else(|| l.appflow.clone());
        l.quicksight = mocked.quicksight.unwrap_or_else(|| l.quicksight.clone());
        l.lakeformation = mocked.lakeformation.unwrap_or_else(|| l.lakeformation.clone());
        l.datasync = mocked.datasync.unwrap_or_else(|| l.datasync.clone());
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
        Some(PlatformError::throttled(api, format!("waiting {} s before calling it again", wait.as_secs() + 1)))
    }

    /// Notes the outcome of a call to `api` for back-off.
    fn outcome<T>(&self, api: &'static str, result: Result<T, PlatformError>) -> Result<T, PlatformError> {
        let mut state = self.state();
        match &result {
            Err(e @ PlatformError::Unreachable { .. }) => {
                state.unreached += 1;
                state.last_unreached = Some(e.clone());
            }
            _ => state.answered += 1,
        }
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
        let _admitted = self.limiter.admit(api).await;
        *self.state().calls.entry(api).or_default() += 1;
        let result = f.await;
        self.outcome(api, result)
    }

    /// `stream`'s scalings and mode switches of the last 24 hours from CloudTrail, reused for
    /// `RECENT_CHANGES_TTL` (CloudTrail delivers an event minutes after the call; lakeops's own
    /// changes are counted from its journal at once).
    async fn recent_changes(&self, stream: &str, now_s: i64) -> Result<cloudtrail::RecentChanges, PlatformError> {
        let cached = self.state().recent_changes.get(stream).cloned();
        if let Some((_, counted)) = cached.filter(|(at, _)| at.elapsed() < cloudtrail::RECENT_CHANGES_TTL) {
            return Ok(counted);
        }
        let since = now_s - crate::model::DAY_SECONDS;
        let counted = self.call("LookupEvents", cloudtrail::recent_changes(&self.cloudtrail, stream, since)).await?;
        self.state().recent_changes.insert(stream.to_string(), (Instant::now(), counted.clone()));
        Ok(counted)
    }

    /// Per-shard incoming rates from shard-level metrics (one GetMetricData call for the
    /// open shards, the last complete minutes).
    async fn shard_rates(&self, stream: &str, shards: &mut [ShardInfo], now_s: i64) -> Result<(), PlatformError> {
        let keys: Vec<SeriesKey> = shards
            .iter()
            .filter(|s| s.open)
            .map(|s| {
                SeriesKey::new("AWS/Kinesis", "IncomingRecords", "StreamName", stream, Stat::Sum).with("ShardId", &s.id)
            })
            .collect();
        let end = crate::ops::metrics::floor_minute(now_s);
        let window = crate::ops::metrics::Window { start: end - crate::ops::metrics::LATE_SECONDS, end };
        let data = self
            .call(
                "GetMetricData",
                cloudwatch::fetch_window(&self.cloudwatch, &self.ledger, &self.limiter, &keys, window),
            )
            .await?;
        for (key, points) in data {
            let latest = points.iter().max_by_key(|(t, _)| *t).map(|(_, v)| v / 60.0);
            if let Some(shard) = shards.iter_mut().find(|s| Some(s.id.as_str()) == key.dimension_value("ShardId")) {
                shard.incoming_per_second = latest;
            }
        }
        Ok(())
    }
}

#[async_trait]
impl Platform for AwsPlatform {
    fn info(&self) -> BackendInfo {
        client::backend_info(&self.settings.aws)
    }

    fn usage(&self) -> crate::model::Usage {
        self.ledger.usage()
    }

    async fn stream_facts(&self, stream: &str) -> Result<Option<StreamFacts>, PlatformError> {
        let described = self.call("DescribeStreamSummary", kinesis::describe_full(&self.kinesis, stream)).await?;
        // The overview's next refresh reuses it rather than describing the stream again.
        let summary = described.as_ref().map(|(summary, _)| summary.clone());
        self.state().summaries.insert(stream.to_string(), (Instant::now(), summary));
        let Some((summary, extras)) = described else {
            return Ok(None);
        };
        let mut shards = self.call("ListShards", kinesis::list_shards(&self.kinesis, stream)).await?;
        let (limit, open) = self.call("DescribeLimits", kinesis::limits(&self.kinesis)).await?;
        let consumers = self.call("ListStreamConsumers", kinesis::consumers(&self.kinesis, &extras.arn)).await?;
        let now_s = chrono::Utc::now().timestamp();
        if extras.enhanced_monitoring {
            self.shard_rates(stream, &mut shards, now_s).await?;
        }
        let keys = StreamKeys::new(stream);
        let (written, throttled) = {
            let state = self.state();
            (
                state.metrics.history(&keys.incoming_records, now_s, 180),
                state.metrics.history(&keys.write_throttled, now_s, 180),
            )
        };
        let peaks = crate::ops::reshard::write_peaks(&written, &throttled);
        let mut warnings = Vec::new();
        let (scalings, switches) = match self.recent_changes(stream, now_s).await {
            Ok(counted) => {
                if counted.capped {
                    warnings.push(format!(
                        "CloudTrail holds more than {} events on {stream} in the last 24 h: its scalings are \
                         counted from the newest of them and the local journal",
                        cloudtrail::MAX_PAGES * 50
                    ));
                }
                (counted.scalings, counted.switches)
            }
            Err(e) => {
                warnings.push(format!("{e}: scalings in the last 24 h are counted from the local journal only"));
                (LastDay::default(), LastDay::default())
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
            peak_records_per_second: peaks.written.filter(|p| *p > 0.0),
            peak_demand_per_second: peaks.demand.filter(|p| *p > 0.0),
            most_throttled_per_second: peaks.throttled,
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

    async fn query_status(&self, id: &str) -> Result<QueryStatus, PlatformError> {
        self.call("GetQueryExecution", athena::status(&self.athena, id)).await
    }

    async fn query_results(&self, id: &str, token: Option<&str>) -> Result<ResultPage, PlatformError> {
        self.call("GetQueryResults", athena::results(&self.athena, id, token)).await
    }

    async fn saved_queries(&self, workgroup: &str) -> Result<Vec<SavedQuery>, PlatformError> {
        self.call("ListNamedQueries", athena::saved_queries(&self.athena, workgroup)).await
    }

    async fn query_history(&self, workgroup: &str) -> Result<Vec<PastQuery>, PlatformError> {
        self.call("ListQueryExecutions", athena::history(&self.athena, workgroup, &self.athena_batching)).await
    }

    async fn workgroups(&self) -> Result<Vec<String>, PlatformError> {
        self.call("ListWorkGroups", athena::workgroups(&self.athena)).await
    }

    async fn stack(&self, name: &str) -> Result<Option<StackSummary>, PlatformError> {
        self.call("DescribeStacks", stack::summary(&self.cloudformation, name)).await
    }

    async fn stack_events(&self, name: &str) -> Result<Vec<StackEvent>, PlatformError> {
        self.call("DescribeStackEvents", stack::events(&self.cloudformation, name)).await
    }

    async fn stack_drift(&self, name: &str) -> Result<Vec<DriftedResource>, PlatformError> {
        self.call("DetectStackDrift", stack::drift(&self.cloudformation, name)).await
    }

    async fn taken_names(&self, stack: &str, wanted: &[NamedResource]) -> Result<Vec<NamedResource>, PlatformError> {
        names::taken(self, stack, wanted).await
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
        let quality = match self.data_quality().await {
            Ok(quality) => quality,
            Err(e) => {
                warnings.push(format!("data quality not read: {e}"));
                Vec::new()
            }
        };
        let databases = match self.catalog().await {
            Ok(Some(mut db)) => {
                glue_quality::attach(&mut db, &quality);
                vec![db]
            }
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
        Ok(GlueOverview { jobs, crawlers, databases, governance: None, warnings })
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

    async fn stream_metrics(&self, stream: &str, minutes: u32) -> Result<StreamSeries, PlatformError> {
        let end = crate::ops::metrics::floor_minute(chrono::Utc::now().timestamp());
        let window = crate::ops::metrics::Window { start: end - minutes as i64 * 60, end };
        let keys = StreamKeys::new(stream);
        let data = self
            .call(
                "GetMetricData",
                cloudwatch::fetch_window(&self.cloudwatch, &self.ledger, &self.limiter, &keys.all(), window),
            )
            .await?;
        let value = |key: &crate::ops::metrics::SeriesKey, t: i64| {
            let points = data.iter().find(|(k, _)| k == key).map(|(_, p)| p.as_slice()).unwrap_or_default();
            points.iter().find(|(ts, _)| crate::ops::metrics::floor_minute(*ts) == t).map(|(_, v)| *v)
        };
        let points = (0..minutes as i64)
            .map(|m| window.start + m * 60)
            .map(|t| StreamPoint {
                t,
                records_per_second: value(&keys.incoming_records, t).map(|v| v / 60.0),
                bytes_per_second: value(&keys.incoming_bytes, t).map(|v| v / 60.0),
                iterator_age_ms: value(&keys.iterator_age, t),
                write_throttled: value(&keys.write_throttled, t),
                read_throttled: value(&keys.read_throttled, t),
            })
            .collect();
        Ok(StreamSeries { period_seconds: 60, points })
    }

    async fn open_peek(&self, stream: &str, shard: Option<&str>, from: PeekFrom) -> Result<PeekCursor, PlatformError> {
        // ListShards lists the closed shards still in retention too: a peek from the trim
        // horizon or a time reads them before their children (`ops::peek`).
        let listed = self.call("ListShards", kinesis::list_shards(&self.kinesis, stream)).await?;
        let mut shards = crate::ops::peek::shards_to_read(&listed, shard, from);
        if let (Some(id), true) = (shard, shards.is_empty()) {
            // Not listed (closed past retention, say): AWS answers for it.
            shards.push(crate::ops::peek::ShardToRead { id: id.to_string(), parents: vec![], open: true });
        }
        peek::open(&self.kinesis, stream, shards, from).await
    }

    async fn read_peek(&self, cursor: &mut PeekCursor, limit: usize) -> Result<Vec<PeekRecord>, PlatformError> {
        peek::read(&self.kinesis, cursor, limit).await
    }

    async fn snapshot(&self) -> Result<PlatformSnapshot, PlatformError> {
        self.overview().await
    }

    async fn workflows(
        &self,
        since: chrono::DateTime<chrono::Utc>,
        failed_only: bool,
    ) -> Result<WorkflowOverview, PlatformError> {
        self.read_workflows(since, failed_only).await
    }

    async fn execution(&self, arn: &str) -> Result<Option<ExecutionDetail>, PlatformError> {
        self.read_execution(arn).await
    }

    async fn governance(&self) -> Result<Governance, PlatformError> {
        self.read_governance().await
    }

    async fn emr(&self) -> Result<EmrOverview, PlatformError> {
        self.read_emr().await
    }

    async fn emr_cluster(&self, cluster_id: &str) -> Result<Option<ClusterDetail>, PlatformError> {
        self.read_emr_cluster(cluster_id).await
    }

    async fn emr_steps(&self, cluster_id: &str, failed_only: bool) -> Result<Option<Vec<EmrStep>>, PlatformError> {
        // ListSteps of an unknown id is EMR's InvalidRequestException: `None`.
        self.call("ListSteps", emr::steps(&self.emr, cluster_id, failed_only)).await
    }

    async fn apply(&self, change: &Change, _permit: &Permit) -> Result<Applied, PlatformError> {
        self.make(change).await
    }
}
