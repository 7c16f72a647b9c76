//! Provisioning on the AWS path against moto: apply creates the stack and moto holds its
//! stream, queue, buckets, function and nightly state machine (with the rule that starts it);
//! with Firehose, Lake Formation and an OpenSearch domain on, moto holds what it models of them
//! (their roles and log groups, the domain's log resource policy and security group); a changed
//! profile plans a Modify that reshards the stream; delete removes the stack and its stream;
//! read-only and unconfirmed changes make no call. moto skips the resource types it does not model
//! (docs/aws.md lists them; the delivery stream, the domain and the Lake Formation registrations
//! and grants are held by the template's unit tests), and cannot delete the network
//! (DependencyViolation on the VPC): the delete test runs without it.

mod support;

use lakeops::aws::{AwsPlatform, ClientOptions};
use lakeops::cli::ProvisionCommand;
use lakeops::headless::{provision, Failure};
use lakeops::model::ChangeAction;
use lakeops::platform::Platform;
use lakeops::settings::{Loaded, Paths};
use support::counting::Counting;
use support::moto::{credentials, moto, moto_get, moto_json, sdk_config, unique};

struct Fixture {
    _dir: tempfile::TempDir,
    paths: Paths,
    stack: String,
    stream: String,
    queue: String,
    function: String,
}

fn fixture() -> Fixture {
    let (dir, paths) = support::temp_paths();
    // Names other tests (and other runs against the same moto) do not use.
    let stack = unique("lake").replace('-', "x");
    Fixture {
        stream: format!("{stack}-events"),
        queue: format!("{stack}-dlq"),
        function: format!("{stack}-ingest"),
        _dir: dir,
        paths,
        stack,
    }
}

impl Fixture {
    /// The full platform (network, Redshift cluster) unless `lean`: no network, no Redshift.
    fn profile(&self, shards: u32, readonly: bool, lean: bool) -> Loaded {
        let (network, redshift) = if lean { ("false", "off") } else { ("true", "cluster") };
        self.load(&format!(
            "[platform.stream]\nname = \"{}\"\nshards = {shards}\n[platform.redshift]\nmode = \"{redshift}\"\n\
             [platform.network]\nenabled = {network}\n[console]\nreadonly = {readonly}\n",
            self.stream
        ))
    }

    /// The platform with the network, a Redshift cluster, Firehose into the raw zone, Lake
    /// Formation and an OpenSearch domain: a template over CloudFormation's inline limit.
    fn governed_profile(&self) -> Loaded {
        self.load(&format!(
            "[platform.stream]\nname = \"{}\"\nshards = 1\n[platform.redshift]\nmode = \"cluster\"\n\
             [platform.firehose]\ncreate = true\n[platform.lakeformation]\nenabled = true\n\
             [platform.opensearch]\ndomain = \"{}\"\ncreate = true\n[platform.network]\nenabled = true\n",
            self.stream,
            self.domain()
        ))
    }

    /// A profile of this fixture's names, with `sections` (TOML) after them.
    fn load(&self, sections: &str) -> Loaded {
        let text = format!(
            "name = \"moto-provision\"\nbackend = \"aws\"\n[aws]\nregion = \"us-east-1\"\nendpoint_url = \"{}\"\n\
             [platform]\nstack_name = \"{}\"\n[platform.dlq]\nqueue = \"{}\"\n[platform.lambda]\nfunction = \"{}\"\n\
             {sections}",
            moto().endpoint,
            self.stack,
            self.queue,
            self.function,
        );
        support::load_profile(self._dir.path(), &self.paths, &text)
    }

    /// The OpenSearch domain's name: 3 to 28 lowercase letters, digits and hyphens.
    fn domain(&self) -> String {
        format!("{}-logs", self.stack)
    }

    async fn platform(&self, loaded: &Loaded) -> Counting {
        Counting::new(AwsPlatform::connect(&loaded.settings, ClientOptions { credentials: Some(credentials()) }).await)
    }

    async fn run(&self, loaded: &Loaded, platform: &Counting, command: ProvisionCommand) -> Result<String, Failure> {
        provision::run(loaded, &self.paths, platform, &command).await
    }
}

const APPLY: ProvisionCommand = ProvisionCommand::Apply { yes: true, no_wait: false };

