//! Running a source or a refresh again in the sandbox: each is remembered with its time, and the
//! layers simulated from the clock (`ingest`, `serving`) read them — a resumed DMS task lands
//! again, an extra DataSync or AppFlow run or SPICE refresh shows among the scheduled ones.

use serde::{Deserialize, Serialize};

use super::emr::fnv;
use super::state::SimState;
use crate::model::{Fault, Ingestion, Rerun, SourceKind};
use crate::platform::ServiceError;
use crate::settings::Settings;

/// How long the sandbox remembers a rerun: the longest history a layer shows (a day of refreshes).
const KEPT_MS: i64 = 2 * 86_400_000;
/// How long a resumed DMS task is starting: then it replicates, or, when its cause is still
/// there, fails again.
pub(super) const DMS_STARTS_MS: i64 = 60_000;

/// A rerun the operator asked for, at model time `at_ms`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RerunAt {
    pub rerun: Rerun,
    pub at_ms: i64,
}

impl RerunAt {
    /// The id the service gives the run it started.
    pub fn run_id(&self, prefix: &str) -> String {
        format!("{prefix}-{:08x}", fnv(&format!("{}{}", self.rerun.target(), self.at_ms)) as u32)
    }
}

impl SimState {
    /// Runs `rerun` now if the service would: the name must be the profile's and nothing of it
    /// may be running. Answers as the service does.
    pub fn rerun(&mut self, rerun: &Rerun, settings: &Settings, user: &str) -> Result<String, ServiceError> {
        let not_found =
            |what: &str| ServiceError::new("ResourceNotFoundException", format!("{what} {} not found", rerun.target()));
        let (source, event, answer) = match rerun {
            Rerun::SpiceDataset(id) => {
                let dataset =
                    self.quicksight_status(settings).and_then(|q| q.datasets.into_iter().find(|d| &d.id == id));
                let dataset = dataset.ok_or_else(|| not_found("dataset"))?;
                if let Some(active) = dataset.ingestions.iter().find(|i| i.is_active()) {
                    return Err(ServiceError::new(
                        "LimitExceededException",
                        format!("an ingestion of {id} is already {}: {}", active.status, active.id),
                    ));
                }
                let run = RerunAt { rerun: rerun.clone(), at_ms: self.now_ms };
                ("quicksight.amazonaws.com", "CreateIngestion", format!("refresh {} started", run.run_id("lakeops")))
            }
            _ => {
                let kind = match rerun {
                    Rerun::DmsTask(_) => SourceKind::Dms,
                    Rerun::DataSyncTask(_) => SourceKind::DataSync,
                    _ => SourceKind::AppFlow,
                };
                let found = self
                    .sources_status(settings)
                    .and_then(|s| s.sources.into_iter().find(|x| x.kind == kind && x.name == rerun.target()));
                let found = found.ok_or_else(|| not_found(kind.label()))?;
                let status = found.status.unwrap_or_default();
                let run = RerunAt { rerun: rerun.clone(), at_ms: self.now_ms };
                match kind {
                    SourceKind::Dms if status != "stopped" && status != "failed" => {
                        return Err(ServiceError::new(
                            "InvalidResourceStateFault",
                            format!(
                                "Replication task {} is {status}; only a stopped or failed task resumes",
                                found.name
                            ),
                        ));
                    }
                    SourceKind::Dms => {
                        ("dms.amazonaws.com", "StartReplicationTask", format!("task {} is starting", found.name))
                    }
                    _ if found.last_run.as_ref().is_some_and(|r| r.ended.is_none()) => {
                        return Err(ServiceError::new(
                            "InvalidRequestException",
                            format!("{} {} already has a run in progress", kind.label(), found.name),
                        ));
                    }
                    SourceKind::DataSync => (
                        "datasync.amazonaws.com",
                        "StartTaskExecution",
                        format!("execution {} started", run.run_id("exec")),
                    ),
                    SourceKind::AppFlow => {
                        ("appflow.amazonaws.com", "StartFlow", format!("run {} started", run.run_id("appflow")))
                    }
                }
            }
        };
        self.record(user, source, event, rerun.target(), false);
        let now = self.now_ms;
        self.reruns.retain(|r| now - r.at_ms < KEPT_MS);
        self.reruns.push(RerunAt { rerun: rerun.clone(), at_ms: now });
        Ok(answer)
    }

    /// The reruns of `rerun`'s target and kind that have started by now, oldest first.
    pub(super) fn reruns_of<'a>(&'a self, wanted: &'a Rerun) -> impl Iterator<Item = &'a RerunAt> + 'a {
        self.reruns.iter().filter(move |r| &r.rerun == wanted && r.at_ms <= self.now_ms)
    }

    /// Since when the DMS task `name` has landed nothing (`None`: it replicates). The fault stops
    /// it; it stays stopped when the fault is off, until resumed; a resume while the cause is
    /// still there fails again a minute later.
    pub(super) fn dms_stopped_since(&self, name: &str) -> Option<i64> {
        let resume = Rerun::DmsTask(name.to_string());
        let mut events: Vec<(i64, bool)> = self
            .fault_spans
            .iter()
            .filter(|s| s.fault == Fault::DmsStopped && s.from_ms <= self.now_ms)
            .map(|s| (s.from_ms, true))
            .chain(self.reruns_of(&resume).map(|r| (r.at_ms, false)))
            .collect();
        events.sort();
        let mut stopped: Option<i64> = None;
        for (at, stops) in events {
            match (stopped, stops) {
                (None, true) => stopped = Some(at),
                (Some(_), false) if !self.fault_at(Fault::DmsStopped, at) => stopped = None,
                _ => {}
            }
        }
        stopped
    }

    /// The SPICE refreshes of `id` asked for by an operator, as QuickSight lists them.
    pub(super) fn asked_refreshes(&self, id: &str, run: impl Fn(i64, String) -> Ingestion) -> Vec<Ingestion> {
        let wanted = Rerun::SpiceDataset(id.to_string());
        self.reruns_of(&wanted).map(|r| run(r.at_ms, r.run_id("lakeops"))).collect()
    }
}
