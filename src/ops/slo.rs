//! Freshness objectives per dataset (`[slo]`): each dataset's last update against the profile's
//! objective, its state, and its error budget over the window. The one place these rules live:
//! `:slo`, the overview (through `health::with_objectives`) and `lakeops slo` read them.
//!
//! A dataset's *lag* at a moment is how old the newest data it then held was: the time since the
//! `holds_until` of its newest update before that moment. The lag is known from the dataset's
//! update history ([`UpdateHistory`]); where the history may miss updates, the lag is known only
//! between bounds, and a moment whose bounds do not settle the objective counts as unknown.
//!
//! - **met**: the lag is within the objective now and the budget is not spent;
//! - **burning**: the lag is beyond the objective now: the error budget is being spent;
//! - **broken**: the budget over the window is spent (the objective was missed longer than the
//!   target allows), whether or not it is met again now;
//! - **unknown**: the lag now cannot be told (never read, or the history does not reach it).
//!
//! Budget remaining = 1 − time broken / (window × (1 − target)).

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::model::text::sanitize;
use crate::model::{Health, Layer, LayerHealth, PlatformSnapshot, Reading, UpdateHistory};
use crate::settings::Slo;

/// An objective's state, best first (the list sorts worst first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    Met,
    Unknown,
    /// Met now, but what feeds the dataset is failing: it falls behind while that lasts.
    AtRisk,
    Burning,
    Broken,
}

impl State {
    pub fn label(self) -> &'static str {
        match self {
            State::Met => "met",
            State::Unknown => "unknown",
            State::AtRisk => "at risk",
            State::Burning => "burning",
            State::Broken => "broken",
        }
    }

    /// How the overview colours it.
    pub fn health(self) -> Health {
        match self {
            State::Met => Health::Ok,
            State::Unknown => Health::Unknown,
            State::AtRisk | State::Burning => Health::Warn,
            State::Broken => Health::Critical,
        }
    }
}

/// The lag at a moment, in seconds: at least `at_least`, at most `at_most` (equal when known
/// exactly; `None`: no upper bound is known).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Lag {
    pub at_least_seconds: i64,
    pub at_most_seconds: Option<i64>,
}

impl Lag {
    pub fn exact(&self) -> Option<i64> {
        self.at_most_seconds.filter(|m| *m == self.at_least_seconds)
    }

    /// "14 min", "over 3.0 h", "up to 40 min".
    pub fn text(&self) -> String {
        match (self.exact(), self.at_most_seconds) {
            (Some(s), _) => seconds(s),
            (None, Some(most)) if self.at_least_seconds == 0 => format!("≤ {}", seconds(most)),
            (None, Some(most)) => format!("{}–{}", seconds(self.at_least_seconds), seconds(most)),
            (None, None) if self.at_least_seconds > 0 => format!("> {}", seconds(self.at_least_seconds)),
            (None, None) => "?".into(),
        }
    }
}

/// How the window was spent: seconds met, broken and not known, and the seconds the target allows
/// to be broken.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Budget {
    pub window_seconds: i64,
    pub met_seconds: i64,
    pub broken_seconds: i64,
    pub unknown_seconds: i64,
    /// window × (1 − target).
    pub allowed_seconds: f64,
    /// 1 − broken / allowed, when the history covers the window; `None` when it does not.
    pub remaining: Option<f64>,
    /// 1 − broken / allowed over what is known: the most that can be left.
    pub remaining_at_most: f64,
    /// The share of the window the objective was met, when the history covers the window.
    pub met_share: Option<f64>,
}

impl Budget {
    pub fn new(window_seconds: i64, target: f64, spent: Spent) -> Budget {
        // To the millisecond: 86,400 × (1 − 0.99) is 864, not 864.0000000000008.
        let allowed_seconds = (window_seconds as f64 * (1.0 - target) * 1000.0).round() / 1000.0;
        let left = 1.0 - spent.broken_ms as f64 / 1000.0 / allowed_seconds.max(f64::MIN_POSITIVE);
        let covered = spent.unknown_ms == 0;
        Budget {
            window_seconds,
            met_seconds: spent.met_ms / 1000,
            broken_seconds: spent.broken_ms / 1000,
            unknown_seconds: spent.unknown_ms.div_euclid(1000) + i64::from(spent.unknown_ms % 1000 != 0),
            allowed_seconds,
            remaining: covered.then_some(left),
            remaining_at_most: left,
            met_share: covered.then(|| spent.met_ms as f64 / (window_seconds.max(1) * 1000) as f64),
        }
    }

