//! `lakeops query SQL|- [--database D] [--workgroup W] [--format table|csv|json] [--output FILE] [--raw]`:
//! runs one Athena query; progress and cost on stderr, results on stdout or in FILE, written a
//! page at a time as they are read. Ctrl-C cancels at any point.

use std::io::{IsTerminal, Read, Write};

use super::confirm::Confirmation;
use super::Failure;
use crate::cli::{QueryArgs, QueryFormat};
use crate::model::text::{sanitize, sanitize_keeping_lines};
use crate::model::{Change, ErrorCategory, QueryRequest, QueryState};
use crate::ops::athena::{check_sql, hit_cutoff, Rates};
use crate::ops::format::{bytes, thousands};
use crate::ops::results::{csv_header, csv_rows, Cells, JsonArray, TableWriter, TABLE_HELD_ROWS};
use crate::platform::Platform;
use crate::session::output::Replacement;
use crate::session::query::Interrupts;
use crate::session::{self, Session};
use crate::settings::{Loaded, Paths};

/// Runs the query with Ctrl-C as its interrupt and the results on stdout (or in `--output`).
pub async fn run(loaded: &Loaded, paths: &Paths, platform: &dyn Platform, args: &QueryArgs) -> Result<String, Failure> {
    // SQL from stdin is read before Ctrl-C is taken over, so Ctrl-C still ends a wait for it.
    let sql = sql(args)?;
    // Escape sequences in cells must never reach a terminal raw.
    if args.raw && args.output.is_none() && std::io::stdout().is_terminal() {
        return Err(Failure::Invalid(
            "--raw writes cells as they are, escape sequences too: not to a terminal (pipe it, or --output FILE)"
                .into(),
        ));
    }
    // A statement that needs a yes is asked for before Ctrl-C is taken over: Ctrl-C at the
    // question ends lakeops (it was swallowed, and the next line typed was taken as the answer).
    let args = &QueryArgs { yes: args.yes || asked(loaded, paths, platform, args, &sql)?, ..args.clone() };
    let mut interrupts = ctrl_c()?;
    let mut stdout = std::io::stdout();
    write(loaded, paths, platform, args, &sql, &mut stdout, &mut interrupts).await?;
    Ok(String::new())
}

/// The request `args` make of `sql`.
fn request(loaded: &Loaded, args: &QueryArgs, sql: &str) -> QueryRequest {
    QueryRequest {
        sql: sql.to_string(),
        database: args.database.clone().unwrap_or_else(|| loaded.settings.platform.glue.database.clone()),
        workgroup: args.workgroup.clone().unwrap_or_else(|| loaded.settings.platform.athena.workgroup.clone()),
    }
}

/// Asks for the yes a statement that may change the catalog or the data needs (unless `--yes`),
/// shown with what it is: true once given, false when none is needed. A query that only reads
/// runs at once; read-only mode refuses the others before anything is asked.
fn asked(
    loaded: &Loaded,
    paths: &Paths,
    platform: &dyn Platform,
    args: &QueryArgs,
    sql: &str,
) -> Result<bool, Failure> {
    crate::ops::athena::check_statement(sql).map_err(Failure::Invalid)?;
    if !crate::ops::athena::changes_something(sql) {
        return Ok(false);
    }
    let session = Session::headless(loaded, paths, platform);
    let change = Change::StartQuery(request(loaded, args, sql));
    let plan = format!("{}\n{}\n", crate::ops::athena::change_warning(sql), sanitize_keeping_lines(sql.trim()));
    let detail = crate::ops::athena::one_line(sql);
    super::confirm::ask(&session, &change, &detail, &plan, Confirmation::Question("run it?"), args.yes)?;
    Ok(true)
}

/// The SQL: the argument, or stdin when it is `-`.
pub fn sql(args: &QueryArgs) -> Result<String, Failure> {
    if args.sql != "-" {
        return Ok(args.sql.clone());
    }
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| Failure::Invalid(format!("cannot read SQL from stdin: {e}")))?;
    Ok(text)
}

/// Every Ctrl-C, from before the query starts to the last page written. The listener lives as
/// long as the process: once it is set, Ctrl-C no longer ends the process on its own, so every
/// step of `write` listens.
fn ctrl_c() -> Result<Interrupts, Failure> {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    #[cfg(unix)]
    let mut signal = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())
        .map_err(|e| Failure::Platform(format!("cannot listen for Ctrl-C: {e}")))?;
    #[cfg(not(unix))]
    let mut signal =
        tokio::signal::windows::ctrl_c().map_err(|e| Failure::Platform(format!("cannot listen for Ctrl-C: {e}")))?;
    tokio::spawn(async move {
        while signal.recv().await.is_some() {
            if tx.send(()).is_err() {
                break;
            }
        }
    });
    Ok(rx)
}

