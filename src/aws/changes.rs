//! The changes the AWS backend makes, each through its service's SDK call; the write gate has
//! checked and journaled them before they get here.

use super::{athena, glue, kinesis, stack, staging, AwsPlatform};
use crate::model::{Applied, Change, SandboxChange};
use crate::platform::PlatformError;
use crate::provision::staging::Bucket;

impl AwsPlatform {
    pub(super) async fn make(&self, change: &Change) -> Result<Applied, PlatformError> {
        match change {
            Change::Reshard { stream, call } => {
                // The stream is UPDATING now: the overview must not show the cached ACTIVE summary.
                {
                    let mut state = self.state();
                    state.summaries.remove(stream);
                    state.counted.remove(stream);
                }
                Ok(match kinesis::reshard(&self.kinesis, stream, call).await? {
                    Some(settled) => settled.applied(Applied::Done),
                    None => Applied::Done,
                })
            }
            Change::EnhancedMonitoring { stream, on } => {
                kinesis::set_enhanced_monitoring(&self.kinesis, stream, *on).await
            }
            Change::Glue(change) => glue::change(&self.glue, change).await,
            Change::Workflow(change) => self.change_workflow(change).await,
            Change::Emr(change) => self.change_emr(change).await,
            Change::Rerun(rerun) => self.rerun(rerun).await,
            Change::StartQuery(request) => {
                self.call("StartQueryExecution", athena::start(&self.athena, request)).await.map(Applied::Answer)
            }
            Change::StopQuery { id } => athena::stop(&self.athena, id).await,
            Change::SaveQuery(query) => athena::save_query(&self.athena, query).await,
            Change::PlanStack { stack: name, template, parameters } => {
                let source = self.template_source(name, template).await?;
                let now_ms = chrono::Utc::now().timestamp_millis();
                let plan = stack::plan(&self.cloudformation, name, &source, parameters, now_ms);
                self.call("CreateChangeSet", plan).await
            }
            Change::ApplyPlan { stack: name, change_set } => {
                self.call("ExecuteChangeSet", stack::apply(&self.cloudformation, name, change_set)).await
            }
            Change::DiscardPlan { stack: name, change_set } => {
                self.call("DeleteChangeSet", stack::discard(&self.cloudformation, name, change_set)).await
            }
            Change::DeleteStack { stack: name } => {
                self.call("DeleteStack", stack::delete(&self.cloudformation, name)).await
            }
            Change::Sandbox(SandboxChange::Fault { .. } | SandboxChange::Reset) => Err(PlatformError::failed(
                "lakeops",
                "this profile uses the aws backend; sandbox commands work on sandbox profiles only",
            )),
        }
    }
}

impl AwsPlatform {
    /// The template as CloudFormation takes it: inline, or over the inline limit put in S3 first
    /// (the profile's `aws.template_bucket`, else lakeops' bucket of the account and Region).
    async fn template_source<'a>(&self, stack: &str, template: &'a str) -> Result<stack::Source<'a>, PlatformError> {
        if !crate::provision::staging::staged(template.len()) {
            return Ok(stack::Source::Body(template));
        }
        let region = &self.settings.aws.region;
        let bucket = match Bucket::of_profile(&self.settings.aws.template_bucket) {
            Some(named) => named,
            None => Bucket::lakeops(&self.account().await?, region),
        };
        let (staged, url) =
            self.call("PutObject", staging::put(&self.layers.s3, &bucket, region, stack, template)).await?;
        Ok(stack::Source::Staged { url, staged })
    }
}
