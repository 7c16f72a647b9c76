//! The overview's verdicts: each layer green, amber or red, with the reason in words.

use chrono::{DateTime, Utc};

use super::format::{ago, bytes, count, millis, percent, rate, thousands};
use crate::model::*;

mod ingestion;
mod processing;
mod serving;
mod warehouse;
pub use ingestion::kafka as kafka_verdict;
pub use ingestion::{delivery_verdict, is_failed_run, source_verdict, FIREHOSE_STALE_SECONDS, KAFKA_DISK_WARN_PERCENT};
pub use processing::{application_verdict, cluster_verdict, HDFS_WARN_PERCENT};
pub use serving::{
    color_meaning, dataset_verdict, domain_verdict, JVM_CRITICAL_PERCENT, JVM_WARN_PERCENT, SEARCH_CPU_WARN_PERCENT,
};
pub use warehouse::{serverless_alarm_rpu, REDSHIFT_DISK_WARN_PERCENT, SERVERLESS_BASE_RPU};

/// The reason of a layer the overview shows that the profile leaves out.
pub const NOT_IN_PROFILE: &str = "not part of this platform's profile";

/// A stream past this share of its write capacity should get more shards.
const STREAM_NEAR_CAPACITY: f64 = 0.85;
/// Throttled while the stream as a whole uses less than this share: the load is uneven.
const STREAM_UNEVEN_BELOW: f64 = 0.8;

/// The thresholds a verdict depends on: the lines of the profile's own alarms
/// (`[platform.alarms]`), so that a layer turns red when its alarm fires.
#[derive(Debug, Clone, Copy)]
pub struct Thresholds {
    pub iterator_age_ms: f64,
    pub lambda_error_rate: f64,
    /// The Redshift CPU alarm's line, in percent.
    pub redshift_cpu_percent: f64,
}

impl Thresholds {
    /// The profile's alarm lines.
    pub fn from_alarms(alarms: &crate::settings::AlarmSettings) -> Thresholds {
        Thresholds {
            iterator_age_ms: alarms.iterator_age_seconds as f64 * 1000.0,
            lambda_error_rate: alarms.lambda_error_rate,
            redshift_cpu_percent: alarms.redshift_cpu_percent,
        }
    }
}

/// Verdicts for every layer shown, in pipeline order (as [`Layer::ALL`]): a layer the profile
/// adds (orchestration, processing, MSK, sources, Firehose, OpenSearch, QuickSight) only when
/// it is watched.
pub fn assess(s: &PlatformSnapshot, t: Thresholds) -> Vec<LayerHealth> {
    let now = s.taken_at;
    let verdicts = vec![
        judge(Layer::Kinesis, &s.streams, |d| kinesis(d, t)),
        judge(Layer::Msk, &s.msk, |d| ingestion::kafka(d, t)),
        judge(Layer::Sources, &s.sources, |d| ingestion::sources(d, now, t)),
        judge(Layer::Firehose, &s.firehose, ingestion::firehose),
        judge(Layer::Lambda, &s.function, |d| lambda(d, t)),
        judge(Layer::Lake, &s.lake, |d| lake(d, now)),
        judge(Layer::Glue, &s.glue, |d| glue(d, now)),
        judge(Layer::Orchestration, &s.orchestration, |d| orchestration(d, now)),
        judge(Layer::Processing, &s.processing, |d| processing::processing(d, now)),
        judge(Layer::Redshift, &s.redshift, |d| warehouse::redshift(d, t)),
        judge(Layer::Athena, &s.athena, athena),
        judge(Layer::Opensearch, &s.opensearch, serving::opensearch),
        judge(Layer::Quicksight, &s.quicksight, |d| serving::quicksight(d, now)),
        judge(Layer::Cloudtrail, &s.audit, |d| audit(d, now)),
        judge(Layer::Alarms, &s.alarms, alarms),
    ];
    let mut layers: Vec<LayerHealth> =
        verdicts.into_iter().filter(|l| l.layer.always_shown() || l.watched).map(|l| l.health).collect();
    // A failing layer names what it affects downstream (the blast radius).
    let impacts = super::impact::impacts(&layers, s);
    for layer in &mut layers {
        if let Some(downstream) = super::impact::downstream_of(&impacts, layer.layer) {
            layer.reason = format!("{} · downstream: {downstream}", layer.reason);
        }
    }
    layers
}

