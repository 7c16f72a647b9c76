//! CloudTrail: the changes made to a stream in the last day, whoever made them (lakeops,
//! the console, other tools), for the resharding limits.

use std::time::Duration;

use aws_sdk_cloudtrail::types::{LookupAttribute, LookupAttributeKey};
use aws_sdk_cloudtrail::Client;
use aws_smithy_types::DateTime;

use super::errors::platform_error;
use crate::model::text::sanitize;
use crate::model::{AuditEvent, AuditQuery, LastDay, DAY_SECONDS};
use crate::ops::audit::{made_by_lakeops, matches, server_filter, ServerFilter};
use crate::platform::PlatformError;

/// LookupEvents allows 2 requests a second per account and Region.
const BETWEEN_PAGES: Duration = Duration::from_millis(500);

/// At most this many pages per lookup (50 events a page), so one lookup takes at most five
/// seconds of CloudTrail's 2 calls a second: the audit view's lookups and the count of a
/// stream's recent changes alike.
pub const MAX_PAGES: usize = 10;
/// A stream's counted changes are reused this long: the stream detail refreshes and the reshard
/// wait polls every few seconds, and LookupEvents allows 2 calls a second per account.
pub const RECENT_CHANGES_TTL: Duration = Duration::from_secs(60);

/// A stream's UpdateShardCount and UpdateStreamMode calls found in CloudTrail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecentChanges {
    pub scalings: LastDay,
    pub switches: LastDay,
    /// CloudTrail had more than `MAX_PAGES` pages: the counts cover the newest events only.
    pub capped: bool,
}

/// UpdateShardCount and UpdateStreamMode calls on `stream` since `since_s` (epoch seconds),
/// reading at most `MAX_PAGES` pages. One lookup attribute per call (the API's limit): the
/// resource name; the event names are filtered here.
pub async fn recent_changes(client: &Client, stream: &str, since_s: i64) -> Result<RecentChanges, PlatformError> {
    let attribute = LookupAttribute::builder()
        .attribute_key(LookupAttributeKey::ResourceName)
        .attribute_value(stream)
        .build()
        .map_err(|e| PlatformError::failed("CloudTrail LookupEvents", e.to_string()))?;
    let now = since_s + DAY_SECONDS;
    let (mut scalings, mut switches) = (Vec::new(), Vec::new());
    let counted = |scalings, switches, capped| RecentChanges {
        scalings: LastDay::new(now, scalings),
        switches: LastDay::new(now, switches),
        capped,
    };
    let mut token: Option<String> = None;
    for page_number in 0..MAX_PAGES {
        if page_number > 0 {
            tokio::time::sleep(BETWEEN_PAGES).await;
        }
        let mut request = client
            .lookup_events()
            .lookup_attributes(attribute.clone())
            .start_time(DateTime::from_secs(since_s))
            .max_results(50);
        if let Some(t) = &token {
            request = request.next_token(t);
        }
        let page = request.send().await.map_err(|e| platform_error("CloudTrail LookupEvents", e))?;
        for event in page.events() {
            // An event without a time counts as made now: the longest wait it could mean.
            let at = event.event_time().map_or(now, |t| t.secs());
            match event.event_name() {
                Some("UpdateShardCount") => scalings.push(at),
                Some("UpdateStreamMode") => switches.push(at),
                _ => {}
            }
        }
        token = page.next_token().map(str::to_string);
        if token.is_none() {
            return Ok(counted(scalings, switches, false));
        }
    }
    Ok(counted(scalings, switches, true))
}

/// Events matching `query`: one attribute filtered by CloudTrail, the rest here.
pub async fn lookup(client: &Client, query: &AuditQuery) -> Result<Vec<AuditEvent>, PlatformError> {
    let attribute = match server_filter(query) {
        ServerFilter::Username(u) => Some((LookupAttributeKey::Username, u)),
        ServerFilter::ResourceName(r) => Some((LookupAttributeKey::ResourceName, r)),
        ServerFilter::EventSource(s) => Some((LookupAttributeKey::EventSource, s)),
        ServerFilter::WritesOnly => Some((LookupAttributeKey::ReadOnly, "false".to_string())),
        ServerFilter::None => None,
    };
    let attribute = attribute
        .map(|(key, value)| LookupAttribute::builder().attribute_key(key).attribute_value(value).build())
        .transpose()
        .map_err(|e| PlatformError::failed("CloudTrail LookupEvents", e.to_string()))?;
    let mut events = Vec::new();
    let mut token: Option<String> = None;
    for page_number in 0..MAX_PAGES {
        if page_number > 0 {
            tokio::time::sleep(BETWEEN_PAGES).await;
        }
        let mut request =
            client.lookup_events().start_time(DateTime::from_secs(query.since.timestamp())).max_results(50);
        if let Some(a) = &attribute {
            request = request.lookup_attributes(a.clone());
        }
        if let Some(t) = &token {
            request = request.next_token(t);
        }
        let page = request.send().await.map_err(|e| platform_error("CloudTrail LookupEvents", e))?;
        events.extend(page.events().iter().map(to_audit_event).filter(|e| matches(e, query)));
        token = page.next_token().map(str::to_string);
        if token.is_none() || events.len() >= query.limit {
            break;
        }
    }
    events.truncate(query.limit);
    Ok(events)
}

fn to_audit_event(e: &aws_sdk_cloudtrail::types::Event) -> AuditEvent {
    let raw = e.cloud_trail_event().map(str::to_string);
    // The record is JSON written by AWS; a malformed one still shows what the summary says.
    let record: Option<serde_json::Value> = raw.as_deref().and_then(|r| serde_json::from_str(r).ok());
    let field = |path: &[&str]| {
        let mut v = record.as_ref()?;
        for p in path {
            v = v.get(p)?;
        }
        v.as_str().map(str::to_string)
    };
    let user = e
        .username()
        .map(str::to_string)
        .or_else(|| field(&["userIdentity", "arn"]))
        .unwrap_or_else(|| "unknown".into());
    let resource = e.resources().iter().filter_map(|r| r.resource_name()).collect::<Vec<_>>().join(", ");
    AuditEvent {
        time: e.event_time().and_then(|t| chrono::DateTime::from_timestamp(t.secs(), 0)).unwrap_or_default(),
        user: sanitize(&user),
        source: sanitize(e.event_source().unwrap_or("")),
        name: sanitize(e.event_name().unwrap_or("")),
        resource: sanitize(&resource),
        read_only: e.read_only() == Some("true"),
        error_code: field(&["errorCode"]).map(|c| sanitize(&c)),
        by_lakeops: field(&["userAgent"]).is_some_and(|agent| made_by_lakeops(&agent)),
        event_json: raw,
        from_journal: false,
    }
}
