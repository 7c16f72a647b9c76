//! Athena as the console and `lakeops query` both use it: a query started through the write gate
//! and remembered in the history, followed to its end, its rows read and exported.

use std::time::{Duration, Instant};

use super::{Failure, Session};
use crate::model::{Applied, Change, QueryRequest, QueryStatus, ResultColumn};
use crate::ops::athena::{csv, drop_header, json};
use crate::platform::{GateError, Platform};

/// GetQueryExecution while a query runs: once a second.
pub const POLL_EVERY: Duration = Duration::from_secs(1);

/// Starts `request` through the gate (journaled; read-only mode refuses a statement that changes
/// something) after adding it to the query history; returns the execution id. A history that
/// cannot be written is told to `problem` and does not stop the query.
pub async fn start(
    session: &Session,
    platform: &dyn Platform,
    request: &QueryRequest,
    problem: &mut (dyn FnMut(String) + Send),
) -> Result<String, GateError> {
    let change = Change::StartQuery(request.clone());
    let detail = crate::ops::athena::one_line(&request.sql);
    session.gate.check(&change, &detail)?;
    if let Err(message) = session.history.append(&request.workgroup, &request.sql) {
        problem(message);
    }
    session.gate.apply(platform, &change, &detail).await.map(|applied| applied.answer())
}

/// Cancels query `id` (StopQueryExecution) through the gate.
pub async fn stop(session: &Session, platform: &dyn Platform, id: &str) -> Result<(), GateError> {
    session.gate.apply(platform, &Change::StopQuery { id: id.to_string() }, "").await.map(|_: Applied| ())
}

/// Follows query `id` until it ends, telling `progress` each new state; when `interrupted`
/// resolves (Ctrl-C), the query is cancelled and followed to its CANCELLED end.
pub async fn follow(
    session: &Session,
    platform: &dyn Platform,
    id: &str,
    progress: &mut dyn FnMut(String),
    interrupted: impl std::future::Future<Output = ()>,
) -> Result<QueryStatus, Failure> {
    let started = Instant::now();
    let mut last = None;
    let mut interrupted = std::pin::pin!(interrupted);
    let mut cancelled = false;
    loop {
        let status = platform.query_status(id).await?;
        if status.state.is_done() {
            return Ok(status);
        }
        if last != Some(status.state) {
            progress(format!("{} ({} s)", status.state.name(), started.elapsed().as_secs()));
            last = Some(status.state);
        }
        tokio::select! {
            _ = tokio::time::sleep(POLL_EVERY) => {}
            _ = &mut interrupted, if !cancelled => {
                cancelled = true;
                stop(session, platform, id).await?;
                progress(format!("cancelling {id}"));
            }
        }
    }
}

/// A finished query's columns and every row, page after page.
pub async fn all_rows(
    platform: &dyn Platform,
    id: &str,
) -> Result<(Vec<ResultColumn>, Vec<Vec<Option<String>>>), Failure> {
    let mut page = platform.query_results(id, None).await?;
    drop_header(&mut page);
    let columns = page.columns.clone();
    let mut rows = std::mem::take(&mut page.rows);
    while let Some(token) = page.next_token.take() {
        page = platform.query_results(id, Some(&token)).await?;
        rows.append(&mut page.rows);
    }
    Ok((columns, rows))
}

/// Rows of a query already read, and where the rest start.
pub struct LoadedRows {
    pub columns: Vec<ResultColumn>,
    pub rows: Vec<Vec<Option<String>>>,
    pub next_token: Option<String>,
}

/// Writes every row of query `id` to `path` as CSV or JSON, reading the pages not loaded yet
/// first; returns the path and the number of rows.
pub async fn export(
    platform: &dyn Platform,
    id: &str,
    path: &str,
    as_json: bool,
    loaded: LoadedRows,
) -> Result<(String, usize), String> {
    let LoadedRows { columns, mut rows, mut next_token } = loaded;
    while let Some(token) = next_token.take() {
        let mut page = platform.query_results(id, Some(&token)).await.map_err(|e| e.to_string())?;
        rows.append(&mut page.rows);
        next_token = page.next_token;
    }
    let text = if as_json { json(&columns, &rows) } else { csv(&columns, &rows) };
    std::fs::write(path, text).map_err(|e| format!("cannot write {path}: {e}"))?;
    Ok((path.to_string(), rows.len()))
}
