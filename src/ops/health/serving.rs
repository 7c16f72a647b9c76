//! The verdicts of the layers that serve the lake's data: the OpenSearch domain and QuickSight's
//! SPICE datasets.

use chrono::{DateTime, Utc};

use super::{num, Verdict};
use crate::model::*;
use crate::ops::format::{ago, fixed, millis, percent, thousands};

/// AWS's recommended alarms: JVM memory pressure over 80 % (95 % blocks writes), CPU over 80 %,
/// free storage under a quarter of a node's volume.
pub const JVM_WARN_PERCENT: f64 = 80.0;
pub const JVM_CRITICAL_PERCENT: f64 = 92.0;
pub const SEARCH_CPU_WARN_PERCENT: f64 = 80.0;
pub const FREE_STORAGE_WARN_SHARE: f64 = 0.25;

pub(super) fn opensearch(d: &SearchDomain) -> Verdict {
    let numbers = vec![
        KeyNumber {
            label: "cluster".into(),
            text: d.color.map(|c| c.name().to_string()).unwrap_or_else(|| "—".into()),
            value: None,
            unit: "",
        },
        num("JVM", d.jvm_memory_pressure.map(|v| v / 100.0), "fraction", percent),
        num("CPU", d.cpu_percent.map(|v| v / 100.0), "fraction", percent),
        num("free", d.free_storage_mb.map(|m| m * 1_048_576.0), "bytes", crate::ops::format::bytes),
    ];
    let (health, reason) = domain_verdict(d);
    (health, reason, numbers)
}

/// What a cluster status colour means now, in words: the domain's reason and its status row say it.
pub fn color_meaning(color: Option<ClusterColor>) -> &'static str {
    match color {
        Some(ClusterColor::Red) => "a primary shard is unassigned, some data is unsearchable",
        Some(ClusterColor::Yellow) => "replica shards unassigned: losing a node may lose data",
        Some(ClusterColor::Green) => "every shard assigned",
        None => "not reported",
    }
}

/// The domain's health and the reason in words.
pub fn domain_verdict(d: &SearchDomain) -> (Health, String) {
    let name = &d.name;
    if !d.exists {
        return (Health::Warn, format!("OpenSearch domain {name} not found"));
    }
    if d.color == Some(ClusterColor::Red) {
        return (Health::Critical, format!("{name} is red: {}", color_meaning(d.color)));
    }
    if d.writes_blocked {
        return (
            Health::Critical,
            format!("{name} blocks writes (ClusterIndexWritesBlocked): storage or JVM pressure"),
        );
    }
    if let Some(j) = d.jvm_memory_pressure.filter(|j| *j > JVM_CRITICAL_PERCENT) {
        return (
            Health::Critical,
            format!("{name}: JVM memory pressure {} %: writes will be blocked at 95 %", fixed(j, 0)),
        );
    }
    let free_share = match (d.free_storage_mb, d.volume_gb) {
        (Some(free), Some(gb)) if gb > 0 => Some(free / (gb as f64 * 1024.0)),
        _ => None,
    };
    if let Some(share) = free_share.filter(|s| *s < FREE_STORAGE_WARN_SHARE) {
        return (Health::Warn, format!("{name}: a node has {} of its storage free", percent(share)));
    }
    if d.color == Some(ClusterColor::Yellow) {
        return (Health::Warn, format!("{name} is yellow: {}", color_meaning(d.color)));
    }
    if let Some(j) = d.jvm_memory_pressure.filter(|j| *j > JVM_WARN_PERCENT) {
        return (Health::Warn, format!("{name}: JVM memory pressure {} %", fixed(j, 0)));
    }
    if let Some(n) = d.snapshot_failures.filter(|n| *n > 0.0) {
        return (Health::Warn, format!("{name}: {} automated snapshot(s) failed", thousands(n)));
    }
    if let Some(n) = d.errors_5xx.filter(|n| *n > 0.0) {
        return (Health::Warn, format!("{name}: {} 5xx answers in the last minute", thousands(n)));
    }
    if let Some(c) = d.cpu_percent.filter(|c| *c > SEARCH_CPU_WARN_PERCENT) {
        return (Health::Warn, format!("{name}: CPU {} %", fixed(c, 0)));
    }
    let change = if d.upgrading {
        "; a version upgrade is under way"
    } else if d.processing {
        "; a configuration change is being applied"
    } else {
        ""
    };
    match d.color {
        Some(c) => (Health::Ok, format!("{name} {}{change}", c.name())),
        None => (Health::Unknown, format!("{name}: no cluster status in the last minutes{change}")),
    }
}

