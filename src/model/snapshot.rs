use chrono::{DateTime, Utc};

use super::emr::ProcessingStatus;
use super::workflow::OrchestrationStatus;
use super::{FirehoseStatus, KafkaStatus, QuicksightStatus, SearchDomain, SourcesStatus, Usage};
use serde::{Deserialize, Serialize};

/// How a layer is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Health {
    Ok,
    Unknown,
    Warn,
    Critical,
}

impl Health {
    pub fn label(self) -> &'static str {
        match self {
            Health::Ok => "OK",
            Health::Unknown => "UNKNOWN",
            Health::Warn => "WARN",
            Health::Critical => "CRIT",
        }
    }
}

/// The layers of the platform, in pipeline order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Layer {
    Kinesis,
    Msk,
    Sources,
    Firehose,
    Lambda,
    Lake,
    Glue,
    Orchestration,
    Processing,
    Redshift,
    Athena,
    Opensearch,
    Quicksight,
    Cloudtrail,
    Alarms,
}

impl Layer {
    /// Whether the overview shows the layer even when the profile does not watch it (the first
    /// pipeline's layers say "not part of this platform's profile"; the layers a profile adds
    /// appear only when it adds them).
    pub fn always_shown(self) -> bool {
        !matches!(self, Layer::Orchestration | Layer::Processing) && !Layer::LISTED.contains(&self)
    }

    /// The layers a profile adds whose views list their resources (`ops::inventory`, `lakeops
    /// show`), in pipeline order.
    pub const LISTED: [Layer; 5] = [Layer::Msk, Layer::Sources, Layer::Firehose, Layer::Opensearch, Layer::Quicksight];

    pub const ALL: [Layer; 15] = [
        Layer::Kinesis,
        Layer::Msk,
        Layer::Sources,
        Layer::Firehose,
        Layer::Lambda,
        Layer::Lake,
        Layer::Glue,
        Layer::Orchestration,
        Layer::Processing,
        Layer::Redshift,
        Layer::Athena,
        Layer::Opensearch,
        Layer::Quicksight,
        Layer::Cloudtrail,
        Layer::Alarms,
    ];

    /// As `status --json` names it.
    pub fn id(self) -> &'static str {
        match self {
            Layer::Kinesis => "kinesis",
            Layer::Msk => "msk",
            Layer::Sources => "sources",
            Layer::Firehose => "firehose",
            Layer::Lambda => "lambda",
            Layer::Lake => "lake",
            Layer::Glue => "glue",
            Layer::Orchestration => "orchestration",
            Layer::Processing => "processing",
            Layer::Redshift => "redshift",
            Layer::Athena => "athena",
            Layer::Opensearch => "opensearch",
            Layer::Quicksight => "quicksight",
            Layer::Cloudtrail => "cloudtrail",
            Layer::Alarms => "alarms",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Layer::Kinesis => "Kinesis",
            Layer::Msk => "MSK",
            Layer::Sources => "Sources",
            Layer::Firehose => "Firehose",
            Layer::Lambda => "Lambda",
            Layer::Lake => "S3 lake",
            Layer::Glue => "Glue",
            Layer::Orchestration => "Orchestration",
            Layer::Processing => "EMR",
            Layer::Redshift => "Redshift",
            Layer::Athena => "Athena",
            Layer::Opensearch => "OpenSearch",
            Layer::Quicksight => "QuickSight",
            Layer::Cloudtrail => "CloudTrail",
            Layer::Alarms => "Alarms",
        }
    }
}

impl Serialize for Layer {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

#[cfg(test)]
impl PlatformSnapshot {
    /// For tests: one stream read at 10:00 on 2026-03-20, the first pipeline's other layers not
    /// read, the layers a profile adds not watched.
    pub(crate) fn example() -> PlatformSnapshot {
        use chrono::TimeZone;
        PlatformSnapshot {
            taken_at: chrono::Utc.with_ymd_and_hms(2026, 3, 20, 10, 0, 0).unwrap(),
            streams: Reading::Ready { data: vec![StreamStatus::example("clickstream-events")] },
            function: Reading::unavailable("not read"),
            lake: Reading::unavailable("not read"),
            glue: Reading::unavailable("not read"),
            orchestration: Reading::NotWatched,
            processing: Reading::NotWatched,
            msk: Reading::NotWatched,
            sources: Reading::NotWatched,
            firehose: Reading::NotWatched,
            opensearch: Reading::NotWatched,
            quicksight: Reading::NotWatched,
            redshift: Reading::unavailable("not read"),
            athena: Reading::unavailable("not read"),
            audit: Reading::unavailable("not read"),
            alarms: Reading::unavailable("not read"),
            problems: vec![],
            usage: Usage::default(),
        }
    }
}

/// A layer's data: watched and read, not read (with why), or not part of this platform.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Reading<T> {
    Ready { data: T },
    Unavailable { reason: String },
    NotWatched,
}

