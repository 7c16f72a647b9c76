//! `lakeops reshard STREAM (--to N | --split SHARD [--at KEY] | --merge A B | --mode M)`:
//! the plan is checked against every rule before any call; then confirm, call, and follow the
//! stream from UPDATING back to ACTIVE.

use super::confirm::{ask, Confirmation};
use super::Failure;
use crate::cli::ReshardArgs;
use crate::model::{Change, ReshardCall, StreamFacts};
use crate::ops::reshard::{plan, suggestion, ReshardPlan, ReshardRequest};
use crate::ops::shard_map;
use crate::platform::Platform;
use crate::session::{self, Session};
use crate::settings::{Loaded, Paths};

pub fn request(args: &ReshardArgs) -> ReshardRequest {
    if let Some(n) = args.to {
        ReshardRequest::ScaleTo(n)
    } else if let Some(shard) = &args.split {
        ReshardRequest::Split { shard: shard.clone(), at: args.at }
    } else if let Some(pair) = args.merge.as_ref().filter(|p| p.len() == 2) {
        ReshardRequest::MergeShards { shard: pair[0].clone(), adjacent: pair[1].clone() }
    } else {
        // clap's group makes one of the four required; the mode is what is left.
        ReshardRequest::SwitchMode(args.mode.map(Into::into).unwrap_or(crate::model::CapacityMode::Provisioned))
    }
}

pub async fn run(
    loaded: &Loaded,
    paths: &Paths,
    platform: &dyn Platform,
    args: &ReshardArgs,
) -> Result<String, Failure> {
    let session = Session::headless(loaded, paths, platform);
    let stream = args.stream.as_str();
    let facts = session::reshard::stream_facts(&session, platform, stream).await?.ok_or_else(|| {
        Failure::Invalid(format!(
            "no stream named {stream:?} in {} {}",
            platform.info().backend,
            platform.info().location
        ))
    })?;
    for warning in &facts.warnings {
        crate::note!("lakeops: warning: {}", crate::model::text::sanitize(&warning.to_string()));
    }
    let request = request(args);
    let plan = match plan(&facts, &request) {
        Ok(plan) => plan,
        Err(refusal) => {
            // A dry run only asked for a plan: nothing was refused that lakeops was to do.
            if !args.dry_run {
                session.gate.record(request.action(), stream, &request.asked(), &refusal.outcome());
            }
            return Err(refusal.into());
        }
    };
    let mut out = render_plan(&plan, &facts);
    if args.dry_run {
        out.push_str("dry run: nothing was changed\n");
        return Ok(out);
    }
    let detail = plan.describe().join("; ");
    let change = Change::Reshard { stream: stream.to_string(), call: plan.call.clone() };
    let question = format!("Make this change to {stream}");
    ask(&session, &change, &detail, &out, Confirmation::Question(&question), args.yes)?;
    let applied = session::reshard::apply(&session, platform, &plan).await?;
    if let Some(confirmation) = applied.confirmation() {
        out.push_str(&format!("{}: {confirmation}\n", plan.call.api_name()));
    }
    if args.no_wait {
        out.push_str(&format!("{} accepted; {stream} is UPDATING (not waiting: --no-wait)\n", plan.call.api_name()));
        return Ok(out);
    }
    let facts = session::reshard::follow_until_active(&session, platform, stream, &mut |line| {
        crate::note!("{}", crate::model::text::sanitize(&line))
    })
    .await?;
    out.push_str(&format!("{stream} is ACTIVE with {} open shards\n\n", facts.open_count()));
    out.push_str(&shard_map::render_text(&facts));
    Ok(out)
}

fn render_plan(plan: &ReshardPlan, facts: &StreamFacts) -> String {
    let mut out = String::from("plan:\n");
    for line in plan.describe() {
        out.push_str(&format!("  {line}\n"));
    }
    if let (ReshardCall::UpdateShardCount { .. }, Some(suggestion)) = (&plan.call, suggestion(facts)) {
        out.push_str(&format!("  suggestion: {suggestion}\n"));
    }
    out
}
