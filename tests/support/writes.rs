//! Changes made by tests that exercise a backend's writes themselves: each goes through a write
//! gate that is not read-only (a backend takes no change without the gate's permit), journaled
//! in a folder of its own.

use lakeops::journal::Journal;
use lakeops::model::{Applied, Change, QueryRequest, ReshardCall, SavedQuery, StackPlan};
use lakeops::platform::{Gate, GateError, Platform, PlatformError};

/// Makes `change` through an open gate.
pub async fn apply(platform: &dyn Platform, change: Change) -> Result<Applied, PlatformError> {
    let dir = tempfile::tempdir().expect("journal dir");
    let gate = Gate::new(false, Journal::new(dir.path().join("journal.jsonl")), "tests", "test", Box::new(|_| {}));
    match gate.apply(platform, &change, "").await {
        Ok(applied) => Ok(applied),
        Err(GateError::Platform(e)) => Err(e),
        Err(GateError::ReadOnly(reason) | GateError::Refused(reason)) => panic!("an open gate refused: {reason}"),
    }
}

pub async fn start_query(platform: &dyn Platform, request: &QueryRequest) -> Result<String, PlatformError> {
    apply(platform, Change::StartQuery(request.clone())).await.map(|a| a.answer())
}

pub async fn stop_query(platform: &dyn Platform, id: &str) -> Result<(), PlatformError> {
    apply(platform, Change::StopQuery { id: id.into() }).await.map(|_| ())
}

pub async fn save_query(platform: &dyn Platform, query: &SavedQuery) -> Result<String, PlatformError> {
    apply(platform, Change::SaveQuery(query.clone())).await.map(|a| a.answer())
}

pub async fn reshard(platform: &dyn Platform, stream: &str, call: &ReshardCall) -> Result<(), PlatformError> {
    apply(platform, Change::Reshard { stream: stream.into(), call: call.clone() }).await.map(|_| ())
}

pub async fn set_enhanced_monitoring(platform: &dyn Platform, stream: &str, on: bool) -> Result<(), PlatformError> {
    apply(platform, Change::EnhancedMonitoring { stream: stream.into(), on }).await.map(|_| ())
}

pub async fn plan_stack(
    platform: &dyn Platform,
    stack: &str,
    template: &str,
    parameters: &[(String, String)],
) -> Result<StackPlan, PlatformError> {
    let change = Change::PlanStack { stack: stack.into(), template: template.into(), parameters: parameters.to_vec() };
    apply(platform, change).await.map(|a| a.into_plan().expect("a plan"))
}

pub async fn apply_plan(platform: &dyn Platform, stack: &str, change_set: &str) -> Result<(), PlatformError> {
    apply(platform, Change::ApplyPlan { stack: stack.into(), change_set: change_set.into() }).await.map(|_| ())
}

pub async fn discard_plan(platform: &dyn Platform, stack: &str, change_set: &str) -> Result<(), PlatformError> {
    apply(platform, Change::DiscardPlan { stack: stack.into(), change_set: change_set.into() }).await.map(|_| ())
}

pub async fn delete_stack(platform: &dyn Platform, stack: &str) -> Result<(), PlatformError> {
    apply(platform, Change::DeleteStack { stack: stack.into() }).await.map(|_| ())
}