pub(super) fn quicksight(q: &QuicksightStatus, now: DateTime<Utc>) -> Verdict {
    let failed = q.datasets.iter().filter(|d| d.ingestions.first().is_some_and(Ingestion::is_failed)).count();
    // The rows the dashboards serve: each dataset's last completed refresh's, not a running or
    // failed one's (0 while a refresh runs read as empty dashboards).
    let rows: i64 = q.datasets.iter().filter_map(SpiceDataset::last_completed).filter_map(|i| i.rows_ingested).sum();
    let numbers = vec![
        num("datasets", Some(q.datasets.len() as f64), "datasets", thousands),
        num("failed", Some(failed as f64), "datasets", thousands),
        num("rows", Some(rows as f64), "rows", thousands),
    ];
    let verdicts: Vec<(Health, String)> =
        q.datasets.iter().map(|d| dataset_verdict(d, q.refresh_within_hours, now)).collect();
    let worst = verdicts.iter().enumerate().max_by_key(|(i, v)| (v.0, std::cmp::Reverse(*i))).map(|(_, v)| v.clone());
    match worst {
        Some((Health::Ok, _)) => {
            (Health::Ok, format!("{} SPICE dataset(s) refreshed on time", q.datasets.len()), numbers)
        }
        Some((health, reason)) => (health, reason, numbers),
        None => (Health::Unknown, "no dataset watched".into(), numbers),
    }
}

/// One SPICE dataset: its newest refresh failed, or its last good one is older than expected.
pub fn dataset_verdict(d: &SpiceDataset, within_hours: u64, now: DateTime<Utc>) -> (Health, String) {
    if !d.exists {
        return (Health::Warn, format!("dataset {} not found", d.id));
    }
    let last = d.ingestions.first();
    if let Some(i) = last.filter(|i| i.is_failed()) {
        let when = i.created.map(|t| format!(" {}", ago(now, t))).unwrap_or_default();
        let what = [i.error_type.as_deref(), i.error_message.as_deref()].into_iter().flatten().collect::<Vec<_>>();
        let what = if what.is_empty() { String::new() } else { format!(": {}", what.join(": ")) };
        return (Health::Warn, format!("dataset {}: refresh FAILED{when}{what}", d.id));
    }
    let expected = chrono::Duration::hours(within_hours as i64);
    match d.last_success() {
        Some(at) if now - at > expected => (
            Health::Warn,
            format!(
                "dataset {}: last refresh {}, expected every {}",
                d.id,
                ago(now, at),
                millis(within_hours as f64 * 3_600_000.0)
            ),
        ),
        Some(at) => {
            let running =
                last.filter(|i| i.is_active()).map(|i| format!("; a refresh is {}", i.status)).unwrap_or_default();
            (Health::Ok, format!("dataset {}: refreshed {}{running}", d.id, ago(now, at)))
        }
        None if last.is_some_and(Ingestion::is_active) => {
            (Health::Ok, format!("dataset {}: first refresh running", d.id))
        }
        None => (Health::Warn, format!("dataset {}: never refreshed", d.id)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ingestion(status: &str, minutes_ago: i64, rows: Option<i64>, now: DateTime<Utc>) -> Ingestion {
        Ingestion {
            id: format!("{status}-{minutes_ago}"),
            status: status.into(),
            created: Some(now - chrono::Duration::minutes(minutes_ago)),
            seconds: None,
            rows_ingested: rows,
            rows_dropped: None,
            error_type: None,
            error_message: None,
            manual: true,
        }
    }

    /// The rows the dashboards serve are the last completed refresh's, while a newer one runs or
    /// after one failed.
    #[test]
    fn rows_are_the_last_completed_refresh_s() {
        let now = Utc::now();
        let dataset = |id: &str, ingestions| SpiceDataset { id: id.into(), exists: true, ingestions };
        let status = QuicksightStatus {
            datasets: vec![
                dataset(
                    "sessions",
                    vec![ingestion("RUNNING", 1, None, now), ingestion("COMPLETED", 60, Some(1_000), now)],
                ),
                dataset(
                    "funnel",
                    vec![ingestion("FAILED", 2, Some(0), now), ingestion("COMPLETED", 90, Some(500), now)],
                ),
            ],
            refresh_within_hours: 24,
        };
        let (_, _, numbers) = quicksight(&status, now);
        let rows = numbers.iter().find(|n| n.label == "rows").unwrap();
        assert_eq!(rows.value, Some(1_500.0));
    }
}
