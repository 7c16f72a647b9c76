//! The batch side: Glue crawler and ETL runs on their schedule, Redshift following the
//! loads, and other users' Athena queries.

use super::sim::daily_curve;
use super::state::*;
use crate::platform::ServiceError;

const ETL_ERRORS: &[&str] = &[
    "AnalysisException: cannot resolve 'event_time' given input columns: [timestamp, user_id, event_type, data]",
    "Container killed by YARN for exceeding memory limits. 10.4 GB of 10 GB physical memory used",
    "AmazonS3Exception: Please reduce your request rate. (Service: Amazon S3; Status Code: 503; Error Code: SlowDown)",
    "Py4JJavaError: An error occurred while calling o112.pyWriteDynamicFrame: org.apache.parquet.io.ParquetEncodingException",
];
const RUNS_KEPT: usize = 50;
const DAY_MS: i64 = 86_400_000;

impl SimState {
    pub(super) fn glue_step(&mut self) {
        let now = self.now_ms;
        let mut succeeded = Vec::new();
        for run in self.glue.runs.iter_mut().filter(|r| r.ended_ms.is_none() && now >= r.until_ms) {
            match run.state.as_str() {
                "STARTING" => {
                    run.state = "RUNNING".into();
                    let seconds = 150.0 + run.input_bytes / 40e6 + (run.started_ms % 60_000) as f64 / 1000.0;
                    let seconds = if run.fails { seconds * 0.45 } else { seconds };
                    run.until_ms = now + (seconds * 1000.0) as i64;
                }
                "RUNNING" if run.fails => {
                    run.state = "FAILED".into();
                    run.ended_ms = Some(now);
                    let i = (run.started_ms / 60_000) as usize % ETL_ERRORS.len();
                    run.error = Some(ETL_ERRORS[i].to_string());
                }
                "RUNNING" => {
                    run.state = "SUCCEEDED".into();
                    run.ended_ms = Some(now);
                    succeeded.push((run.input_bytes, run.started_ms));
                }
                "STOPPING" => {
                    run.state = "STOPPED".into();
                    run.ended_ms = Some(now);
                }
                _ => {}
            }
        }
        if !succeeded.is_empty() {
            self.evaluate_quality();
        }
        for (input, started_ms) in succeeded {
            self.lake.curated_until_ms = self.lake.curated_until_ms.max(started_ms);
            self.lake.curated_bytes += input * 0.28;
            self.lake.curated_objects += 24;
            self.lake.raw_bytes_pending = (self.lake.raw_bytes_pending - input).max(0.0);
            self.glue.curated_through_ms = now;
            self.redshift.load_until_ms = now + 6 * 60_000;
        }

        let slot = self.glue.job_slot_at(now);
        if slot != self.glue.job_slot {
            self.glue.job_slot = slot;
            // The schedule skips a period while a run is still going (max concurrent runs 1).
            if self.glue.active_runs() == 0 {
                self.start_job_run("glue.amazonaws.com", Vec::new());
            }
        }

        // The crawler runs at :30 every hour.
        if self.glue.crawler_state == "STOPPING" && now >= self.glue.crawler_until_ms {
            self.glue.crawler_state = "READY".into();
            self.glue.crawler_last_status = Some("CANCELLED".into());
            self.glue.crawler_last_crawl_ms = Some(now);
        }
        if self.glue.crawler_state == "RUNNING" && now >= self.glue.crawler_until_ms {
            self.glue.crawler_state = "READY".into();
            let ok = !self.trouble(0.03);
            self.glue.crawler_last_status = Some(if ok { "SUCCEEDED" } else { "FAILED" }.into());
            self.glue.crawler_last_crawl_ms = Some(now);
            if ok {
                let new_day = now.div_euclid(DAY_MS) != self.glue.crawled_through_ms.div_euclid(DAY_MS);
                self.glue.crawler_tables_created = 0;
                self.glue.crawler_tables_updated = if new_day { 2 } else { 1 };
                self.glue.crawler_last_error = None;
                self.glue.crawled_through_ms = now;
            } else {
                self.glue.crawler_tables_created = 0;
                self.glue.crawler_tables_updated = 0;
                self.glue.crawler_last_error = Some(
                    "Internal Service Exception: the crawler timed out listing s3://…/raw/ (ListObjectsV2 SlowDown)"
                        .into(),
                );
            }
        }
        let crawler_slot = crawler_slot_at(now);
        let crawl_due = crawler_slot != self.glue.crawler_slot;
        self.glue.crawler_slot = crawler_slot;
        if crawl_due {
            // Glue's scheduler skips a period while the crawler is still running; so does this one.
            let _still_running = self.start_crawler("glue.amazonaws.com").is_err();
        }
    }

