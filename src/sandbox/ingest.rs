//! The layers that bring data in beside Kinesis, simulated from the clock and the faults' spans
//! (no state of their own): the MSK cluster and its consumer group's lag, the landing zone's
//! sources (a DMS change-data-capture task, an hourly DataSync task, an hourly AppFlow flow) and
//! the Firehose delivery stream into the raw zone.

use super::emr::fnv;
use super::snapshot::time;
use super::state::SimState;
use crate::model::*;
use crate::settings::Settings;

const MINUTE_MS: i64 = 60_000;
const HOUR_MS: i64 = 3_600_000;
/// The topics the sandbox's Kafka consumer group reads.
const TOPICS: [&str; 2] = ["clickstream.events", "clickstream.orders"];
const PARTITIONS: f64 = 12.0;
/// DataSync runs at :10 for 4 minutes; AppFlow at :20 for 2.
const DATASYNC_MINUTE: i64 = 10;
const DATASYNC_MS: i64 = 4 * MINUTE_MS;
const APPFLOW_MINUTE: i64 = 20;
const APPFLOW_MS: i64 = 2 * MINUTE_MS;
/// What DMS says when the source endpoint's password no longer works.
pub(super) const DMS_STOP_REASON: &str = "Stop Reason FATAL_ERROR Error Level FATAL, Message: Endpoint \
     initialization failed: password authentication failed for user \"dms_reader\" [1020912]";
/// What S3 answers Firehose once the raw bucket's policy no longer admits its role.
pub(super) const FIREHOSE_ERROR: &str = "S3.AccessDenied: Access Denied";

/// A number in [0, 1) fixed by `key` and the minute of `at_ms`: noise that reads the same twice.
pub(super) fn noise(key: &str, at_ms: i64) -> f64 {
    (fnv(&format!("{key}@{}", at_ms.div_euclid(MINUTE_MS))) % 10_000) as f64 / 10_000.0
}

impl SimState {
    /// Records per minute coming into the stream (the last complete minute).
    fn incoming_per_minute(&self) -> f64 {
        self.minutes.back().map(|m| m.incoming_records).unwrap_or(0.0)
    }

    pub(super) fn kafka_status(&self, settings: &Settings) -> Option<KafkaStatus> {
        let msk = &settings.platform.msk;
        if msk.cluster.is_empty() {
            return None;
        }
        let now = self.now_ms;
        // With the fault the consumer takes 40 % of what arrives: it falls behind by 0.6 s a second.
        let behind = self.fault_since(Fault::KafkaLag).map(|since| (now - since) as f64 / 1000.0 * 0.6);
        let mut lags = Vec::new();
        for group in &msk.consumer_groups {
            for (i, topic) in TOPICS.iter().enumerate() {
                let share = if i == 0 { 0.8 } else { 0.2 };
                let seconds = behind.unwrap_or(1.0 + 3.0 * noise(&format!("{group}{topic}"), now));
                let messages = self.incoming_per_minute() / 60.0 * share * seconds;
                lags.push(ConsumerLag {
                    group: group.clone(),
                    topic: topic.to_string(),
                    max_offset_lag: Some((messages / PARTITIONS * 1.4).round()),
                    sum_offset_lag: Some(messages.round()),
                    time_lag_seconds: Some(seconds.round()),
                });
            }
        }
        // The brokers' disks fill slowly with the day's traffic (7 days' retention).
        let disk = 38.0 + 6.0 * super::sim::daily_curve(now) + noise("kafka-disk", now);
        Some(KafkaStatus {
            cluster: msk.cluster.clone(),
            exists: true,
            state: Some("ACTIVE".into()),
            kafka_version: Some("3.6.0".into()),
            brokers: Some(3),
            kind: Some("Provisioned".into()),
            under_replicated: Some(0.0),
            disk_used_percent: Some((disk * 10.0).round() / 10.0),
            groups: msk.consumer_groups.clone(),
            lags,
        })
    }

    pub(super) fn sources_status(&self, settings: &Settings) -> Option<SourcesStatus> {
        let s = &settings.platform.sources;
        if !s.any() {
            return None;
        }
        let sources: Vec<IngestSource> = s
            .named()
            .into_iter()
            .flat_map(|(kind, names)| names.iter().map(move |n| (kind, n)))
            .map(|(kind, n)| if kind == SourceKind::Dms { self.dms_task(n) } else { self.scheduled_source(kind, n) })
            .collect();
        Some(SourcesStatus { sources, expect_within_minutes: s.expect_within_minutes })
    }

