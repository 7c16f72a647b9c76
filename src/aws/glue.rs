//! Glue: jobs and their runs, crawlers, the catalog, and the three changes lakeops makes.

use std::collections::HashMap;

use aws_sdk_glue::Client;
use chrono::{DateTime, Utc};

use super::errors::{code, platform_error};
use super::landed::{self, Failed, ReadBack};
use super::utc;
use crate::model::text::sanitize;
use crate::model::{
    Applied, CatalogColumn, CatalogDatabase, CatalogTable, GlueChange, GlueCrawler, GlueJob, GlueRunDetail,
    PARTITIONS_COUNTED,
};
use crate::platform::{PlatformError, ServiceError};

/// Runs read per job: enough for the timeline and to find any live run.
const RUNS_READ: i32 = 25;
/// Tables read per database for the catalog pane.
const TABLES_READ: usize = 100;

fn not_found<E: aws_sdk_glue::error::ProvideErrorMetadata, R>(e: &aws_sdk_glue::error::SdkError<E, R>) -> bool {
    code(e) == Some("EntityNotFoundException")
}

fn worker_dpu(worker: &str) -> f64 {
    match worker {
        "G.025X" => 0.25,
        "G.2X" => 2.0,
        "G.4X" => 4.0,
        "G.8X" => 8.0,
        "Z.2X" => 2.0,
        // Standard and G.1X are one DPU a worker.
        _ => 1.0,
    }
}

/// A job and its newest runs; `None` when Glue has no such job.
pub async fn job(client: &Client, name: &str) -> Result<Option<GlueJob>, PlatformError> {
    let out = match client.get_job().job_name(name).send().await {
        Ok(out) => out,
        Err(e) if not_found(&e) => return Ok(None),
        Err(e) => return Err(platform_error("Glue GetJob", e)),
    };
    let Some(job) = out.job() else { return Ok(None) };
    let capacity = match (job.worker_type(), job.number_of_workers()) {
        (Some(worker), Some(n)) => Some(format!("{} × {n}", worker.as_str())),
        _ => job.max_capacity().map(|dpu| format!("{dpu} DPU")),
    };
    let runs = client
        .get_job_runs()
        .job_name(name)
        .max_results(RUNS_READ)
        .send()
        .await
        .map_err(|e| platform_error("Glue GetJobRuns", e))?;
    let mut runs: Vec<GlueRunDetail> = runs.job_runs().iter().map(run_detail).collect();
    runs.sort_by_key(|r| std::cmp::Reverse(r.started));
    Ok(Some(GlueJob {
        name: name.to_string(),
        max_concurrent_runs: job.execution_property().map(|p| p.max_concurrent_runs()).unwrap_or(1).max(1) as u32,
        capacity,
        schedule: None,
        runs,
    }))
}

fn run_detail(r: &aws_sdk_glue::types::JobRun) -> GlueRunDetail {
    let state = r.job_run_state().map(|s| s.as_str().to_string()).unwrap_or_else(|| "UNKNOWN".into());
    let started = utc(r.started_on()).unwrap_or_default();
    let ended = utc(r.completed_on()).filter(|_| !crate::model::is_active_state(&state));
    let capacity = match (r.worker_type(), r.number_of_workers()) {
        (Some(worker), Some(n)) => Some(worker_dpu(worker.as_str()) * n as f64),
        _ => r.max_capacity(),
    };
    let duration = match r.execution_time() {
        0 if ended.is_none() => u64::try_from((Utc::now() - started).num_seconds()).ok(),
        seconds => Some(seconds.max(0) as u64),
    };
    // Flex and auto-scaled runs report DPU-seconds; the rest bill capacity × time.
    let dpu_seconds = r.dpu_seconds().or_else(|| Some(capacity? * r.execution_time() as f64));
    let mut arguments: Vec<(String, String)> =
        r.arguments().map(|a| a.iter().map(|(k, v)| (sanitize(k), sanitize(v))).collect()).unwrap_or_default();
    arguments.sort();
    GlueRunDetail {
        id: r.id().unwrap_or_default().to_string(),
        state,
        started,
        ended,
        duration_seconds: duration,
        capacity_dpu: capacity,
        dpu_seconds,
        error: r.error_message().map(sanitize),
        arguments,
    }
}

