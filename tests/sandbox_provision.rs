//! Provisioning on the sandbox: the sandbox counts as provisioned from its profile; a changed
//! profile plans against what was deployed, and applying plays out on the model's clock with
//! realistic timing (a shard count change is a real resharding of the stream); drift shows a
//! stream resharded outside the stack; delete is refused with what to do instead.

mod support;

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use lakeops::model::{Change, ChangeAction, Replacement, ReshardCall};
use lakeops::platform::Platform;
use lakeops::provision::{render, Progress};
use lakeops::sandbox::{ManualClock, Sandbox};
use lakeops::settings::Settings;

fn start() -> i64 {
    Utc.with_ymd_and_hms(2026, 3, 20, 14, 0, 0).unwrap().timestamp_millis()
}

fn sandbox() -> (Sandbox, Arc<ManualClock>, Settings) {
    let loaded = support::sandbox_settings();
    let clock = Arc::new(ManualClock::new(start()));
    (Sandbox::in_memory(&loaded.settings, clock.clone()), clock, loaded.settings)
}

fn template(settings: &Settings) -> String {
    render(settings).compact()
}

fn open_shards(s: &Sandbox) -> usize {
    s.with_model(|m| m.stream.open_shards().count()).unwrap()
}

#[tokio::test]
async fn the_sandbox_is_provisioned_from_its_profile_and_an_unchanged_profile_plans_nothing() {
    let (s, _clock, settings) = sandbox();
    let stack = s.stack("clickstream").await.unwrap().expect("the sandbox's stack");
    assert_eq!(stack.status, "CREATE_COMPLETE");
    assert!(stack.outputs.iter().any(|o| o.key == "StreamName" && o.value == "clickstream-events"));
    let nightly = stack.outputs.iter().find(|o| o.key == "NightlyStateMachineArn").expect("the nightly output");
    // The outputs name what the sandbox runs: its account, its buckets.
    assert_eq!(
        nightly.value,
        format!("arn:aws:states:{}:000000000000:stateMachine:clickstream-nightly", settings.aws.region)
    );
    let raw = stack.outputs.iter().find(|o| o.key == "RawBucket").expect("the raw bucket output");
    assert_eq!(raw.value, s.with_model(|m| m.lake.raw_bucket.clone()).unwrap());
    let plan = support::writes::plan_stack(&s, "clickstream", &template(&settings), &[]).await.unwrap();
    assert!(!plan.has_changes() && plan.change_set.is_none(), "{:?}", plan.changes);
    assert!(s.stack("another").await.unwrap().is_none());
}

/// A Redshift cluster beside every layer makes a template over CloudFormation's inline limit: the
/// plan says where it was put for CloudFormation to read, as the AWS backend puts it.
#[tokio::test]
async fn a_template_over_the_inline_limit_is_planned_and_says_where_it_was_put() {
    let (s, _clock, mut settings) = sandbox();
    settings.platform.redshift.mode = lakeops::settings::RedshiftMode::Cluster;
    let body = template(&settings);
    assert!(body.len() > lakeops::provision::INLINE_TEMPLATE_LIMIT, "{} bytes", body.len());
    let plan = support::writes::plan_stack(&s, "clickstream", &body, &[]).await.unwrap();
    assert!(plan.changes.iter().any(|c| c.resource_type == "AWS::Redshift::Cluster"), "{:?}", plan.changes);
    let staged = plan.staged.expect("staged");
    let key = lakeops::provision::staging::key("clickstream", &body);
    assert_eq!(staged.uri, format!("s3://lakeops-templates-000000000000-{}/{key}", settings.aws.region));
    assert_eq!(staged.bytes, body.len());

    settings.aws.template_bucket = Some("acme-cfn".into());
    let s = Sandbox::in_memory(&settings, Arc::new(ManualClock::new(start())));
    let plan = support::writes::plan_stack(&s, "clickstream", &body, &[]).await.unwrap();
    assert_eq!(plan.staged.map(|t| t.uri), Some(format!("s3://acme-cfn/{key}")));
    let small = template(&support::sandbox_settings().settings);
    let plan = support::writes::plan_stack(&s, "clickstream", &small, &[]).await.unwrap();
    assert_eq!(plan.staged, None, "a template inside the limit goes inline");
}

