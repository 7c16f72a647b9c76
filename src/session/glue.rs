//! Glue as the console and `lakeops glue` both do it: following a run to its end.

use std::time::{Duration, Instant};

use super::{Failure, Session};
use crate::model::GlueRunDetail;
use crate::platform::Platform;

/// How long to follow a run (Glue's default job timeout is 48 h; runbooks want less).
const WAIT_LIMIT: Duration = Duration::from_secs(4 * 3600);

/// The run id in Glue's answer to a start, "run jr_… started".
pub fn started_run_id(answer: &str) -> Option<&str> {
    answer.strip_prefix("run ")?.split_whitespace().next()
}

/// How a run ended, in words: "run jr_… ended FAILED after 2 min: …".
pub fn describe_end(run: &GlueRunDetail) -> String {
    let seconds = run
        .duration_seconds
        .map(|s| format!(" after {}", crate::ops::format::millis(s as f64 * 1000.0)))
        .unwrap_or_default();
    match &run.error {
        Some(error) => format!("run {} ended {}{seconds}: {error}", run.id, run.state),
        None => format!("run {} ended {}{seconds}", run.id, run.state),
    }
}

/// Follows run `run_id` of `job` until it ends, telling `progress` each new state.
pub async fn follow_run(
    session: &Session,
    platform: &dyn Platform,
    job: &str,
    run_id: &str,
    progress: &mut dyn FnMut(String),
) -> Result<GlueRunDetail, Failure> {
    // GetJobRuns is cheap, but a run takes minutes: every 15 s on AWS is plenty.
    let every = session.poll_every(Duration::from_secs(15));
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
            progress(format!("{run_id} is {} ({} s)", run.state, started.elapsed().as_secs()));
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