/// A freshness objective that burns or is broken (`ops::slo`) says so in the reason of the layer
/// its dataset belongs to, and makes that layer at least amber (burning) or red (broken).
pub fn with_objectives(layers: &mut [LayerHealth], objectives: &[super::slo::Objective]) {
    use super::slo::State;
    for o in objectives.iter().filter(|o| matches!(o.state, State::AtRisk | State::Burning | State::Broken)) {
        let Some(layer) = layers.iter_mut().find(|l| l.layer == o.layer) else { continue };
        let said = format!("freshness objective {} for {}: {}", o.state.label(), o.dataset, o.reason);
        layer.reason = format!("{said} · {}", layer.reason);
        layer.health = layer.health.max(o.state.health());
    }
}

type Verdict = (Health, String, Vec<KeyNumber>);

/// A verdict and whether the profile watches the layer at all.
struct Judged {
    layer: Layer,
    watched: bool,
    health: LayerHealth,
}

fn judge<T>(layer: Layer, reading: &Reading<T>, f: impl FnOnce(&T) -> Verdict) -> Judged {
    let (health, reason, numbers) = match reading {
        Reading::Ready { data } => f(data),
        Reading::Unavailable { reason } => (Health::Unknown, reason.clone(), Vec::new()),
        Reading::NotWatched => (Health::Unknown, NOT_IN_PROFILE.into(), Vec::new()),
    };
    let watched = !matches!(reading, Reading::NotWatched);
    Judged { layer, watched, health: LayerHealth { layer, health, reason, numbers } }
}

fn num(label: &str, value: Option<f64>, unit: &'static str, text: impl Fn(f64) -> String) -> KeyNumber {
    KeyNumber { label: label.into(), text: value.map(&text).unwrap_or_else(|| "—".into()), value, unit }
}

fn kinesis(streams: &[StreamStatus], t: Thresholds) -> Verdict {
    if streams.is_empty() {
        return (Health::Warn, "no stream found: is the stack provisioned?".into(), Vec::new());
    }
    let verdicts: Vec<(Health, String)> = streams.iter().map(|s| stream_verdict(s, t)).collect();
    let worst = verdicts.iter().enumerate().max_by_key(|(_, v)| v.0).map(|(i, _)| i).unwrap_or(0);
    let (health, mut reason) = verdicts[worst].clone();
    if streams.len() > 1 {
        reason = format!("{}: {reason}", streams[worst].name);
    }
    let total = |f: fn(&StreamStatus) -> Option<f64>| -> Option<f64> {
        streams.iter().filter_map(f).fold(None, |acc, v| Some(acc.unwrap_or(0.0) + v))
    };
    let max = |f: fn(&StreamStatus) -> Option<f64>| -> Option<f64> { streams.iter().filter_map(f).reduce(f64::max) };
    let numbers = vec![
        num("in", total(|s| s.incoming_records_per_second), "records/s", rate),
        num("iterator age", max(|s| s.iterator_age_ms), "ms", millis),
        num("throttled", total(|s| s.write_throttled), "writes/min", thousands),
        num("shards", Some(streams.iter().map(|s| s.open_shards as f64).sum()), "shards", thousands),
    ];
    (health, reason, numbers)
}

