//! Glue workflows on AWS: a workflow's newest runs with the jobs and crawlers of each that did not
//! succeed (GetWorkflowRuns with the run graph), and ResumeWorkflowRun.

use aws_sdk_glue::types::{Node, NodeType, WorkflowRun};
use aws_sdk_glue::Client;

use super::errors::{code, platform_error};
use super::utc;
use crate::model::text::sanitize;
use crate::model::{Applied, FailedNode, GlueWorkflowRun};
use crate::platform::PlatformError;

/// Runs read per workflow.
pub const RUNS_READ: i32 = 10;

/// A workflow's newest `max` runs, newest first; `None` when there is no such workflow.
pub async fn runs(client: &Client, name: &str, max: i32) -> Result<Option<Vec<GlueWorkflowRun>>, PlatformError> {
    let out = match client.get_workflow_runs().name(name).include_graph(true).max_results(max).send().await {
        Ok(out) => out,
        Err(e) if code(&e) == Some("EntityNotFoundException") => return Ok(None),
        Err(e) => return Err(platform_error("Glue GetWorkflowRuns", e)),
    };
    let mut runs: Vec<GlueWorkflowRun> = out.runs().iter().map(run).collect();
    runs.sort_by_key(|r| std::cmp::Reverse(r.started));
    Ok(Some(runs))
}

fn run(r: &WorkflowRun) -> GlueWorkflowRun {
    let stats = r.statistics();
    let count = |f: fn(&aws_sdk_glue::types::WorkflowRunStatistics) -> i32| stats.map(f).unwrap_or(0).max(0) as u32;
    let failed_nodes: Vec<FailedNode> =
        r.graph().map(|g| g.nodes().iter().filter_map(failed_node).collect()).unwrap_or_default();
    GlueWorkflowRun {
        id: r.workflow_run_id().unwrap_or_default().to_string(),
        status: r.status().map(|s| s.as_str().to_string()).unwrap_or_else(|| "UNKNOWN".into()),
        started: utc(r.started_on()),
        completed: utc(r.completed_on()),
        total_actions: count(|s| s.total_actions()),
        succeeded_actions: count(|s| s.succeeded_actions()),
        failed_actions: count(|s| s.failed_actions() + s.timeout_actions() + s.errored_actions() + s.stopped_actions())
            .max(failed_nodes.len() as u32),
        error: r.error_message().map(sanitize),
        failed_nodes,
    }
}

/// A job or crawler node whose newest run or crawl did not succeed.
fn failed_node(node: &Node) -> Option<FailedNode> {
    let (kind, state, error) = match node.r#type()? {
        NodeType::Job => {
            let run = node.job_details()?.job_runs().iter().max_by_key(|r| r.started_on().map(|t| t.secs()))?;
            ("JOB", run.job_run_state()?.as_str().to_string(), run.error_message())
        }
        NodeType::Crawler => {
            let crawl = node.crawler_details()?.crawls().iter().max_by_key(|c| c.started_on().map(|t| t.secs()))?;
            ("CRAWLER", crawl.state()?.as_str().to_string(), crawl.error_message())
        }
        _ => return None,
    };
    if matches!(state.as_str(), "SUCCEEDED" | "RUNNING" | "STARTING" | "WAITING" | "STOPPING") {
        return None;
    }
    Some(FailedNode {
        kind: kind.into(),
        name: sanitize(node.name().unwrap_or_default()),
        node_id: node.unique_id().unwrap_or_default().to_string(),
        state,
        error: error.map(sanitize),
    })
}

/// ResumeWorkflowRun: `nodes` and what follows them run again in a new run.
pub async fn resume(client: &Client, workflow: &str, run_id: &str, nodes: &[String]) -> Result<Applied, PlatformError> {
    let out = client
        .resume_workflow_run()
        .name(workflow)
        .run_id(run_id)
        .set_node_ids(Some(nodes.to_vec()))
        .send()
        .await
        .map_err(|e| platform_error("Glue ResumeWorkflowRun", e))?;
    Ok(Applied::Answer(format!("{workflow} resumed as run {}", out.run_id().unwrap_or("(no id returned)"))))
}
