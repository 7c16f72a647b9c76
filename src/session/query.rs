//! Athena as the console and `lakeops query` both use it: a query started through the write gate
//! and remembered in the history, followed to its end, its rows read and exported.

use std::time::{Duration, Instant};

use super::output::Replacement;
use super::{Failure, Session};
use crate::model::{Applied, Change, QueryRequest, QueryStatus, ResultColumn};
use crate::ops::athena::{drop_header, poll_delay_ms};
use crate::ops::results::{csv_header, csv_rows, Cells, JsonArray, Row};
use crate::platform::{GateError, Platform};

/// Ctrl-C presses as they come (headless: from the signal; tests: from a channel).
pub type Interrupts = tokio::sync::mpsc::UnboundedReceiver<()>;

/// Where each page of results goes as it is read: the columns and the page's rows.
pub type PageSink<'a> = dyn FnMut(&[ResultColumn], &[Row]) -> Result<(), String> + 'a;

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

/// How often a query that stays in one state is said again.
const PROGRESS_EVERY: Duration = Duration::from_secs(10);

/// Follows query `id` until it ends, telling `progress` each new state (and every
/// `PROGRESS_EVERY` in one). The first interrupt cancels the query (StopQueryExecution) and
/// follows it to its CANCELLED end; a second one stops following at once.
pub async fn follow(
    session: &Session,
    platform: &dyn Platform,
    id: &str,
    progress: &mut dyn FnMut(String),
    interrupts: &mut Interrupts,
) -> Result<QueryStatus, Failure> {
    let started = Instant::now();
    let mut said = started;
    let mut last = None;
    let mut cancelled = false;
    let mut polls = 0;
    loop {
        let status = platform.query_status(id).await?;
        polls += 1;
        if status.state.is_done() {
            return Ok(status);
        }
        // Each new state, and every PROGRESS_EVERY in one, with what it has scanned so far: a
        // long query said RUNNING (0 s) and then nothing until it ended.
        if last != Some(status.state) || said.elapsed() >= PROGRESS_EVERY {
            let scanned = match status.scanned_bytes {
                Some(scanned) if scanned > 0 => {
                    format!(" · scanned {} so far", crate::ops::format::bytes(scanned as f64))
                }
                _ => String::new(),
            };
            progress(format!("{} ({} s){scanned}", status.state.name(), started.elapsed().as_secs()));
            last = Some(status.state);
            said = Instant::now();
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_millis(poll_delay_ms(polls))) => {}
            Some(()) = interrupts.recv() => {
                if cancelled {
                    return Err(Failure::Platform(format!(
                        "interrupted again: stopped following query {id}, whose cancelling was asked for"
                    )));
                }
                cancelled = true;
                stop(session, platform, id).await?;
                progress(format!("cancelling {id}"));
            }
        }
    }
}

/// Reads a finished query's results page after page, handing each to `sink` (the columns, then
/// the page's rows) as it arrives, so no more than a page is held here; an interrupt stops the
/// reading between pages. Returns the number of rows.
pub async fn read_pages(
    platform: &dyn Platform,
    id: &str,
    interrupts: &mut Interrupts,
    sink: &mut PageSink<'_>,
) -> Result<usize, Failure> {
    let interrupted = || Failure::Platform(format!("interrupted while reading the results of query {id}"));
    let mut token: Option<String> = None;
    let mut columns = Vec::new();
    let mut rows = 0;
    loop {
        let page = tokio::select! {
            page = platform.query_results(id, token.as_deref()) => page,
            Some(()) = interrupts.recv() => return Err(interrupted()),
        };
        let mut page = page?;
        if token.is_none() {
            drop_header(&mut page);
            columns = std::mem::take(&mut page.columns);
        }
        rows += page.rows.len();
        sink(&columns, &page.rows).map_err(Failure::Platform)?;
        if interrupts.try_recv().is_ok() {
            return Err(interrupted());
        }
        match page.next_token {
            Some(next) => token = Some(next),
            None => return Ok(rows),
        }
    }
}

/// Rows of a query already read, and where the rest start.
pub struct LoadedRows {
    pub columns: Vec<ResultColumn>,
    pub rows: Vec<Vec<Option<String>>>,
    pub next_token: Option<String>,
}

/// Why an export did not write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportError {
    /// The file exists and replacing it was not confirmed.
    Exists(String),
    Failed(String),
}

/// Writes every row of query `id` to `path` as CSV (made safe for a spreadsheet) or JSON: the
/// rows already loaded, then each page not loaded yet as it is read. The file is replaced only
/// when every row is written; an existing file only when `replace` says so. Returns the path and
/// the number of rows.
pub async fn export(
    platform: &dyn Platform,
    id: &str,
    path: &str,
    as_json: bool,
    loaded: LoadedRows,
    replace: bool,
) -> Result<(String, usize), ExportError> {
    let path = crate::session::output::home_expanded(path);
    if !replace && path.exists() {
        return Err(ExportError::Exists(path.display().to_string()));
    }
    let mut file = Replacement::create(&path).map_err(ExportError::Failed)?;
    let LoadedRows { columns, rows, mut next_token } = loaded;
    let mut array = JsonArray::default();
    let mut chunk =
        |rows: &[Row]| if as_json { array.rows(&columns, rows) } else { csv_rows(&columns, rows, Cells::Safe) };
    if !as_json {
        file.write(&csv_header(&columns, Cells::Safe)).map_err(ExportError::Failed)?;
    }
    file.write(&chunk(&rows)).map_err(ExportError::Failed)?;
    let mut count = rows.len();
    drop(rows);
    while let Some(token) = next_token.take() {
        let page = platform.query_results(id, Some(&token)).await.map_err(|e| ExportError::Failed(e.to_string()))?;
        file.write(&chunk(&page.rows)).map_err(ExportError::Failed)?;
        count += page.rows.len();
        next_token = page.next_token;
    }
    if as_json {
        file.write(array.finish()).map_err(ExportError::Failed)?;
    }
    file.commit().map_err(ExportError::Failed)?;
    Ok((path.display().to_string(), count))
}