/// One stream's health and the reason in words.
pub fn stream_verdict(s: &StreamStatus, t: Thresholds) -> (Health, String) {
    let used = super::kinesis::write_capacity_used(s);
    let used_text = used.map(|u| format!(" at {} of write capacity", percent(u))).unwrap_or_default();
    if s.status != "ACTIVE" {
        return (Health::Warn, format!("stream is {}", s.status));
    }
    if let Some(age) = s.iterator_age_ms.filter(|a| *a > t.iterator_age_ms) {
        let trend = match s.iterator_age_ms_before {
            Some(before) if age > before * 1.1 => " and rising",
            Some(before) if age < before * 0.9 => " and falling",
            _ => "",
        };
        return (Health::Critical, format!("iterator age {}{trend}: consumer falling behind", millis(age)));
    }
    if let Some(throttled) = s.write_throttled.filter(|v| *v > 0.0) {
        let share = s.incoming_records_per_second.map(|r| throttled / (r * 60.0 + throttled)).unwrap_or(1.0);
        let health = if share > 0.01 { Health::Critical } else { Health::Warn };
        let advice = match used {
            // Throttled with capacity to spare: the load is uneven, one shard is hot.
            Some(u) if u < STREAM_UNEVEN_BELOW => {
                format!(
                    "while the stream uses {} of its write capacity: a hot shard? see :streams, split it",
                    percent(u)
                )
            }
            Some(_) => format!("{}: add shards", used_text.trim_start()),
            None => "on an on-demand stream: above twice its recent peak, AWS adds capacity within minutes".into(),
        };
        return (health, format!("{} writes throttled in the last minute {advice}", thousands(throttled)));
    }
    if let Some(age) = s.iterator_age_ms.filter(|a| *a > t.iterator_age_ms / 2.0) {
        return (Health::Warn, format!("iterator age {} is half-way to the alarm threshold", millis(age)));
    }
    if let Some(u) = used.filter(|u| *u > STREAM_NEAR_CAPACITY) {
        return (Health::Warn, format!("at {} of write capacity: consider adding shards", percent(u)));
    }
    match s.incoming_records_per_second {
        None => (Health::Unknown, "no metrics yet for the last minute".into()),
        Some(r) => (Health::Ok, format!("{}{used_text}; consumer keeping up", rate(r))),
    }
}

fn lambda(f: &FunctionStatus, t: Thresholds) -> Verdict {
    let numbers = vec![
        num("invocations", f.invocations_per_minute, "per minute", |v| format!("{}/min", thousands(v))),
        num("errors", f.error_rate(), "fraction", percent),
        num("duration", f.duration_ms, "ms", millis),
        num("throttles", f.throttles_per_minute, "per minute", thousands),
        // Last: an 80-column line cuts the tail before the throttles.
        num("p99", f.duration_p99_ms, "ms", millis),
    ];
    let verdict = if let Some(rate) = f.error_rate().filter(|r| *r > t.lambda_error_rate) {
        (
            Health::Critical,
            format!("error rate {} is over the {} threshold", percent(rate), percent(t.lambda_error_rate)),
        )
    } else if let Some(th) = f.throttles_per_minute.filter(|v| *v > 0.0) {
        (Health::Warn, format!("{} invocations throttled in the last minute", thousands(th)))
    } else if let Some(age) = f.iterator_age_ms.filter(|a| *a > t.iterator_age_ms) {
        (Health::Warn, format!("reading {} behind the stream", millis(age)))
    } else {
        match f.invocations_per_minute {
            None => (Health::Unknown, "no invocations recorded yet".into()),
            Some(_) => (
                Health::Ok,
                format!(
                    "{} errors, {} per batch",
                    f.error_rate().map(percent).unwrap_or_else(|| "no".into()),
                    f.duration_ms.map(millis).unwrap_or_else(|| "—".into())
                ),
            ),
        }
    };
    (verdict.0, verdict.1, numbers)
}

fn lake(l: &LakeStatus, now: DateTime<Utc>) -> Verdict {
    let numbers = vec![
        num("raw", Some(l.raw_bytes as f64), "bytes", bytes),
        num("curated", Some(l.curated_bytes as f64), "bytes", bytes),
        num("DLQ", Some(l.dlq_messages as f64), "messages", thousands),
    ];
    let stale = l.last_raw_write.map(|t| (now - t).num_minutes()).filter(|m| *m >= 10);
    let verdict = if l.dlq_messages > 0 {
        (Health::Warn, format!("{} in the dead-letter queue", count(l.dlq_messages as usize, "message")))
    } else if let Some(minutes) = stale {
        (Health::Warn, format!("no raw-zone writes for {minutes} min"))
    } else {
        let last = l.last_raw_write.map(|t| format!("; last write {}", ago(now, t))).unwrap_or_default();
        (
            Health::Ok,
            format!(
                "{} raw objects, {} curated{last}",
                thousands(l.raw_objects as f64),
                thousands(l.curated_objects as f64)
            ),
        )
    };
    (verdict.0, verdict.1, numbers)
}

