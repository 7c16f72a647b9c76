//! The sandbox's Athena workgroup: queries start, run on the embedded engine over the local
//! lake in the background, and are read back page by page, as StartQueryExecution,
//! GetQueryExecution, GetQueryResults and StopQueryExecution do.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::engine::{self, worker, Answer, Buckets, Tables};
use super::lake::{Lake, LakeView};
use super::state::{Execution, SimState};
use crate::model::{QueryRequest, QueryState, QueryStatus, ResultPage};
use crate::platform::ServiceError;

/// Rows per GetQueryResults page, as on AWS.
const PAGE_ROWS: usize = 1_000;
/// Executions the workgroup lists (ListQueryExecutions goes back 45 days; this is enough).
const EXECUTIONS_KEPT: usize = 100;

/// Queries of this lakeops: their progress and, once done, their results.
#[derive(Default)]
pub struct Runs {
    runs: Mutex<HashMap<String, Run>>,
}

struct Run {
    status: QueryStatus,
    /// When it was submitted, then when the engine started on it.
    started: std::time::Instant,
    answer: Option<Arc<Answer>>,
    task: Option<tokio::task::AbortHandle>,
    /// Whether the outcome has been written into the workgroup's saved history.
    settled: bool,
}

impl SimState {
    /// Checks a request as Athena would and records it in the workgroup's history.
    pub fn submit_query(&mut self, request: &QueryRequest, user: &str) -> Result<Execution, ServiceError> {
        if request.workgroup != self.athena.workgroup {
            return Err(ServiceError::new(
                "InvalidRequestException",
                format!("WorkGroup {} is not found.", request.workgroup),
            ));
        }
        crate::ops::athena::check_sql(&request.sql).map_err(|e| ServiceError::new("InvalidRequestException", e))?;
        let number = self.athena.executions.back().map(|e| sequence(&e.id) + 1).unwrap_or(1);
        let execution = Execution {
            id: format!("{:08x}-{:04x}-4000-8000-{:012x}", self.seed as u32, number & 0xffff, number),
            sql: request.sql.clone(),
            database: request.database.clone(),
            state: QueryState::Queued,
            reason: None,
            submitted_ms: self.now_ms,
            scanned_bytes: None,
            engine_ms: None,
        };
        self.athena.executions.push_back(execution.clone());
        while self.athena.executions.len() > EXECUTIONS_KEPT {
            self.athena.executions.pop_front();
        }
        let workgroup = self.athena.workgroup.clone();
        self.record(user, "athena.amazonaws.com", "StartQueryExecution", &workgroup, false);
        Ok(execution)
    }

    /// Writes a finished query's outcome into the history (and the overview's Athena row).
    pub fn settle_query(&mut self, status: &QueryStatus) {
        if let Some(e) = self.athena.executions.iter_mut().find(|e| e.id == status.id) {
            e.state = status.state;
            e.reason = status.reason.clone();
            e.scanned_bytes = status.scanned_bytes;
            e.engine_ms = status.engine_ms;
        }
        match status.state {
            QueryState::Failed => self.athena.failures_ms.push_back(self.now_ms),
            QueryState::Succeeded => self.athena.scanned_today += status.scanned_bytes.unwrap_or(0) as f64,
            _ => {}
        }
    }

    pub fn lake_view(&self, peak_per_second: f64) -> LakeView {
        LakeView { seed: self.seed, now_ms: self.now_ms, peak_per_second, curated_until_ms: self.lake.curated_until_ms }
    }
}

/// The last number of an execution id.
fn sequence(id: &str) -> u64 {
    id.rsplit('-').next().and_then(|n| u64::from_str_radix(n, 16).ok()).unwrap_or(0)
}

impl Execution {
    pub fn status(&self) -> QueryStatus {
        QueryStatus {
            id: self.id.clone(),
            state: self.state,
            reason: self.reason.clone(),
            scanned_bytes: self.scanned_bytes,
            engine_ms: self.engine_ms,
            submitted: chrono::DateTime::from_timestamp_millis(self.submitted_ms),
            statement_type: Some(statement_type(&self.sql).into()),
            error_category: match self.state {
                QueryState::Failed => self.reason.as_deref().map(engine::error_category),
                _ => None,
            },
        }
    }
}

