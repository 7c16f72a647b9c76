//! Resharding rules: every limit from AWS-FACTS.md is checked before any call is made, and
//! a refusal names the rule it applies.

pub use super::refusal::Refusal;
use crate::model::{CapacityMode, LastDay, ReshardCall, ShardInfo, StreamFacts};

use super::kinesis::{MAX_SHARDS_PER_STREAM, MODE_SWITCHES_PER_DAY, SCALINGS_PER_DAY, SHARD_WRITE_RECORDS_PER_SECOND};
/// The share of a shard's capacity the suggestion plans to use at peak.
pub const HEADROOM: f64 = 0.7;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReshardRequest {
    /// UpdateShardCount with UNIFORM_SCALING.
    ScaleTo(u32),
    /// SplitShard at the given hash key, or the midpoint of the shard's range.
    Split {
        shard: String,
        at: Option<u128>,
    },
    MergeShards {
        shard: String,
        adjacent: String,
    },
    SwitchMode(CapacityMode),
}

impl ReshardRequest {
    /// What was asked, in words, for the journal's line of a refusal: `to 0 shards`.
    pub fn asked(&self) -> String {
        match self {
            ReshardRequest::ScaleTo(target) => format!("to {target} shards"),
            ReshardRequest::Split { shard, at: Some(key) } => format!("split {shard} at hash key {key}"),
            ReshardRequest::Split { shard, at: None } => format!("split {shard} at its midpoint"),
            ReshardRequest::MergeShards { shard, adjacent } => format!("merge {shard} with {adjacent}"),
            ReshardRequest::SwitchMode(mode) => format!("switch to {}", mode.name()),
        }
    }

    /// The journal's name for the call this request makes (a refused request is journaled under it).
    pub fn action(&self) -> &'static str {
        let call = match self {
            ReshardRequest::ScaleTo(target) => ReshardCall::UpdateShardCount { target: *target },
            ReshardRequest::Split { shard, at } => {
                ReshardCall::SplitShard { shard: shard.clone(), new_starting_hash_key: at.unwrap_or_default() }
            }
            ReshardRequest::MergeShards { shard, adjacent } => {
                ReshardCall::MergeShards { shard: shard.clone(), adjacent: adjacent.clone() }
            }
            ReshardRequest::SwitchMode(mode) => ReshardCall::UpdateStreamMode { mode: *mode },
        };
        call.action()
    }
}

fn open_shard<'a>(facts: &'a StreamFacts, id: &str) -> Result<&'a ShardInfo, Refusal> {
    match facts.shards.iter().find(|s| s.id == id) {
        Some(s) if s.open => Ok(s),
        Some(_) => {
            Err(Refusal::invalid("open shard", format!("{id} is closed (resharded earlier); pick an open shard")))
        }
        None => {
            let open: Vec<&str> = facts.open().map(|s| s.id.as_str()).collect();
            Err(Refusal::invalid(
                "open shard",
                format!("{} has no shard {id}; open shards: {}", facts.name, open.join(", ")),
            ))
        }
    }
}

/// A checked change and what it will do.
#[derive(Debug, Clone, PartialEq)]
pub struct ReshardPlan {
    pub stream: String,
    pub request: ReshardRequest,
    pub open_before: u32,
    pub open_after: u32,
    /// For a split: the new starting hash key.
    pub split_key: Option<u128>,
    /// Records/s per shard at the peak demand, after the change, when the shards share it evenly
    /// (a uniform scaling; a switch back to provisioned).
    pub peak_load_per_shard_after: Option<f64>,
    /// The most records/s throttled in a minute of the last 3 hours, when any were.
    pub throttled: Option<f64>,
    /// The busiest open shard and its records/s now (shard-level metrics on).
    pub busiest: Option<(String, f64)>,
    /// Records/s now of the shard a split acts on, or of the two a merge does (shard-level
    /// metrics on): an average hides a hot shard.
    pub acted_on_load: Option<f64>,
    /// Shard-hours a day, before and after (what provisioned streams are billed by).
    pub shard_hours_per_day: (u32, u32),
    /// The API call that will be made.
    pub call: ReshardCall,
}

