//! The sandbox's CloudTrail (every change, plus other people's activity) and its alarms.

use super::state::*;
use crate::provision::template::alarm_names::*;
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

/// The user agent each of the sandbox's users calls with, as CloudTrail records it: lakeops
/// the AWS SDK for Rust's with its app name (what `aws::client` sends), the deploy pipeline the
/// AWS CLI, scripts and bots other SDKs, AWS services their own name, people the console.
pub fn user_agent(user: &str, source: &str, name: &str) -> String {
    let service = source.strip_suffix(".amazonaws.com");
    match user {
        "lakeops" => lakeops_agent(service),
        "ci-deployer" => format!(
            "aws-cli/2.27.41 md/awscrt#0.26.1 ua/2.1 os/linux#6.8.0-1029-aws md/arch#x86_64 lang/python#3.13.4 \
             md/pyimpl#CPython m/E,b cfg/retry-mode#standard md/installer#exe md/distrib#ubuntu.24 md/prompt#off \
             md/command#{}.{}",
            service.unwrap_or(source),
            kebab(name)
        ),
        "bob.data" | "airflow-scheduler" | "secrets-rotation" => {
            "Boto3/1.39.3 md/Botocore#1.39.3 ua/2.1 os/linux#6.1.141 md/arch#x86_64 lang/python#3.12.11 \
             md/pyimpl#CPython m/b,Z cfg/retry-mode#legacy Botocore/1.39.3"
                .to_string()
        }
        "grafana" => "aws-sdk-go/1.55.7 (go1.24.4; linux; amd64) Grafana/12.0.2".to_string(),
        "analytics-bot" | "bi-dashboard" => format!(
            "aws-sdk-js/3.840.0 ua/2.1 os/linux#6.1.141 lang/js md/nodejs#22.17.0 api/{}#3.840.0 m/N,E,e",
            service.unwrap_or(source)
        ),
        "cloudformation" => "cloudformation.amazonaws.com".to_string(),
        service_principal if service_principal.ends_with(".amazonaws.com") => service_principal.to_string(),
        _ => "AWS Internal".to_string(),
    }
}

/// The Rust SDK's user agent with lakeops' app name (aws-runtime's `AwsUserAgent`), for a call
/// to `service` (the event source's first label; lakeops' own sandbox events have none).
fn lakeops_agent(service: Option<&str>) -> String {
    let api = match service {
        Some(host) => format!(" api/{}/{}", sdk_service_id(host), SDK_SERVICE_VERSION),
        None => String::new(),
    };
    format!(
        "aws-sdk-rust/1.7.0 ua/2.1{api} os/linux lang/rust/1.95.0 m/E,N,P,g md/http#hyper-1.x app/{}",
        crate::ops::audit::APP_NAME
    )
}

/// A version of the service crates lakeops builds with (each has its own; one stands for all).
const SDK_SERVICE_VERSION: &str = "1.130.0";

/// The service id the Rust SDK writes after `api/` for an event source's first label.
fn sdk_service_id(host: &str) -> &str {
    match host {
        "states" => "sfn",
        "elasticmapreduce" => "emr",
        "emr-serverless" => "emrserverless",
        "dms" => "databasemigrationservice",
        "monitoring" => "cloudwatch",
        "logs" => "cloudwatchlogs",
        "es" => "opensearch",
        other => other,
    }
}

