//! The only door to the outside: every backend implements [`Platform`]: what it reads as one
//! method each, and every change through [`Platform::apply`], behind the write gate ([`gate`]).

mod error;
pub mod gate;
pub mod usage;

use async_trait::async_trait;

pub use error::{PlatformError, ServiceError};
pub use gate::{Gate, GateError, Permit};
pub use usage::UsageLedger;

use crate::model::{
    Applied, AuditEvent, AuditQuery, Change, GlueCrawler, GlueJob, GlueOverview, LogEvent, LogQuery, PastQuery,
    PeekCursor, PeekFrom, PeekRecord, PlatformSnapshot, QueryStatus, ResultPage, SavedQuery, StreamFacts, StreamSeries,
};
use crate::model::{ClusterDetail, EmrOverview, EmrStep, ExecutionDetail, Governance, WorkflowOverview};
use crate::model::{DriftedResource, NamedResource, StackEvent, StackSummary};

/// Which backend answers, and where, for the header and `status`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackendInfo {
    /// "aws" or "sandbox".
    pub backend: &'static str,
    /// The region, endpoint or sandbox seed, as shown in the header.
    pub location: String,
}

/// A reading of a platform's present: [`Platform::clock`].
pub type PlatformClock = std::sync::Arc<dyn Fn() -> chrono::DateTime<chrono::Utc> + Send + Sync>;

#[async_trait]
pub trait Platform: Send + Sync {
    fn info(&self) -> BackendInfo;

    /// The platform's present: the wall clock on AWS, the model's time in the sandbox (which
    /// runs faster with `--speed`). Windows such as `--since 1h` count back from it.
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        chrono::Utc::now()
    }

    /// The platform's present as a clock that reads it without asking the platform: the wall
    /// clock on AWS; the sandbox's model time as it runs in this process. The write gate stamps
    /// the journal with it.
    fn clock(&self) -> PlatformClock {
        std::sync::Arc::new(chrono::Utc::now)
    }

    /// Everything the overview shows. Layers that cannot be read come back as
    /// `Reading::Unavailable` with the reason; the call fails only when nothing could be read.
    async fn snapshot(&self) -> Result<PlatformSnapshot, PlatformError>;

    /// A stream's shards and the facts the resharding rules need; `None` when it does not exist.
    async fn stream_facts(&self, stream: &str) -> Result<Option<StreamFacts>, PlatformError>;

    /// A stream's metrics over the last `minutes` minutes, one point a minute.
    async fn stream_metrics(&self, stream: &str, minutes: u32) -> Result<StreamSeries, PlatformError>;

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

    /// The watched state machines with their executions started since `since`, newest first
    /// (`failed_only`: FAILED, TIMED_OUT and ABORTED ones); a failed execution names the state it
    /// failed in. Parts that cannot be read are named in `warnings`.
    async fn workflows(
        &self,
        since: chrono::DateTime<chrono::Utc>,
        failed_only: bool,
    ) -> Result<WorkflowOverview, PlatformError>;

    /// One execution in full (with whether Step Functions would redrive it); `None` when there is
    /// no such execution.
    async fn execution(&self, arn: &str) -> Result<Option<ExecutionDetail>, PlatformError>;

    /// Lake Formation for the profile's database: administrators, every grant on the database,
    /// its tables and columns, the LF-tags and each table's. An error when the profile does not
    /// enable Lake Formation (`[platform.lakeformation] enabled`).
    async fn governance(&self) -> Result<Governance, PlatformError>;

    /// The watched EMR cluster(s) of the profile's name (alive ones, with their instance groups)
    /// or its EMR Serverless application with its newest job runs. Parts that cannot be read
    /// are named in `warnings`.
    async fn emr(&self) -> Result<EmrOverview, PlatformError>;

    /// One cluster (any, by id) with its newest steps, newest first, each failed one with its
    /// reason and log; `None` when there is no such cluster.
    async fn emr_cluster(&self, cluster_id: &str) -> Result<Option<ClusterDetail>, PlatformError>;

    /// A cluster's newest steps (any cluster, by id), newest first; `failed_only`: FAILED and
    /// INTERRUPTED ones, filtered by EMR so older failures are found too. `None` when there is no
    /// such cluster.
    async fn emr_steps(&self, cluster_id: &str, failed_only: bool) -> Result<Option<Vec<EmrStep>>, PlatformError>;

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

    /// A query's state, data scanned and engine time.
    async fn query_status(&self, id: &str) -> Result<QueryStatus, PlatformError>;

    /// One page of a finished query's results (up to 1,000 rows), from `token` onwards.
    async fn query_results(&self, id: &str, token: Option<&str>) -> Result<ResultPage, PlatformError>;

    /// The workgroup's saved (named) queries, by name.
    async fn saved_queries(&self, workgroup: &str) -> Result<Vec<SavedQuery>, PlatformError>;

    /// The workgroup's recent queries, newest first (its history, as the console lists it).
    async fn query_history(&self, workgroup: &str) -> Result<Vec<PastQuery>, PlatformError>;

    /// The Athena workgroups queries can run in.
    async fn workgroups(&self) -> Result<Vec<String>, PlatformError>;

    /// The CloudFormation stack as it stands; `None` when there is no such stack.
    async fn stack(&self, name: &str) -> Result<Option<StackSummary>, PlatformError>;

    /// The stack's newest events, newest first (at most a few hundred).
    async fn stack_events(&self, name: &str) -> Result<Vec<StackEvent>, PlatformError>;

    /// Detects drift and returns the resources that differ from the template. DetectStackDrift
    /// changes nothing on the stack (AWS's ReadOnlyAccess allows it), so it is a read.
    async fn stack_drift(&self, name: &str) -> Result<Vec<DriftedResource>, PlatformError>;

    /// Which of `wanted` (a template's named resources) already exist outside stack `stack`: a
    /// resource of the stack under the same logical id and name does not count. A read, made
    /// before a change set so that a clash is named instead of failing the change set half-way.
    async fn taken_names(&self, stack: &str, wanted: &[NamedResource]) -> Result<Vec<NamedResource>, PlatformError>;

    /// Makes one change, already checked by the rules of `ops` and passed by the write gate,
    /// whose [`Permit`] is the proof: nothing else can call this. The stream is UPDATING after a
    /// resharding call; follow a stack operation with `stack_events`.
    async fn apply(&self, change: &Change, permit: &Permit) -> Result<Applied, PlatformError>;

    /// The billed reads this backend has made so far (each snapshot carries it too).
    fn usage(&self) -> crate::model::Usage {
        crate::model::Usage::default()
    }

    /// Saves whatever must outlive this process (the sandbox's state). Called at exit.
    fn flush(&self) -> Result<(), PlatformError> {
        Ok(())
    }
}
