//! `lakeops provision (template | plan | apply | delete | drift)`: the platform's stack from the
//! profile. The profile is checked before any call; plan, apply and delete are refused in
//! read-only mode; apply and delete need a yes (delete: the stack's name typed on a terminal).

use std::time::{Duration, Instant};

use super::confirm::{confirm, read_answer, refuse_readonly};
use super::{record, Failure};
use crate::cli::ProvisionCommand;
use crate::journal::Journal;
use crate::model::{StackEvent, StackPlan, StackSummary};
use crate::platform::Platform;
use crate::provision::{self, diff_lines, summary, Progress, Template};
use crate::settings::{Backend, Loaded, Paths};

/// How long apply and delete follow the stack (CloudFormation's own limit is far longer).
const FOLLOW_LIMIT: Duration = Duration::from_secs(3 * 3600);

/// The template the profile makes, after the checks CloudFormation would otherwise fail on.
pub fn build(loaded: &Loaded) -> Result<Template, Failure> {
    provision::check(&loaded.settings)
        .map_err(|(key, message)| Failure::Invalid(format!("{}: key `{key}`: {message}", loaded.profile_origin)))?;
    let template = provision::render(&loaded.settings);
    template.check_size().map_err(Failure::Invalid)?;
    Ok(template)
}

pub fn template(loaded: &Loaded, compact: bool) -> Result<String, Failure> {
    let template = build(loaded)?;
    eprintln!(
        "{} resources, {} bytes as sent (inline limit {})",
        template.resources().len(),
        template.compact().len(),
        provision::INLINE_TEMPLATE_LIMIT
    );
    Ok(if compact { template.compact() } else { template.pretty() } + "\n")
}

pub async fn run(
    loaded: &Loaded,
    paths: &Paths,
    platform: &dyn Platform,
    command: &ProvisionCommand,
) -> Result<String, Failure> {
    let journal = Journal::new(paths.journal_file());
    let stack = loaded.settings.platform.stack_name.clone();
    let readonly = loaded.settings.console.readonly;
    let refused = |action: &str, failure: Failure| -> Failure {
        let _ = record(&journal, loaded, action, &stack, "", &format!("refused: {}", failure.message()));
        failure
    };
    match command {
        ProvisionCommand::Template { compact } => template(loaded, *compact),
        ProvisionCommand::Drift { json } => drift(platform, &stack, *json).await,
        ProvisionCommand::Plan { json } => {
            let template = build(loaded).map_err(|f| refused("provision plan", f))?;
            refuse_readonly(readonly, &format!("planning {stack} (CreateChangeSet)"))
                .map_err(|f| refused("provision plan", f))?;
            let plan = platform.plan_stack(&stack, &template.compact(), &template.parameters).await?;
            if let Some(change_set) = &plan.change_set {
                platform.discard_plan(&stack, change_set).await?;
            }
            record(&journal, loaded, "provision plan", &stack, &summary(&plan), "done: change set discarded")?;
            Ok(if *json { plan_json(&plan) } else { plan_text(&plan) })
        }
        ProvisionCommand::Apply { yes, no_wait } => {
            let template = build(loaded).map_err(|f| refused("provision apply", f))?;
            refuse_readonly(readonly, &format!("applying to {stack}")).map_err(|f| refused("provision apply", f))?;
            let plan = platform.plan_stack(&stack, &template.compact(), &template.parameters).await?;
            let text = plan_text(&plan);
            let Some(change_set) = plan.change_set.clone() else {
                return Ok(text);
            };
            if !yes {
                eprint!("{text}");
            }
            let question = format!("apply this plan to {stack} ({})?", summary(&plan));
            if let Err(failure) = confirm(&question, *yes) {
                platform.discard_plan(&stack, &change_set).await?;
                return Err(refused("provision apply", failure));
            }
            let since_ms = platform.now().timestamp_millis() - 1_000;
            if let Err(e) = platform.apply_plan(&stack, &change_set).await {
                record(&journal, loaded, "provision apply", &stack, &summary(&plan), &format!("failed: {e}"))?;
                return Err(e.into());
            }
            record(&journal, loaded, "provision apply", &stack, &summary(&plan), "started")?;
            let mut out = text;
            if *no_wait {
                out.push_str(&format!("{stack}: change set executing; follow it with `lakeops` (:stack)\n"));
                return Ok(out);
            }
            let progress = follow(loaded, platform, &stack, since_ms, plan.changes.len()).await?;
            let ended = end_of(&stack, &progress);
            record(&journal, loaded, "provision apply", &stack, &summary(&plan), &ended)?;
            out.push_str(&ended);
            out.push('\n');
            if !progress.succeeded() {
                return Err(Failure::Platform(out.trim_end().to_string()));
            }
            if let Some(now) = platform.stack(&stack).await? {
                out.push_str(&outputs_text(&now));
            }
            Ok(out)
        }
        ProvisionCommand::Delete { yes, no_wait } => {
            refuse_readonly(readonly, &format!("deleting {stack}")).map_err(|f| refused("provision delete", f))?;
            let Some(existing) = platform.stack(&stack).await? else {
                return Err(Failure::Invalid(format!("there is no stack {stack} to delete")));
            };
            confirm_by_name(&stack, *yes).map_err(|f| refused("provision delete", f))?;
            let since_ms = platform.now().timestamp_millis() - 1_000;
            if let Err(e) = platform.delete_stack(&stack).await {
                record(&journal, loaded, "provision delete", &stack, &existing.status, &format!("failed: {e}"))?;
                return Err(e.into());
            }
            record(&journal, loaded, "provision delete", &stack, &existing.status, "started")?;
            if *no_wait {
                return Ok(format!("{stack}: deletion started\n"));
            }
            let progress = follow(loaded, platform, &stack, since_ms, 0).await?;
            let ended = end_of(&stack, &progress);
            record(&journal, loaded, "provision delete", &stack, &existing.status, &ended)?;
            if !progress.succeeded() {
                return Err(Failure::Platform(ended));
            }
            Ok(format!("{ended}\nretained (delete them yourself when sure): the buckets, the KMS key\n"))
        }
    }
}

