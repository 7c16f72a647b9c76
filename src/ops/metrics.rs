//! Per-minute CloudWatch series held between refreshes, so each refresh asks only for the
//! minutes it does not hold (plus the last few again, for datapoints that arrive late).

use std::collections::{BTreeMap, HashMap};

/// Re-read this much of what is held: Lambda and others publish minutes late.
pub const LATE_SECONDS: i64 = 5 * 60;
/// A series seen for the first time is read this far back (the overview's trend).
pub const HISTORY_SECONDS: i64 = 3 * 60 * 60;
/// Points older than this are dropped.
const KEEP_SECONDS: i64 = 3 * 60 * 60 + 60;
/// The newest value may be this old before it counts as missing.
const FRESH_SECONDS: i64 = 3 * 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stat {
    Sum,
    Average,
    Maximum,
    Minimum,
    /// The 99th percentile (an extended statistic).
    P99,
}

impl Stat {
    pub fn as_str(self) -> &'static str {
        match self {
            Stat::Sum => "Sum",
            Stat::Average => "Average",
            Stat::Maximum => "Maximum",
            Stat::Minimum => "Minimum",
            Stat::P99 => "p99",
        }
    }
}

/// One metric of one resource at a one-minute period.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SeriesKey {
    pub namespace: &'static str,
    pub metric: &'static str,
    pub dimension: &'static str,
    pub value: String,
    /// Further dimensions, in order: a Kinesis shard (`ShardId` beside `StreamName`), an
    /// OpenSearch domain's `ClientId`, an MSK consumer group's `Consumer Group` and `Topic`.
    pub more: Vec<(&'static str, String)>,
    pub stat: Stat,
}

impl SeriesKey {
    pub fn new(
        namespace: &'static str,
        metric: &'static str,
        dimension: &'static str,
        value: &str,
        stat: Stat,
    ) -> Self {
        SeriesKey { namespace, metric, dimension, value: value.to_string(), more: Vec::new(), stat }
    }

    /// The key with one more dimension.
    pub fn with(mut self, dimension: &'static str, value: &str) -> Self {
        self.more.push((dimension, value.to_string()));
        self
    }

    /// The value of dimension `name` (the first or a further one).
    pub fn dimension_value(&self, name: &str) -> Option<&str> {
        if self.dimension == name {
            return Some(&self.value);
        }
        self.more.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str())
    }
}

/// The time range of one GetMetricData call, epoch seconds, whole minutes, end exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub start: i64,
    pub end: i64,
}

#[derive(Debug, Default, Clone)]
struct Series {
    points: BTreeMap<i64, f64>,
    read_until: Option<i64>,
}

#[derive(Debug, Default, Clone)]
pub struct MetricStore {
    series: HashMap<SeriesKey, Series>,
}

pub fn floor_minute(epoch_s: i64) -> i64 {
    epoch_s - epoch_s.rem_euclid(60)
}

impl MetricStore {
    /// The one window that covers what every key is missing: up to the last complete
    /// minute, from the earliest minute some key does not hold yet (less the late margin).
    pub fn plan(&self, keys: &[SeriesKey], now_s: i64) -> Window {
        let end = floor_minute(now_s);
        let oldest = end - HISTORY_SECONDS;
        let start = keys
            .iter()
            .map(|k| match self.series.get(k).and_then(|s| s.read_until) {
                Some(until) => (until - LATE_SECONDS).max(oldest),
                None => oldest,
            })
            .min()
            .unwrap_or(end - LATE_SECONDS);
        Window { start: start.min(end - 60), end }
    }

    /// Stores what a call returned for `key` over `window` (late datapoints replace earlier ones).
    pub fn record(&mut self, key: &SeriesKey, window: Window, points: impl IntoIterator<Item = (i64, f64)>) {
        let series = self.series.entry(key.clone()).or_default();
        for (t, v) in points {
            series.points.insert(floor_minute(t), v);
        }
        series.read_until = Some(series.read_until.map_or(window.end, |u| u.max(window.end)));
        let cutoff = window.end - KEEP_SECONDS;
        series.points = series.points.split_off(&cutoff);
    }

    /// The newest complete minute's value, if one arrived in the last few minutes. A minute
    /// not published yet is not a zero: the one before it stands in.
    pub fn latest(&self, key: &SeriesKey, now_s: i64) -> Option<f64> {
        self.latest_within(key, now_s, FRESH_SECONDS)
    }

