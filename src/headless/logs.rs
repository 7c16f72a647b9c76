//! `lakeops logs [FUNCTION] [--since 15m] [--errors] [--limit N] [--follow] [--json]`: a
//! function's CloudWatch Logs, stack traces kept whole, every line sanitized.

use std::io::Write;
use std::time::Duration;

use super::Failure;
use crate::cli::LogsArgs;
use crate::model::text::sanitize;
use crate::model::{LogEvent, LogQuery};
use crate::ops::audit::parse_since;
use crate::platform::Platform;
use crate::settings::Loaded;

/// The tail's pace: 0.5 FilterLogEvents calls a second, far below its 5–25 TPS.
const TAIL_EVERY: Duration = Duration::from_secs(2);

pub fn query(loaded: &Loaded, args: &LogsArgs) -> Result<LogQuery, Failure> {
    let since = parse_since(&args.since).map_err(|e| Failure::Invalid(format!("--since: {e}")))?;
    if !(1..=10_000).contains(&args.limit) {
        return Err(Failure::Invalid(format!("--limit: expected 1 to 10000 events, found {}", args.limit)));
    }
    let function = args.function.clone().unwrap_or_else(|| loaded.settings.platform.lambda.function.clone());
    Ok(LogQuery { function, since: chrono::Utc::now() - since, errors_only: args.errors, limit: args.limit })
}

pub async fn run(loaded: &Loaded, platform: &dyn Platform, args: &LogsArgs) -> Result<String, Failure> {
    let mut query = query(loaded, args)?;
    let events = platform.function_logs(&query).await?;
    if !args.follow {
        if events.is_empty() && !args.json {
            return Ok(format!("no log events since {} UTC\n", query.since.format("%Y-%m-%d %H:%M")));
        }
        return Ok(events.iter().map(|e| render(e, args.json)).collect());
    }
    let mut out = std::io::stdout();
    let mut seen: Vec<String> = Vec::new();
    let mut batch = events;
    loop {
        for event in batch.iter().filter(|e| !seen.contains(&e.id)) {
            let _ = out.write_all(render(event, args.json).as_bytes());
        }
        let _ = out.flush();
        if let Some(newest) = batch.last() {
            query.since = newest.time;
        }
        seen = batch.iter().map(|e| e.id.clone()).collect();
        tokio::time::sleep(TAIL_EVERY).await;
        batch = platform.function_logs(&query).await?;
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
