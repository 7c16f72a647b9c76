//! The embedded sandbox: an in-process, seeded, time-stepped model of the platform that
//! obeys the real rules, so `lakeops` with no AWS account shows a living pipeline.

mod athena;
mod audit;
mod batch;
mod changes;
pub mod clock;
mod emr;
mod emr_serverless;
pub mod engine;
mod freshness;
mod glue;
mod governance;
mod ingest;
pub mod lake;
mod logs;
mod pace;
mod peek;
mod quality;
mod rerun;
mod reshard;
mod rng;
mod serving;
mod sim;
mod snapshot;
mod stack;
pub mod state;
mod store;
mod stream;
mod usage;
mod workflow;

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use pace::{fresh, pace, present};

pub use clock::{Clock, ManualClock, OffsetClock, SystemClock};
pub use state::{Fault, ModelClock, SimState};
pub use store::Store;
pub use stream::HOT_PARTITION_KEY;

use crate::model::{
    Applied, AuditEvent, AuditQuery, Change, GlueCrawler, GlueJob, GlueOverview, LogEvent, LogQuery, PastQuery,
    PeekCursor, PeekFrom, PeekRecord, PlatformSnapshot, QueryStatus, ResultPage, SavedQuery, ShardPosition,
    StreamFacts, StreamSeries,
};
use crate::model::{CapacityMode, DriftedResource, NamedResource, StackEvent, StackSummary};
use crate::model::{ClusterDetail, EmrOverview, EmrStep, ExecutionDetail, Governance, WorkflowOverview};
use crate::platform::{BackendInfo, Permit, Platform, PlatformError, ServiceError};
use crate::settings::Settings;

/// How long the panic hook waits for another thread to finish changing the model before it saves.
const CRASH_SAVE_WAIT: std::time::Duration = std::time::Duration::from_millis(200);

pub struct Sandbox {
    settings: Settings,
    clock: Arc<dyn Clock>,
    store: Option<Store>,
    /// Shared with the clocks handed out ([`Platform::clock`]), which read its model time.
    inner: Arc<Mutex<Inner>>,
    lake: Arc<lake::Lake>,
    queries: Arc<athena::Runs>,
    /// Reset: the saved state is gone and nothing is saved again by this process.
    forgotten: std::sync::atomic::AtomicBool,
    /// Problems said once, in the next snapshot (a damaged state file set aside).
    notices: Mutex<Vec<String>>,
    /// The GetMetricData metrics the AWS backend would have asked for to read what was read.
    ledger: crate::platform::UsageLedger,
}

struct Inner {
    state: SimState,
    /// How model time runs in this process: from the shared time at opening (or reloading), at
    /// this process's speed. Saved with the state, so lakeops beside it read the same time.
    clock: ModelClock,
    /// The clock last read from the state file: another lakeops's, held at its speed while it
    /// runs. A faster one than ours is what we save, so a slower lakeops never slows it down.
    seen: Option<ModelClock>,
}

impl Sandbox {
    /// A sandbox that lives only in memory (tests, benchmarks).
    pub fn in_memory(settings: &Settings, clock: Arc<dyn Clock>) -> Sandbox {
        let now = clock.now_ms();
        let state = fresh(settings, now);
        Sandbox::with_state(settings, clock, None, state)
    }

    /// Opens the saved sandbox for this profile, or starts a fresh one (a damaged state file is
    /// kept aside and said in the first snapshot's problems).
    pub fn open(settings: &Settings, clock: Arc<dyn Clock>, store: Store) -> Result<Sandbox, PlatformError> {
        let now = clock.now_ms();
        let loaded = {
            let _lock = store.lock()?;
            store.load()?
        };
        let (state, notice) = match loaded {
            store::Loaded::State(state)
                if state.version == sim::STATE_VERSION && state.seed == settings.sandbox.seed =>
            {
                (*state, None)
            }
            store::Loaded::State(_) | store::Loaded::Missing => (fresh(settings, now), None),
            store::Loaded::Damaged { warning } => (fresh(settings, now), Some(warning)),
        };
        let sandbox = Sandbox::with_state(settings, clock, Some(store), state);
        if let (Some(notice), Ok(mut notices)) = (notice, sandbox.notices.lock()) {
            notices.push(notice);
        }
        Ok(sandbox)
    }