    /// A DMS task doing change data capture since two days ago: it lands continuously, seconds
    /// behind, until the fault stops it; it stays stopped until resumed (see `rerun`).
    fn dms_task(&self, name: &str) -> IngestSource {
        let now = self.now_ms;
        let stopped = self.dms_stopped_since(name);
        // A resume while the cause is still there starts, then fails again.
        let resume = Rerun::DmsTask(name.to_string());
        let retried =
            stopped.and_then(|since| self.reruns_of(&resume).map(|r| r.at_ms).filter(|at| *at >= since).last());
        // A resumed task's current load began when it was resumed; it takes a minute to start.
        let resumed = self.reruns_of(&resume).map(|r| r.at_ms).filter(|_| stopped.is_none()).last();
        let starting = |at: i64| now < at + super::rerun::DMS_STARTS_MS;
        let status = match (stopped, retried) {
            (None, _) if resumed.is_some_and(starting) => "starting",
            (None, _) => "running",
            (Some(_), Some(at)) if starting(at) => "starting",
            (Some(_), Some(_)) => "failed",
            (Some(_), None) => "stopped",
        };
        let reason = stopped.filter(|_| status != "starting").map(|_| DMS_STOP_REASON.to_string());
        let latency = |key: &str, base: f64| (status == "running").then(|| (base + 4.0 * noise(key, now)).round());
        let began = resumed.unwrap_or(now - now.rem_euclid(HOUR_MS) - 48 * HOUR_MS);
        IngestSource {
            kind: SourceKind::Dms,
            name: name.into(),
            exists: true,
            status: Some(status.into()),
            status_reason: reason.clone(),
            trigger: None,
            last_run: Some(SourceRun {
                id: name.into(),
                status: status.into(),
                started: Some(time(retried.unwrap_or(began).min(now))),
                ended: stopped
                    .filter(|_| status != "starting")
                    .map(|since| time(retried.map_or(since, |at| at + super::rerun::DMS_STARTS_MS))),
                bytes: None,
                items: None,
                error: reason,
            }),
            last_success: Some(time(stopped.unwrap_or(now))),
            cdc_latency_source: latency(&format!("{name}-source"), 2.0),
            cdc_latency_target: latency(&format!("{name}-target"), 3.0),
            tables_errored: Some(0),
        }
    }

    /// A task run every hour (DataSync at :10, AppFlow at :20): its newest run and the newest
    /// that succeeded.
    fn scheduled_source(&self, kind: SourceKind, name: &str) -> IngestSource {
        let (minute, length) = match kind {
            SourceKind::AppFlow => (APPFLOW_MINUTE, APPFLOW_MS),
            _ => (DATASYNC_MINUTE, DATASYNC_MS),
        };
        let now = self.now_ms;
        let hour = now.div_euclid(HOUR_MS);
        let started = |h: i64| h * HOUR_MS + minute * MINUTE_MS;
        let last_hour = if now >= started(hour) { hour } else { hour - 1 };
        let run_at = |at: i64| {
            let done = now >= at + length;
            let size = 0.8 + 0.4 * noise(name, at);
            let (bytes, items) = match kind {
                SourceKind::AppFlow => ((size * 2_400_000.0) as u64, (size * 1_200.0) as u64),
                _ => ((size * 1_200_000_000.0) as u64, (size * 320.0) as u64),
            };
            let (running, succeeded) = match kind {
                SourceKind::AppFlow => ("InProgress", "Successful"),
                _ => ("TRANSFERRING", "SUCCESS"),
            };
            SourceRun {
                id: format!("{}-{:08x}", kind.label().to_lowercase(), fnv(&format!("{name}{at}")) as u32),
                status: if done { succeeded } else { running }.into(),
                started: Some(time(at)),
                ended: done.then(|| time(at + length)),
                bytes: done.then_some(bytes),
                items: done.then_some(items),
                error: None,
            }
        };
        let run = |h: i64| run_at(started(h));
        // The operator's runs (`rerun`) beside the scheduled ones: the newest started is the last.
        let asked = Rerun::source(kind, name);
        let runs: Vec<SourceRun> = [run(last_hour - 1), run(last_hour)]
            .into_iter()
            .chain(self.reruns_of(&asked).map(|r| {
                let id = r.run_id(if kind == SourceKind::AppFlow { "appflow" } else { "exec" });
                SourceRun { id, ..run_at(r.at_ms) }
            }))
            .collect();
        let last = runs.iter().max_by_key(|r| r.started).cloned().unwrap_or_else(|| run(last_hour));
        let success = runs.iter().filter_map(|r| r.ended).max();
        let status = match kind {
            SourceKind::AppFlow => "Active",
            _ if last.ended.is_none() => "RUNNING",
            _ => "AVAILABLE",
        };
        IngestSource {
            kind,
            name: name.into(),
            exists: true,
            status: Some(status.into()),
            status_reason: None,
            trigger: (kind == SourceKind::AppFlow).then(|| "OnDemand".into()),
            last_run: Some(last),
            last_success: success,
            cdc_latency_source: None,
            cdc_latency_target: None,
            tables_errored: None,
        }
    }