async fn open_shards(stream: &str) -> Option<i32> {
    let kinesis = aws_sdk_kinesis::Client::new(&sdk_config().await);
    let out = kinesis.describe_stream_summary().stream_name(stream).send().await.ok()?;
    out.stream_description_summary().map(|s| s.open_shard_count())
}

#[tokio::test]
async fn apply_creates_the_platform_and_a_changed_profile_plans_a_modify() {
    let f = fixture();
    let loaded = f.profile(2, false, false);
    let platform = f.platform(&loaded).await;

    let out = f.run(&loaded, &platform, APPLY).await.unwrap_or_else(|e| panic!("apply: {}", e.message()));
    assert!(out.contains("(new stack)"), "{out}");
    assert!(out.contains(&format!("{} ended CREATE_COMPLETE", f.stack)), "{out}");
    // moto keeps no outputs for a stack made from a change set: the line says so.
    assert!(out.contains("outputs:"), "{out}");

    // Read moto back, service by service.
    assert_eq!(open_shards(&f.stream).await, Some(2), "the stream has the profile's shards");
    let sqs = aws_sdk_sqs::Client::new(&sdk_config().await);
    sqs.get_queue_url().queue_name(&f.queue).send().await.expect("the DLQ exists");
    let buckets = moto_get("s3", "/");
    for zone in ["raw", "curated", "query-results", "trail"] {
        assert!(buckets.contains(&format!("<Name>{}-{zone}-", f.stack)), "bucket {zone} in {buckets}");
    }
    let functions = moto_get("lambda", "/2015-03-31/functions/");
    assert!(functions.contains(&f.function), "the ingest function exists: {functions}");
    let summary = platform.stack(&f.stack).await.expect("DescribeStacks").expect("the stack exists");
    assert_eq!(summary.status, "CREATE_COMPLETE");
    nightly_state_machine_runs_the_stacks_crawler_and_job(&f);

    // The same profile again: no changes, said plainly, no change set left behind.
    let out = f.run(&loaded, &platform, ProvisionCommand::Plan { json: false }).await.expect("plan unchanged");
    assert!(out.contains("no changes"), "{out}");

    // More shards: a Modify of the stream, applied.
    let wider = f.profile(4, false, false);
    let template = lakeops::session::stack::template(&wider).expect("template").compact();
    let plan = support::writes::plan_stack(&platform, &f.stack, &template, &[]).await.expect("plan wider");
    assert_eq!(plan.changes.len(), 1, "{:?}", plan.changes);
    assert_eq!((plan.changes[0].action, plan.changes[0].logical_id.as_str()), (ChangeAction::Modify, "Stream"));
    support::writes::discard_plan(&platform, &f.stack, plan.change_set.as_deref().expect("a change set"))
        .await
        .expect("discard");
    let out = f.run(&wider, &platform, ProvisionCommand::Plan { json: false }).await.expect("plan");
    assert!(out.contains("~ Stream AWS::Kinesis::Stream"), "{out}");
    let out = f.run(&wider, &platform, APPLY).await.unwrap_or_else(|e| panic!("apply wider: {}", e.message()));
    assert!(out.contains("ended UPDATE_COMPLETE"), "{out}");
    assert_eq!(open_shards(&f.stream).await, Some(4), "the stream was resharded by the update");
    let journal = std::fs::read_to_string(f.paths.journal_file()).expect("journal");
    for action in ["stack.apply", "stack.plan"] {
        assert!(journal.contains(action), "{action} journaled: {journal}");
    }
}

