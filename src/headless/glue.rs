//! `lakeops glue (run JOB [--arg K=V]… [--wait] | stop JOB RUN_ID | crawl CRAWLER)`: checked
//! against what Glue reports before any call, confirmed, journaled, refused in read-only mode.

use std::time::{Duration, Instant};

use super::confirm::{confirm, refuse_readonly};
use super::{record, Failure};
use crate::cli::{ChangeArgs, GlueCommand};
use crate::journal::Journal;
use crate::model::{GlueChange, GlueRunDetail};
use crate::ops::glue::{parse_argument, plan};
use crate::platform::Platform;
use crate::settings::{Backend, Loaded, Paths};

/// How long `--wait` follows a run (Glue's default job timeout is 48 h; runbooks want less).
const WAIT_LIMIT: Duration = Duration::from_secs(4 * 3600);

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
    let journal = Journal::new(paths.journal_file());
    let (change, args) = match change(command) {
        Ok(parsed) => parsed,
        Err(failure) => {
            let target = match command {
                GlueCommand::Run { job, .. } | GlueCommand::Stop { job, .. } => job,
                GlueCommand::Crawl { crawler, .. } => crawler,
            };
            record(&journal, loaded, "glue", target, "", &format!("refused: {}", failure.message()))?;
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
            record(&journal, loaded, change.action(), change.target(), "", &format!("refused: {}", refusal.text()))?;
            return Err(refusal.into());
        }
    };
    let mut out = String::from("plan:\n");
    for line in &lines {
        out.push_str(&format!("  {line}\n"));
    }
    if args.dry_run {
        out.push_str("dry run: nothing was changed\n");
        return Ok(out);
    }
    let detail = lines.join("; ");
    let what = format!("{} {}", change.api_name(), change.target());
    if let Err(e) = refuse_readonly(loaded.settings.console.readonly, &what).and_then(|_| {
        if !args.yes {
            eprint!("{out}");
        }
        confirm(&format!("{what}?"), args.yes)
    }) {
        record(&journal, loaded, change.action(), change.target(), &detail, &format!("refused: {}", e.message()))?;
        return Err(e);
    }
    let answer = match platform.glue_change(&change).await {
        Ok(answer) => answer,
        Err(e) => {
            record(&journal, loaded, change.action(), change.target(), &detail, &format!("failed: {e}"))?;
            return Err(e.into());
        }
    };
    record(&journal, loaded, change.action(), change.target(), &detail, &format!("done: {answer}"))?;
    out.push_str(&answer);
    out.push('\n');
    if let (GlueCommand::Run { wait: true, job, .. }, Some(run_id)) = (command, started_run_id(&answer)) {
        let run = wait_for_run(loaded, platform, job, run_id).await?;
        out.push_str(&format!("{}\n", describe_end(&run)));
        if run.state != "SUCCEEDED" {
            return Err(Failure::Platform(out.trim_end().to_string()));
        }
    }
    Ok(out)
}

/// The run id in "run jr_… started".
fn started_run_id(answer: &str) -> Option<&str> {
    answer.strip_prefix("run ")?.split_whitespace().next()
}

fn describe_end(run: &GlueRunDetail) -> String {
    let seconds = run
        .duration_seconds
        .map(|s| format!(" after {}", crate::ops::format::millis(s as f64 * 1000.0)))
        .unwrap_or_default();
    match &run.error {
        Some(error) => format!("run {} ended {}{seconds}: {error}", run.id, run.state),
        None => format!("run {} ended {}{seconds}", run.id, run.state),
    }
}

async fn wait_for_run(
    loaded: &Loaded,
    platform: &dyn Platform,
    job: &str,
    run_id: &str,
) -> Result<GlueRunDetail, Failure> {
    // GetJobRuns is cheap, but a run takes minutes: every 15 s on AWS is plenty.
    let every = match loaded.settings.backend {
        Backend::Aws => Duration::from_secs(15),
        Backend::Sandbox => Duration::from_millis(500),
    };
    let started = Instant::now();
    let mut last_state = String::new();
    loop {
        let job_now = platform.glue_job(job).await?.ok_or_else(|| Failure::Platform(format!("{job} disappeared")))?;
        let run = job_now
            .runs
            .into_iter()
            .find(|r| r.id == run_id)
            .ok_or_else(|| Failure::Platform(format!("run {run_id} is no longer among {job}'s newest runs")))?;
        if !run.is_active() {
            return Ok(run);
        }
        if run.state != last_state {
            eprintln!("{run_id} is {} ({} s)", run.state, started.elapsed().as_secs());
            last_state = run.state.clone();
        }
        if started.elapsed() > WAIT_LIMIT {
            return Err(Failure::Platform(format!(
                "{run_id} is still {} after 4 hours; it goes on without us",
                run.state
            )));
        }
        tokio::time::sleep(every).await;
    }
}
