//! The platform's CloudFormation stack: its state, a plan (change set), events, drift.

use serde::{Deserialize, Serialize};

/// What a change does to one resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChangeAction {
    Add,
    Modify,
    Remove,
}

/// Whether a Modify replaces the resource (CloudFormation's `Replacement`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Replacement {
    No,
    Yes,
    /// Depends on a value only known while updating.
    Conditional,
}

/// One resource's change in a plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StackChange {
    pub action: ChangeAction,
    pub logical_id: String,
    pub resource_type: String,
    pub replacement: Replacement,
    /// Properties that change; those that force a replacement first.
    pub properties: Vec<String>,
    /// Of `properties`, those that cause the replacement.
    pub replacing: Vec<String>,
    /// Of `properties`, those whose values before and after are known (CloudFormation's
    /// `IncludePropertyValues`; the sandbox's diff of its templates).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<PropertyValues>,
}

/// A property's value before and after a change, as CloudFormation writes it (JSON for an object).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PropertyValues {
    pub property: String,
    pub before: String,
    pub after: String,
}

impl StackChange {
    /// Whether the change makes a new physical resource (a rule of the old one does not apply).
    pub fn replaces(&self) -> bool {
        self.replacement != Replacement::No
    }
}

/// A change set, read: what applying it would do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StackPlan {
    pub stack: String,
    /// The change set to execute (its ARN on AWS); `None` when there is nothing to do.
    pub change_set: Option<String>,
    /// Creating the stack (it does not exist yet) rather than updating it.
    pub creates: bool,
    pub changes: Vec<StackChange>,
    /// Where the template was put for CloudFormation to read, when it is over the inline limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staged: Option<StagedTemplate>,
    /// What applying it would run into, found before (a shard count Kinesis would refuse).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// A template put in S3 for CloudFormation to read (`provision::staging`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StagedTemplate {
    /// `s3://bucket/key`.
    pub uri: String,
    pub bytes: usize,
}

impl StackPlan {
    /// A plan of `changes`, with nothing staged or warned of yet.
    pub fn new(stack: &str, change_set: Option<String>, creates: bool, changes: Vec<StackChange>) -> StackPlan {
        StackPlan { stack: stack.to_string(), change_set, creates, changes, staged: None, warnings: Vec::new() }
    }

    pub fn has_changes(&self) -> bool {
        !self.changes.is_empty()
    }
}

/// One stack event, as CloudFormation reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StackEvent {
    pub id: String,
    pub at_ms: i64,
    pub logical_id: String,
    pub resource_type: String,
    /// CREATE_IN_PROGRESS, UPDATE_COMPLETE, ROLLBACK_IN_PROGRESS, …
    pub status: String,
    pub reason: Option<String>,
}

/// One output of the stack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StackOutput {
    pub key: String,
    pub value: String,
    pub description: String,
}

/// The stack as it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StackSummary {
    pub name: String,
    /// CREATE_COMPLETE, UPDATE_IN_PROGRESS, UPDATE_ROLLBACK_COMPLETE, …
    pub status: String,
    pub reason: Option<String>,
    pub outputs: Vec<StackOutput>,
}

impl StackSummary {
    /// The stack is between operations: nothing in progress.
    pub fn is_settled(&self) -> bool {
        is_settled(&self.status)
    }
}

/// A status that ends an operation (`*_COMPLETE`, `*_FAILED`).
pub fn is_settled(status: &str) -> bool {
    !status.ends_with("_IN_PROGRESS")
}

/// A status that means the operation did not do what was asked.
pub fn is_failure(status: &str) -> bool {
    status.ends_with("_FAILED") || status.contains("ROLLBACK")
}

/// One property that differs from the template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PropertyDrift {
    pub path: String,
    pub expected: String,
    pub actual: String,
    /// ADD, REMOVE or NOT_EQUAL.
    pub difference: String,
}

/// One resource whose configuration is not what the stack says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DriftedResource {
    pub logical_id: String,
    pub resource_type: String,
    /// MODIFIED or DELETED.
    pub status: String,
    pub properties: Vec<PropertyDrift>,
}

/// A resource a template names, with the name it would create it under.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamedResource {
    pub logical_id: String,
    pub resource_type: String,
    pub name: String,
}

impl std::fmt::Display for NamedResource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} ({})", self.resource_type, self.name, self.logical_id)
    }
}
