//! Running a landing or a refresh again, now: the operator's answer to "nothing landed from the
//! database", "the file share did not sync", "the dashboard shows yesterday".

use serde::{Deserialize, Serialize};

use super::SourceKind;

/// Runs a source or refreshes a dataset now. Each names what the profile names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "name", rename_all = "kebab-case")]
pub enum Rerun {
    /// StartReplicationTask with `resume-processing`: a stopped or failed DMS task carries on
    /// from its checkpoint.
    DmsTask(String),
    /// StartTaskExecution: a DataSync task copies what changed since its last run.
    DataSyncTask(String),
    /// StartFlow: an on-demand AppFlow flow runs now.
    AppFlowFlow(String),
    /// CreateIngestion: a full refresh of a SPICE dataset.
    SpiceDataset(String),
}

impl Rerun {
    /// The source of `kind` named `name`.
    pub fn source(kind: SourceKind, name: &str) -> Rerun {
        match kind {
            SourceKind::Dms => Rerun::DmsTask(name.into()),
            SourceKind::DataSync => Rerun::DataSyncTask(name.into()),
            SourceKind::AppFlow => Rerun::AppFlowFlow(name.into()),
        }
    }

    /// The journal's name for it.
    pub fn action(&self) -> &'static str {
        match self {
            Rerun::DmsTask(_) => "dms.resume-task",
            Rerun::DataSyncTask(_) => "datasync.start-task",
            Rerun::AppFlowFlow(_) => "appflow.start-flow",
            Rerun::SpiceDataset(_) => "quicksight.refresh-dataset",
        }
    }

    pub fn api_name(&self) -> &'static str {
        match self {
            Rerun::DmsTask(_) => "StartReplicationTask",
            Rerun::DataSyncTask(_) => "StartTaskExecution",
            Rerun::AppFlowFlow(_) => "StartFlow",
            Rerun::SpiceDataset(_) => "CreateIngestion",
        }
    }

    /// The task, flow or dataset.
    pub fn target(&self) -> &str {
        match self {
            Rerun::DmsTask(name) | Rerun::DataSyncTask(name) | Rerun::AppFlowFlow(name) | Rerun::SpiceDataset(name) => {
                name
            }
        }
    }

    /// In a few words: "resuming the DMS task orders-cdc".
    pub fn what(&self) -> String {
        match self {
            Rerun::DmsTask(name) => format!("resuming the DMS task {name}"),
            Rerun::DataSyncTask(name) => format!("starting the DataSync task {name}"),
            Rerun::AppFlowFlow(name) => format!("running the AppFlow flow {name}"),
            Rerun::SpiceDataset(name) => format!("refreshing the SPICE dataset {name}"),
        }
    }

    /// The dialog's title: "Resume DMS task orders-cdc".
    pub fn title(&self) -> String {
        match self {
            Rerun::DmsTask(name) => format!("Resume DMS task {name}"),
            Rerun::DataSyncTask(name) => format!("Start DataSync task {name}"),
            Rerun::AppFlowFlow(name) => format!("Run AppFlow flow {name}"),
            Rerun::SpiceDataset(name) => format!("Refresh SPICE dataset {name}"),
        }
    }
}
