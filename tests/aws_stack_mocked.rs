//! CloudFormation answers moto does not give, on `aws-smithy-mocks`: a change set with property
//! details and a replacement, CloudFormation's "no changes" failure, per-resource events of a
//! failed update, a stack whose creation failed, drift detection, and an apply whose answer was
//! lost after the change sets were dropped.

use aws_sdk_cloudformation::operation::create_change_set::CreateChangeSetOutput;
use aws_sdk_cloudformation::operation::delete_change_set::DeleteChangeSetOutput;
use aws_sdk_cloudformation::operation::describe_change_set::DescribeChangeSetOutput;
use aws_sdk_cloudformation::operation::describe_stack_drift_detection_status::DescribeStackDriftDetectionStatusOutput;
use aws_sdk_cloudformation::operation::describe_stack_events::DescribeStackEventsOutput;
use aws_sdk_cloudformation::operation::describe_stack_resource_drifts::DescribeStackResourceDriftsOutput;
use aws_sdk_cloudformation::operation::describe_stacks::DescribeStacksOutput;
use aws_sdk_cloudformation::operation::detect_stack_drift::DetectStackDriftOutput;
use aws_sdk_cloudformation::primitives::DateTime;
use aws_sdk_cloudformation::types::{
    Change, ChangeAction, ChangeSetStatus, ChangeType, DifferenceType, PropertyDifference, Replacement,
    RequiresRecreation, ResourceAttribute, ResourceChange, ResourceChangeDetail, ResourceStatus,
    ResourceTargetDefinition, Stack, StackDriftDetectionStatus, StackEvent, StackResourceDrift,
    StackResourceDriftStatus, StackStatus,
};
use aws_sdk_cloudformation::Client;
use aws_smithy_mocks::{mock, mock_client, RuleMode};
use lakeops::aws::stack;
use lakeops::model;
use lakeops::provision::{diff_lines, Progress};

fn stacks(status: StackStatus, reason: Option<&str>) -> DescribeStacksOutput {
    let stack = Stack::builder()
        .stack_name("clickstream")
        .stack_status(status)
        .set_stack_status_reason(reason.map(String::from))
        .creation_time(DateTime::from_secs(1_700_000_000))
        .build();
    DescribeStacksOutput::builder().stacks(stack).build()
}

fn detail(name: &str, recreation: RequiresRecreation) -> ResourceChangeDetail {
    ResourceChangeDetail::builder()
        .target(
            ResourceTargetDefinition::builder()
                .attribute(ResourceAttribute::Properties)
                .name(name)
                .requires_recreation(recreation)
                .build(),
        )
        .build()
}