/// `UpdateFunctionCode` → `update-function-code`, as the AWS CLI names its commands.
fn kebab(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('-');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

impl SimState {
    /// Appends one CloudTrail event at the current simulated time, with the user agent `user`
    /// calls with (`user_agent`): lakeops' calls carry the Rust SDK's with `app/lakeops`.
    pub fn record(&mut self, user: &str, source: &str, name: &str, resource: &str, read_only: bool) {
        let agent = user_agent(user, source, name);
        self.record_as(user, &agent, source, name, resource, read_only);
    }

    /// `record` with the caller's user agent given.
    pub fn record_as(&mut self, user: &str, agent: &str, source: &str, name: &str, resource: &str, read_only: bool) {
        self.trail.push_back(TrailEvent {
            time_ms: self.now_ms,
            user: user.into(),
            source: source.into(),
            name: name.into(),
            resource: resource.into(),
            read_only,
            user_agent: Some(agent.into()),
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
                format!("{stack}-{ITERATOR_AGE}"),
                age_breach,
                format!("GetRecords.IteratorAgeMilliseconds above {} ms for 3 datapoints", age_limit),
            ),
            (
                format!("{stack}-{LAMBDA_ERRORS}"),
                error_rate > thresholds.lambda_error_rate,
                format!(
                    "Errors/Invocations {:.1} % above {:.1} %",
                    error_rate * 100.0,
                    thresholds.lambda_error_rate * 100.0
                ),
            ),
            (
                format!("{stack}-{WRITE_THROTTLING}"),
                throttle_share > 0.01,
                format!("WriteProvisionedThroughputExceeded {:.1} % of writes over 5 minutes", throttle_share * 100.0),
            ),
            (format!("{stack}-{DLQ_DEPTH}"), dlq >= 1.0, format!("ApproximateNumberOfMessagesVisible {dlq} ≥ 1")),
            (format!("{stack}-{ETL_FAILED}"), etl_failed, "the last ETL run failed".to_string()),
            (
                format!("{stack}-{NIGHTLY_FAILED}"),
                self.nightly_failed_recently(),
                "ExecutionsFailed 1 > 0 over the last hour".to_string(),
            ),
            (
                format!("{stack}-{REDSHIFT_CPU}"),
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
        (ITERATOR_AGE, "AWS/Kinesis GetRecords.IteratorAgeMilliseconds"),
        (LAMBDA_ERRORS, "AWS/Lambda Errors"),
        (WRITE_THROTTLING, "AWS/Kinesis WriteProvisionedThroughputExceeded"),
        (DLQ_DEPTH, "AWS/SQS ApproximateNumberOfMessagesVisible"),
        (ETL_FAILED, "Glue glue.driver.aggregate.numFailedTasks"),
        (REDSHIFT_CPU, "AWS/Redshift-Serverless ComputeCapacity"),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::audit::made_by_lakeops;

    #[test]
    fn lakeops_calls_with_the_rust_sdks_agent_and_no_one_else_says_lakeops() {
        let agent = user_agent("lakeops", "kinesis.amazonaws.com", "UpdateShardCount");
        assert_eq!(
            agent,
            "aws-sdk-rust/1.7.0 ua/2.1 api/kinesis/1.130.0 os/linux lang/rust/1.95.0 m/E,N,P,g md/http#hyper-1.x app/lakeops"
        );
        assert!(made_by_lakeops(&agent));
        assert!(made_by_lakeops(&user_agent("lakeops", "lakeops.sandbox", "FaultOn")));
        assert!(user_agent("lakeops", "states.amazonaws.com", "StartExecution").contains(" api/sfn/"));
        let cli = user_agent("ci-deployer", "lambda.amazonaws.com", "UpdateFunctionCode");
        assert!(cli.starts_with("aws-cli/2.") && cli.ends_with(" md/command#lambda.update-function-code"), "{cli}");
        let others = ["alice.ops", "ci-deployer", "bob.data", "grafana", "analytics-bot", "bi-dashboard", "carol.ops"]
            .into_iter()
            .chain(["dave.sec", "secrets-rotation", "marketing-ops", "airflow-scheduler", "cloudformation"])
            .chain(["glue.amazonaws.com", "states.amazonaws.com"]);
        for user in others {
            let agent = user_agent(user, "glue.amazonaws.com", "UpdateJob");
            assert!(!made_by_lakeops(&agent), "{user}: {agent}");
        }
        assert_eq!(user_agent("alice.ops", "kinesis.amazonaws.com", "AddTagsToStream"), "AWS Internal");
    }

    /// State saved before events kept their user agent reads each user's usual one.
    #[test]
    fn events_saved_without_a_user_agent_read_the_users_usual_one() {
        let saved = r#"{"time_ms":1773993600000,"user":"lakeops","source":"kinesis.amazonaws.com",
            "name":"UpdateShardCount","resource":"clickstream-events","read_only":false}"#;
        let event: TrailEvent = serde_json::from_str(saved).expect("old state reads");
        assert_eq!(event.user_agent, None);
        let audit = event.to_audit_event();
        assert!(audit.by_lakeops);
        let record: serde_json::Value = serde_json::from_str(audit.event_json.as_deref().unwrap()).unwrap();
        assert!(record["userAgent"].as_str().unwrap().ends_with(" app/lakeops"), "{record}");
        let deploy = TrailEvent { user: "ci-deployer".into(), name: "UpdateFunctionCode".into(), ..event };
        assert!(!deploy.to_audit_event().by_lakeops);
    }
}
