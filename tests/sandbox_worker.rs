//! The sandbox's queries run each in a worker process, the lakeops these tests were built with
//! (sandbox::engine::worker). A file of its own: it counts this process's workers, which tests
//! running beside it would add to.

mod support;

use std::sync::Arc;
use std::time::Duration;

use lakeops::model::{QueryRequest, QueryState, QueryStatus};
use lakeops::platform::Platform;
use lakeops::sandbox::{ManualClock, Sandbox};

fn sandbox() -> Sandbox {
    lakeops::sandbox::engine::worker::set_program(env!("CARGO_BIN_EXE_lakeops").into());
    let loaded = support::sandbox_settings();
    let start = chrono::Utc::now().timestamp_millis();
    Sandbox::in_memory(&loaded.settings, Arc::new(ManualClock::new(start)))
}

fn request(sql: &str) -> QueryRequest {
    support::sandbox_query(sql)
}

async fn wait(sandbox: &Sandbox, id: &str) -> QueryStatus {
    support::query_done(sandbox, id).await
}

/// The lakeops processes this test started that are still running: the engine's workers.
fn workers() -> Vec<String> {
    let me = std::process::id().to_string();
    let children = std::fs::read_dir(format!("/proc/{me}/task"))
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|task| std::fs::read_to_string(task.path().join("children")).ok())
        .flat_map(|pids| pids.split_whitespace().map(String::from).collect::<Vec<_>>());
    children
        .filter(|pid| {
            let command = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
            String::from_utf8_lossy(&command).contains("--sandbox-engine")
        })
        .collect()
}

/// Each query runs in a worker of its own: a fault there fails that query and nothing else, and
/// cancelling a query ends its worker, so its work stops with it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_query_runs_in_a_worker_that_a_fault_or_a_cancel_ends() {
    let s = sandbox();
    let slow = "SELECT count(*) FROM raw_events a CROSS JOIN raw_events b CROSS JOIN raw_events c";
    let id = support::writes::start_query(&s, &request(slow)).await.unwrap();
    let mut running = false;
    for _ in 0..1500 {
        running = s.query_status(&id).await.unwrap().state == QueryState::Running;
        if running {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(running, "the lake written, the worker runs the statement");
    assert_eq!(workers().len(), 1, "one worker, for the one query");
    support::writes::stop_query(&s, &id).await.unwrap();
    assert_eq!(wait(&s, &id).await.state, QueryState::Cancelled);
    let mut left = workers();
    for _ in 0..250 {
        if left.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        left = workers();
    }
    assert!(left.is_empty(), "the cancelled query's worker ended: {left:?}");
    // The next query has a worker of its own, which ends with it.
    let id = support::writes::start_query(&s, &request("SELECT 1 + 1")).await.unwrap();
    assert_eq!(wait(&s, &id).await.state, QueryState::Succeeded);
    let rows = s.query_results(&id, None).await.unwrap().rows;
    assert_eq!(rows, [[Some("_col0".to_string())], [Some("2".to_string())]], "the header row, then the answer");
    assert!(workers().is_empty(), "a worker ends with its query");

    // A fault in the engine ends the worker and fails its query, in the panic's words.
    std::env::set_var("LAKEOPS_DEBUG_PANIC", "engine");
    let id = support::writes::start_query(&s, &request("SELECT 2")).await.unwrap();
    let failed = wait(&s, &id).await;
    std::env::remove_var("LAKEOPS_DEBUG_PANIC");
    assert_eq!(failed.state, QueryState::Failed);
    let reason = failed.reason.unwrap_or_default();
    assert!(
        reason.starts_with("GENERIC_INTERNAL_ERROR: the sandbox engine failed: ") && reason.contains("on purpose"),
        "{reason}"
    );
    let id = support::writes::start_query(&s, &request("SELECT 3")).await.unwrap();
    assert_eq!(wait(&s, &id).await.state, QueryState::Succeeded, "the next query runs");
}