impl ReshardPlan {
    /// The plan in words, as the dialog and `--dry-run` show it.
    pub fn describe(&self) -> Vec<String> {
        let mut lines = vec![format!("{} on {}", self.call.named(), self.stream)];
        lines.push(format!("open shards: {} → {}", self.open_before, self.open_after));
        if let Some(key) = self.split_key {
            lines.push(format!("new starting hash key: {key}"));
        }
        let rate = |r: f64| super::format::thousands(r);
        if let Some(load) = self.peak_load_per_shard_after {
            lines.push(format!(
                "at the peak demand each shard takes {} records/s ({} of its 1,000/s) if the keys are spread",
                rate(load),
                super::format::percent(load / SHARD_WRITE_RECORDS_PER_SECOND)
            ));
        }
        if let Some(throttled) = self.throttled.filter(|_| self.open_after < self.open_before) {
            lines.push(format!(
                "⚠ writes were throttled in the last 3 h (up to {} records/s): fewer shards throttle more",
                rate(throttled)
            ));
        }
        let switching_back = matches!(self.call, ReshardCall::UpdateStreamMode { mode: CapacityMode::Provisioned });
        if let Some((shard, load)) =
            self.busiest.as_ref().filter(|(_, l)| switching_back && *l > SHARD_WRITE_RECORDS_PER_SECOND)
        {
            lines.push(format!(
                "⚠ {shard} takes {} records/s now, over a shard's 1,000/s: it throttles once provisioned",
                rate(*load)
            ));
        }
        match (&self.call, self.acted_on_load) {
            // The stream's average says nothing of one shard.
            (ReshardCall::SplitShard { shard, .. }, None) => lines.push(format!(
                "what {shard} takes is not known: shard-level metrics are off (the stream view's `e` turns them on)"
            )),
            (ReshardCall::MergeShards { shard, adjacent }, None) => lines.push(format!(
                "what {shard} and {adjacent} take is not known: shard-level metrics are off (the stream view's `e` turns them on)"
            )),
            (ReshardCall::SplitShard { shard, .. }, Some(load)) => lines.push(format!(
                "{shard} takes {} records/s now: each child about {} if its keys are spread{}",
                rate(load),
                rate(load / 2.0),
                if load > SHARD_WRITE_RECORDS_PER_SECOND * HEADROOM {
                    "; one hot partition key stays whole on one child (a key gets at most 1,000/s)"
                } else {
                    ""
                }
            )),
            (ReshardCall::MergeShards { .. }, Some(load)) => lines.push(format!(
                "the merged shard takes {} records/s ({} of its 1,000/s){}",
                super::format::thousands(load),
                super::format::percent(load / SHARD_WRITE_RECORDS_PER_SECOND),
                if load > SHARD_WRITE_RECORDS_PER_SECOND { ": writes over that are throttled" } else { "" }
            )),
            _ => {}
        }
        let (before, after) = self.shard_hours_per_day;
        let hours = |h: u32| super::format::thousands(h as f64);
        match &self.call {
            // An on-demand stream is billed by the stream-hour and the GB, not by its shards.
            ReshardCall::UpdateStreamMode { mode: CapacityMode::OnDemand } => lines.push(format!(
                "cost: {} shard-hours a day → on-demand, billed per stream-hour and per GB written and read",
                hours(before)
            )),
            ReshardCall::UpdateStreamMode { .. } => lines.push(format!(
                "cost: on-demand, billed per stream-hour and per GB → {} shard-hours a day",
                hours(after)
            )),
            _ if before != after => lines.push(format!("cost: {} → {} shard-hours a day", hours(before), hours(after))),
            _ => {}
        }
        lines
    }
}

/// Shards needed for `peak` records/s at [`HEADROOM`] of each shard's capacity.
pub fn suggested_shards(peak: f64) -> u32 {
    ((peak / (SHARD_WRITE_RECORDS_PER_SECOND * HEADROOM)).ceil() as u32).max(1)
}

/// What a stream's per-minute sums of the last hours say of its writes, in records/s: the most
/// written in a minute, the most offered (written and throttled), the most throttled. Both
/// backends fill [`StreamFacts`] with it.
pub struct WritePeaks {
    pub written: Option<f64>,
    pub demand: Option<f64>,
    pub throttled: Option<f64>,
}

/// [`WritePeaks`] of `written` and `throttled`, per-minute sums aligned minute by minute.
pub fn write_peaks(written: &[f64], throttled: &[f64]) -> WritePeaks {
    let most = |sums: &[f64]| sums.iter().map(|v| v / 60.0).reduce(f64::max);
    WritePeaks { written: most(written), demand: peak_demand(written, throttled), throttled: most(throttled) }
}

/// The most records/s offered in a minute: `written[i] + throttled[i]` (per-minute sums, aligned).
pub fn peak_demand(written: &[f64], throttled: &[f64]) -> Option<f64> {
    let offered = written.iter().zip(throttled.iter().chain(std::iter::repeat(&0.0))).map(|(w, t)| (w + t) / 60.0);
    offered.reduce(f64::max)
}

/// The peak to size for: what producers offered (written and throttled), else what was written.
fn sizing_peak(facts: &StreamFacts) -> Option<f64> {
    match (facts.peak_demand_per_second, facts.peak_records_per_second) {
        (Some(demand), Some(written)) => Some(demand.max(written)),
        (demand, written) => demand.or(written),
    }
}

