//! CloudTrail LookupEvents (which moto does not serve) on realistic mocked responses: the
//! resharding limits count every UpdateShardCount and UpdateStreamMode of the last day; the
//! audit lookups page, parse (lakeops' changes known by the user agent) and back off.

mod support;

use aws_sdk_cloudtrail::error::ErrorMetadata;
use aws_sdk_cloudtrail::operation::lookup_events::{LookupEventsError, LookupEventsOutput};
use aws_sdk_cloudtrail::types::{Event, LookupAttributeKey, Resource};
use aws_sdk_cloudtrail::Client;
use aws_smithy_mocks::{mock, mock_client, RuleMode};
use aws_smithy_types::DateTime;
use lakeops::aws::cloudtrail::{recent_changes, MAX_PAGES, RECENT_CHANGES_TTL};

fn event(name: &str, user: &str) -> Event {
    event_at(name, user, 1_773_993_600)
}

fn event_at(name: &str, user: &str, secs: i64) -> Event {
    Event::builder()
        .event_name(name)
        .event_source("kinesis.amazonaws.com")
        .username(user)
        .read_only("false")
        .event_time(DateTime::from_secs(secs))
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
    let counted = recent_changes(&client, "orders", 1_773_907_200).await.expect("lookup");
    assert_eq!((counted.scalings.count(), counted.switches.count(), counted.capped), (2, 1, false));
    // Each call's time is read: two scalings made at 1_773_993_600 let a third limit of 2 pass a
    // day after them.
    assert_eq!(counted.scalings.under_limit_at(2), Some(1_773_993_600 + 86_400));
    assert_eq!(counted.switches.under_limit_at(2), None);
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
        "CloudTrail LookupEvents refused the request: AccessDeniedException: not authorized to perform cloudtrail:LookupEvents (check the IAM permissions in docs/aws.md)"
    );
}

/// A page of read events on the stream that says there is more: a busy stream's 24 hours.
/// A page of events made just now: in the last day of the platform's present and of the counts'.
fn busy_page() -> LookupEventsOutput {
    let now = chrono::Utc::now().timestamp();
    LookupEventsOutput::builder()
        .events(event_at("DescribeStreamSummary", "lakeops-operator", now))
        .events(event_at("UpdateShardCount", "alice.ops", now))
        .next_token("more")
        .build()
}

/// A stream with more events than the cap: the count reads `MAX_PAGES` pages and says it stopped.
#[tokio::test]
async fn a_busy_stream_is_counted_from_at_most_max_pages_pages() {
    let pages = mock!(Client::lookup_events).sequence().output(busy_page).times(3 * MAX_PAGES).build();
    let client = mock_client!(aws_sdk_cloudtrail, RuleMode::MatchAny, [&pages]);
    let counted = recent_changes(&client, "orders", 1_773_907_200).await.expect("lookup");
    assert_eq!(pages.num_calls(), MAX_PAGES, "pages read");
    assert_eq!((counted.scalings.count(), counted.capped), (MAX_PAGES as u32, true));
}

