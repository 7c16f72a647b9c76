//! CloudFormation: the platform's stack, change sets (plan, apply, discard), events, delete and
//! drift. Change sets are polled until CloudFormation has computed them (AWS-FACTS.md).

use std::time::{Duration, Instant};

use aws_sdk_cloudformation::types::{
    Capability, ChangeSetStatus, ChangeSetType, ExecutionStatus, Parameter, RequiresRecreation,
    StackDriftDetectionStatus, StackResourceDriftStatus,
};
use aws_sdk_cloudformation::Client;

use super::errors::{code, platform_error};
use super::landed::{self, Failed, ReadBack};
use crate::model::{
    Applied, ChangeAction, DriftedResource, PropertyDrift, PropertyValues, Replacement, StackChange, StackEvent,
    StackOutput, StackPlan, StackSummary, StagedTemplate,
};
use crate::platform::PlatformError;

/// How long a change set or a drift detection may take before lakeops gives up on it.
const COMPUTE_LIMIT: Duration = Duration::from_secs(300);
/// Events read per call (one page; CloudFormation lists newest first).
const EVENT_PAGES: usize = 3;

fn failed(api: &str, message: impl Into<String>) -> PlatformError {
    PlatformError::failed(format!("CloudFormation {api}"), message)
}

/// The stack, or `None` when CloudFormation does not know it (or only as a deleted one).
pub async fn summary(client: &Client, name: &str) -> Result<Option<StackSummary>, PlatformError> {
    let out = match client.describe_stacks().stack_name(name).send().await {
        Ok(out) => out,
        Err(e) if code(&e) == Some("ValidationError") => return Ok(None),
        Err(e) => return Err(platform_error("CloudFormation DescribeStacks", e)),
    };
    let Some(stack) = out.stacks().first() else { return Ok(None) };
    let status = stack.stack_status().map(|s| s.as_str().to_string()).unwrap_or_default();
    if status == "DELETE_COMPLETE" {
        return Ok(None);
    }
    Ok(Some(StackSummary {
        name: stack.stack_name().unwrap_or(name).to_string(),
        status,
        reason: stack.stack_status_reason().map(String::from),
        outputs: stack
            .outputs()
            .iter()
            .map(|o| StackOutput {
                key: o.output_key().unwrap_or_default().to_string(),
                value: o.output_value().unwrap_or_default().to_string(),
                description: o.description().unwrap_or_default().to_string(),
            })
            .collect(),
    }))
}

/// How CloudFormation is given the template: in the request, or read from S3 where lakeops put
/// it (over the inline limit, `staging`).
pub enum Source<'a> {
    Body(&'a str),
    Staged { url: String, staged: StagedTemplate },
}