/// Records/s throttled at the peak, when producers offered more than the stream wrote.
fn throttled_at_peak(facts: &StreamFacts) -> Option<f64> {
    let throttled = facts.peak_demand_per_second? - facts.peak_records_per_second.unwrap_or(0.0);
    (throttled >= 1.0).then_some(throttled)
}

/// The most records/s throttled in a minute of the last 3 hours, when any were: at the peak, or in
/// a quieter minute on a hot shard. Fewer shards would throttle more.
pub fn throttled(facts: &StreamFacts) -> Option<f64> {
    let most = facts.most_throttled_per_second.into_iter().chain(throttled_at_peak(facts)).reduce(f64::max)?;
    (most > 0.0).then_some(most)
}

/// The shard count to suggest, from the peak demand.
pub fn suggested(facts: &StreamFacts) -> Option<u32> {
    sizing_peak(facts).map(suggested_shards)
}

/// "peak 3,400 records/s needs 5 shards at 70 % headroom", or, when the stream was at capacity,
/// "peak demand 4,450 records/s (4,000 written, 450 throttled) needs 7 shards …": the written
/// peak alone is capped by the shards there are.
pub fn suggestion(facts: &StreamFacts) -> Option<String> {
    let peak = sizing_peak(facts)?;
    let thousands = super::format::thousands;
    let said = match throttled_at_peak(facts) {
        Some(t) => format!(
            "peak demand {} records/s ({} written, {} throttled)",
            thousands(peak),
            thousands(peak - t),
            thousands(t)
        ),
        None => format!("peak {} records/s", thousands(peak)),
    };
    Some(format!("{said} needs {} shards at {} headroom", suggested_shards(peak), super::format::percent(HEADROOM)))
}

/// Checks `request` against every rule; the plan, or the first rule it breaks.
pub fn plan(facts: &StreamFacts, request: &ReshardRequest) -> Result<ReshardPlan, Refusal> {
    if facts.status != "ACTIVE" {
        return Err(Refusal::safety(
            "stream ACTIVE",
            format!(
                "{} is {}; resharding needs it ACTIVE — wait for the current change to finish",
                facts.name, facts.status
            ),
        ));
    }
    let open = facts.open_count();
    let (open_after, split_key, call) = match request {
        ReshardRequest::ScaleTo(target) => {
            let target = check_scale(facts, open, *target)?;
            (target, None, ReshardCall::UpdateShardCount { target })
        }
        ReshardRequest::Split { shard, at } => {
            let key = check_split(facts, shard, *at)?;
            (open + 1, Some(key), ReshardCall::SplitShard { shard: shard.clone(), new_starting_hash_key: key })
        }
        ReshardRequest::MergeShards { shard, adjacent } => {
            check_merge(facts, shard, adjacent)?;
            (open - 1, None, ReshardCall::MergeShards { shard: shard.clone(), adjacent: adjacent.clone() })
        }
        ReshardRequest::SwitchMode(mode) => {
            check_switch(facts, *mode)?;
            (open, None, ReshardCall::UpdateStreamMode { mode: *mode })
        }
    };
    if open_after > open {
        check_account_limit(facts, open_after - open)?;
    }
    let billed = |n: u32, mode: CapacityMode| if mode == CapacityMode::Provisioned { n * 24 } else { 0 };
    let mode_after = match request {
        ReshardRequest::SwitchMode(m) => *m,
        _ => facts.mode,
    };
    Ok(ReshardPlan {
        stream: facts.name.clone(),
        request: request.clone(),
        open_before: open,
        open_after,
        split_key,
        peak_load_per_shard_after: match request {
            ReshardRequest::ScaleTo(_) | ReshardRequest::SwitchMode(CapacityMode::Provisioned) => {
                sizing_peak(facts).map(|p| p / open_after.max(1) as f64)
            }
            _ => None,
        },
        throttled: throttled(facts),
        busiest: facts
            .open()
            .filter_map(|s| Some((s.id.clone(), s.incoming_per_second?)))
            .max_by(|a, b| a.1.total_cmp(&b.1)),
        acted_on_load: acted_on_load(facts, request),
        shard_hours_per_day: (billed(open, facts.mode), billed(open_after, mode_after)),
        call,
    })
}

fn acted_on_load(facts: &StreamFacts, request: &ReshardRequest) -> Option<f64> {
    let load = |id: &str| facts.shards.iter().find(|s| s.id == id).and_then(|s| s.incoming_per_second);
    match request {
        ReshardRequest::Split { shard, .. } => load(shard),
        ReshardRequest::MergeShards { shard, adjacent } => Some(load(shard)? + load(adjacent)?),
        ReshardRequest::ScaleTo(_) | ReshardRequest::SwitchMode(_) => None,
    }
}