    pub(super) fn firehose_status(&self, settings: &Settings) -> Option<FirehoseStatus> {
        let names = settings.platform.firehose.watched();
        if names.is_empty() {
            return None;
        }
        let streams = names.iter().map(|name| self.delivery_stream(name, settings)).collect();
        Some(FirehoseStatus { streams })
    }

    fn delivery_stream(&self, name: &str, settings: &Settings) -> DeliveryStream {
        let now = self.now_ms;
        let failing = self.fault_since(Fault::FirehoseStale);
        // Firehose delivers every 300 s (its buffer interval): the oldest record waits up to that.
        let waiting = (now.rem_euclid(300_000) / 1000) as f64 + 20.0;
        let freshness = match failing {
            Some(since) => waiting.max((now - since) as f64 / 1000.0 + 300.0),
            None => waiting,
        };
        let records = self.incoming_per_minute();
        let group = format!("/aws/kinesisfirehose/{name}");
        DeliveryStream {
            name: name.into(),
            exists: true,
            status: Some("ACTIVE".into()),
            source: Some(format!("Kinesis stream {}", self.stream.name)),
            destination: Some(format!(
                "s3://{}/firehose/year=!{{partitionKeyFromQuery:year}}/month=!{{partitionKeyFromQuery:month}}/day=!{{partitionKeyFromQuery:day}}/",
                self.lake.raw_bucket
            )),
            error_prefix: Some(format!("s3://{}/firehose-errors/!{{firehose:error-output-type}}/", self.lake.raw_bucket)),
            dynamic_partitioning: true,
            buffering: Some("64 MiB or 300 s".into()),
            backup: Some("Disabled".into()),
            error_log: Some(format!("{group} DestinationDelivery")),
            last_error: failing.map(|_| FIREHOSE_ERROR.into()),
            incoming_records: Some(records.round()),
            incoming_bytes: Some((records * settings.sandbox.record_bytes as f64).round()),
            freshness_seconds: Some(freshness.round()),
            success: Some(if failing.is_some() { 0.0 } else { 1.0 }),
            throttled: Some(0.0),
        }
    }

    /// What each of these layers' alarms says now: (alarm suffix, metric, breached, reason).
    pub(super) fn ingest_alarm_verdicts(&self, settings: &Settings) -> Vec<(&'static str, &'static str, bool, String)> {
        let mut verdicts = Vec::new();
        if let Some(f) = self.firehose_status(settings) {
            let oldest = f.streams.iter().filter_map(|s| s.freshness_seconds).fold(0.0, f64::max);
            let line = crate::ops::health::FIREHOSE_STALE_SECONDS;
            verdicts.push((
                "delivery-freshness",
                "AWS/Firehose DeliveryToS3.DataFreshness",
                oldest > line,
                format!("DeliveryToS3.DataFreshness {oldest:.0} s above {line:.0} s for 1 datapoint"),
            ));
        }
        if let Some(k) = self.kafka_status(settings) {
            let lag = k.lags.iter().filter_map(|l| l.time_lag_seconds).fold(0.0, f64::max);
            let line = settings.platform.alarms.iterator_age_seconds as f64;
            verdicts.push((
                "kafka-lag",
                "AWS/Kafka EstimatedMaxTimeLag",
                lag > line,
                format!("EstimatedMaxTimeLag {lag:.0} s above {line:.0} s for 3 datapoints"),
            ));
        }
        if !settings.platform.sources.dms_tasks.is_empty() {
            verdicts.push((
                "dms-cdc-latency",
                "AWS/DMS CDCLatencySource",
                settings.platform.sources.dms_tasks.iter().any(|t| self.dms_stopped_since(t).is_some()),
                "CDCLatencySource: no datapoints for 5 minutes (missing data treated as breaching)".into(),
            ));
        }
        verdicts
    }
}
