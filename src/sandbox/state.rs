//! The sandbox's whole state: plain data, saved as JSON between runs.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use super::rng::Rng;
use crate::model::CapacityMode;

/// 2^128 - 1: the top of the Kinesis hash-key space.
pub const MAX_HASH_KEY: u128 = u128::MAX;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SimState {
    /// Bumped when the saved form changes incompatibly; an old file is replaced, not misread.
    pub version: u32,
    pub seed: u64,
    pub rng: Rng,
    /// Simulated time, epoch milliseconds.
    pub now_ms: i64,
    pub stream: StreamState,
    pub lambda: LambdaState,
    pub lake: LakeState,
    pub glue: GlueState,
    pub redshift: RedshiftState,
    pub athena: AthenaState,
    pub trail: VecDeque<TrailEvent>,
    pub alarms: Vec<AlarmState>,
    pub burst: Option<Burst>,
    pub faults: Vec<Fault>,
    /// Per-minute metrics, oldest first, at most a day.
    pub minutes: VecDeque<MinuteMetrics>,
    /// The minute being filled.
    pub current: MinuteMetrics,
    /// The platform's CloudFormation stack (made on first use from the profile).
    #[serde(default)]
    pub stack: Option<super::stack::SandboxStack>,
    /// How model time runs, as the last lakeops to save it ran it: every lakeops sharing the
    /// state (a console at `--speed 600` and headless commands beside it) reads the same time.
    #[serde(default)]
    pub clock: Option<ModelClock>,
    /// The nightly state machine and its executions (absent from states saved before it).
    #[serde(default)]
    pub workflow: super::workflow::WorkflowState,
    /// The EMR cluster and its steps (absent from states saved before it).
    #[serde(default)]
    pub emr: super::emr::EmrState,
    /// The EMR Serverless application and its job runs (absent from states saved before it).
    #[serde(default)]
    pub serverless: super::emr_serverless::ServerlessState,
    /// When each fault was on, so the layers simulated from the clock (MSK, the sources,
    /// Firehose, OpenSearch, QuickSight) keep their history when a fault is turned off.
    #[serde(default)]
    pub fault_spans: Vec<FaultSpan>,
    /// Sources run and datasets refreshed on an operator's request.
    #[serde(default)]
    pub reruns: Vec<super::rerun::RerunAt>,
    /// Until when chance troubles do not happen ([`SimState::trouble`]): the history a fresh
    /// sandbox starts with is untroubled, so it opens healthy at any hour.
    #[serde(default)]
    pub calm_until_ms: i64,
}

/// A fault on from `from_ms` until `until_ms` (still on: `None`).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
pub struct FaultSpan {
    pub fault: Fault,
    pub from_ms: i64,
    pub until_ms: Option<i64>,
}

/// Model time at a moment of the clock, and how fast it runs from there.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
pub struct ModelClock {
    pub wall_ms: i64,
    pub model_ms: i64,
    pub speed: f64,
    /// Until when (wall time) `speed` holds; after it model time runs with the wall clock. A
    /// lakeops at its own `--speed` saves its clock held a while past each save, and ends the hold
    /// when it exits. `None`: for good (a process's own clock; a state saved before holds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub held_until_ms: Option<i64>,
}

impl ModelClock {
    /// A clock at the wall clock's pace from `wall_ms`, the model then at `model_ms`.
    pub fn at_wall_pace(wall_ms: i64, model_ms: i64) -> ModelClock {
        ModelClock { wall_ms, model_ms, speed: 1.0, held_until_ms: None }
    }

    /// Model time at `wall_ms` (never before `at_least`: the model does not run backwards).
    pub fn at(&self, wall_ms: i64, at_least: i64) -> i64 {
        let fast_until = self.held_until_ms.map_or(wall_ms, |held| held.min(wall_ms));
        let fast = ((fast_until - self.wall_ms).max(0) as f64 * self.speed) as i64;
        let after = (wall_ms - fast_until.max(self.wall_ms)).max(0);
        self.model_ms.saturating_add(fast).saturating_add(after).max(at_least)
    }