impl<T> Reading<T> {
    pub fn unavailable(reason: impl Into<String>) -> Self {
        Reading::Unavailable { reason: reason.into() }
    }

    /// Ready when the profile watches the layer (`Some`), `NotWatched` when it does not.
    pub fn watched(data: Option<T>) -> Self {
        data.map_or(Reading::NotWatched, |data| Reading::Ready { data })
    }

    pub fn ready(&self) -> Option<&T> {
        match self {
            Reading::Ready { data } => Some(data),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CapacityMode {
    Provisioned,
    OnDemand,
}

impl CapacityMode {
    /// As profiles and the command line write it.
    pub fn name(self) -> &'static str {
        match self {
            CapacityMode::Provisioned => "provisioned",
            CapacityMode::OnDemand => "on-demand",
        }
    }
}

/// One Kinesis stream as the overview sees it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StreamStatus {
    pub name: String,
    /// ACTIVE, CREATING, UPDATING, DELETING.
    pub status: String,
    pub mode: CapacityMode,
    pub open_shards: u32,
    /// From DescribeStreamSummary: `None` until the stream's turn to be described comes (a
    /// refresh describes at most 20), never a made-up zero.
    pub retention_hours: Option<u32>,
    pub consumers: Option<u32>,
    /// Per-second rates from the last complete minute; `None` when no datapoint is held.
    pub incoming_records_per_second: Option<f64>,
    pub incoming_bytes_per_second: Option<f64>,
    /// Records/s over the last hours, one point a minute, oldest first (for the trend).
    pub incoming_history: Vec<f64>,
    pub iterator_age_ms: Option<f64>,
    /// Iterator age 10 minutes earlier, to tell rising from falling.
    pub iterator_age_ms_before: Option<f64>,
    /// Throttled writes and reads in the last minute.
    pub write_throttled: Option<f64>,
    pub read_throttled: Option<f64>,
}

impl StreamStatus {
    /// A healthy provisioned stream for tests: 4 shards taking 2,400 records/s.
    #[cfg(test)]
    pub fn example(name: &str) -> StreamStatus {
        StreamStatus {
            name: name.into(),
            status: "ACTIVE".into(),
            mode: CapacityMode::Provisioned,
            open_shards: 4,
            retention_hours: Some(24),
            consumers: Some(0),
            incoming_records_per_second: Some(2400.0),
            incoming_bytes_per_second: Some(1_440_000.0),
            incoming_history: vec![2300.0, 2400.0],
            iterator_age_ms: Some(900.0),
            iterator_age_ms_before: Some(800.0),
            write_throttled: Some(0.0),
            read_throttled: Some(0.0),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FunctionStatus {
    pub name: String,
    pub invocations_per_minute: Option<f64>,
    pub errors_per_minute: Option<f64>,
    pub throttles_per_minute: Option<f64>,
    pub duration_ms: Option<f64>,
    /// The 99th percentile of duration (CloudWatch extended statistic p99).
    pub duration_p99_ms: Option<f64>,
    pub iterator_age_ms: Option<f64>,
    /// Most instances running at once in the last minute.
    pub concurrency: Option<f64>,
    /// The last hours, one value a minute, oldest first: `:lambda`'s charts.
    #[serde(skip)]
    pub history: FunctionHistory,
}

/// Per-minute series of a function, all the same length, oldest first. A minute without a
/// datapoint is 0 (CloudWatch omits the empty minutes of a sum).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FunctionHistory {
    pub invocations: Vec<f64>,
    pub errors: Vec<f64>,
    pub throttles: Vec<f64>,
    pub duration_ms: Vec<f64>,
    pub duration_p99_ms: Vec<f64>,
    pub iterator_age_ms: Vec<f64>,
    pub concurrency: Vec<f64>,
}

impl FunctionStatus {
    pub fn error_rate(&self) -> Option<f64> {
        let invocations = self.invocations_per_minute?;
        let errors = self.errors_per_minute?;
        (invocations > 0.0).then(|| errors / invocations)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LakeStatus {
    pub raw_bucket: String,
    pub curated_bucket: String,
    pub raw_bytes: u64,
    pub raw_objects: u64,
    pub curated_bytes: u64,
    pub curated_objects: u64,
    pub last_raw_write: Option<DateTime<Utc>>,
    pub dlq_messages: u64,
}

/// Glue run states as the API names them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JobRun {
    pub id: String,
    pub state: String,
    pub started: DateTime<Utc>,
    /// When it ended (Glue's CompletedOn); `None` while it runs.
    pub ended: Option<DateTime<Utc>>,
    pub duration_seconds: Option<u64>,
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GlueStatus {
    pub job: String,
    pub last_run: Option<JobRun>,
    /// The last run that finished, when the last run is still going.
    pub last_finished: Option<JobRun>,
    pub crawler: String,
    /// READY, RUNNING, STOPPING.
    pub crawler_state: String,
    pub crawler_last_status: Option<String>,
    pub crawler_last_crawl: Option<DateTime<Utc>>,
    /// Catalog tables failing their Glue Data Quality rulesets (newest evaluations).
    pub quality_failures: Vec<super::glue::QualityFailure>,
    /// The job's successful runs read, oldest first: each the curated zone's update (its end, and
    /// the raw data its input held), for the curated freshness objective (`ops::slo`).
    pub curated_writes: super::UpdateHistory,
}

impl GlueStatus {
    /// Job `curate` and crawler `raw`, READY, with no run read, for tests.
    #[cfg(test)]
    pub fn example() -> GlueStatus {
        GlueStatus {
            job: "curate".into(),
            last_run: None,
            last_finished: None,
            crawler: "raw".into(),
            crawler_state: "READY".into(),
            crawler_last_status: None,
            crawler_last_crawl: None,
            quality_failures: Vec::new(),
            curated_writes: Default::default(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RedshiftStatus {
    pub name: String,
    /// A Serverless workgroup or a provisioned cluster (never `Off`: then there is no status).
    pub mode: RedshiftMode,
    /// Cluster CPUUtilization; for Serverless, the share of the workgroup's maximum RPUs in use
    /// when lakeops knows the maximum.
    pub cpu_percent: Option<f64>,
    /// Serverless ComputeCapacity: RPUs in use.
    pub compute_rpu: Option<f64>,
    pub connections: Option<f64>,
    pub disk_used_percent: Option<f64>,
    /// Cluster HealthStatus (1 healthy, 0 not); `None` for Serverless or without datapoints.
    pub healthy: Option<bool>,
    /// The last hours, one value a minute, oldest first: `:redshift`'s charts.
    #[serde(skip)]
    pub history: RedshiftHistory,
}

/// How the profile runs its warehouse (`platform.redshift.mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case", try_from = "String")]
pub enum RedshiftMode {
    Serverless,
    Cluster,
    Off,
}

/// Per-minute series of the warehouse, oldest first (0 for a minute without a datapoint).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RedshiftHistory {
    /// CPU % (cluster) or RPUs (Serverless).
    pub load: Vec<f64>,
    pub connections: Vec<f64>,
    pub disk_used_percent: Vec<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AthenaStatus {
    pub workgroup: String,
    pub running: u32,
    pub failed_last_hour: u32,
    pub scanned_bytes_today: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEvent {
    pub time: DateTime<Utc>,
    pub user: String,
    pub source: String,
    pub name: String,
    pub resource: String,
    pub read_only: bool,
    /// The call's error code, when it failed (or the journal's outcome when it was refused).
    pub error_code: Option<String>,
    /// The record behind it: CloudTrail's, whole, as CloudTrail wrote it; or lakeops' journal
    /// line (its detail and outcome with it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_json: Option<String>,
    /// From lakeops' own journal rather than CloudTrail.
    pub from_journal: bool,
    /// Made through lakeops: its journal's entries, and calls whose user agent (CloudTrail's
    /// `userAgent`) carries lakeops' app name, whoever on the team made them and from where.
    pub by_lakeops: bool,
}

impl AuditEvent {
    /// A write by `user` on the stream `orders`, for tests.
    #[cfg(test)]
    pub fn example(user: &str, read_only: bool, time: DateTime<Utc>) -> AuditEvent {
        AuditEvent {
            time,
            user: user.into(),
            source: "kinesis.amazonaws.com".into(),
            name: "UpdateShardCount".into(),
            resource: "orders".into(),
            read_only,
            error_code: None,
            event_json: None,
            from_journal: false,
            by_lakeops: false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditStatus {
    pub write_events_last_hour: u32,
    pub latest_write: Option<AuditEvent>,
    /// The last hour's writes as read (newest first, one page): the charts' change markers.
    #[serde(skip)]
    pub writes: Vec<AuditEvent>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alarm {
    pub name: String,
    /// OK, ALARM, INSUFFICIENT_DATA.
    pub state: String,
    pub reason: String,
    pub since: Option<DateTime<Utc>>,
    /// "AWS/Kinesis GetRecords.IteratorAgeMilliseconds", when the alarm watches one metric.
    pub metric: Option<String>,
}

impl Alarm {
    /// ALARM first, then INSUFFICIENT_DATA, then OK: how `:alarms` orders them.
    pub fn rank(&self) -> u8 {
        match self.state.as_str() {
            "ALARM" => 0,
            "INSUFFICIENT_DATA" => 1,
            _ => 2,
        }
    }
}

/// The consumer's dead-letter queue: what failed its retries and waits for a person.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DlqStatus {
    pub queue: String,
    /// ApproximateNumberOfMessages (visible) and …NotVisible (being handled), from SQS now.
    pub visible: Option<u64>,
    pub in_flight: Option<u64>,
    /// ApproximateAgeOfOldestMessage, from CloudWatch (a few minutes behind).
    pub oldest_age_seconds: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlarmStatus {
    pub total: u32,
    /// Every alarm of the platform, worst first (see [`Alarm::rank`]), then newest change.
    pub alarms: Vec<Alarm>,
    pub dlq: Reading<DlqStatus>,
}

impl AlarmStatus {
    pub fn firing(&self) -> impl Iterator<Item = &Alarm> {
        self.alarms.iter().filter(|a| a.state == "ALARM")
    }

    /// Orders `alarms` worst first, newest change first within a state.
    pub fn sort(&mut self) {
        self.alarms.sort_by(|a, b| a.rank().cmp(&b.rank()).then(b.since.cmp(&a.since)).then(a.name.cmp(&b.name)));
    }
}

/// Everything the overview shows, read at one moment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlatformSnapshot {
    pub taken_at: DateTime<Utc>,
    pub streams: Reading<Vec<StreamStatus>>,
    /// The layers a profile adds (`NotWatched` when it does not): Kafka ingestion, the
    /// landing zone's sources, Firehose delivery, the OpenSearch domain, QuickSight's SPICE.
    pub msk: Reading<KafkaStatus>,
    pub sources: Reading<SourcesStatus>,
    pub firehose: Reading<FirehoseStatus>,
    pub opensearch: Reading<SearchDomain>,
    pub quicksight: Reading<QuicksightStatus>,
    pub function: Reading<FunctionStatus>,
    pub lake: Reading<LakeStatus>,
    pub glue: Reading<GlueStatus>,
    /// The watched state machines; `NotWatched` when the profile watches none.
    pub orchestration: Reading<OrchestrationStatus>,
    /// The EMR cluster or Serverless application; `NotWatched` when the profile runs none.
    pub processing: Reading<ProcessingStatus>,
    pub redshift: Reading<RedshiftStatus>,
    pub athena: Reading<AthenaStatus>,
    pub audit: Reading<AuditStatus>,
    pub alarms: Reading<AlarmStatus>,
    /// Partial failures of this read (a layer that could not be read says why in its
    /// `Reading`; these are the rest, e.g. metrics that could not be fetched).
    pub problems: Vec<String>,
    /// The backend's billed reads so far, this read's included (not part of `status --json`).
    #[serde(skip)]
    pub usage: Usage,
}

/// One layer's verdict: the health, the reason in words, and its key numbers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LayerHealth {
    pub layer: Layer,
    pub health: Health,
    pub reason: String,
    pub numbers: Vec<KeyNumber>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KeyNumber {
    pub label: String,
    /// Shown to people, with its unit ("2,400/s", "14 min").
    pub text: String,
    /// The raw value for scripts, in `unit`.
    pub value: Option<f64>,
    pub unit: &'static str,
}