/// Deleting needs `--yes`, or the stack's name typed on a terminal; anything else is refused.
fn confirm_by_name(stack: &str, yes: bool) -> Result<(), Failure> {
    if yes {
        return Ok(());
    }
    let prompt = format!(
        "This deletes every resource of {stack} except the buckets and the KMS key.\nType the stack name to confirm: "
    );
    let answer = read_answer(&format!("deleting {stack}"), &prompt)?;
    if answer != stack {
        return Err(Failure::Refused(format!("{answer:?} is not {stack:?}; nothing was deleted")));
    }
    Ok(())
}

/// Follows the operation that began after `since_ms`, a progress line per change on stderr.
async fn follow(
    loaded: &Loaded,
    platform: &dyn Platform,
    stack: &str,
    since_ms: i64,
    expected: usize,
) -> Result<Progress, Failure> {
    // DescribeStackEvents: one call every 5 s on AWS is plenty for resources that take minutes.
    let every = match loaded.settings.backend {
        Backend::Aws => Duration::from_secs(5),
        Backend::Sandbox => Duration::from_millis(500),
    };
    let started = Instant::now();
    let mut seen = std::collections::HashSet::new();
    loop {
        let events = platform.stack_events(stack).await?;
        let fresh: Vec<&StackEvent> =
            events.iter().rev().filter(|e| e.at_ms >= since_ms && seen.insert(e.id.clone())).collect();
        let progress = Progress::read(stack, &events, since_ms, expected);
        for event in fresh {
            let reason = event.reason.as_deref().map(|r| format!(": {r}")).unwrap_or_default();
            eprintln!(
                "{} {:>4} s  {} {} {}{}",
                progress.bar(20),
                started.elapsed().as_secs(),
                event.status,
                event.logical_id,
                event.resource_type,
                crate::model::text::sanitize(&reason)
            );
        }
        let gone = platform.stack(stack).await?.is_none();
        if progress.finished() || gone {
            return Ok(Progress {
                stack_status: Some(progress.stack_status.unwrap_or_else(|| "DELETE_COMPLETE".into())),
                ..progress
            });
        }
        if started.elapsed() > FOLLOW_LIMIT {
            return Err(Failure::Platform(format!("{stack} is still changing after 3 hours; it goes on without us")));
        }
        tokio::time::sleep(every).await;
    }
}

fn end_of(stack: &str, progress: &Progress) -> String {
    let status = progress.stack_status.clone().unwrap_or_default();
    match &progress.failure {
        Some((resource, reason)) => format!("{stack} ended {status}: {resource} failed: {reason}"),
        None if progress.total == 0 => format!("{stack} ended {status}"),
        None => format!("{stack} ended {status} ({} of {} resources)", progress.done, progress.total),
    }
}

fn plan_text(plan: &StackPlan) -> String {
    let mut out =
        format!("plan for {}{}: {}\n", plan.stack, if plan.creates { " (new stack)" } else { "" }, summary(plan));
    for line in diff_lines(plan) {
        out.push_str(&format!("  {} {}\n", line.mark, line.text));
    }
    out
}

fn plan_json(plan: &StackPlan) -> String {
    serde_json::to_string_pretty(plan).unwrap_or_default() + "\n"
}

fn outputs_text(stack: &StackSummary) -> String {
    let width = stack.outputs.iter().map(|o| o.key.len()).max().unwrap_or(0);
    if stack.outputs.is_empty() {
        return "outputs: none reported\n".into();
    }
    let mut out = String::from("outputs:\n");
    for o in &stack.outputs {
        out.push_str(&format!("  {:width$}  {}\n", o.key, crate::model::text::sanitize(&o.value)));
    }
    out
}

async fn drift(platform: &dyn Platform, stack: &str, json: bool) -> Result<String, Failure> {
    if platform.stack(stack).await?.is_none() {
        return Err(Failure::Invalid(format!("there is no stack {stack}")));
    }
    let drifted = platform.stack_drift(stack).await?;
    if json {
        return Ok(serde_json::to_string_pretty(&drifted).unwrap_or_default() + "\n");
    }
    if drifted.is_empty() {
        return Ok(format!("{stack}: no drift: every resource is as the stack deployed it\n"));
    }
    let mut out = format!("{stack}: {} resource(s) drifted\n", drifted.len());
    for d in &drifted {
        out.push_str(&format!("  {} {} {}\n", d.status, d.logical_id, d.resource_type));
        for p in &d.properties {
            out.push_str(&format!(
                "      {} {}: expected {}, actual {}\n",
                p.difference,
                p.path,
                crate::model::text::sanitize(&p.expected),
                crate::model::text::sanitize(&p.actual)
            ));
        }
    }
    Ok(out)
}
