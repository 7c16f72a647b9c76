//! The verdicts of the layers that bring data in beside Kinesis: MSK (consumer lag), the landing
//! zone's sources (DMS, DataSync, AppFlow) and Firehose delivery.

use chrono::{DateTime, Utc};

use super::{num, Thresholds, Verdict};
use crate::model::*;
use crate::ops::format::{ago, bytes, millis, percent, thousands};

/// Firehose's default buffering delivers within 5 minutes; older than 15 is stuck.
pub const FIREHOSE_STALE_SECONDS: f64 = 900.0;
/// A broker's data-log disk fuller than this is a warning (MSK's guidance: act before 85 %).
pub const KAFKA_DISK_WARN_PERCENT: f64 = 85.0;

fn worst(verdicts: impl Iterator<Item = (Health, String)>) -> Option<(Health, String)> {
    // The first of the worst: the order the profile lists them in breaks ties.
    verdicts.fold(None, |acc: Option<(Health, String)>, v| match acc {
        Some(a) if a.0 >= v.0 => Some(a),
        _ => Some(v),
    })
}

/// The MSK layer's verdict: the cluster's state, its replication and disks, the watched groups' lag.
pub fn kafka(k: &KafkaStatus, t: Thresholds) -> Verdict {
    let max = |f: fn(&ConsumerLag) -> Option<f64>| k.lags.iter().filter_map(f).reduce(f64::max);
    let numbers = vec![
        num("lag", max(|l| l.time_lag_seconds).map(|s| s * 1000.0), "ms", millis),
        num("messages behind", max(|l| l.sum_offset_lag), "messages", thousands),
        num("under-replicated", k.under_replicated, "partitions", thousands),
        num("disk", k.disk_used_percent.map(|d| d / 100.0), "fraction", percent),
    ];
    if !k.exists {
        return (Health::Warn, format!("MSK cluster {} not found", k.cluster), numbers);
    }
    let state = k.state.as_deref().unwrap_or("UNKNOWN");
    if state == "FAILED" {
        return (Health::Critical, format!("cluster {} is FAILED", k.cluster), numbers);
    }
    let behind = |l: &ConsumerLag| l.time_lag_seconds.map(|s| s * 1000.0);
    // The most behind in time; of two as far behind, the one with more messages to read.
    let messages = |l: &ConsumerLag| l.sum_offset_lag.unwrap_or(0.0);
    let lagging = k
        .lags
        .iter()
        .filter_map(|l| Some((l, behind(l)?)))
        .max_by(|a, b| a.1.total_cmp(&b.1).then(messages(a.0).total_cmp(&messages(b.0))));
    if let Some((l, ms)) = lagging.filter(|(_, ms)| *ms > t.iterator_age_ms) {
        let reason = format!("group {} is {} behind on {}: consumer falling behind", l.group, millis(ms), l.topic);
        return (Health::Critical, reason, numbers);
    }
    if state != "ACTIVE" {
        return (Health::Warn, format!("cluster {} is {state}", k.cluster), numbers);
    }
    if let Some(n) = k.under_replicated.filter(|n| *n > 0.0) {
        return (Health::Warn, format!("{} partition(s) under-replicated: a broker is behind", thousands(n)), numbers);
    }
    if let Some(d) = k.disk_used_percent.filter(|d| *d > KAFKA_DISK_WARN_PERCENT) {
        return (Health::Warn, format!("broker data disk {} full", percent(d / 100.0)), numbers);
    }
    if let Some((l, ms)) = lagging.filter(|(_, ms)| *ms > t.iterator_age_ms / 2.0) {
        let reason = format!(
            "group {} is {} behind on {}, half-way to the alarm line ({})",
            l.group,
            millis(ms),
            l.topic,
            millis(t.iterator_age_ms)
        );
        return (Health::Warn, reason, numbers);
    }
    // A group reports when any of its topics has a lag datapoint (a metric ListMetrics still
    // lists without datapoints is no report).
    let reports =
        |g: &str| k.lags.iter().any(|l| l.group == g && (l.time_lag_seconds.is_some() || l.sum_offset_lag.is_some()));
    let silent: Vec<&str> = k.groups.iter().map(String::as_str).filter(|g| !reports(g)).collect();
    if !silent.is_empty() {
        // MSK emits lag only for groups STABLE or EMPTY: a group rebalancing or gone says nothing.
        let reason = format!("no lag reported for {}: rebalancing, or not consuming?", silent.join(", "));
        return (Health::Warn, reason, numbers);
    }
    let reason = match lagging {
        Some((l, ms)) => format!("{state}; most behind: {} on {} by {}", l.group, l.topic, millis(ms)),
        None => format!("{state}; no consumer group watched"),
    };
    (Health::Ok, reason, numbers)
}