    /// Whether another lakeops holds this clock at its speed at `wall_ms`.
    pub fn held_at(&self, wall_ms: i64) -> bool {
        self.held_until_ms.is_some_and(|held| held > wall_ms)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Shard {
    pub id: String,
    /// Hash keys are 128-bit; JSON keeps them as decimal strings.
    #[serde(with = "u128_string")]
    pub start: u128,
    #[serde(with = "u128_string")]
    pub end: u128,
    pub parent: Option<String>,
    pub adjacent_parent: Option<String>,
    pub open: bool,
    /// Records accepted but not yet processed by the consumer.
    pub backlog: f64,
    /// Age of the oldest unprocessed record, seconds.
    pub oldest_age_s: f64,
    /// Records/s offered to the shard in the last step (accepted and throttled).
    #[serde(default)]
    pub offered_per_second: f64,
    /// When a reshard opened it (model time; `None`: since the stream was created).
    #[serde(default)]
    pub opened_ms: Option<i64>,
    /// When a reshard closed it: its records are those written before.
    #[serde(default)]
    pub closed_ms: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct StreamState {
    pub name: String,
    pub mode: CapacityMode,
    pub status: String,
    pub retention_hours: u32,
    pub shards: Vec<Shard>,
    pub next_shard_number: u32,
    /// Shard-level metrics on (the sandbox always knows per-shard rates; AWS only then).
    #[serde(default)]
    pub enhanced_monitoring: bool,
    /// A resharding call in progress: applied when the model reaches `apply_at_ms`.
    #[serde(default)]
    pub pending: Option<PendingReshard>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PendingReshard {
    pub apply_at_ms: i64,
    pub call: crate::model::ReshardCall,
}

impl Shard {
    /// The shard as a platform reports it (ListShards), with its rate when shard-level metrics
    /// are on.
    pub fn info(&self, incoming_per_second: Option<f64>) -> crate::model::ShardInfo {
        crate::model::ShardInfo {
            id: self.id.clone(),
            start: self.start,
            end: self.end,
            parent: self.parent.clone(),
            adjacent_parent: self.adjacent_parent.clone(),
            open: self.open,
            incoming_per_second,
        }
    }
}

impl StreamState {
    pub fn open_shards(&self) -> impl Iterator<Item = &Shard> {
        self.shards.iter().filter(|s| s.open)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct LambdaState {
    pub function: String,
    pub batch_size: u32,
    pub error_rate: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct LakeState {
    pub raw_bucket: String,
    pub curated_bucket: String,
    pub raw_bytes: f64,
    pub raw_objects: u64,
    pub curated_bytes: f64,
    pub curated_objects: u64,
    /// Raw bytes written since the last successful ETL run.
    pub raw_bytes_pending: f64,
    /// Raw data written before this moment is in the curated zone (the input of the last
    /// successful ETL run): the local lake's Parquet files go up to here.
    pub curated_until_ms: i64,
    pub last_raw_write_ms: Option<i64>,
    pub dlq_queue: String,
    pub dlq_messages: f64,
    /// When the oldest message still in the dead-letter queue arrived.
    pub dlq_oldest_ms: Option<i64>,
}

impl LakeState {
    /// The zones' buckets, as the catalog's tables name them.
    pub fn buckets(&self) -> crate::sandbox::engine::Buckets {
        crate::sandbox::engine::Buckets { raw: self.raw_bucket.clone(), curated: self.curated_bucket.clone() }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct GlueRun {
    pub id: String,
    pub state: String,
    pub started_ms: i64,
    /// When the current state ends (for STARTING and RUNNING).
    pub until_ms: i64,
    pub ended_ms: Option<i64>,
    pub error: Option<String>,
    pub input_bytes: f64,
    pub fails: bool,
    /// `--key` → value, as the run was started.
    pub arguments: Vec<(String, String)>,
    /// Who started it (the scheduler, or a person through lakeops).
    pub started_by: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct GlueState {
    pub database: String,
    pub job: String,
    pub crawler: String,
    /// Minutes past the hour the job starts at, and every how many minutes.
    pub job_minute: u32,
    pub job_every_minutes: u32,
    /// The scheduled period of the last check, for the job and the crawler.
    pub job_slot: i64,
    pub crawler_slot: i64,
    pub failure_rate: f64,
    pub runs: VecDeque<GlueRun>,
    pub next_run_number: u32,
    pub crawler_state: String,
    pub crawler_until_ms: i64,
    pub crawler_last_status: Option<String>,
    pub crawler_last_crawl_ms: Option<i64>,
    pub crawler_last_error: Option<String>,
    /// Tables the last crawl created and updated.
    pub crawler_tables_created: u64,
    pub crawler_tables_updated: u64,
    /// When the sandbox platform was created; the lake holds 30 days before that.
    pub created_ms: i64,
    /// Partitions exist in the catalog up to these days: the raw zone's up to the last
    /// successful crawl, the curated zone's up to the last successful ETL run.
    pub crawled_through_ms: i64,
    pub curated_through_ms: i64,
    /// The curated table's Data Quality ruleset: evaluations so far, the newest's time, and
    /// whether it failed (absent from states saved before it).
    #[serde(default)]
    pub quality_runs: u32,
    #[serde(default)]
    pub quality_evaluated_ms: Option<i64>,
    #[serde(default)]
    pub quality_bad: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RedshiftState {
    pub name: String,
    pub load_until_ms: i64,
    pub cpu: f64,
    pub connections: f64,
    pub disk_percent: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AthenaState {
    pub workgroup: String,
    /// The workgroup's saved (named) queries.
    #[serde(default)]
    pub saved: Vec<crate::model::SavedQuery>,
    pub running_until_ms: i64,
    pub failures_ms: VecDeque<i64>,
    pub scanned_today: f64,
    pub day: i64,
    /// The workgroup's queries, newest last, as ListQueryExecutions lists them.
    pub executions: VecDeque<Execution>,
}

/// One query run in the sandbox's workgroup.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Execution {
    pub id: String,
    pub sql: String,
    pub database: String,
    pub state: crate::model::QueryState,
    pub reason: Option<String>,
    pub submitted_ms: i64,
    pub scanned_bytes: Option<u64>,
    pub engine_ms: Option<u64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TrailEvent {
    pub time_ms: i64,
    pub user: String,
    pub source: String,
    pub name: String,
    pub resource: String,
    pub read_only: bool,
    /// The caller's user agent as CloudTrail records it (`userAgent`); state saved before it
    /// was kept has none, and reads the user's usual one.
    #[serde(default)]
    pub user_agent: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AlarmState {
    pub name: String,
    /// The metric it watches, "namespace name".
    pub metric: String,
    pub state: String,
    pub reason: String,
    pub since_ms: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Burst {
    pub until_ms: i64,
    pub factor: f64,
}

pub use crate::model::Fault;

/// One minute of the metrics CloudWatch would hold (sums, except where named).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct MinuteMetrics {
    /// Start of the minute, epoch milliseconds.
    pub minute_ms: i64,
    pub incoming_records: f64,
    pub incoming_bytes: f64,
    pub write_throttled: f64,
    pub read_throttled: f64,
    pub outgoing_records: f64,
    /// Maximum over the minute.
    pub iterator_age_ms: f64,
    pub invocations: f64,
    pub errors: f64,
    pub throttles: f64,
    pub duration_ms_sum: f64,
    /// The slowest invocation of the minute, and the most instances running at once.
    pub duration_ms_max: f64,
    /// Invocations the function's timeout ended (a share of the failed ones).
    #[serde(default)]
    pub timeouts: f64,
    pub concurrency_max: f64,
    /// Averages over the minute (sum here, divided by `samples`).
    pub redshift_cpu_sum: f64,
    pub redshift_connections_sum: f64,
    /// Disk used at the end of the minute.
    pub redshift_disk_percent: f64,
    pub samples: f64,
}

mod u128_string {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &u128, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&v.to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u128, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}
