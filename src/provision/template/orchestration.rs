//! Orchestration: the nightly state machine (start the raw-zone crawler, wait until it is done,
//! run the curate job; any failure fails the execution), its role, log group and tracing, the
//! EventBridge rule that starts it on `platform.orchestration.schedule`, and the alarm on its
//! failed executions.

use serde_json::{json, Value};

use super::iam::{role, this_account};
use super::ingest::LOG_DAYS;
use super::watch::alarm;
use super::{arn, r, sub, Builder};

/// The nightly run's states, in the order its definition lists them: the names the sandbox's
/// simulation and the console are to use. An execution waiting for the crawler sits in
/// `WaitForCrawler`; `GetCrawler` and `CrawlerDone?` are the rest of that loop.
pub const NIGHTLY_STATES: [&str; 7] =
    ["StartCrawler", "WaitForCrawler", "GetCrawler", "CrawlerDone?", "RunCurateJob", "Done", "CrawlerFailed"];
/// Seconds between two looks at the crawler.
const CRAWLER_POLL_SECONDS: u32 = 30;
/// The whole run may take this long before it ends TIMED_OUT: the crawl, a wait of
/// `BUSY_JOB_RETRY_SECONDS` for a busy job, and the job's own 60-minute timeout fit well inside.
pub const NIGHTLY_TIMEOUT_SECONDS: u32 = 3 * 3600;
/// Before the one retry of a curate run refused because another run is going (the hourly trigger's).
const BUSY_JOB_RETRY_SECONDS: u32 = 600;

pub fn add(b: &mut Builder) {
    let stack = b.stack().to_string();
    let o = b.settings.platform.orchestration.clone();
    let (crawler, job) = (b.settings.platform.glue.crawler.clone(), b.settings.platform.glue.job.clone());
    let glue = |path: &str| sub(&format!("arn:${{AWS::Partition}}:glue:${{AWS::Region}}:${{AWS::AccountId}}:{path}"));
    role(
        b,
        "NightlyRole",
        &format!("{stack}-orchestration"),
        "the nightly state machine runs the raw-zone crawler and the curate job",
        json!({"Service": "states.amazonaws.com"}),
        this_account(),
        vec![
            json!({"Effect": "Allow", "Action": ["glue:StartCrawler", "glue:GetCrawler"], "Resource": glue(&format!("crawler/{crawler}"))}),
            json!({"Effect": "Allow", "Action": ["glue:StartJobRun", "glue:GetJobRun", "glue:GetJobRuns", "glue:BatchStopJobRun"],
                   "Resource": glue(&format!("job/{job}"))}),
            // Its executions' data is encrypted with the platform's key.
            json!({"Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": arn("DataKey")}),
            // Log delivery (vended logs) and X-Ray take no resource-level permissions.
            json!({"Effect": "Allow", "Action": ["logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery",
                                                 "logs:DeleteLogDelivery", "logs:ListLogDeliveries", "logs:PutResourcePolicy",
                                                 "logs:DescribeResourcePolicies", "logs:DescribeLogGroups"],
                   "Resource": "*"}),
            json!({"Effect": "Allow", "Action": ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules",
                                                 "xray:GetSamplingTargets"],
                   "Resource": "*"}),
        ],
    );
    b.add(
        "NightlyLogGroup",
        json!({"Type": "AWS::Logs::LogGroup", "Properties": {
            "LogGroupName": format!("/aws/vendedlogs/states/{}", o.state_machine),
            "RetentionInDays": LOG_DAYS,
            "KmsKeyId": arn("DataKey"),
        }}),
    );
    b.add(
        "NightlyStateMachine",
        // The definition names the crawler and the job as the profile does (a reference would
        // stay unresolved on moto, which does not model Glue), so it waits for them explicitly.
        json!({"Type": "AWS::StepFunctions::StateMachine", "DependsOn": ["RawCrawler", "CurateJob"], "Properties": {
            "StateMachineName": o.state_machine,
            "StateMachineType": "STANDARD",
            "RoleArn": arn("NightlyRole"),
            // A string (moto reads no `Definition` object) through Fn::Sub, for the partition.
            "DefinitionString": sub(&definition(&crawler, &job).to_string()),
            "LoggingConfiguration": {
                "Level": "ERROR",
                "IncludeExecutionData": false,
                "Destinations": [{"CloudWatchLogsLogGroup": {"LogGroupArn": arn("NightlyLogGroup")}}],
            },
            "TracingConfiguration": {"Enabled": true},
            "EncryptionConfiguration": {
                "Type": "CUSTOMER_MANAGED_KMS_KEY",
                "KmsKeyId": arn("DataKey"),
                "KmsDataKeyReusePeriodSeconds": 300,
            },
            "Tags": b.tags("orchestration"),
        }}),
    );
    role(
        b,
        "NightlyScheduleRole",
        &format!("{stack}-orchestration-schedule"),
        "EventBridge starts the nightly state machine on its schedule",
        json!({"Service": "events.amazonaws.com"}),
        this_account(),
        vec![
            json!({"Effect": "Allow", "Action": "states:StartExecution", "Resource": r("NightlyStateMachine")}),
            // The input of an execution of an encrypted state machine is encrypted by its caller.
            json!({"Effect": "Allow", "Action": "kms:GenerateDataKey", "Resource": arn("DataKey")}),
        ],
    );
    b.add(
        "NightlySchedule",
        json!({"Type": "AWS::Events::Rule", "Properties": {
            "Description": format!("starts {}: crawl the raw zone, then run the curate job", o.state_machine),
            "ScheduleExpression": o.schedule,
            "State": "ENABLED",
            "Targets": [{"Id": "nightly", "Arn": r("NightlyStateMachine"), "RoleArn": arn("NightlyScheduleRole")}],
        }}),
    );
    alarm(
        b,
        "NightlyFailedAlarm",
        super::watch::alarm_names::NIGHTLY_FAILED,
        "the nightly run (crawler, then curate job) failed: its failing state and error are in the execution",
        json!({
            "Namespace": "AWS/States",
            "MetricName": "ExecutionsFailed",
            "Statistic": "Sum",
            "Dimensions": [{"Name": "StateMachineArn", "Value": r("NightlyStateMachine")}],
            "Period": 3600,
            "EvaluationPeriods": 1,
            "DatapointsToAlarm": 1,
        }),
        0.0,
    );
    b.output("NightlyStateMachineArn", r("NightlyStateMachine"));
}