pub(super) fn sources(s: &SourcesStatus, now: DateTime<Utc>, t: Thresholds) -> Verdict {
    let landed = s.sources.iter().filter(|x| x.last_success.is_some()).count();
    let failing = s.sources.iter().filter(|x| source_verdict(x, s.expect_within_minutes, now, t).0 > Health::Ok);
    let numbers = vec![
        num("sources", Some(s.sources.len() as f64), "sources", thousands),
        num("failing", Some(failing.count() as f64), "sources", thousands),
        num("landed", Some(landed as f64), "sources", thousands),
    ];
    let verdicts = s.sources.iter().map(|x| source_verdict(x, s.expect_within_minutes, now, t));
    match worst(verdicts) {
        Some((Health::Ok, _)) => {
            let newest = s.sources.iter().filter_map(|x| x.last_success).max();
            let when = newest.map(|t| format!("; newest landing {}", ago(now, t))).unwrap_or_default();
            (Health::Ok, format!("{} source(s) landing on time{when}", s.sources.len()), numbers)
        }
        Some((health, reason)) => (health, reason, numbers),
        None => (Health::Unknown, "no source watched".into(), numbers),
    }
}

/// One source's health: stopped or failed, late against the profile's expectation, or fine.
pub fn source_verdict(x: &IngestSource, expect_minutes: u64, now: DateTime<Utc>, t: Thresholds) -> (Health, String) {
    let who = format!("{} {}", x.kind.label(), x.name);
    if !x.exists {
        return (Health::Warn, format!("{who} not found"));
    }
    let status = x.status.as_deref().unwrap_or("");
    let why = x.status_reason.as_deref().map(|r| format!(": {r}")).unwrap_or_default();
    match (x.kind, status) {
        (SourceKind::Dms, "failed") => return (Health::Critical, format!("{who} failed{why}")),
        // A full-load-only task stops when its load is done: that is its success.
        (SourceKind::Dms, "stopped")
            if !x.status_reason.as_deref().is_some_and(|r| r.contains("FULL_LOAD_ONLY_FINISHED")) =>
        {
            return (Health::Critical, format!("{who} stopped{why}"))
        }
        (SourceKind::AppFlow, "Errored" | "Suspended") => return (Health::Critical, format!("{who} is {status}{why}")),
        (SourceKind::DataSync, "UNAVAILABLE") => return (Health::Critical, format!("{who} is UNAVAILABLE{why}")),
        _ => {}
    }
    if let Some(run) = x.last_run.as_ref().filter(|r| is_failed_run(&r.status)) {
        let when = run.ended.or(run.started).map(|t| format!(" {}", ago(now, t))).unwrap_or_default();
        let error = run.error.as_deref().map(|e| format!(": {e}")).unwrap_or_default();
        return (Health::Critical, format!("{who}: last run {}{when}{error}", run.status));
    }
    if let Some(n) = x.tables_errored.filter(|n| *n > 0) {
        return (Health::Warn, format!("{who}: {n} table(s) in error"));
    }
    let latency = x.cdc_latency_source.into_iter().chain(x.cdc_latency_target).reduce(f64::max);
    if let Some(s) = latency.filter(|s| s * 1000.0 > t.iterator_age_ms) {
        return (Health::Warn, format!("{who}: change capture {} behind", millis(s * 1000.0)));
    }
    let expected = chrono::Duration::minutes(expect_minutes as i64);
    if x.kind == SourceKind::Dms && status == "running" {
        let behind = latency.map(|s| format!(", change capture {} behind", millis(s * 1000.0))).unwrap_or_default();
        return (Health::Ok, format!("{who}: replicating{behind}"));
    }
    match x.last_success {
        Some(at) if now - at > expected => (
            Health::Warn,
            format!(
                "{who}: last landing {}, expected every {}",
                ago(now, at),
                millis(expect_minutes as f64 * 60_000.0)
            ),
        ),
        Some(at) => {
            let moved = x.last_run.as_ref().and_then(|r| r.bytes).map(|b| format!(", {}", bytes(b as f64)));
            (Health::Ok, format!("{who}: landed {}{}", ago(now, at), moved.unwrap_or_default()))
        }
        None => (Health::Warn, format!("{who}: nothing has landed yet")),
    }
}