    fn with_state(settings: &Settings, clock: Arc<dyn Clock>, store: Option<Store>, state: SimState) -> Sandbox {
        let inner = Inner::running(settings, state, clock.now_ms());
        let lake = match &store {
            Some(store) => lake::Lake::at(store.lake_dir().join(format!("seed-{}", settings.sandbox.seed))),
            None => lake::Lake::temporary(),
        };
        Sandbox {
            settings: settings.clone(),
            clock,
            store,
            inner: Arc::new(Mutex::new(inner)),
            lake: Arc::new(lake),
            queries: Arc::default(),
            forgotten: Default::default(),
            notices: Mutex::default(),
            ledger: Default::default(),
        }
    }

    /// Runs `f` on the model brought up to the present, then saves it when it is persistent and
    /// a save is due. Another lakeops (a headless command) may have saved a newer state: that one
    /// wins. The whole read, run and save holds the state file's writer lock.
    pub fn with_model<T>(&self, f: impl FnOnce(&mut SimState) -> T) -> Result<T, PlatformError> {
        self.run_model(f, false)
    }

    /// As [`Sandbox::with_model`] for a change: saved at once, so no other lakeops can save
    /// over it.
    pub(crate) fn changing<T>(&self, f: impl FnOnce(&mut SimState) -> T) -> Result<T, PlatformError> {
        self.run_model(f, true)
    }

    fn run_model<T>(&self, f: impl FnOnce(&mut SimState) -> T, save_now: bool) -> Result<T, PlatformError> {
        let mut inner =
            self.inner.lock().map_err(|_| failed("the sandbox model is unusable after a crash in another task"))?;
        let _lock = match &self.store {
            Some(store) => Some(store.lock()?),
            None => None,
        };
        if let Some(store) = self.saving().filter(|s| s.reset_since_seen()) {
            // `lakeops sandbox reset` beside us: start afresh as the next lakeops would.
            let wall = self.clock.now_ms();
            *inner = Inner::running(&self.settings, fresh(&self.settings, wall), wall);
            store.forget_seen();
            self.lake.forget_synced();
        }
        if let Some(store) = &self.store {
            if let Some(newer) = store.load_if_changed()? {
                let wall = self.clock.now_ms();
                // Model time never goes back, and this process's speed goes on from there. A
                // clock followed is the file's to say (its lakeops may have ended its hold).
                let ours = match inner.clock.held_until_ms {
                    Some(_) => inner.state.now_ms,
                    None => inner.clock.at(wall, inner.state.now_ms),
                };
                let model_ms = present(&newer, wall).max(ours);
                inner.clock = pace(self.settings.sandbox.speed, newer.clock, wall, model_ms);
                inner.seen = newer.clock;
                inner.state = newer;
            }
        }
        let wall = self.clock.now_ms();
        let target = inner.clock.at(wall, inner.state.now_ms);
        inner.state.advance_to(target, &self.settings);
        inner.state.clock = Some(inner.shared_clock(wall));
        let out = f(&mut inner.state);
        if let Some(store) = self.saving() {
            if save_now {
                store.save(&inner.state)?;
            } else {
                store.save_if_due(&inner.state, wall)?;
            }
        }
        Ok(out)
    }

    /// Problems to report once (a damaged state file set aside), for the next snapshot.
    pub(crate) fn take_notices(&self) -> Vec<String> {
        self.notices.lock().map(|mut n| std::mem::take(&mut *n)).unwrap_or_default()
    }
}