/// The nightly state machine exists in moto with its states, its definition names the stack's
/// crawler and job, and a rule targets it.
fn nightly_state_machine_runs_the_stacks_crawler_and_job(f: &Fixture) {
    let name = format!("{}-nightly", f.stack);
    let listed: serde_json::Value =
        serde_json::from_str(&moto_json("states", "AWSStepFunctions.ListStateMachines", "{}")).expect("JSON");
    let arn = listed["stateMachines"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|m| m["name"] == name.as_str())
        .and_then(|m| m["stateMachineArn"].as_str())
        .unwrap_or_else(|| panic!("state machine {name} in {listed}"))
        .to_string();
    let body = serde_json::json!({"stateMachineArn": arn}).to_string();
    let described: serde_json::Value =
        serde_json::from_str(&moto_json("states", "AWSStepFunctions.DescribeStateMachine", &body)).expect("JSON");
    let definition: serde_json::Value =
        serde_json::from_str(described["definition"].as_str().unwrap_or_default()).expect("the definition is JSON");
    let states: Vec<&str> =
        definition["States"].as_object().map(|s| s.keys().map(String::as_str).collect()).unwrap_or_default();
    assert_eq!(states, lakeops::provision::template::NIGHTLY_STATES, "{definition}");
    assert_eq!(definition["States"]["StartCrawler"]["Parameters"]["Name"], format!("{}-raw", f.stack));
    assert_eq!(definition["States"]["RunCurateJob"]["Parameters"]["JobName"], format!("{}-curate", f.stack));
    assert_eq!(
        definition["States"]["RunCurateJob"]["Resource"], "arn:aws:states:::glue:startJobRun.sync",
        "the partition filled in"
    );
    let rules =
        moto_json("events", "AWSEvents.ListRuleNamesByTarget", &serde_json::json!({"TargetArn": arn}).to_string());
    assert!(rules.contains("NightlySchedule"), "a rule starts the state machine: {rules}");
    // moto does not model AWS::CloudWatch::Alarm in CloudFormation: the failure alarm is checked
    // in the template only.
}

/// moto models no Firehose delivery stream, OpenSearch domain or Lake Formation resource in
/// CloudFormation (it skips them without failing the stack): what it does model of those layers
/// is read back here, the rest is held by the template's unit tests.
#[tokio::test]
async fn apply_makes_delivery_governance_and_search_as_far_as_moto_models_them() {
    let f = fixture();
    let loaded = f.governed_profile();
    let template = lakeops::session::stack::template(&loaded).expect("template").compact();
    assert!(template.len() > lakeops::provision::INLINE_TEMPLATE_LIMIT, "{} bytes", template.len());
    let platform = f.platform(&loaded).await;
    let out = f.run(&loaded, &platform, APPLY).await.unwrap_or_else(|e| panic!("apply: {}", e.message()));
    assert!(out.contains(&format!("{} ended CREATE_COMPLETE", f.stack)), "{out}");
    assert_eq!(open_shards(&f.stream).await, Some(1));

    // Over the inline limit, the template went to lakeops' bucket of the account and Region (made
    // there), and CloudFormation read it from there: moto created the stack from that object.
    let key = lakeops::provision::staging::key(&f.stack, &template);
    let bucket = "lakeops-templates-123456789012-us-east-1";
    assert!(out.contains(&format!("put in s3://{bucket}/{key} for CloudFormation to read")), "{out}");
    let staged = moto_get("s3", &format!("/{bucket}/{key}"));
    assert!(staged.starts_with("HTTP/1.1 200") && staged.ends_with(&template), "{}", &staged[..staged.len().min(300)]);
    let journal = std::fs::read_to_string(f.paths.journal_file()).expect("journal");
    assert!(journal.contains("stack.apply"), "{journal}");

    for role in ["delivery", "lake-access", "search-admin"] {
        let name = format!("{}-{role}", f.stack);
        let answer = moto_get("iam", &format!("/?Action=GetRole&RoleName={name}&Version=2010-05-08"));
        assert!(
            answer.starts_with("HTTP/1.1 200") && answer.contains(&format!("<RoleName>{name}</RoleName>")),
            "{answer}"
        );
    }
    let delivery = moto_get("iam", &format!("/?Action=GetRole&RoleName={}-delivery&Version=2010-05-08", f.stack));
    assert!(delivery.contains("firehose.amazonaws.com"), "Firehose assumes the delivery role: {delivery}");

    let logs = aws_sdk_cloudwatchlogs::Client::new(&sdk_config().await);
    for group in [format!("/aws/kinesisfirehose/{}-delivery", f.stack), format!("/aws/opensearch/{}", f.domain())] {
        let found = logs.describe_log_groups().log_group_name_prefix(&group).send().await.expect("DescribeLogGroups");
        let found = found.log_groups().iter().find(|g| g.log_group_name() == Some(group.as_str()));
        // moto keeps no KmsKeyId from CloudFormation: the key is checked in the template.
        assert!(found.is_some_and(|g| g.retention_in_days().is_some()), "{group} exists, with a retention: {found:?}");
    }
    // The resource policy that lets OpenSearch publish to its log group (read raw: moto keeps the
    // document as the template gave it, an object).
    let policies = moto_json("logs", "Logs_20140328.DescribeResourcePolicies", "{}");
    let policies: serde_json::Value = serde_json::from_str(&policies).expect("JSON");
    let policy = policies["resourcePolicies"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|p| p["policyName"] == format!("{}-search-logs", f.stack).as_str())
        .unwrap_or_else(|| panic!("the search log policy in {policies}"));
    let document = policy["policyDocument"].to_string();
    assert!(
        document.contains("es.amazonaws.com") && document.contains(&format!("domain/{}", f.domain())),
        "{document}"
    );

    // The domain's security group: HTTPS from the VPC's block only.
    let groups = moto_get(
        "ec2",
        "/?Action=DescribeSecurityGroups&Filter.1.Name=description\
         &Filter.1.Value.1=OpenSearch%3A%20HTTPS%20from%20inside%20the%20VPC%20only&Version=2016-11-15",
    );
    // (moto keeps no egress rules from CloudFormation, only the default one: the template's is unit-tested.)
    let ingress = groups.split_once("<ipPermissions>").map(|(_, rules)| rules).unwrap_or_default();
    assert!(
        ingress.contains("<fromPort>443</fromPort>") && ingress.contains("<cidrIp>10.20.0.0/16</cidrIp>"),
        "{groups}"
    );
    assert!(!ingress.contains("0.0.0.0/0"), "nothing from anywhere: {groups}");

    let out = f.run(&loaded, &platform, ProvisionCommand::Plan { json: false }).await.expect("plan unchanged");
    assert!(out.contains("no changes"), "{out}");
}

