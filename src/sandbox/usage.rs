//! The CloudWatch series the AWS backend would ask GetMetricData for to show what the sandbox
//! shows, so a sandbox session's meter reads as the same console on AWS would. Each count is
//! that of the AWS backend's key set for the resource (`aws/series.rs`); tests/aws_usage.rs
//! compares a sandbox snapshot with one on moto for the same profile.

use crate::model::{PlatformSnapshot, Reading, RedshiftMode, SourceKind, StreamFacts};

/// Per stream: incoming records and bytes, iterator age, write and read throttling.
const STREAM: usize = 5;
/// The consumer function: invocations, errors, throttles, duration (average and p99), iterator
/// age, concurrency.
const FUNCTION: usize = 7;
/// The DLQ's oldest message age.
const DLQ: usize = 1;
/// A Redshift cluster: CPU, connections, disk, health; a Serverless workgroup: capacity,
/// connections.
const REDSHIFT_CLUSTER: usize = 4;
const REDSHIFT_SERVERLESS: usize = 2;
/// A state machine: executions started, failed, timed out, aborted, throttled.
const STATE_MACHINE: usize = 5;
/// An EMR cluster's six gauges; an EMR Serverless application's failed and running jobs.
const EMR_CLUSTER: usize = 6;
const EMR_APPLICATION: usize = 2;
/// A Firehose delivery stream: incoming records and bytes, freshness, success, throttling.
const DELIVERY_STREAM: usize = 5;
/// An OpenSearch domain: three cluster colours, storage, JVM, CPU, 5xx, writes blocked, snapshots.
const SEARCH_DOMAIN: usize = 9;
/// MSK: per consumer group and topic its three lags; per broker two gauges.
const CONSUMER_LAG: usize = 3;
const BROKER: usize = 2;
/// A DMS task's CDC latency at the source and at the target.
const DMS_TASK: usize = 2;

/// The series behind one snapshot, counted from what it holds.
pub(super) fn snapshot_series(s: &PlatformSnapshot) -> usize {
    let mut series = FUNCTION + DLQ;
    series += ready(&s.streams).map_or(0, |streams| streams.len() * STREAM);
    series += ready(&s.redshift).map_or(0, |r| match r.mode {
        RedshiftMode::Cluster => REDSHIFT_CLUSTER,
        RedshiftMode::Serverless => REDSHIFT_SERVERLESS,
        RedshiftMode::Off => 0,
    });
    if let Some(o) = ready(&s.orchestration) {
        series += o.state_machines.iter().filter(|m| m.exists).count() * STATE_MACHINE;
    }
    if let Some(p) = ready(&s.processing) {
        series += p.clusters.len() * EMR_CLUSTER + p.applications.len() * EMR_APPLICATION;
    }
    series += ready(&s.firehose).map_or(0, |f| f.streams.len() * DELIVERY_STREAM);
    series += ready(&s.opensearch).filter(|d| d.exists).map_or(0, |_| SEARCH_DOMAIN);
    if let Some(k) = ready(&s.msk).filter(|k| k.exists) {
        series += k.lags.len() * CONSUMER_LAG + k.brokers.unwrap_or(0) as usize * BROKER;
    }
    if let Some(sources) = ready(&s.sources) {
        series += sources.sources.iter().filter(|s| s.exists && s.kind == SourceKind::Dms).count() * DMS_TASK;
    }
    series
}

/// A stream's detail: its charts' series, and with enhanced monitoring one series per open shard
/// for the shard map's rates.
pub(super) fn stream_facts_series(facts: &StreamFacts) -> usize {
    if facts.enhanced_monitoring {
        facts.shards.iter().filter(|s| s.open).count()
    } else {
        0
    }
}

/// A stream's charts.
pub(super) const STREAM_CHART_SERIES: usize = STREAM;

fn ready<T>(reading: &Reading<T>) -> Option<&T> {
    reading.ready()
}