/// A crawler with its last crawl; `None` when Glue has no such crawler.
pub async fn crawler(client: &Client, name: &str) -> Result<Option<GlueCrawler>, PlatformError> {
    let out = match client.get_crawler().name(name).send().await {
        Ok(out) => out,
        Err(e) if not_found(&e) => return Ok(None),
        Err(e) => return Err(platform_error("Glue GetCrawler", e)),
    };
    let Some(c) = out.crawler() else { return Ok(None) };
    let last = c.last_crawl();
    Ok(Some(GlueCrawler {
        name: name.to_string(),
        state: c.state().map(|s| s.as_str().to_string()).unwrap_or_else(|| "UNKNOWN".into()),
        database: c.database_name().map(str::to_string),
        schedule: c.schedule().and_then(|s| s.schedule_expression()).map(str::to_string),
        last_status: last.and_then(|l| l.status()).map(|s| s.as_str().to_string()),
        last_crawl: last.and_then(|l| utc(l.start_time())),
        last_error: last.and_then(|l| l.error_message()).map(sanitize),
        tables_created: None,
        tables_updated: None,
        tables_deleted: None,
    }))
}

/// Tables created/updated/deleted by each crawler's last crawl (GetCrawlerMetrics takes up
/// to 100 names a call).
pub async fn crawler_metrics(client: &Client, crawlers: &mut [GlueCrawler]) -> Result<(), PlatformError> {
    for chunk in crawlers.chunks_mut(100) {
        let names: Vec<String> = chunk.iter().map(|c| c.name.clone()).collect();
        let out = client
            .get_crawler_metrics()
            .set_crawler_name_list(Some(names))
            .send()
            .await
            .map_err(|e| platform_error("Glue GetCrawlerMetrics", e))?;
        for m in out.crawler_metrics_list() {
            if let Some(c) = chunk.iter_mut().find(|c| Some(c.name.as_str()) == m.crawler_name()) {
                c.tables_created = Some(m.tables_created().max(0) as u64);
                c.tables_updated = Some(m.tables_updated().max(0) as u64);
                c.tables_deleted = Some(m.tables_deleted().max(0) as u64);
            }
        }
    }
    Ok(())
}

/// A database's tables with their partition counts; `None` when there is no such database.
pub async fn database(client: &Client, name: &str) -> Result<Option<CatalogDatabase>, PlatformError> {
    let mut tables = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let out = match client.get_tables().database_name(name).set_next_token(token.clone()).send().await {
            Ok(out) => out,
            Err(e) if not_found(&e) => return Ok(None),
            Err(e) => return Err(platform_error("Glue GetTables", e)),
        };
        for t in out.table_list() {
            let descriptor = t.storage_descriptor();
            let classification = t.parameters().and_then(|p| p.get("classification")).cloned();
            let format = classification.or_else(|| descriptor.and_then(|d| d.input_format()).map(format_of));
            tables.push(CatalogTable {
                name: sanitize(t.name()),
                location: descriptor.and_then(|d| d.location()).map(sanitize),
                format,
                partition_keys: t.partition_keys().iter().map(|c| sanitize(c.name())).collect(),
                columns: descriptor
                    .map(|d| d.columns())
                    .unwrap_or_default()
                    .iter()
                    .map(|c| (c, false))
                    .chain(t.partition_keys().iter().map(|c| (c, true)))
                    .map(|(c, partition_key)| CatalogColumn {
                        name: sanitize(c.name()),
                        kind: sanitize(c.r#type().unwrap_or("unknown")),
                        partition_key,
                    })
                    .collect(),
                partitions: None,
                updated: utc(t.update_time()).or(utc(t.create_time())),
                quality: Vec::new(),
            });
        }
        token = out.next_token().filter(|t| !t.is_empty()).map(str::to_string);
        if token.is_none() || tables.len() >= TABLES_READ {
            break;
        }
    }
    for table in tables.iter_mut().filter(|t| !t.partition_keys.is_empty()) {
        table.partitions = Some(partition_count(client, name, &table.name).await?);
    }
    tables.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Some(CatalogDatabase { name: name.to_string(), tables }))
}

/// "parquet" from "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat", and so on.
fn format_of(input_format: &str) -> String {
    let lower = input_format.to_ascii_lowercase();
    ["parquet", "orc", "avro", "json", "text"]
        .into_iter()
        .find(|f| lower.contains(f))
        .map(str::to_string)
        .unwrap_or_else(|| input_format.rsplit('.').next().unwrap_or(input_format).to_string())
}

