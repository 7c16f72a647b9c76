//! `lakeops logs [FUNCTION] [--since 15m] [--errors] [--limit N] [--follow] [--json]`: a
//! function's CloudWatch Logs, stack traces kept whole, every line sanitized.

use std::io::Write;
use std::time::Duration;

use super::Failure;
use crate::cli::LogsArgs;
use crate::model::text::sanitize;
use crate::model::{LogEvent, LogQuery, MOST_LOG_EVENTS as MOST_EVENTS};
use crate::ops::audit::parse_since;
use crate::platform::Platform;
use crate::settings::Loaded;

/// The tail's pace: 0.5 FilterLogEvents calls a second, far below its 5–25 TPS.
const TAIL_EVERY: Duration = Duration::from_secs(2);
/// Events remembered to print each once.
const SEEN_KEPT: usize = 2_000;

/// A function named on the command line that has no log group is bad input (exit 2), said with
/// the profile's function beside it; the profile's own function without one is the platform's
/// state (exit 1).
fn named_wrongly(loaded: &Loaded, args: &LogsArgs, e: crate::platform::PlatformError) -> Failure {
    let profiles = &loaded.settings.platform.lambda.function;
    match &args.function {
        Some(named) if named != profiles && e.code() == Some(crate::model::MISSING_LOG_GROUP) => Failure::Invalid(
            format!("{e} (is {} a function of this platform? The profile's is {})", sanitize(named), profiles),
        ),
        _ => e.into(),
    }
}

/// The read `args` ask for, counting `--since` back from `now` (the platform's present).
pub fn query(loaded: &Loaded, args: &LogsArgs, now: chrono::DateTime<chrono::Utc>) -> Result<LogQuery, Failure> {
    let since = parse_since(&args.since).map_err(|e| Failure::Invalid(format!("--since: {e}")))?;
    if !(1..=MOST_EVENTS).contains(&args.limit) {
        return Err(Failure::Invalid(format!("--limit: expected 1 to {MOST_EVENTS} events, found {}", args.limit)));
    }
    if args.function.as_deref().is_some_and(|f| f.trim().is_empty()) {
        return Err(Failure::Invalid("FUNCTION: expected a function's name, found nothing".into()));
    }
    let function = args.function.clone().unwrap_or_else(|| loaded.settings.platform.lambda.function.clone());
    Ok(LogQuery { function, since: now - since, errors_only: args.errors, limit: args.limit })
}

pub async fn run(loaded: &Loaded, platform: &dyn Platform, args: &LogsArgs) -> Result<String, Failure> {
    let mut query = query(loaded, args, platform.now())?;
    let events = platform.function_logs(&query).await.map_err(|e| named_wrongly(loaded, args, e))?;
    if !args.follow {
        if events.is_empty() && !args.json {
            return Ok(format!("no log events since {} UTC\n", query.since.format("%Y-%m-%d %H:%M")));
        }
        return Ok(events.iter().map(|e| render(e, args.json)).collect());
    }
    // Events are known by time and text: live-tail events carry no id.
    let key = |e: &LogEvent| (e.time, e.message.clone());
    let printed: std::sync::Mutex<Vec<(chrono::DateTime<chrono::Utc>, String)>> = Default::default();
    let print = |batch: &[LogEvent]| -> bool {
        let mut out = std::io::stdout();
        let Ok(mut seen) = printed.lock() else { return false };
        for event in batch {
            if !seen.contains(&key(event)) {
                let _ = out.write_all(render(event, args.json).as_bytes());
                seen.push(key(event));
            }
        }
        // A live session may replay what was printed, and polling re-reads its start: remember
        // the most recent events printed.
        let excess = seen.len().saturating_sub(SEEN_KEPT);
        seen.drain(..excess);
        out.flush().is_ok()
    };
    print(&events);
    // Stream where the platform can (StartLiveTail); when it cannot, or the session ends
    // (3 hours at most), poll onwards from the newest event printed.
    let live_query = LogQuery { since: platform.now(), ..query.clone() };
    match platform.live_tail(&live_query, &|batch| print(&batch)).await {
        Ok(true) => crate::note!("lakeops: the live tail session ended; polling every 2 s"),
        Ok(false) => {}
        Err(e) => crate::note!(
            "lakeops: live tail unavailable ({}); polling every 2 s",
            crate::model::text::sanitize(&e.to_string())
        ),
    }
    // A poll reads all it may (the newest `--limit` would drop what a busy function wrote
    // between two polls beyond it).
    query.limit = MOST_EVENTS;
    loop {
        if let Some(newest) = printed.lock().ok().and_then(|seen| seen.iter().map(|(t, _)| *t).max()) {
            query.since = newest;
        }
        let batch = platform.function_logs(&query).await?;
        if !print(&batch) {
            return Ok(String::new());
        }
        tokio::time::sleep(TAIL_EVERY).await;
    }
}

/// One event: a JSON line, or the time and the message with each further line indented.
fn render(event: &LogEvent, json: bool) -> String {
    if json {
        // serde_json escapes control characters: the line is inert in a terminal.
        return format!("{}\n", serde_json::to_string(event).unwrap_or_default());
    }
    let mut lines = event.message.lines().map(sanitize);
    let mut out = format!("{}  {}\n", event.time.format("%Y-%m-%d %H:%M:%S%.3f"), lines.next().unwrap_or_default());
    for line in lines {
        out.push_str(&format!("{:25}{line}\n", ""));
    }
    out
}
