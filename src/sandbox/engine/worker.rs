//! The sandbox's queries run in a process of their own: lakeops started again as the engine's
//! worker (`lakeops --sandbox-engine`), one worker a query. It brings the lake up to date, runs
//! the statement and writes its answer back on a pipe, then ends. So a fault in the engine — a
//! panic inside DataFusion or Arrow on input nobody foresaw, even in a build that aborts on panic
//! (the published binary) — ends the worker and fails its query, and the console goes on.
//! Cancelling a query ends its worker, its work with it, and the memory a query took goes back
//! to the system when it ends.
//!
//! A program that has named no worker (a library's tests) runs the same steps on the engine's
//! threads instead ([`super::threads`]), where a panic is caught.

use std::io::{BufRead, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{ExitCode, Stdio};
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};

use super::{Answer, Tables};
use crate::sandbox::lake::{Lake, LakeView};

/// The first argument that makes lakeops the engine's worker, reading one [`Job`] on its standard
/// input (not a command of the command line: only lakeops starts it).
pub const ARGUMENT: &str = "--sandbox-engine";

/// At most this much of what a worker writes on its standard error is kept (its panic message).
const STDERR_KEPT: u64 = 16 * 1024;

/// One query for a worker.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Job {
    pub tables: Tables,
    pub database: String,
    pub sql: String,
    /// The lake to bring up to this moment first; none for a statement that reads no table.
    pub lake: Option<(PathBuf, LakeView)>,
}

/// What a worker writes, a line each: `Running` once the lake is up to date, then `Done`.
#[derive(Debug, Serialize, Deserialize)]
enum Report {
    Running,
    Done(Result<Answer, String>),
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

/// The steps of a query, the same in a worker and on the engine's threads: the lake brought up to
/// date (QUEUED), then the statement run (RUNNING, said by `running`).
pub async fn execute(job: Job, lake: Option<&Lake>, running: impl FnOnce()) -> Result<Answer, String> {
    if let Some((root, view)) = job.lake {
        let own;
        let lake = match lake {
            Some(lake) => lake,
            None => {
                own = Lake::at(root);
                &own
            }
        };
        let synced = tokio::task::block_in_place(|| lake.sync(&view));
        synced.map_err(|message| format!("HIVE_CANNOT_OPEN_SPLIT: {message}"))?;
    }
    running();
    super::run(&job.tables, &job.database, &job.sql).await
}

/// Runs `job` in a worker of `program`; `running` is called when the worker starts on the
/// statement. Dropping the future (a cancelled query) ends the worker.
pub async fn run(program: &Path, job: &Job, running: impl FnOnce()) -> Result<Answer, String> {
    let mut request = serde_json::to_vec(job).map_err(|e| format!("GENERIC_INTERNAL_ERROR: {e}"))?;
    request.push(b'\n');
    let mut worker = tokio::process::Command::new(program)
        .arg(ARGUMENT)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| {
            format!("GENERIC_INTERNAL_ERROR: the sandbox engine could not start ({}): {e}", program.display())
        })?;
    let (Some(mut stdin), Some(stdout), Some(stderr)) =
        (worker.stdin.take(), worker.stdout.take(), worker.stderr.take())
    else {
        return Err("GENERIC_INTERNAL_ERROR: the sandbox engine's pipes were not opened".into());
    };
    // Its standard error is read alongside, so that a worker saying much there never blocks.
    let said = tokio::spawn(async move {
        let mut text = String::new();
        let _ = stderr.take(STDERR_KEPT).read_to_string(&mut text).await;
        text
    });
    // The request, a line. The pipe stays open while the worker is wanted: it ends when the
    // pipe closes, as this future is dropped (a cancelled query) or this process ends.
    let written = async {
        stdin.write_all(&request).await?;
        stdin.flush().await
    };
    let mut lines = tokio::io::BufReader::new(stdout).lines();
    let mut running = Some(running);
    let mut outcome = None;
    let (written, read) = tokio::join!(written, async {
        while let Some(line) = lines.next_line().await? {
            match serde_json::from_str::<Report>(&line) {
                Ok(Report::Running) => running.take().into_iter().for_each(|f| f()),
                Ok(Report::Done(done)) => outcome = Some(done),
                Err(e) => outcome = Some(Err(format!("GENERIC_INTERNAL_ERROR: the sandbox engine answered {e}"))),
            }
        }
        Ok::<_, std::io::Error>(())
    });
    drop(stdin);
    let status = worker.wait().await;
    let said = said.await.unwrap_or_default();
    if let Some(outcome) = outcome {
        return outcome;
    }
    // No answer: the worker ended on a fault. What it said is its panic's message.
    let said = said.trim();
    let how = match status {
        Ok(status) => ended(status),
        Err(e) => e.to_string(),
    };
    let trouble = written.err().or(read.err()).map(|e| format!(" ({e})")).unwrap_or_default();
    tracing::error!("the sandbox engine panicked, failing its query: {said} [{how}]{trouble}");
    let what = if said.is_empty() { how } else { said.to_string() };
    Err(format!("GENERIC_INTERNAL_ERROR: the sandbox engine failed: {what}"))
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
/// ended). A panic says its message on standard error, a line, and the process ends.
pub fn serve() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        let what = panic_text(info.payload());
        let at = info.location().map(|l| format!(" (at {l})")).unwrap_or_default();
        let _ = writeln!(std::io::stderr(), "{}{at}", what.replace('\n', " "));
    }));
    let mut request = String::new();
    let mut input = std::io::stdin().lock();
    let job = input
        .read_line(&mut request)
        .map_err(|e| e.to_string())
        .and_then(|_| serde_json::from_str::<Job>(&request).map_err(|e| e.to_string()));
    drop(input);
    let job = match job {
        Ok(job) => job,
        Err(e) => {
            eprintln!("lakeops {ARGUMENT} reads a query from lakeops itself, not from a user: {e}");
            return ExitCode::from(2);
        }
    };
    std::thread::spawn(|| {
        let mut rest = Vec::new();
        let _ = std::io::stdin().read_to_end(&mut rest);
        std::process::exit(0);
    });
    let threads = match super::threads::runtime() {
        Ok(threads) => threads,
        Err(reason) => return report(&Report::Done(Err(format!("GENERIC_INTERNAL_ERROR: {reason}")))),
    };
    let outcome = threads.block_on(async move {
        // On the runtime's own thread, so that the lake's writing may block it (block_in_place).
        let task = tokio::spawn(execute(job, None, || {
            report(&Report::Running);
        }));
        match task.await {
            Ok(outcome) => outcome,
            // A panic on the task: its message is on standard error already.
            Err(_) => std::process::exit(101),
        }
    });
    report(&Report::Done(outcome))
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
