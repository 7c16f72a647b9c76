//! What the sandbox reports, read the way the AWS backend reads AWS: per-minute sums
//! turned into per-second rates from the last complete minute.

use chrono::{DateTime, Utc};

use super::state::*;
use crate::model::*;

/// Minutes of incoming-rate history the overview's trend can show.
pub const HISTORY_MINUTES: usize = 180;

pub(super) fn time(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

/// The minute's 99th-percentile duration: with 1 % or more failing, a failed batch's time
/// (they are the slowest); otherwise the slow tail of successful batches.
fn p99(m: &MinuteMetrics) -> f64 {
    let average = m.duration_ms_sum / m.invocations.max(1e-9);
    if m.errors / m.invocations.max(1e-9) >= 0.01 {
        m.duration_ms_max
    } else {
        (average * 1.8).min(m.duration_ms_max.max(average))
    }
}

/// The sandbox workgroup scales from 8 to 128 RPUs with its load.
fn rpu_in_use(percent: f64) -> f64 {
    (8.0 + percent / 100.0 * 120.0).round()
}

impl SimState {
    fn function_history(&self) -> FunctionHistory {
        let recent: Vec<&MinuteMetrics> = self.minutes.iter().rev().take(HISTORY_MINUTES).rev().collect();
        let series = |f: &dyn Fn(&MinuteMetrics) -> f64| recent.iter().map(|m| f(m)).collect::<Vec<f64>>();
        let busy = |m: &MinuteMetrics| m.invocations > 0.0;
        FunctionHistory {
            invocations: series(&|m| m.invocations),
            errors: series(&|m| m.errors),
            throttles: series(&|m| m.throttles),
            duration_ms: series(&|m| if busy(m) { m.duration_ms_sum / m.invocations } else { 0.0 }),
            duration_p99_ms: series(&|m| if busy(m) { p99(m) } else { 0.0 }),
            iterator_age_ms: series(&|m| m.iterator_age_ms),
            concurrency: series(&|m| m.concurrency_max),
        }
    }

    /// Everything the overview shows, with the layers `settings` watches.
    pub fn snapshot(&self, settings: &crate::settings::Settings) -> PlatformSnapshot {
        let last = self.minutes.back();
        let ago = |n: usize| self.minutes.len().checked_sub(1 + n).and_then(|i| self.minutes.get(i));
        let per_second = |f: fn(&MinuteMetrics) -> f64| last.map(|m| f(m) / 60.0);
        let per_minute = |f: fn(&MinuteMetrics) -> f64| last.map(f);
        let history: Vec<f64> =
            self.minutes.iter().rev().take(HISTORY_MINUTES).rev().map(|m| m.incoming_records / 60.0).collect();

        let stream = StreamStatus {
            name: self.stream.name.clone(),
            status: self.stream.status.clone(),
            mode: self.stream.mode,
            open_shards: self.stream.open_shards().count() as u32,
            retention_hours: Some(self.stream.retention_hours),
            consumers: Some(0),
            incoming_records_per_second: per_second(|m| m.incoming_records),
            incoming_bytes_per_second: per_second(|m| m.incoming_bytes),
            incoming_history: history,
            iterator_age_ms: per_minute(|m| m.iterator_age_ms),
            iterator_age_ms_before: ago(10).map(|m| m.iterator_age_ms),
            write_throttled: per_minute(|m| m.write_throttled),
            read_throttled: per_minute(|m| m.read_throttled),
        };
        let function = FunctionStatus {
            name: self.lambda.function.clone(),
            invocations_per_minute: per_minute(|m| m.invocations),
            errors_per_minute: per_minute(|m| m.errors),
            throttles_per_minute: per_minute(|m| m.throttles),
            duration_ms: last.filter(|m| m.invocations > 0.0).map(|m| m.duration_ms_sum / m.invocations),
            duration_p99_ms: last.filter(|m| m.invocations > 0.0).map(p99),
            iterator_age_ms: per_minute(|m| m.iterator_age_ms),
            concurrency: per_minute(|m| m.concurrency_max),
            history: self.function_history(),
        };
        let lake = LakeStatus {
            raw_bucket: self.lake.raw_bucket.clone(),
            curated_bucket: self.lake.curated_bucket.clone(),
            raw_bytes: self.lake.raw_bytes as u64,
            raw_objects: self.lake.raw_objects,
            curated_bytes: self.lake.curated_bytes as u64,
            curated_objects: self.lake.curated_objects,
            last_raw_write: self.lake.last_raw_write_ms.map(time),
            dlq_messages: self.lake.dlq_messages.floor() as u64,
        };
        let run = |r: &GlueRun| JobRun {
            id: r.id.clone(),
            state: r.state.clone(),
            started: time(r.started_ms),
            ended: r.ended_ms.map(time),
            duration_seconds: Some(((r.ended_ms.unwrap_or(self.now_ms) - r.started_ms) / 1000) as u64),
            error: r.error.clone(),
        };
        let glue = GlueStatus {
            job: self.glue.job.clone(),
            last_run: self.glue.runs.back().map(run),
            last_finished: self.glue.runs.iter().rev().find(|r| r.ended_ms.is_some()).map(run),
            crawler: self.glue.crawler.clone(),
            crawler_state: self.glue.crawler_state.clone(),
            crawler_last_status: self.glue.crawler_last_status.clone(),
            crawler_last_crawl: self.glue.crawler_last_crawl_ms.map(time),
            quality_failures: quality_failures(self.table_quality().iter().map(|(t, q)| (t.as_str(), q))),
            curated_writes: self.curated_writes(),
        };
        let average = |m: &MinuteMetrics, sum: f64| if m.samples > 0.0 { sum / m.samples } else { 0.0 };
        let recent: Vec<&MinuteMetrics> = self.minutes.iter().rev().take(HISTORY_MINUTES).rev().collect();
        let cpu = last.filter(|m| m.samples > 0.0).map(|m| m.redshift_cpu_sum / m.samples);
        let redshift = RedshiftStatus {
            name: self.redshift.name.clone(),
            mode: crate::model::RedshiftMode::Serverless,
            cpu_percent: cpu,
            compute_rpu: cpu.map(rpu_in_use),
            connections: last.filter(|m| m.samples > 0.0).map(|m| (m.redshift_connections_sum / m.samples).round()),
            disk_used_percent: Some(self.redshift.disk_percent),
            healthy: None,
            history: RedshiftHistory {
                load: recent.iter().map(|m| rpu_in_use(average(m, m.redshift_cpu_sum))).collect(),
                connections: recent.iter().map(|m| average(m, m.redshift_connections_sum)).collect(),
                disk_used_percent: recent.iter().map(|m| m.redshift_disk_percent).collect(),
            },
        };
        let athena = AthenaStatus {
            workgroup: self.athena.workgroup.clone(),
            running: u32::from(self.now_ms < self.athena.running_until_ms),
            failed_last_hour: self.athena.failures_ms.len() as u32,
            scanned_bytes_today: self.athena.scanned_today as u64,
        };
        let hour_ago = self.now_ms - 3_600_000;
        let writes: Vec<&TrailEvent> = self.trail.iter().filter(|e| !e.read_only && e.time_ms >= hour_ago).collect();
        let audit = AuditStatus {
            write_events_last_hour: writes.len() as u32,
            latest_write: writes.last().map(|e| e.to_audit_event()),
            writes: writes.iter().rev().map(|e| e.to_audit_event()).collect(),
        };
        let mut alarms = AlarmStatus {
            total: self.alarms.len() as u32,
            alarms: self
                .alarms
                .iter()
                .map(|a| Alarm {
                    name: a.name.clone(),
                    state: a.state.clone(),
                    reason: a.reason.clone(),
                    since: Some(time(a.since_ms)),
                    metric: Some(a.metric.clone()),
                })
                .collect(),
            dlq: Reading::Ready {
                data: DlqStatus {
                    queue: self.lake.dlq_queue.clone(),
                    visible: Some(self.lake.dlq_messages.floor() as u64),
                    in_flight: Some(0),
                    oldest_age_seconds: self.lake.dlq_oldest_ms.map(|t| ((self.now_ms - t) / 1000) as f64),
                },
            },
        };
        alarms.sort();
        PlatformSnapshot {
            taken_at: time(self.now_ms),
            streams: Reading::Ready { data: vec![stream] },
            function: Reading::Ready { data: function },
            lake: Reading::Ready { data: lake },
            glue: Reading::Ready { data: glue },
            orchestration: Reading::watched(self.orchestration_status(settings)),
            processing: Reading::watched(self.processing_status(settings)),
            msk: Reading::watched(self.kafka_status(settings)),
            sources: Reading::watched(self.sources_status(settings)),
            firehose: Reading::watched(self.firehose_status(settings)),
            opensearch: Reading::watched(self.search_domain(settings)),
            quicksight: Reading::watched(self.quicksight_status(settings)),
            redshift: Reading::Ready { data: redshift },
            athena: Reading::Ready { data: athena },
            audit: Reading::Ready { data: audit },
            alarms: Reading::Ready { data: alarms },
            problems: Vec::new(),
            usage: Usage::default(),
        }
    }
}

impl TrailEvent {
    /// The event as CloudTrail's LookupEvents would return it.
    pub fn to_audit_event(&self) -> AuditEvent {
        let agent =
            self.user_agent.clone().unwrap_or_else(|| super::audit::user_agent(&self.user, &self.source, &self.name));
        let json = serde_json::json!({
            "eventVersion": "1.09",
            "userIdentity": {"type": "IAMUser", "userName": self.user},
            "eventTime": time(self.time_ms).to_rfc3339(),
            "eventSource": self.source,
            "eventName": self.name,
            "awsRegion": "sandbox",
            "userAgent": agent,
            "readOnly": self.read_only,
            "requestParameters": {"resourceName": self.resource},
        });
        AuditEvent {
            time: time(self.time_ms),
            user: self.user.clone(),
            source: self.source.clone(),
            name: self.name.clone(),
            resource: self.resource.clone(),
            read_only: self.read_only,
            error_code: None,
            event_json: Some(json.to_string()),
            from_journal: false,
            by_lakeops: crate::ops::audit::made_by_lakeops(&agent),
        }
    }
}
