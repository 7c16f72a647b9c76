//! What this session costs on AWS: the console's own billed reads and what it started (Athena
//! queries, shards added by a reshard, enhanced monitoring turned on), so far and per hour.
//!
//! Prices are AWS's us-east-1 list prices (other regions differ by a few per cent):
//! - CloudWatch GetMetricData: $0.01 per 1,000 metrics requested, never in the free tier
//!   (<https://aws.amazon.com/cloudwatch/pricing/>, "API requests"; AWS-FACTS.md: unconfirmed).
//! - Kinesis Data Streams, provisioned: $0.015 per shard-hour
//!   (<https://aws.amazon.com/kinesis/data-streams/pricing/>).
//! - Kinesis enhanced (shard-level) monitoring: CloudWatch bills each shard-level metric as a
//!   custom metric, $0.30 a metric-month (730 hours) in the first tier, prorated by the hour;
//!   ShardLevelMetrics=ALL is seven metrics per shard.
//! - Athena: the profile's `[platform.athena]` price (list: $5 per TB scanned, rounded up to the
//!   MB, 10 MB minimum per query, DDL free), with `athena::query_cost`.

use super::athena::Rates;
use super::format::thousands;
use crate::model::Usage;

/// Athena's list price, for a console whose profile does not say its own.
pub const ATHENA_LIST: Rates = Rates { price_per_tb_usd: 5.0, minimum_billed_mb: 10 };

const MS_PER_HOUR: f64 = 3_600_000.0;
/// Hours in the month CloudWatch prorates a metric over.
const HOURS_PER_MONTH: f64 = 730.0;
/// The shard-level metrics EnableEnhancedMonitoring turns on with ALL.
const SHARD_LEVEL_METRICS: f64 = 7.0;

/// The prices the meter multiplies by, in US dollars.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Prices {
    /// One metric asked for in a GetMetricData request.
    pub metric_requested: f64,
    /// One provisioned shard for an hour.
    pub shard_hour: f64,
    /// One shard's shard-level metrics for an hour.
    pub monitored_shard_hour: f64,
    pub athena: Rates,
}

impl Prices {
    /// us-east-1 list prices, Athena's from the profile.
    pub fn list(athena: Rates) -> Prices {
        Prices {
            metric_requested: 0.01 / 1_000.0,
            shard_hour: 0.015,
            monitored_shard_hour: SHARD_LEVEL_METRICS * 0.30 / HOURS_PER_MONTH,
            athena,
        }
    }
}

/// A reshard lakeops made: the stream's open provisioned shards before and after, from `at_ms`
/// (the console's clock).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShardChange {
    pub stream: String,
    pub at_ms: u64,
    pub open_before: u32,
    pub open_after: u32,
}

/// Enhanced monitoring lakeops turned on (or off again) on a stream of `shards` open shards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonitoringChange {
    pub stream: String,
    pub at_ms: u64,
    pub on: bool,
    pub shards: u32,
}

/// An Athena query this session ran, with what it was billed.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryCost {
    pub id: String,
    pub usd: f64,
}

/// What the session started that AWS bills.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Started {
    pub queries: Vec<QueryCost>,
    pub reshards: Vec<ShardChange>,
    pub monitoring: Vec<MonitoringChange>,
}

/// One row of the breakdown.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub item: &'static str,
    /// How much of it, in its unit: "12,480 metrics in 416 calls".
    pub count: String,
    pub unit_price: String,
    pub so_far_usd: f64,
    pub per_hour_usd: f64,
}

/// The session at one moment: `elapsed_ms` since it opened; `refresh_ms` is the refresh
/// interval, the time each read serves until the next.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Moment {
    pub elapsed_ms: u64,
    pub refresh_ms: u64,
}

impl Moment {
    /// A cost paid once, spread over the session: its reads serve until the next refresh, so a
    /// steady refresh gives the same rate from the first read on.
    fn hourly(self, so_far: f64) -> f64 {
        let hours = (self.elapsed_ms + self.refresh_ms.max(1)) as f64 / MS_PER_HOUR;
        so_far / hours
    }
}

