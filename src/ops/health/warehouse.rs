//! The verdict of the warehouse: a Redshift cluster by its CPU (or a Serverless workgroup by its
//! compute), judged against the alarm line the stack sets, then its disk.

use super::{num, Thresholds, Verdict};
use crate::model::*;
use crate::ops::format::{fixed, percent, thousands};

/// A Redshift cluster whose disk is fuller than this is a warning.
pub const REDSHIFT_DISK_WARN_PERCENT: f64 = 85.0;
/// Redshift's CPU this many points under the alarm line is a warning: the alarm is near.
pub const REDSHIFT_CPU_WARN_MARGIN: f64 = 15.0;
/// The RPUs a Serverless workgroup the stack creates starts from (the smallest allowed), and
/// how far the capacity alarm lets it burst over them.
pub const SERVERLESS_BASE_RPU: u32 = 8;
const SERVERLESS_BURST: f64 = 4.0;

/// The Serverless capacity alarm's line in RPUs for a CPU line in percent: the same share of
/// the base capacity's full burst (the alarm the stack creates reads this too).
pub fn serverless_alarm_rpu(cpu_percent: f64) -> f64 {
    SERVERLESS_BASE_RPU as f64 * SERVERLESS_BURST * cpu_percent / 100.0
}

pub(super) fn redshift(r: &RedshiftStatus, t: Thresholds) -> Verdict {
    let mut numbers = vec![
        num("CPU", r.cpu_percent.map(|v| v / 100.0), "fraction", percent),
        num("connections", r.connections, "connections", thousands),
        num("disk", r.disk_used_percent.map(|v| v / 100.0), "fraction", percent),
    ];
    if r.compute_rpu.is_some() {
        numbers.push(num("compute", r.compute_rpu, "RPU", |v| format!("{} RPU", thousands(v))));
    }
    if r.healthy == Some(false) {
        return (Health::Critical, "HealthStatus 0: the cluster is not answering queries".into(), numbers);
    }
    let line = t.redshift_cpu_percent;
    let verdict = match r.cpu_percent {
        Some(cpu) if cpu > line => (
            Health::Critical,
            format!("CPU at {} % is over its {} % alarm line: queries will queue", fixed(cpu, 0), fixed(line, 0)),
        ),
        Some(cpu) if cpu > line - REDSHIFT_CPU_WARN_MARGIN => (
            Health::Warn,
            format!("CPU at {} %, near its {} % alarm line: a load is running", fixed(cpu, 0), fixed(line, 0)),
        ),
        Some(cpu) => (
            Health::Ok,
            format!(
                "CPU {} %, {} connections",
                fixed(cpu, 0),
                r.connections.map(thousands).unwrap_or_else(|| "—".into())
            ),
        ),
        None => match r.compute_rpu {
            Some(rpu) if rpu > serverless_alarm_rpu(line) => (
                Health::Critical,
                format!(
                    "compute {} RPU is over its {} RPU alarm line: queries will queue",
                    thousands(rpu),
                    fixed(serverless_alarm_rpu(line), 1)
                ),
            ),
            Some(rpu) => (
                Health::Ok,
                format!(
                    "compute {} RPU, {} connections",
                    thousands(rpu),
                    r.connections.map(thousands).unwrap_or_else(|| "—".into())
                ),
            ),
            None => (Health::Unknown, "no CPU or compute datapoints in the last minutes".into()),
        },
    };
    match r.disk_used_percent {
        Some(d) if d > REDSHIFT_DISK_WARN_PERCENT && verdict.0 < Health::Warn => {
            (Health::Warn, format!("disk {} % used", fixed(d, 0)), numbers)
        }
        _ => (verdict.0, verdict.1, numbers),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: Thresholds = Thresholds { iterator_age_ms: 60_000.0, lambda_error_rate: 0.01, redshift_cpu_percent: 80.0 };

    fn warehouse(cpu: f64) -> RedshiftStatus {
        RedshiftStatus {
            name: "w".into(),
            mode: RedshiftMode::Cluster,
            cpu_percent: Some(cpu),
            compute_rpu: None,
            connections: Some(3.0),
            disk_used_percent: Some(40.0),
            healthy: Some(true),
            history: Default::default(),
        }
    }

    #[test]
    fn redshift_turns_red_where_its_own_alarm_fires() {
        assert_eq!(redshift(&warehouse(81.0), T).0, Health::Critical);
        assert_eq!(redshift(&warehouse(80.0), T).0, Health::Warn, "the alarm is over the line, not on it");
        assert_eq!(redshift(&warehouse(66.0), T).0, Health::Warn);
        assert_eq!(redshift(&warehouse(65.0), T).0, Health::Ok);
        let strict = Thresholds { redshift_cpu_percent: 50.0, ..T };
        let (health, reason, _) = redshift(&warehouse(66.0), strict);
        assert_eq!(health, Health::Critical);
        assert_eq!(reason, "CPU at 66 % is over its 50 % alarm line: queries will queue");
    }

    #[test]
    fn serverless_compute_is_judged_against_the_capacity_alarm() {
        let r = RedshiftStatus {
            mode: RedshiftMode::Serverless,
            cpu_percent: None,
            compute_rpu: Some(26.0),
            ..warehouse(0.0)
        };
        // 80 % of 8 RPU × 4 is 25.6 RPU.
        assert_eq!(redshift(&r, T).0, Health::Critical);
        let r = RedshiftStatus { compute_rpu: Some(25.0), ..r };
        assert_eq!(redshift(&r, T).0, Health::Ok);
    }
}
