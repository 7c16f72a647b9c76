//! The sandbox's Glue as GetJob/GetJobRuns, GetCrawler/GetCrawlerMetrics and GetTables would
//! report it.

use chrono::{DateTime, Utc};

use super::engine::LakeTable;
use super::state::*;
use crate::model::{CatalogDatabase, CatalogTable, GlueChange, GlueCrawler, GlueJob, GlueOverview, GlueRunDetail};
use crate::platform::ServiceError;

/// The sandbox job's capacity: the Glue default of 10 DPU.
const JOB_DPU: f64 = 10.0;
const DAY_MS: i64 = 86_400_000;

fn time(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

impl SimState {
    pub fn glue_job(&self, name: &str) -> Option<GlueJob> {
        (name == self.glue.job).then(|| GlueJob {
            name: name.to_string(),
            max_concurrent_runs: 1,
            capacity: Some(format!("{JOB_DPU} DPU")),
            schedule: Some(format!("every {} min from :{:02}", self.glue.job_every_minutes, self.glue.job_minute)),
            runs: self.glue.runs.iter().rev().take(25).map(|r| self.run_detail(r)).collect(),
        })
    }

    fn run_detail(&self, r: &GlueRun) -> GlueRunDetail {
        let seconds = ((r.ended_ms.unwrap_or(self.now_ms) - r.started_ms) / 1000).max(0) as u64;
        // Glue bills from RUNNING on; STARTING is free.
        let billed = if r.state == "STARTING" { 0 } else { seconds };
        GlueRunDetail {
            id: r.id.clone(),
            state: r.state.clone(),
            started: time(r.started_ms),
            ended: r.ended_ms.map(time),
            duration_seconds: Some(seconds),
            capacity_dpu: Some(JOB_DPU),
            dpu_seconds: Some(billed as f64 * JOB_DPU),
            error: r.error.clone(),
            arguments: r.arguments.clone(),
        }
    }

    pub fn glue_crawler(&self, name: &str) -> Option<GlueCrawler> {
        let g = &self.glue;
        (name == g.crawler).then(|| GlueCrawler {
            name: name.to_string(),
            state: g.crawler_state.clone(),
            database: Some(g.database.clone()),
            schedule: Some("cron(30 * * * ? *)".into()),
            last_status: g.crawler_last_status.clone(),
            last_crawl: g.crawler_last_crawl_ms.map(time),
            last_error: g.crawler_last_error.clone(),
            tables_created: g.crawler_last_crawl_ms.map(|_| g.crawler_tables_created),
            tables_updated: g.crawler_last_crawl_ms.map(|_| g.crawler_tables_updated),
            tables_deleted: g.crawler_last_crawl_ms.map(|_| 0),
        })
    }

    /// Daily partitions (year/month/day) of the local lake up to `through_ms` (it keeps
    /// `lake::DAYS_KEPT` days).
    fn partitions_through(&self, through_ms: i64) -> u64 {
        let oldest = self.now_ms.div_euclid(DAY_MS) - (super::lake::DAYS_KEPT - 1);
        (through_ms.div_euclid(DAY_MS) - oldest + 1).clamp(0, super::lake::DAYS_KEPT) as u64
    }

    pub fn glue_overview(&self) -> GlueOverview {
        let g = &self.glue;
        let partitioned: Vec<String> = super::engine::PARTITION_KEYS.map(String::from).to_vec();
        let tables = vec![
            CatalogTable {
                name: "events".into(),
                location: Some(LakeTable::Events.location(&self.lake.buckets())),
                format: Some(LakeTable::Events.format_name().into()),
                partition_keys: partitioned.clone(),
                columns: super::engine::table_columns("events").unwrap_or_default(),
                partitions: Some(self.partitions_through(g.curated_through_ms)),
                updated: Some(time(g.curated_through_ms)),
                quality: self.table_quality().into_iter().filter(|(t, _)| t == "events").map(|(_, q)| q).collect(),
            },
            CatalogTable {
                name: "raw_events".into(),
                location: Some(LakeTable::RawEvents.location(&self.lake.buckets())),
                format: Some(LakeTable::RawEvents.format_name().into()),
                partition_keys: partitioned,
                columns: super::engine::table_columns("raw_events").unwrap_or_default(),
                partitions: Some(self.partitions_through(g.crawled_through_ms)),
                updated: Some(time(g.crawled_through_ms)),
                quality: Vec::new(),
            },
        ];
        GlueOverview {
            jobs: self.glue_job(&g.job).into_iter().collect(),
            crawlers: self.glue_crawler(&g.crawler).into_iter().collect(),
            databases: vec![CatalogDatabase { name: g.database.clone(), tables }],
            governance: None,
            warnings: Vec::new(),
        }
    }

    /// Makes a checked change, as `user`; returns what Glue would answer.
    pub fn glue_change(&mut self, change: &GlueChange, user: &str) -> Result<String, ServiceError> {
        match change {
            GlueChange::StartJobRun { job, arguments } => {
                if *job != self.glue.job {
                    return Err(ServiceError::new("EntityNotFoundException", format!("job {job} not found")));
                }
                if self.glue.active_runs() >= 1 {
                    return Err(ServiceError::new(
                        "ConcurrentRunsExceededException",
                        "concurrent runs exceeded for the job",
                    ));
                }
                let id = self.start_job_run(user, arguments.clone());
                Ok(format!("run {id} started"))
            }
            GlueChange::StopJobRun { job, run_id } => {
                if *job != self.glue.job {
                    return Err(ServiceError::new("EntityNotFoundException", format!("job {job} not found")));
                }
                self.stop_job_run(run_id, user)?;
                Ok(format!("run {run_id} is STOPPING"))
            }
            GlueChange::StartCrawler { crawler } => {
                if *crawler != self.glue.crawler {
                    return Err(ServiceError::new("EntityNotFoundException", format!("crawler {crawler} not found")));
                }
                self.start_crawler(user)?;
                Ok(format!("crawler {crawler} is RUNNING"))
            }
        }
    }
}