#[tokio::test]
async fn more_shards_in_the_profile_plan_a_modify_that_reshards_the_stream_when_applied() {
    let (s, clock, mut settings) = sandbox();
    settings.platform.stream.shards = 8;
    let plan = support::writes::plan_stack(&s, "clickstream", &template(&settings), &[]).await.unwrap();
    assert_eq!(plan.changes.len(), 1, "{:?}", plan.changes);
    let change = &plan.changes[0];
    assert_eq!((change.action, change.logical_id.as_str()), (ChangeAction::Modify, "Stream"));
    assert_eq!((change.replacement, change.properties.as_slice()), (Replacement::No, &["ShardCount".to_string()][..]));
    assert_eq!(lakeops::provision::diff_lines(&plan)[0].text, "Stream AWS::Kinesis::Stream (ShardCount 4 → 8)");

    let since = s.now().timestamp_millis();
    support::writes::apply_plan(&s, "clickstream", plan.change_set.as_deref().unwrap()).await.unwrap();
    let events = s.stack_events("clickstream").await.unwrap();
    let progress = Progress::read("clickstream", &events, since, 1);
    assert_eq!(progress.stack_status.as_deref(), Some("UPDATE_IN_PROGRESS"));
    assert!(!progress.finished());
    assert_eq!(open_shards(&s), 4, "nothing changed yet");

    // The stream update started the resharding: the stream is UPDATING, the stack waits for it.
    clock.advance(10_000);
    assert_eq!(s.with_model(|m| m.stream.status.clone()).unwrap(), "UPDATING");
    let events = s.stack_events("clickstream").await.unwrap();
    assert!(!Progress::read("clickstream", &events, since, 1).finished(), "{events:?}");
    // Once the stream is ACTIVE with 8 shards, the resource and then the stack complete.
    clock.advance(10 * 60_000);
    assert_eq!(open_shards(&s), 8);
    let events = s.stack_events("clickstream").await.unwrap();
    let progress = Progress::read("clickstream", &events, since, 1);
    assert!(progress.succeeded(), "{progress:?}");
    assert_eq!(progress.done, 1);
    assert_eq!(s.stack("clickstream").await.unwrap().unwrap().status, "UPDATE_COMPLETE");
    let stream_done = events.iter().find(|e| e.logical_id == "Stream" && e.status == "UPDATE_COMPLETE").unwrap();
    // UpdateShardCount from 4 to 8 keeps the sandbox's stream UPDATING for 28 s.
    assert!(stream_done.at_ms >= since + 28_000, "the stream completed after the resharding: {stream_done:?}");
    let plan = support::writes::plan_stack(&s, "clickstream", &template(&settings), &[]).await.unwrap();
    assert!(!plan.has_changes(), "applied: the profile and the stack agree: {:?}", plan.changes);
    let trail = s.with_model(|m| m.trail.iter().any(|t| t.name == "ExecuteChangeSet")).unwrap();
    assert!(trail, "the sandbox's CloudTrail shows the change set executed");
}

#[tokio::test]
async fn a_renamed_stream_is_a_replacement_and_network_off_removes_the_vpc() {
    let (s, _clock, mut settings) = sandbox();
    settings.platform.stream.name = "clickstream-v2".into();
    settings.platform.network.enabled = false;
    let plan = support::writes::plan_stack(&s, "clickstream", &template(&settings), &[]).await.unwrap();
    let stream = plan.changes.iter().find(|c| c.logical_id == "Stream").unwrap();
    assert_eq!(stream.replacement, Replacement::Yes);
    assert_eq!(stream.replacing, ["Name"]);
    assert!(plan.changes.iter().any(|c| c.logical_id == "Vpc" && c.action == ChangeAction::Remove));
    let lines = lakeops::provision::diff_lines(&plan);
    assert!(lines.iter().any(|l| l.replaces()
        && l.text.starts_with("Stream ")
        && l.text.ends_with("because of Name clickstream-events → clickstream-v2")));
    // Discarded, it cannot be applied.
    let change_set = plan.change_set.unwrap();
    support::writes::discard_plan(&s, "clickstream", &change_set).await.unwrap();
    let err = support::writes::apply_plan(&s, "clickstream", &change_set).await.unwrap_err();
    assert!(err.to_string().contains("does not exist"), "{err}");
}