/// Partitions of a table, counted up to `PARTITIONS_COUNTED`.
async fn partition_count(client: &Client, database: &str, table: &str) -> Result<u64, PlatformError> {
    let mut count = 0u64;
    let mut token: Option<String> = None;
    loop {
        let out = client
            .get_partitions()
            .database_name(database)
            .table_name(table)
            .max_results(PARTITIONS_COUNTED as i32)
            .set_next_token(token.clone())
            .send()
            .await
            .map_err(|e| platform_error("Glue GetPartitions", e))?;
        count += out.partitions().len() as u64;
        token = out.next_token().filter(|t| !t.is_empty()).map(str::to_string);
        if token.is_none() || count >= PARTITIONS_COUNTED {
            return Ok(count);
        }
    }
}

/// Every job and crawler in the region (for `discover = true`), paged.
pub async fn list_names(client: &Client) -> Result<(Vec<String>, Vec<String>), PlatformError> {
    let mut jobs = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let out = client
            .list_jobs()
            .set_next_token(token.clone())
            .send()
            .await
            .map_err(|e| platform_error("Glue ListJobs", e))?;
        jobs.extend(out.job_names().iter().cloned());
        token = out.next_token().filter(|t| !t.is_empty()).map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    let mut crawlers = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let out = client
            .list_crawlers()
            .set_next_token(token.clone())
            .send()
            .await
            .map_err(|e| platform_error("Glue ListCrawlers", e))?;
        crawlers.extend(out.crawler_names().iter().cloned());
        token = out.next_token().filter(|t| !t.is_empty()).map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    Ok((jobs, crawlers))
}

/// How far a run's start time may precede the StartJobRun call that made it, as the client's
/// clock sees it: the two clocks differ by a little.
const CLOCK_SKEW: chrono::Duration = chrono::Duration::seconds(5);

/// Makes one change; returns Glue's answer in words. Each is sent once (see `landed`): when its
/// answer is lost, the job's runs say whether a run started (StartJobRun), the run whether it is
/// stopping (BatchStopJobRun), the crawler whether it crawls (StartCrawler).
pub async fn change(client: &Client, change: &GlueChange) -> Result<Applied, PlatformError> {
    match change {
        GlueChange::StartJobRun { job, arguments } => {
            let requested: HashMap<String, String> = arguments.iter().cloned().collect();
            let called_at = Utc::now();
            let sent = client
                .start_job_run()
                .job_name(job)
                .set_arguments((!requested.is_empty()).then_some(requested.clone()))
                .customize()
                .config_override(aws_sdk_glue::Config::builder().retry_config(landed::once()))
                .send()
                .await;
            match sent.map_err(|e| landed::failed("Glue StartJobRun", e)) {
                Ok(out) => {
                    Ok(Applied::Answer(format!("run {} started", out.job_run_id().unwrap_or("(no id returned)"))))
                }
                Err(Failed::Refused(e)) => Err(e),
                Err(Failed::AnswerLost(lost)) => {
                    let check = format!("the runs of {job} (:glue, or `aws glue get-job-runs --job-name {job}`)");
                    let read_back = run_started_since(client, job, &requested, called_at);
                    let settled = landed::settle("Glue StartJobRun", lost, read_back, &check).await?;
                    Ok(settled.applied(Applied::Answer(format!("run {} started", settled.made))))
                }
            }
        }
        GlueChange::StopJobRun { job, run_id } => {
            let api = "Glue BatchStopJobRun";
            let sent = client
                .batch_stop_job_run()
                .job_name(job)
                .job_run_ids(run_id)
                .customize()
                .config_override(aws_sdk_glue::Config::builder().retry_config(landed::once()))
                .send()
                .await
                .map_err(|e| landed::failed(api, e));
            // The batch call succeeds even when the one run could not be stopped.
            if let Some(error) = sent.as_ref().ok().and_then(|out| out.errors().first()) {
                let detail = error.error_detail();
                let code = sanitize(detail.and_then(|d| d.error_code()).unwrap_or("error"));
                let message = sanitize(detail.and_then(|d| d.error_message()).unwrap_or("the run was not stopped"));
                return Err(PlatformError::answered(api, ServiceError::new(&code, message)));
            }
            let check = format!("run {run_id} of {job} (`aws glue get-job-run --job-name {job} --run-id {run_id}`)");
            let sent = sent.map(|_| ());
            landed::answered(api, sent, run_stopping(client, job, run_id), &check, |_| {
                Applied::Answer(format!("run {run_id} is STOPPING"))
            })
            .await
        }
        GlueChange::StartCrawler { crawler: name } => {
            let api = "Glue StartCrawler";
            let called_at = Utc::now();
            let sent = client
                .start_crawler()
                .name(name)
                .customize()
                .config_override(aws_sdk_glue::Config::builder().retry_config(landed::once()))
                .send()
                .await
                .map(|_| ())
                .map_err(|e| landed::failed(api, e));
            let check = format!("crawler {name} (:glue, or `aws glue get-crawler --name {name}`)");
            landed::answered(api, sent, crawl_started_since(client, name, called_at), &check, |_| {
                Applied::Answer(format!("crawler {name} is RUNNING"))
            })
            .await
        }
    }
}

