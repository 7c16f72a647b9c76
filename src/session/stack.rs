//! The platform's CloudFormation stack as the console and `lakeops provision` both handle it: the
//! template the profile makes, and an apply or delete followed through its events to its end.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use super::{Failure, Session};
use crate::model::{Applied, Change, NamedResource, StackEvent};
use crate::platform::gate::GateError;
use crate::platform::{Platform, PlatformError, ServiceError};
use crate::provision::{self, Progress, Template};
use crate::settings::Loaded;

/// How long apply and delete are followed (CloudFormation's own limit is far longer).
const FOLLOW_LIMIT: Duration = Duration::from_secs(3 * 3600);

/// The template the profile makes, after the checks CloudFormation would otherwise fail on.
pub fn template(loaded: &Loaded) -> Result<Template, Failure> {
    let template = rendered(loaded)?;
    template.check_size().map_err(Failure::Invalid)?;
    Ok(template)
}

/// The template the profile makes, its names checked; its size is for a plan to refuse (one over
/// CloudFormation's limit is still printed).
pub fn rendered(loaded: &Loaded) -> Result<Template, Failure> {
    provision::check(&loaded.settings)
        .map_err(|(key, message)| Failure::Invalid(format!("{}: key `{key}`: {message}", loaded.profile_origin)))?;
    Ok(provision::render(&loaded.settings))
}

/// The code of a plan refused because a name the template creates is taken outside the stack.
pub const NAME_TAKEN: &str = "NameTaken";

/// Plans the stack: before the change set is made, every name the template creates is looked
/// up, and a name taken outside the stack refuses the plan with the resource and the name (a
/// change set would otherwise fail at ExecuteChangeSet with "already exists" and no word of
/// which). Read-only mode refuses first, without a call. Any other change goes to the gate.
/// After it is made, a shard count the resharding rules would refuse is a warning of the plan.
pub async fn plan(
    session: &Session,
    platform: &dyn Platform,
    change: &Change,
    detail: &str,
) -> Result<Applied, GateError> {
    let Change::PlanStack { stack, template, .. } = change else {
        return session.gate.apply(platform, change, detail).await;
    };
    session.gate.check(change, detail)?;
    let body: serde_json::Value = serde_json::from_str(template)
        .map_err(|e| PlatformError::failed("lakeops", format!("the template is not JSON: {e}")))?;
    let wanted = provision::named_resources(&body, None, &session.region);
    let taken = platform.taken_names(stack, &wanted).await?;
    if !taken.is_empty() {
        let message = taken_text(stack, &taken);
        session.gate.record(change.action(), stack, detail, &format!("refused: {message}"));
        return Err(PlatformError::answered("CloudFormation", ServiceError::new(NAME_TAKEN, message)).into());
    }
    let mut applied = session.gate.apply(platform, change, detail).await?;
    if let Some(plan) = applied.plan_mut() {
        let warning = reshard_warning(session, platform, &body, plan).await;
        plan.warnings.extend(warning);
    }
    Ok(applied)
}

/// A stream's new shard count checked against the resharding rules (CloudFormation updates it
/// with UpdateShardCount, which has the same limits): what Kinesis would refuse, the update would
/// fail on and roll back.
async fn reshard_warning(
    session: &Session,
    platform: &dyn Platform,
    template: &serde_json::Value,
    plan: &crate::model::StackPlan,
) -> Option<String> {
    let change = plan.changes.iter().find(|c| c.resource_type == "AWS::Kinesis::Stream" && !c.replaces())?;
    let values = change.values.iter().find(|v| v.property == "ShardCount")?;
    let target: u32 = values.after.trim().parse().ok()?;
    let stream = template["Resources"][&change.logical_id]["Properties"]["Name"].as_str()?;
    let facts = match super::reshard::stream_facts(session, platform, stream).await {
        Ok(facts) => facts?,
        Err(e) => return Some(format!("{stream}'s shard count {target} was not checked: {e}")),
    };
    // The stream as it is may differ from what the stack deployed (drift): a target it already has,
    // or a stream switched to on-demand outside the stack, is no count Kinesis refuses.
    if facts.mode != crate::model::CapacityMode::Provisioned || facts.open_count() == target {
        return None;
    }
    let refusal = crate::ops::reshard::plan(&facts, &crate::ops::reshard::ReshardRequest::ScaleTo(target)).err()?;
    let (rule, why) = refusal.parts();
    Some(format!(
        "{} {} {} → {target}: Kinesis would refuse it: {why} (the rule \"{rule}\"); the update would fail and \
         roll back",
        change.logical_id, values.property, values.before
    ))
}

fn taken_text(stack: &str, taken: &[NamedResource]) -> String {
    let list: Vec<String> =
        taken.iter().map(|t| format!("{} {:?} ({})", t.resource_type, t.name, t.logical_id)).collect();
    format!(
        "{} already exist{} outside stack {stack}: {}; CloudFormation would fail creating {}. Set other names in the \
         profile (or another platform.stack_name, from which unset names are derived), or delete what is in the way",
        if taken.len() == 1 { "a resource the template names" } else { "resources the template names" },
        if taken.len() == 1 { "s" } else { "" },
        list.join(", "),
        if taken.len() == 1 { "it" } else { "them" }
    )
}

/// A plan's failure for a headless command: a taken name is bad input (exit 2), like a profile
/// value CloudFormation would reject.
pub fn plan_failure(e: GateError) -> Failure {
    match e {
        GateError::Platform(p) if p.code() == Some(NAME_TAKEN) => Failure::Invalid(p.to_string()),
        other => other.into(),
    }
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