/// A new VPC block replaces the VPC and its subnets, and the plan lists what references them as
/// CloudFormation does: a security group's, a route table's, an endpoint's `VpcId` may replace it
/// (conditionally: the new id is known only when applied), and so may what references those in
/// turn (a route table's associations); a function's subnets change in place.
#[tokio::test]
async fn a_new_vpc_block_reaches_what_references_the_vpc() {
    let (s, _clock, mut settings) = sandbox();
    settings.platform.network.cidr = "10.30.0.0/16".into();
    let plan = support::writes::plan_stack(&s, "clickstream", &template(&settings), &[]).await.unwrap();
    let find = |id: &str| {
        plan.changes.iter().find(|c| c.logical_id == id).unwrap_or_else(|| panic!("{id} in {:?}", plan.changes))
    };
    assert_eq!(find("Vpc").replacement, Replacement::Yes);
    assert_eq!(find("PrivateSubnetA").replacement, Replacement::Yes);
    for id in
        ["ConsumerSecurityGroup", "PublicRouteTable", "LakeEndpoint", "FlowLog", "NatGateway", "PrivateSubnetARoutes"]
    {
        assert_eq!(find(id).replacement, Replacement::Conditional, "{id}: {:?}", find(id));
    }
    let function = find("IngestFunction");
    assert_eq!(
        (function.replacement, function.properties.as_slice()),
        (Replacement::No, &["VpcConfig".to_string()][..])
    );
    let lines = lakeops::provision::diff_lines(&plan);
    let said =
        "ConsumerSecurityGroup AWS::EC2::SecurityGroup may be REPLACED (a new physical resource) because of VpcId";
    assert!(lines.iter().any(|l| l.text == said), "{lines:#?}");
}

/// CloudFormation refuses a template that changes a resource's type under the same logical id;
/// so does the sandbox, naming it. The warehouse's modes have logical ids of their own: a switch
/// removes one and adds the other.
#[tokio::test]
async fn a_new_type_under_an_old_logical_id_is_refused_as_cloudformation_refuses_it() {
    let (s, _clock, mut settings) = sandbox();
    let mut body: serde_json::Value = serde_json::from_str(&template(&settings)).unwrap();
    body["Resources"]["DeadLetterQueue"]["Type"] = "AWS::SNS::Topic".into();
    let err = support::writes::plan_stack(&s, "clickstream", &body.to_string(), &[]).await.unwrap_err();
    assert!(
        err.to_string().contains(
            "Update of resource type is not permitted. The new template modifies resource type of the following \
             resources: [DeadLetterQueue]"
        ),
        "{err}"
    );
    settings.platform.redshift.mode = lakeops::settings::RedshiftMode::Cluster;
    let plan = support::writes::plan_stack(&s, "clickstream", &template(&settings), &[]).await.unwrap();
    let action = |id: &str| plan.changes.iter().find(|c| c.logical_id == id).map(|c| c.action);
    assert_eq!(action("Warehouse"), Some(ChangeAction::Remove), "{:?}", plan.changes);
    assert_eq!(action("WarehouseCluster"), Some(ChangeAction::Add), "{:?}", plan.changes);
}

#[tokio::test]
async fn a_stream_resharded_outside_the_stack_shows_as_drift_and_delete_is_refused() {
    let (s, clock, _settings) = sandbox();
    assert!(s.stack_drift("clickstream").await.unwrap().is_empty());
    support::writes::reshard(&s, "clickstream-events", &ReshardCall::UpdateShardCount { target: 6 }).await.unwrap();
    clock.advance(10 * 60_000);
    let drift = s.stack_drift("clickstream").await.unwrap();
    assert_eq!(drift.len(), 1);
    assert_eq!(drift[0].logical_id, "Stream");
    let shard_count = drift[0].properties.iter().find(|p| p.path == "/ShardCount").unwrap();
    assert_eq!((shard_count.expected.as_str(), shard_count.actual.as_str()), ("4", "6"));
    let err = support::writes::delete_stack(&s, "clickstream").await.unwrap_err();
    assert!(err.to_string().contains("lakeops sandbox reset"), "{err}");
}

