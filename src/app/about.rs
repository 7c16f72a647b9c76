//! `:about`: which lakeops, where it points, and what this session costs on AWS: the meter. The
//! console's own reads come counted with each snapshot (the backend's usage ledger); what the
//! session started (Athena queries, reshards, enhanced monitoring) is counted here as its
//! answers come back.

use chrono::{DateTime, Utc};

use super::action::Effect;
use super::registry::{View, ViewSpec};
use super::state::App;
use crate::model::{CapacityMode, QueryStatus, ReshardCall, Usage};
use crate::ops::cost::{self, Line, Moment, MonitoringChange, Prices, QueryCost, ShardChange, Started};

pub const VIEW: &dyn View = &About;

struct About;

const SPEC: ViewSpec = ViewSpec { names: &["about", "cost"], title: "About", ..ViewSpec::NONE };

impl View for About {
    fn spec(&self) -> &'static ViewSpec {
        &SPEC
    }

    /// A snapshot carries the backend's usage so far: the meter takes it, whatever is on screen.
    fn housekeeping(&self, app: &mut App, _effects: &mut Vec<Effect>) {
        read_usage(app);
    }
}

/// What this session has cost so far, in the platform's time (the sandbox's model time, the wall
/// clock on AWS), as of `as_of_ms` after it opened: the meter moves only when something is
/// counted, so an idle console has nothing new to draw.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SessionMeter {
    pub usage: Usage,
    /// When the session opened: its first billed read, else its first snapshot.
    pub opened_at: Option<DateTime<Utc>>,
    pub as_of_ms: u64,
    /// What the session started, timed in milliseconds after it opened.
    pub started: Started,
}

impl SessionMeter {
    /// Milliseconds from the opening to `at` (0 before it).
    fn after_opening(&self, at: DateTime<Utc>) -> u64 {
        self.opened_at.map_or(0, |opened| (at - opened).num_milliseconds().max(0) as u64)
    }

    /// Something was counted at `at`: the meter stands as of then (never earlier).
    fn counted(&mut self, at: DateTime<Utc>) {
        self.as_of_ms = self.as_of_ms.max(self.after_opening(at));
    }
}

fn read_usage(app: &mut App) {
    let Some(snapshot) = &app.snapshot else { return };
    let meter = &mut app.meter;
    if meter.opened_at.is_none() {
        let first_read =
            DateTime::from_timestamp_millis(snapshot.usage.since_ms).filter(|_| snapshot.usage.since_ms > 0);
        meter.opened_at = Some(first_read.map_or(snapshot.taken_at, |read| read.min(snapshot.taken_at)));
    }
    if snapshot.usage != meter.usage {
        meter.usage = snapshot.usage;
        meter.counted(snapshot.taken_at);
    }
}

fn prices(app: &App) -> Prices {
    Prices::list(app.athena_rates.unwrap_or(cost::ATHENA_LIST))
}

/// The breakdown `:about` shows, as of the meter's latest count.
pub fn lines(app: &App) -> Vec<Line> {
    let at = Moment { elapsed_ms: app.meter.as_of_ms, refresh_ms: app.refresh_interval_ms };
    cost::breakdown(app.meter.usage, &app.meter.started, at, prices(app))
}

/// The header's "$0.14/h", once something billed was counted.
pub fn per_hour(app: &App) -> Option<String> {
    let meter = &app.meter;
    let counted = meter.usage != Usage::default() || meter.started != Started::default();
    counted.then(|| cost::per_hour_text(cost::total(&lines(app)).1))
}

/// A query this session ran has finished: what Athena billed for it, once.
pub fn query_finished(app: &mut App, status: &QueryStatus, sql: &str) {
    if app.meter.started.queries.iter().any(|q| q.id == status.id) {
        return;
    }
    let usd = crate::ops::athena::query_cost(status, sql, prices(app).athena);
    app.meter.started.queries.push(QueryCost { id: status.id.clone(), usd });
    let at = super::audit::reference_time(app);
    app.meter.counted(at);
}

/// The stream's open shards as last read: its detail's, else the overview's.
fn open_shards(app: &App, stream: &str) -> Option<(u32, CapacityMode)> {
    let detail = app.detail.as_ref().filter(|d| d.stream == stream).and_then(|d| d.facts.as_ref());
    if let Some(facts) = detail {
        return Some((facts.shards.iter().filter(|s| s.open).count() as u32, facts.mode));
    }
    let streams = app.snapshot.as_ref()?.streams.ready()?;
    streams.iter().find(|s| s.name == stream).map(|s| (s.open_shards, s.mode))
}

/// A reshard this session made was accepted at `at`: the provisioned shards it adds are billed
/// from then. A switch to on-demand ends the provisioned shards (on-demand's own billing is not
/// counted).
pub fn resharded(app: &mut App, stream: &str, call: &ReshardCall, at: DateTime<Utc>) {
    let Some((before, mode)) = open_shards(app, stream) else { return };
    let after = match call {
        _ if mode == CapacityMode::OnDemand => return,
        ReshardCall::UpdateShardCount { target } => *target,
        ReshardCall::SplitShard { .. } => before + 1,
        ReshardCall::MergeShards { .. } => before.saturating_sub(1),
        ReshardCall::UpdateStreamMode { mode: CapacityMode::OnDemand } => 0,
        ReshardCall::UpdateStreamMode { .. } => return,
    };
    let at_ms = app.meter.after_opening(at);
    let change = ShardChange { stream: stream.to_string(), at_ms, open_before: before, open_after: after };
    app.meter.started.reshards.push(change);
    app.meter.counted(at);
}

