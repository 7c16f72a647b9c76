//! The landing zone's ingestion sources: DMS replication tasks (databases), DataSync tasks (file
//! shares) and AppFlow flows (SaaS applications), each with its last landing.

use chrono::{DateTime, Utc};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    Dms,
    DataSync,
    AppFlow,
}

impl SourceKind {
    pub fn label(self) -> &'static str {
        match self {
            SourceKind::Dms => "DMS",
            SourceKind::DataSync => "DataSync",
            SourceKind::AppFlow => "AppFlow",
        }
    }

    /// What a profile names: "a DMS task", "a DataSync task", "an AppFlow flow".
    /// The profile's key that lists sources of this kind.
    pub fn key(self) -> &'static str {
        match self {
            SourceKind::Dms => "platform.sources.dms_tasks",
            SourceKind::DataSync => "platform.sources.datasync_tasks",
            SourceKind::AppFlow => "platform.sources.appflow_flows",
        }
    }

    pub fn with_article(self) -> &'static str {
        match self {
            SourceKind::Dms => "a DMS task",
            SourceKind::DataSync => "a DataSync task",
            SourceKind::AppFlow => "an AppFlow flow",
        }
    }
}

/// A source's newest run: a DataSync task execution, an AppFlow flow run, or a DMS task's
/// current load.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceRun {
    pub id: String,
    /// As the service says it: SUCCESS, ERROR, Successful, Error, running, …
    pub status: String,
    pub started: Option<DateTime<Utc>>,
    pub ended: Option<DateTime<Utc>>,
    pub bytes: Option<u64>,
    /// Files (DataSync) or records (AppFlow) moved.
    pub items: Option<u64>,
    /// Why it failed, as the service words it.
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IngestSource {
    pub kind: SourceKind,
    /// The task's identifier, the DataSync task's name (or ARN), the flow's name.
    pub name: String,
    /// Whether the service knows it (false: named in the profile, not found).
    pub exists: bool,
    /// DMS: running, stopped, failed, …; DataSync: AVAILABLE, RUNNING, UNAVAILABLE;
    /// AppFlow: Active, Suspended, Draft, Errored.
    pub status: Option<String>,
    /// Why a DMS task stopped, or its last failure message.
    pub status_reason: Option<String>,
    /// How an AppFlow flow runs: OnDemand, Scheduled or Event (StartFlow runs only an on-demand
    /// one now; it merely activates the others).
    pub trigger: Option<String>,
    pub last_run: Option<SourceRun>,
    /// When data last landed: the newest successful run (DMS: while running, now).
    pub last_success: Option<DateTime<Utc>>,
    /// DMS change data capture: how far the source and target are behind, in seconds.
    pub cdc_latency_source: Option<f64>,
    pub cdc_latency_target: Option<f64>,
    /// DMS tables in error.
    pub tables_errored: Option<u64>,
}

impl IngestSource {
    pub fn missing(kind: SourceKind, name: &str) -> IngestSource {
        IngestSource {
            kind,
            name: name.into(),
            exists: false,
            status: None,
            status_reason: None,
            trigger: None,
            last_run: None,
            last_success: None,
            cdc_latency_source: None,
            cdc_latency_target: None,
            tables_errored: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourcesStatus {
    pub sources: Vec<IngestSource>,
    /// The profile's expectation: data lands at least this often.
    pub expect_within_minutes: u64,
}
