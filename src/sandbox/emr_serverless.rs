//! The sandbox's EMR Serverless application (`[platform.emr] mode = "serverless"`): the same
//! hourly compaction, submitted at :45 as a job run. The application starts for it and stops
//! 15 idle minutes later, as the stack's auto-stop does; with `spark-oom` each run fails a few
//! minutes in with the Spark error in its state details.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use super::emr::{fnv, HOUR_MS, OOM_AFTER_MS, SCHEDULED_MINUTE, SCHEDULER, STEP_MS};
use super::snapshot::time;
use super::state::SimState;
use crate::model::*;
use crate::settings::Settings;

/// Job runs kept (two days of hourly runs).
const RUNS_KEPT: usize = 48;
/// The application stops this long after its last run ends (the template's auto-stop).
const IDLE_STOP_MS: i64 = 15 * 60_000;
const OOM_DETAILS: &str = "Job failed, please check complete logs in configured logging destination. ExitCode: 1. \
     Last few exceptions: Container killed by YARN for exceeding memory limits. 12.4 GB of 12 GB physical memory used.";

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct ServerlessState {
    /// Empty until the model first steps with an application in the profile.
    pub application_id: String,
    pub name: String,
    pub scheduled_hour: i64,
    /// Oldest first.
    pub runs: VecDeque<SimJobRun>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SimJobRun {
    pub id: String,
    pub name: String,
    pub state: String,
    pub created_ms: i64,
    pub ends_ms: i64,
    pub updated_ms: i64,
    pub fails: bool,
}

impl SimState {
    /// Submits the hour's run at :45 and moves the runs on.
    pub(super) fn serverless_step(&mut self, settings: &Settings) {
        let emr = &settings.platform.emr;
        if emr.mode != EmrMode::Serverless {
            return;
        }
        if self.serverless.application_id.is_empty() {
            self.serverless = ServerlessState {
                application_id: format!("00{:014x}", fnv(&emr.name) & 0xff_ffff_ffff_ffff),
                name: emr.name.clone(),
                scheduled_hour: self.now_ms.div_euclid(HOUR_MS) - 1,
                runs: VecDeque::new(),
            };
        }
        let hour = self.now_ms.div_euclid(HOUR_MS);
        if hour > self.serverless.scheduled_hour && self.now_ms.rem_euclid(HOUR_MS) >= SCHEDULED_MINUTE * 60_000 {
            self.serverless.scheduled_hour = hour;
            let fails = self.has_fault(Fault::SparkOom);
            let n = self.serverless.runs.len() as u64 + hour as u64;
            self.serverless.runs.push_back(SimJobRun {
                id: format!("00{:014x}", fnv(&format!("{}{n}", self.serverless.application_id)) & 0xff_ffff_ffff_ffff),
                name: "compact-curated".into(),
                state: "RUNNING".into(),
                created_ms: self.now_ms,
                ends_ms: self.now_ms + if fails { OOM_AFTER_MS } else { STEP_MS },
                updated_ms: self.now_ms,
                fails,
            });
            while self.serverless.runs.len() > RUNS_KEPT {
                self.serverless.runs.pop_front();
            }
            let app = self.serverless.application_id.clone();
            self.record(SCHEDULER, "emr-serverless.amazonaws.com", "StartJobRun", &app, false);
        }
        let now = self.now_ms;
        for run in self.serverless.runs.iter_mut().filter(|r| r.state == "RUNNING" && now >= r.ends_ms) {
            run.state = if run.fails { "FAILED" } else { "SUCCESS" }.into();
            run.updated_ms = run.ends_ms;
        }
    }

    fn application(&self) -> EmrApplication {
        let s = &self.serverless;
        let last_end = s.runs.iter().map(|r| if r.state == "RUNNING" { self.now_ms } else { r.updated_ms }).max();
        let started = last_end.is_some_and(|t| self.now_ms - t < IDLE_STOP_MS);
        let job_runs = s
            .runs
            .iter()
            .rev()
            .map(|r| EmrJobRun {
                id: r.id.clone(),
                name: Some(r.name.clone()),
                state: r.state.clone(),
                state_details: (r.state == "FAILED").then(|| OOM_DETAILS.to_string()),
                created: Some(time(r.created_ms)),
                updated: Some(time(r.updated_ms)),
            })
            .collect();
        EmrApplication {
            id: s.application_id.clone(),
            name: s.name.clone(),
            state: if started { "STARTED" } else { "STOPPED" }.into(),
            release: Some(crate::provision::template::SPARK_RELEASE.into()),
            kind: Some("SPARK".into()),
            job_runs,
        }
    }

    /// The application, when the sandbox runs one of the profile's name.
    pub(super) fn serverless_application(&self, settings: &Settings) -> Option<EmrApplication> {
        let emr = &settings.platform.emr;
        (emr.mode == EmrMode::Serverless
            && !self.serverless.application_id.is_empty()
            && self.serverless.name == emr.name)
            .then(|| self.application())
    }

    /// Its health for the overview: the last hour's failed runs, the running ones, the newest run.
    pub(super) fn application_health(&self, settings: &Settings) -> Option<ApplicationHealth> {
        let mut application = self.serverless_application(settings)?;
        let hour_ago = self.now_ms - HOUR_MS;
        let runs = &self.serverless.runs;
        let failed = runs.iter().filter(|r| r.state == "FAILED" && r.updated_ms >= hour_ago).count();
        let running = runs.iter().filter(|r| r.state == "RUNNING").count();
        application.job_runs.truncate(1);
        Some(ApplicationHealth { application, failed_jobs: Some(failed as f64), running_jobs: Some(running as f64) })
    }
}
