//! The AWS platform, counting the changes that reach it: refusals and read-only mode must make
//! none. Every change is one `apply` (behind the write gate), so nothing can slip past the count.

use std::sync::atomic::{AtomicU32, Ordering};

use async_trait::async_trait;
use lakeops::aws::AwsPlatform;
use lakeops::model::{
    Applied, AuditEvent, AuditQuery, Change, GlueCrawler, GlueJob, GlueOverview, LogEvent, LogQuery, PastQuery,
    PeekCursor, PeekFrom, PeekRecord, PlatformSnapshot, QueryStatus, ResultPage, SavedQuery, StreamFacts, StreamSeries,
};
use lakeops::model::{ClusterDetail, EmrOverview, EmrStep, ExecutionDetail, Governance, WorkflowOverview};
use lakeops::model::{DriftedResource, NamedResource, StackEvent, StackSummary};
use lakeops::platform::{BackendInfo, Permit, Platform, PlatformError};

pub struct Counting {
    pub inner: AwsPlatform,
    mutations: AtomicU32,
}

impl Counting {
    pub fn new(inner: AwsPlatform) -> Counting {
        Counting { inner, mutations: AtomicU32::new(0) }
    }

    pub fn mutations(&self) -> u32 {
        self.mutations.load(Ordering::SeqCst)
    }

    fn count(&self) {
        self.mutations.fetch_add(1, Ordering::SeqCst);
    }
}

#[async_trait]
impl Platform for Counting {
    fn info(&self) -> BackendInfo {
        self.inner.info()
    }
    async fn snapshot(&self) -> Result<PlatformSnapshot, PlatformError> {
        self.inner.snapshot().await
    }
    async fn stream_facts(&self, stream: &str) -> Result<Option<StreamFacts>, PlatformError> {
        self.inner.stream_facts(stream).await
    }
    async fn stream_metrics(&self, stream: &str, minutes: u32) -> Result<StreamSeries, PlatformError> {
        self.inner.stream_metrics(stream, minutes).await
    }
    async fn audit_events(&self, query: &AuditQuery) -> Result<Vec<AuditEvent>, PlatformError> {
        self.inner.audit_events(query).await
    }
    async fn open_peek(&self, stream: &str, shard: Option<&str>, from: PeekFrom) -> Result<PeekCursor, PlatformError> {
        self.inner.open_peek(stream, shard, from).await
    }
    async fn read_peek(&self, cursor: &mut PeekCursor, limit: usize) -> Result<Vec<PeekRecord>, PlatformError> {
        self.inner.read_peek(cursor, limit).await
    }
    async fn taken_names(&self, stack: &str, wanted: &[NamedResource]) -> Result<Vec<NamedResource>, PlatformError> {
        self.inner.taken_names(stack, wanted).await
    }
    async fn glue_overview(&self) -> Result<GlueOverview, PlatformError> {
        self.inner.glue_overview().await
    }
    async fn glue_job(&self, job: &str) -> Result<Option<GlueJob>, PlatformError> {
        self.inner.glue_job(job).await
    }
    async fn glue_crawler(&self, crawler: &str) -> Result<Option<GlueCrawler>, PlatformError> {
        self.inner.glue_crawler(crawler).await
    }
    async fn workflows(
        &self,
        since: chrono::DateTime<chrono::Utc>,
        failed_only: bool,
    ) -> Result<WorkflowOverview, PlatformError> {
        self.inner.workflows(since, failed_only).await
    }
    async fn execution(&self, arn: &str) -> Result<Option<ExecutionDetail>, PlatformError> {
        self.inner.execution(arn).await
    }
    async fn governance(&self) -> Result<Governance, PlatformError> {
        self.inner.governance().await
    }
    async fn emr(&self) -> Result<EmrOverview, PlatformError> {
        self.inner.emr().await
    }
    async fn emr_cluster(&self, cluster_id: &str) -> Result<Option<ClusterDetail>, PlatformError> {
        self.inner.emr_cluster(cluster_id).await
    }
    async fn emr_steps(&self, cluster_id: &str, failed_only: bool) -> Result<Option<Vec<EmrStep>>, PlatformError> {
        self.inner.emr_steps(cluster_id, failed_only).await
    }
    async fn function_logs(&self, query: &LogQuery) -> Result<Vec<LogEvent>, PlatformError> {
        self.inner.function_logs(query).await
    }
    async fn live_tail(
        &self,
        query: &LogQuery,
        on_events: &(dyn Fn(Vec<LogEvent>) -> bool + Send + Sync),
    ) -> Result<bool, PlatformError> {
        self.inner.live_tail(query, on_events).await
    }
    async fn query_status(&self, id: &str) -> Result<QueryStatus, PlatformError> {
        self.inner.query_status(id).await
    }
    async fn query_results(&self, id: &str, token: Option<&str>) -> Result<ResultPage, PlatformError> {
        self.inner.query_results(id, token).await
    }
    async fn query_history(&self, workgroup: &str) -> Result<Vec<PastQuery>, PlatformError> {
        self.inner.query_history(workgroup).await
    }
    async fn workgroups(&self) -> Result<Vec<String>, PlatformError> {
        self.inner.workgroups().await
    }
    async fn saved_queries(&self, workgroup: &str) -> Result<Vec<SavedQuery>, PlatformError> {
        self.inner.saved_queries(workgroup).await
    }
    async fn stack(&self, name: &str) -> Result<Option<StackSummary>, PlatformError> {
        self.inner.stack(name).await
    }
    async fn stack_events(&self, name: &str) -> Result<Vec<StackEvent>, PlatformError> {
        self.inner.stack_events(name).await
    }
    async fn stack_drift(&self, name: &str) -> Result<Vec<DriftedResource>, PlatformError> {
        self.inner.stack_drift(name).await
    }
    /// Every change reaches a backend here, and only here: counted.
    async fn apply(&self, change: &Change, permit: &Permit) -> Result<Applied, PlatformError> {
        self.count();
        self.inner.apply(change, permit).await
    }
}