    /// The newest value of the last `seconds` before now: for series a service sends less often
    /// than a minute (EMR's every 5 minutes).
    pub fn latest_within(&self, key: &SeriesKey, now_s: i64, seconds: i64) -> Option<f64> {
        let end = floor_minute(now_s);
        let points = &self.series.get(key)?.points;
        points.range(end - seconds..end).next_back().map(|(_, v)| *v)
    }

    /// The sum of the last `minutes` minutes before now (a count over a window: CloudWatch omits
    /// empty minutes, so none held is 0); `None` when the series was never read.
    pub fn sum_since(&self, key: &SeriesKey, now_s: i64, minutes: i64) -> Option<f64> {
        let end = floor_minute(now_s);
        let points = &self.series.get(key)?.points;
        Some(points.range(end - minutes * 60..end).map(|(_, v)| *v).sum())
    }

    /// The value at the minute `minutes_ago` minutes before the newest one held.
    pub fn earlier(&self, key: &SeriesKey, now_s: i64, minutes_ago: i64) -> Option<f64> {
        let end = floor_minute(now_s);
        let points = &self.series.get(key)?.points;
        let (newest, _) = points.range(..end).next_back()?;
        points.get(&(newest - minutes_ago * 60)).copied()
    }

    /// One value a minute for the last `minutes` minutes up to the newest held; a minute
    /// without a datapoint reads as zero (CloudWatch omits empty minutes of a sum).
    pub fn history(&self, key: &SeriesKey, now_s: i64, minutes: i64) -> Vec<f64> {
        let end = floor_minute(now_s);
        let Some(series) = self.series.get(key) else { return Vec::new() };
        let Some((newest, _)) = series.points.range(..end).next_back() else { return Vec::new() };
        (0..minutes).rev().map(|i| series.points.get(&(newest - i * 60)).copied().unwrap_or(0.0)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> SeriesKey {
        SeriesKey::new("AWS/Kinesis", "IncomingRecords", "StreamName", "s", Stat::Sum)
    }

    #[test]
    fn first_read_asks_an_hour_then_only_the_new_minutes() {
        let mut store = MetricStore::default();
        let now = 1_800_000_030;
        let w = store.plan(&[key()], now);
        assert_eq!(w, Window { start: 1_800_000_000 - HISTORY_SECONDS, end: 1_800_000_000 });
        store.record(&key(), w, [(1_799_999_940, 60.0)]);
        let later = store.plan(&[key()], now + 120);
        assert_eq!(later, Window { start: 1_800_000_000 - LATE_SECONDS, end: 1_800_000_120 });
    }

    #[test]
    fn a_late_minute_is_not_a_drop_to_zero() {
        let mut store = MetricStore::default();
        let now = 1_800_000_030;
        let w = Window { start: now - 630, end: floor_minute(now) };
        // The newest minute (…940) has not arrived; the one before stands in.
        store.record(&key(), w, [(1_799_999_820, 120.0), (1_799_999_880, 180.0)]);
        assert_eq!(store.latest(&key(), now), Some(180.0));
        // A late datapoint replaces the stand-in on the next read.
        store.record(&key(), w, [(1_799_999_940, 240.0)]);
        assert_eq!(store.latest(&key(), now), Some(240.0));
        assert_eq!(store.earlier(&key(), now, 2), Some(120.0));
        assert_eq!(store.history(&key(), now, 3), vec![120.0, 180.0, 240.0]);
    }

    #[test]
    fn sparse_gauges_and_counts_are_read_up_to_now() {
        let mut store = MetricStore::default();
        let now = 1_800_000_030;
        // A gauge sent every 5 minutes: its last value is 8 minutes old.
        store.record(&key(), Window { start: now - 3600, end: floor_minute(now) }, [(now - 510, 3.0)]);
        assert_eq!(store.latest(&key(), now), None, "older than a per-minute series may be");
        assert_eq!(store.latest_within(&key(), now, 10 * 60), Some(3.0));
        // Counts of the last hour, anchored at now: an old count is not in it.
        assert_eq!(store.sum_since(&key(), now, 60), Some(3.0));
        assert_eq!(store.sum_since(&key(), now + 2 * 3600, 60), Some(0.0));
        let other = SeriesKey::new("AWS/States", "ExecutionsFailed", "StateMachineArn", "a", Stat::Sum);
        assert_eq!(store.sum_since(&other, now, 60), None, "never read");
    }

    #[test]
    fn stale_series_read_as_missing() {
        let mut store = MetricStore::default();
        store.record(&key(), Window { start: 0, end: 600 }, [(60, 1.0)]);
        assert_eq!(store.latest(&key(), 10_000), None);
    }
}
