//! CloudTrail LookupEvents (which moto does not serve) on realistic mocked responses: the
//! resharding limits count every UpdateShardCount and UpdateStreamMode of the last day.

use aws_sdk_cloudtrail::error::ErrorMetadata;
use aws_sdk_cloudtrail::operation::lookup_events::{LookupEventsError, LookupEventsOutput};
use aws_sdk_cloudtrail::types::{Event, LookupAttributeKey, Resource};
use aws_sdk_cloudtrail::Client;
use aws_smithy_mocks::{mock, mock_client, RuleMode};
use aws_smithy_types::DateTime;
use lakeops::aws::cloudtrail::recent_changes;

fn event(name: &str, user: &str) -> Event {
    Event::builder()
        .event_name(name)
        .event_source("kinesis.amazonaws.com")
        .username(user)
        .read_only("false")
        .event_time(DateTime::from_secs(1_773_993_600))
        .resources(Resource::builder().resource_type("AWS::Kinesis::Stream").resource_name("orders").build())
        .build()
}

#[tokio::test]
async fn counts_scalings_and_mode_switches_across_pages() {
    let first = mock!(Client::lookup_events)
        .match_requests(|r| {
            let attribute = r.lookup_attributes().first();
            r.next_token().is_none()
                && attribute.map(|a| a.attribute_key()) == Some(&LookupAttributeKey::ResourceName)
                && attribute.map(|a| a.attribute_value()) == Some("orders")
                && r.start_time().map(|t| t.secs()) == Some(1_773_907_200)
        })
        .then_output(|| {
            LookupEventsOutput::builder()
                .events(event("UpdateShardCount", "alice.ops"))
                .events(event("AddTagsToStream", "ci-deployer"))
                .events(event("UpdateStreamMode", "alice.ops"))
                .next_token("page-2")
                .build()
        });
    let second = mock!(Client::lookup_events)
        .match_requests(|r| r.next_token() == Some("page-2"))
        .then_output(|| LookupEventsOutput::builder().events(event("UpdateShardCount", "lakeops-operator")).build());
    let client = mock_client!(aws_sdk_cloudtrail, RuleMode::MatchAny, [&first, &second]);
    let counts = recent_changes(&client, "orders", 1_773_907_200).await.expect("lookup");
    assert_eq!(counts, (2, 1));
    assert_eq!(first.num_calls(), 1);
    assert_eq!(second.num_calls(), 1);
}

#[tokio::test]
async fn a_refusal_is_a_clear_error() {
    let denied = mock!(Client::lookup_events).then_error(|| {
        LookupEventsError::generic(
            ErrorMetadata::builder()
                .code("AccessDeniedException")
                .message("not authorized to perform cloudtrail:LookupEvents")
                .build(),
        )
    });
    let client = mock_client!(aws_sdk_cloudtrail, [&denied]);
    let err = recent_changes(&client, "orders", 0).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "CloudTrail LookupEvents refused the request: AccessDeniedException: not authorized to perform cloudtrail:LookupEvents (check the IAM permissions in the README)"
    );
}
