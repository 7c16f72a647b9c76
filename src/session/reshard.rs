//! Resharding as the console and `lakeops reshard` both do it: a stream's facts with every
//! recent change counted, and following a change until the stream is ACTIVE again.

use std::time::{Duration, Instant};

use super::{Failure, Session};
use crate::model::{Applied, Change, StreamFacts};
use crate::ops::reshard::{plan, ReshardPlan};
use crate::platform::{GateError, Platform, PlatformError};

/// How long to follow a change before giving up waiting (the change itself goes on).
const WAIT_LIMIT: Duration = Duration::from_secs(30 * 60);

/// How often following a change says the stream is still changing.
const PROGRESS_EVERY: Duration = Duration::from_secs(10);

/// A stream's facts, its scalings and mode switches of the last 24 hours counted from the
/// platform (CloudTrail, the sandbox's trail) or the local journal, whichever saw more; `None`
/// when there is no such stream. A journal that cannot be read is a warning in the facts.
pub async fn stream_facts(
    session: &Session,
    platform: &dyn Platform,
    stream: &str,
) -> Result<Option<StreamFacts>, PlatformError> {
    let Some(mut facts) = platform.stream_facts(stream).await? else { return Ok(None) };
    match session.journal().recent_changes(session.scope(), &facts.name, platform.now()) {
        Ok((scalings, switches, damage)) => {
            facts.scalings_last_day = facts.scalings_last_day.fuller(scalings);
            facts.mode_switches_last_day = facts.mode_switches_last_day.fuller(switches);
            if let Some(damage) = damage {
                facts.warnings.push(format!("{damage}: the count of the last 24 hours may be short"));
            }
        }
        Err(problem) => facts
            .warnings
            .push(format!("{problem}: the changes of the last 24 hours are counted from the platform's trail alone")),
    }
    Ok(Some(facts))
}

/// Makes the call of the plan `shown` as it promised. The stream is read and the plan made again
/// just before the call: a stream that changed since (another operator, another tool, a dialog
/// left open while the stream scaled) gets no call, and the refusal says what changed. An
/// UpdateShardCount names only a target, so 4 → 6 made on a stream at 8 would scale it down.
/// The journal records the plan made again.
pub async fn apply(session: &Session, platform: &dyn Platform, shown: &ReshardPlan) -> Result<Applied, GateError> {
    let change = Change::Reshard { stream: shown.stream.clone(), call: shown.call.clone() };
    let detail = shown.describe().join("; ");
    session.gate.check(&change, &detail)?;
    let now = match stream_facts(session, platform, &shown.stream).await? {
        Some(facts) => plan(&facts, &shown.request).map_err(|refusal| refusal.text()),
        None => Err(format!("there is no stream named {} now", shown.stream)),
    };
    let why = match &now {
        Err(why) => why.clone(),
        Ok(now)
            if (now.open_before, now.open_after, &now.call) != (shown.open_before, shown.open_after, &shown.call) =>
        {
            format!("open shards: {} → {} now", now.open_before, now.open_after)
        }
        Ok(now) => return session.gate.apply(platform, &change, &now.describe().join("; ")).await,
    };
    let reason = format!(
        "{} changed since its plan (open shards: {} → {}) was made: {why}; nothing was done — read the stream again and make a new plan",
        shown.stream, shown.open_before, shown.open_after
    );
    session.gate.record(change.action(), change.target(), &detail, &format!("refused: {reason}"));
    Err(GateError::Refused(reason))
}

/// Follows `stream` until it is ACTIVE again, telling `progress` its status on the way.
pub async fn follow_until_active(
    session: &Session,
    platform: &dyn Platform,
    stream: &str,
    progress: &mut dyn FnMut(String),
) -> Result<StreamFacts, Failure> {
    // DescribeStreamSummary is 20 TPS per account, shared with every other tool: poll gently.
    let every = session.poll_every(Duration::from_secs(5));
    let started = Instant::now();
    // A line when the status changes, else every 10 s: a fast sandbox polls several times a second.
    let mut said: Option<(String, Instant)> = None;
    loop {
        let facts =
            platform.stream_facts(stream).await?.ok_or_else(|| Failure::Platform(format!("{stream} disappeared")))?;
        if facts.status == "ACTIVE" {
            return Ok(facts);
        }
        let due = said.as_ref().is_none_or(|(status, at)| *status != facts.status || at.elapsed() >= PROGRESS_EVERY);
        if due {
            progress(format!("{stream} is {} ({} s)", facts.status, started.elapsed().as_secs()));
            said = Some((facts.status.clone(), Instant::now()));
        }
        if started.elapsed() > WAIT_LIMIT {
            return Err(Failure::Platform(format!(
                "{stream} is still {} after 30 minutes; the change goes on without us",
                facts.status
            )));
        }
        tokio::time::sleep(every).await;
    }
}