/// The stream detail's refresh and the reshard wait both ask for a stream's facts every few
/// seconds: CloudTrail is asked once per `RECENT_CHANGES_TTL`, for at most `MAX_PAGES` pages,
/// and the facts say the count stopped short. Kinesis is moto; CloudTrail (which moto lacks) a
/// mock counting the calls.
#[tokio::test]
async fn stream_facts_reuse_one_capped_lookup_within_its_ttl() {
    use lakeops::aws::{AwsPlatform, ClientOptions};
    use lakeops::platform::Platform;
    use support::moto::{credentials, moto, sdk_config, unique};
    let stream = unique("ct-busy");
    let kinesis = aws_sdk_kinesis::Client::new(&sdk_config().await);
    kinesis.create_stream().stream_name(&stream).shard_count(2).send().await.expect("CreateStream");
    let pages = mock!(Client::lookup_events).sequence().output(busy_page).repeatedly().build();
    let client = mock_client!(aws_sdk_cloudtrail, RuleMode::MatchAny, [&pages]);
    let (dir, paths) = support::temp_paths();
    let profile = format!(
        "name = \"moto-ct\"\nbackend = \"aws\"\n[aws]\nregion = \"us-east-1\"\nendpoint_url = \"{}\"\n[platform.stream]\nname = \"{stream}\"\n",
        moto().endpoint
    );
    let loaded = support::load_profile(dir.path(), &paths, &profile);
    let platform = AwsPlatform::connect(&loaded.settings, ClientOptions { credentials: Some(credentials()) })
        .await
        .with_cloudtrail(client);
    for _ in 0..3 {
        let facts = platform.stream_facts(&stream).await.expect("facts").expect("the stream exists");
        assert_eq!(facts.scalings_last_day.count(), MAX_PAGES as u32);
        assert!(
            facts.warnings.iter().any(|w| w.contains("more than 500 events") && w.contains("local journal")),
            "{:?}",
            facts.warnings
        );
    }
    assert_eq!(pages.num_calls(), MAX_PAGES, "one capped lookup for three reads within {RECENT_CHANGES_TTL:?}");
    assert_eq!(platform.calls("LookupEvents"), 1);
}

mod lookup {
    use super::*;
    use aws_sdk_cloudtrail::types::LookupAttributeKey;
    use lakeops::aws::cloudtrail::lookup;
    use lakeops::model::AuditQuery;
    use lakeops::ops::audit::{mark, Mark};

    fn query(user: Option<&str>, writes_only: bool) -> AuditQuery {
        AuditQuery {
            since: chrono::DateTime::from_timestamp(1_773_900_000, 0).unwrap(),
            user: user.map(str::to_string),
            source: None,
            resource: None,
            writes_only,
            lakeops_only: false,
            limit: 10,
        }
    }

    fn raw(name: &str, user: &str, record: &str) -> Event {
        Event::builder()
            .event_name(name)
            .event_source("kinesis.amazonaws.com")
            .username(user)
            .read_only("false")
            .event_time(DateTime::from_secs(1_773_993_600))
            .cloud_trail_event(record)
            .build()
    }

    #[tokio::test]
    async fn the_user_goes_to_the_server_pages_are_followed_and_records_parsed() {
        let first = mock!(Client::lookup_events)
            .match_requests(|r| {
                r.next_token().is_none()
                    && r.lookup_attributes()
                        .first()
                        .map(|a| (a.attribute_key().clone(), a.attribute_value().to_string()))
                        == Some((LookupAttributeKey::Username, "alice".to_string()))
            })
            .then_output(|| {
                LookupEventsOutput::builder()
                    .events(raw(
                        "UpdateShardCount",
                        "alice",
                        r#"{"errorCode":"LimitExceededException","userIdentity":{"arn":"arn:aws:iam::1:user/alice"}}"#,
                    ))
                    .next_token("p2")
                    .build()
            });
        let second = mock!(Client::lookup_events)
            .match_requests(|r| r.next_token() == Some("p2"))
            // A malformed record and a name full of escape sequences: still shown, inert.
            .then_output(|| {
                LookupEventsOutput::builder().events(raw("Split\u{1b}[2JShard", "alice", "{not json")).build()
            });
        let client = mock_client!(aws_sdk_cloudtrail, RuleMode::MatchAny, [&first, &second]);
        let events = lookup(&client, &query(Some("alice"), false)).await.expect("lookup");
        assert_eq!(events.len(), 2);
        assert_eq!(events[0].error_code.as_deref(), Some("LimitExceededException"));
        assert!(!events[0].read_only);
        assert_eq!(events[1].error_code, None);
        assert_eq!(events[1].event_json.as_deref(), Some("{not json"));
        assert!(!events[1].name.contains('\u{1b}'), "{:?}", events[1].name);
    }

