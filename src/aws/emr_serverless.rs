//! EMR Serverless on AWS: the application of a name and its newest job runs. Its health comes
//! from CloudWatch (`AWS/EMRServerless`) in the overview's one GetMetricData call.

use aws_sdk_emrserverless::types::{ApplicationSummary, JobRunSummary};
use aws_sdk_emrserverless::Client;

use super::errors::platform_error;
use super::utc;
use crate::model::text::sanitize;
use crate::model::*;
use crate::platform::PlatformError;

/// Job runs listed per application: a day of hourly runs.
pub const JOB_RUNS_READ: i32 = 25;

/// The applications named `name` (ListApplications, paged), without their runs.
pub async fn applications_named(client: &Client, name: &str) -> Result<Vec<EmrApplication>, PlatformError> {
    let mut found = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let out = client
            .list_applications()
            .set_next_token(token.clone())
            .send()
            .await
            .map_err(|e| platform_error("EMR Serverless ListApplications", e))?;
        found.extend(out.applications().iter().filter(|a| a.name() == Some(name)).map(application));
        token = out.next_token().map(String::from);
        if token.is_none() {
            return Ok(found);
        }
    }
}

fn application(a: &ApplicationSummary) -> EmrApplication {
    EmrApplication {
        id: sanitize(a.id()),
        name: sanitize(a.name().unwrap_or_default()),
        state: sanitize(a.state().as_str()),
        release: Some(sanitize(a.release_label())),
        kind: Some(sanitize(a.r#type())),
        job_runs: Vec::new(),
    }
}

fn job_run(r: &JobRunSummary) -> EmrJobRun {
    EmrJobRun {
        id: sanitize(r.id()),
        name: r.name().map(sanitize),
        state: sanitize(r.state().as_str()),
        state_details: Some(sanitize(r.state_details())).filter(|d| !d.is_empty()),
        created: utc(Some(r.created_at())),
        updated: utc(Some(r.updated_at())),
    }
}

/// An application's newest job runs, newest first.
pub async fn job_runs(client: &Client, application_id: &str, limit: i32) -> Result<Vec<EmrJobRun>, PlatformError> {
    let out = client
        .list_job_runs()
        .application_id(application_id)
        .max_results(limit)
        .send()
        .await
        .map_err(|e| platform_error("EMR Serverless ListJobRuns", e))?;
    let mut runs: Vec<EmrJobRun> = out.job_runs().iter().map(job_run).collect();
    runs.sort_by_key(|r| std::cmp::Reverse(r.created));
    Ok(runs)
}