impl Sandbox {
    /// The model, to be saved. The panic hook saves it too (runtime::terminal), maybe on the
    /// thread that holds it halfway through a change: there it waits a moment for another
    /// thread's change to end, and saves nothing rather than a half-made change (nor does a model
    /// a panic left poisoned save).
    fn model_to_save(&self) -> Result<std::sync::MutexGuard<'_, Inner>, PlatformError> {
        if !std::thread::panicking() {
            return self.inner.lock().map_err(|_| failed("the sandbox model is unusable"));
        }
        let waited = std::time::Instant::now();
        loop {
            match self.inner.try_lock() {
                Ok(inner) => return Ok(inner),
                Err(std::sync::TryLockError::WouldBlock) if waited.elapsed() < CRASH_SAVE_WAIT => {
                    std::thread::sleep(std::time::Duration::from_millis(5))
                }
                Err(_) => return Err(failed("the sandbox was stopped halfway through a change; its last save stays")),
            }
        }
    }

    /// Where the model is saved, unless it lives in memory or was reset.
    fn saving(&self) -> Option<&Store> {
        self.store.as_ref().filter(|_| !self.forgotten.load(std::sync::atomic::Ordering::SeqCst))
    }
}

impl Sandbox {
    /// Runs `f` on the sandbox's stack when `name` is it (made on first use: the sandbox counts
    /// as provisioned from its profile, with the stream as it is now), with the model's time.
    fn with_stack<T>(
        &self,
        name: &str,
        f: impl FnOnce(Option<&mut stack::SandboxStack>, i64) -> Result<T, PlatformError>,
    ) -> Result<T, PlatformError> {
        self.stack_run(name, false, f)
    }

    /// As [`Sandbox::with_stack`] for a change to the stack: saved at once.
    fn changing_stack<T>(
        &self,
        name: &str,
        f: impl FnOnce(Option<&mut stack::SandboxStack>, i64) -> Result<T, PlatformError>,
    ) -> Result<T, PlatformError> {
        self.stack_run(name, true, f)
    }

    fn stack_run<T>(
        &self,
        name: &str,
        save_now: bool,
        f: impl FnOnce(Option<&mut stack::SandboxStack>, i64) -> Result<T, PlatformError>,
    ) -> Result<T, PlatformError> {
        let settings = &self.settings;
        self.run_model(
            |state| {
                if state.stack.is_none() {
                    // The platform as the sandbox runs it: the names it was made with, the stream as it is.
                    let mut as_started = settings.clone();
                    let p = &mut as_started.platform;
                    p.stream.name = state.stream.name.clone();
                    p.lambda.function = state.lambda.function.clone();
                    p.glue.database = state.glue.database.clone();
                    p.glue.job = state.glue.job.clone();
                    p.glue.crawler = state.glue.crawler.clone();
                    p.redshift.name = state.redshift.name.clone();
                    p.athena.workgroup = state.athena.workgroup.clone();
                    p.dlq.queue = state.lake.dlq_queue.clone();
                    as_started.platform.stream.shards = state.stream.open_shards().count() as u32;
                    as_started.platform.stream.retention_hours = state.stream.retention_hours;
                    as_started.platform.stream.mode = match state.stream.mode {
                        CapacityMode::OnDemand => crate::settings::StreamMode::OnDemand,
                        CapacityMode::Provisioned => crate::settings::StreamMode::Provisioned,
                    };
                    let template = crate::provision::render(&as_started);
                    let since = state.minutes.front().map(|m| m.minute_ms).unwrap_or(state.now_ms);
                    state.stack = Some(stack::SandboxStack::created(
                        &settings.platform.stack_name,
                        template.resources().clone(),
                        stack::resolve_outputs(&template.body, &settings.aws.region),
                        since,
                    ));
                }
                let now_ms = state.now_ms;
                let stack = state.stack.as_mut().filter(|s| s.name == name);
                f(stack, now_ms)
            },
            save_now,
        )?
    }
}

fn failed(message: &str) -> PlatformError {
    PlatformError::failed("sandbox", message)
}

fn not_found(service: &str, message: String) -> PlatformError {
    PlatformError::answered(service, ServiceError::new("ResourceNotFoundException", message))
}

#[async_trait]
impl Platform for Sandbox {
    fn info(&self) -> BackendInfo {
        let speed = self.settings.sandbox.speed;
        let speed = if speed == 1.0 { String::new() } else { format!(", speed {speed}×") };
        BackendInfo { backend: "sandbox", location: format!("seed {}{speed}", self.settings.sandbox.seed) }
    }