    /// Broken longer than the target allows, over the window.
    pub fn spent(&self) -> bool {
        self.remaining_at_most <= 0.0
    }

    /// "62 %", "≤ 80 %" (the history does not cover the window), "0 %" when spent.
    pub fn text(&self) -> String {
        let pct = |v: f64| format!("{:.0} %", (v.max(0.0) * 100.0).floor());
        match self.remaining {
            Some(left) => pct(left),
            None if self.spent() => pct(0.0),
            None => format!("≤ {}", pct(self.remaining_at_most)),
        }
    }
}

/// Milliseconds of a span in which the objective was met, broken, or cannot be told.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Spent {
    pub met_ms: i64,
    pub broken_ms: i64,
    pub unknown_ms: i64,
}

/// One objective as it stands.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Objective {
    /// "raw", "curated" or "spice".
    pub kind: &'static str,
    pub dataset: String,
    /// The overview's layer the dataset belongs to.
    pub layer: Layer,
    pub last_update: Option<DateTime<Utc>>,
    pub lag: Option<Lag>,
    pub objective_seconds: i64,
    pub state: State,
    pub reason: String,
    pub budget: Option<Budget>,
    /// More about the dataset (the curated table's partition for today).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// A lag or an objective as people say it: "45 s", "14 min", "90 min", "4 h", "2.5 h", "3.5 d".
pub fn seconds(s: i64) -> String {
    let s = s.max(0);
    let hours = s as f64 / 3600.0;
    if s < 60 {
        format!("{s} s")
    } else if s < 3 * 3600 {
        format!("{} min", (s as f64 / 60.0).round())
    } else if s < 72 * 3600 {
        if (hours * 10.0).round() % 10.0 == 0.0 {
            format!("{hours:.0} h")
        } else {
            format!("{hours:.1} h")
        }
    } else {
        format!("{:.1} d", hours / 24.0)
    }
}

/// Every objective of `slo` against the snapshot, worst first (broken, burning, unknown, met;
/// then the least budget left). `database` is the catalog database the curated table is in.
pub fn assess(slo: &Slo, snapshot: &PlatformSnapshot, database: &str) -> Vec<Objective> {
    let now = snapshot.taken_at;
    let mut out = Vec::new();
    if let Some(objective) = slo.raw {
        let (dataset, history) = match &snapshot.lake {
            Reading::Ready { data } => (
                format!("raw zone s3://{}", sanitize(&data.raw_bucket)),
                Ok(UpdateHistory::newest_only(data.last_raw_write)),
            ),
            other => ("raw zone".to_string(), Err(not_read("the lake", other))),
        };
        out.push(judge("raw", dataset, Layer::Lake, history, objective, slo, now));
    }
    if let Some(objective) = slo.curated {
        let dataset = format!("curated {}.events", sanitize(database));
        let history = match &snapshot.glue {
            Reading::Ready { data } => Ok(data.curated_writes.clone()),
            other => Err(not_read("the curate job's runs", other)),
        };
        let mut judged = judge("curated", dataset, Layer::Lake, history, objective, slo, now);
        if let (Reading::Ready { data }, true) = (&snapshot.glue, judged.lag.is_some()) {
            judged.detail = todays_partition(&data.curated_writes, now);
        }
        out.push(judged);
    }
    match &snapshot.quicksight {
        Reading::Ready { data } => {
            for dataset in &data.datasets {
                let Some(objective) = slo.spice_objective(&dataset.id) else { continue };
                let name = format!("SPICE {}", sanitize(&dataset.id));
                let history = if dataset.exists {
                    Ok(spice_history(dataset))
                } else {
                    Err("QuickSight has no such dataset".to_string())
                };
                out.push(judge("spice", name, Layer::Quicksight, history, objective, slo, now));
            }
        }
        other if slo.spice.is_some() || !slo.spice_datasets.is_empty() => {
            let history = Err(not_read("QuickSight", other));
            let objective = slo.spice.or(slo.spice_datasets.first().map(|(_, s)| *s)).unwrap_or_default();
            out.push(judge("spice", "SPICE datasets".into(), Layer::Quicksight, history, objective, slo, now));
        }
        _ => {}
    }
    out.sort_by(|a, b| {
        b.state.cmp(&a.state).then_with(|| {
            let left = |o: &Objective| o.budget.as_ref().map_or(f64::MAX, |b| b.remaining_at_most);
            left(a).total_cmp(&left(b))
        })
    });
    out
}