/// Creates a change set and waits until it is computed; a change set with nothing in it is
/// deleted and reported as a plan without changes. CreateChangeSet is sent once (see `landed`):
/// when its answer is lost, the change set is looked up by its name.
pub async fn plan(
    client: &Client,
    name: &str,
    template: &Source<'_>,
    parameters: &[(String, String)],
    now_ms: i64,
) -> Result<Applied, PlatformError> {
    let existing = summary(client, name).await?;
    let creates = existing.as_ref().is_none_or(|s| s.status == "REVIEW_IN_PROGRESS");
    if let Some(stack) = existing.as_ref().filter(|s| !s.is_settled()) {
        return Err(failed(
            "CreateChangeSet",
            format!("{name} is {}: wait until it settles, then plan again", stack.status),
        ));
    }
    if let Some(stack) = existing.as_ref().filter(|s| s.status == "ROLLBACK_COMPLETE") {
        // A stack whose creation failed can only be deleted (CloudFormation refuses updates).
        return Err(failed(
            "CreateChangeSet",
            format!(
                "{name} is {}: its creation failed{} and CloudFormation cannot update it; delete it \
                 (lakeops provision delete), then apply again",
                stack.status,
                stack.reason.as_deref().map(|r| format!(" ({r})")).unwrap_or_default()
            ),
        ));
    }
    let change_set_name = format!("lakeops-{now_ms}");
    let mut request = client
        .create_change_set()
        .stack_name(name)
        .change_set_name(&change_set_name)
        .description("planned by lakeops")
        .capabilities(Capability::CapabilityNamedIam)
        .change_set_type(if creates { ChangeSetType::Create } else { ChangeSetType::Update });
    request = match template {
        Source::Body(body) => request.template_body(*body),
        Source::Staged { url, .. } => request.template_url(url),
    };
    for (key, value) in parameters {
        request = request.parameters(Parameter::builder().parameter_key(key).parameter_value(value).build());
    }
    let api = "CloudFormation CreateChangeSet";
    let sent =
        request.customize().config_override(aws_sdk_cloudformation::Config::builder().retry_config(landed::once()));
    let (id, settled) = match sent.send().await.map_err(|e| landed::failed(api, e)) {
        Ok(created) => (created.id().unwrap_or_default().to_string(), None),
        Err(Failed::Refused(e)) => return Err(e),
        Err(Failed::AnswerLost(lost)) => {
            let check =
                format!("the change sets of {name} (`aws cloudformation list-change-sets --stack-name {name}`)");
            let settled = landed::settle(api, lost, change_set_named(client, name, &change_set_name), &check).await?;
            (settled.made.clone(), Some(settled))
        }
    };
    let mut plan = computed(client, name, &id, creates).await?;
    if let Source::Staged { staged, .. } = template {
        plan.staged = Some(staged.clone());
    }
    Ok(match settled {
        Some(settled) => settled.applied(Applied::Plan(Box::new(plan))),
        None => Applied::Plan(Box::new(plan)),
    })
}

/// Whether a change set named `change_set` exists on `stack`: its id when it does.
async fn change_set_named(client: &Client, stack: &str, change_set: &str) -> Result<ReadBack<String>, PlatformError> {
    match client.describe_change_set().stack_name(stack).change_set_name(change_set).send().await {
        Ok(out) => {
            let id = out.change_set_id().unwrap_or(change_set).to_string();
            let status = out.status().map(|s| s.as_str().to_string()).unwrap_or_default();
            Ok(ReadBack::Landed(id, format!("change set {change_set} of {stack} is {status}")))
        }
        // CloudFormation says ChangeSetNotFound; for a stack that does not exist, ValidationError.
        Err(e) if matches!(code(&e), Some("ChangeSetNotFound" | "ChangeSetNotFoundException" | "ValidationError")) => {
            Ok(ReadBack::NotLanded(format!("{stack} has no change set {change_set}")))
        }
        Err(e) => Err(platform_error("CloudFormation DescribeChangeSet", e)),
    }
}

/// Polls change set `id` until CloudFormation has computed it.
async fn computed(client: &Client, name: &str, id: &str, creates: bool) -> Result<StackPlan, PlatformError> {
    let started = Instant::now();
    let mut wait = Duration::from_millis(250);
    loop {
        let mut changes = Vec::new();
        let mut token: Option<String> = None;
        let (status, reason) = loop {
            let out = client
                .describe_change_set()
                .stack_name(name)
                .change_set_name(id)
                .include_property_values(true)
                .set_next_token(token.clone())
                .send()
                .await
                .map_err(|e| platform_error("CloudFormation DescribeChangeSet", e))?;
            changes.extend(out.changes().iter().filter_map(|c| c.resource_change()).map(read_change));
            token = out.next_token().map(String::from);
            if token.is_none() {
                break (out.status().cloned(), out.status_reason().map(String::from));
            }
        };
        match status {
            Some(ChangeSetStatus::CreateComplete) => {
                if changes.is_empty() {
                    discard(client, name, id).await?;
                    return Ok(StackPlan::new(name, None, creates, changes));
                }
                return Ok(StackPlan::new(name, Some(id.to_string()), creates, changes));
            }
            Some(ChangeSetStatus::Failed) => {
                let reason = reason.unwrap_or_default();
                discard(client, name, id).await?;
                if reason.contains("didn't contain changes") || reason.contains("No updates") {
                    return Ok(StackPlan::new(name, None, creates, Vec::new()));
                }
                return Err(failed("CreateChangeSet", format!("the change set failed: {reason}")));
            }
            _ => {}
        }
        if started.elapsed() > COMPUTE_LIMIT {
            return Err(failed("DescribeChangeSet", "the change set was not computed within 5 minutes"));
        }
        tokio::time::sleep(wait).await;
        wait = (wait * 2).min(Duration::from_secs(5));
    }
}