/// The nightly run in the Amazon States Language, with `${AWS::Partition}` left for Fn::Sub (Glue
/// names hold no `$`). Only a crawl already running is caught (the run waits for it instead);
/// every other error, a failed crawl and a failed job run fail the execution.
fn definition(crawler: &str, job: &str) -> Value {
    let [start, wait, get, done_yet, run_job, done, crawl_failed] = NIGHTLY_STATES;
    let task = |api: &str| format!("arn:${{AWS::Partition}}:states:::{api}");
    json!({
        "Comment": "Nightly: crawl the raw zone, wait for the crawler, then run the curate job",
        "StartAt": start,
        "TimeoutSeconds": NIGHTLY_TIMEOUT_SECONDS,
        "States": {
            start: {
                "Type": "Task",
                "Resource": task("aws-sdk:glue:startCrawler"),
                "Parameters": {"Name": crawler},
                "ResultPath": null,
                "Catch": [{"ErrorEquals": ["Glue.CrawlerRunningException"], "ResultPath": null, "Next": wait}],
                "Next": wait
            },
            wait: {"Type": "Wait", "Seconds": CRAWLER_POLL_SECONDS, "Next": get},
            get: {
                "Type": "Task",
                "Resource": task("aws-sdk:glue:getCrawler"),
                "Parameters": {"Name": crawler},
                "Next": done_yet
            },
            // Rules apply in order: the last crawl's status is read only once the crawler is READY.
            done_yet: {
                "Type": "Choice",
                "Choices": [
                    {"Not": {"Variable": "$.Crawler.State", "StringEquals": "READY"}, "Next": wait},
                    {"Variable": "$.Crawler.LastCrawl.Status", "StringEquals": "FAILED", "Next": crawl_failed},
                    // A cancelled crawl leaves the catalog half-updated: the job would curate on it.
                    {"Variable": "$.Crawler.LastCrawl.Status", "StringEquals": "CANCELLED", "Next": crawl_failed}
                ],
                "Default": run_job
            },
            run_job: {
                "Type": "Task",
                "Resource": task("glue:startJobRun.sync"),
                "Parameters": {"JobName": job},
                "Retry": [{"ErrorEquals": ["Glue.ConcurrentRunsExceededException"], "IntervalSeconds": BUSY_JOB_RETRY_SECONDS,
                           "MaxAttempts": 1, "BackoffRate": 1.0}],
                "Next": done
            },
            done: {"Type": "Succeed"},
            crawl_failed: {
                "Type": "Fail",
                "Error": "CrawlerFailed",
                "Cause": "the raw-zone crawler's last crawl failed or was cancelled: see its log in /aws-glue/crawlers"
            }
        }
    })
}
