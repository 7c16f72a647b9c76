//! Which names a template would create are already taken in the account outside its stack:
//! looked up before a change set is made, so a clash is named up front instead of failing
//! ExecuteChangeSet half-way with "already exists" and no word of which resource.

use std::collections::HashSet;

use super::errors::{code, platform_error};
use super::AwsPlatform;
use crate::model::NamedResource;
use crate::platform::PlatformError;

/// The stack's resources as (logical id, physical id); empty when there is no such stack.
pub async fn stack_resources(
    client: &aws_sdk_cloudformation::Client,
    stack: &str,
) -> Result<HashSet<(String, String)>, PlatformError> {
    let mut found = HashSet::new();
    let mut token: Option<String> = None;
    loop {
        let out = match client.list_stack_resources().stack_name(stack).set_next_token(token.clone()).send().await {
            Ok(out) => out,
            Err(e) if code(&e) == Some("ValidationError") => return Ok(found),
            Err(e) => return Err(platform_error("CloudFormation ListStackResources", e)),
        };
        for r in out.stack_resource_summaries() {
            let physical = r.physical_resource_id().unwrap_or_default().to_string();
            found.insert((r.logical_resource_id().unwrap_or_default().to_string(), physical));
        }
        token = out.next_token().map(String::from);
        if token.is_none() {
            return Ok(found);
        }
    }
}

/// Whether `physical` (a name, a queue URL, an ARN) is the resource named `name`.
fn is_named(physical: &str, name: &str) -> bool {
    physical == name || physical.ends_with(&format!("/{name}")) || physical.ends_with(&format!(":{name}"))
}

/// Those of `wanted` that exist but are not the stack's own resource of the same logical id.
/// Types this backend has no client for (S3, IAM, Lambda, SNS, KMS, Redshift) are
/// left to CloudFormation.
pub async fn taken(
    p: &AwsPlatform,
    stack: &str,
    wanted: &[NamedResource],
) -> Result<Vec<NamedResource>, PlatformError> {
    let own = p.call("ListStackResources", stack_resources(&p.cloudformation, stack)).await?;
    let mut taken = Vec::new();
    for r in wanted {
        if own.iter().any(|(id, physical)| *id == r.logical_id && is_named(physical, &r.name)) {
            continue;
        }
        if exists(p, r).await? {
            taken.push(r.clone());
        }
    }
    Ok(taken)
}

async fn exists(p: &AwsPlatform, r: &NamedResource) -> Result<bool, PlatformError> {
    let name = r.name.as_str();
    Ok(match r.resource_type.as_str() {
        "AWS::Kinesis::Stream" => {
            p.call("DescribeStreamSummary", super::kinesis::describe(&p.kinesis, name)).await?.is_some()
        }
        "AWS::SQS::Queue" => p.call("GetQueueUrl", queue(&p.sqs, name)).await?,
        "AWS::Logs::LogGroup" => p.call("DescribeLogGroups", log_group(&p.logs, name)).await?,
        "AWS::Glue::Database" => p.call("GetDatabase", glue(&p.glue, GlueKind::Database, name)).await?,
        "AWS::Glue::Crawler" => p.call("GetCrawler", glue(&p.glue, GlueKind::Crawler, name)).await?,
        "AWS::Glue::Job" => p.call("GetJob", glue(&p.glue, GlueKind::Job, name)).await?,
        "AWS::Glue::Trigger" => p.call("GetTrigger", glue(&p.glue, GlueKind::Trigger, name)).await?,
        "AWS::Glue::SecurityConfiguration" => {
            p.call("GetSecurityConfiguration", glue(&p.glue, GlueKind::SecurityConfiguration, name)).await?
        }
        "AWS::Athena::WorkGroup" => p.call("ListWorkGroups", workgroup(&p.athena, name)).await?,
        "AWS::CloudTrail::Trail" => p.call("GetTrail", trail(&p.cloudtrail, name)).await?,
        "AWS::CloudWatch::Alarm" => p.call("DescribeAlarms", alarm(&p.cloudwatch, name)).await?,
        "AWS::StepFunctions::StateMachine" => {
            p.call("ListStateMachines", super::sfn::state_machines(&p.sfn)).await?.iter().any(|(n, _)| n == name)
        }
        _ => false,
    })
}

