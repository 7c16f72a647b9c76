//! Glue as the `:glue` view and `lakeops glue` see it: jobs with their runs, crawlers, and
//! the catalog.

use chrono::{DateTime, Utc};
use serde::Serialize;

/// One run of a Glue job, newest first in [`GlueJob::runs`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GlueRunDetail {
    pub id: String,
    /// STARTING, RUNNING, STOPPING, STOPPED, SUCCEEDED, FAILED, TIMEOUT, ERROR, WAITING, EXPIRED.
    pub state: String,
    pub started: DateTime<Utc>,
    pub ended: Option<DateTime<Utc>>,
    /// Execution time as Glue reports it (seconds billed), or the time so far for a live run.
    pub duration_seconds: Option<u64>,
    /// DPUs (or workers × DPU per worker) the run was given.
    pub capacity_dpu: Option<f64>,
    /// DPU-seconds consumed, what Glue bills.
    pub dpu_seconds: Option<f64>,
    pub error: Option<String>,
    /// Job arguments the run was started with (`--key` → value).
    pub arguments: Vec<(String, String)>,
}

impl GlueRunDetail {
    /// Whether the run still counts against the job's concurrency.
    pub fn is_active(&self) -> bool {
        is_active_state(&self.state)
    }

    pub fn is_failure(&self) -> bool {
        matches!(self.state.as_str(), "FAILED" | "TIMEOUT" | "ERROR" | "EXPIRED")
    }
}

/// Run states that occupy one of the job's concurrent-run slots.
pub fn is_active_state(state: &str) -> bool {
    matches!(state, "STARTING" | "RUNNING" | "STOPPING" | "WAITING")
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GlueJob {
    pub name: String,
    /// ExecutionProperty.MaxConcurrentRuns (Glue's default is 1).
    pub max_concurrent_runs: u32,
    /// "G.1X × 10" or "10 DPU", as configured.
    pub capacity: Option<String>,
    /// The job's schedule, when a trigger gives it one.
    pub schedule: Option<String>,
    /// Newest first.
    pub runs: Vec<GlueRunDetail>,
}

impl GlueJob {
    pub fn active_runs(&self) -> impl Iterator<Item = &GlueRunDetail> {
        self.runs.iter().filter(|r| r.is_active())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GlueCrawler {
    pub name: String,
    /// READY, RUNNING, STOPPING.
    pub state: String,
    pub database: Option<String>,
    pub schedule: Option<String>,
    /// SUCCEEDED, FAILED, CANCELLED.
    pub last_status: Option<String>,
    pub last_crawl: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    /// From GetCrawlerMetrics (the last crawl); `None` when the endpoint does not say.
    pub tables_created: Option<u64>,
    pub tables_updated: Option<u64>,
    pub tables_deleted: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CatalogTable {
    pub name: String,
    pub location: Option<String>,
    /// "parquet", "json", … from the table's classification or input format.
    pub format: Option<String>,
    pub partition_keys: Vec<String>,
    /// The columns with their catalog types, the partition keys last.
    pub columns: Vec<CatalogColumn>,
    /// Counted with GetPartitions up to [`PARTITIONS_COUNTED`]; `None` when not counted.
    pub partitions: Option<u64>,
    pub updated: Option<DateTime<Utc>>,
    /// Its Glue Data Quality rulesets, each with its newest result.
    pub quality: Vec<TableQuality>,
}

/// A Glue Data Quality ruleset of a table and its newest evaluation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TableQuality {
    pub ruleset: String,
    /// The newest result; `None` when the ruleset has not run.
    pub result: Option<QualityResult>,
}

/// One evaluation of a ruleset: its score and the rules that did not pass.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QualityResult {
    pub id: String,
    /// The share of rules that passed, 0 to 1.
    pub score: Option<f64>,
    pub evaluated: Option<DateTime<Utc>>,
    /// The rules evaluated.
    pub rules: u32,
    /// The rules that FAILED or ended in ERROR, with Glue's evaluation message.
    pub failed: Vec<RuleOutcome>,
}

/// A rule that did not pass.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleOutcome {
    /// The rule as written (`IsComplete "user_id"`).
    pub rule: String,
    /// FAIL or ERROR.
    pub result: String,
    pub message: Option<String>,
}

/// A table failing its ruleset, as the overview's Glue row says it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QualityFailure {
    pub table: String,
    pub ruleset: String,
    pub score: Option<f64>,
    /// The first rule that did not pass.
    pub rule: RuleOutcome,
}

/// Every (table, ruleset) whose newest evaluation has a rule that did not pass.
pub fn quality_failures<'a>(rulesets: impl IntoIterator<Item = (&'a str, &'a TableQuality)>) -> Vec<QualityFailure> {
    rulesets
        .into_iter()
        .filter_map(|(table, q)| {
            let result = q.result.as_ref()?;
            Some(QualityFailure {
                table: table.to_string(),
                ruleset: q.ruleset.clone(),
                score: result.score,
                rule: result.failed.first()?.clone(),
            })
        })
        .collect()
}

impl CatalogDatabase {
    /// Every table failing one of its rulesets.
    pub fn quality_failures(&self) -> Vec<QualityFailure> {
        quality_failures(self.tables.iter().flat_map(|t| t.quality.iter().map(|q| (t.name.as_str(), q))))
    }
}

/// A column of a catalog table ("string", "timestamp", "struct<…>", …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CatalogColumn {
    pub name: String,
    pub kind: String,
    pub partition_key: bool,
}

/// Partitions are counted up to this many per table: past it the view says "1000+".
pub const PARTITIONS_COUNTED: u64 = 1_000;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CatalogDatabase {
    pub name: String,
    pub tables: Vec<CatalogTable>,
}

/// Everything `:glue` shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GlueOverview {
    pub jobs: Vec<GlueJob>,
    pub crawlers: Vec<GlueCrawler>,
    pub databases: Vec<CatalogDatabase>,
    /// Lake Formation's grants on the catalog, when the profile enables it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub governance: Option<super::Governance>,
    /// What could not be read (named, with why), shown beside what could.
    pub warnings: Vec<String>,
}

/// A change to Glue, checked by `ops::glue` before it is made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum GlueChange {
    StartJobRun { job: String, arguments: Vec<(String, String)> },
    StopJobRun { job: String, run_id: String },
    StartCrawler { crawler: String },
}

impl GlueChange {
    /// The AWS API the change calls.
    pub fn api_name(&self) -> &'static str {
        match self {
            GlueChange::StartJobRun { .. } => "StartJobRun",
            GlueChange::StopJobRun { .. } => "BatchStopJobRun",
            GlueChange::StartCrawler { .. } => "StartCrawler",
        }
    }

    /// The journal's name for the action.
    pub fn action(&self) -> &'static str {
        match self {
            GlueChange::StartJobRun { .. } => "glue.start-job-run",
            GlueChange::StopJobRun { .. } => "glue.stop-job-run",
            GlueChange::StartCrawler { .. } => "glue.start-crawler",
        }
    }

    /// The job or crawler changed.
    pub fn target(&self) -> &str {
        match self {
            GlueChange::StartJobRun { job, .. } | GlueChange::StopJobRun { job, .. } => job,
            GlueChange::StartCrawler { crawler } => crawler,
        }
    }
}
