//! The sandbox's CloudFormation stack. The sandbox platform counts as provisioned from its
//! profile when it started; a plan diffs the profile's template against what was deployed, and
//! an applied plan plays out resource by resource on the model's clock, changing the model
//! where the sandbox has the resource (a shard count change is a real resharding of the stream).

mod diff;

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub use diff::{diff, retyped};

use super::state::SimState;
use crate::model::{
    CapacityMode, ChangeAction, DriftedResource, PropertyDrift, ReshardCall, StackChange, StackEvent, StackOutput,
    StackPlan, StackSummary,
};
use crate::platform::ServiceError;

/// Events kept per stack (CloudFormation keeps 90 days; the console shows the newest).
const EVENTS_KEPT: usize = 500;

/// The sandbox's stack: what was deployed, its history, what is in flight.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct SandboxStack {
    pub name: String,
    pub status: String,
    /// Logical id → {Type, Properties} as last deployed.
    pub resources: Map<String, Value>,
    pub outputs: Vec<StackOutput>,
    /// Newest last.
    pub events: VecDeque<StackEvent>,
    /// Change sets not yet applied: (id, the template's resources, outputs, the plan).
    pub change_sets: Vec<ChangeSet>,
    /// The steps of the operation in progress, in order.
    pub steps: VecDeque<Step>,
    pub next_id: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ChangeSet {
    pub id: String,
    pub resources: Map<String, Value>,
    pub outputs: Vec<StackOutput>,
    pub plan: StackPlan,
}

/// One event due at `at_ms`; `effect` is what the model does when it happens.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Step {
    pub at_ms: i64,
    pub logical_id: String,
    pub resource_type: String,
    pub status: String,
    pub effect: Option<Effect>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub enum Effect {
    Stream(Value),
    /// The deployed template becomes this one.
    Deployed(Map<String, Value>, Vec<StackOutput>),
}

/// The account the sandbox's names and ARNs carry, the same in its stack's outputs and in what
/// it runs (its outputs had named buckets and ARNs of another account than those it used).
pub const SANDBOX_ACCOUNT: &str = "000000000000";

/// The properties that name a resource, in the order they are looked for.
const NAME_PROPERTIES: &[&str] = &[
    "Name",
    "FunctionName",
    "QueueName",
    "BucketName",
    "TrailName",
    "TopicName",
    "WorkgroupName",
    "NamespaceName",
    "ClusterIdentifier",
    "RoleName",
    "AlarmName",
    "AliasName",
    "StateMachineName",
    "DeliveryStreamName",
    "DomainName",
];

/// A template value with the pseudo parameters filled in (`Fn::Sub` over them only).
fn literal(value: &Value, region: &str) -> Option<String> {
    let text = value.as_str().or_else(|| value["Fn::Sub"].as_str())?;
    Some(
        text.replace("${AWS::AccountId}", SANDBOX_ACCOUNT)
            .replace("${AWS::Region}", region)
            .replace("${AWS::Partition}", "aws"),
    )
}

/// What `Ref` (or `Fn::GetAtt`) of a resource reads as in the sandbox, as on AWS: a name,
/// an ARN, a queue URL, an id.
fn resolve(resource: &Value, attribute: Option<&str>, id: &str, region: &str) -> String {
    let p = &resource["Properties"];
    let name = NAME_PROPERTIES
        .iter()
        .find_map(|k| literal(&p[*k], region))
        .or_else(|| literal(&p["DatabaseInput"]["Name"], region))
        .unwrap_or_else(|| format!("sandbox-{}", id.to_ascii_lowercase()));
    let kind = resource["Type"].as_str().unwrap_or_default();
    let arn = |service: &str, path: &str| format!("arn:aws:{service}:{region}:{SANDBOX_ACCOUNT}:{path}");
    match (kind, attribute) {
        ("AWS::Kinesis::Stream", Some("Arn")) => arn("kinesis", &format!("stream/{name}")),
        ("AWS::IAM::Role", Some("Arn")) => format!("arn:aws:iam::{SANDBOX_ACCOUNT}:role/{name}"),
        ("AWS::KMS::Key", _) => arn("kms", "key/00000000-0000-4000-8000-00000000da7a"),
        ("AWS::SQS::Queue", None) => format!("https://sqs.{region}.amazonaws.com/{SANDBOX_ACCOUNT}/{name}"),
        ("AWS::SNS::Topic", None) => arn("sns", &name),
        ("AWS::StepFunctions::StateMachine", None | Some("Arn")) => arn("states", &format!("stateMachine:{name}")),
        ("AWS::EC2::VPC", _) => "vpc-0sandbox".into(),
        ("AWS::OpenSearchService::Domain", Some("DomainEndpoint")) => {
            format!("vpc-{name}-sandbox.{region}.es.amazonaws.com")
        }
        _ => name,
    }
}

