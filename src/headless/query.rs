//! `lakeops query SQL|- [--database D] [--workgroup W] [--format table|csv|json] [--output FILE]`:
//! runs one Athena query; progress and cost on stderr, results on stdout or in FILE.

use std::io::{IsTerminal, Read, Write};
use std::time::{Duration, Instant};

use super::{record, Failure};
use crate::cli::{QueryArgs, QueryFormat};
use crate::journal::Journal;
use crate::model::{QueryRequest, QueryState, QueryStatus, ResultColumn};
use crate::ops::athena::{
    changes_something, check_sql, csv, dollars, drop_header, hit_cutoff, json, query_cost, table, Rates,
};
use crate::ops::format::{bytes, millis};
use crate::platform::Platform;
use crate::settings::{Loaded, Paths};

/// GetQueryExecution while a query runs: once a second.
const POLL_EVERY: Duration = Duration::from_secs(1);
/// Table width when stdout is not a terminal.
const DEFAULT_WIDTH: usize = 120;

pub async fn run(loaded: &Loaded, paths: &Paths, platform: &dyn Platform, args: &QueryArgs) -> Result<String, Failure> {
    let journal = Journal::new(paths.journal_file());
    let sql = if args.sql == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| Failure::Invalid(format!("cannot read SQL from stdin: {e}")))?;
        text
    } else {
        args.sql.clone()
    };
    check_sql(&sql).map_err(Failure::Invalid)?;
    let athena = &loaded.settings.platform.athena;
    let request = QueryRequest {
        sql: sql.clone(),
        database: args.database.clone().unwrap_or_else(|| loaded.settings.platform.glue.database.clone()),
        workgroup: args.workgroup.clone().unwrap_or_else(|| athena.workgroup.clone()),
    };
    let detail: String = sql.split_whitespace().collect::<Vec<_>>().join(" ").chars().take(200).collect();
    if loaded.settings.console.readonly && changes_something(&sql) {
        let message = "read-only mode: this statement changes the catalog or the data (drop --readonly or set console.readonly = false)";
        record(&journal, loaded, "athena.query", &request.workgroup, &detail, &format!("refused: {message}"))?;
        return Err(Failure::Refused(message.into()));
    }
    // Where the results go is checked before a query that costs money runs.
    let mut output = match &args.output {
        Some(path) => Some(
            std::fs::File::create(path)
                .map_err(|e| Failure::Invalid(format!("cannot write {}: {e}; nothing was run", path.display())))?,
        ),
        None => None,
    };
    let history = crate::history::QueryHistory::new(paths.query_history_file());
    if let Err(e) = history.append(&request.workgroup, &sql) {
        eprintln!("lakeops: {e}");
    }
    let id = platform.start_query(&request).await?;
    eprintln!("query {id} in {} on {}", request.workgroup, request.database);
    let status = follow(platform, &id).await?;
    let rates = Rates { price_per_tb_usd: athena.price_per_tb_usd, minimum_billed_mb: athena.minimum_billed_mb };
    let cost = query_cost(&status, &sql, rates);
    let summary = format!(
        "{} in {} · scanned {} · cost {}",
        status.state.name(),
        status.engine_ms.map(|ms| millis(ms as f64)).unwrap_or_else(|| "—".into()),
        bytes(status.scanned_bytes.unwrap_or(0) as f64),
        dollars(cost)
    );
    if status.state != QueryState::Succeeded {
        let reason = explain(status.reason.as_deref().unwrap_or("no reason given"), athena.bytes_scanned_cutoff);
        record(
            &journal,
            loaded,
            "athena.query",
            &request.workgroup,
            &detail,
            &format!("{}: {reason}", status.state.name()),
        )?;
        return Err(Failure::Platform(format!("query {} {}: {reason} ({summary})", id, status.state.name())));
    }
    let (columns, rows) = all_rows(platform, &id).await?;
    eprintln!("{summary} · {} rows", rows.len());
    record(&journal, loaded, "athena.query", &request.workgroup, &detail, &format!("done: {summary}"))?;
    let text = match args.format {
        QueryFormat::Csv => csv(&columns, &rows),
        QueryFormat::Json => json(&columns, &rows),
        QueryFormat::Table => table(&columns, &rows, terminal_width()),
    };
    match output.as_mut() {
        Some(file) => {
            let path = args.output.as_ref().map(|p| p.display().to_string()).unwrap_or_default();
            file.write_all(text.as_bytes()).map_err(|e| Failure::Platform(format!("cannot write {path}: {e}")))?;
            eprintln!("{} rows written to {path}", crate::ops::format::thousands(rows.len() as f64));
            Ok(String::new())
        }
        None => Ok(text),
    }
}

/// Follows the query until it ends; Ctrl-C cancels it (StopQueryExecution).
async fn follow(platform: &dyn Platform, id: &str) -> Result<QueryStatus, Failure> {
    let started = Instant::now();
    let mut last = None;
    loop {
        let status = platform.query_status(id).await?;
        if status.state.is_done() {
            return Ok(status);
        }
        if last != Some(status.state) {
            eprintln!("{} ({} s)", status.state.name(), started.elapsed().as_secs());
            last = Some(status.state);
        }
        tokio::select! {
            _ = tokio::time::sleep(POLL_EVERY) => {}
            _ = tokio::signal::ctrl_c() => {
                platform.stop_query(id).await?;
                eprintln!("cancelling {id}");
            }
        }
    }
}

async fn all_rows(platform: &dyn Platform, id: &str) -> Result<(Vec<ResultColumn>, Vec<Vec<Option<String>>>), Failure> {
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

/// Athena's reason, with what to do when the workgroup's cutoff stopped the query.
fn explain(reason: &str, cutoff: u64) -> String {
    if hit_cutoff(reason) {
        format!(
            "{reason} — the workgroup's bytes-scanned cutoff ({}) stopped it; filter on the partition columns (year, month, day) to scan less",
            bytes(cutoff as f64)
        )
    } else {
        reason.to_string()
    }
}

fn terminal_width() -> usize {
    if std::io::stdout().is_terminal() {
        if let Ok((w, _)) = crossterm::terminal::size() {
            return w as usize;
        }
    }
    std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()).unwrap_or(DEFAULT_WIDTH)
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
