//! `lakeops provision (template | plan | apply | delete | drift)`: the platform's stack from the
//! profile. The profile is checked before any call; plan, apply and delete are refused in
//! read-only mode; apply and delete need a yes (delete: the stack's name typed on a terminal).

use super::confirm::{confirm, confirm_by_name};
use super::Failure;
use crate::cli::ProvisionCommand;
use crate::model::{Change, StackPlan, StackSummary};
use crate::platform::Platform;
use crate::provision::{self, diff_lines, summary};
use crate::session::{self, Session};
use crate::settings::{Loaded, Paths};

pub fn template(loaded: &Loaded, compact: bool) -> Result<String, Failure> {
    let template = session::stack::rendered(loaded)?;
    let bytes = template.compact().len();
    let over = if provision::staging::staged(bytes) { ": over it, a plan puts it in S3 first" } else { "" };
    let thousands = |n: usize| crate::ops::format::thousands(n as f64);
    crate::note!(
        "{} resources, {} bytes as sent (inline limit {}{over})",
        template.resources().len(),
        thousands(bytes),
        thousands(provision::INLINE_TEMPLATE_LIMIT)
    );
    // Printed all the same: it is what the profile makes.
    if let Err(too_big) = template.check_size() {
        crate::note!("lakeops: warning: {too_big}");
    }
    Ok(if compact { template.compact() } else { template.pretty() } + "\n")
}

pub async fn run(
    loaded: &Loaded,
    paths: &Paths,
    platform: &dyn Platform,
    command: &ProvisionCommand,
) -> Result<String, Failure> {
    let session = Session::headless(loaded, paths, platform);
    let stack = loaded.settings.platform.stack_name.clone();
    match command {
        ProvisionCommand::Template { compact } => template(loaded, *compact),
        ProvisionCommand::Drift { json } => drift(platform, &stack, *json).await,
        ProvisionCommand::Plan { json } => {
            let plan = plan(&session, loaded, platform, &stack, None).await?;
            if let Some(change_set) = &plan.change_set {
                let discard = Change::DiscardPlan { stack: stack.clone(), change_set: change_set.clone() };
                session.gate.apply(platform, &discard, &summary(&plan)).await?;
            }
            Ok(if *json { plan_json(&plan) } else { plan_text(&plan) })
        }
        ProvisionCommand::Apply { yes, no_wait } => apply(&session, loaded, platform, &stack, *yes, *no_wait).await,
        ProvisionCommand::Delete { yes, no_wait } => {
            // What the profile's template keeps on delete (its deletion policies), named in the prompt and after.
            let kept = provision::kept_text(&provision::render(&loaded.settings).body);
            delete(&session, platform, &stack, &kept, *yes, *no_wait).await
        }
    }
}

/// The profile's template planned against the stack (a change set, kept for an apply). With
/// `intent`, the change the plan is for is refused first when read-only mode forbids it.
async fn plan(
    session: &Session,
    loaded: &Loaded,
    platform: &dyn Platform,
    stack: &str,
    intent: Option<&Change>,
) -> Result<StackPlan, Failure> {
    let change = |template: String, parameters| Change::PlanStack { stack: stack.to_string(), template, parameters };
    let template = session::stack::template(loaded).inspect_err(|refused| {
        let outcome = format!("refused: {}", refused.message());
        session.gate.record(change(String::new(), Vec::new()).action(), stack, "", &outcome);
    })?;
    if let Some(intent) = intent {
        session.gate.check(intent, "")?;
    }
    let planned = change(template.compact(), template.parameters);
    let applied = session::stack::plan(session, platform, &planned, "").await.map_err(session::stack::plan_failure)?;
    applied.into_plan().ok_or_else(|| Failure::Platform(format!("planning {stack} made no change set")))
}

