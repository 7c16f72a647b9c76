//! Time-stepping the sandbox: producers, then the stream and its consumer, then the batch
//! layers, then the audit trail and the alarms.

use std::collections::VecDeque;

use super::rng::Rng;
use super::state::*;
use crate::model::CapacityMode;
use crate::settings::{Settings, StreamMode};

/// The saved-state format; bump when it changes.
pub const STATE_VERSION: u32 = 3;
/// Minutes of per-minute metrics kept (CloudWatch keeps 60 s data 15 days; a day is enough here).
const MINUTES_KEPT: usize = 1440;
/// Closed-lakeops catch-up simulates at most this much; older time is skipped.
const CATCH_UP_LIMIT_MS: i64 = 24 * 3_600_000;
/// Live, the model steps a second at a time; a longer gap (lakeops was closed, or runs at
/// high speed) is stepped a minute at a time until the last stretch.
const FINE_STEP_MS: i64 = 1_000;
const COARSE_STEP_MS: i64 = 60_000;
const FINE_STEPS_WITHIN_MS: i64 = 10 * 60_000;

/// A lake bucket's name as the profile's stack names it (`<stack>-<zone>-<account>-<region>`), so
/// that the stack's outputs and what the sandbox runs agree.
fn lake_bucket(settings: &Settings, zone: &str) -> String {
    let (stack, region) = (&settings.platform.stack_name, &settings.aws.region);
    format!("{stack}-{zone}-{}-{region}", super::stack::SANDBOX_ACCOUNT)
}

impl SimState {
    /// A fresh platform as the profile describes it, at `now_ms`.
    pub fn new(settings: &Settings, now_ms: i64) -> SimState {
        let p = &settings.platform;
        let sb = &settings.sandbox;
        let mut state = SimState {
            version: STATE_VERSION,
            seed: sb.seed,
            rng: Rng::new(sb.seed),
            now_ms: now_ms - now_ms.rem_euclid(1000),
            stream: StreamState {
                name: p.stream.name.clone(),
                mode: match p.stream.mode {
                    StreamMode::Provisioned => CapacityMode::Provisioned,
                    StreamMode::OnDemand => CapacityMode::OnDemand,
                },
                status: "ACTIVE".into(),
                retention_hours: p.stream.retention_hours,
                shards: Vec::new(),
                next_shard_number: 0,
                pending: None,
                enhanced_monitoring: false,
            },
            lambda: LambdaState {
                function: p.lambda.function.clone(),
                batch_size: p.lambda.batch_size,
                error_rate: sb.lambda_error_rate,
            },
            lake: LakeState {
                raw_bucket: p.lake.raw_bucket.clone().unwrap_or_else(|| lake_bucket(settings, "raw")),
                curated_bucket: p.lake.curated_bucket.clone().unwrap_or_else(|| lake_bucket(settings, "curated")),
                raw_bytes: 48.0e9,
                raw_objects: 410_000,
                curated_bytes: 11.0e9,
                curated_objects: 5_800,
                raw_bytes_pending: 0.0,
                curated_until_ms: now_ms,
                last_raw_write_ms: None,
                dlq_queue: p.dlq.queue.clone(),
                dlq_messages: 0.0,
                dlq_oldest_ms: None,
            },
            glue: GlueState {
                database: p.glue.database.clone(),
                job: p.glue.job.clone(),
                crawler: p.glue.crawler.clone(),
                job_minute: 0,
                job_every_minutes: 60,
                job_slot: 0,
                crawler_slot: 0,
                failure_rate: sb.glue_failure_rate,
                runs: VecDeque::new(),
                next_run_number: 1,
                crawler_state: "READY".into(),
                crawler_until_ms: 0,
                crawler_last_status: None,
                crawler_last_crawl_ms: None,
                crawler_last_error: None,
                crawler_tables_created: 0,
                crawler_tables_updated: 0,
                created_ms: now_ms,
                crawled_through_ms: now_ms,
                curated_through_ms: now_ms,
                quality_runs: 0,
                quality_evaluated_ms: None,
                quality_bad: false,
            },
            redshift: RedshiftState {
                name: p.redshift.name.clone(),
                load_until_ms: 0,
                cpu: 12.0,
                connections: 6.0,
                disk_percent: 38.0,
            },
            athena: AthenaState {
                workgroup: p.athena.workgroup.clone(),
                saved: starter_queries(&p.athena.workgroup, &p.glue.database),
                running_until_ms: 0,
                failures_ms: VecDeque::new(),
                scanned_today: 0.0,
                day: 0,
                executions: VecDeque::new(),
            },
            trail: VecDeque::new(),
            alarms: Vec::new(),
            burst: None,
            faults: Vec::new(),
            minutes: VecDeque::new(),
            current: MinuteMetrics::default(),
            stack: None,
            clock: None,
            workflow: Default::default(),
            emr: Default::default(),
            serverless: Default::default(),
            fault_spans: Vec::new(),
            reruns: Vec::new(),
            calm_until_ms: 0,
        };
        let (minute, every) = schedule_minutes(&p.glue.schedule);
        state.glue.job_minute = minute;
        state.glue.job_every_minutes = every;
        state.glue.job_slot = state.glue.job_slot_at(state.now_ms);
        state.glue.crawler_slot = super::batch::crawler_slot_at(state.now_ms);
        state.create_shards(p.stream.shards);
        state.current.minute_ms = minute_of(state.now_ms);
        state.alarms = super::audit::initial_alarms(&p.stack_name, state.now_ms);
        state
    }