fn statement_type(sql: &str) -> &'static str {
    if crate::ops::athena::is_ddl(sql) {
        "DDL"
    } else {
        "DML"
    }
}

impl Runs {
    /// Starts the query in the background: the lake is brought up to `view`, then the engine runs,
    /// in a worker process of its own (`engine::worker`) or, where no worker program is named, on
    /// the engine's threads. Nothing of the statement is read here, where a fault would not be
    /// the query's alone.
    pub fn start(
        self: &Arc<Self>,
        execution: &Execution,
        lake: Arc<Lake>,
        view: LakeView,
        catalog: String,
        buckets: Buckets,
        memory_mib: u64,
    ) {
        let status = execution.status();
        let id = execution.id.clone();
        let (sql, database) = (execution.sql.clone(), execution.database.clone());
        self.insert(Run { status, started: std::time::Instant::now(), answer: None, task: None, settled: false });
        // QUEUED while the lake catches up with the platform, RUNNING once the engine starts; a
        // query cancelled meanwhile stays CANCELLED.
        let runs = self.clone();
        let running = {
            let (runs, id) = (self.clone(), id.clone());
            move || {
                runs.update(&id, |run| {
                    if run.status.state == QueryState::Queued {
                        run.status.state = QueryState::Running;
                        run.started = std::time::Instant::now();
                    }
                })
            }
        };
        let task = match (worker::program(), tokio::runtime::Handle::try_current()) {
            (Some(program), Ok(here)) => here.spawn(async move {
                let job = worker::Job { catalog, buckets, database, sql, view, memory_mib };
                let outcome = worker::run(program, lake.root(), &job, running).await;
                runs.finish(&id, outcome);
            }),
            _ => {
                let threads = match engine::threads::runtime() {
                    Ok(threads) => threads,
                    Err(reason) => return self.finish(&id, Err(format!("GENERIC_INTERNAL_ERROR: {reason}"))),
                };
                // On the engine's own threads: a panic there fails this query and leaves the
                // program running (the panic hook logs it).
                threads.spawn(async move {
                    let tables = Tables::in_lake(&lake, catalog, buckets, view.now_ms);
                    let run = worker::execute(&lake, &view, &tables, &database, &sql, running);
                    let outcome = futures::FutureExt::catch_unwind(std::panic::AssertUnwindSafe(run))
                        .await
                        .unwrap_or_else(|panic| {
                            let what = worker::panic_text(&*panic);
                            Err(format!("GENERIC_INTERNAL_ERROR: the sandbox engine failed: {what}"))
                        });
                    runs.finish(&id, outcome);
                })
            }
        };
        let abort = task.abort_handle();
        self.update(&execution.id, |run| run.task = Some(abort));
    }

    /// Records how a run ended, unless it was cancelled first.
    fn finish(&self, id: &str, outcome: Result<Answer, String>) {
        self.update(id, |run| {
            if run.status.state == QueryState::Cancelled {
                return;
            }
            run.status.engine_ms = Some(run.started.elapsed().as_millis() as u64);
            match outcome {
                Ok(answer) => {
                    run.status.state = QueryState::Succeeded;
                    run.status.engine_ms = Some(answer.engine_ms);
                    run.status.scanned_bytes = Some(answer.scanned_bytes);
                    run.answer = Some(Arc::new(answer));
                }
                Err(reason) => {
                    run.status.state = QueryState::Failed;
                    run.status.scanned_bytes = Some(0);
                    run.status.error_category = Some(engine::error_category(&reason));
                    run.status.reason = Some(reason);
                }
            }
        });
    }

    fn insert(&self, run: Run) {
        if let Ok(mut runs) = self.runs.lock() {
            runs.insert(run.status.id.clone(), run);
        }
    }