#[tokio::test]
async fn the_stack_waits_for_a_long_resharding_and_a_refused_one_rolls_back() {
    // 10 → 20 shards keeps the stream UPDATING 40 s, longer than the 30 s a stream update takes.
    let (s, clock, mut settings) = {
        let mut loaded = support::sandbox_settings();
        loaded.settings.platform.stream.shards = 10;
        let clock = Arc::new(ManualClock::new(start()));
        (Sandbox::in_memory(&loaded.settings, clock.clone()), clock, loaded.settings)
    };
    assert!(s.stack("clickstream").await.unwrap().is_some());
    settings.platform.stream.shards = 20;
    let plan = support::writes::plan_stack(&s, "clickstream", &template(&settings), &[]).await.unwrap();
    let since = s.now().timestamp_millis();
    support::writes::apply_plan(&s, "clickstream", plan.change_set.as_deref().unwrap()).await.unwrap();
    clock.advance(35_000);
    let events = s.stack_events("clickstream").await.unwrap();
    assert!(!Progress::read("clickstream", &events, since, 1).finished(), "held while UPDATING: {events:?}");
    clock.advance(30_000);
    let events = s.stack_events("clickstream").await.unwrap();
    assert!(Progress::read("clickstream", &events, since, 1).succeeded(), "{events:?}");
    let stream_done = events.iter().find(|e| e.logical_id == "Stream" && e.status == "UPDATE_COMPLETE").unwrap();
    assert!(stream_done.at_ms >= since + 40_000, "{stream_done:?}");
    assert_eq!(open_shards(&s), 20);

    // 20 → 50 is more than double: Kinesis refuses it, the resource fails, the update rolls back.
    settings.platform.stream.shards = 50;
    let plan = support::writes::plan_stack(&s, "clickstream", &template(&settings), &[]).await.unwrap();
    let since = s.now().timestamp_millis();
    support::writes::apply_plan(&s, "clickstream", plan.change_set.as_deref().unwrap()).await.unwrap();
    clock.advance(60_000);
    let events = s.stack_events("clickstream").await.unwrap();
    let progress = Progress::read("clickstream", &events, since, 1);
    assert!(progress.finished() && !progress.succeeded() && progress.rolling_back, "{progress:?}");
    let (resource, reason) = progress.failure.expect("the failing resource");
    assert_eq!(resource, "Stream");
    assert!(reason.contains("double"), "Kinesis's rule as the reason: {reason}");
    assert_eq!(s.stack("clickstream").await.unwrap().unwrap().status, "UPDATE_ROLLBACK_COMPLETE");
    assert_eq!(open_shards(&s), 20, "nothing changed");
    let again = support::writes::plan_stack(&s, "clickstream", &template(&settings), &[]).await.unwrap();
    assert!(again.has_changes(), "the deployed template is still the old one");
}

#[tokio::test]
async fn the_sandbox_starts_from_its_own_names_and_an_applied_rename_is_adopted() {
    let (s, clock, mut settings) = sandbox();
    // A profile edited before the stack was first read still plans against what the sandbox runs.
    settings.platform.redshift.name = "warehouse-v2".into();
    let plan = support::writes::plan_stack(&s, "clickstream", &template(&settings), &[]).await.unwrap();
    let warehouse = plan.changes.iter().find(|c| c.logical_id == "Warehouse").expect("the workgroup changes");
    assert_eq!(
        (warehouse.replacement, warehouse.replacing.as_slice()),
        (Replacement::Yes, &["WorkgroupName".to_string()][..])
    );
    support::writes::apply_plan(&s, "clickstream", plan.change_set.as_deref().unwrap()).await.unwrap();
    clock.advance(10 * 60_000);
    assert_eq!(s.stack("clickstream").await.unwrap().unwrap().status, "UPDATE_COMPLETE");
    assert_eq!(s.with_model(|m| m.redshift.name.clone()).unwrap(), "warehouse-v2");
    let outputs = s.stack("clickstream").await.unwrap().unwrap().outputs;
    assert!(outputs.iter().any(|o| o.key == "RedshiftWorkgroup" && o.value == "warehouse-v2"), "{outputs:?}");
}

/// A second platform given the names the sandbox's stack already holds is refused before its
/// plan, each clash named with its resource; names derived from its own stack name are free.
#[tokio::test]
async fn names_taken_by_the_sandboxs_stack_are_named_before_a_plan() {
    let (s, _clock, _settings) = sandbox();
    let (dir, paths) = support::temp_paths();
    // The built-in sandbox profile sets every name: a second stack with it collides on them.
    let mut second = support::sandbox_settings();
    second.settings.platform.stack_name = "second".into();
    let session = lakeops::session::Session::headless(&second, &paths, &s);
    let change = Change::PlanStack { stack: "second".into(), template: template(&second.settings), parameters: vec![] };
    let refused = lakeops::session::stack::plan(&session, &s, &change, "").await.expect_err("names taken");
    let message = refused.to_string();
    for clash in [
        "AWS::Kinesis::Stream \"clickstream-events\" (Stream)",
        "AWS::SQS::Queue \"clickstream-ingest-dlq\" (DeadLetterQueue)",
        "AWS::Athena::WorkGroup \"clickstream-ops\" (AthenaWorkgroup)",
    ] {
        assert!(message.contains(clash), "{clash} in {message}");
    }
    assert!(!message.contains("second-"), "names of its own are free: {message}");
    let journal = std::fs::read_to_string(paths.journal_file()).expect("journal");
    assert!(journal.contains("stack.plan") && journal.contains("refused: "), "{journal}");

    // The same template for the sandbox's own stack takes nothing: its names are its own.
    let own = lakeops::provision::named_resources(&render(&second.settings).body, None, "us-east-1");
    assert!(s.taken_names("clickstream", &own).await.unwrap().is_empty());
    // A profile that leaves the names to its stack name takes none of the first platform's.
    let derived = support::load_profile(dir.path(), &paths, "name = \"second\"\n[platform]\nstack_name = \"second\"\n");
    assert_eq!(derived.settings.platform.stream.name, "second-events");
    let wanted = lakeops::provision::named_resources(&render(&derived.settings).body, None, "us-east-1");
    assert!(s.taken_names("second", &wanted).await.unwrap().is_empty());
}