#[tokio::test]
async fn delete_removes_the_stack_and_its_stream() {
    let f = fixture();
    let lean = f.profile(1, false, true);
    let platform = f.platform(&lean).await;
    let out = f.run(&lean, &platform, APPLY).await.unwrap_or_else(|e| panic!("apply: {}", e.message()));
    assert!(out.contains("ended CREATE_COMPLETE"), "{out}");
    assert_eq!(open_shards(&f.stream).await, Some(1));
    let out = f
        .run(&lean, &platform, ProvisionCommand::Delete { yes: true, no_wait: false })
        .await
        .unwrap_or_else(|e| panic!("delete: {}", e.message()));
    assert!(out.contains("DELETE_COMPLETE"), "{out}");
    assert!(platform.stack(&f.stack).await.expect("DescribeStacks").is_none());
    assert_eq!(open_shards(&f.stream).await, None, "the stream was deleted with the stack");

    let journal = std::fs::read_to_string(f.paths.journal_file()).expect("journal");
    assert!(journal.contains("stack.delete"), "{journal}");
}

#[tokio::test]
async fn read_only_and_unconfirmed_changes_make_no_call() {
    let f = fixture();
    let readonly = f.profile(2, true, true);
    let platform = f.platform(&readonly).await;
    for command in
        [ProvisionCommand::Plan { json: false }, APPLY, ProvisionCommand::Delete { yes: true, no_wait: false }]
    {
        let err = f.run(&readonly, &platform, command).await.unwrap_err();
        assert_eq!(err.exit_code(), 3, "{}", err.message());
        assert!(err.message().starts_with("read-only mode:"), "{}", err.message());
    }
    assert_eq!(platform.mutations(), 0);
    assert!(platform.stack(&f.stack).await.expect("DescribeStacks").is_none());

    // Apply without --yes on a non-terminal (cargo test's stdin): refused, the change set dropped.
    let writable = f.profile(2, false, true);
    let platform = f.platform(&writable).await;
    let err = f.run(&writable, &platform, ProvisionCommand::Apply { yes: false, no_wait: false }).await.unwrap_err();
    assert_eq!(err.exit_code(), 3, "{}", err.message());
    assert!(err.message().contains("stdin is not a terminal"), "{}", err.message());
    assert!(platform.stack(&f.stack).await.expect("DescribeStacks").is_none(), "the review stack was removed");

    // Delete of a stack that is not there: bad input, no call.
    let err = f.run(&writable, &platform, ProvisionCommand::Delete { yes: true, no_wait: false }).await.unwrap_err();
    assert_eq!(err.exit_code(), 2, "{}", err.message());
}