/// The layer whose work updates an objective's dataset: the lake's writers fill the raw zone, the
/// curate job (Glue) writes the curated table, QuickSight refreshes its SPICE datasets.
fn fed_by(kind: &str) -> Layer {
    match kind {
        "raw" => Layer::Lake,
        "curated" => Layer::Glue,
        _ => Layer::Quicksight,
    }
}

/// Every objective judged, worst first, with what the overview knows now: an objective met now
/// whose dataset's feed fails (its feeding layer is critical, or lies downstream of a critical
/// layer: [`crate::ops::impact`]) is *at risk*, with when it passes its objective if the feed
/// stays down. The budget is spent only once the lag is beyond the objective (burning); this says
/// so an hour earlier, within a refresh of the failure. `:slo`, the overview, `lakeops slo` and
/// `lakeops status` all judge by it.
pub fn judge_all(slo: &Slo, snapshot: &PlatformSnapshot, database: &str, layers: &[LayerHealth]) -> Vec<Objective> {
    let mut objectives = assess(slo, snapshot, database);
    let hit = crate::ops::impact::impacts(layers, snapshot);
    for o in objectives.iter_mut().filter(|o| o.state == State::Met) {
        let feed = fed_by(o.kind);
        let failing = layers.iter().find(|l| l.layer == feed && l.health == Health::Critical).map(|l| l.layer);
        // The nearest failing layer upstream: the one to fix first.
        let upstream = hit.iter().filter(|i| i.layer == feed).min_by_key(|i| i.path.len()).map(|i| i.caused_by);
        // The raw zone and a SPICE dataset measure their newest update (an object landed, a
        // refresh done), which a failure upstream does not stop (a consumer failing a third of its
        // batches, a failing curate job): at risk from one only once they fall behind, half-way
        // to the objective. The curated table measures how late its data is, which one makes late.
        let lag = o.lag.as_ref().and_then(Lag::exact);
        let behind = lag.is_some_and(|lag| lag * 2 >= o.objective_seconds);
        let upstream = upstream.filter(|_| o.kind == "curated" || behind);
        // Its own layer in trouble too (a SPICE dataset whose refreshes fail, WARN): that one is
        // named, the nearest to fix.
        let own_trouble = layers.iter().find(|l| l.layer == feed && l.health >= Health::Warn).map(|l| l.layer);
        let Some(cause) = failing.or(upstream.and(own_trouble).or(upstream)) else { continue };
        let when = match lag {
            Some(lag) => format!("{} behind in {}", seconds(o.objective_seconds), seconds(o.objective_seconds - lag)),
            None => format!("{} behind", seconds(o.objective_seconds)),
        };
        o.state = State::AtRisk;
        o.reason = format!("{} is failing: if it stays down, {when} · {}", cause.title(), o.reason);
    }
    objectives.sort_by_key(|o| std::cmp::Reverse(o.state));
    objectives
}

/// The worst state of `objectives`, if any.
pub fn worst(objectives: &[Objective]) -> Option<State> {
    objectives.iter().map(|o| o.state).max()
}

fn not_read<T>(what: &str, reading: &Reading<T>) -> String {
    match reading {
        Reading::Unavailable { reason } => format!("{what} could not be read: {}", sanitize(reason)),
        _ => format!("{what} is not part of this platform's profile"),
    }
}