/// A run that ended in error, in each service's words.
pub fn is_failed_run(status: &str) -> bool {
    matches!(status, "ERROR" | "Error" | "FAILED" | "Failed" | "failed")
}

pub(super) fn firehose(f: &FirehoseStatus) -> Verdict {
    let sum = |g: fn(&DeliveryStream) -> Option<f64>| {
        f.streams.iter().filter_map(g).fold(None, |acc, v| Some(acc.unwrap_or(0.0) + v))
    };
    let oldest = f.streams.iter().filter_map(|s| s.freshness_seconds).reduce(f64::max);
    let numbers = vec![
        num("in", sum(|s| s.incoming_records), "records/min", |v| format!("{}/min", thousands(v))),
        num("freshness", oldest.map(|s| s * 1000.0), "ms", millis),
        num("throttled", sum(|s| s.throttled), "records/min", thousands),
    ];
    match worst(f.streams.iter().map(delivery_verdict)) {
        Some(v) => (v.0, v.1, numbers),
        None => (Health::Unknown, "no delivery stream watched".into(), numbers),
    }
}

/// One delivery stream's health.
pub fn delivery_verdict(s: &DeliveryStream) -> (Health, String) {
    if !s.exists {
        return (Health::Warn, format!("delivery stream {} not found", s.name));
    }
    let status = s.status.as_deref().unwrap_or("ACTIVE");
    if status.ends_with("FAILED") {
        return (Health::Critical, format!("{} is {status}", s.name));
    }
    if let Some(age) = s.freshness_seconds.filter(|a| *a > FIREHOSE_STALE_SECONDS) {
        let log = match (&s.last_error, &s.error_log) {
            (Some(e), _) => format!(": {e}"),
            (None, Some(l)) => format!(": see {l}"),
            _ => String::new(),
        };
        return (
            Health::Critical,
            format!("{}: the oldest undelivered record is {} old{log}", s.name, millis(age * 1000.0)),
        );
    }
    if let Some(ok) = s.success.filter(|v| *v < 1.0) {
        // The cause first; the error prefix is said only when records can be written there (an
        // access denied on the bucket denies its error prefix too).
        let error = s.last_error.as_deref().map(|e| format!(": {e}")).unwrap_or_default();
        let denied = s.last_error.as_deref().is_some_and(|e| e.contains("AccessDenied"));
        let to = match (&s.error_prefix, denied) {
            (Some(p), false) => format!("; failed records go to {p}"),
            _ => String::new(),
        };
        return (Health::Warn, format!("{}: {} of deliveries to S3 succeeded{error}{to}", s.name, percent(ok)));
    }
    if let Some(n) = s.throttled.filter(|n| *n > 0.0) {
        return (Health::Warn, format!("{}: {} records throttled in the last minute", s.name, thousands(n)));
    }
    if status != "ACTIVE" {
        return (Health::Warn, format!("{} is {status}", s.name));
    }
    let fresh = s.freshness_seconds.map(|a| format!(", oldest undelivered {}", millis(a * 1000.0)));
    match s.incoming_records {
        Some(r) => (Health::Ok, format!("{}: {}/min in{}", s.name, thousands(r), fresh.unwrap_or_default())),
        None => (Health::Ok, format!("{}: no records in the last minute", s.name)),
    }
}

#[cfg(test)]
#[path = "tests_ingestion.rs"]
mod tests;
