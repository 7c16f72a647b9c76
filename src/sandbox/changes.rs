//! The changes the sandbox makes to its model, answering as the services would (errors with
//! their codes); the write gate has checked and journaled them before they get here.

use super::{fresh, stack, Sandbox};
use crate::model::{
    Applied, Change, Fault, GlueChange, QueryRequest, Rerun, ReshardCall, SandboxChange, SavedQuery, StagedTemplate,
};
use crate::platform::{PlatformError, ServiceError};
use crate::settings::Backend;

const KINESIS: &str = "Kinesis (sandbox)";
const GLUE: &str = "Glue (sandbox)";
const ATHENA: &str = "Athena (sandbox)";
const STATES: &str = "Step Functions (sandbox)";
const EMR: &str = "EMR (sandbox)";
const CLOUDFORMATION: &str = "CloudFormation (sandbox)";

impl Sandbox {
    pub(super) fn make(&self, change: &Change) -> Result<Applied, PlatformError> {
        match change {
            Change::Reshard { stream, call } => self.reshard(stream, call),
            Change::EnhancedMonitoring { stream, on } => self.enhanced_monitoring(stream, *on),
            Change::Glue(change) => self.glue(change),
            Change::Workflow(change) => {
                let answer = self.changing(|state| state.workflow_change(change, "lakeops"))?;
                answer.map(Applied::Answer).map_err(|e| PlatformError::answered(STATES, e))
            }
            Change::Emr(change) => {
                let answer = self.changing(|state| state.emr_change(change, "lakeops"))?;
                answer.map(Applied::Answer).map_err(|e| PlatformError::answered(EMR, e))
            }
            Change::Rerun(rerun) => self.rerun(rerun),
            Change::StartQuery(request) => self.start_query(request),
            Change::StopQuery { id } => {
                self.queries.stop(id).map_err(|e| PlatformError::answered(ATHENA, e))?;
                self.changing(|s| s.record("lakeops", "athena.amazonaws.com", "StopQueryExecution", id, false))?;
                Ok(Applied::Done)
            }
            Change::SaveQuery(query) => self.save_query(query),
            Change::PlanStack { stack, template, .. } => self.plan_stack(stack, template),
            Change::ApplyPlan { stack, change_set } => self.apply_plan(stack, change_set),
            Change::DiscardPlan { stack, change_set } => {
                self.changing_stack(stack, |found, _| {
                    if let Some(found) = found {
                        found.discard(change_set);
                    }
                    Ok(())
                })?;
                Ok(Applied::Done)
            }
            // The gate refuses it before it gets here; this is the sandbox's own answer.
            Change::DeleteStack { .. } => Err(PlatformError::failed(
                CLOUDFORMATION,
                crate::ops::change::backend_refusal(Backend::Sandbox.as_str(), change).unwrap_or_default(),
            )),
            Change::Sandbox(SandboxChange::Fault { fault, on }) => self.fault(*fault, *on),
            Change::Sandbox(SandboxChange::Reset) => self.reset(),
        }
    }

    fn stream_named(&self, stream: &str) -> Result<(), PlatformError> {
        let found = self.with_model(|state| state.stream.name == stream)?;
        if found {
            Ok(())
        } else {
            Err(PlatformError::answered(
                KINESIS,
                ServiceError::new("ResourceNotFoundException", format!("stream {stream} not found")),
            ))
        }
    }

    fn reshard(&self, stream: &str, call: &ReshardCall) -> Result<Applied, PlatformError> {
        self.stream_named(stream)?;
        self.changing(|state| state.request_reshard(call, "lakeops"))?
            .map_err(|e| PlatformError::answered(KINESIS, e))?;
        Ok(Applied::Done)
    }

    fn enhanced_monitoring(&self, stream: &str, on: bool) -> Result<Applied, PlatformError> {
        self.stream_named(stream)?;
        self.changing(|state| state.set_enhanced_monitoring(on, "lakeops"))?;
        Ok(Applied::Done)
    }

    fn glue(&self, change: &GlueChange) -> Result<Applied, PlatformError> {
        let answer = self.changing(|state| state.glue_change(change, "lakeops"))?;
        answer.map(Applied::Answer).map_err(|e| PlatformError::answered(GLUE, e))
    }

    fn rerun(&self, rerun: &Rerun) -> Result<Applied, PlatformError> {
        let service = match rerun {
            Rerun::DmsTask(_) => "DMS (sandbox)",
            Rerun::DataSyncTask(_) => "DataSync (sandbox)",
            Rerun::AppFlowFlow(_) => "AppFlow (sandbox)",
            Rerun::SpiceDataset(_) => "QuickSight (sandbox)",
        };
        let answer = self.changing(|state| state.rerun(rerun, &self.settings, "lakeops"))?;
        answer.map(Applied::Answer).map_err(|e| PlatformError::answered(service, e))
    }