    /// A CloudTrail record as LookupEvents returns it in `CloudTrailEvent`, with its user agent.
    fn record(name: &str, user: &str, read_only: bool, agent: &str) -> Event {
        let record = serde_json::json!({
            "eventVersion": "1.11",
            "userIdentity": {
                "type": "AssumedRole",
                "principalId": "AROAEXAMPLEID:alice",
                "arn": format!("arn:aws:sts::123456789012:assumed-role/oncall/{user}"),
                "accountId": "123456789012",
                "accessKeyId": "ASIAEXAMPLEKEY",
                "sessionContext": {"attributes": {"creationDate": "2026-03-20T07:55:01Z", "mfaAuthenticated": "false"}}
            },
            "eventTime": "2026-03-20T08:00:00Z",
            "eventSource": "kinesis.amazonaws.com",
            "eventName": name,
            "awsRegion": "eu-west-1",
            "sourceIPAddress": "198.51.100.7",
            "userAgent": agent,
            "requestParameters": {"streamName": "orders", "targetShardCount": 8, "scalingType": "UNIFORM_SCALING"},
            "responseElements": null,
            "requestID": "c5b4bd0c-8d4e-4f3a-9d57-EXAMPLE",
            "eventID": "0f4b9a3e-6c8b-4a7e-a7b3-EXAMPLE",
            "readOnly": read_only,
            "eventType": "AwsApiCall",
            "managementEvent": true,
            "recipientAccountId": "123456789012",
            "eventCategory": "Management"
        });
        Event::builder()
            .event_name(name)
            .event_source("kinesis.amazonaws.com")
            .username(user)
            .read_only(read_only.to_string())
            .event_time(DateTime::from_secs(1_773_993_600))
            .cloud_trail_event(record.to_string())
            .build()
    }

    /// Each event's record is read for its user agent: lakeops' app name marks the changes made
    /// through lakeops, by anyone; the CLI's, the console's and another Rust app's do not. Only
    /// lakeops' changes asks CloudTrail for writes (it cannot filter on the user agent) and keeps
    /// those whose user agent says lakeops.
    #[tokio::test]
    async fn the_user_agent_tells_the_changes_made_through_lakeops() {
        const LAKEOPS: &str =
            "aws-sdk-rust/1.7.0 ua/2.1 api/kinesis/1.130.0 os/linux lang/rust/1.95.0 m/E,N,P,g md/http#hyper-1.x app/lakeops";
        let page = || {
            LookupEventsOutput::builder()
                .events(record("UpdateShardCount", "alice", false, LAKEOPS))
                .events(record("DescribeStreamSummary", "alice", true, LAKEOPS))
                .events(record(
                    "UpdateShardCount",
                    "bob",
                    false,
                    "aws-cli/2.27.41 md/awscrt#0.26.1 ua/2.1 os/linux#6.8.0-1029-aws md/arch#x86_64 lang/python#3.13.4 md/pyimpl#CPython m/E,b cfg/retry-mode#standard md/installer#exe md/distrib#ubuntu.24 md/prompt#off md/command#kinesis.update-shard-count",
                ))
                .events(record("MergeShards", "carol", false, "AWS Internal"))
                .events(record(
                    "SplitShard",
                    "dave",
                    false,
                    "aws-sdk-rust/1.7.0 ua/2.1 api/kinesis/1.130.0 os/linux lang/rust/1.95.0 m/E app/lakeops-fork",
                ))
                .events(record("UpdateStreamMode", "erin", false, &format!("{LAKEOPS}\u{1b}[2J")))
                .build()
        };
        let every = mock!(Client::lookup_events).match_requests(|r| r.lookup_attributes().is_empty()).then_output(page);
        let writes = mock!(Client::lookup_events)
            .match_requests(|r| {
                r.lookup_attributes().first().map(|a| (a.attribute_key().clone(), a.attribute_value().to_string()))
                    == Some((LookupAttributeKey::ReadOnly, "false".to_string()))
            })
            .then_output(page);
        let client = mock_client!(aws_sdk_cloudtrail, RuleMode::MatchAny, [&every, &writes]);
        let events = lookup(&client, &query(None, false)).await.expect("lookup");
        let marked: Vec<(&str, &str, bool)> =
            events.iter().map(|e| (e.user.as_str(), e.name.as_str(), e.by_lakeops)).collect();
        assert_eq!(
            marked,
            [
                ("alice", "UpdateShardCount", true),
                ("alice", "DescribeStreamSummary", true),
                ("bob", "UpdateShardCount", false),
                ("carol", "MergeShards", false),
                ("dave", "SplitShard", false),
                ("erin", "UpdateStreamMode", false),
            ]
        );
        let marks: Vec<Mark> = events.iter().map(mark).collect();
        assert_eq!(marks[..3], [Mark::Lakeops, Mark::Read, Mark::Write]);

        let only = lookup(&client, &AuditQuery { lakeops_only: true, ..query(None, false) }).await.expect("lookup");
        assert_eq!(writes.num_calls(), 1, "lakeops' changes are writes: CloudTrail filters ReadOnly=false");
        let kept: Vec<(&str, &str)> = only.iter().map(|e| (e.user.as_str(), e.name.as_str())).collect();
        assert_eq!(kept, [("alice", "UpdateShardCount")]);
    }