/// A SPICE dataset's completed refreshes: each ends `seconds` after it was created and holds the
/// source as it stood when it began. The list is complete from its oldest refresh on.
fn spice_history(dataset: &crate::model::SpiceDataset) -> UpdateHistory {
    let mut updates: Vec<crate::model::DatasetUpdate> = dataset
        .ingestions
        .iter()
        .filter(|i| i.status == "COMPLETED")
        .filter_map(|i| {
            let created = i.created?;
            let at = created + chrono::Duration::seconds(i.seconds.unwrap_or(0).max(0));
            Some(crate::model::DatasetUpdate { at, holds_until: created })
        })
        .collect();
    updates.sort_by_key(|u| u.at);
    UpdateHistory { updates, complete_since: dataset.ingestions.iter().filter_map(|i| i.created).min() }
}

/// Today's partition (UTC) of the curated table, as the newest curated data says it.
fn todays_partition(history: &UpdateHistory, now: DateTime<Utc>) -> Option<String> {
    let holds = history.updates.iter().filter(|u| u.at <= now).map(|u| u.holds_until).max()?;
    let today = now.format("year=%Y/month=%m/day=%d");
    Some(if holds.date_naive() == now.date_naive() {
        format!("today's partition {today} holds events up to {} UTC", holds.format("%H:%M"))
    } else {
        format!(
            "today's partition {today} is not written yet: the newest curated events are from {} UTC",
            holds.format("%Y-%m-%d %H:%M")
        )
    })
}

fn judge(
    kind: &'static str,
    dataset: String,
    layer: Layer,
    history: Result<UpdateHistory, String>,
    objective: i64,
    slo: &Slo,
    now: DateTime<Utc>,
) -> Objective {
    let unknown = |reason: String| Objective {
        kind,
        dataset: dataset.clone(),
        layer,
        last_update: None,
        lag: None,
        objective_seconds: objective,
        state: State::Unknown,
        reason,
        budget: None,
        detail: None,
    };
    let history = match history {
        Ok(history) => history,
        Err(reason) => return unknown(reason),
    };
    if history.complete_since.is_none() && history.updates.is_empty() {
        return unknown("no update of it has been read".into());
    }
    let known = Known::new(&history);
    let now_ms = now.timestamp_millis();
    let lag = known.lag_at(now_ms);
    let window_ms = slo.window_seconds * 1000;
    let spent = known.spend(objective * 1000, now_ms - window_ms, now_ms);
    let budget = Budget::new(slo.window_seconds, slo.target, spent);
    let last_update = history.updates.iter().filter(|u| u.at <= now).map(|u| u.at).max();
    let goal = seconds(objective);
    let broken_for = seconds(budget.broken_seconds);
    let window = format!("{} h", slo.window_seconds / 3600);
    let allowed = seconds(budget.allowed_seconds as i64);
    let lag_text = lag.text();
    let (state, reason) = if budget.spent() {
        let now_too = if lag.at_least_seconds > objective {
            format!("{lag_text} behind now")
        } else if lag.at_most_seconds.is_some_and(|m| m <= objective) {
            format!("met again now ({lag_text} behind)")
        } else {
            "now not known".into()
        };
        (
            State::Broken,
            format!(
                "error budget spent: more than {goal} behind for {broken_for} of the last {window} ({allowed} allowed); {now_too}"
            ),
        )
    } else if lag.at_least_seconds > objective {
        (
            State::Burning,
            format!("{lag_text} behind, objective {goal}: the error budget burns ({} left)", budget.text()),
        )
    } else if lag.at_most_seconds.is_some_and(|m| m <= objective) {
        (State::Met, format!("{lag_text} behind, within {goal}"))
    } else {
        let since = history.complete_since.map(|c| format!(" since {} UTC", c.format("%Y-%m-%d %H:%M")));
        (
            State::Unknown,
            match last_update {
                None => format!("no update read{}: the lag now cannot be told", since.unwrap_or_default()),
                Some(_) => format!(
                    "the history read{} may miss updates: the lag now ({lag_text}) cannot be told against {goal}",
                    since.unwrap_or_default()
                ),
            },
        )
    };
    Objective {
        kind,
        dataset,
        layer,
        last_update,
        lag: Some(lag),
        objective_seconds: objective,
        state,
        reason,
        budget: Some(budget),
        detail: None,
    }
}