    /// Starts an ETL run over the raw data written since the last success.
    pub fn start_job_run(&mut self, user: &str, arguments: Vec<(String, String)>) -> String {
        let id = format!(
            "jr_{:016x}{:04}",
            self.seed.wrapping_mul(31).wrapping_add(self.glue.next_run_number as u64),
            self.glue.next_run_number
        );
        self.glue.next_run_number += 1;
        let fails = self.has_fault(Fault::EtlFailure) || self.trouble(self.glue.failure_rate);
        let starting = self.rng.range(20.0, 40.0);
        self.glue.runs.push_back(GlueRun {
            id: id.clone(),
            state: "STARTING".into(),
            started_ms: self.now_ms,
            until_ms: self.now_ms + (starting * 1000.0) as i64,
            ended_ms: None,
            error: None,
            input_bytes: self.lake.raw_bytes_pending,
            fails,
            arguments,
            started_by: user.to_string(),
        });
        while self.glue.runs.len() > RUNS_KEPT {
            self.glue.runs.pop_front();
        }
        let job = self.glue.job.clone();
        self.record(user, "glue.amazonaws.com", "StartJobRun", &job, false);
        id
    }

    /// Asks a live run to stop: STOPPING for a few seconds, then STOPPED.
    pub fn stop_job_run(&mut self, run_id: &str, user: &str) -> Result<(), ServiceError> {
        let now = self.now_ms;
        let Some(run) = self.glue.runs.iter_mut().find(|r| r.id == run_id) else {
            return Err(ServiceError::new("EntityNotFoundException", format!("job run {run_id} not found")));
        };
        if run.ended_ms.is_some() || run.state == "STOPPING" {
            return Err(ServiceError::new("InvalidInputException", format!("job run {run_id} is {}", run.state)));
        }
        run.state = "STOPPING".into();
        run.until_ms = now + 12_000;
        let job = self.glue.job.clone();
        self.record(user, "glue.amazonaws.com", "BatchStopJobRun", &job, false);
        Ok(())
    }

    pub fn start_crawler(&mut self, user: &str) -> Result<(), ServiceError> {
        if self.glue.crawler_state != "READY" {
            return Err(ServiceError::new(
                "CrawlerRunningException",
                format!("crawler is {}", self.glue.crawler_state),
            ));
        }
        self.glue.crawler_state = "RUNNING".into();
        self.glue.crawler_until_ms = self.now_ms + (self.rng.range(60.0, 150.0) * 1000.0) as i64;
        let crawler = self.glue.crawler.clone();
        self.record(user, "glue.amazonaws.com", "StartCrawler", &crawler, false);
        Ok(())
    }

    pub(super) fn warehouse_step(&mut self, dt: f64) {
        let curve = daily_curve(self.now_ms);
        let loading = self.now_ms < self.redshift.load_until_ms;
        let overloaded = self.has_fault(Fault::WarehouseLoad);
        let cpu_target = if overloaded {
            93.0 + 5.0 * curve
        } else if loading {
            62.0 + 20.0 * curve
        } else {
            6.0 + 14.0 * curve
        } + self.rng.range(-2.0, 2.0);
        let conn_target = 3.0 + 9.0 * curve + if loading { 5.0 } else { 0.0 } + if overloaded { 160.0 } else { 0.0 };
        let pull = (dt / 30.0).min(1.0);
        let r = &mut self.redshift;
        r.cpu += (cpu_target - r.cpu) * pull;
        r.connections += (conn_target - r.connections) * pull;
        let spill = if overloaded { 44.0 } else { 0.0 };
        r.disk_percent = (38.0 + self.lake.curated_bytes / 1e12 * 10.0 + spill).min(97.0);
        let m = &mut self.current;
        m.redshift_cpu_sum += r.cpu * dt;
        m.redshift_connections_sum += r.connections * dt;
        m.redshift_disk_percent = r.disk_percent;
        m.samples += dt;
    }

    pub(super) fn athena_step(&mut self, dt: f64) {
        let day = self.now_ms.div_euclid(86_400_000);
        if day != self.athena.day {
            self.athena.day = day;
            self.athena.scanned_today = 0.0;
        }
        while self.athena.failures_ms.front().is_some_and(|t| *t < self.now_ms - 3_600_000) {
            self.athena.failures_ms.pop_front();
        }
        if self.now_ms >= self.athena.running_until_ms && self.rng.chance(dt / 600.0 * daily_curve(self.now_ms)) {
            let seconds = self.rng.range(4.0, 40.0);
            self.athena.running_until_ms = self.now_ms + (seconds * 1000.0) as i64;
            match self.chance_trouble(0.1) {
                Some(true) => self.athena.failures_ms.push_back(self.now_ms),
                Some(false) => self.athena.scanned_today += self.rng.range(50e6, 4e9),
                None => {}
            }
            let workgroup = self.athena.workgroup.clone();
            self.record("analytics-bot", "athena.amazonaws.com", "StartQueryExecution", &workgroup, false);
        }
    }
}

impl GlueState {
    /// Runs occupying the job's one concurrent-run slot.
    pub fn active_runs(&self) -> usize {
        self.runs.iter().filter(|r| crate::model::is_active_state(&r.state)).count()
    }

    /// Which scheduled period `now_ms` falls in; a new period starts a run.
    pub fn job_slot_at(&self, now_ms: i64) -> i64 {
        (now_ms.div_euclid(60_000) - self.job_minute as i64).div_euclid(self.job_every_minutes.max(1) as i64)
    }
}

/// The crawler's period: hours shifted so that each starts at :30.
pub fn crawler_slot_at(now_ms: i64) -> i64 {
    (now_ms.div_euclid(60_000) - 30).div_euclid(60)
}
