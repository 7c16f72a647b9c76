//! The only door to the outside: every backend implements [`Platform`].

use async_trait::async_trait;

use crate::model::{
    AuditEvent, AuditQuery, GlueChange, GlueCrawler, GlueJob, GlueOverview, LogEvent, LogQuery, PastQuery, PeekCursor,
    PeekFrom, PeekRecord, PlatformSnapshot, QueryRequest, QueryStatus, ReshardCall, ResultPage, SavedQuery,
    StreamFacts, StreamSeries,
};
use crate::model::{DriftedResource, StackEvent, StackPlan, StackSummary};

/// Which backend answers, and where, for the header and `status`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackendInfo {
    /// "aws" or "sandbox".
    pub backend: &'static str,
    /// The region, endpoint or sandbox seed, as shown in the header.
    pub location: String,
}

/// Why a platform call failed, in the terms an operator acts on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlatformError {
    #[error("cannot reach {service}: {message}")]
    Unreachable { service: String, message: String },
    #[error("{service} is throttling requests ({message}); backing off")]
    Throttled { service: String, message: String },
    #[error("{service} refused the request: {message} (check the IAM permissions in the README)")]
    Denied { service: String, message: String },
    #[error("{service}: {message}")]
    Failed { service: String, message: String },
}

impl PlatformError {
    pub fn is_throttling(&self) -> bool {
        matches!(self, PlatformError::Throttled { .. })
    }
}

#[async_trait]
pub trait Platform: Send + Sync {
    fn info(&self) -> BackendInfo;

