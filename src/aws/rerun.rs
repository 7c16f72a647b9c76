//! Running a source or a refresh again on AWS: StartReplicationTask (resume-processing),
//! StartTaskExecution, StartFlow, CreateIngestion. Each is sent once and, when its answer is
//! lost, read back (`landed`); whatever the outcome, the layer's cached reads are dropped so the
//! next snapshot shows the task, flow or dataset as it is now.

use super::layers::fresh;
use super::{appflow, datasync, dms, quicksight, AwsPlatform, DISCOVERY_TTL};
use crate::model::{Applied, Rerun};
use crate::platform::PlatformError;

impl AwsPlatform {
    pub(super) async fn rerun(&self, rerun: &Rerun) -> Result<Applied, PlatformError> {
        let l = &self.layers;
        let applied = match rerun {
            Rerun::DmsTask(id) => self.call("StartReplicationTask", dms::resume(&l.dms, id)).await,
            Rerun::DataSyncTask(name) => match self.datasync_task(name).await {
                Ok(arn) => self.call("StartTaskExecution", datasync::start(&l.datasync, &arn, name)).await,
                Err(e) => Err(e),
            },
            Rerun::AppFlowFlow(name) => self.call("StartFlow", appflow::start(&l.appflow, name)).await,
            Rerun::SpiceDataset(dataset) => match self.account().await {
                Ok(account) => {
                    let id = quicksight::ingestion_id(chrono::Utc::now().timestamp_millis());
                    let refresh = quicksight::refresh(&l.quicksight, &account, dataset, &id);
                    self.call("CreateIngestion", refresh).await
                }
                Err(e) => Err(e),
            },
        };
        // A change whose answer was lost and could not be read back may have landed too: the
        // cached reads go whatever the outcome (one more read at the next refresh).
        let mut state = self.state();
        match rerun {
            Rerun::SpiceDataset(_) => state.layers.spice = None,
            _ => state.layers.sources = None,
        }
        applied
    }

    /// The ARN of the DataSync task `name`; the region's task list is read again when the cached
    /// one lacks it (a task created since).
    async fn datasync_task(&self, name: &str) -> Result<String, PlatformError> {
        let cached = fresh(&self.state().layers.datasync_tasks, DISCOVERY_TTL).is_some();
        if let Some(arn) = self.datasync_arn(name).await? {
            return Ok(arn);
        }
        if cached {
            self.state().layers.datasync_tasks = None;
        }
        let again = if cached { self.datasync_arn(name).await? } else { None };
        again.ok_or_else(|| {
            let why = "the profile names a task by its Name tag or its ARN";
            PlatformError::failed("DataSync", format!("there is no DataSync task named {name} in this region: {why}"))
        })
    }
}