fn orchestration(o: &OrchestrationStatus, now: DateTime<Utc>) -> Verdict {
    let sum = |f: fn(&StateMachineHealth) -> Option<f64>| {
        o.state_machines.iter().filter_map(f).fold(None, |acc, v| Some(acc.unwrap_or(0.0) + v))
    };
    let running: u32 = o.state_machines.iter().map(|m| m.running).sum();
    let numbers = vec![
        num("started", sum(|m| m.started), "executions/h", thousands),
        num("failed", sum(|m| Some(m.failed? + m.timed_out.unwrap_or(0.0))), "executions/h", thousands),
        num("running", Some(running as f64), "executions", thousands),
    ];
    let machines = o.state_machines.iter().map(|m| state_machine_verdict(m, now));
    let workflows = o.glue_workflows.iter().map(|w| glue_workflow_verdict(w, now));
    let Some((health, reason)) = machines.chain(workflows).max_by_key(|v| v.0) else {
        return (Health::Unknown, "no state machine or Glue workflow is watched".into(), numbers);
    };
    (health, reason, numbers)
}

/// A Glue workflow's health from its newest run: one that ended with failed jobs or crawlers is
/// critical, naming the first.
pub fn glue_workflow_verdict(w: &GlueWorkflow, now: DateTime<Utc>) -> (Health, String) {
    if !w.exists {
        return (Health::Warn, format!("Glue workflow {} not found: is the stack provisioned?", w.name));
    }
    let Some(run) = w.runs.first() else {
        return (Health::Unknown, format!("Glue workflow {} has not run yet", w.name));
    };
    let when = run.completed.or(run.started).map(|t| format!(" {}", ago(now, t))).unwrap_or_default();
    if run.is_failed() {
        let what = match run.failed_nodes.first() {
            Some(n) => format!(": {}", n.summary()),
            None => run.error.as_deref().map(|e| format!(": {e}")).unwrap_or_default(),
        };
        return (Health::Critical, format!("{}: run {} {}{when}{what}", w.name, run.id, run.status));
    }
    (Health::Ok, format!("{}: last run {}{when}", w.name, run.status))
}

/// One state machine's health and the reason in words.
pub fn state_machine_verdict(m: &StateMachineHealth, now: DateTime<Utc>) -> (Health, String) {
    if !m.exists {
        return (Health::Warn, format!("state machine {} not found: is the stack provisioned?", m.name));
    }
    let failed_in_hour = m.failed.unwrap_or(0.0) + m.timed_out.unwrap_or(0.0);
    let Some(latest) = &m.latest else {
        return (Health::Unknown, format!("{} has not run yet", m.name));
    };
    let when = ago(now, latest.stopped.unwrap_or(latest.started));
    if latest.is_failed() {
        let at = match &latest.failure {
            Some(f) => format!(
                "{}{}",
                f.state.as_ref().map(|s| format!(" at {s}")).unwrap_or_default(),
                if f.error.is_empty() { String::new() } else { format!(": {}", f.error) }
            ),
            None => String::new(),
        };
        let health = if latest.status == "ABORTED" { Health::Warn } else { Health::Critical };
        return (health, format!("{}: {} {} {when}{at}", m.name, latest.name, latest.status));
    }
    if failed_in_hour > 0.0 {
        return (
            Health::Warn,
            format!(
                "{}: {} execution(s) failed in the last hour; the newest {}",
                m.name,
                thousands(failed_in_hour),
                latest.status
            ),
        );
    }
    if m.throttled.is_some_and(|t| t > 0.0) {
        return (Health::Warn, format!("{}: starts throttled in the last hour", m.name));
    }
    match latest.status.as_str() {
        "RUNNING" => (Health::Ok, format!("{}: {} RUNNING since {}", m.name, latest.name, ago(now, latest.started))),
        status => (Health::Ok, format!("{}: last execution {status} {when}", m.name)),
    }
}