    fn usage(&self) -> crate::model::Usage {
        self.ledger.usage()
    }

    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        let ms = self.with_model(|state| state.now_ms).unwrap_or_else(|_| self.clock.now_ms());
        chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default()
    }

    /// The model's time as this process runs it now: from the state last read (another lakeops
    /// beside it moves it on at each read), at this process's speed.
    fn clock(&self) -> crate::platform::PlatformClock {
        let (inner, clock) = (self.inner.clone(), self.clock.clone());
        Arc::new(move || {
            let wall = clock.now_ms();
            let ms = inner.lock().map(|inner| inner.clock.at(wall, inner.state.now_ms)).unwrap_or(wall);
            chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default()
        })
    }

    async fn snapshot(&self) -> Result<PlatformSnapshot, PlatformError> {
        let settings = &self.settings;
        let mut snapshot = self.with_model(|state| state.snapshot(settings))?;
        snapshot.problems.extend(self.take_notices());
        self.ledger.metric_data_read(usage::snapshot_series(&snapshot), snapshot.taken_at);
        snapshot.usage = self.ledger.usage();
        Ok(snapshot)
    }

    async fn stream_facts(&self, stream: &str) -> Result<Option<StreamFacts>, PlatformError> {
        let facts = self.with_model(|state| (state.stream.name == stream).then(|| state.stream_facts()))?;
        if let Some(facts) = &facts {
            self.ledger.metric_data_read(usage::stream_facts_series(facts), self.now());
        }
        Ok(facts)
    }

    async fn stream_metrics(&self, stream: &str, minutes: u32) -> Result<StreamSeries, PlatformError> {
        let series = self.with_model(|state| (state.stream.name == stream).then(|| state.stream_series(minutes)))?;
        let series = series.ok_or_else(|| not_found("Kinesis (sandbox)", format!("stream {stream} not found")))?;
        self.ledger.metric_data_read(usage::stream_chart_series(), self.now());
        Ok(series)
    }

    async fn open_peek(&self, stream: &str, shard: Option<&str>, from: PeekFrom) -> Result<PeekCursor, PlatformError> {
        let starts = self.with_model(|state| {
            if state.stream.name != stream {
                return Err(ServiceError::new("ResourceNotFoundException", format!("stream {stream} not found")));
            }
            state.peek_start(shard, from)
        })?;
        let (shards, start) = starts.map_err(|e| PlatformError::answered("Kinesis (sandbox)", e))?;
        let now = self.clock.now_ms();
        let shards = shards
            .into_iter()
            .map(|s| ShardPosition::new(&s.id, s.parents, s.open, Some(start.to_string()), now))
            .collect();
        Ok(PeekCursor { stream: stream.to_string(), from, shards, turn: 0 })
    }

    async fn read_peek(&self, cursor: &mut PeekCursor, limit: usize) -> Result<Vec<PeekRecord>, PlatformError> {
        let wall = self.clock.now_ms();
        let mut records = self.with_model(|state| {
            let mut records = Vec::new();
            // The same rounds as on AWS: each shard at most once a second, its share of the limit.
            for (index, want) in crate::ops::peek::plan_round(cursor, limit, wall) {
                let position = &mut cursor.shards[index];
                let from = position.iterator.as_deref().and_then(|i| i.parse().ok()).unwrap_or(state.now_ms);
                let (found, next, ended) = state.peek_records(&position.shard, from, want);
                position.iterator = Some(next.to_string());
                position.last_read_ms = wall;
                position.finished = ended;
                if let Some(last) = found.last() {
                    position.last_sequence = Some(last.sequence.clone());
                }
                records.extend(found);
            }
            records
        })?;
        records.sort_by(|a, b| a.arrival.cmp(&b.arrival).then_with(|| a.sequence.cmp(&b.sequence)));
        Ok(records)
    }

    async fn audit_events(&self, query: &AuditQuery) -> Result<Vec<AuditEvent>, PlatformError> {
        self.with_model(|state| {
            let mut events: Vec<AuditEvent> = state
                .trail
                .iter()
                .rev()
                .map(|e| e.to_audit_event())
                .filter(|e| crate::ops::audit::matches(e, query))
                .take(query.limit)
                .collect();
            events.sort_by_key(|e| std::cmp::Reverse(e.time));
            events
        })
    }

    async fn glue_overview(&self) -> Result<GlueOverview, PlatformError> {
        self.with_model(|state| state.glue_overview())
    }

    async fn glue_job(&self, job: &str) -> Result<Option<GlueJob>, PlatformError> {
        self.with_model(|state| state.glue_job(job))
    }

    async fn governance(&self) -> Result<Governance, PlatformError> {
        crate::ops::grants::require_enabled(&self.settings)?;
        let settings = &self.settings;
        self.with_model(|state| state.governance(settings))
    }

    async fn workflows(
        &self,
        since: chrono::DateTime<chrono::Utc>,
        failed_only: bool,
    ) -> Result<WorkflowOverview, PlatformError> {
        let settings = &self.settings;
        self.with_model(|state| state.workflow_overview(settings, since, failed_only))
    }

    async fn execution(&self, arn: &str) -> Result<Option<ExecutionDetail>, PlatformError> {
        self.with_model(|state| state.execution_detail(arn))
    }

    async fn emr(&self) -> Result<EmrOverview, PlatformError> {
        let settings = &self.settings;
        self.with_model(|state| state.emr_overview(settings))
    }

    async fn emr_cluster(&self, cluster_id: &str) -> Result<Option<ClusterDetail>, PlatformError> {
        self.with_model(|state| state.emr_cluster(cluster_id))
    }

    async fn emr_steps(&self, cluster_id: &str, failed_only: bool) -> Result<Option<Vec<EmrStep>>, PlatformError> {
        let found = self.with_model(|state| state.emr_cluster(cluster_id))?;
        Ok(found.map(|d| d.steps.into_iter().filter(|s| !failed_only || s.is_failed()).collect()))
    }

    async fn glue_crawler(&self, crawler: &str) -> Result<Option<GlueCrawler>, PlatformError> {
        self.with_model(|state| state.glue_crawler(crawler))
    }

    async fn function_logs(&self, query: &LogQuery) -> Result<Vec<LogEvent>, PlatformError> {
        let found =
            self.with_model(|state| (state.lambda.function == query.function).then(|| state.function_logs(query)))?;
        found.ok_or_else(|| {
            PlatformError::answered("CloudWatch Logs (sandbox)", crate::model::missing_log_group(&query.function))
        })
    }

    async fn query_status(&self, id: &str) -> Result<QueryStatus, PlatformError> {
        if let Some((status, settle)) = self.queries.status(id) {
            if settle {
                self.with_model(|state| state.settle_query(&status))?;
                self.save_change()?;
            }
            return Ok(status);
        }
        // A query another lakeops ran: its outcome is in the saved history.
        let known = self.with_model(|state| state.athena.executions.iter().find(|e| e.id == id).map(|e| e.status()))?;
        known.ok_or_else(|| {
            let answer = ServiceError::new("InvalidRequestException", format!("QueryExecution {id} was not found"));
            PlatformError::answered("Athena (sandbox)", answer)
        })
    }

    async fn query_results(&self, id: &str, token: Option<&str>) -> Result<ResultPage, PlatformError> {
        self.queries.page(id, token).map_err(|e| PlatformError::answered("Athena (sandbox)", e))
    }

    async fn query_history(&self, workgroup: &str) -> Result<Vec<PastQuery>, PlatformError> {
        self.with_model(|state| {
            if workgroup != state.athena.workgroup {
                let answer =
                    ServiceError::new("InvalidRequestException", format!("WorkGroup {workgroup} is not found."));
                return Err(PlatformError::answered("Athena (sandbox)", answer));
            }
            Ok(state
                .athena
                .executions
                .iter()
                .rev()
                .map(|e| PastQuery { status: e.status(), sql: e.sql.clone(), database: Some(e.database.clone()) })
                .collect())
        })?
    }

    async fn workgroups(&self) -> Result<Vec<String>, PlatformError> {
        self.with_model(|state| vec![state.athena.workgroup.clone()])
    }

    async fn saved_queries(&self, workgroup: &str) -> Result<Vec<SavedQuery>, PlatformError> {
        self.with_model(|state| {
            let mut saved: Vec<SavedQuery> =
                state.athena.saved.iter().filter(|q| q.workgroup == workgroup).cloned().collect();
            saved.sort_by_key(|q| q.name.to_lowercase());
            saved
        })
    }

    /// Saves now (at exit, after a change).
    async fn stack(&self, name: &str) -> Result<Option<StackSummary>, PlatformError> {
        self.with_stack(name, |stack, _| Ok(stack.map(|s| s.summary())))
    }

    async fn stack_events(&self, name: &str) -> Result<Vec<StackEvent>, PlatformError> {
        self.with_stack(name, |stack, _| {
            Ok(stack.map(|s| s.events.iter().rev().cloned().collect()).unwrap_or_default())
        })
    }

    async fn stack_drift(&self, name: &str) -> Result<Vec<DriftedResource>, PlatformError> {
        self.with_stack(name, |_, _| Ok(()))?;
        self.with_model(|state| state.stack_drift())
    }

    /// The sandbox's account holds what its one stack deployed: a name of that stack's is taken
    /// for any other stack, and for another logical id of the same stack.
    async fn taken_names(&self, stack: &str, wanted: &[NamedResource]) -> Result<Vec<NamedResource>, PlatformError> {
        self.with_stack(stack, |_, _| Ok(()))?;
        let region = self.settings.aws.region.clone();
        self.with_model(|state| {
            let Some(deployed) = &state.stack else { return Vec::new() };
            let body = serde_json::json!({"Resources": deployed.resources});
            let existing = crate::provision::named_resources(&body, Some(stack::SANDBOX_ACCOUNT), &region);
            let own = |e: &NamedResource, w: &NamedResource| deployed.name == stack && e.logical_id == w.logical_id;
            wanted
                .iter()
                .filter(|w| {
                    existing.iter().any(|e| e.resource_type == w.resource_type && e.name == w.name && !own(e, w))
                })
                .cloned()
                .collect()
        })
    }

    async fn apply(&self, change: &Change, _permit: &Permit) -> Result<Applied, PlatformError> {
        let applied = self.make(change)?;
        self.save_change()?;
        Ok(applied)
    }

    /// At exit: saves the model, and ends this process's hold of the shared clock at its speed
    /// (model time runs with the wall clock while no lakeops runs it faster).
    fn flush(&self) -> Result<(), PlatformError> {
        let Some(store) = self.saving() else { return Ok(()) };
        let mut inner = self.model_to_save()?;
        let _lock = store.lock()?;
        if store.reset_since_seen() {
            return Ok(());
        }
        let wall = self.clock.now_ms();
        let holds = inner.holds_the_clock();
        let ended = |clock: ModelClock, now_ms: i64| ModelClock::at_wall_pace(wall, clock.at(wall, now_ms));
        // Another lakeops saved since we last read: its state holds its changes, ours only the
        // time that passed (which the next run catches up on). Keep its, with our hold ended
        // when it carries it on (a command beside us saves the clock we hold).
        if store.changed_since_seen() {
            let speed = inner.clock.speed;
            if let Some(mut newer) = store.load_if_changed()?.filter(|_| holds) {
                if let Some(clock) = newer.clock.filter(|c| c.held_until_ms.is_some() && c.speed == speed) {
                    newer.clock = Some(ended(clock, newer.now_ms));
                    store.save(&newer)?;
                }
            }
            return Ok(());
        }
        let clock = inner.clock;
        let now_ms = inner.state.now_ms;
        let shared = inner.shared_clock(wall);
        // Our hold ends; a faster one another lakeops holds stays.
        let ours = holds && shared.speed == clock.speed;
        inner.state.clock = Some(if ours { ended(clock, now_ms) } else { shared });
        store.save(&inner.state)
    }
}

impl Sandbox {
    /// Saves a change at once, unless another lakeops saved since we last read (see
    /// [`Platform::flush`]).
    fn save_change(&self) -> Result<(), PlatformError> {
        let Some(store) = self.saving() else { return Ok(()) };
        let inner = self.model_to_save()?;
        let _lock = store.lock()?;
        if store.changed_since_seen() || store.reset_since_seen() {
            return Ok(());
        }
        store.save(&inner.state)
    }
}
