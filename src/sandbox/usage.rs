//! The CloudWatch series the AWS backend would ask GetMetricData for to show what the sandbox
//! shows, so a sandbox session's meter reads as the same console on AWS would. Each count is that
//! of the AWS backend's own key set for the resource ([`crate::ops::series`]), so the two cannot
//! drift; tests/aws_usage.rs compares a sandbox snapshot with one on moto for the same profile.

use crate::model::{PlatformSnapshot, Reading, RedshiftMode, SourceKind, StreamFacts};
use crate::ops::series::{
    dlq_age, ApplicationKeys, BrokerKeys, ClusterKeys, ConsumerLagKeys, DmsTaskKeys, FirehoseKeys, FunctionKeys,
    RedshiftKeys, SearchKeys, StateMachineKeys, StreamKeys,
};
use crate::settings::RedshiftSettings;

/// Per stream: its key set's size.
fn stream() -> usize {
    StreamKeys::new("").all().len()
}

/// The series behind one snapshot, counted from what it holds.
pub(super) fn snapshot_series(s: &PlatformSnapshot) -> usize {
    let mut series = FunctionKeys::new("").all().len() + [dlq_age("")].len();
    series += ready(&s.streams).map_or(0, |streams| streams.len() * stream());
    series += ready(&s.redshift).map_or(0, |r| redshift(r.mode));
    if let Some(o) = ready(&s.orchestration) {
        series += o.state_machines.iter().filter(|m| m.exists).count() * StateMachineKeys::new("").all().len();
    }
    if let Some(p) = ready(&s.processing) {
        series += p.clusters.len() * ClusterKeys::new("").all().len();
        series += p.applications.len() * ApplicationKeys::new("").all().len();
    }
    series += ready(&s.firehose).map_or(0, |f| f.streams.len() * FirehoseKeys::new("").all().len());
    series += ready(&s.opensearch).filter(|d| d.exists).map_or(0, |_| SearchKeys::new("", "").all().len());
    if let Some(k) = ready(&s.msk).filter(|k| k.exists) {
        series += k.lags.len() * ConsumerLagKeys::new("", "", "").all().len();
        series += k.brokers.unwrap_or(0) as usize * BrokerKeys::new("", 0).all().len();
    }
    if let Some(sources) = ready(&s.sources) {
        let tasks = sources.sources.iter().filter(|s| s.exists && s.kind == SourceKind::Dms).count();
        series += tasks * DmsTaskKeys::new("", "").all().len();
    }
    series
}

/// A warehouse of `mode`: its key set's size.
fn redshift(mode: RedshiftMode) -> usize {
    RedshiftKeys::new(&RedshiftSettings { mode, name: String::new() }).map_or(0, |k| k.all().len())
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
pub(super) fn stream_chart_series() -> usize {
    stream()
}

fn ready<T>(reading: &Reading<T>) -> Option<&T> {
    reading.ready()
}
