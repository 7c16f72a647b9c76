//! The Processing layer's verdict: the EMR cluster (its latest step, unhealthy nodes and
//! instance groups, HDFS, idle time) or the EMR Serverless application (its newest job run).

use chrono::{DateTime, Utc};

use super::{num, Verdict};
use crate::model::*;
use crate::ops::emr::idle_cost;
use crate::ops::format::{ago, millis, percent, thousands};

/// HDFS fuller than this is a warning (EMR's own guidance: scale out before 80 %).
pub const HDFS_WARN_PERCENT: f64 = 80.0;

pub(super) fn processing(p: &ProcessingStatus, now: DateTime<Utc>) -> Verdict {
    match p.mode {
        EmrMode::Serverless => serverless(p, now),
        _ => clusters(p, now),
    }
}

fn clusters(p: &ProcessingStatus, now: DateTime<Utc>) -> Verdict {
    let sum = |f: fn(&ClusterHealth) -> Option<f64>| {
        p.clusters.iter().filter_map(f).fold(None, |acc, v| Some(acc.unwrap_or(0.0) + v))
    };
    let idle = p.clusters.iter().filter_map(|c| c.cluster.idle_seconds(now)).max();
    let numbers = vec![
        num("apps running", sum(|c| c.apps_running), "apps", thousands),
        num("apps failed", sum(|c| c.apps_failed), "apps", thousands),
        num("idle", idle.map(|s| s as f64 * 1000.0), "ms", millis),
    ];
    let verdict = p.clusters.iter().map(|c| cluster_verdict(c, p, now)).max_by_key(|v| v.0);
    let Some((health, reason)) = verdict else {
        return (Health::Warn, format!("no live EMR cluster named {} (ListClusters)", p.name), numbers);
    };
    (health, reason, numbers)
}

/// One cluster's health and the reason in words.
pub fn cluster_verdict(c: &ClusterHealth, p: &ProcessingStatus, now: DateTime<Utc>) -> (Health, String) {
    let cluster = &c.cluster;
    let id = format!("{} ({})", cluster.name, cluster.id);
    if let Some(step) = c.latest_step.as_ref().filter(|s| s.is_failed()) {
        let when = step.ended.map(|t| format!(" {}", ago(now, t))).unwrap_or_default();
        // The reason alone: the message (a stack trace's first line, often long) is in :emr.
        let why = step.failure.as_ref().and_then(|f| f.reason.clone().or(f.message.clone()));
        let why = why.map(|w| format!(": {w}")).unwrap_or_default();
        return (Health::Critical, format!("{id}: step {} {}{when}{why}", step.name, step.state));
    }
    if let Some(n) = c.unhealthy_nodes.filter(|n| *n > 0.0) {
        return (Health::Warn, format!("{id}: {} unhealthy node(s)", thousands(n)));
    }
    if let Some(g) = cluster.instance_groups.iter().find(|g| !g.is_healthy()) {
        return (
            Health::Warn,
            format!("{id}: {} group {} runs {} of {} ({})", g.role, g.name, g.running, g.requested, g.state),
        );
    }
    if let Some(hdfs) = c.hdfs_utilization.filter(|h| *h > HDFS_WARN_PERCENT) {
        return (Health::Warn, format!("{id}: HDFS {} full", percent(hdfs / 100.0)));
    }
    if let Some(failed) = c.apps_failed.filter(|n| *n > 0.0) {
        return (Health::Warn, format!("{id}: {} YARN application(s) failed", thousands(failed)));
    }
    if let Some(idle) = cluster.idle_seconds(now).filter(|s| *s >= p.idle_warn_minutes as i64 * 60) {
        return (
            Health::Warn,
            format!(
                "{id}: idle for {}{} with nothing to run",
                millis(idle as f64 * 1000.0),
                idle_cost(idle, p.cost_per_hour)
            ),
        );
    }
    match &c.latest_step {
        Some(s) if s.state == "RUNNING" => {
            let since = s.started.map(|t| format!(" since {}", ago(now, t))).unwrap_or_default();
            (Health::Ok, format!("{id}: step {} RUNNING{since}", s.name))
        }
        Some(s) => {
            let when = s.ended.or(s.created).map(|t| format!(" {}", ago(now, t))).unwrap_or_default();
            (Health::Ok, format!("{id} {}: last step {} {}{when}", cluster.state, s.name, s.state))
        }
        None => (Health::Ok, format!("{id} {}: no step run yet", cluster.state)),
    }
}

fn serverless(p: &ProcessingStatus, now: DateTime<Utc>) -> Verdict {
    let sum = |f: fn(&ApplicationHealth) -> Option<f64>| {
        p.applications.iter().filter_map(f).fold(None, |acc, v| Some(acc.unwrap_or(0.0) + v))
    };
    let numbers = vec![
        num("running", sum(|a| a.running_jobs), "jobs", thousands),
        num("failed", sum(|a| a.failed_jobs), "jobs/h", thousands),
    ];
    let verdict = p.applications.iter().map(|a| application_verdict(a, now)).max_by_key(|v| v.0);
    let Some((health, reason)) = verdict else {
        return (
            Health::Warn,
            format!("EMR Serverless application {} not found: is the stack provisioned?", p.name),
            numbers,
        );
    };
    (health, reason, numbers)
}

/// One Serverless application's health from its newest job run and the last hour's failures.
pub fn application_verdict(a: &ApplicationHealth, now: DateTime<Utc>) -> (Health, String) {
    let app = &a.application;
    let Some(run) = app.job_runs.first() else {
        return (Health::Ok, format!("{} {}: no job run yet", app.name, app.state));
    };
    let name = run.name.clone().unwrap_or_else(|| run.id.clone());
    let when = run.updated.or(run.created).map(|t| format!(" {}", ago(now, t))).unwrap_or_default();
    if run.is_failed() {
        let why = run.state_details.as_ref().map(|d| format!(": {d}")).unwrap_or_default();
        return (Health::Critical, format!("{}: job run {name} FAILED{when}{why}", app.name));
    }
    if let Some(failed) = a.failed_jobs.filter(|n| *n > 0.0) {
        return (
            Health::Warn,
            format!("{}: {} job run(s) failed in the last hour; the newest {}", app.name, thousands(failed), run.state),
        );
    }
    (Health::Ok, format!("{} {}: last job run {name} {}{when}", app.name, app.state, run.state))
}
