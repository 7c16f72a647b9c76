//! The sandbox's CloudTrail (every change, plus other people's activity) and its alarms.

use super::state::*;
use crate::settings::AlarmSettings;

const TRAIL_KEPT: usize = 2_000;

/// (user, event source, event name, which resource, read-only)
type Activity = (&'static str, &'static str, &'static str, Resource, bool);

#[derive(Clone, Copy)]
enum Resource {
    Stream,
    Function,
    Job,
    Workgroup,
    Alarm,
    None,
}

const READS: &[Activity] = &[
    ("alice.ops", "kinesis.amazonaws.com", "DescribeStreamSummary", Resource::Stream, true),
    ("grafana", "monitoring.amazonaws.com", "GetMetricData", Resource::None, true),
    ("bob.data", "glue.amazonaws.com", "GetJobRuns", Resource::Job, true),
    ("analytics-bot", "athena.amazonaws.com", "GetQueryExecution", Resource::Workgroup, true),
    ("alice.ops", "lambda.amazonaws.com", "GetFunction", Resource::Function, true),
];

const WRITES: &[Activity] = &[
    ("alice.ops", "monitoring.amazonaws.com", "PutMetricAlarm", Resource::Alarm, false),
    ("ci-deployer", "lambda.amazonaws.com", "UpdateFunctionCode", Resource::Function, false),
    ("ci-deployer", "lambda.amazonaws.com", "UpdateFunctionConfiguration", Resource::Function, false),
    ("bob.data", "glue.amazonaws.com", "UpdateJob", Resource::Job, false),
    ("alice.ops", "kinesis.amazonaws.com", "AddTagsToStream", Resource::Stream, false),
];

impl SimState {
    /// Appends one CloudTrail event at the current simulated time.
    pub fn record(&mut self, user: &str, source: &str, name: &str, resource: &str, read_only: bool) {
        self.trail.push_back(TrailEvent {
            time_ms: self.now_ms,
            user: user.into(),
            source: source.into(),
            name: name.into(),
            resource: resource.into(),
            read_only,
        });
        while self.trail.len() > TRAIL_KEPT {
            self.trail.pop_front();
        }
    }

    /// Other users at work: frequent reads, an occasional change.
    pub(super) fn background_activity(&mut self, dt: f64) {
        if self.rng.chance(dt / 45.0) {
            let activity = *self.rng.pick(READS);
            self.record_activity(activity);
        }
        if self.rng.chance(dt / 900.0) {
            let activity = *self.rng.pick(WRITES);
            self.record_activity(activity);
        }
    }

    fn record_activity(&mut self, (user, source, name, resource, read_only): Activity) {
        let resource = match resource {
            Resource::Stream => self.stream.name.clone(),
            Resource::Function => self.lambda.function.clone(),
            Resource::Job => self.glue.job.clone(),
            Resource::Workgroup => self.athena.workgroup.clone(),
            Resource::Alarm => self.alarms.first().map(|a| a.name.clone()).unwrap_or_default(),
            Resource::None => String::new(),
        };
        self.record(user, source, name, &resource, read_only);
    }

    /// Sets each alarm's state from the last complete minutes, as CloudWatch would.
    pub(super) fn evaluate_alarms(&mut self, stack: &str, thresholds: &AlarmSettings) {
        let recent: Vec<&MinuteMetrics> = self.minutes.iter().rev().take(5).collect();
        let last3 = &recent[..recent.len().min(3)];
        let age_limit = thresholds.iterator_age_seconds as f64 * 1000.0;
        let age_breach = last3.len() == 3 && last3.iter().all(|m| m.iterator_age_ms > age_limit);
        let last = recent.first();
        let error_rate = last.filter(|m| m.invocations > 0.0).map(|m| m.errors / m.invocations).unwrap_or(0.0);
        let throttled: f64 = recent.iter().map(|m| m.write_throttled).sum();
        let incoming: f64 = recent.iter().map(|m| m.incoming_records).sum();
        let throttle_share = if incoming + throttled > 0.0 { throttled / (incoming + throttled) } else { 0.0 };
        let etl_failed =
            self.glue.runs.iter().rev().find(|r| r.ended_ms.is_some()).is_some_and(|r| r.state == "FAILED");
        let dlq = self.lake.dlq_messages.floor();
        let cpu = recent.first().filter(|m| m.samples > 0.0).map(|m| m.redshift_cpu_sum / m.samples).unwrap_or(0.0);

        let verdicts = [
            (
                format!("{stack}-iterator-age"),
                age_breach,
                format!("GetRecords.IteratorAgeMilliseconds above {} ms for 3 datapoints", age_limit),
            ),
            (
                format!("{stack}-lambda-errors"),
                error_rate > thresholds.lambda_error_rate,
                format!(
                    "Errors/Invocations {:.1} % above {:.1} %",
                    error_rate * 100.0,
                    thresholds.lambda_error_rate * 100.0
                ),
            ),
            (
                format!("{stack}-write-throttling"),
                throttle_share > 0.01,
                format!("WriteProvisionedThroughputExceeded {:.1} % of writes over 5 minutes", throttle_share * 100.0),
            ),
            (format!("{stack}-dlq-depth"), dlq >= 1.0, format!("ApproximateNumberOfMessagesVisible {dlq} ≥ 1")),
            (format!("{stack}-etl-failed"), etl_failed, "the last ETL run failed".to_string()),
            (
                format!("{stack}-nightly-failed"),
                self.nightly_failed_recently(),
                "ExecutionsFailed 1 > 0 over the last hour".to_string(),
            ),
            (
                format!("{stack}-redshift-cpu"),
                cpu > thresholds.redshift_cpu_percent,
                format!(
                    "compute {cpu:.0} % of the workgroup's 128 RPU maximum, above {:.0} % for 1 datapoint",
                    thresholds.redshift_cpu_percent
                ),
            ),
        ];
        for (name, breached, reason) in verdicts {
            let state = if breached { "ALARM" } else { "OK" };
            if let Some(alarm) = self.alarms.iter_mut().find(|a| a.name == name) {
                if alarm.state != state {
                    alarm.state = state.into();
                    alarm.since_ms = self.now_ms;
                }
                alarm.reason = if breached { reason } else { "Threshold not crossed".into() };
            }
        }
    }
}

/// The platform's alarms as the stack creates them, all OK.
pub fn initial_alarms(stack: &str, now_ms: i64) -> Vec<AlarmState> {
    [
        ("iterator-age", "AWS/Kinesis GetRecords.IteratorAgeMilliseconds"),
        ("lambda-errors", "AWS/Lambda Errors"),
        ("write-throttling", "AWS/Kinesis WriteProvisionedThroughputExceeded"),
        ("dlq-depth", "AWS/SQS ApproximateNumberOfMessagesVisible"),
        ("etl-failed", "Glue glue.driver.aggregate.numFailedTasks"),
        ("redshift-cpu", "AWS/Redshift-Serverless ComputeCapacity"),
    ]
    .iter()
    .map(|(suffix, metric)| AlarmState {
        name: format!("{stack}-{suffix}"),
        metric: metric.to_string(),
        state: "OK".into(),
        reason: "Threshold not crossed".into(),
        since_ms: now_ms,
    })
    .collect()
}