fn glue(g: &GlueStatus, now: DateTime<Utc>) -> Verdict {
    let run = g.last_run.as_ref();
    let numbers = vec![
        KeyNumber {
            label: "last run".into(),
            text: run.map(|r| r.state.clone()).unwrap_or_else(|| "—".into()),
            value: None,
            unit: "",
        },
        num("duration", run.and_then(|r| r.duration_seconds).map(|s| s as f64 * 1000.0), "ms", millis),
        KeyNumber { label: "crawler".into(), text: g.crawler_state.clone(), value: None, unit: "" },
    ];
    let failed = |r: &JobRun| matches!(r.state.as_str(), "FAILED" | "TIMEOUT" | "ERROR" | "EXPIRED");
    // A finished run is dated by its end ("SUCCEEDED 2 min ago" of a run that started an hour
    // ago): Glue's CompletedOn, else its start and execution time (which leaves out its start-up).
    let ended = |r: &JobRun| {
        r.ended.unwrap_or_else(|| r.started + chrono::Duration::seconds(r.duration_seconds.unwrap_or(0) as i64))
    };
    let verdict = match run {
        Some(r) if failed(r) => (
            Health::Critical,
            format!(
                "last run of {} {} {}: {}",
                g.job,
                r.state,
                ago(now, ended(r)),
                r.error.clone().unwrap_or_else(|| "no error message".into())
            ),
        ),
        Some(r) if matches!(r.state.as_str(), "STARTING" | "RUNNING" | "STOPPING" | "WAITING") => {
            let previous = match &g.last_finished {
                Some(p) if failed(p) => {
                    return (Health::Warn, format!("{} {} after a {} run", g.job, r.state, p.state), numbers)
                }
                Some(p) => format!("; previous run {}", p.state),
                None => String::new(),
            };
            (Health::Ok, format!("{} {} since {}{previous}", g.job, r.state, ago(now, r.started)))
        }
        Some(r) => (Health::Ok, format!("last run of {} {} {}", g.job, r.state, ago(now, ended(r)))),
        None => (Health::Unknown, format!("{} has not run yet", g.job)),
    };
    if verdict.0 == Health::Ok && g.crawler_last_status.as_deref() == Some("FAILED") {
        return (Health::Warn, format!("crawler {} failed its last crawl", g.crawler), numbers);
    }
    if let (Health::Ok, Some(f)) = (verdict.0, g.quality_failures.first()) {
        let score = f.score.map(|s| format!(" (score {})", percent(s))).unwrap_or_default();
        let why = f.rule.message.as_deref().map(|m| format!(": {m}")).unwrap_or_default();
        let reason =
            format!("table {} fails its ruleset {}{score}: {} {}{why}", f.table, f.ruleset, f.rule.rule, f.rule.result);
        return (Health::Warn, reason, numbers);
    }
    (verdict.0, verdict.1, numbers)
}

fn athena(a: &AthenaStatus) -> Verdict {
    let numbers = vec![
        num("running", Some(a.running as f64), "queries", thousands),
        num("failed (1 h)", Some(a.failed_last_hour as f64), "queries", thousands),
        num("scanned today", Some(a.scanned_bytes_today as f64), "bytes", bytes),
    ];
    if a.failed_last_hour > 0 {
        let queries = if a.failed_last_hour == 1 { "query" } else { "queries" };
        return (
            Health::Warn,
            format!("{} {queries} failed in the last hour in {}", a.failed_last_hour, a.workgroup),
            numbers,
        );
    }
    (Health::Ok, format!("workgroup {}: {} running", a.workgroup, a.running), numbers)
}

/// The trail's last hour: its writes, and among them the changes to the platform as the charts'
/// markers count them (`markers::is_change`): an analyst's query, a scheduled job run or a log
/// stream is a write, not a change, and is not named "the latest change".
fn audit(a: &AuditStatus, now: DateTime<Utc>) -> Verdict {
    let changes: Vec<&crate::model::AuditEvent> = a.writes.iter().filter(|e| super::markers::is_change(e)).collect();
    let numbers = vec![
        num("writes (1 h)", Some(a.write_events_last_hour as f64), "events", thousands),
        num("changes (1 h)", Some(changes.len() as f64), "events", thousands),
    ];
    let reason = match changes.first() {
        Some(e) => format!("latest change: {} {} on {} {}", e.user, e.name, e.resource, ago(now, e.time)),
        None if a.write_events_last_hour > 0 => format!(
            "no changes in the last hour ({} writes ran work: queries, job runs, logs)",
            thousands(a.write_events_last_hour as f64)
        ),
        None => "no changes in the last hour".into(),
    };
    (Health::Ok, reason, numbers)
}