#[tokio::test]
async fn a_change_set_reads_as_a_diff_with_the_property_that_forces_a_replacement() {
    let existing = mock!(Client::describe_stacks).then_output(|| stacks(StackStatus::UpdateComplete, None));
    let create = mock!(Client::create_change_set).then_output(|| CreateChangeSetOutput::builder().id("cs-arn").build());
    let described = mock!(Client::describe_change_set).then_output(|| {
        let stream = ResourceChange::builder()
            .action(ChangeAction::Modify)
            .logical_resource_id("Stream")
            .resource_type("AWS::Kinesis::Stream")
            .replacement(Replacement::True)
            .details(detail("ShardCount", RequiresRecreation::Never))
            .details(detail("Name", RequiresRecreation::Always))
            .build();
        let topic = ResourceChange::builder()
            .action(ChangeAction::Add)
            .logical_resource_id("AlarmTopic")
            .resource_type("AWS::SNS::Topic")
            .build();
        DescribeChangeSetOutput::builder()
            .status(ChangeSetStatus::CreateComplete)
            .changes(Change::builder().r#type(ChangeType::Resource).resource_change(stream).build())
            .changes(Change::builder().r#type(ChangeType::Resource).resource_change(topic).build())
            .build()
    });
    let client = mock_client!(aws_sdk_cloudformation, RuleMode::MatchAny, [&existing, &create, &described]);
    let plan = stack::plan(&client, "clickstream", &stack::Source::Body("{}"), &[], 0)
        .await
        .expect("plan")
        .into_plan()
        .expect("a plan");
    assert_eq!(plan.change_set.as_deref(), Some("cs-arn"));
    assert!(!plan.creates);
    let stream = plan.changes.iter().find(|c| c.logical_id == "Stream").unwrap();
    assert_eq!(stream.replacement, model::Replacement::Yes);
    assert_eq!(stream.properties, ["Name", "ShardCount"], "the replacing property first");
    assert_eq!(stream.replacing, ["Name"]);
    let lines = diff_lines(&plan);
    assert_eq!(lines[0].text, "AlarmTopic AWS::SNS::Topic");
    assert!(lines[1].replaces() && lines[1].text.ends_with("because of Name"), "{lines:?}");
}

/// A property's values before and after, which CloudFormation gives when DescribeChangeSet asks
/// for them (`IncludePropertyValues`), read into the plan line (`ShardCount 4 → 8`); a property
/// listed twice (evaluated statically, then dynamically) is said once. A staged template goes as
/// `TemplateURL`, never as a body, and the plan says where it is.
#[tokio::test]
async fn a_change_set_with_property_values_says_them_and_a_staged_template_goes_by_url() {
    let existing = mock!(Client::describe_stacks).then_output(|| stacks(StackStatus::UpdateComplete, None));
    let url = "https://lakeops-templates-1-us-east-1.s3.us-east-1.amazonaws.com/clickstream/k.json";
    let create = mock!(Client::create_change_set)
        .match_requests(move |r| r.template_url() == Some(url) && r.template_body().is_none())
        .then_output(|| CreateChangeSetOutput::builder().id("cs-arn").build());
    let valued = |before: &str, after: &str| {
        ResourceChangeDetail::builder()
            .target(
                ResourceTargetDefinition::builder()
                    .attribute(ResourceAttribute::Properties)
                    .name("ShardCount")
                    .path("/Properties/ShardCount")
                    .requires_recreation(RequiresRecreation::Never)
                    .before_value(before)
                    .after_value(after)
                    .build(),
            )
            .build()
    };
    let described = mock!(Client::describe_change_set)
        .match_requests(|r| r.include_property_values() == Some(true))
        .then_output(move || {
            let stream = ResourceChange::builder()
                .action(ChangeAction::Modify)
                .logical_resource_id("Stream")
                .resource_type("AWS::Kinesis::Stream")
                .replacement(Replacement::False)
                .details(valued("4", "8"))
                .details(valued("4", "{{resolve:ssm:shards}}"))
                .build();
            DescribeChangeSetOutput::builder()
                .status(ChangeSetStatus::CreateComplete)
                .changes(Change::builder().r#type(ChangeType::Resource).resource_change(stream).build())
                .build()
        });
    let client = mock_client!(aws_sdk_cloudformation, RuleMode::MatchAny, [&existing, &create, &described]);
    let staged =
        model::StagedTemplate { uri: "s3://lakeops-templates-1-us-east-1/clickstream/k.json".into(), bytes: 60_000 };
    let source = stack::Source::Staged { url: url.into(), staged: staged.clone() };
    let plan = stack::plan(&client, "clickstream", &source, &[], 0).await.expect("plan").into_plan().expect("a plan");
    assert_eq!((create.num_calls(), described.num_calls()), (1, 1), "asked by URL, with the values");
    let stream = &plan.changes[0];
    assert_eq!(stream.values.len(), 1, "{:?}", stream.values);
    assert_eq!(plan.staged, Some(staged));
    let lines = diff_lines(&plan);
    assert_eq!(lines[0].text, "Stream AWS::Kinesis::Stream (ShardCount 4 → 8)");
    assert!(lines[1].text.contains("it was put in s3://lakeops-templates-1-us-east-1/clickstream/k.json"), "{lines:?}");
}

#[tokio::test]
async fn cloudformations_no_changes_failure_is_a_plan_without_changes_and_its_change_set_goes() {
    let existing = mock!(Client::describe_stacks).then_output(|| stacks(StackStatus::UpdateComplete, None));
    let create = mock!(Client::create_change_set).then_output(|| CreateChangeSetOutput::builder().id("cs-arn").build());
    let failed = mock!(Client::describe_change_set).then_output(|| {
        DescribeChangeSetOutput::builder()
            .status(ChangeSetStatus::Failed)
            .status_reason("The submitted information didn't contain changes. Submit different information to create a change set.")
            .build()
    });
    let deleted = mock!(Client::delete_change_set).then_output(|| DeleteChangeSetOutput::builder().build());
    let client = mock_client!(aws_sdk_cloudformation, RuleMode::MatchAny, [&existing, &create, &failed, &deleted]);
    let plan = stack::plan(&client, "clickstream", &stack::Source::Body("{}"), &[], 0)
        .await
        .expect("plan")
        .into_plan()
        .expect("a plan");
    assert!(!plan.has_changes() && plan.change_set.is_none());
    assert_eq!(deleted.num_calls(), 1, "the failed change set is deleted");
}

#[tokio::test]
async fn a_stack_whose_creation_failed_is_explained_before_any_change_set() {
    let existing = mock!(Client::describe_stacks).then_output(|| {
        stacks(StackStatus::RollbackComplete, Some("The following resource(s) failed to create: [RawBucket]."))
    });
    let create = mock!(Client::create_change_set).then_output(|| CreateChangeSetOutput::builder().id("x").build());
    let client = mock_client!(aws_sdk_cloudformation, RuleMode::MatchAny, [&existing, &create]);
    let err = stack::plan(&client, "clickstream", &stack::Source::Body("{}"), &[], 0).await.unwrap_err().to_string();
    assert!(
        err.contains("ROLLBACK_COMPLETE") && err.contains("[RawBucket]") && err.contains("provision delete"),
        "{err}"
    );
    assert_eq!(create.num_calls(), 0);
}

fn event(s: i64, id: &str, status: ResourceStatus, reason: Option<&str>) -> StackEvent {
    StackEvent::builder()
        .stack_id("arn:aws:cloudformation:us-east-1:123456789012:stack/clickstream/1")
        .event_id(format!("{id}-{s}"))
        .stack_name("clickstream")
        .logical_resource_id(id)
        .resource_type(if id == "clickstream" { "AWS::CloudFormation::Stack" } else { "AWS::Kinesis::Stream" })
        .resource_status(status)
        .set_resource_status_reason(reason.map(String::from))
        .timestamp(DateTime::from_secs(1_700_000_000 + s))
        .build()
}

#[tokio::test]
async fn a_failed_update_names_the_resource_and_its_reason_and_the_rollback() {
    let events = mock!(Client::describe_stack_events).then_output(|| {
        DescribeStackEventsOutput::builder()
            .stack_events(event(12, "clickstream", ResourceStatus::UpdateRollbackInProgress, Some("The following resource(s) failed to update: [Stream].")))
            .stack_events(event(11, "Stream", ResourceStatus::UpdateFailed, Some("Resource handler returned message: \"UpdateShardCount is limited to 10 calls per rolling 24 hours\"")))
            .stack_events(event(2, "Stream", ResourceStatus::UpdateInProgress, None))
            .stack_events(event(1, "clickstream", ResourceStatus::UpdateInProgress, Some("User Initiated")))
            .build()
    });
    let client = mock_client!(aws_sdk_cloudformation, RuleMode::MatchAny, [&events]);
    let read = stack::events(&client, "clickstream").await.expect("events");
    assert_eq!(read[0].status, "UPDATE_ROLLBACK_IN_PROGRESS", "newest first");
    let progress = Progress::read("clickstream", &read, 1_700_000_000_000, 1);
    let (resource, reason) = progress.failure.clone().unwrap();
    assert_eq!(resource, "Stream");
    assert!(reason.contains("10 calls per rolling 24 hours"));
    assert!(progress.rolling_back && !progress.finished());
}

#[tokio::test]
async fn drift_lists_the_modified_resources_with_their_properties() {
    let detect = mock!(Client::detect_stack_drift)
        .then_output(|| DetectStackDriftOutput::builder().stack_drift_detection_id("d-1").build());
    let status = mock!(Client::describe_stack_drift_detection_status).then_output(|| {
        DescribeStackDriftDetectionStatusOutput::builder()
            .stack_id("s")
            .stack_drift_detection_id("d-1")
            .detection_status(StackDriftDetectionStatus::DetectionComplete)
            .timestamp(DateTime::from_secs(1_700_000_000))
            .build()
    });
    let drifts = mock!(Client::describe_stack_resource_drifts).then_output(|| {
        let difference = PropertyDifference::builder()
            .property_path("/ShardCount")
            .expected_value("4")
            .actual_value("6")
            .difference_type(DifferenceType::NotEqual)
            .build();
        let drift = StackResourceDrift::builder()
            .stack_id("s")
            .logical_resource_id("Stream")
            .resource_type("AWS::Kinesis::Stream")
            .stack_resource_drift_status(StackResourceDriftStatus::Modified)
            .property_differences(difference)
            .timestamp(DateTime::from_secs(1_700_000_000))
            .build();
        DescribeStackResourceDriftsOutput::builder().stack_resource_drifts(drift).build()
    });
    let client = mock_client!(aws_sdk_cloudformation, RuleMode::MatchAny, [&detect, &status, &drifts]);
    let drift = stack::drift(&client, "clickstream").await.expect("drift");
    assert_eq!(drift.len(), 1);
    assert_eq!((drift[0].logical_id.as_str(), drift[0].status.as_str()), ("Stream", "MODIFIED"));
    let p = &drift[0].properties[0];
    assert_eq!(
        (p.path.as_str(), p.expected.as_str(), p.actual.as_str(), p.difference.as_str()),
        ("/ShardCount", "4", "6", "NOT_EQUAL")
    );
}

/// A Query-protocol error answer with `code`.
fn error_xml(code: &str) -> Option<String> {
    Some(format!(
        "<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{code}</Message></Error>\
         <RequestId>mock</RequestId></ErrorResponse>"
    ))
}

#[tokio::test]
async fn an_apply_whose_answer_is_lost_is_read_back_from_the_stack_once_its_change_sets_are_gone() {
    // CloudFormation drops a stack's change sets once one is executed (moto keeps them): the
    // stack updating since the call says the apply landed.
    let lost = mock!(Client::execute_change_set)
        .sequence()
        .http_status(500, error_xml("InternalFailure"))
        .repeatedly()
        .build();
    let gone = mock!(Client::describe_change_set).sequence().http_status(404, error_xml("ChangeSetNotFound")).build();
    let updating = mock!(Client::describe_stacks).then_output(|| {
        let stack = Stack::builder()
            .stack_name("clickstream")
            .stack_status(StackStatus::UpdateInProgress)
            .creation_time(DateTime::from_secs(1_700_000_000))
            .last_updated_time(DateTime::from_secs(chrono::Utc::now().timestamp()))
            .build();
        DescribeStacksOutput::builder().stacks(stack).build()
    });
    let client = mock_client!(aws_sdk_cloudformation, RuleMode::MatchAny, [&lost, &gone, &updating], |c| c
        .retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(3)));
    let applied = stack::apply(&client, "clickstream", "cs-arn").await.expect("the apply landed");
    assert_eq!(lost.num_calls(), 1, "ExecuteChangeSet was sent once, not retried");
    let confirmation = applied.confirmation().unwrap_or_default();
    assert!(
        confirmation.starts_with("landed (confirmed by reading back: clickstream is UPDATE_IN_PROGRESS"),
        "{confirmation}"
    );

    // Updated before the call (an older update): it did not land.
    let lost = mock!(Client::execute_change_set)
        .sequence()
        .http_status(503, error_xml("InternalFailure"))
        .repeatedly()
        .build();
    let gone = mock!(Client::describe_change_set).sequence().http_status(404, error_xml("ChangeSetNotFound")).build();
    let old = mock!(Client::describe_stacks).then_output(|| {
        let stack = Stack::builder()
            .stack_name("clickstream")
            .stack_status(StackStatus::UpdateComplete)
            .creation_time(DateTime::from_secs(1_700_000_000))
            .last_updated_time(DateTime::from_secs(1_700_000_100))
            .build();
        DescribeStacksOutput::builder().stacks(stack).build()
    });
    let client = mock_client!(aws_sdk_cloudformation, RuleMode::MatchAny, [&lost, &gone, &old], |c| c
        .retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(3)));
    let error = stack::apply(&client, "clickstream", "cs-arn").await.unwrap_err();
    assert_eq!(lost.num_calls(), 1);
    assert_eq!(error.outcome(), "did not land", "{error}");
}