fn read_change(c: &aws_sdk_cloudformation::types::ResourceChange) -> StackChange {
    use aws_sdk_cloudformation::types::{ChangeAction as Action, Replacement as R};
    let action = match c.action() {
        Some(Action::Add) => ChangeAction::Add,
        Some(Action::Remove) => ChangeAction::Remove,
        _ => ChangeAction::Modify,
    };
    let replacement = match c.replacement() {
        Some(R::True) => Replacement::Yes,
        Some(R::Conditional) => Replacement::Conditional,
        _ => Replacement::No,
    };
    let mut properties = Vec::new();
    let mut replacing = Vec::new();
    let mut values: Vec<PropertyValues> = Vec::new();
    for detail in c.details() {
        let Some(target) = detail.target() else { continue };
        let name = target
            .name()
            .map(String::from)
            .unwrap_or_else(|| target.attribute().map(|a| a.as_str().to_string()).unwrap_or_default());
        // A property can be listed more than once (evaluated statically, then dynamically): the
        // first detail that carries both values gives them.
        if let (Some(before), Some(after)) = (target.before_value(), target.after_value()) {
            if !name.is_empty() && !values.iter().any(|v| v.property == name) {
                values.push(PropertyValues { property: name.clone(), before: before.into(), after: after.into() });
            }
        }
        if name.is_empty() || properties.contains(&name) {
            continue;
        }
        if matches!(target.requires_recreation(), Some(RequiresRecreation::Always | RequiresRecreation::Conditionally))
        {
            replacing.push(name.clone());
        }
        properties.push(name);
    }
    properties.sort_by_key(|p| !replacing.contains(p));
    StackChange {
        action,
        logical_id: c.logical_resource_id().unwrap_or_default().to_string(),
        resource_type: c.resource_type().unwrap_or_default().to_string(),
        replacement,
        properties,
        replacing,
        values,
    }
}

/// The retries of a CloudFormation change: none (see `landed`).
fn once() -> aws_sdk_cloudformation::config::Builder {
    aws_sdk_cloudformation::Config::builder().retry_config(landed::once())
}

/// Deletes a change set; a CREATE change set's stack (left in REVIEW_IN_PROGRESS) goes too.
/// DeleteChangeSet is sent once (see `landed`): when its answer is lost, DescribeChangeSet says
/// whether the change set is gone.
pub async fn discard(client: &Client, name: &str, change_set: &str) -> Result<Applied, PlatformError> {
    let api = "CloudFormation DeleteChangeSet";
    let sent = client
        .delete_change_set()
        .stack_name(name)
        .change_set_name(change_set)
        .customize()
        .config_override(once())
        .send()
        .await
        .map(|_| ())
        .map_err(|e| landed::failed(api, e));
    let check = format!("the change sets of {name} (`aws cloudformation list-change-sets --stack-name {name}`)");
    let read_back = async {
        Ok(match change_set_named(client, name, change_set).await? {
            ReadBack::Landed(_, seen) => ReadBack::NotLanded(seen),
            ReadBack::NotLanded(seen) => ReadBack::Landed((), seen),
        })
    };
    let applied = landed::answered(api, sent, read_back, &check, |_| Applied::Done).await?;
    if summary(client, name).await?.is_some_and(|s| s.status == "REVIEW_IN_PROGRESS") {
        delete(client, name).await?;
    }
    Ok(applied)
}

/// Executes a change set, sent once (see `landed`): when its answer is lost, the change set's
/// execution status or the stack's status says whether it was executed.
pub async fn apply(client: &Client, name: &str, change_set: &str) -> Result<Applied, PlatformError> {
    let api = "CloudFormation ExecuteChangeSet";
    let called_at = chrono::Utc::now();
    let sent = client
        .execute_change_set()
        .stack_name(name)
        .change_set_name(change_set)
        .customize()
        .config_override(once())
        .send()
        .await
        .map(|_| ())
        .map_err(|e| landed::failed(api, e));
    let check =
        format!("{name}'s status and events (:stack, or `aws cloudformation describe-stacks --stack-name {name}`)");
    landed::answered(api, sent, executed_since(client, name, change_set, called_at), &check, |_| Applied::Done).await
}

