//! `lakeops glue [--json]`: the profile's jobs with their newest runs and its crawlers.
//! `lakeops glue (run JOB [--arg K=V]… [--wait] | stop JOB RUN_ID | crawl CRAWLER)`: checked
//! against what Glue reports before any call, confirmed, journaled, refused in read-only mode.

use super::confirm::make_planned;
use super::Failure;
use crate::cli::{ChangeArgs, GlueCommand};
use chrono::{DateTime, Utc};

use crate::model::text::{cell, clip, sanitize};
use crate::model::{Change, GlueChange, GlueOverview};
use crate::ops::format::{ago, millis};
use crate::ops::glue::{parse_arguments, plan};
use crate::platform::Platform;
use crate::session::{self, Session};
use crate::settings::{Loaded, Paths};

/// The jobs with their newest runs (the ids `glue stop` takes), then the crawlers.
pub async fn list(platform: &dyn Platform, as_json: bool) -> Result<String, Failure> {
    let overview = platform.glue_overview().await?;
    for warning in &overview.warnings {
        crate::note!("warning: {}", sanitize(warning));
    }
    if as_json {
        return super::json(&serde_json::json!({ "jobs": overview.jobs, "crawlers": overview.crawlers }));
    }
    Ok(table(&overview, platform.now()))
}

/// Runs listed a job in the text (`--json` has every run read).
const RUNS_SHOWN: usize = 10;

fn table(overview: &GlueOverview, now: DateTime<Utc>) -> String {
    let mut out = String::new();
    if overview.jobs.is_empty() && overview.crawlers.is_empty() {
        return "no Glue job or crawler is watched or found: see platform.glue in the profile\n".into();
    }
    for job in &overview.jobs {
        let extra: Vec<String> = [job.capacity.as_deref().map(sanitize), job.schedule.as_deref().map(sanitize)]
            .into_iter()
            .flatten()
            .collect();
        let extra = if extra.is_empty() { String::new() } else { format!(" · {}", extra.join(" · ")) };
        out.push_str(&format!("job {} · at most {} at once{extra}\n", sanitize(&job.name), job.max_concurrent_runs));
        if job.runs.is_empty() {
            out.push_str("  no runs\n");
        }
        for run in job.runs.iter().take(RUNS_SHOWN) {
            // How long it took, once it has ended.
            let took = run.ended.and(run.duration_seconds).map(|s| millis(s as f64 * 1000.0));
            let took = took.unwrap_or_else(|| "—".into());
            // The id whole, last: `glue stop` takes it (Glue's are 67 characters).
            out.push_str(&format!(
                "  {}{}{}{}\n",
                cell(&run.state, 10),
                cell(&format!("started {}", ago(now, run.started)), 22),
                cell(&took, 9),
                sanitize(&run.id)
            ));
            if let Some(error) = &run.error {
                out.push_str(&format!("    {}\n", clip(error, 120)));
            }
        }
        if job.runs.len() > RUNS_SHOWN {
            out.push_str(&format!("  … {} older (--json lists them)\n", job.runs.len() - RUNS_SHOWN));
        }
    }
    for c in &overview.crawlers {
        let last = match (&c.last_status, c.last_crawl) {
            (Some(status), Some(at)) => format!(" · last crawl {} {}", sanitize(status), ago(now, at)),
            (Some(status), None) => format!(" · last crawl {}", sanitize(status)),
            _ => " · never crawled".into(),
        };
        let error = c.last_error.as_deref().map(|e| format!(": {}", clip(e, 100))).unwrap_or_default();
        out.push_str(&format!("crawler {} · {}{last}{error}\n", sanitize(&c.name), sanitize(&c.state)));
    }
    out
}

/// The change a command asks for, its arguments checked.
pub fn change(command: &GlueCommand) -> Result<(GlueChange, ChangeArgs), Failure> {
    Ok(match command {
        GlueCommand::Run { job, arguments, change, .. } => {
            let arguments = parse_arguments(arguments.iter().map(String::as_str))?;
            (GlueChange::StartJobRun { job: job.clone(), arguments }, *change)
        }
        GlueCommand::Stop { job, run_id, change } => {
            (GlueChange::StopJobRun { job: job.clone(), run_id: run_id.clone() }, *change)
        }
        GlueCommand::Crawl { crawler, change } => (GlueChange::StartCrawler { crawler: crawler.clone() }, *change),
    })
}

pub async fn run(
    loaded: &Loaded,
    paths: &Paths,
    platform: &dyn Platform,
    command: &GlueCommand,
) -> Result<String, Failure> {
    let session = Session::headless(loaded, paths, platform);
    let (change, args) = match change(command) {
        Ok(parsed) => parsed,
        Err(failure) => {
            // Only a run's arguments can be unreadable: the journal names the run refused.
            if let GlueCommand::Run { job, .. } = command {
                let refused = GlueChange::StartJobRun { job: job.clone(), arguments: Vec::new() };
                session.gate.record(refused.action(), job, "", &format!("refused: {}", failure.message()));
            }
            return Err(failure);
        }
    };
    let (job, crawler) = match &change {
        GlueChange::StartCrawler { crawler } => (None, platform.glue_crawler(crawler).await?),
        GlueChange::StartJobRun { job, .. } | GlueChange::StopJobRun { job, .. } => {
            (platform.glue_job(job).await?, None)
        }
    };
    let lines = match plan(&change, job.as_ref(), crawler.as_ref()) {
        Ok(lines) => lines,
        Err(refusal) => {
            session.gate.record(change.action(), change.target(), "", &refusal.outcome());
            return Err(refusal.into());
        }
    };
    let (mut out, applied) = make_planned(&session, platform, &Change::Glue(change), &lines, args, None).await?;
    let Some(applied) = applied else { return Ok(out) };
    let answer = applied.answer();
    if let (GlueCommand::Run { wait: true, job, .. }, Some(run_id)) = (command, session::glue::started_run_id(&answer))
    {
        let mut progress = |line: String| crate::note!("{}", crate::model::text::sanitize(&line));
        let run = session::glue::follow_run(&session, platform, job, run_id, &mut progress).await?;
        let end = session::glue::describe_end(&run);
        if run.state != "SUCCEEDED" {
            // The plan and the run's id stay on stdout, as when it succeeds (a script reads the id
            // there); how it ended is the failure, on stderr.
            use std::io::Write;
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(out.as_bytes())
                .and_then(|()| stdout.flush())
                .map_err(|e| Failure::Platform(format!("cannot write to stdout: {e}")))?;
            return Err(Failure::Platform(end));
        }
        out.push_str(&format!("{end}\n"));
    }
    Ok(out)
}