/// Runs `sql` as `args` say; results to `stdout`, or to `--output` (replaced only when every row
/// is written).
pub async fn write(
    loaded: &Loaded,
    paths: &Paths,
    platform: &dyn Platform,
    args: &QueryArgs,
    sql: &str,
    stdout: &mut dyn Write,
    interrupts: &mut Interrupts,
) -> Result<(), Failure> {
    let session = Session::headless(loaded, paths, platform);
    let sql = sql.to_string();
    check_sql(&sql).map_err(Failure::Invalid)?;
    let athena = &loaded.settings.platform.athena;
    let request = request(loaded, args, &sql);
    let detail = crate::ops::athena::one_line(&sql);
    let change = Change::StartQuery(request.clone());
    // A statement that may change the catalog or the data needs a yes (`asked`, which checks
    // read-only mode first); where it was given before, the gate still checks.
    let asked_here = !args.yes && asked(loaded, paths, platform, args, &sql)?;
    if !asked_here {
        session.gate.check(&change, &detail)?;
    }
    // Where the results go is checked before a query that costs money runs; the file itself is
    // only replaced once every row is written.
    let mut output = match &args.output {
        Some(path) => Some(Replacement::create(path).map_err(|e| Failure::Invalid(format!("{e}; nothing was run")))?),
        None => None,
    };
    let id = session::query::start(&session, platform, &request, &mut |problem| {
        crate::note!("lakeops: {}", sanitize(&problem))
    })
    .await
    .map_err(|e| match e {
        // Athena refused the request itself (a workgroup or database that does not exist): the
        // input is wrong, not the platform.
        crate::platform::GateError::Platform(p) if p.code() == Some("InvalidRequestException") => {
            Failure::Invalid(p.to_string())
        }
        other => other.into(),
    })?;
    crate::note!("query {} in {} on {}", sanitize(&id), sanitize(&request.workgroup), sanitize(&request.database));
    let status =
        session::query::follow(&session, platform, &id, &mut |line| crate::note!("{}", sanitize(&line)), interrupts)
            .await?;
    let rates = Rates { price_per_tb_usd: athena.price_per_tb_usd, minimum_billed_mb: athena.minimum_billed_mb };
    let summary = crate::ops::athena::summary(&status, &sql, rates);
    let reason = explain(status.reason.as_deref().unwrap_or("no reason given"), athena.bytes_scanned_cutoff);
    let outcome = crate::ops::athena::outcome(&status, &summary, &reason);
    session.gate.record(change.action(), change.target(), &detail, &outcome);
    if status.state != QueryState::Succeeded {
        let message = format!("query {} {}: {reason} ({summary})", id, status.state.name());
        // The query's own fault (its SQL, a name, its data) is bad input, as a script needs to
        // tell it from an outage.
        return Err(match status.error_category {
            Some(ErrorCategory::User) => Failure::Invalid(message),
            _ => Failure::Platform(message),
        });
    }
    let cells = if args.raw { Cells::Raw } else { Cells::Safe };
    let mut results =
        Results::new(args.format, cells, if args.output.is_some() { usize::MAX } else { terminal_width() });
    let rows = {
        let mut sink = |columns: &[crate::model::ResultColumn], rows: &[crate::ops::results::Row]| {
            let text = results.page(columns, rows);
            emit(&mut output, stdout, &text)
        };
        session::query::read_pages(platform, &id, interrupts, &mut sink).await?
    };
    let text = results.finish();
    emit(&mut output, stdout, &text).map_err(Failure::Platform)?;
    if results.fitted_early() {
        crate::note!(
            "lakeops: the table's columns were fitted to the first {} rows; later cells may be cut (--format csv or json writes them whole)",
            thousands(TABLE_HELD_ROWS as f64)
        );
    }
    crate::note!("{summary} · {}", crate::ops::format::count(rows, "row"));
    match output {
        Some(file) => {
            let path = file.path().display().to_string();
            file.commit().map_err(Failure::Platform)?;
            crate::note!("{} rows written to {}", thousands(rows as f64), sanitize(&path));
        }
        None => stdout.flush().map_err(|e| Failure::Platform(format!("cannot write the results: {e}")))?,
    }
    Ok(())
}

fn emit(output: &mut Option<Replacement>, stdout: &mut dyn Write, text: &str) -> Result<(), String> {
    match output {
        Some(file) => file.write(text),
        None => stdout.write_all(text.as_bytes()).map_err(|e| format!("cannot write the results: {e}")),
    }
}

/// The chosen format, fed a page at a time.
enum Results {
    Table { writer: Option<TableWriter>, width: usize, cells: Cells },
    Csv { header: bool, cells: Cells },
    Json(JsonArray),
}

impl Results {
    fn new(format: QueryFormat, cells: Cells, width: usize) -> Self {
        match format {
            QueryFormat::Table => Results::Table { writer: None, width, cells },
            QueryFormat::Csv => Results::Csv { header: false, cells },
            QueryFormat::Json => Results::Json(JsonArray::default()),
        }
    }

    fn page(&mut self, columns: &[crate::model::ResultColumn], rows: &[crate::ops::results::Row]) -> String {
        match self {
            Results::Table { writer, width, cells } => {
                writer.get_or_insert_with(|| TableWriter::new(columns, *width, *cells)).rows(rows)
            }
            Results::Csv { header, cells } => {
                let mut text = String::new();
                if !*header {
                    *header = true;
                    text.push_str(&csv_header(columns, *cells));
                }
                text + &csv_rows(columns, rows, *cells)
            }
            Results::Json(array) => array.rows(columns, rows),
        }
    }

    fn finish(&mut self) -> String {
        match self {
            Results::Table { writer, .. } => writer.as_mut().map(TableWriter::finish).unwrap_or_default(),
            Results::Csv { .. } => String::new(),
            Results::Json(array) => format!("{}\n", array.finish()),
        }
    }

    fn fitted_early(&self) -> bool {
        matches!(self, Results::Table { writer: Some(writer), .. } if writer.fitted_early())
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

/// The width a table is fitted to: the terminal's, else `COLUMNS`, else none: a table written to
/// a file or a pipe (`> notes.txt`, `| grep`) keeps every cell whole, as the rows' first pages
/// measure them (it cut timestamps and URLs to 120 columns).
fn terminal_width() -> usize {
    if std::io::stdout().is_terminal() {
        if let Ok((w, _)) = crossterm::terminal::size() {
            return w as usize;
        }
    }
    std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()).unwrap_or(usize::MAX)
}