/// The template's outputs with references resolved the way AWS would resolve them.
pub fn resolve_outputs(template: &Value, region: &str) -> Vec<StackOutput> {
    let empty = Map::new();
    let resources = template["Resources"].as_object().unwrap_or(&empty);
    let value = |v: &Value| -> String {
        let (target, attribute) = match (v["Ref"].as_str(), v["Fn::GetAtt"][0].as_str()) {
            (Some(id), _) => (Some(id), None),
            (None, Some(id)) => (Some(id), v["Fn::GetAtt"][1].as_str()),
            _ => (None, None),
        };
        match target.and_then(|id| resources.get(id).map(|r| (id, r))) {
            Some((id, resource)) => resolve(resource, attribute, id, region),
            None => literal(v, region).unwrap_or_else(|| v.to_string()),
        }
    };
    template["Outputs"]
        .as_object()
        .map(|outputs| {
            outputs
                .iter()
                .map(|(key, o)| StackOutput {
                    key: key.clone(),
                    value: value(&o["Value"]),
                    description: o["Description"].as_str().unwrap_or_default().to_string(),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Seconds a resource type takes to create or update (what CloudFormation typically reports).
fn seconds(resource_type: &str, action: ChangeAction) -> i64 {
    let create = match resource_type {
        "AWS::EC2::NatGateway" => 95,
        "AWS::RedshiftServerless::Workgroup" | "AWS::Redshift::Cluster" => 180,
        "AWS::Kinesis::Stream" => 30,
        "AWS::KMS::Key" | "AWS::EC2::VPC" | "AWS::Lambda::EventSourceMapping" => 20,
        "AWS::IAM::Role" => 15,
        "AWS::S3::Bucket" | "AWS::Lambda::Function" | "AWS::CloudTrail::Trail" => 5,
        _ => 2,
    };
    match action {
        ChangeAction::Add => create,
        ChangeAction::Modify => create.min(30),
        ChangeAction::Remove => create / 2 + 1,
    }
}

impl SandboxStack {
    /// A stack already created at `at_ms` with `resources` (the sandbox as it started).
    pub fn created(name: &str, resources: Map<String, Value>, outputs: Vec<StackOutput>, at_ms: i64) -> SandboxStack {
        let mut stack = SandboxStack { name: name.to_string(), status: "CREATE_COMPLETE".into(), ..Default::default() };
        stack.event(at_ms, name, "AWS::CloudFormation::Stack", "CREATE_IN_PROGRESS", Some("User Initiated"));
        for (id, resource) in &resources {
            let kind = resource["Type"].as_str().unwrap_or_default().to_string();
            stack.event(at_ms, id, &kind, "CREATE_COMPLETE", None);
        }
        stack.event(at_ms, name, "AWS::CloudFormation::Stack", "CREATE_COMPLETE", None);
        stack.resources = resources;
        stack.outputs = outputs;
        stack
    }

    fn event(&mut self, at_ms: i64, logical_id: &str, kind: &str, status: &str, reason: Option<&str>) {
        self.next_id += 1;
        self.events.push_back(StackEvent {
            id: format!("sandbox-event-{}", self.next_id),
            at_ms,
            logical_id: logical_id.to_string(),
            resource_type: kind.to_string(),
            status: status.to_string(),
            reason: reason.map(String::from),
        });
        while self.events.len() > EVENTS_KEPT {
            self.events.pop_front();
        }
    }

    pub fn summary(&self) -> StackSummary {
        StackSummary {
            name: self.name.clone(),
            status: self.status.clone(),
            reason: None,
            outputs: self.outputs.clone(),
        }
    }

    /// Keeps a computed plan as a change set and names it.
    pub fn keep(&mut self, mut plan: StackPlan, resources: Map<String, Value>, outputs: Vec<StackOutput>) -> StackPlan {
        if !plan.has_changes() {
            return plan;
        }
        self.next_id += 1;
        let id = format!("arn:aws:cloudformation:sandbox:changeSet/lakeops-{}", self.next_id);
        plan.change_set = Some(id.clone());
        self.change_sets.push(ChangeSet { id, resources, outputs, plan: plan.clone() });
        plan
    }

    pub fn discard(&mut self, change_set: &str) {
        self.change_sets.retain(|c| c.id != change_set);
    }

    /// Starts executing a change set: its events are scheduled from `now_ms`.
    pub fn execute(&mut self, change_set: &str, now_ms: i64) -> Result<(), ServiceError> {
        if !self.steps.is_empty() || self.status.ends_with("_IN_PROGRESS") {
            return Err(ServiceError::new(
                "ValidationError",
                format!("{} is {} and cannot be updated now", self.name, self.status),
            ));
        }
        let Some(set) = self.change_sets.iter().position(|c| c.id == change_set).map(|i| self.change_sets.remove(i))
        else {
            return Err(ServiceError::new(
                "ChangeSetNotFound",
                format!("{change_set} does not exist (it may have been applied or discarded)"),
            ));
        };
        // Executing one change set makes the others stale, as on AWS.
        self.change_sets.clear();
        self.status = "UPDATE_IN_PROGRESS".into();
        let name = self.name.clone();
        self.event(now_ms, &name, "AWS::CloudFormation::Stack", "UPDATE_IN_PROGRESS", Some("User Initiated"));
        let mut at = now_ms;
        let mut removals = Vec::new();
        for c in &set.plan.changes {
            let (verb, effect) = match c.action {
                ChangeAction::Add => ("CREATE", None),
                ChangeAction::Modify => {
                    let effect = (c.resource_type == "AWS::Kinesis::Stream")
                        .then(|| set.resources.get(&c.logical_id).map(|r| Effect::Stream(r["Properties"].clone())))
                        .flatten();
                    ("UPDATE", effect)
                }
                ChangeAction::Remove => {
                    removals.push(c.clone());
                    continue;
                }
            };
            // A stream update starts the resharding; it completes once the stream is ACTIVE.
            self.steps.push_back(step(at + 500, c, &format!("{verb}_IN_PROGRESS"), effect));
            at += seconds(&c.resource_type, c.action) * 1000;
            self.steps.push_back(step(at, c, &format!("{verb}_COMPLETE"), None));
        }
        at += 1_000;
        self.steps.push_back(Step {
            at_ms: at,
            logical_id: name.clone(),
            resource_type: "AWS::CloudFormation::Stack".into(),
            status: "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS".into(),
            effect: None,
        });
        for c in &removals {
            self.steps.push_back(step(at + 500, c, "DELETE_IN_PROGRESS", None));
            at += seconds(&c.resource_type, c.action) * 1000;
            self.steps.push_back(step(at, c, "DELETE_COMPLETE", None));
        }
        self.steps.push_back(Step {
            at_ms: at + 1_000,
            logical_id: name,
            resource_type: "AWS::CloudFormation::Stack".into(),
            status: "UPDATE_COMPLETE".into(),
            effect: Some(Effect::Deployed(set.resources, set.outputs)),
        });
        Ok(())
    }
}

fn step(at_ms: i64, c: &StackChange, status: &str, effect: Option<Effect>) -> Step {
    Step {
        at_ms,
        logical_id: c.logical_id.clone(),
        resource_type: c.resource_type.clone(),
        status: status.into(),
        effect,
    }
}

impl SimState {
    /// Plays the stack's due events; a stream update reshards the stream as UpdateShardCount would.
    pub fn stack_step(&mut self) {
        let Some(mut stack) = self.stack.take() else { return };
        while stack.steps.front().is_some_and(|s| s.at_ms <= self.now_ms) {
            let waits_for_stream = stack
                .steps
                .front()
                .is_some_and(|s| s.resource_type == "AWS::Kinesis::Stream" && s.status.ends_with("_COMPLETE"))
                && self.stream.pending.is_some();
            if waits_for_stream {
                break;
            }
            let Some(mut step) = stack.steps.pop_front() else { break };
            // The stream's completion may have waited for the resharding: it happens now, and
            // the steps after it move with it.
            let late = self.now_ms - step.at_ms;
            if step.resource_type == "AWS::Kinesis::Stream" && step.status.ends_with("_COMPLETE") && late > 0 {
                step.at_ms = self.now_ms;
                stack.steps.iter_mut().for_each(|s| s.at_ms += late);
            }
            let reason = match step.effect {
                Some(Effect::Stream(properties)) => self.stack_updates_stream(&properties).err(),
                Some(Effect::Deployed(resources, outputs)) => {
                    self.adopt_names(&resources);
                    stack.resources = resources;
                    stack.outputs = outputs;
                    None
                }
                None => None,
            };
            let failed = reason.is_some();
            let status = if failed { step.status.replace("IN_PROGRESS", "FAILED") } else { step.status.clone() };
            stack.event(step.at_ms, &step.logical_id, &step.resource_type, &status, reason.as_deref());
            if step.resource_type == "AWS::CloudFormation::Stack" {
                stack.status = step.status.clone();
            }
            if failed {
                // The update rolls back: the rest is not done, the deployed template stays.
                stack.steps.clear();
                let name = stack.name.clone();
                let at = step.at_ms + 1_000;
                stack.event(
                    at,
                    &name,
                    "AWS::CloudFormation::Stack",
                    "UPDATE_ROLLBACK_IN_PROGRESS",
                    Some("The following resource(s) failed to update: [Stream]."),
                );
                stack.event(at + 5_000, &name, "AWS::CloudFormation::Stack", "UPDATE_ROLLBACK_COMPLETE", None);
                stack.status = "UPDATE_ROLLBACK_COMPLETE".into();
            }
        }
        self.stack = Some(stack);
    }

    /// The model's resources take the names the deployed template gives them. (On AWS a new
    /// name is a replacement: a new, empty resource; the sandbox renames in place.)
    fn adopt_names(&mut self, resources: &Map<String, Value>) {
        let name = |id: &str, key: &str| -> Option<String> {
            let p = &resources.get(id)?["Properties"];
            p[key].as_str().or_else(|| p["DatabaseInput"][key].as_str()).map(String::from)
        };
        let warehouse = name("Warehouse", "WorkgroupName").or_else(|| name("WarehouseCluster", "ClusterIdentifier"));
        let renames = [
            (name("Stream", "Name"), &mut self.stream.name),
            (name("IngestFunction", "FunctionName"), &mut self.lambda.function),
            (name("DeadLetterQueue", "QueueName"), &mut self.lake.dlq_queue),
            (name("GlueDatabase", "Name"), &mut self.glue.database),
            (name("CurateJob", "Name"), &mut self.glue.job),
            (name("RawCrawler", "Name"), &mut self.glue.crawler),
            (name("AthenaWorkgroup", "Name"), &mut self.athena.workgroup),
            (warehouse, &mut self.redshift.name),
        ];
        for (new, field) in renames {
            if let Some(new) = new {
                *field = new;
            }
        }
    }

    /// Brings the stream to what the template says, through the same rules as a reshard.
    fn stack_updates_stream(&mut self, properties: &Value) -> Result<(), String> {
        if let Some(hours) = properties["RetentionPeriodHours"].as_u64() {
            self.stream.retention_hours = hours as u32;
        }
        let on_demand = properties["StreamModeDetails"]["StreamMode"] == "ON_DEMAND";
        let wanted_mode = if on_demand { CapacityMode::OnDemand } else { CapacityMode::Provisioned };
        if self.stream.mode != wanted_mode {
            return self
                .request_reshard(&ReshardCall::UpdateStreamMode { mode: wanted_mode }, "cloudformation")
                .map_err(|e| e.to_string());
        }
        if let Some(target) = properties["ShardCount"].as_u64() {
            if self.stream.open_shards().count() as u64 != target {
                return self
                    .request_reshard(&ReshardCall::UpdateShardCount { target: target as u32 }, "cloudformation")
                    .map_err(|e| e.to_string());
            }
        }
        Ok(())
    }

    /// The stream as it is against what the stack deployed.
    pub fn stack_drift(&self) -> Vec<DriftedResource> {
        let Some(stack) = &self.stack else { return Vec::new() };
        let Some((id, stream)) = stack.resources.iter().find(|(_, r)| r["Type"] == "AWS::Kinesis::Stream") else {
            return Vec::new();
        };
        let p = &stream["Properties"];
        let mut properties = Vec::new();
        let mut differ = |path: &str, expected: String, actual: String| {
            if expected != actual {
                properties.push(PropertyDrift { path: path.into(), expected, actual, difference: "NOT_EQUAL".into() });
            }
        };
        if let Some(shards) = p["ShardCount"].as_u64() {
            differ("/ShardCount", shards.to_string(), self.stream.open_shards().count().to_string());
        }
        let mode = if self.stream.mode == CapacityMode::OnDemand { "ON_DEMAND" } else { "PROVISIONED" };
        differ(
            "/StreamModeDetails/StreamMode",
            p["StreamModeDetails"]["StreamMode"].as_str().unwrap_or("PROVISIONED").into(),
            mode.into(),
        );
        differ("/RetentionPeriodHours", p["RetentionPeriodHours"].to_string(), self.stream.retention_hours.to_string());
        if properties.is_empty() {
            return Vec::new();
        }
        vec![DriftedResource {
            logical_id: id.clone(),
            resource_type: "AWS::Kinesis::Stream".into(),
            status: "MODIFIED".into(),
            properties,
        }]
    }
}