    /// Moves simulated time to `target_ms`: finely when the gap is small, coarsely (and
    /// skipping beyond a day) when lakeops was closed for long.
    pub fn advance_to(&mut self, target_ms: i64, settings: &Settings) {
        if target_ms <= self.now_ms {
            return;
        }
        if target_ms - self.now_ms > CATCH_UP_LIMIT_MS {
            self.skip_to(target_ms - CATCH_UP_LIMIT_MS);
        }
        while self.now_ms < target_ms {
            let remaining = target_ms - self.now_ms;
            // Coarse steps end on minute boundaries, so each fills exactly one minute of metrics.
            let step = if remaining > FINE_STEPS_WITHIN_MS {
                COARSE_STEP_MS - self.now_ms.rem_euclid(COARSE_STEP_MS)
            } else {
                FINE_STEP_MS
            };
            self.step(step.min(remaining), settings);
        }
    }

    /// Jumps over time that is not simulated: queues are left as they were, metrics are not kept.
    fn skip_to(&mut self, ms: i64) {
        let ms = minute_of(ms);
        self.now_ms = ms;
        self.minutes.clear();
        self.current = MinuteMetrics { minute_ms: minute_of(ms), ..Default::default() };
        self.burst = None;
    }

    fn step(&mut self, step_ms: i64, settings: &Settings) {
        let dt = step_ms as f64 / 1000.0;
        self.apply_pending_reshard();
        self.stack_step();
        let rate = self.producer_rate(dt, settings);
        self.stream_step(rate, dt, settings.sandbox.record_bytes as f64);
        self.glue_step();
        self.workflow_step(settings);
        self.emr_step(settings);
        self.warehouse_step(dt);
        self.athena_step(dt);
        self.background_activity(dt);
        self.now_ms += step_ms;
        if minute_of(self.now_ms) != self.current.minute_ms {
            self.roll_minute(settings);
        }
    }

    fn roll_minute(&mut self, settings: &Settings) {
        let next = MinuteMetrics { minute_ms: minute_of(self.now_ms), ..Default::default() };
        let done = std::mem::replace(&mut self.current, next);
        self.minutes.push_back(done);
        while self.minutes.len() > MINUTES_KEPT {
            self.minutes.pop_front();
        }
        self.evaluate_alarms(&settings.platform.stack_name, &settings.platform.alarms);
        self.evaluate_layer_alarms(settings);
    }

    /// The alarms of the layers a profile adds, created with the layer and judged each minute.
    fn evaluate_layer_alarms(&mut self, settings: &Settings) {
        let verdicts = [self.ingest_alarm_verdicts(settings), self.serving_alarm_verdicts(settings)].concat();
        for (suffix, metric, breached, reason) in verdicts {
            let name = format!("{}-{suffix}", settings.platform.stack_name);
            let state = if breached { "ALARM" } else { "OK" };
            let reason = if breached { reason } else { "Threshold not crossed".into() };
            match self.alarms.iter_mut().find(|a| a.name == name) {
                Some(alarm) => {
                    if alarm.state != state {
                        alarm.state = state.into();
                        alarm.since_ms = self.now_ms;
                    }
                    alarm.reason = reason;
                }
                None => self.alarms.push(AlarmState {
                    name,
                    metric: metric.into(),
                    state: state.into(),
                    reason,
                    since_ms: self.now_ms,
                }),
            }
        }
    }

    /// Producers follow a daily curve (lowest at 04:00 UTC, highest at 16:00) with noise and bursts.
    fn producer_rate(&mut self, dt: f64, settings: &Settings) -> f64 {
        let peak = settings.sandbox.peak_records_per_second;
        let curve = daily_curve(self.now_ms);
        if self.burst.as_ref().is_some_and(|b| b.until_ms <= self.now_ms) {
            self.burst = None;
        }
        if self.burst.is_none() && self.rng.chance(dt / BURST_EVERY_S) {
            let length = self.rng.range(BURST_SECONDS.0, BURST_SECONDS.1);
            let factor = self.rng.range(BURST_FACTOR.0, BURST_FACTOR.1);
            self.burst = Some(Burst { until_ms: self.now_ms + (length * 1000.0) as i64, factor });
        }
        let burst = self.burst.as_ref().map(|b| b.factor).unwrap_or(1.0);
        let spike = if self.has_fault(Fault::TrafficSpike) { 2.2 } else { 1.0 };
        let noise = self.rng.range(0.96, 1.04);
        peak * curve * burst * spike * noise
    }