/// How far a stack's update time may precede the ExecuteChangeSet call that made it, as the
/// client's clock sees it: the two clocks differ by a little.
const CLOCK_SKEW: chrono::Duration = chrono::Duration::seconds(5);

/// Whether change set `change_set` of `stack` was executed: its execution status is
/// EXECUTE_IN_PROGRESS or EXECUTE_COMPLETE, or (CloudFormation removes a stack's change sets once
/// one is executed) the stack is being or was created, or updated since `called_at`.
async fn executed_since(
    client: &Client,
    stack: &str,
    change_set: &str,
    called_at: chrono::DateTime<chrono::Utc>,
) -> Result<ReadBack<()>, PlatformError> {
    match client.describe_change_set().stack_name(stack).change_set_name(change_set).send().await {
        Ok(out) => {
            let execution = out.execution_status().map(|s| s.as_str().to_string()).unwrap_or_default();
            let seen = format!("change set {change_set} of {stack} is {execution}");
            return Ok(match out.execution_status() {
                Some(ExecutionStatus::ExecuteInProgress | ExecutionStatus::ExecuteComplete) => {
                    ReadBack::Landed((), seen)
                }
                _ => ReadBack::NotLanded(seen),
            });
        }
        Err(e) if matches!(code(&e), Some("ChangeSetNotFound" | "ChangeSetNotFoundException" | "ValidationError")) => {}
        Err(e) => return Err(platform_error("CloudFormation DescribeChangeSet", e)),
    }
    let out = match client.describe_stacks().stack_name(stack).send().await {
        Ok(out) => out,
        Err(e) if code(&e) == Some("ValidationError") => {
            return Ok(ReadBack::NotLanded(format!("{stack} does not exist")));
        }
        Err(e) => return Err(platform_error("CloudFormation DescribeStacks", e)),
    };
    let Some(found) = out.stacks().first() else {
        return Ok(ReadBack::NotLanded(format!("{stack} does not exist")));
    };
    let status = found.stack_status().map(|s| s.as_str().to_string()).unwrap_or_default();
    let updated = super::utc(found.last_updated_time());
    // A CREATE change set's stack was REVIEW_IN_PROGRESS (plan refuses others): any CREATE_ is it.
    let created = status.starts_with("CREATE_") && status != "CREATE_FAILED";
    let updating = status.starts_with("UPDATE_") && updated.is_some_and(|at| at >= called_at - CLOCK_SKEW);
    let seen = match updated {
        Some(at) => format!("{stack} is {status}, last updated at {} UTC", at.format("%H:%M:%S")),
        None => format!("{stack} is {status}"),
    };
    Ok(if created || updating { ReadBack::Landed((), seen) } else { ReadBack::NotLanded(seen) })
}

/// Deletes a stack, sent once (see `landed`): when the answer is lost, DescribeStacks says
/// whether it is being or was deleted.
pub async fn delete(client: &Client, name: &str) -> Result<Applied, PlatformError> {
    let api = "CloudFormation DeleteStack";
    let sent = client
        .delete_stack()
        .stack_name(name)
        .customize()
        .config_override(once())
        .send()
        .await
        .map(|_| ())
        .map_err(|e| landed::failed(api, e));
    let check = format!("{name}'s status (:stack, or `aws cloudformation describe-stacks --stack-name {name}`)");
    landed::answered(api, sent, deleting(client, name), &check, |_| Applied::Done).await
}

