//! The freshness rules: the lag from an update history, the budget over the window (property
//! tests against a second-by-second count), the states and their order.

use chrono::{DateTime, TimeZone, Utc};
use proptest::prelude::*;

use super::*;
use crate::model::{DatasetUpdate, GlueStatus, LakeStatus, PlatformSnapshot, Reading};

const S: i64 = 1000;
const MIN: i64 = 60 * S;

/// Second by second, at each second's middle: met, broken, unknown as the bounds say there.
fn counted(known: &Known, objective_ms: i64, from: i64, to: i64) -> (i64, i64, i64) {
    let (mut met, mut broken, mut unknown) = (0, 0, 0);
    let mut t = from;
    while t < to {
        let middle = t + S / 2;
        let (lower, upper) = known.anchors(middle);
        if upper.is_some_and(|u| middle - u <= objective_ms) {
            met += 1;
        } else if lower.is_some_and(|l| middle - l > objective_ms) {
            broken += 1;
        } else {
            unknown += 1;
        }
        t += S;
    }
    (met, broken, unknown)
}

fn history() -> impl Strategy<Value = (Vec<(i64, i64)>, Option<i64>)> {
    let update = (0i64..20_000, 0i64..3_000).prop_map(|(at, late)| (at * S, (at - late) * S));
    (prop::collection::vec(update, 0..12), prop::option::of((0i64..20_000).prop_map(|c| c * S)))
}

proptest! {
    #[test]
    fn the_window_is_spent_exactly_as_counted_second_by_second(
        (updates, complete) in history(),
        objective in 1i64..5_000,
        from in 0i64..15_000,
        length in 1i64..10_000,
    ) {
        let known = Known::from_millis(&updates, complete);
        let (from, to) = (from * S, (from + length) * S);
        let spent = known.spend(objective * S, from, to);
        prop_assert_eq!(spent.met_ms + spent.broken_ms + spent.unknown_ms, to - from);
        let (met, broken, unknown) = counted(&known, objective * S, from, to);
        prop_assert_eq!((spent.met_ms / S, spent.broken_ms / S, spent.unknown_ms / S), (met, broken, unknown));
    }

    #[test]
    fn a_history_complete_over_the_window_leaves_nothing_unknown(
        (updates, _) in history(),
        objective in 1i64..5_000,
        length in 1i64..10_000,
    ) {
        // An update at 0 and the list complete from it: every moment after is known.
        let mut updates = updates;
        updates.push((0, 0));
        let known = Known::from_millis(&updates, Some(0));
        let spent = known.spend(objective * S, 20_000 * S, (20_000 + length) * S);
        prop_assert_eq!(spent.unknown_ms, 0);
        let budget = Budget::new(length, 0.99, spent);
        prop_assert!(budget.remaining.is_some());
        prop_assert!(budget.met_share.is_some_and(|m| (0.0..=1.0).contains(&m)));
    }

    #[test]
    fn a_looser_objective_is_met_longer_and_broken_shorter(
        (updates, complete) in history(),
        objective in 1i64..5_000,
        looser in 0i64..5_000,
    ) {
        let known = Known::from_millis(&updates, complete);
        let tight = known.spend(objective * S, 5_000 * S, 25_000 * S);
        let loose = known.spend((objective + looser) * S, 5_000 * S, 25_000 * S);
        prop_assert!(loose.met_ms >= tight.met_ms);
        prop_assert!(loose.broken_ms <= tight.broken_ms);
    }

    #[test]
    fn the_budget_left_is_one_less_the_broken_share_of_what_the_target_allows(
        broken in 0i64..86_400,
        target in 0.5f64..0.999,
    ) {
        let window = 86_400;
        let spent = Spent { met_ms: (window - broken) * S, broken_ms: broken * S, unknown_ms: 0 };
        let budget = Budget::new(window, target, spent);
        // What the target allows, to the millisecond.
        let allowed = budget.allowed_seconds;
        prop_assert!((allowed - window as f64 * (1.0 - target)).abs() <= 0.0005);
        let left = budget.remaining.unwrap();
        prop_assert!((left - (1.0 - broken as f64 / allowed)).abs() < 1e-9);
        prop_assert!(left <= 1.0);
        prop_assert_eq!(budget.spent(), broken as f64 >= allowed);
        // What is not known can only leave less than the most that can be left.
        let unknown = Budget::new(window, target, Spent { unknown_ms: S, met_ms: spent.met_ms - S, ..spent });
        prop_assert!(unknown.remaining.is_none());
        prop_assert!((unknown.remaining_at_most - left).abs() < 1e-9);
    }
}