/// The built-in profile delivers with Firehose, governs with Lake Formation and makes an OpenSearch
/// domain: its template passes every check `lakeops provision` makes (CloudFormation's inline
/// limit among them), the sandbox's stack holds those layers, and turning the domain off plans and
/// applies its removal.
#[tokio::test]
async fn the_sandbox_stack_holds_delivery_governance_and_search() {
    let (s, clock, mut settings) = sandbox();
    let loaded = support::sandbox_settings();
    let checked = lakeops::session::stack::template(&loaded).unwrap_or_else(|e| panic!("{}", e.message()));
    assert!(checked.compact().len() <= lakeops::provision::INLINE_TEMPLATE_LIMIT);

    let stack = s.stack("clickstream").await.unwrap().expect("the sandbox's stack");
    for output in ["DeliveryStreamName", "SearchDomainEndpoint", "SearchAdminRole"] {
        assert!(stack.outputs.iter().any(|o| o.key == output), "{output} in {:?}", stack.outputs);
    }
    let events = s.stack_events("clickstream").await.unwrap();
    for id in ["DeliveryStream", "DeliveryRole", "RawLocation", "CuratedLocation", "AnalystsReadTables", "SearchDomain"]
    {
        assert!(events.iter().any(|e| e.logical_id == id && e.status == "CREATE_COMPLETE"), "{id} created");
    }
    let plan = support::writes::plan_stack(&s, "clickstream", &template(&settings), &[]).await.unwrap();
    assert!(!plan.has_changes(), "{:?}", plan.changes);

    settings.platform.opensearch.create = false;
    let plan = support::writes::plan_stack(&s, "clickstream", &template(&settings), &[]).await.unwrap();
    let mut removed: Vec<&str> =
        plan.changes.iter().filter(|c| c.action == ChangeAction::Remove).map(|c| c.logical_id.as_str()).collect();
    removed.sort();
    assert_eq!(
        removed,
        [
            "SearchAdminRole",
            "SearchDomain",
            "SearchLogGroup",
            "SearchLogPolicy",
            "SearchRedAlarm",
            "SearchSecurityGroup"
        ]
    );
    assert!(plan.changes.iter().all(|c| c.action == ChangeAction::Remove), "{:?}", plan.changes);
    support::writes::apply_plan(&s, "clickstream", plan.change_set.as_deref().unwrap()).await.unwrap();
    clock.advance(10 * 60_000);
    assert_eq!(s.stack("clickstream").await.unwrap().unwrap().status, "UPDATE_COMPLETE");
    let outputs = s.stack("clickstream").await.unwrap().unwrap().outputs;
    assert!(outputs.iter().all(|o| o.key != "SearchDomainEndpoint"), "{outputs:?}");
}

/// The sandbox's alarms are the ones its stack's template creates, by name: a runbook or a
/// `:alarms` filter written against the sandbox holds on AWS.
#[tokio::test]
async fn the_sandboxs_alarms_are_the_templates() {
    let (s, _clock, settings) = sandbox();
    let template: serde_json::Value = serde_json::from_str(&template(&settings)).unwrap();
    let mut created: Vec<String> = template["Resources"]
        .as_object()
        .unwrap()
        .values()
        .filter(|r| r["Type"] == "AWS::CloudWatch::Alarm")
        .map(|r| r["Properties"]["AlarmName"].as_str().unwrap().to_string())
        .collect();
    let snapshot = s.snapshot().await.unwrap();
    let mut kept: Vec<String> = snapshot.alarms.ready().unwrap().alarms.iter().map(|a| a.name.clone()).collect();
    created.sort();
    kept.sort();
    // The sandbox also keeps alarms of what the stack does not create (the ingestion sources').
    for name in &created {
        assert!(kept.contains(name), "{name}, the template's, is not the sandbox's: {kept:?}");
    }
}