/// Whether stack `name` is DELETE_IN_PROGRESS, DELETE_COMPLETE or gone.
async fn deleting(client: &Client, name: &str) -> Result<ReadBack<()>, PlatformError> {
    let out = match client.describe_stacks().stack_name(name).send().await {
        Ok(out) => out,
        Err(e) if code(&e) == Some("ValidationError") => return Ok(ReadBack::Landed((), format!("{name} is gone"))),
        Err(e) => return Err(platform_error("CloudFormation DescribeStacks", e)),
    };
    let Some(found) = out.stacks().first() else { return Ok(ReadBack::Landed((), format!("{name} is gone"))) };
    let status = found.stack_status().map(|s| s.as_str().to_string()).unwrap_or_default();
    let seen = format!("{name} is {status}");
    Ok(if matches!(status.as_str(), "DELETE_IN_PROGRESS" | "DELETE_COMPLETE") {
        ReadBack::Landed((), seen)
    } else {
        ReadBack::NotLanded(seen)
    })
}

pub async fn events(client: &Client, name: &str) -> Result<Vec<StackEvent>, PlatformError> {
    let mut events = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..EVENT_PAGES {
        let out = match client.describe_stack_events().stack_name(name).set_next_token(token.clone()).send().await {
            Ok(out) => out,
            Err(e) if code(&e) == Some("ValidationError") => return Ok(events),
            Err(e) => return Err(platform_error("CloudFormation DescribeStackEvents", e)),
        };
        events.extend(out.stack_events().iter().map(|e| StackEvent {
            id: e.event_id().unwrap_or_default().to_string(),
            at_ms: e.timestamp().and_then(|t| t.to_millis().ok()).unwrap_or_default(),
            logical_id: e.logical_resource_id().unwrap_or_default().to_string(),
            resource_type: e.resource_type().unwrap_or_default().to_string(),
            status: e.resource_status().map(|s| s.as_str().to_string()).unwrap_or_default(),
            reason: e.resource_status_reason().map(String::from),
        }));
        token = out.next_token().map(String::from);
        if token.is_none() {
            break;
        }
    }
    // Newest first, whatever order the pages came in (moto lists oldest first).
    events.sort_by_key(|e| std::cmp::Reverse(e.at_ms));
    Ok(events)
}

pub async fn drift(client: &Client, name: &str) -> Result<Vec<DriftedResource>, PlatformError> {
    let detection = client
        .detect_stack_drift()
        .stack_name(name)
        .send()
        .await
        .map_err(|e| platform_error("CloudFormation DetectStackDrift", e))?;
    let id = detection.stack_drift_detection_id().unwrap_or_default().to_string();
    let started = Instant::now();
    loop {
        let status = client
            .describe_stack_drift_detection_status()
            .stack_drift_detection_id(&id)
            .send()
            .await
            .map_err(|e| platform_error("CloudFormation DescribeStackDriftDetectionStatus", e))?;
        match status.detection_status() {
            Some(StackDriftDetectionStatus::DetectionComplete) => break,
            Some(StackDriftDetectionStatus::DetectionFailed) => {
                let reason = status.detection_status_reason().unwrap_or("no reason given");
                return Err(failed("DetectStackDrift", format!("drift detection failed: {reason}")));
            }
            _ => {}
        }
        if started.elapsed() > COMPUTE_LIMIT {
            return Err(failed("DetectStackDrift", "drift detection did not finish within 5 minutes"));
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
    let out = client
        .describe_stack_resource_drifts()
        .stack_name(name)
        .stack_resource_drift_status_filters(StackResourceDriftStatus::Modified)
        .stack_resource_drift_status_filters(StackResourceDriftStatus::Deleted)
        .send()
        .await
        .map_err(|e| platform_error("CloudFormation DescribeStackResourceDrifts", e))?;
    Ok(out
        .stack_resource_drifts()
        .iter()
        .map(|d| DriftedResource {
            logical_id: d.logical_resource_id().unwrap_or_default().to_string(),
            resource_type: d.resource_type().unwrap_or_default().to_string(),
            status: d.stack_resource_drift_status().map(|s| s.as_str().to_string()).unwrap_or_default(),
            properties: d
                .property_differences()
                .iter()
                .map(|p| PropertyDrift {
                    path: p.property_path().unwrap_or_default().to_string(),
                    expected: p.expected_value().unwrap_or_default().to_string(),
                    actual: p.actual_value().unwrap_or_default().to_string(),
                    difference: p.difference_type().map(|s| s.as_str().to_string()).unwrap_or_default(),
                })
                .collect(),
        })
        .collect())
}
