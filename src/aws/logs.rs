//! CloudWatch Logs: a function's log events with FilterLogEvents, within its TPS; the newest
//! event of another log (Firehose's delivery errors).

use aws_sdk_cloudwatchlogs::types::StartLiveTailResponseStream;
use aws_sdk_cloudwatchlogs::Client;
use chrono::DateTime;

use super::errors::{code, platform_error};
use crate::model::{log_group, missing_log_group, LogEvent, LogKind, LogQuery, ERROR_PATTERN, MISSING_LOG_GROUP};
use crate::platform::PlatformError;

/// Pages read per call: FilterLogEvents allows 5–25 calls a second per account; a refresh
/// stays far below that. A page may be empty and still carry a token (AWS-FACTS.md).
const PAGES_PER_READ: usize = 10;

pub async fn filter(client: &Client, query: &LogQuery) -> Result<Vec<LogEvent>, PlatformError> {
    let group = log_group(&query.function);
    let mut events = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..PAGES_PER_READ {
        let mut request = client
            .filter_log_events()
            .log_group_name(&group)
            .start_time(query.since.timestamp_millis())
            .limit(query.limit.clamp(1, crate::model::MOST_LOG_EVENTS) as i32)
            .set_next_token(token.clone());
        if query.errors_only {
            request = request.filter_pattern(ERROR_PATTERN);
        }
        let page = match request.send().await {
            Ok(page) => page,
            Err(e) if code(&e) == Some(MISSING_LOG_GROUP) => {
                return Err(PlatformError::answered(
                    "CloudWatch Logs FilterLogEvents",
                    missing_log_group(&query.function),
                ))
            }
            Err(e) => return Err(platform_error("CloudWatch Logs FilterLogEvents", e)),
        };
        for e in page.events() {
            let message = e.message().unwrap_or_default().trim_end().to_string();
            let kind = LogKind::of(&message);
            // Not every endpoint applies filter patterns: errors-only is checked here again.
            if query.errors_only && !kind.is_problem() {
                continue;
            }
            events.push(LogEvent {
                id: e.event_id().unwrap_or_default().to_string(),
                time: DateTime::from_timestamp_millis(e.timestamp().unwrap_or_default()).unwrap_or_default(),
                stream: e.log_stream_name().unwrap_or_default().to_string(),
                message,
                kind,
            });
        }
        token = page.next_token().filter(|t| !t.is_empty()).map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    events.sort_by_key(|e| e.time);
    let skip = events.len().saturating_sub(query.limit);
    Ok(events.split_off(skip))
}

/// Streams new events of the function's log group to `on_events` (StartLiveTail: a session of
/// up to 3 hours, at most 500 events a second, sampled beyond) until the session ends or
/// `on_events` says stop. An error before the session starts means no live tail here.
pub async fn live_tail(
    client: &Client,
    query: &LogQuery,
    on_events: &(dyn Fn(Vec<LogEvent>) -> bool + Send + Sync),
) -> Result<(), PlatformError> {
    let group = log_group(&query.function);
    let groups = client
        .describe_log_groups()
        .log_group_name_prefix(&group)
        .send()
        .await
        .map_err(|e| platform_error("CloudWatch Logs DescribeLogGroups", e))?;
    let Some(found) = groups.log_groups().iter().find(|g| g.log_group_name() == Some(group.as_str())) else {
        return Err(PlatformError::failed(
            "CloudWatch Logs StartLiveTail",
            format!("log group {group} does not exist: has the function run yet?"),
        ));
    };
    // StartLiveTail takes ARNs without the trailing ":*" that `arn` carries.
    let arn =
        found.log_group_arn().map(str::to_string).or_else(|| found.arn().map(|a| a.trim_end_matches(":*").into()));
    let Some(arn) = arn else {
        return Err(PlatformError::failed(
            "CloudWatch Logs StartLiveTail",
            format!("{group} has no ARN in DescribeLogGroups"),
        ));
    };
    let mut request = client.start_live_tail().log_group_identifiers(arn);
    if query.errors_only {
        request = request.log_event_filter_pattern(ERROR_PATTERN);
    }
    let mut session = request.send().await.map_err(|e| platform_error("CloudWatch Logs StartLiveTail", e))?;
    let mut counter: u64 = 0;
    loop {
        let update = match session.response_stream.recv().await {
            Ok(Some(StartLiveTailResponseStream::SessionUpdate(update))) => update,
            Ok(Some(_)) => continue,
            Ok(None) => return Ok(()),
            Err(e) => return Err(platform_error("CloudWatch Logs live tail", e)),
        };
        let mut events = Vec::new();
        for e in update.session_results() {
            let message = e.message().unwrap_or_default().trim_end().to_string();
            let kind = LogKind::of(&message);
            if query.errors_only && !kind.is_problem() {
                continue;
            }
            let time = e.timestamp().unwrap_or_default();
            counter += 1;
            events.push(LogEvent {
                // Live tail events carry no id: the time and a counter of this session stand in.
                id: format!("tail-{time}-{counter}"),
                time: DateTime::from_timestamp_millis(time).unwrap_or_default(),
                stream: e.log_stream_name().unwrap_or_default().to_string(),
                message,
                kind,
            });
        }
        if !events.is_empty() && !on_events(events) {
            return Ok(());
        }
    }
}

/// The newest event's message in `group` (in its stream `stream` when given) since `since_ms`
/// (FilterLogEvents, at most [`PAGES_PER_READ`] pages); `None` when there is none or no such group.
pub async fn newest_message(
    client: &Client,
    group: &str,
    stream: Option<&str>,
    since_ms: i64,
) -> Result<Option<String>, PlatformError> {
    let mut newest: Option<(i64, String)> = None;
    let mut token: Option<String> = None;
    for _ in 0..PAGES_PER_READ {
        let page = match client
            .filter_log_events()
            .log_group_name(group)
            .set_log_stream_names(stream.map(|s| vec![s.to_string()]))
            .start_time(since_ms)
            .set_next_token(token.clone())
            .send()
            .await
        {
            Ok(page) => page,
            Err(e) if code(&e) == Some("ResourceNotFoundException") => return Ok(None),
            Err(e) => return Err(platform_error("CloudWatch Logs FilterLogEvents", e)),
        };
        for e in page.events() {
            let time = e.timestamp().unwrap_or_default();
            if newest.as_ref().is_none_or(|(t, _)| time >= *t) {
                newest = Some((time, e.message().unwrap_or_default().to_string()));
            }
        }
        token = page.next_token().filter(|t| !t.is_empty()).map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    Ok(newest.map(|(_, message)| message))
}