    /// Whether a chance trouble with probability `p` happens now. It is drawn in the calm start
    /// too (and let pass there), so what is drawn after it is drawn as it would have been.
    pub fn trouble(&mut self, p: f64) -> bool {
        self.chance_trouble(p) == Some(true)
    }

    /// As [`SimState::trouble`], telling a trouble let pass in the calm start (`None`) from one
    /// that did not come up (`Some(false)`): a caller that draws more when there is no trouble
    /// draws nothing for the one let pass, as for one that happened.
    pub fn chance_trouble(&mut self, p: f64) -> Option<bool> {
        let drawn = self.rng.chance(p);
        if drawn && self.now_ms < self.calm_until_ms {
            None
        } else {
            Some(drawn)
        }
    }

    pub fn has_fault(&self, fault: Fault) -> bool {
        self.faults.contains(&fault)
    }

    /// Turns a fault on or off; returns whether anything changed.
    pub fn set_fault(&mut self, fault: Fault, on: bool) -> bool {
        let present = self.has_fault(fault);
        if on && !present {
            self.faults.push(fault);
            self.fault_spans.push(FaultSpan { fault, from_ms: self.now_ms, until_ms: None });
            // The change the incident starts from, recorded as CloudTrail records it: the operator
            // rehearses finding the real cause, not a marker saying which fault was turned on.
            let cause = match fault {
                Fault::ConsumerErrors => {
                    ("ci-deployer", "lambda.amazonaws.com", "UpdateFunctionCode", self.lambda.function.clone())
                }
                Fault::EtlFailure => ("bob.data", "glue.amazonaws.com", "UpdateJob", self.glue.job.clone()),
                Fault::WarehouseLoad => {
                    ("bi-dashboard", "redshift-serverless.amazonaws.com", "UpdateWorkgroup", self.redshift.name.clone())
                }
                Fault::WorkflowFailure => ("bob.data", "glue.amazonaws.com", "UpdateJob", self.glue.job.clone()),
                // A core group moved to smaller instances: executors no longer fit.
                Fault::SparkOom => {
                    ("carol.ops", "elasticmapreduce.amazonaws.com", "ModifyInstanceGroups", self.emr.cluster_id.clone())
                }
                // The producer's deploy that dropped the field.
                Fault::BadRecords => {
                    ("ci-deployer", "lambda.amazonaws.com", "UpdateFunctionCode", "clickstream-producer".into())
                }
                // The security team tightened the raw bucket's policy and left Firehose's role out.
                Fault::FirehoseStale => {
                    ("dave.sec", "s3.amazonaws.com", "PutBucketPolicy", self.lake.raw_bucket.clone())
                }
                // A data node taken out to save money: its primary shards have no replica left.
                Fault::OpensearchRed => {
                    ("carol.ops", "es.amazonaws.com", "UpdateDomainConfig", "clickstream-logs".into())
                }
                // The sessionizer's deploy that made each message slower to handle.
                Fault::KafkaLag => {
                    ("ci-deployer", "ecs.amazonaws.com", "UpdateService", "clickstream-sessionizer".into())
                }
                // The source database's password rotated, the DMS endpoint not updated.
                Fault::DmsStopped => {
                    ("secrets-rotation", "secretsmanager.amazonaws.com", "RotateSecret", "orders-db/dms_reader".into())
                }
                // A policy cleanup that detached QuickSight's Athena access.
                Fault::SpiceRefreshFailed => {
                    ("dave.sec", "iam.amazonaws.com", "DetachRolePolicy", "aws-quicksight-service-role-v0".into())
                }
                // The producer's deploy that keyed every event by its tenant.
                Fault::HotKey => {
                    ("ci-deployer", "lambda.amazonaws.com", "UpdateFunctionCode", "clickstream-producer".into())
                }
                // The producers' fleet scaled out for a campaign.
                Fault::TrafficSpike => (
                    "marketing-ops",
                    "autoscaling.amazonaws.com",
                    "UpdateAutoScalingGroup",
                    "clickstream-producers".into(),
                ),
            };
            let (user, source, name, resource) = cause;
            self.record(user, source, name, &resource, false);
        } else if !on && present {
            self.faults.retain(|f| *f != fault);
            for span in self.fault_spans.iter_mut().filter(|s| s.fault == fault && s.until_ms.is_none()) {
                span.until_ms = Some(self.now_ms);
            }
        }
        on != present
    }

