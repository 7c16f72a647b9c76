//! `lakeops query SQL|- [--database D] [--workgroup W] [--format table|csv|json] [--output FILE]`:
//! runs one Athena query; progress and cost on stderr, results on stdout or in FILE.

use std::io::{IsTerminal, Read, Write};

use super::Failure;
use crate::cli::{QueryArgs, QueryFormat};
use crate::model::{Change, QueryRequest, QueryState};
use crate::ops::athena::{check_sql, csv, dollars, hit_cutoff, json, query_cost, table, Rates};
use crate::ops::format::{bytes, millis};
use crate::platform::Platform;
use crate::session::{self, Session};
use crate::settings::{Loaded, Paths};

/// Table width when stdout is not a terminal.
const DEFAULT_WIDTH: usize = 120;

pub async fn run(loaded: &Loaded, paths: &Paths, platform: &dyn Platform, args: &QueryArgs) -> Result<String, Failure> {
    let session = Session::headless(loaded, paths);
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
    let detail = crate::ops::athena::one_line(&sql);
    let change = Change::StartQuery(request.clone());
    session.gate.check(&change, &detail)?;
    // Where the results go is checked before a query that costs money runs.
    let mut output = match &args.output {
        Some(path) => Some(
            std::fs::File::create(path)
                .map_err(|e| Failure::Invalid(format!("cannot write {}: {e}; nothing was run", path.display())))?,
        ),
        None => None,
    };
    let id =
        session::query::start(&session, platform, &request, &mut |problem| eprintln!("lakeops: {problem}")).await?;
    eprintln!("query {id} in {} on {}", request.workgroup, request.database);
    let interrupted = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let status = session::query::follow(&session, platform, &id, &mut |line| eprintln!("{line}"), interrupted).await?;
    let rates = Rates { price_per_tb_usd: athena.price_per_tb_usd, minimum_billed_mb: athena.minimum_billed_mb };
    let cost = query_cost(&status, &sql, rates);
    let summary = format!(
        "{} in {} · scanned {} · cost {}",
        status.state.name(),
        status.engine_ms.map(|ms| millis(ms as f64)).unwrap_or_else(|| "—".into()),
        bytes(status.scanned_bytes.unwrap_or(0) as f64),
        dollars(cost)
    );
    let ended = |outcome: &str| session.gate.record(change.action(), change.target(), &detail, outcome);
    if status.state != QueryState::Succeeded {
        let reason = explain(status.reason.as_deref().unwrap_or("no reason given"), athena.bytes_scanned_cutoff);
        ended(&format!("{}: {reason}", status.state.name()));
        return Err(Failure::Platform(format!("query {} {}: {reason} ({summary})", id, status.state.name())));
    }
    let (columns, rows) = session::query::all_rows(platform, &id).await?;
    eprintln!("{summary} · {} rows", rows.len());
    ended(&format!("done: {summary}"));
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