async fn queue(client: &aws_sdk_sqs::Client, name: &str) -> Result<bool, PlatformError> {
    match client.get_queue_url().queue_name(name).send().await {
        Ok(_) => Ok(true),
        Err(e) if matches!(code(&e), Some("AWS.SimpleQueueService.NonExistentQueue" | "QueueDoesNotExist")) => {
            Ok(false)
        }
        Err(e) => Err(platform_error("SQS GetQueueUrl", e)),
    }
}

async fn log_group(client: &aws_sdk_cloudwatchlogs::Client, name: &str) -> Result<bool, PlatformError> {
    let out = client
        .describe_log_groups()
        .log_group_name_prefix(name)
        .send()
        .await
        .map_err(|e| platform_error("CloudWatch Logs DescribeLogGroups", e))?;
    Ok(out.log_groups().iter().any(|g| g.log_group_name() == Some(name)))
}

enum GlueKind {
    Database,
    Crawler,
    Job,
    Trigger,
    SecurityConfiguration,
}

async fn glue(client: &aws_sdk_glue::Client, kind: GlueKind, name: &str) -> Result<bool, PlatformError> {
    fn answer<E, R>(
        api: &str,
        result: Result<impl Sized, aws_sdk_glue::error::SdkError<E, R>>,
    ) -> Result<bool, PlatformError>
    where
        E: aws_sdk_glue::error::ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug,
    {
        match result {
            Ok(_) => Ok(true),
            Err(e) if code(&e) == Some("EntityNotFoundException") => Ok(false),
            Err(e) => Err(platform_error(api, e)),
        }
    }
    match kind {
        GlueKind::Database => answer("Glue GetDatabase", client.get_database().name(name).send().await),
        GlueKind::Crawler => answer("Glue GetCrawler", client.get_crawler().name(name).send().await),
        GlueKind::Job => answer("Glue GetJob", client.get_job().job_name(name).send().await),
        GlueKind::Trigger => answer("Glue GetTrigger", client.get_trigger().name(name).send().await),
        GlueKind::SecurityConfiguration => {
            answer("Glue GetSecurityConfiguration", client.get_security_configuration().name(name).send().await)
        }
    }
}

async fn workgroup(client: &aws_sdk_athena::Client, name: &str) -> Result<bool, PlatformError> {
    let mut token: Option<String> = None;
    loop {
        let out = client
            .list_work_groups()
            .set_next_token(token.clone())
            .send()
            .await
            .map_err(|e| platform_error("Athena ListWorkGroups", e))?;
        if out.work_groups().iter().any(|w| w.name() == Some(name)) {
            return Ok(true);
        }
        token = out.next_token().map(String::from);
        if token.is_none() {
            return Ok(false);
        }
    }
}

async fn trail(client: &aws_sdk_cloudtrail::Client, name: &str) -> Result<bool, PlatformError> {
    match client.get_trail().name(name).send().await {
        Ok(_) => Ok(true),
        Err(e) if code(&e) == Some("TrailNotFoundException") => Ok(false),
        Err(e) => Err(platform_error("CloudTrail GetTrail", e)),
    }
}

async fn alarm(client: &aws_sdk_cloudwatch::Client, name: &str) -> Result<bool, PlatformError> {
    let out = client
        .describe_alarms()
        .alarm_names(name)
        .send()
        .await
        .map_err(|e| platform_error("CloudWatch DescribeAlarms", e))?;
    Ok(out.metric_alarms().iter().any(|a| a.alarm_name() == Some(name)))
}