fn alarms(a: &AlarmStatus) -> Verdict {
    let firing: Vec<&str> = a.firing().map(|x| x.name.as_str()).collect();
    let mut numbers = vec![
        num("firing", Some(firing.len() as f64), "alarms", thousands),
        num("total", Some(a.total as f64), "alarms", thousands),
    ];
    let dlq = a.dlq.ready();
    if let Some(d) = dlq {
        numbers.push(num("DLQ", d.visible.map(|v| v as f64), "messages", thousands));
    }
    if !firing.is_empty() {
        let s = if firing.len() == 1 { "" } else { "s" };
        return (Health::Critical, format!("{} alarm{s} firing: {}", firing.len(), firing.join(", ")), numbers);
    }
    if let Some(waiting) = dlq.and_then(|d| d.visible).filter(|v| *v > 0) {
        let age = dlq.and_then(|d| d.oldest_age_seconds).map(|s| format!(", oldest {}", millis(s * 1000.0)));
        let reason =
            format!("{} in the dead-letter queue{}", count(waiting as usize, "message"), age.unwrap_or_default());
        return (Health::Warn, reason, numbers);
    }
    if a.total == 0 {
        return (Health::Warn, "no alarms found for this platform: nothing would page anyone".into(), numbers);
    }
    (Health::Ok, format!("none of {} alarms firing", a.total), numbers)
}