/// Whether run `run_id` of `job` is stopping or stopped (GetJobRun).
async fn run_stopping(client: &Client, job: &str, run_id: &str) -> Result<ReadBack<()>, PlatformError> {
    let out = match client.get_job_run().job_name(job).run_id(run_id).send().await {
        Ok(out) => out,
        Err(e) if not_found(&e) => return Ok(ReadBack::NotLanded(format!("{job} has no run {run_id}"))),
        Err(e) => return Err(platform_error("Glue GetJobRun", e)),
    };
    let state = out.job_run().and_then(|r| r.job_run_state()).map(|s| s.as_str().to_string());
    let state = state.unwrap_or_else(|| "UNKNOWN".into());
    let now = format!("run {run_id} of {job} is {}", sanitize(&state));
    Ok(if matches!(state.as_str(), "STOPPING" | "STOPPED") {
        ReadBack::Landed((), now)
    } else {
        ReadBack::NotLanded(now)
    })
}

/// Whether crawler `name` is crawling (RUNNING or STOPPING) or its last crawl started since
/// `called_at`, less the clock skew (GetCrawler).
async fn crawl_started_since(
    client: &Client,
    name: &str,
    called_at: DateTime<Utc>,
) -> Result<ReadBack<()>, PlatformError> {
    let Some(found) = crawler(client, name).await? else {
        return Ok(ReadBack::NotLanded(format!("there is no crawler {name}")));
    };
    let since = called_at - CLOCK_SKEW;
    let last = found.last_crawl.map(|at| format!(", its last crawl started at {} UTC", at.format("%H:%M:%S")));
    let now = format!("crawler {name} is {}{}", sanitize(&found.state), last.unwrap_or_default());
    let crawling = matches!(found.state.as_str(), "RUNNING" | "STOPPING");
    Ok(if crawling || found.last_crawl.is_some_and(|at| at >= since) {
        ReadBack::Landed((), now)
    } else {
        ReadBack::NotLanded(now)
    })
}

/// Whether a run of `job` with `arguments` started since `called_at` (less the clock skew):
/// GetJobRuns lists the newest first.
async fn run_started_since(
    client: &Client,
    job: &str,
    arguments: &HashMap<String, String>,
    called_at: DateTime<Utc>,
) -> Result<ReadBack<String>, PlatformError> {
    let out = client
        .get_job_runs()
        .job_name(job)
        .max_results(RUNS_READ)
        .send()
        .await
        .map_err(|e| platform_error("Glue GetJobRuns", e))?;
    let since = called_at - CLOCK_SKEW;
    let started = out.job_runs().iter().find(|r| {
        utc(r.started_on()).is_some_and(|t| t >= since)
            && r.arguments().cloned().unwrap_or_default() == *arguments
            && r.id().is_some()
    });
    Ok(match started.and_then(|r| Some((r.id()?.to_string(), utc(r.started_on())?))) {
        Some((id, at)) => {
            ReadBack::Landed(id.clone(), format!("run {id} of {job} started at {} UTC", at.format("%H:%M:%S")))
        }
        None => ReadBack::NotLanded(format!("no run of {job} started since {} UTC", since.format("%H:%M:%S"))),
    })
}