    fn start_query(&self, request: &QueryRequest) -> Result<Applied, PlatformError> {
        let peak = self.settings.sandbox.peak_records_per_second;
        let (execution, view, database, buckets) = self
            .changing(|state| {
                let execution = state.submit_query(request, "lakeops")?;
                let view = state.lake_view(peak);
                Ok::<_, ServiceError>((execution, view, state.glue.database.clone(), state.lake.buckets()))
            })?
            .map_err(|e| PlatformError::answered(ATHENA, e))?;
        let memory_mib = self.settings.sandbox.engine_memory_mib;
        self.queries.start(&execution, self.lake.clone(), view, database, buckets, memory_mib);
        Ok(Applied::Answer(execution.id))
    }

    fn save_query(&self, query: &SavedQuery) -> Result<Applied, PlatformError> {
        let id = self.changing(|state| {
            let id = format!("nq-{:04}", state.athena.saved.len() + 1);
            state.athena.saved.push(SavedQuery { id: id.clone(), ..query.clone() });
            state.record("lakeops", "athena.amazonaws.com", "CreateNamedQuery", &query.name, false);
            id
        })?;
        Ok(Applied::Answer(id))
    }

    fn plan_stack(&self, name: &str, template: &str) -> Result<Applied, PlatformError> {
        let wanted: serde_json::Value = serde_json::from_str(template).map_err(|e| {
            PlatformError::answered(
                CLOUDFORMATION,
                ServiceError::new("ValidationError", format!("the template is not JSON: {e}")),
            )
        })?;
        let resources = wanted["Resources"].as_object().cloned().unwrap_or_default();
        let outputs = stack::resolve_outputs(&wanted, &self.settings.aws.region);
        let staged = self.staged(name, template);
        let plan = self.changing_stack(name, |found, _| {
            let found = found.ok_or_else(|| {
                PlatformError::failed(CLOUDFORMATION, format!("the sandbox runs one stack, and {name} is not it"))
            })?;
            if found.status.ends_with("_IN_PROGRESS") {
                return Err(PlatformError::failed(
                    CLOUDFORMATION,
                    format!("{name} is {}: wait until it settles, then plan again", found.status),
                ));
            }
            let retyped = stack::retyped(&found.resources, &resources);
            if !retyped.is_empty() {
                return Err(PlatformError::answered(
                    CLOUDFORMATION,
                    ServiceError::new(
                        "ValidationError",
                        format!(
                            "Update of resource type is not permitted. The new template modifies resource type of \
                             the following resources: [{}]",
                            retyped.join(", ")
                        ),
                    ),
                ));
            }
            let mut plan = stack::diff(name, Some(&found.resources), &resources);
            plan.staged = staged.clone();
            Ok(found.keep(plan, resources, outputs))
        })?;
        Ok(Applied::Plan(Box::new(plan)))
    }

    /// Where the AWS backend would put a template over the inline limit (`provision::staging`):
    /// the sandbox's CloudFormation reads it all the same, and the plan says where it went.
    fn staged(&self, name: &str, template: &str) -> Option<StagedTemplate> {
        use crate::provision::staging;
        if !staging::staged(template.len()) {
            return None;
        }
        let bucket = staging::Bucket::of_profile(&self.settings.aws.template_bucket)
            .unwrap_or_else(|| staging::Bucket::lakeops(stack::SANDBOX_ACCOUNT, &self.settings.aws.region));
        Some(bucket.object(name, template).1)
    }

    fn apply_plan(&self, name: &str, change_set: &str) -> Result<Applied, PlatformError> {
        self.changing_stack(name, |found, now_ms| {
            let found =
                found.ok_or_else(|| PlatformError::failed(CLOUDFORMATION, format!("stack {name} does not exist")))?;
            found.execute(change_set, now_ms).map_err(|e| PlatformError::answered(CLOUDFORMATION, e))
        })?;
        self.changing(|state| {
            state.record("lakeops", "cloudformation.amazonaws.com", "ExecuteChangeSet", name, false)
        })?;
        Ok(Applied::Done)
    }

    /// The fault's own cause is what CloudTrail records (see `set_fault`); that lakeops turned it
    /// on is lakeops' journal's to say, not CloudTrail's.
    fn fault(&self, fault: Fault, on: bool) -> Result<Applied, PlatformError> {
        let changed = self.changing(|state| state.set_fault(fault, on))?;
        let verb = if on { "on" } else { "off" };
        Ok(if changed { Applied::Done } else { Applied::Answer(format!("it was already {verb}")) })
    }

    /// Forgets the saved state and the local lake, and saves nothing more: the next lakeops
    /// starts the sandbox afresh.
    fn reset(&self) -> Result<Applied, PlatformError> {
        let existed = match &self.store {
            Some(store) => store.reset()?,
            None => false,
        };
        self.forgotten.store(true, std::sync::atomic::Ordering::SeqCst);
        let now = self.clock.now_ms();
        let mut inner = self.inner.lock().map_err(|_| super::failed("the sandbox model is unusable"))?;
        inner.state = fresh(&self.settings, now);
        Ok(if existed { Applied::Done } else { Applied::Answer("had no saved state; nothing to reset".into()) })
    }
}