/// The worst health across layers (for exit summaries and the header).
pub fn overall(layers: &[LayerHealth]) -> Health {
    layers.iter().map(|l| l.health).max().unwrap_or(Health::Unknown)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stream() -> StreamStatus {
        StreamStatus::example("s")
    }
    const T: Thresholds = Thresholds { iterator_age_ms: 60_000.0, lambda_error_rate: 0.01, redshift_cpu_percent: 80.0 };

    /// The latest change is a change to the platform: an analyst's query or a scheduled job run
    /// is a write that ran work, not what changed.
    #[test]
    fn the_trails_latest_change_is_no_query() {
        let now = chrono::Utc::now();
        let event = |name: &str, user: &str, minutes: i64| crate::model::AuditEvent {
            name: name.into(),
            resource: "clickstream-ingest".into(),
            ..crate::model::AuditEvent::example(user, false, now - chrono::Duration::minutes(minutes))
        };
        let status = |writes: Vec<crate::model::AuditEvent>| AuditStatus {
            write_events_last_hour: writes.len() as u32,
            latest_write: writes.first().cloned(),
            writes,
        };
        let queries =
            status(vec![event("StartQueryExecution", "analytics-bot", 1), event("StartJobRun", "glue-scheduler", 2)]);
        let (_, reason, numbers) = audit(&queries, now);
        assert_eq!(reason, "no changes in the last hour (2 writes ran work: queries, job runs, logs)");
        assert_eq!(numbers[1].value, Some(0.0));
        let mut writes = queries.writes.clone();
        writes.push(event("UpdateFunctionCode", "ci-deployer", 14));
        let (_, reason, numbers) = audit(&status(writes), now);
        assert_eq!(reason, "latest change: ci-deployer UpdateFunctionCode on clickstream-ingest 14 min ago");
        assert_eq!((numbers[0].value, numbers[1].value), (Some(3.0), Some(1.0)));
    }

    /// A finished run is dated by its end, not its start.
    #[test]
    fn the_last_glue_run_is_dated_by_its_end() {
        let now = chrono::Utc::now();
        let run = |state: &str| JobRun {
            id: "jr_1".into(),
            state: state.into(),
            started: now - chrono::Duration::minutes(60),
            ended: None,
            duration_seconds: Some(58 * 60),
            error: Some("boom".into()),
        };
        let g = |state: &str| GlueStatus { last_run: Some(run(state)), ..GlueStatus::example() };
        assert_eq!(glue(&g("SUCCEEDED"), now).1, "last run of curate SUCCEEDED 2 min ago");
        assert_eq!(glue(&g("FAILED"), now).1, "last run of curate FAILED 2 min ago: boom");
        // Glue's CompletedOn where it is read: a run that queued for an hour ran 0 s.
        let mut queued = g("FAILED");
        queued.last_run.as_mut().unwrap().ended = Some(now - chrono::Duration::seconds(30));
        assert_eq!(glue(&queued, now).1, "last run of curate FAILED 30 s ago: boom");
    }

    #[test]
    fn healthy_stream_reads_its_load() {
        let (h, reason) = stream_verdict(&stream(), T);
        assert_eq!(h, Health::Ok);
        assert_eq!(reason, "2,400/s at 60 % of write capacity; consumer keeping up");
    }

    #[test]
    fn rising_iterator_age_is_critical_with_the_reason() {
        let s = StreamStatus { iterator_age_ms: Some(840_000.0), iterator_age_ms_before: Some(300_000.0), ..stream() };
        assert_eq!(
            stream_verdict(&s, T),
            (Health::Critical, "iterator age 14 min and rising: consumer falling behind".into())
        );
    }

    #[test]
    fn throttling_says_add_shards() {
        let s = StreamStatus { write_throttled: Some(9000.0), incoming_records_per_second: Some(4000.0), ..stream() };
        let (h, reason) = stream_verdict(&s, T);
        assert_eq!(h, Health::Critical);
        assert!(reason.starts_with("9,000 writes throttled"), "{reason}");
    }

    #[test]
    fn a_platform_without_alarms_is_a_warning() {
        let (h, reason, _) = alarms(&AlarmStatus { total: 0, alarms: vec![], dlq: Reading::NotWatched });
        assert_eq!(h, Health::Warn);
        assert!(reason.contains("nothing would page anyone"));
    }

    #[test]
    fn throttling_with_capacity_to_spare_points_at_a_hot_shard() {
        let s = StreamStatus { write_throttled: Some(4_738.0), incoming_records_per_second: Some(1_690.0), ..stream() };
        let (_, reason) = stream_verdict(&s, T);
        assert_eq!(
            reason,
            "4,738 writes throttled in the last minute while the stream uses 42 % of its write capacity: a hot shard? see :streams, split it"
        );
    }

    /// One message is a message: the dead-letter line counts as other lines do.
    #[test]
    fn the_dead_letter_queue_is_counted_in_words() {
        let now = Utc::now();
        let lake = |dlq_messages| LakeStatus {
            raw_bucket: "raw".into(),
            curated_bucket: "curated".into(),
            raw_bytes: 1,
            raw_objects: 1,
            curated_bytes: 1,
            curated_objects: 1,
            last_raw_write: Some(now),
            dlq_messages,
        };
        assert_eq!(super::lake(&lake(1), now).1, "1 message in the dead-letter queue");
        assert_eq!(super::lake(&lake(1_200), now).1, "1,200 messages in the dead-letter queue");
    }

    #[test]
    fn lambda_error_rate_over_threshold_is_critical() {
        let f = FunctionStatus {
            name: "f".into(),
            invocations_per_minute: Some(100.0),
            errors_per_minute: Some(5.0),
            throttles_per_minute: Some(0.0),
            duration_ms: Some(300.0),
            duration_p99_ms: Some(900.0),
            iterator_age_ms: Some(500.0),
            concurrency: Some(4.0),
            history: Default::default(),
        };
        let (h, reason, numbers) = lambda(&f, T);
        assert_eq!(h, Health::Critical);
        assert_eq!(reason, "error rate 5.0 % is over the 1.0 % threshold");
        // The tail beside the average, as `status --json` carries it.
        let p99 = numbers.iter().find(|n| n.label == "p99").expect("a p99 number");
        assert_eq!((p99.text.as_str(), p99.value, p99.unit), ("900 ms", Some(900.0), "ms"));
    }
}
