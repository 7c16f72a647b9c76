//! CloudTrail: the changes made to a stream in the last day, whoever made them (lakeops,
//! the console, other tools), for the resharding limits.

use std::time::Duration;

use aws_sdk_cloudtrail::types::{LookupAttribute, LookupAttributeKey};
use aws_sdk_cloudtrail::Client;
use aws_smithy_types::DateTime;

use super::errors::platform_error;
use crate::platform::PlatformError;

/// LookupEvents allows 2 requests a second per account and Region.
const BETWEEN_PAGES: Duration = Duration::from_millis(500);

/// UpdateShardCount and UpdateStreamMode calls on `stream` since `since_s` (epoch seconds).
/// One lookup attribute per call (the API's limit): the resource name; the event names are
/// filtered here.
pub async fn recent_changes(client: &Client, stream: &str, since_s: i64) -> Result<(u32, u32), PlatformError> {
    let attribute = LookupAttribute::builder()
        .attribute_key(LookupAttributeKey::ResourceName)
        .attribute_value(stream)
        .build()
        .map_err(|e| PlatformError::Failed { service: "CloudTrail LookupEvents".into(), message: e.to_string() })?;
    let (mut scalings, mut switches) = (0, 0);
    let mut token: Option<String> = None;
    loop {
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
            match event.event_name() {
                Some("UpdateShardCount") => scalings += 1,
                Some("UpdateStreamMode") => switches += 1,
                _ => {}
            }
        }
        match page.next_token() {
            Some(t) => {
                token = Some(t.to_string());
                tokio::time::sleep(BETWEEN_PAGES).await;
            }
            None => break,
        }
    }
    Ok((scalings, switches))
}