    #[tokio::test]
    async fn writes_only_asks_cloudtrail_for_read_only_false() {
        let rule = mock!(Client::lookup_events)
            .match_requests(|r| {
                r.lookup_attributes().first().map(|a| (a.attribute_key().clone(), a.attribute_value().to_string()))
                    == Some((LookupAttributeKey::ReadOnly, "false".to_string()))
            })
            .then_output(|| LookupEventsOutput::builder().events(raw("MergeShards", "bob", "{}")).build());
        let client = mock_client!(aws_sdk_cloudtrail, [&rule]);
        let events = lookup(&client, &query(None, true)).await.expect("lookup");
        assert_eq!(events.len(), 1);
        assert_eq!(rule.num_calls(), 1);
    }
}

/// LookupEvents answering every call with a throttling error.
fn always_throttled() -> aws_smithy_mocks::Rule {
    mock!(Client::lookup_events).then_error(|| {
        LookupEventsError::generic(
            ErrorMetadata::builder().code("ThrottlingException").message("Rate exceeded").build(),
        )
    })
}

/// The AWS platform of the sandbox's settings, its endpoint a closed port (the tests give it a
/// mocked CloudTrail).
async fn platform_without_endpoint() -> lakeops::aws::AwsPlatform {
    use lakeops::aws::{AwsPlatform, ClientOptions};
    let loaded = support::sandbox_settings();
    let mut settings = loaded.settings.clone();
    settings.aws.endpoint_url = Some("http://127.0.0.1:9".into());
    let credentials = aws_sdk_kinesis::config::Credentials::new("test", "test", None, None, "test");
    AwsPlatform::connect(&settings, ClientOptions { credentials: Some(credentials) }).await
}

/// Every event of the last hour, 50 at most.
fn last_hour() -> lakeops::model::AuditQuery {
    lakeops::model::AuditQuery {
        since: chrono::Utc::now() - chrono::Duration::hours(1),
        user: None,
        source: None,
        resource: None,
        writes_only: false,
        lakeops_only: false,
        limit: 50,
    }
}

/// A throttled LookupEvents backs the platform off: the next lookups fail fast, saying how
/// long they wait, without calling CloudTrail again.
#[tokio::test]
async fn throttling_backs_off_without_calling_again() {
    use lakeops::platform::Platform;
    let throttled = always_throttled();
    let client = mock_client!(aws_sdk_cloudtrail, RuleMode::MatchAny, [&throttled]);
    let platform = platform_without_endpoint().await.with_cloudtrail(client);
    let query = last_hour();
    let first = platform.audit_events(&query).await.unwrap_err();
    assert!(first.is_throttling(), "{first}");
    // The SDK itself retries a throttled call (standard retry mode) before giving up.
    let calls = throttled.num_calls();
    let again = platform.audit_events(&query).await.unwrap_err();
    assert!(again.to_string().contains("waiting 15 s before calling it again"), "{again}");
    assert_eq!(throttled.num_calls(), calls, "held back: CloudTrail was not called again");
}