/// Every item the meter counts, in the order `:about` lists them (zero rows included, so the
/// table says what is counted).
pub fn breakdown(usage: Usage, started: &Started, at: Moment, prices: Prices) -> Vec<Line> {
    let metrics = usage.metrics_requested as f64 * prices.metric_requested;
    let queries: f64 = started.queries.iter().map(|q| q.usd.max(0.0)).sum();
    let (shard_hours, shards_now) = added_shard_hours(&started.reshards, at.elapsed_ms);
    let (monitored_hours, monitored_now) = monitored_shard_hours(&started.monitoring, at.elapsed_ms);
    vec![
        Line {
            item: "CloudWatch GetMetricData",
            count: format!(
                "{} metrics in {} calls",
                thousands(usage.metrics_requested as f64),
                thousands(usage.metric_data_calls as f64)
            ),
            unit_price: "$0.01 per 1,000 metrics".into(),
            so_far_usd: metrics,
            per_hour_usd: at.hourly(metrics),
        },
        Line {
            item: "Athena queries",
            count: format!("{} run", started.queries.len()),
            unit_price: format!(
                "{}/TB, {} MB min.",
                price(prices.athena.price_per_tb_usd),
                prices.athena.minimum_billed_mb
            ),
            so_far_usd: queries,
            per_hour_usd: at.hourly(queries),
        },
        Line {
            item: "Kinesis shards added",
            count: format!("{shard_hours:.2} shard-h, +{shards_now} now"),
            unit_price: format!("{} per shard-hour", price(prices.shard_hour)),
            so_far_usd: shard_hours * prices.shard_hour,
            per_hour_usd: shards_now as f64 * prices.shard_hour,
        },
        Line {
            item: "Enhanced monitoring",
            count: format!("{monitored_hours:.2} shard-h, {monitored_now} shards now"),
            unit_price: format!("{} per shard-hour", price(prices.monitored_shard_hour)),
            so_far_usd: monitored_hours * prices.monitored_shard_hour,
            per_hour_usd: monitored_now as f64 * prices.monitored_shard_hour,
        },
    ]
}

/// The session's total so far and per hour.
pub fn total(lines: &[Line]) -> (f64, f64) {
    lines.iter().fold((0.0, 0.0), |(so_far, hourly), l| (so_far + l.so_far_usd, hourly + l.per_hour_usd))
}

/// A unit price with the digits it has, to a thousandth of a cent: "$0.015", "$0.00288", "$5.00".
fn price(usd: f64) -> String {
    let text = format!("{:.5}", usd.max(0.0));
    let (whole, cents) = text.split_once('.').unwrap_or((&text, ""));
    let cents = cents.trim_end_matches('0');
    format!("${whole}.{cents:0<2}")
}

/// The header's figure: "$0.14/h", "$0.0036/h" (two significant digits below a cent), "$0/h".
pub fn per_hour_text(usd: f64) -> String {
    let usd = usd.max(0.0);
    if usd == 0.0 {
        "$0/h".into()
    } else if usd >= 0.01 {
        format!("${usd:.2}/h")
    } else {
        let digits = (-usd.log10().floor()) as usize + 1;
        format!("${usd:.digits$}/h")
    }
}

/// Shard-hours of the shards lakeops added and that are still open (per stream, counted from
/// its open shards before lakeops' first reshard this session; removing shards lakeops did not
/// add saves money the meter does not count), until `now_ms`; and how many are added now.
pub fn added_shard_hours(changes: &[ShardChange], now_ms: u64) -> (f64, u32) {
    let mut streams: Vec<&str> = changes.iter().map(|c| c.stream.as_str()).collect();
    streams.sort_unstable();
    streams.dedup();
    let mut hours = 0.0;
    let mut now = 0;
    for stream in streams {
        let mut mine: Vec<&ShardChange> = changes.iter().filter(|c| c.stream == stream).collect();
        mine.sort_by_key(|c| c.at_ms);
        let baseline = mine[0].open_before;
        let added = |c: &ShardChange| c.open_after.saturating_sub(baseline);
        for (i, c) in mine.iter().enumerate() {
            let until = mine.get(i + 1).map_or(now_ms, |next| next.at_ms).max(c.at_ms);
            hours += added(c) as f64 * (until.min(now_ms).saturating_sub(c.at_ms)) as f64 / MS_PER_HOUR;
        }
        now += mine.iter().rev().find(|c| c.at_ms <= now_ms).map_or(0, |c| added(c));
    }
    (hours, now)
}