    fn update(&self, id: &str, f: impl FnOnce(&mut Run)) {
        if let Ok(mut runs) = self.runs.lock() {
            if let Some(run) = runs.get_mut(id) {
                f(run);
            }
        }
    }

    /// The query's status, and whether it has just finished (its outcome not yet settled).
    pub fn status(&self, id: &str) -> Option<(QueryStatus, bool)> {
        let mut runs = self.runs.lock().ok()?;
        let run = runs.get_mut(id)?;
        let mut status = run.status.clone();
        if !status.state.is_done() {
            status.engine_ms = Some(run.started.elapsed().as_millis() as u64);
        }
        let settle = status.state.is_done() && !run.settled;
        run.settled |= settle;
        Some((status, settle))
    }

    /// A page of a finished query's rows: `token` is where it starts.
    pub fn page(&self, id: &str, token: Option<&str>) -> Result<ResultPage, ServiceError> {
        let runs = self
            .runs
            .lock()
            .map_err(|_| ServiceError::new("InternalServerException", "the sandbox's query list is unusable"))?;
        let Some(run) = runs.get(id) else {
            return Err(ServiceError::new("InvalidRequestException", format!("the results of {id} are not kept by this lakeops (the sandbox keeps results in memory only): run the query again"
            )));
        };
        let Some(answer) = &run.answer else {
            return Err(ServiceError::new(
                "InvalidRequestException",
                format!("Query has not yet finished. Current state: {}", run.status.state.name()),
            ));
        };
        let start: usize = match token {
            None => 0,
            Some(token) => token
                .parse()
                .map_err(|_| ServiceError::new("InvalidRequestException", format!("bad NextToken {token}")))?,
        };
        // A SELECT's first page starts with its header row, as Athena's does: a row of the
        // columns' names, which every reader takes off (`ops::athena::drop_header`), so that a
        // first row that reads as the header (`SELECT 'a' AS a`) is kept, as it is on Athena.
        let header = token.is_none() && run.status.statement_type.as_deref() == Some("DML");
        let end = (start + PAGE_ROWS - usize::from(header)).min(answer.rows.len());
        let names = header.then(|| answer.columns.iter().map(|c| Some(c.name.clone())).collect());
        let rows = answer.rows.get(start..end).unwrap_or_default();
        Ok(ResultPage {
            columns: answer.columns.clone(),
            rows: names.into_iter().chain(rows.iter().cloned()).collect(),
            next_token: (end < answer.rows.len()).then(|| end.to_string()),
        })
    }

    /// Cancels a queued or running query; a finished one stays as it is, as on Athena.
    pub fn stop(&self, id: &str) -> Result<(), ServiceError> {
        let mut runs = self
            .runs
            .lock()
            .map_err(|_| ServiceError::new("InternalServerException", "the sandbox's query list is unusable"))?;
        let Some(run) = runs.get_mut(id) else {
            return Err(ServiceError::new("InvalidRequestException", format!("QueryExecution {id} was not found")));
        };
        if !run.status.state.is_done() {
            if let Some(task) = run.task.take() {
                task.abort();
            }
            run.status.state = QueryState::Cancelled;
            run.status.reason = Some("Query cancelled by user".into());
            run.status.engine_ms = Some(run.started.elapsed().as_millis() as u64);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::sandbox::engine::names_tables;

    #[test]
    fn only_a_statement_that_names_a_table_waits_for_the_lake() {
        assert!(!names_tables("SELECT 1"));
        assert!(!names_tables("select now(), current_date"));
        assert!(!names_tables("WITH t AS (SELECT 1 AS x) SELECT x FROM t"));
        assert!(names_tables("SELECT count(*) FROM events WHERE day = '19'"));
        assert!(names_tables("SELECT * FROM clickstream.raw_events LIMIT 1"));
        assert!(names_tables("SELECT 1 FROM (SELECT * FROM events) e"));
        assert!(names_tables("SELEC oops"), "what the parser cannot read is left to the engine");
    }
}
