//! `lakeops glue (run JOB [--arg K=V]… [--wait] | stop JOB RUN_ID | crawl CRAWLER)`: checked
//! against what Glue reports before any call, confirmed, journaled, refused in read-only mode.

use super::confirm::make_planned;
use super::Failure;
use crate::cli::{ChangeArgs, GlueCommand};
use crate::model::{Change, GlueChange};
use crate::ops::glue::{parse_argument, plan};
use crate::platform::Platform;
use crate::session::{self, Session};
use crate::settings::{Loaded, Paths};

/// The change a command asks for, its arguments checked.
pub fn change(command: &GlueCommand) -> Result<(GlueChange, ChangeArgs), Failure> {
    Ok(match command {
        GlueCommand::Run { job, arguments, change, .. } => {
            let arguments = arguments.iter().map(|a| parse_argument(a)).collect::<Result<Vec<_>, _>>()?;
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
            session.gate.record(change.action(), change.target(), "", &format!("refused: {}", refusal.text()));
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
        out.push_str(&format!("{}\n", session::glue::describe_end(&run)));
        if run.state != "SUCCEEDED" {
            return Err(Failure::Platform(out.trim_end().to_string()));
        }
    }
    Ok(out)
}
