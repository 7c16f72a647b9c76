//! The platform's CloudFormation stack as the console and `lakeops provision` both handle it: the
//! template the profile makes, and an apply or delete followed through its events to its end.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use super::{Failure, Session};
use crate::model::StackEvent;
use crate::platform::Platform;
use crate::provision::{self, Progress, Template};
use crate::settings::Loaded;

/// How long apply and delete are followed (CloudFormation's own limit is far longer).
const FOLLOW_LIMIT: Duration = Duration::from_secs(3 * 3600);

/// The template the profile makes, after the checks CloudFormation would otherwise fail on.
pub fn template(loaded: &Loaded) -> Result<Template, Failure> {
    provision::check(&loaded.settings)
        .map_err(|(key, message)| Failure::Invalid(format!("{}: key `{key}`: {message}", loaded.profile_origin)))?;
    let template = provision::render(&loaded.settings);
    template.check_size().map_err(Failure::Invalid)?;
    Ok(template)
}

/// Follows the operation on `stack` that began after `since_ms` (the platform's time) until it
/// settles or the stack is gone, telling `progress` each new event with a progress bar.
pub async fn follow(
    session: &Session,
    platform: &dyn Platform,
    stack: &str,
    since_ms: i64,
    expected: usize,
    progress: &mut dyn FnMut(String),
) -> Result<Progress, Failure> {
    // DescribeStackEvents: one call every 5 s on AWS is plenty for resources that take minutes.
    let every = session.poll_every(Duration::from_secs(5));
    let started = Instant::now();
    let mut seen = HashSet::new();
    loop {
        let events = platform.stack_events(stack).await?;
        let fresh: Vec<&StackEvent> =
            events.iter().rev().filter(|e| e.at_ms >= since_ms && seen.insert(e.id.clone())).collect();
        let now = Progress::read(stack, &events, since_ms, expected);
        for event in fresh {
            let reason = event.reason.as_deref().map(|r| format!(": {r}")).unwrap_or_default();
            progress(format!(
                "{} {:>4} s  {} {} {}{}",
                now.bar(20),
                started.elapsed().as_secs(),
                event.status,
                event.logical_id,
                event.resource_type,
                crate::model::text::sanitize(&reason)
            ));
        }
        let gone = platform.stack(stack).await?.is_none();
        if now.finished() || gone {
            return Ok(Progress {
                stack_status: Some(now.stack_status.unwrap_or_else(|| "DELETE_COMPLETE".into())),
                ..now
            });
        }
        if started.elapsed() > FOLLOW_LIMIT {
            return Err(Failure::Platform(format!("{stack} is still changing after 3 hours; it goes on without us")));
        }
        tokio::time::sleep(every).await;
    }
}

/// How an operation ended, in words.
pub fn end_of(stack: &str, progress: &Progress) -> String {
    let status = progress.stack_status.clone().unwrap_or_default();
    match &progress.failure {
        Some((resource, reason)) => format!("{stack} ended {status}: {resource} failed: {reason}"),
        None if progress.total == 0 => format!("{stack} ended {status}"),
        None => format!("{stack} ended {status} ({} of {} resources)", progress.done, progress.total),
    }
}