fn require_provisioned(facts: &StreamFacts, what: &str) -> Result<(), Refusal> {
    if facts.mode == CapacityMode::OnDemand {
        return Err(Refusal::invalid(
            "provisioned mode only",
            format!("{what} works on provisioned streams; {} is on-demand and scales by itself (switch it to provisioned first)", facts.name),
        ));
    }
    Ok(())
}

fn check_scale(facts: &StreamFacts, open: u32, target: u32) -> Result<u32, Refusal> {
    require_provisioned(facts, "UpdateShardCount")?;
    if target == 0 {
        return Err(Refusal::invalid("target between half and double", "a stream needs at least one shard".into()));
    }
    if target == open {
        return Err(Refusal::invalid("a change", format!("{} already has {open} open shards", facts.name)));
    }
    let low = open.div_ceil(2);
    let high = open.saturating_mul(2);
    if target < low || target > high {
        return Err(Refusal::invalid(
            "target between half and double",
            format!("from {open} open shards UpdateShardCount can go to {low}–{high}, not {target}; scale in steps"),
        ));
    }
    if target > MAX_SHARDS_PER_STREAM {
        return Err(Refusal::invalid("10,000 shards per stream", format!("{target} is over the per-stream maximum")));
    }
    if let Some(at) = facts.scalings_last_day.under_limit_at(SCALINGS_PER_DAY) {
        return Err(Refusal::safety(
            "10 scalings per rolling 24 h",
            format!(
                "{} was scaled {} times in the last 24 hours; AWS allows {SCALINGS_PER_DAY}: the next scaling {}",
                facts.name,
                facts.scalings_last_day.count(),
                allowed_at(&facts.scalings_last_day, at)
            ),
        ));
    }
    Ok(target)
}

fn check_split(facts: &StreamFacts, shard: &str, at: Option<u128>) -> Result<u128, Refusal> {
    require_provisioned(facts, "SplitShard")?;
    let s = open_shard(facts, shard)?;
    if s.end == s.start {
        return Err(Refusal::invalid(
            "split key strictly inside the range",
            format!("{shard} covers a single hash key"),
        ));
    }
    let key = at.unwrap_or(s.start + (s.end - s.start) / 2 + 1);
    if key <= s.start || key > s.end {
        return Err(Refusal::invalid(
            "split key strictly inside the range",
            format!(
                "{key} is not inside {shard}'s range {}..={}; the new starting key must be above {} and at most {}",
                s.start, s.end, s.start, s.end
            ),
        ));
    }
    Ok(key)
}

fn check_merge(facts: &StreamFacts, a: &str, b: &str) -> Result<(), Refusal> {
    require_provisioned(facts, "MergeShards")?;
    if a == b {
        return Err(Refusal::invalid("adjacent open shards", "a shard cannot be merged with itself".into()));
    }
    let (x, y) = (open_shard(facts, a)?, open_shard(facts, b)?);
    let adjacent = x.end.checked_add(1) == Some(y.start) || y.end.checked_add(1) == Some(x.start);
    if !adjacent {
        return Err(Refusal::invalid(
            "adjacent open shards",
            format!("{a} and {b} are not adjacent: their hash-key ranges do not touch; merge neighbours only"),
        ));
    }
    Ok(())
}

fn check_switch(facts: &StreamFacts, mode: CapacityMode) -> Result<(), Refusal> {
    if facts.mode == mode {
        return Err(Refusal::invalid("a change", format!("{} is already {}", facts.name, mode.name())));
    }
    if let Some(at) = facts.mode_switches_last_day.under_limit_at(MODE_SWITCHES_PER_DAY) {
        return Err(Refusal::safety(
            "2 mode switches per 24 h",
            format!(
                "{} switched capacity mode {} times in the last 24 hours; AWS allows {MODE_SWITCHES_PER_DAY}: the next switch {}",
                facts.name,
                facts.mode_switches_last_day.count(),
                allowed_at(&facts.mode_switches_last_day, at)
            ),
        ));
    }
    Ok(())
}

/// "is allowed at 2026-03-20 14:32:05 UTC (in 3.2 h), when the oldest of them is a day old": an on-call
/// operator's next question after a refusal by a daily limit.
fn allowed_at(day: &LastDay, at: i64) -> String {
    let when = chrono::DateTime::from_timestamp(at, 0)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
        .unwrap_or_else(|| format!("{at} (epoch seconds)"));
    let wait = super::format::millis((at - day.now()) as f64 * 1_000.0);
    format!("is allowed at {when} (in {wait}), when the oldest of them is a day old")
}

fn check_account_limit(facts: &StreamFacts, added: u32) -> Result<(), Refusal> {
    if let (Some(limit), Some(used)) = (facts.account_shard_limit, facts.account_open_shards) {
        if used + added > limit {
            return Err(Refusal::safety(
                "account shard quota",
                format!("the account has {used} of {limit} shards open; {added} more would exceed the quota (ask AWS for more)"),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