/// Shard-hours of shard-level metrics lakeops turned on, until `now_ms` (or until lakeops
/// turned them off); and how many shards are monitored so now. Turning off what lakeops did not
/// turn on is not a saving the meter counts.
pub fn monitored_shard_hours(changes: &[MonitoringChange], now_ms: u64) -> (f64, u32) {
    let mut sorted: Vec<&MonitoringChange> = changes.iter().collect();
    sorted.sort_by_key(|c| c.at_ms);
    let mut on: Vec<(&str, u64, u32)> = Vec::new();
    let mut hours = 0.0;
    let span =
        |from: u64, to: u64, shards: u32| shards as f64 * to.min(now_ms).saturating_sub(from) as f64 / MS_PER_HOUR;
    for c in sorted {
        let open = on.iter().position(|(stream, _, _)| *stream == c.stream);
        match (c.on, open) {
            (true, None) => on.push((&c.stream, c.at_ms, c.shards)),
            (false, Some(i)) => {
                let (_, from, shards) = on.remove(i);
                hours += span(from, c.at_ms, shards);
            }
            _ => {}
        }
    }
    let counted_now = on.iter().filter(|(_, from, _)| *from <= now_ms);
    let now = counted_now.clone().map(|(_, _, shards)| shards).sum();
    hours += counted_now.map(|(_, from, shards)| span(*from, now_ms, *shards)).sum::<f64>();
    (hours, now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const HOUR: u64 = 3_600_000;

    fn reshard(stream: &str, at_ms: u64, open_before: u32, open_after: u32) -> ShardChange {
        ShardChange { stream: stream.into(), at_ms, open_before, open_after }
    }

    fn monitoring(stream: &str, at_ms: u64, on: bool, shards: u32) -> MonitoringChange {
        MonitoringChange { stream: stream.into(), at_ms, on, shards }
    }

    #[test]
    fn metrics_are_billed_per_metric_and_spread_over_the_session_to_the_next_refresh() {
        let usage = Usage { metric_data_calls: 240, metrics_requested: 240 * 50, since_ms: 0 };
        let at = Moment { elapsed_ms: HOUR - 15_000, refresh_ms: 15_000 };
        let lines = breakdown(usage, &Started::default(), at, Prices::list(ATHENA_LIST));
        assert_eq!(lines[0].count, "12,000 metrics in 240 calls");
        assert!((lines[0].so_far_usd - 0.12).abs() < 1e-12);
        assert!((lines[0].per_hour_usd - 0.12).abs() < 1e-12, "240 reads of 50 metrics an hour: $0.12/h");
        // The first read, at once: the same rate, not the rate of one read in no time.
        let first = Usage { metric_data_calls: 1, metrics_requested: 50, since_ms: 0 };
        let lines = breakdown(
            first,
            &Started::default(),
            Moment { elapsed_ms: 0, refresh_ms: 15_000 },
            Prices::list(ATHENA_LIST),
        );
        assert!((lines[0].per_hour_usd - 0.12).abs() < 1e-12);
        assert_eq!(total(&lines).0, 50.0 * 0.00001);
    }

    #[test]
    fn queries_count_what_athena_billed() {
        let started = Started {
            queries: vec![QueryCost { id: "a".into(), usd: 0.25 }, QueryCost { id: "b".into(), usd: 0.5 }],
            ..Started::default()
        };
        let lines = breakdown(
            Usage::default(),
            &started,
            Moment { elapsed_ms: HOUR, refresh_ms: 0 },
            Prices::list(ATHENA_LIST),
        );
        assert_eq!(lines[1].count, "2 run");
        assert_eq!(lines[1].unit_price, "$5.00/TB, 10 MB min.");
        assert_eq!(lines[1].so_far_usd, 0.75);
    }

    #[test]
    fn shards_added_are_billed_until_removed_and_removals_are_not_savings() {
        // 4 → 8 at 0, 8 → 6 after an hour, then 6 → 2 (below where it started) after two.
        let changes = [reshard("s", 0, 4, 8), reshard("s", HOUR, 8, 6), reshard("s", 2 * HOUR, 6, 2)];
        assert_eq!(added_shard_hours(&changes, 3 * HOUR), (4.0 + 2.0, 0));
        assert_eq!(added_shard_hours(&changes[..2], 3 * HOUR), (4.0 + 2.0 * 2.0, 2));
        // A split and a merge on another stream, counted apart.
        let both = [reshard("s", 0, 4, 8), reshard("t", HOUR, 2, 3)];
        assert_eq!(added_shard_hours(&both, 2 * HOUR), (8.0 + 1.0, 5));
        let lines = breakdown(
            Usage::default(),
            &Started { reshards: both.to_vec(), ..Started::default() },
            Moment { elapsed_ms: 2 * HOUR, refresh_ms: 15_000 },
            Prices::list(ATHENA_LIST),
        );
        assert_eq!(lines[2].count, "9.00 shard-h, +5 now");
        assert_eq!(lines[2].unit_price, "$0.015 per shard-hour");
        assert_eq!(lines[3].unit_price, "$0.00288 per shard-hour");
        assert!((lines[2].so_far_usd - 9.0 * 0.015).abs() < 1e-12);
        assert!((lines[2].per_hour_usd - 5.0 * 0.015).abs() < 1e-12);
    }

    #[test]
    fn enhanced_monitoring_counts_only_what_lakeops_turned_on() {
        let changes =
            [monitoring("s", HOUR, true, 4), monitoring("s", 3 * HOUR, false, 4), monitoring("t", 0, false, 2)];
        assert_eq!(monitored_shard_hours(&changes, 4 * HOUR), (8.0, 0));
        assert_eq!(monitored_shard_hours(&changes[..1], 2 * HOUR), (4.0, 4));
        let per_shard_hour = Prices::list(ATHENA_LIST).monitored_shard_hour;
        assert!((per_shard_hour - 7.0 * 0.30 / 730.0).abs() < 1e-15);
    }

    #[test]
    fn the_header_figure_keeps_two_significant_digits_below_a_cent() {
        assert_eq!(per_hour_text(0.0), "$0/h");
        assert_eq!(per_hour_text(0.144), "$0.14/h");
        assert_eq!(per_hour_text(12.5), "$12.50/h");
        assert_eq!(per_hour_text(0.0036), "$0.0036/h");
        assert_eq!(per_hour_text(0.00072), "$0.00072/h");
        assert_eq!(per_hour_text(-1.0), "$0/h");
    }

    fn changes() -> impl Strategy<Value = Vec<ShardChange>> {
        prop::collection::vec(
            (prop::sample::select(vec!["a", "b"]), 0..10 * HOUR, 1u32..50, 1u32..50)
                .prop_map(|(s, at, before, after)| reshard(s, at, before, after)),
            0..8,
        )
    }

    proptest! {
        #[test]
        fn shard_hours_never_fall_and_are_never_negative(changes in changes(), t in 0..12 * HOUR, dt in 0..HOUR) {
            let (earlier, _) = added_shard_hours(&changes, t);
            let (later, _) = added_shard_hours(&changes, t + dt);
            prop_assert!(earlier >= 0.0);
            prop_assert!(later >= earlier);
        }

        #[test]
        fn the_meter_never_falls_as_reads_and_time_add_up(
            metrics in 0u64..1_000_000,
            more in 0u64..1_000_000,
            monitored in prop::collection::vec((0..10 * HOUR, any::<bool>(), 1u32..20), 0..6),
            t in 0..12 * HOUR,
            dt in 0..HOUR,
        ) {
            let started = Started {
                monitoring: monitored.into_iter().map(|(at, on, n)| monitoring("s", at, on, n)).collect(),
                ..Started::default()
            };
            let prices = Prices::list(ATHENA_LIST);
            let usage = |m| Usage { metric_data_calls: m / 500, metrics_requested: m, since_ms: 0 };
            let before = breakdown(usage(metrics), &started, Moment { elapsed_ms: t, refresh_ms: 15_000 }, prices);
            let after = breakdown(usage(metrics + more), &started, Moment { elapsed_ms: t + dt, refresh_ms: 15_000 }, prices);
            for (b, a) in before.iter().zip(&after) {
                prop_assert!(b.so_far_usd >= 0.0 && b.per_hour_usd >= 0.0, "{b:?}");
                prop_assert!(a.so_far_usd >= b.so_far_usd, "{b:?} then {a:?}");
            }
        }
    }
}
