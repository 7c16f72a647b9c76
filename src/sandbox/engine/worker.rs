//! The sandbox's queries run in a process of their own: lakeops started again as the engine's
//! worker (`lakeops --sandbox-engine LAKE`), one worker a query. It reads the statement, brings
//! the lake up to date, runs the statement and writes its answer back on a pipe, then ends. So a
//! fault in the engine — a panic inside DataFusion or Arrow, or in reading the statement, on
//! input nobody foresaw, even in a build that aborts on panic (the published binary) — ends the
//! worker and fails its query, and the console goes on. Cancelling a query ends its worker, its
//! work with it, and the memory a query took goes back to the system when it ends.
//!
//! A program that has named no worker (a library's tests) runs the same steps on the engine's
//! threads instead ([`super::threads`]), where a panic is caught.

use std::ffi::OsString;
use std::io::{BufRead, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{ExitCode, Stdio};
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};

use super::{Answer, Buckets, Tables};
use crate::model::ResultColumn;
use crate::sandbox::lake::{Lake, LakeView};

/// The first argument that makes lakeops the engine's worker, the lake's folder the second; it
/// reads one [`Job`] on its standard input (not a command of the command line: only lakeops
/// starts it).
pub const ARGUMENT: &str = "--sandbox-engine";

/// At most this much of what a worker writes on its standard error is kept (its panic message).
const STDERR_KEPT: u64 = 16 * 1024;

/// Rows a worker writes in one line.
const ROWS_A_LINE: usize = 1_000;

/// The most of an answer lakeops keeps, as the worker writes it (JSON text): the answer stays in
/// lakeops' own memory while its pages are read, the console's too. Athena keeps any answer in
/// S3; the sandbox refuses a larger one.
const MOST_ANSWER_BYTES: usize = 256 * 1024 * 1024;

/// One query for a worker (the lake's folder is its second argument: a path need not be text).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Job {
    /// The catalog's one database ([`Tables::database`]).
    pub catalog: String,
    /// The lake's buckets ([`Tables::buckets`]).
    pub buckets: Buckets,
    /// The database the query names.
    pub database: String,
    pub sql: String,
    /// The lake and the present the query sees.
    pub view: LakeView,
    /// The worker's memory limit, MiB (`[sandbox] engine_memory_mib`, [`super::memory`]).
    pub memory_mib: u64,
}

/// What a worker writes, a line each: `Running` once the lake is up to date, then the answer's
/// columns and its rows a thousand a line, then `Done`; or `Failed`.
#[derive(Debug, Serialize, Deserialize)]
enum Report {
    Running,
    Columns(Vec<ResultColumn>),
    Rows(Vec<Vec<Option<String>>>),
    Done { scanned_bytes: u64, engine_ms: u64 },
    Failed(String),
}

static PROGRAM: OnceLock<PathBuf> = OnceLock::new();

/// Names the program started as the worker: lakeops itself (main), or the lakeops a test built.
pub fn set_program(program: PathBuf) {
    let _ = PROGRAM.set(program);
}

/// The worker's program, if one was named.
pub fn program() -> Option<&'static Path> {
    PROGRAM.get().map(PathBuf::as_path)
}

/// This very program, to start again as a worker: on Linux the image this process runs, which
/// stays the same when an upgrade replaces the file on disk (`/proc/self/exe`).
pub fn this_program() -> Option<PathBuf> {
    let running = Path::new("/proc/self/exe");
    if running.exists() {
        return Some(running.to_path_buf());
    }
    std::env::current_exe().ok()
}

/// The steps of a query, the same in a worker and on the engine's threads: the lake brought up to
/// date if the statement reads a table (QUEUED), then the statement run (RUNNING, said by
/// `running`).
pub async fn execute(
    lake: &Lake,
    view: &LakeView,
    tables: &Tables,
    database: &str,
    sql: &str,
    running: impl FnOnce(),
) -> Result<Answer, String> {
    // A statement the engine does not run is refused before the lake is brought up for it.
    if let Some(refused) = super::not_run_here(sql) {
        return Err(refused);
    }
    // A statement that names no table (`SELECT 1`) does not wait for the lake.
    if super::names_tables(sql) {
        let synced = tokio::task::block_in_place(|| lake.sync(view));
        synced.map_err(|message| format!("HIVE_CANNOT_OPEN_SPLIT: {message}"))?;
    }
    running();
    super::run(tables, database, sql).await
}