/// The SDK's own retries of a throttled call reach the rate limiter: LookupEvents (2 calls a
/// second) tried three times counts three calls in that second, and the next call waits for them.
#[tokio::test]
async fn the_sdks_retries_count_against_the_apis_rate() {
    use aws_sdk_cloudtrail::config::retry::RetryConfig;
    use lakeops::platform::Platform;
    let throttled = always_throttled();
    let platform = platform_without_endpoint().await;
    let retries = platform.retries_counted();
    let client = mock_client!(aws_sdk_cloudtrail, RuleMode::MatchAny, [&throttled], |config| config
        .retry_config(
            RetryConfig::standard().with_max_attempts(3).with_initial_backoff(std::time::Duration::from_millis(1))
        )
        .interceptor(retries.clone()));
    let platform = platform.with_cloudtrail(client);
    let failed = platform.audit_events(&last_hour()).await.unwrap_err();
    assert!(failed.is_throttling(), "{failed}");
    assert_eq!(throttled.num_calls(), 3, "the SDK tried three times");
    assert_eq!(platform.busiest_second("LookupEvents"), 3, "the limiter saw the two retries");
}

/// The charts' change markers on AWS (issue 17): the snapshot's one LookupEvents page of the last
/// hour's writes is what the markers are made of. A deploy of the consumer is a change; an
/// analyst's query and a failed call are not.
#[tokio::test]
async fn the_snapshots_writes_become_the_charts_change_markers() {
    use lakeops::aws::{AwsPlatform, ClientOptions};
    use lakeops::ops::markers::{from_audit, Origin};
    use lakeops::platform::Platform;
    use support::moto::{credentials, moto, unique};
    let now = chrono::Utc::now().timestamp();
    let write = move |name: &str, user: &str, source: &str, resource: &str, ago: i64, error: Option<&str>| {
        let record = serde_json::json!({"userAgent": "aws-cli/2.15", "errorCode": error});
        Event::builder()
            .event_name(name)
            .event_source(source)
            .username(user)
            .read_only("false")
            .event_time(DateTime::from_secs(now - ago))
            .resources(Resource::builder().resource_name(resource).build())
            .cloud_trail_event(record.to_string())
            .build()
    };
    let page = mock!(Client::lookup_events)
        .match_requests(|r| {
            r.lookup_attributes().first().map(|a| a.attribute_key()) == Some(&LookupAttributeKey::ReadOnly)
        })
        .then_output(move || {
            LookupEventsOutput::builder()
                .events(write("StartQueryExecution", "analytics-bot", "athena.amazonaws.com", "ops", 60, None))
                .events(write("UpdateFunctionCode", "ci-deployer", "lambda.amazonaws.com", "ingest", 300, None))
                .events(write("UpdateShardCount", "bob", "kinesis.amazonaws.com", "events", 600, Some("LimitExceeded")))
                .build()
        });
    let client = mock_client!(aws_sdk_cloudtrail, RuleMode::MatchAny, [&page]);
    let (dir, paths) = support::temp_paths();
    let profile = format!(
        "name = \"moto-markers\"\nbackend = \"aws\"\n[aws]\nregion = \"us-east-1\"\nendpoint_url = \"{}\"\n[platform]\nstack_name = \"{}\"\n",
        moto().endpoint,
        unique("markers")
    );
    let loaded = support::load_profile(dir.path(), &paths, &profile);
    let platform = AwsPlatform::connect(&loaded.settings, ClientOptions { credentials: Some(credentials()) })
        .await
        .with_cloudtrail(client);
    let snapshot = platform.snapshot().await.expect("a snapshot");
    let audit = snapshot.audit.ready().expect("the audit row");
    assert_eq!(audit.writes.len(), 3, "the page as read");
    let marks = from_audit(&audit.writes);
    assert_eq!(marks.len(), 1, "{marks:?}");
    assert_eq!((marks[0].origin, marks[0].who.as_str()), (Origin::CloudTrail, "ci-deployer"));
    assert_eq!((marks[0].what.as_str(), marks[0].resource.as_str()), ("UpdateFunctionCode", "ingest"));
    assert_eq!(page.num_calls(), 1, "the markers cost no call of their own");
}