async fn apply(
    session: &Session,
    loaded: &Loaded,
    platform: &dyn Platform,
    stack: &str,
    yes: bool,
    no_wait: bool,
) -> Result<String, Failure> {
    let intent = Change::ApplyPlan { stack: stack.to_string(), change_set: String::new() };
    let plan = plan(session, loaded, platform, stack, Some(&intent)).await?;
    let text = plan_text(&plan);
    let Some(change_set) = plan.change_set.clone() else {
        // Nothing to apply: the journal says the apply asked for ended there.
        session.gate.record(intent.action(), stack, &summary(&plan), "done: no changes to apply");
        return Ok(text);
    };
    // Shown before anything is done, with --yes too: a CI log reads what was to change before the
    // events of what changed (stdout has the plan again, with how it ended).
    crate::note_inline!("{}", crate::model::text::sanitize_keeping_lines(&text));
    let warned = match plan.warnings.len() {
        0 => String::new(),
        1 => ", despite its warning".to_string(),
        n => format!(", despite its {n} warnings"),
    };
    let question = format!("apply this plan to {stack} ({}){warned}?", summary(&plan));
    let change = Change::ApplyPlan { stack: stack.to_string(), change_set: change_set.clone() };
    if let Err(failure) = confirm(&question, yes) {
        let discard = Change::DiscardPlan { stack: stack.to_string(), change_set };
        session.gate.apply(platform, &discard, "not confirmed").await?;
        session.gate.record(change.action(), stack, &summary(&plan), &format!("refused: {}", failure.message()));
        return Err(failure);
    }
    let since_ms = platform.now().timestamp_millis() - 1_000;
    session.gate.apply(platform, &change, &summary(&plan)).await?;
    let mut out = text;
    if no_wait {
        out.push_str(&format!("{stack}: change set executing; follow it with `lakeops` (:stack)\n"));
        return Ok(out);
    }
    let mut progress = |line: String| crate::note!("{}", crate::model::text::sanitize(&line));
    let progress =
        session::stack::follow(session, platform, stack, since_ms, plan.changes.len(), &mut progress).await?;
    let ended = session::stack::end_of(stack, &progress);
    session.gate.record(change.action(), stack, &summary(&plan), &ended);
    out.push_str(&ended);
    out.push('\n');
    if !progress.succeeded() {
        return Err(Failure::Platform(out.trim_end().to_string()));
    }
    if let Some(now) = platform.stack(stack).await? {
        out.push_str(&outputs_text(&now));
    }
    Ok(out)
}

async fn delete(
    session: &Session,
    platform: &dyn Platform,
    stack: &str,
    kept: &str,
    yes: bool,
    no_wait: bool,
) -> Result<String, Failure> {
    let change = Change::DeleteStack { stack: stack.to_string() };
    session.gate.check(&change, "")?;
    let Some(existing) = platform.stack(stack).await? else {
        return Err(Failure::Invalid(format!("there is no stack {stack} to delete")));
    };
    let prompt = format!("This deletes every resource of {stack}; {kept}.\nType the stack name to confirm: ");
    confirm_by_name(&format!("deleting {stack}"), stack, &prompt, "nothing was deleted", yes).inspect_err(
        |refused| {
            session.gate.record(change.action(), stack, &existing.status, &format!("refused: {}", refused.message()))
        },
    )?;
    let since_ms = platform.now().timestamp_millis() - 1_000;
    session.gate.apply(platform, &change, &existing.status).await?;
    if no_wait {
        return Ok(format!("{stack}: deletion started\n"));
    }
    let mut progress = |line: String| crate::note!("{}", crate::model::text::sanitize(&line));
    let progress = session::stack::follow(session, platform, stack, since_ms, 0, &mut progress).await?;
    let ended = session::stack::end_of(stack, &progress);
    session.gate.record(change.action(), stack, &existing.status, &ended);
    if !progress.succeeded() {
        return Err(Failure::Platform(ended));
    }
    Ok(format!("{ended}\n{kept} (delete them yourself when sure)\n"))
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
    if drifted.is_empty() {
        return Ok(match json {
            true => "[]\n".into(),
            false => format!("{stack}: no drift: every resource is as the stack deployed it\n"),
        });
    }
    // A verdict for scripts, as `lakeops slo` gives one: the document, then exit 1.
    let message = format!("{stack}: {} resource(s) drifted from what the stack deployed", drifted.len());
    if json {
        return Err(Failure::Verdict {
            output: serde_json::to_string_pretty(&drifted).unwrap_or_default() + "\n",
            message,
        });
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
    Err(Failure::Verdict { output: out, message })
}