/// A queue, a log group and an alarm left behind by someone else under the names the template gives the
/// DLQ, the consumer's logs and the iterator-age alarm: the plan names each, exits 2, and makes no change set.
#[tokio::test]
async fn names_taken_outside_the_stack_are_named_before_any_change_set() {
    let f = fixture();
    let lean = f.profile(1, false, true);
    let platform = f.platform(&lean).await;
    let config = sdk_config().await;
    aws_sdk_sqs::Client::new(&config).create_queue().queue_name(&f.queue).send().await.expect("queue");
    let group = format!("/aws/lambda/{}", f.function);
    aws_sdk_cloudwatchlogs::Client::new(&config).create_log_group().log_group_name(&group).send().await.expect("group");
    let alarm = format!("{}-iterator-age", f.stack);
    aws_sdk_cloudwatch::Client::new(&config)
        .put_metric_alarm()
        .alarm_name(&alarm)
        .namespace("AWS/Kinesis")
        .metric_name("GetRecords.IteratorAgeMilliseconds")
        .statistic(aws_sdk_cloudwatch::types::Statistic::Maximum)
        .period(60)
        .evaluation_periods(1)
        .threshold(1.0)
        .comparison_operator(aws_sdk_cloudwatch::types::ComparisonOperator::GreaterThanThreshold)
        .send()
        .await
        .expect("alarm");

    let refused = f.run(&lean, &platform, ProvisionCommand::Plan { json: false }).await.expect_err("refused");
    let message = refused.message();
    assert_eq!(refused.exit_code(), 2, "{message}");
    assert!(message.contains(&format!("AWS::SQS::Queue \"{}\" (DeadLetterQueue)", f.queue)), "{message}");
    assert!(message.contains(&format!("AWS::Logs::LogGroup \"{group}\" (IngestLogGroup)")), "{message}");
    assert!(message.contains(&format!("AWS::CloudWatch::Alarm \"{alarm}\" (IteratorAgeAlarm)")), "{message}");
    assert!(!message.contains("AWS::Kinesis::Stream"), "the stream's name is free: {message}");
    assert_eq!(platform.mutations(), 0, "no change set was made");
    assert!(platform.stack(&f.stack).await.expect("DescribeStacks").is_none());
}

/// A profile's own bucket for templates over the inline limit: one that does not exist is said
/// plainly and no change set is made (lakeops makes only its own bucket); one that exists takes the
/// template and the plan reads it from there.
#[tokio::test]
async fn a_template_bucket_of_the_profile_is_used_and_never_made() {
    let f = fixture();
    let bucket = unique("tmpl").replace('_', "-").to_ascii_lowercase();
    let profile = |bucket: &str| {
        let mut loaded = f.governed_profile();
        loaded.settings.aws.template_bucket = Some(bucket.to_string());
        loaded
    };
    let missing = profile(&bucket);
    let platform = f.platform(&missing).await;
    let err = f.run(&missing, &platform, ProvisionCommand::Plan { json: false }).await.expect_err("no bucket");
    assert!(
        err.message().contains(&format!("the bucket {bucket} (aws.template_bucket) does not exist")),
        "{}",
        err.message()
    );
    assert!(platform.stack(&f.stack).await.expect("DescribeStacks").is_none(), "no change set was made");
    assert!(
        moto_get("s3", &format!("/{bucket}")).starts_with("HTTP/1.1 404"),
        "lakeops made no bucket of the profile's"
    );

    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&sdk_config().await).force_path_style(true).build(),
    );
    s3.create_bucket().bucket(&bucket).send().await.expect("CreateBucket");
    let out = f.run(&missing, &platform, ProvisionCommand::Plan { json: false }).await.expect("plan");
    assert!(out.contains(&format!("put in s3://{bucket}/{}/", f.stack)), "{out}");
    assert!(out.contains("+ Stream AWS::Kinesis::Stream"), "the plan was computed from the object: {out}");
}