    /// Whether `fault` was on at `at_ms`.
    pub fn fault_at(&self, fault: Fault, at_ms: i64) -> bool {
        self.fault_spans.iter().any(|s| s.fault == fault && s.from_ms <= at_ms && s.until_ms.is_none_or(|u| at_ms < u))
    }

    /// Since when `fault` has been on, if it is.
    pub fn fault_since(&self, fault: Fault) -> Option<i64> {
        let open = self.fault_spans.iter().filter(|s| s.fault == fault && s.until_ms.is_none());
        open.map(|s| s.from_ms).min().filter(|_| self.has_fault(fault))
    }
}

/// The producers' bursts: one begins in any second with a chance of 1 in `BURST_EVERY_S`, lasts
/// from `BURST_SECONDS.0` to `.1` seconds and multiplies their rate by `BURST_FACTOR.0` to `.1`
/// (each drawn evenly). The sandbox lake's counts draw them alike (`lake::events`).
pub const BURST_EVERY_S: f64 = 2_400.0;
pub const BURST_SECONDS: (f64, f64) = (60.0, 300.0);
pub const BURST_FACTOR: (f64, f64) = (1.25, 1.7);

/// 0.35 at 04:00 UTC rising to 1.0 at 16:00.
pub fn daily_curve(now_ms: i64) -> f64 {
    let hour = (now_ms.rem_euclid(86_400_000)) as f64 / 3_600_000.0;
    0.35 + 0.65 * (0.5 - 0.5 * (std::f64::consts::TAU * (hour - 4.0) / 24.0).cos())
}

pub fn minute_of(ms: i64) -> i64 {
    ms - ms.rem_euclid(60_000)
}

/// `cron(M * * * ? *)` runs hourly at minute M, `cron(M */N * * ? *)` every N hours,
/// `rate(N minutes|hours)` every N minutes; anything else hourly at :00.
fn schedule_minutes(schedule: &str) -> (u32, u32) {
    let inner = schedule.trim_end_matches(')');
    if let Some(cron) = inner.strip_prefix("cron(") {
        let fields: Vec<&str> = cron.split_whitespace().collect();
        let minute = fields.first().and_then(|m| m.parse().ok()).unwrap_or(0) % 60;
        let every_hours =
            fields.get(1).and_then(|h| h.strip_prefix("*/")).and_then(|n| n.parse::<u32>().ok()).unwrap_or(1);
        return (minute, 60 * every_hours.max(1));
    }
    if let Some(rate) = inner.strip_prefix("rate(") {
        let mut parts = rate.split_whitespace();
        let n: u32 = parts.next().and_then(|n| n.parse().ok()).unwrap_or(60).max(1);
        let unit = parts.next().unwrap_or("minutes");
        let minutes = if unit.starts_with("hour") {
            n * 60
        } else if unit.starts_with("day") {
            n * 1440
        } else {
            n
        };
        return (0, minutes.max(5));
    }
    (0, 60)
}

/// The saved queries a fresh sandbox workgroup has, as an analytics team would leave them.
fn starter_queries(workgroup: &str, database: &str) -> Vec<crate::model::SavedQuery> {
    let query = |id: &str, name: &str, description: &str, sql: &str| crate::model::SavedQuery {
        id: id.into(),
        name: name.into(),
        description: Some(description.into()),
        database: database.into(),
        workgroup: workgroup.into(),
        sql: sql.into(),
    };
    vec![
        query(
            "nq-0001",
            "events by type today",
            "one day's partition only: cheap",
            "SELECT event_type, count(*) AS events\nFROM events\nWHERE year = date_format(current_date, '%Y') AND month = date_format(current_date, '%m')\n  AND day = date_format(current_date, '%d')\nGROUP BY event_type\nORDER BY events DESC",
        ),
        query(
            "nq-0002",
            "top pages, last hour",
            "filters on event_time: scans every partition unless you add day",
            "SELECT page_url, count(*) AS views\nFROM events\nWHERE event_time > current_timestamp - INTERVAL '1' HOUR\nGROUP BY page_url\nORDER BY views DESC\nLIMIT 20",
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules() {
        assert_eq!(schedule_minutes("cron(0 * * * ? *)"), (0, 60));
        assert_eq!(schedule_minutes("cron(15 */2 * * ? *)"), (15, 120));
        assert_eq!(schedule_minutes("rate(30 minutes)"), (0, 30));
        assert_eq!(schedule_minutes("rate(1 hour)"), (0, 60));
    }

    #[test]
    fn daily_curve_peaks_in_the_afternoon() {
        let at = |h: i64| daily_curve(h * 3_600_000);
        assert!((at(4) - 0.35).abs() < 1e-9);
        assert!((at(16) - 1.0).abs() < 1e-9);
    }
}
