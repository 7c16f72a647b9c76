//! `lakeops reshard STREAM (--to N | --split SHARD [--at KEY] | --merge A B | --mode M)`:
//! the plan is checked against every rule before any call; then confirm, call, and follow the
//! stream from UPDATING back to ACTIVE.

use std::time::{Duration, Instant};

use super::confirm::{confirm, refuse_readonly};
use super::{record, Failure};
use crate::cli::ReshardArgs;
use crate::journal::Journal;
use crate::model::{ReshardCall, StreamFacts};
use crate::ops::reshard::{plan, suggestion, ReshardPlan, ReshardRequest};
use crate::ops::shard_map;
use crate::platform::Platform;
use crate::settings::{Backend, Loaded, Paths};

/// How long to follow a change before giving up waiting (the change itself goes on).
const WAIT_LIMIT: Duration = Duration::from_secs(30 * 60);

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
    let journal = Journal::new(paths.journal_file());
    let stream = args.stream.as_str();
    let mut facts = platform.stream_facts(stream).await?.ok_or_else(|| {
        Failure::Invalid(format!(
            "no stream named {stream:?} in {} {}",
            platform.info().backend,
            platform.info().location
        ))
    })?;
    for warning in &facts.warnings {
        eprintln!("lakeops: warning: {warning}");
    }
    count_recent_changes(&journal, &loaded.profile, &mut facts);
    let request = request(args);
    let plan = match plan(&facts, &request) {
        Ok(plan) => plan,
        Err(refusal) => {
            let failure = Failure::from(refusal.clone());
            record(&journal, loaded, &describe_request(&request), stream, "", &format!("refused: {}", refusal.text()))?;
            return Err(failure);
        }
    };
    let mut out = render_plan(&plan, &facts);
    if args.dry_run {
        out.push_str("dry run: nothing was changed\n");
        return Ok(out);
    }
    let detail = plan.describe().join("; ");
    let action = plan.call.action();
    if let Err(e) = refuse_readonly(loaded.settings.console.readonly, "resharding").and_then(|_| {
        if !args.yes {
            eprint!("{out}");
        }
        confirm(&format!("Make this change to {stream}"), args.yes)
    }) {
        record(&journal, loaded, action, stream, &detail, &format!("refused: {}", e.message()))?;
        return Err(e);
    }
    if let Err(e) = platform.reshard(stream, &plan.call).await {
        record(&journal, loaded, action, stream, &detail, &format!("failed: {e}"))?;
        return Err(e.into());
    }
    record(&journal, loaded, action, stream, &detail, "done")?;
    if args.no_wait {
        out.push_str(&format!("{} accepted; {stream} is UPDATING (not waiting: --no-wait)\n", plan.call.api_name()));
        return Ok(out);
    }
    let facts = wait_until_active(loaded, platform, stream).await?;
    out.push_str(&format!("{stream} is ACTIVE with {} open shards\n\n", facts.open_count()));
    out.push_str(&shard_map::render_text(&facts));
    Ok(out)
}

fn describe_request(request: &ReshardRequest) -> String {
    match request {
        ReshardRequest::ScaleTo(_) => "reshard.update-shard-count",
        ReshardRequest::Split { .. } => "reshard.split-shard",
        ReshardRequest::MergeShards { .. } => "reshard.merge-shards",
        ReshardRequest::SwitchMode(_) => "reshard.update-stream-mode",
    }
    .to_string()
}

fn render_plan(plan: &ReshardPlan, facts: &StreamFacts) -> String {
    let mut out = String::from("plan:\n");
    for line in plan.describe() {
        out.push_str(&format!("  {line}\n"));
    }
    if let (ReshardCall::UpdateShardCount { .. }, Some(peak)) = (&plan.call, facts.peak_records_per_second) {
        out.push_str(&format!("  suggestion: {}\n", suggestion(peak)));
    }
    out
}

/// Scalings and mode switches in the last 24 h: the platform's count (CloudTrail, the
/// sandbox's trail) or the local journal's, whichever saw more.
pub fn count_recent_changes(journal: &Journal, profile: &str, facts: &mut StreamFacts) {
    let (scalings, switches) = journal.recent_changes(profile, &facts.name);
    facts.scalings_last_day = facts.scalings_last_day.max(scalings);
    facts.mode_switches_last_day = facts.mode_switches_last_day.max(switches);
}

async fn wait_until_active(loaded: &Loaded, platform: &dyn Platform, stream: &str) -> Result<StreamFacts, Failure> {
    // DescribeStreamSummary is 20 TPS per account, shared with every other tool: poll gently.
    let every = match loaded.settings.backend {
        Backend::Aws => Duration::from_secs(5),
        Backend::Sandbox => Duration::from_millis(500),
    };
    let started = Instant::now();
    loop {
        let facts =
            platform.stream_facts(stream).await?.ok_or_else(|| Failure::Platform(format!("{stream} disappeared")))?;
        if facts.status == "ACTIVE" {
            return Ok(facts);
        }
        eprintln!("{stream} is {} ({} s)", facts.status, started.elapsed().as_secs());
        if started.elapsed() > WAIT_LIMIT {
            return Err(Failure::Platform(format!(
                "{stream} is still {} after 30 minutes; the change goes on without us",
                facts.status
            )));
        }
        tokio::time::sleep(every).await;
    }
}