/// A history in epoch milliseconds, each update holding at least what the one before held.
#[derive(Debug, Clone, PartialEq)]
pub struct Known {
    /// (at, holds_until), by `at`.
    updates: Vec<(i64, i64)>,
    complete_since: Option<i64>,
}

impl Known {
    pub fn new(history: &UpdateHistory) -> Known {
        let mut updates: Vec<(i64, i64)> = history
            .updates
            .iter()
            .map(|u| (u.at.timestamp_millis(), u.holds_until.timestamp_millis().min(u.at.timestamp_millis())))
            .collect();
        updates.sort();
        let mut newest = i64::MIN;
        for u in &mut updates {
            newest = newest.max(u.1);
            u.1 = newest;
        }
        Known { updates, complete_since: history.complete_since.map(|c| c.timestamp_millis()) }
    }

    /// From raw parts, for tests.
    pub fn from_millis(updates: &[(i64, i64)], complete_since: Option<i64>) -> Known {
        let history = UpdateHistory {
            updates: updates
                .iter()
                .map(|(at, holds)| crate::model::DatasetUpdate {
                    at: DateTime::from_timestamp_millis(*at).unwrap_or_default(),
                    holds_until: DateTime::from_timestamp_millis(*holds).unwrap_or_default(),
                })
                .collect(),
            complete_since: complete_since.and_then(DateTime::from_timestamp_millis),
        };
        Known::new(&history)
    }

    /// The bounds of the lag from `t` on, until the next update or the history's completeness
    /// changes: lag(t) ≥ t − `lower` (`None`: only ≥ 0) and lag(t) ≤ t − `upper` (`None`: no bound).
    fn anchors(&self, t: i64) -> (Option<i64>, Option<i64>) {
        let latest = self.updates.iter().rev().find(|(at, _)| *at <= t).copied();
        let covered = self.complete_since.is_some_and(|c| c <= t);
        match (latest, covered) {
            // Every update since the latest is listed: the lag is known.
            (Some((at, holds)), true) if Some(at) >= self.complete_since => (Some(holds), Some(holds)),
            // Updates may be missing before the list is complete, none after: the newest one
            // landed before `complete_since`, and held at least what the latest listed did.
            (latest, true) => (self.complete_since, latest.map(|(_, holds)| holds)),
            // Updates may be missing up to `t`.
            (latest, false) => (None, latest.map(|(_, holds)| holds)),
        }
    }

    /// The lag at `t`, in seconds.
    pub fn lag_at(&self, t: i64) -> Lag {
        let (lower, upper) = self.anchors(t);
        let secs = |ms: i64| ms.max(0) / 1000;
        Lag { at_least_seconds: lower.map_or(0, |l| secs(t - l)), at_most_seconds: upper.map(|u| secs(t - u)) }
    }

    /// How `[from, to)` was spent against an objective of `objective_ms`.
    pub fn spend(&self, objective_ms: i64, from: i64, to: i64) -> Spent {
        if to <= from {
            return Spent::default();
        }
        let mut cuts: Vec<i64> = vec![from, to];
        cuts.extend(self.updates.iter().map(|(at, _)| *at).filter(|at| *at > from && *at < to));
        cuts.extend(self.complete_since.filter(|c| *c > from && *c < to));
        cuts.sort_unstable();
        cuts.dedup();
        let (mut met, mut broken, mut unknown) = (0i64, 0i64, 0i64);
        for pair in cuts.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            let (lower, upper) = self.anchors(a);
            // Met while t − upper ≤ objective; broken once t − lower > objective.
            let met_here = upper.map_or(0, |u| (b.min(u + objective_ms) - a).clamp(0, b - a));
            let broken_here = lower.map_or(0, |l| (b - a.max(l + objective_ms)).clamp(0, b - a));
            let broken_here = broken_here.min(b - a - met_here);
            met += met_here;
            broken += broken_here;
            unknown += b - a - met_here - broken_here;
        }
        Spent { met_ms: met, broken_ms: broken, unknown_ms: unknown }
    }
}

#[cfg(test)]
#[path = "tests_slo.rs"]
mod tests;