/// Enhanced monitoring was turned on or off by this session at `at`, on the stream's open shards.
pub fn monitoring_changed(app: &mut App, stream: &str, on: bool, at: DateTime<Utc>) {
    let shards = open_shards(app, stream).map_or(0, |(open, _)| open);
    let at_ms = app.meter.after_opening(at);
    app.meter.started.monitoring.push(MonitoringChange { stream: stream.to_string(), at_ms, on, shards });
    app.meter.counted(at);
}

#[cfg(test)]
mod tests {
    use super::super::tests::{answered, app, snapshot, snapshot_loaded};
    use super::*;
    use crate::app::{update, Action};
    use crate::model::{Applied, Change, PlatformSnapshot, QueryState};

    /// A snapshot taken `after_ms` after the example's, the first read made at the example's time.
    fn read(calls: u64, metrics: u64, after_ms: i64) -> PlatformSnapshot {
        let first = snapshot().taken_at;
        let since_ms = if calls > 0 { first.timestamp_millis() } else { 0 };
        PlatformSnapshot {
            taken_at: first + chrono::Duration::milliseconds(after_ms),
            usage: Usage { metric_data_calls: calls, metrics_requested: metrics, since_ms },
            ..snapshot()
        }
    }

    fn status(id: &str, state: QueryState, scanned: u64) -> QueryStatus {
        QueryStatus {
            id: id.into(),
            state,
            reason: None,
            scanned_bytes: Some(scanned),
            engine_ms: None,
            submitted: None,
            statement_type: None,
            error_category: None,
        }
    }

    #[test]
    fn each_refresh_brings_the_reads_so_far_and_an_idle_console_draws_nothing_new() {
        let mut app = app();
        assert_eq!(per_hour(&app), None, "nothing read yet, no figure");
        let mut quiet = super::super::tests::app();
        snapshot_loaded(&mut quiet, read(0, 0, 0), 0);
        assert!(quiet.meter.opened_at.is_some());
        assert_eq!(per_hour(&quiet), None, "nothing billed counted yet, no figure");
        // 50 metrics every 5 s: 36,000 an hour at $0.01 per 1,000.
        snapshot_loaded(&mut app, read(1, 50, 0), 0);
        assert_eq!(per_hour(&app).as_deref(), Some("$0.36/h"));
        assert_eq!(app.meter.opened_at, Some(snapshot().taken_at));
        app.dirty = false;
        update(&mut app, Action::Tick, 1_000);
        assert!(!app.dirty, "the meter moves with what is counted, not with time");
        assert_eq!(app.meter.as_of_ms, 0);
        update(&mut app, Action::Tick, 5_000);
        snapshot_loaded(&mut app, read(2, 100, 5_000), 5_000);
        assert_eq!((app.meter.usage.metrics_requested, app.meter.as_of_ms), (100, 5_000));
        assert_eq!(per_hour(&app).as_deref(), Some("$0.36/h"));
        let lines = lines(&app);
        assert_eq!(lines[0].count, "100 metrics in 2 calls");
        assert_eq!(lines[0].so_far_usd, 100.0 * 0.00001);
    }

    #[test]
    fn a_finished_query_is_counted_once_at_what_athena_billed() {
        let mut app = app();
        app.athena_rates = Some(crate::ops::athena::Rates { price_per_tb_usd: 10.0, minimum_billed_mb: 10 });
        let tb = 1_099_511_627_776;
        query_finished(&mut app, &status("q1", QueryState::Succeeded, tb), "SELECT * FROM events");
        query_finished(&mut app, &status("q1", QueryState::Succeeded, tb), "SELECT * FROM events");
        query_finished(&mut app, &status("q2", QueryState::Failed, tb), "SELECT 1");
        query_finished(&mut app, &status("q3", QueryState::Succeeded, 0), "SHOW TABLES");
        let costs: Vec<f64> = app.meter.started.queries.iter().map(|q| q.usd).collect();
        assert_eq!(costs, vec![10.0, 0.0, 0.0], "the profile's price; failed and DDL free");
        assert_eq!(lines(&app)[1].so_far_usd, 10.0);
    }

    #[test]
    fn an_accepted_reshard_adds_its_shards_and_a_refused_one_nothing() {
        let mut app = app();
        snapshot_loaded(&mut app, read(1, 20, 0), 0);
        let stream = "clickstream-events".to_string();
        let scale = Change::Reshard { stream: stream.clone(), call: ReshardCall::UpdateShardCount { target: 8 } };
        let refused = Err(crate::platform::PlatformError::failed("Kinesis", "LimitExceededException"));
        update(&mut app, answered(scale.clone(), refused), 1_000);
        assert!(app.meter.started.reshards.is_empty());
        update(&mut app, answered(scale, Ok(Applied::Done)), 1_000);
        let expected = ShardChange { stream: stream.clone(), at_ms: 0, open_before: 4, open_after: 8 };
        assert_eq!(app.meter.started.reshards, vec![expected]);
        assert_eq!(lines(&app)[2].per_hour_usd, 4.0 * 0.015);
        let on = Change::EnhancedMonitoring { stream, on: true };
        update(&mut app, answered(on, Ok(Applied::Done)), 2_000);
        assert_eq!(app.meter.started.monitoring.len(), 1);
        assert_eq!(app.meter.started.monitoring[0].shards, 4, "the open shards last read");
    }
}