    /// The platform's present: the wall clock on AWS, the model's time in the sandbox (which
    /// runs faster with `--speed`). Windows such as `--since 1h` count back from it.
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        chrono::Utc::now()
    }

    /// Everything the overview shows. Layers that cannot be read come back as
    /// `Reading::Unavailable` with the reason; the call fails only when nothing could be read.
    async fn snapshot(&self) -> Result<PlatformSnapshot, PlatformError>;

    /// A stream's shards and the facts the resharding rules need; `None` when it does not exist.
    async fn stream_facts(&self, stream: &str) -> Result<Option<StreamFacts>, PlatformError>;

    /// A stream's metrics over the last `minutes` minutes, one point a minute.
    async fn stream_metrics(&self, stream: &str, minutes: u32) -> Result<StreamSeries, PlatformError>;

    /// Makes one resharding call, already checked by `ops::reshard`. The stream is UPDATING
    /// afterwards until the change is done.
    async fn reshard(&self, stream: &str, call: &ReshardCall) -> Result<(), PlatformError>;

    /// Turns shard-level (enhanced) metrics on or off for every shard; AWS bills them.
    async fn set_enhanced_monitoring(&self, stream: &str, on: bool) -> Result<(), PlatformError>;

    /// Starts reading records from `from`, on one shard or on every open shard.
    async fn open_peek(&self, stream: &str, shard: Option<&str>, from: PeekFrom) -> Result<PeekCursor, PlatformError>;

    /// Reads up to `limit` records onwards from `cursor` and moves it. Each shard is read at
    /// most once a second (Kinesis allows 5 GetRecords a second per shard, shared with the
    /// consumers); expired iterators are renewed from the last record seen.
    async fn read_peek(&self, cursor: &mut PeekCursor, limit: usize) -> Result<Vec<PeekRecord>, PlatformError>;

    /// CloudTrail events matching the query, newest first (lakeops' journal is merged in by
    /// the caller). At most 2 LookupEvents calls a second.
    async fn audit_events(&self, query: &AuditQuery) -> Result<Vec<AuditEvent>, PlatformError>;

    /// The watched Glue jobs with their newest runs, the crawlers and the catalog. Parts that
    /// cannot be read are named in `warnings`; the call fails only when nothing could be read.
    async fn glue_overview(&self) -> Result<GlueOverview, PlatformError>;

    /// One job with its newest runs; `None` when there is no such job.
    async fn glue_job(&self, job: &str) -> Result<Option<GlueJob>, PlatformError>;

    /// One crawler; `None` when there is no such crawler.
    async fn glue_crawler(&self, crawler: &str) -> Result<Option<GlueCrawler>, PlatformError>;

    /// Makes one Glue change, already checked by `ops::glue`; returns what Glue answered in
    /// words (the new run's id for a start).
    async fn glue_change(&self, change: &GlueChange) -> Result<String, PlatformError>;

    /// A function's log events from `query.since`, oldest first, the newest `query.limit`.
    /// Called again with a later `since` to tail; callers drop events already seen by id.
    async fn function_logs(&self, query: &LogQuery) -> Result<Vec<LogEvent>, PlatformError>;

    /// Streams the function's new log events to `on_events` until the session ends or
    /// `on_events` returns false (CloudWatch Logs StartLiveTail). `Ok(false)`: this backend has
    /// no live tail; that, an error, or a session that ended all mean: poll `function_logs`.
    async fn live_tail(
        &self,
        query: &LogQuery,
        on_events: &(dyn Fn(Vec<LogEvent>) -> bool + Send + Sync),
    ) -> Result<bool, PlatformError> {
        let _ = (query, on_events);
        Ok(false)
    }

    /// Starts an Athena query; returns its execution id.
    async fn start_query(&self, request: &QueryRequest) -> Result<String, PlatformError>;

    /// A query's state, data scanned and engine time.
    async fn query_status(&self, id: &str) -> Result<QueryStatus, PlatformError>;

    /// One page of a finished query's results (up to 1,000 rows), from `token` onwards.
    async fn query_results(&self, id: &str, token: Option<&str>) -> Result<ResultPage, PlatformError>;

    /// Cancels a query (StopQueryExecution).
    async fn stop_query(&self, id: &str) -> Result<(), PlatformError>;

    /// The workgroup's saved (named) queries, by name.
    async fn saved_queries(&self, workgroup: &str) -> Result<Vec<SavedQuery>, PlatformError>;

    /// Saves a query under its name in its workgroup; returns its id.
    async fn save_query(&self, query: &SavedQuery) -> Result<String, PlatformError>;

    /// The workgroup's recent queries, newest first (its history, as the console lists it).
    async fn query_history(&self, workgroup: &str) -> Result<Vec<PastQuery>, PlatformError>;

    /// The Athena workgroups queries can run in.
    async fn workgroups(&self) -> Result<Vec<String>, PlatformError>;

    /// The CloudFormation stack as it stands; `None` when there is no such stack.
    async fn stack(&self, name: &str) -> Result<Option<StackSummary>, PlatformError>;

    /// Creates a change set of `template` (JSON) for the stack (a CREATE one when the stack does
    /// not exist) and reads it back once CloudFormation has computed it. Nothing changes yet.
    async fn plan_stack(
        &self,
        name: &str,
        template: &str,
        parameters: &[(String, String)],
    ) -> Result<StackPlan, PlatformError>;

    /// Executes a change set made by `plan_stack`; follow it with `stack_events`.
    async fn apply_plan(&self, name: &str, change_set: &str) -> Result<(), PlatformError>;

    /// Drops a change set that will not be applied.
    async fn discard_plan(&self, name: &str, change_set: &str) -> Result<(), PlatformError>;

    /// The stack's newest events, newest first (at most a few hundred).
    async fn stack_events(&self, name: &str) -> Result<Vec<StackEvent>, PlatformError>;

    /// Starts deleting the stack; follow it with `stack_events`.
    async fn delete_stack(&self, name: &str) -> Result<(), PlatformError>;

    /// Detects drift and returns the resources that differ from the template.
    async fn stack_drift(&self, name: &str) -> Result<Vec<DriftedResource>, PlatformError>;

    /// Saves whatever must outlive this process (the sandbox's state). Called at exit.
    fn flush(&self) -> Result<(), PlatformError> {
        Ok(())
    }
}