/// Runs `job` over the lake at `root` in a worker of `program`; `running` is called when the
/// worker starts on the statement. Dropping the future (a cancelled query) ends the worker.
pub async fn run(program: &Path, root: &Path, job: &Job, running: impl FnOnce()) -> Result<Answer, String> {
    let mut request = serde_json::to_vec(job).map_err(|e| format!("GENERIC_INTERNAL_ERROR: {e}"))?;
    request.push(b'\n');
    let mut command = tokio::process::Command::new(program);
    command
        .arg(ARGUMENT)
        .arg(root)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    // A group of its own: Ctrl-C at the terminal reaches lakeops, which cancels the query, and
    // not the worker, which would end it as a failure.
    #[cfg(unix)]
    command.process_group(0);
    let mut worker = command.spawn().map_err(|e| {
        format!("GENERIC_INTERNAL_ERROR: the sandbox engine could not start ({}): {e}", program.display())
    })?;
    let (Some(mut stdin), Some(stdout), Some(stderr)) =
        (worker.stdin.take(), worker.stdout.take(), worker.stderr.take())
    else {
        return Err("GENERIC_INTERNAL_ERROR: the sandbox engine's pipes were not opened".into());
    };
    // Its standard error is read alongside, so that a worker saying much there never blocks.
    let said = tokio::spawn(async move {
        let mut bytes = Vec::new();
        let _ = stderr.take(STDERR_KEPT).read_to_end(&mut bytes).await;
        String::from_utf8_lossy(&bytes).into_owned()
    });
    // The request, a line. The pipe stays open while the worker is wanted: it ends when the
    // pipe closes, as this future is dropped (a cancelled query) or this process ends.
    let written = async {
        stdin.write_all(&request).await?;
        stdin.flush().await
    };
    // Read no further than the most lakeops keeps: a line that crosses it is cut there, and not
    // held whole first.
    let mut lines = tokio::io::BufReader::new(stdout.take(MOST_ANSWER_BYTES as u64 + 1)).lines();
    let mut running = Some(running);
    let (mut columns, mut rows, mut outcome) = (Vec::new(), Vec::new(), None);
    let (mut answered, mut too_large) = (0, false);
    let reading = async {
        while let Some(line) = lines.next_line().await? {
            answered += line.len() + 1;
            if answered > MOST_ANSWER_BYTES {
                (outcome, too_large) = (Some(Err(answer_too_large())), true);
                break;
            }
            match serde_json::from_str::<Report>(&line) {
                Ok(Report::Running) => running.take().into_iter().for_each(|f| f()),
                Ok(Report::Columns(named)) => columns = named,
                Ok(Report::Rows(more)) => rows.extend(more),
                Ok(Report::Done { scanned_bytes, engine_ms }) => {
                    let answer = Answer {
                        columns: std::mem::take(&mut columns),
                        rows: std::mem::take(&mut rows),
                        scanned_bytes,
                        engine_ms,
                    };
                    outcome = Some(Ok(answer));
                }
                Ok(Report::Failed(reason)) => outcome = Some(Err(reason)),
                Err(e) => outcome = Some(Err(format!("GENERIC_INTERNAL_ERROR: the sandbox engine answered {e}"))),
            }
        }
        Ok::<_, std::io::Error>(())
    };
    // The worker's memory is watched while it runs; past its limit the worker is ended.
    let watched = tokio::select! {
        both = async { tokio::join!(written, reading) } => Some(both),
        () = super::memory::exceeded(worker.id(), job.memory_mib) => None,
    };
    drop(stdin);
    drop(lines);
    let Some((written, read)) = watched else {
        let _ = worker.start_kill();
        let _ = worker.wait().await;
        tracing::warn!("the sandbox engine's worker went past its memory limit of {} MiB", job.memory_mib);
        return Err(super::memory::over_limit(job.memory_mib));
    };
    if too_large {
        // The rest of the answer is not read: the worker ends here.
        let _ = worker.start_kill();
    }
    let status = worker.wait().await;
    let said = said.await.unwrap_or_default();
    if let Some(outcome) = outcome {
        return outcome;
    }
    // No answer: the worker ended on a fault. What it said is its panic's message.
    let said = said.trim();
    if let Some(reason) = super::memory::ran_out(said, status.as_ref().is_ok_and(killed)) {
        tracing::warn!("the sandbox engine's worker ran out of memory: {said}");
        return Err(reason);
    }
    let how = match status {
        Ok(status) => ended(status),
        Err(e) => e.to_string(),
    };
    let trouble = written.err().or(read.err()).map(|e| format!(" ({e})")).unwrap_or_default();
    tracing::error!("the sandbox engine's worker ended without an answer, failing its query: {said} [{how}]{trouble}");
    let what = if said.is_empty() { how } else { said.to_string() };
    Err(format!("GENERIC_INTERNAL_ERROR: the sandbox engine failed: {what}"))
}