#[test]
fn hourly_runs_meet_ninety_minutes_and_a_gap_breaks_it_for_what_exceeds_it() {
    // Runs end at :05 each hour holding the raw zone up to :00; the 10:05 and 11:05 ones failed.
    let hour = 60 * MIN;
    let runs: Vec<(i64, i64)> =
        (0..24).filter(|h| *h != 10 && *h != 11).map(|h| (h * hour + 5 * MIN, h * hour)).collect();
    let known = Known::from_millis(&runs, Some(0));
    let spent = known.spend(90 * MIN, hour, 24 * hour);
    // After 09:05 (holding 09:00) the lag passes 90 min at 10:30 and the 12:05 run ends it.
    assert_eq!(spent.broken_ms, 95 * MIN);
    assert_eq!(spent.unknown_ms, 0);
    assert_eq!(known.lag_at(12 * hour), Lag { at_least_seconds: 3 * 3600, at_most_seconds: Some(3 * 3600) });
}

#[test]
fn a_history_that_may_miss_updates_bounds_the_lag() {
    // Only the newest write known (the raw zone): before it nothing, after it exactly.
    let known = Known::from_millis(&[(100 * MIN, 100 * MIN)], Some(100 * MIN));
    assert_eq!(known.lag_at(50 * MIN), Lag { at_least_seconds: 0, at_most_seconds: None });
    assert_eq!(known.lag_at(130 * MIN).exact(), Some(30 * 60));
    // Runs listed from 10:00 on, the latest before that at 09:00: between the two.
    let known = Known::from_millis(&[(540 * MIN, 540 * MIN)], Some(600 * MIN));
    let lag = known.lag_at(660 * MIN);
    assert_eq!((lag.at_least_seconds, lag.at_most_seconds), (60 * 60, Some(120 * 60)));
    assert_eq!(lag.text(), "60 min–120 min");
    assert_eq!(
        (seconds(600), seconds(5400), seconds(4 * 3600), seconds(9000 * 2), seconds(93_600)),
        ("10 min".into(), "90 min".into(), "4 h".into(), "5 h".into(), "26 h".into())
    );
}

fn at(h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 20, h, m, 0).unwrap()
}

fn slo() -> Slo {
    Slo {
        window_seconds: 24 * 3600,
        target: 0.99,
        raw: Some(600),
        curated: Some(90 * 60),
        spice: None,
        spice_datasets: Vec::new(),
        origin: "test".into(),
    }
}

fn lake(last_write: DateTime<Utc>) -> LakeStatus {
    LakeStatus {
        raw_bucket: "raw-bucket".into(),
        curated_bucket: "curated-bucket".into(),
        raw_bytes: 0,
        raw_objects: 0,
        curated_bytes: 0,
        curated_objects: 0,
        last_raw_write: Some(last_write),
        dlq_messages: 0,
    }
}

fn glue(writes: Vec<DatasetUpdate>, complete_since: DateTime<Utc>) -> GlueStatus {
    GlueStatus {
        curated_writes: UpdateHistory { updates: writes, complete_since: Some(complete_since) },
        ..GlueStatus::example()
    }
}

/// Hourly curate runs from midnight the day before, ending at :05, the last `missing` failed.
fn hourly(missing: i64) -> Vec<DatasetUpdate> {
    let start = at(0, 0) - chrono::Duration::hours(24);
    (0..34 - missing)
        .map(|h| {
            let began = start + chrono::Duration::hours(h);
            DatasetUpdate { at: began + chrono::Duration::minutes(5), holds_until: began }
        })
        .collect()
}

#[test]
fn each_objective_is_judged_and_the_worst_comes_first() {
    let mut snapshot = PlatformSnapshot::example();
    snapshot.lake = Reading::Ready { data: lake(at(9, 58)) };
    snapshot.glue = Reading::Ready { data: glue(hourly(0), at(0, 0) - chrono::Duration::hours(24)) };
    let objectives = assess(&slo(), &snapshot, "clickstream");
    let states: Vec<(&str, State)> = objectives.iter().map(|o| (o.kind, o.state)).collect();
    assert_eq!(states, [("raw", State::Met), ("curated", State::Met)]);
    let curated = &objectives[1];
    assert_eq!(curated.dataset, "curated clickstream.events");
    assert_eq!(curated.lag.unwrap().exact(), Some(60 * 60));
    assert_eq!(curated.budget.as_ref().unwrap().remaining, Some(1.0));
    assert_eq!(
        curated.detail.as_deref(),
        Some("today's partition year=2026/month=03/day=20 holds events up to 09:00 UTC")
    );
    // The raw zone's history before its newest object is not known: its budget is a bound.
    let raw = &objectives[0];
    assert_eq!(raw.budget.as_ref().unwrap().remaining, None);
    assert_eq!(raw.budget.as_ref().unwrap().text(), "≤ 100 %");

    // Three runs failed: the newest holds 06:00, 4 h behind now, over 90 min since 07:30.
    snapshot.glue = Reading::Ready { data: glue(hourly(3), at(0, 0) - chrono::Duration::hours(24)) };
    let objectives = assess(&slo(), &snapshot, "clickstream");
    assert_eq!((objectives[0].kind, objectives[0].state), ("curated", State::Broken));
    assert_eq!(
        objectives[0].reason,
        "error budget spent: more than 90 min behind for 150 min of the last 24 h (14 min allowed); 4 h behind now"
    );

    // One failed: 2 h behind, over the objective for 30 min (of 14.4 allowed): spent too. With a
    // looser target the budget burns instead.
    snapshot.glue = Reading::Ready { data: glue(hourly(1), at(0, 0) - chrono::Duration::hours(24)) };
    let loose = Slo { target: 0.95, ..slo() };
    let curated = assess(&loose, &snapshot, "clickstream").remove(0);
    assert_eq!(curated.state, State::Burning, "{}", curated.reason);
    assert_eq!(curated.reason, "120 min behind, objective 90 min: the error budget burns (58 % left)");
}

#[test]
fn what_cannot_be_read_is_unknown_with_why() {
    let mut snapshot = PlatformSnapshot::example();
    snapshot.glue = Reading::unavailable("AccessDeniedException: not allowed");
    snapshot.lake = Reading::Ready { data: LakeStatus { last_raw_write: None, ..lake(at(9, 0)) } };
    let objectives = assess(&slo(), &snapshot, "clickstream");
    assert!(objectives.iter().all(|o| o.state == State::Unknown));
    let curated = objectives.iter().find(|o| o.kind == "curated").unwrap();
    assert_eq!(curated.reason, "the curate job's runs could not be read: AccessDeniedException: not allowed");
    let raw = objectives.iter().find(|o| o.kind == "raw").unwrap();
    assert_eq!(raw.reason, "no update of it has been read");
}

#[test]
fn a_spice_dataset_takes_its_own_objective_and_its_refreshes_are_its_history() {
    use crate::model::{Ingestion, QuicksightStatus, SpiceDataset};
    let ingestion = |h: u32, status: &str| Ingestion {
        id: format!("i{h}"),
        status: status.into(),
        created: Some(at(h, 30)),
        seconds: Some(300),
        rows_ingested: None,
        rows_dropped: None,
        error_type: None,
        error_message: None,
        manual: false,
    };
    let dataset = |id: &str| SpiceDataset {
        id: id.into(),
        exists: true,
        ingestions: vec![ingestion(9, "FAILED"), ingestion(8, "FAILED"), ingestion(7, "COMPLETED")],
    };
    let mut snapshot = PlatformSnapshot::example();
    snapshot.quicksight = Reading::Ready {
        data: QuicksightStatus { datasets: vec![dataset("sessions"), dataset("funnel")], refresh_within_hours: 2 },
    };
    let slo = Slo {
        raw: None,
        curated: None,
        spice: Some(26 * 3600),
        spice_datasets: vec![("funnel".into(), 2 * 3600)],
        ..slo()
    };
    let objectives = assess(&slo, &snapshot, "clickstream");
    let states: Vec<(&str, State)> = objectives.iter().map(|o| (o.dataset.as_str(), o.state)).collect();
    // 07:30's refresh holds 07:30: at 10:00 2.5 h behind, over 2 h since 09:30 (30 min).
    assert_eq!(states, [("SPICE funnel", State::Broken), ("SPICE sessions", State::Met)]);
    assert_eq!(objectives[0].last_update, Some(at(7, 35)));
}