/// What a query whose answer is larger than lakeops keeps fails with.
fn answer_too_large() -> String {
    format!(
        "EXCEEDED_LOCAL_MEMORY_LIMIT: the answer is over {} MiB of text, more than the sandbox keeps; aggregate, filter or add a LIMIT",
        MOST_ANSWER_BYTES / (1024 * 1024)
    )
}

/// Whether a worker was killed (SIGKILL: the system's out-of-memory killer, most often).
fn killed(status: &std::process::ExitStatus) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        status.signal() == Some(9)
    }
    #[cfg(not(unix))]
    {
        let _ = status;
        false
    }
}

/// How a worker ended, in words.
fn ended(status: std::process::ExitStatus) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return format!("it was ended by signal {signal}");
        }
    }
    format!("it ended with {status}")
}

/// The worker's life: reads a [`Job`] on standard input, a line, and writes its [`Report`]s on
/// standard output. It ends when its input does (lakeops no longer wants the answer, or has
/// ended). A panic says its message on standard error, a line, and the process ends (exit 101,
/// whether this build unwinds or aborts).
pub fn serve(root: Option<OsString>) -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        let what = panic_text(info.payload());
        let at = info.location().map(|l| format!(" (at {l})")).unwrap_or_default();
        let _ = writeln!(std::io::stderr(), "{}{at}", what.replace('\n', " "));
        std::process::exit(101);
    }));
    let mut request = String::new();
    let job = std::io::stdin()
        .lock()
        .read_line(&mut request)
        .map_err(|e| e.to_string())
        .and_then(|_| serde_json::from_str::<Job>(&request).map_err(|e| e.to_string()));
    let (job, root) = match (job, root) {
        (Ok(job), Some(root)) => (job, PathBuf::from(root)),
        (Err(e), _) => return refuse(&e),
        (_, None) => return refuse("no lake was named"),
    };
    std::thread::spawn(|| {
        let _ = std::io::stdin().read_to_end(&mut Vec::new());
        std::process::exit(0);
    });
    let threads = match super::threads::runtime() {
        Ok(threads) => threads,
        Err(reason) => return report(&Report::Failed(format!("GENERIC_INTERNAL_ERROR: {reason}"))),
    };
    let lake = Lake::at(root);
    let tables = Tables::in_lake(&lake, job.catalog, job.buckets, job.view.now_ms);
    let outcome = threads.block_on(async move {
        // On a thread of the runtime's own, so that the lake's writing may block it (block_in_place).
        let task = tokio::spawn(async move {
            execute(&lake, &job.view, &tables, &job.database, &job.sql, || {
                report(&Report::Running);
            })
            .await
        });
        task.await.unwrap_or_else(|e| Err(format!("GENERIC_INTERNAL_ERROR: {e}")))
    });
    match outcome {
        Ok(answer) => {
            let mut reports = vec![Report::Columns(answer.columns)];
            let mut rows = answer.rows;
            while !rows.is_empty() {
                let rest = rows.split_off(rows.len().min(ROWS_A_LINE));
                reports.push(Report::Rows(std::mem::replace(&mut rows, rest)));
            }
            reports.push(Report::Done { scanned_bytes: answer.scanned_bytes, engine_ms: answer.engine_ms });
            reports.iter().map(report).find(|code| *code != ExitCode::SUCCESS).unwrap_or(ExitCode::SUCCESS)
        }
        Err(reason) => report(&Report::Failed(reason)),
    }
}

fn refuse(why: &str) -> ExitCode {
    crate::note!("lakeops {ARGUMENT} runs a query for lakeops itself, not for a user: {why}");
    ExitCode::from(2)
}

/// A panic's message, as it was written (`panic!("…")`).
pub fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".into())
}

/// Writes a report, a line, and says whether it reached lakeops.
fn report(report: &Report) -> ExitCode {
    let mut out = std::io::stdout().lock();
    let written = serde_json::to_writer(&mut out, report)
        .map_err(std::io::Error::other)
        .and_then(|()| out.write_all(b"\n"))
        .and_then(|()| out.flush());
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::FAILURE,
    }
}
