//! The layers' answers moto does not give, on `aws-smithy-mocks` (every other call goes to moto):
//! AppFlow flows and QuickSight refreshes (moto serves neither), DataSync's execution list, and
//! Lake Formation's column, table-wildcard and LF-tag policy grants. Text from AWS — terminal
//! escapes included — reaches the model as it came, never raw on a terminal, and odd answers
//! (missing times, statuses, counts) panic nothing. Running a flow (StartFlow) and refreshing a
//! dataset (CreateIngestion) through the write gate: answered, refused, and with the answer lost,
//! sent once and read back.

mod support;

use aws_smithy_mocks::{mock, mock_client, Rule, RuleMode};
use aws_smithy_types::error::ErrorMetadata;
use aws_smithy_types::DateTime;
use lakeops::aws::{AwsPlatform, ClientOptions, MockedLayers};
use lakeops::headless::status;
use lakeops::model::{Change, GrantResource, Reading, Rerun, SourceKind};
use lakeops::platform::{Platform, PlatformError};
use lakeops::settings::Loaded;
use support::moto::{credentials, moto, sdk_config, unique};
use support::writes::apply;

const HOSTILE: &str = "\u{1b}[2J\u{1b}]0;pwned\u{7}INVALID_ARGUMENT: field \u{1b}[31mAccount.Name\u{1b}[0m is gone";

fn ago(seconds: i64) -> DateTime {
    DateTime::from_secs(chrono::Utc::now().timestamp() - seconds)
}

/// A profile pointed at moto (streams, Glue, STS, CloudWatch) with `sections`, and the clients
/// moto lacks mocked.
async fn connect(sections: &str, mocked: MockedLayers) -> (AwsPlatform, Loaded) {
    let (dir, paths) = support::temp_paths();
    let profile = format!(
        "name = \"mocked-layers\"\nbackend = \"aws\"\n[aws]\nregion = \"us-east-1\"\nendpoint_url = \"{}\"\n\
         [platform]\nstack_name = \"{}\"\n[platform.stream]\nname = \"{}\"\n{sections}",
        moto().endpoint,
        unique("mocked"),
        unique("no-stream"),
    );
    let loaded = support::load_profile(dir.path(), &paths, &profile);
    let platform = AwsPlatform::connect(&loaded.settings, ClientOptions { credentials: Some(credentials()) }).await;
    drop(dir);
    (platform.with_layer_clients(mocked), loaded)
}

fn ready<T: std::fmt::Debug>(reading: &Reading<T>) -> &T {
    reading.ready().unwrap_or_else(|| panic!("not read: {reading:?}"))
}

fn appflow_rules() -> Vec<Rule> {
    use aws_sdk_appflow::operation::describe_flow::{DescribeFlowError, DescribeFlowOutput};
    use aws_sdk_appflow::operation::describe_flow_execution_records::DescribeFlowExecutionRecordsOutput;
    use aws_sdk_appflow::types::{ErrorInfo, ExecutionRecord, ExecutionResult, ExecutionStatus, FlowStatus};
    use aws_sdk_appflow::Client;
    let gone = mock!(Client::describe_flow).match_requests(|r| r.flow_name() == Some("gone")).then_error(|| {
        DescribeFlowError::generic(
            ErrorMetadata::builder().code("ResourceNotFoundException").message("flow gone does not exist").build(),
        )
    });
    let flow = mock!(Client::describe_flow).then_output(|| {
        DescribeFlowOutput::builder()
            .flow_name("salesforce-accounts")
            .flow_status(FlowStatus::Active)
            .flow_status_message(HOSTILE)
            .build()
    });
    let runs = mock!(Client::describe_flow_execution_records).then_output(|| {
        let failed = ExecutionRecord::builder()
            .execution_id("run-3")
            .execution_status(ExecutionStatus::Error)
            .execution_result(
                ExecutionResult::builder()
                    .error_info(ErrorInfo::builder().execution_message(HOSTILE).build())
                    .records_processed(0)
                    .build(),
            )
            .started_at(ago(600))
            .last_updated_at(ago(540))
            .build();
        let succeeded = ExecutionRecord::builder()
            .execution_id("run-2")
            .execution_status(ExecutionStatus::Successful)
            .execution_result(ExecutionResult::builder().bytes_written(2_400_000).records_processed(1_200).build())
            .started_at(ago(4_200))
            .last_updated_at(ago(4_080))
            .build();
        // A record with nothing in it: no status, no time, no result.
        let empty = ExecutionRecord::builder().build();
        DescribeFlowExecutionRecordsOutput::builder()
            .flow_executions(succeeded)
            .flow_executions(empty)
            .flow_executions(failed)
            .build()
    });
    vec![gone, flow, runs]
}

#[tokio::test]
async fn an_appflow_flow_shows_its_failed_run_its_last_success_and_escapes_arrive_intact() {
    let client = mock_client!(aws_sdk_appflow, RuleMode::MatchAny, &appflow_rules());
    let sections =
        "[platform.sources]\nappflow_flows = [\"salesforce-accounts\", \"gone\"]\nexpect_within_minutes = 90\n";
    let (platform, loaded) = connect(sections, MockedLayers { appflow: Some(client), ..Default::default() }).await;
    let snapshot = platform.snapshot().await.expect("snapshot");
    let sources = ready(&snapshot.sources);
    let flow = &sources.sources[0];
    assert_eq!((flow.kind, flow.name.as_str(), flow.exists), (SourceKind::AppFlow, "salesforce-accounts", true));
    assert_eq!(flow.status.as_deref(), Some("Active"));
    assert_eq!(flow.status_reason.as_deref(), Some(HOSTILE), "the model holds AWS's text as it came");
    let run = flow.last_run.as_ref().expect("the newest run");
    assert_eq!((run.id.as_str(), run.status.as_str(), run.error.as_deref()), ("run-3", "Error", Some(HOSTILE)));
    assert!(run.ended.is_some());
    let success = flow.last_success.expect("the newest success").timestamp();
    assert!((chrono::Utc::now().timestamp() - 4_080 - success).abs() < 5, "the successful run's end");
    assert!(!sources.sources[1].exists, "{:?}", sources.sources[1]);

    let report = status::report(&loaded, &platform).await.expect("status");
    let text = status::to_text(&report);
    assert!(text.contains("AppFlow salesforce-accounts: last run Error"), "{text}");
    assert!(!text.contains('\u{1b}') && !text.contains('\u{7}'), "no raw escape on a terminal: {text:?}");
    let json = status::to_json(&report);
    assert!(!json.contains('\u{1b}'), "{json:?}");
}

fn quicksight_rules() -> Vec<Rule> {
    use aws_sdk_quicksight::operation::list_ingestions::{ListIngestionsError, ListIngestionsOutput};
    use aws_sdk_quicksight::types::{ErrorInfo, Ingestion, IngestionErrorType, IngestionStatus, RowInfo};
    use aws_sdk_quicksight::Client;
    let gone = mock!(Client::list_ingestions).match_requests(|r| r.data_set_id() == Some("gone")).then_error(|| {
        ListIngestionsError::generic(
            ErrorMetadata::builder().code("ResourceNotFoundException").message("no dataset gone").build(),
        )
    });
    let refreshes = mock!(Client::list_ingestions)
        .match_requests(|r| r.aws_account_id() == Some("123456789012"))
        .then_output(|| {
            let ingestion = |id: &str, status: IngestionStatus, ago_s: i64| {
                Ingestion::builder()
                    .arn(format!("arn:aws:quicksight:us-east-1:123456789012:dataset/sessions/ingestion/{id}"))
                    .ingestion_id(id)
                    .ingestion_status(status)
                    .created_time(ago(ago_s))
            };
            let failed = ingestion("i-3", IngestionStatus::Failed, 1_800)
                .error_info(ErrorInfo::builder().r#type(IngestionErrorType::SqlException).message(HOSTILE).build())
                .ingestion_time_in_seconds(4)
                .build()
                .unwrap();
            let completed = ingestion("i-2", IngestionStatus::Completed, 5_400)
                .row_info(RowInfo::builder().rows_ingested(1_150_000).rows_dropped(12).build())
                .ingestion_time_in_seconds(90)
                .build()
                .unwrap();
            let older = ingestion("i-1", IngestionStatus::Completed, 9_000).build().unwrap();
            ListIngestionsOutput::builder().ingestions(older).ingestions(failed).ingestions(completed).build()
        });
    vec![gone, refreshes]
}

/// A day of refreshes is read in one page of 100, so the 33rd refresh asked for in 24 hours is
/// refused before CreateIngestion (ten read before could never count 32).
#[tokio::test]
async fn the_refreshes_asked_for_in_a_day_are_all_counted() {
    use aws_sdk_quicksight::operation::list_ingestions::ListIngestionsOutput;
    use aws_sdk_quicksight::types::{Ingestion, IngestionRequestSource, IngestionStatus};
    use aws_sdk_quicksight::Client;
    let day = mock!(Client::list_ingestions).match_requests(|r| r.max_results() == Some(100)).then_output(|| {
        let asked = (0..32).map(|i| {
            Ingestion::builder()
                .arn(format!("arn:aws:quicksight:us-east-1:123456789012:dataset/busy/ingestion/m-{i}"))
                .ingestion_id(format!("m-{i}"))
                .ingestion_status(IngestionStatus::Completed)
                .request_source(IngestionRequestSource::Manual)
                .created_time(ago(600 + i * 2_400))
                .build()
                .unwrap()
        });
        ListIngestionsOutput::builder().set_ingestions(Some(asked.collect())).build()
    });
    let client = mock_client!(aws_sdk_quicksight, RuleMode::MatchAny, [&day]);
    let sections = "[platform.quicksight]\ndatasets = [\"busy\"]\n";
    let (platform, _loaded) = connect(sections, MockedLayers { quicksight: Some(client), ..Default::default() }).await;
    let snapshot = platform.snapshot().await.expect("snapshot");
    let refused = lakeops::ops::rerun::plan(&Rerun::SpiceDataset("busy".into()), &snapshot, chrono::Utc::now())
        .expect_err("the 33rd in a day");
    assert!(refused.text().contains("refreshed on request 32 times in the last 24 hours"), "{}", refused.text());
}

#[tokio::test]
async fn a_failed_spice_refresh_shows_with_its_error_and_the_rows_of_the_last_good_one() {
    let client = mock_client!(aws_sdk_quicksight, RuleMode::MatchAny, &quicksight_rules());
    let sections = "[platform.quicksight]\ndatasets = [\"sessions\", \"gone\"]\nrefresh_within_hours = 2\n";
    let (platform, loaded) = connect(sections, MockedLayers { quicksight: Some(client), ..Default::default() }).await;
    let snapshot = platform.snapshot().await.expect("snapshot");
    let q = ready(&snapshot.quicksight);
    assert_eq!(q.refresh_within_hours, 2);
    let sessions = &q.datasets[0];
    let ids: Vec<&str> = sessions.ingestions.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, ["i-3", "i-2", "i-1"], "newest first");
    let failed = &sessions.ingestions[0];
    assert_eq!((failed.status.as_str(), failed.error_type.as_deref()), ("FAILED", Some("SQL_EXCEPTION")));
    assert_eq!((failed.error_message.as_deref(), failed.seconds), (Some(HOSTILE), Some(4)));
    let good = &sessions.ingestions[1];
    assert_eq!((good.rows_ingested, good.rows_dropped, good.seconds), (Some(1_150_000), Some(12), Some(90)));
    assert!(!q.datasets[1].exists);

    let report = status::report(&loaded, &platform).await.expect("status");
    let row = report.layers.iter().find(|l| l.layer == lakeops::model::Layer::Quicksight).expect("the layer");
    assert!(row.reason.starts_with("dataset sessions: refresh FAILED"), "the first of the worst: {}", row.reason);
    let text = status::to_text(&report);
    assert!(!text.contains('\u{1b}') && !text.contains('\u{7}'), "{text:?}");
    platform.snapshot().await.expect("again");
    assert_eq!(platform.calls("ListIngestions"), 2, "each dataset once a minute");
}

#[tokio::test]
async fn a_datasync_task_in_error_names_the_error_and_its_last_success_from_the_list() {
    use aws_sdk_datasync::operation::describe_task::DescribeTaskOutput;
    use aws_sdk_datasync::operation::describe_task_execution::DescribeTaskExecutionOutput;
    use aws_sdk_datasync::operation::list_task_executions::ListTaskExecutionsOutput;
    use aws_sdk_datasync::types::{TaskExecutionListEntry, TaskExecutionResultDetail, TaskExecutionStatus, TaskStatus};
    use aws_sdk_datasync::Client;
    let task = "arn:aws:datasync:us-east-1:123456789012:task/task-0123456789abcdef0";
    let exec = |id: &str| format!("{task}/execution/{id}");
    let described = mock!(Client::describe_task).then_output(move || {
        DescribeTaskOutput::builder()
            .task_arn(task)
            .status(TaskStatus::Available)
            .current_task_execution_arn(format!("{task}/execution/exec-3"))
            .build()
    });
    let listed = mock!(Client::list_task_executions).then_output(move || {
        let entry = |id: &str, status| {
            TaskExecutionListEntry::builder()
                .task_execution_arn(format!("{task}/execution/{id}"))
                .status(status)
                .build()
        };
        ListTaskExecutionsOutput::builder()
            .task_executions(entry("exec-1", TaskExecutionStatus::Success))
            .task_executions(entry("exec-2", TaskExecutionStatus::Success))
            .task_executions(entry("exec-3", TaskExecutionStatus::Error))
            .build()
    });
    let failed_arn = exec("exec-3");
    let failed = mock!(Client::describe_task_execution)
        .match_requests(move |r| r.task_execution_arn() == Some(failed_arn.as_str()))
        .then_output(|| {
            DescribeTaskExecutionOutput::builder()
                .status(TaskExecutionStatus::Error)
                .start_time(ago(900))
                .result(
                    TaskExecutionResultDetail::builder()
                        .error_code("SmbPermissionDenied")
                        .error_detail(HOSTILE)
                        .build(),
                )
                .build()
        });
    let good_arn = exec("exec-2");
    let good = mock!(Client::describe_task_execution)
        .match_requests(move |r| r.task_execution_arn() == Some(good_arn.as_str()))
        .then_output(|| {
            DescribeTaskExecutionOutput::builder()
                .status(TaskExecutionStatus::Success)
                .start_time(ago(4_500))
                .end_time(ago(4_260))
                .bytes_transferred(1_200_000_000)
                .files_transferred(320)
                .build()
        });
    let client = mock_client!(aws_sdk_datasync, RuleMode::MatchAny, &[&described, &listed, &failed, &good]);
    let sections = format!("[platform.sources]\ndatasync_tasks = [\"{task}\"]\nexpect_within_minutes = 90\n");
    let (platform, _) = connect(&sections, MockedLayers { datasync: Some(client), ..Default::default() }).await;
    let snapshot = platform.snapshot().await.expect("snapshot");
    let share = &ready(&snapshot.sources).sources[0];
    let run = share.last_run.as_ref().expect("the current execution");
    assert_eq!((run.id.as_str(), run.status.as_str()), ("exec-3", "ERROR"));
    assert_eq!(run.error, Some(format!("SmbPermissionDenied: {HOSTILE}")));
    let landed = share.last_success.expect("the newest success").timestamp();
    assert!((chrono::Utc::now().timestamp() - 4_260 - landed).abs() < 5, "exec-2's end, not exec-1's");
    assert_eq!(good.num_calls(), 1, "the newest success only");
}

fn lakeformation_rules() -> Vec<Rule> {
    use aws_sdk_lakeformation::operation::get_data_lake_settings::GetDataLakeSettingsOutput;
    use aws_sdk_lakeformation::operation::get_resource_lf_tags::GetResourceLfTagsOutput;
    use aws_sdk_lakeformation::operation::list_lf_tags::ListLfTagsOutput;
    use aws_sdk_lakeformation::operation::list_permissions::ListPermissionsOutput;
    use aws_sdk_lakeformation::types::{
        ColumnWildcard, DataLakePrincipal, DataLakeResourceType, DataLakeSettings, LfTag, LfTagPair,
        LfTagPolicyResource, Permission, PrincipalResourcePermissions, Resource, ResourceType, TableResource,
        TableWildcard, TableWithColumnsResource,
    };
    use aws_sdk_lakeformation::Client;
    let principal = |arn: &str| DataLakePrincipal::builder().data_lake_principal_identifier(arn).build();
    let granted = move |who: &str, resource: Resource, permission: Permission| {
        PrincipalResourcePermissions::builder()
            .principal(principal(who))
            .resource(resource)
            .permissions(permission)
            .build()
    };
    let settings = mock!(Client::get_data_lake_settings).then_output(move || {
        let admin = principal("arn:aws:iam::123456789012:role/data-admin");
        GetDataLakeSettingsOutput::builder()
            .data_lake_settings(DataLakeSettings::builder().data_lake_admins(admin).build())
            .build()
    });
    let tag_policies = mock!(Client::list_permissions)
        .match_requests(|r| r.resource_type() == Some(&DataLakeResourceType::LfTagPolicyTable))
        .then_output(move || {
            let expression = [("classification", ["public", "internal"])]
                .iter()
                .map(|(k, v)| {
                    LfTag::builder()
                        .tag_key(*k)
                        .set_tag_values(Some(v.iter().map(|s| s.to_string()).collect()))
                        .build()
                        .unwrap()
                })
                .collect::<Vec<_>>();
            let policy = LfTagPolicyResource::builder()
                .resource_type(ResourceType::Table)
                .set_expression(Some(expression))
                .build()
                .unwrap();
            let policy = Resource::builder().lf_tag_policy(policy).build();
            ListPermissionsOutput::builder()
                .principal_resource_permissions(granted(
                    "arn:aws:iam::123456789012:role/data-science",
                    policy,
                    Permission::Select,
                ))
                .build()
        });
    let wildcard = mock!(Client::list_permissions)
        .match_requests(|r| r.resource().and_then(|x| x.table()).is_some_and(|t| t.table_wildcard().is_some()))
        .then_output(move || {
            let all = TableResource::builder()
                .database_name("clickstream")
                .table_wildcard(TableWildcard::builder().build())
                .build()
                .unwrap();
            ListPermissionsOutput::builder()
                .principal_resource_permissions(granted(
                    "arn:aws:iam::123456789012:role/curate",
                    Resource::builder().table(all).build(),
                    Permission::All,
                ))
                .build()
        });
    let events = mock!(Client::list_permissions)
        .match_requests(|r| r.resource().and_then(|x| x.table()).and_then(|t| t.name()) == Some("events"))
        .then_output(move || {
            let but_user = TableWithColumnsResource::builder()
                .database_name("clickstream")
                .name("events")
                .column_wildcard(ColumnWildcard::builder().excluded_column_names("user_id").build())
                .build()
                .unwrap();
            let some = TableWithColumnsResource::builder()
                .database_name("clickstream")
                .name("events")
                .column_names("event_time")
                .column_names("page_url")
                .build()
                .unwrap();
            ListPermissionsOutput::builder()
                .principal_resource_permissions(granted(
                    "arn:aws:iam::123456789012:role/analysts",
                    Resource::builder().table_with_columns(but_user).build(),
                    Permission::Select,
                ))
                .principal_resource_permissions(granted(
                    HOSTILE,
                    Resource::builder().table_with_columns(some).build(),
                    Permission::Select,
                ))
                // A permission without principal or resource is no grant.
                .principal_resource_permissions(
                    PrincipalResourcePermissions::builder().permissions(Permission::Select).build(),
                )
                .build()
        });
    let others = mock!(Client::list_permissions).then_output(|| ListPermissionsOutput::builder().build());
    let tags = mock!(Client::list_lf_tags).then_output(|| {
        let pair =
            LfTagPair::builder().tag_key("classification").tag_values("public").tag_values("internal").build().unwrap();
        ListLfTagsOutput::builder().lf_tags(pair).build()
    });
    let table_tags = mock!(Client::get_resource_lf_tags).then_output(|| {
        let pair = LfTagPair::builder().tag_key("classification").tag_values("internal").build().unwrap();
        GetResourceLfTagsOutput::builder().lf_tags_on_table(pair).build()
    });
    vec![settings, tag_policies, wildcard, events, others, tags, table_tags]
}

#[tokio::test]
async fn column_wildcard_and_tag_policy_grants_read_as_the_model_says() {
    let glue = aws_sdk_glue::Client::new(&sdk_config().await);
    let database = unique("governed").replace('-', "_");
    let db = aws_sdk_glue::types::DatabaseInput::builder().name(&database).build().unwrap();
    glue.create_database().database_input(db).send().await.expect("CreateDatabase");
    let table = aws_sdk_glue::types::TableInput::builder().name("events").build().unwrap();
    glue.create_table().database_name(&database).table_input(table).send().await.expect("CreateTable");
    let client = mock_client!(aws_sdk_lakeformation, RuleMode::MatchAny, &lakeformation_rules());
    let sections = format!(
        "[platform.glue]\ndatabase = \"{database}\"\n[platform.lake]\nglacier_after_days = 30\nraw_bucket = \"lake-raw\"\n\
         curated_bucket = \"lake-curated\"\n[platform.lakeformation]\nenabled = true\n"
    );
    let (platform, _) = connect(&sections, MockedLayers { lakeformation: Some(client), ..Default::default() }).await;
    let g = platform.governance().await.expect("governance");
    assert_eq!(g.admins, ["arn:aws:iam::123456789012:role/data-admin"]);
    let by = |principal: &str| g.grants.iter().find(|x| x.principal == principal).map(|x| x.resource.clone());
    assert_eq!(
        by("arn:aws:iam::123456789012:role/analysts"),
        Some(GrantResource::Columns {
            database: "clickstream".into(),
            table: "events".into(),
            columns: vec![],
            excluded: vec!["user_id".into()]
        })
    );
    assert_eq!(
        by(HOSTILE),
        Some(GrantResource::Columns {
            database: "clickstream".into(),
            table: "events".into(),
            columns: vec!["event_time".into(), "page_url".into()],
            excluded: vec![]
        }),
        "a principal's text as it came"
    );
    assert_eq!(
        by("arn:aws:iam::123456789012:role/curate"),
        Some(GrantResource::AllTables { database: "clickstream".into() })
    );
    assert_eq!(
        by("arn:aws:iam::123456789012:role/data-science"),
        Some(GrantResource::TagPolicy { expression: "classification=public|internal".into() })
    );
    assert_eq!(g.grants.len(), 4, "the empty permission is no grant: {:?}", g.grants);
    assert_eq!((g.tags[0].key.as_str(), g.tags[0].values.len()), ("classification", 2));
    assert_eq!(g.table_tags[0].table, "events");
    // The tag policy matches the table's tags: data science may read it.
    let mut g = g;
    g.database = "clickstream".into();
    let access = lakeops::ops::grants::explain(&g, "data-science", "clickstream", "events");
    assert!(access.can_select, "{}", access.answer);
}

/// Lakeops' own retries (3 attempts) on a mocked client, so a change sent once shows it.
fn retrying(c: aws_sdk_appflow::config::Builder) -> aws_sdk_appflow::config::Builder {
    c.retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(3))
}

fn retrying_quicksight(c: aws_sdk_quicksight::config::Builder) -> aws_sdk_quicksight::config::Builder {
    c.retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(3))
}

/// A 500 that reaches the client as a lost answer, for any operation.
const LOST: &str = r#"{"message":"We encountered an internal error. Please try again."}"#;

fn flow_described(name: &'static str, trigger: aws_sdk_appflow::types::TriggerType) -> Rule {
    use aws_sdk_appflow::operation::describe_flow::DescribeFlowOutput;
    use aws_sdk_appflow::types::{FlowStatus, TriggerConfig};
    mock!(aws_sdk_appflow::Client::describe_flow).match_requests(move |r| r.flow_name() == Some(name)).then_output(
        move || {
            DescribeFlowOutput::builder()
                .flow_name(name)
                .flow_status(FlowStatus::Active)
                .trigger_config(TriggerConfig::builder().trigger_type(trigger.clone()).build().unwrap())
                .build()
        },
    )
}

fn flow_run(
    id: &str,
    status: aws_sdk_appflow::types::ExecutionStatus,
    started: DateTime,
) -> aws_sdk_appflow::types::ExecutionRecord {
    aws_sdk_appflow::types::ExecutionRecord::builder()
        .execution_id(id)
        .execution_status(status)
        .started_at(started)
        .last_updated_at(started)
        .build()
}

const RUN: &str = "3f1b2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";

#[tokio::test]
async fn an_on_demand_flow_runs_through_the_gate_and_the_next_snapshot_reads_it_again() {
    use aws_sdk_appflow::operation::describe_flow_execution_records::DescribeFlowExecutionRecordsOutput;
    use aws_sdk_appflow::operation::start_flow::StartFlowOutput;
    use aws_sdk_appflow::types::{ExecutionStatus, FlowStatus, TriggerType};
    use aws_sdk_appflow::Client;
    let described = flow_described("salesforce-accounts", TriggerType::Ondemand);
    let runs = mock!(Client::describe_flow_execution_records).then_output(|| {
        DescribeFlowExecutionRecordsOutput::builder()
            .flow_executions(flow_run("run-1", ExecutionStatus::Successful, ago(7_200)))
            .build()
    });
    let started = mock!(Client::start_flow)
        .match_requests(|r| r.flow_name() == Some("salesforce-accounts"))
        .then_output(|| StartFlowOutput::builder().flow_status(FlowStatus::Active).execution_id(RUN).build());
    let client = mock_client!(aws_sdk_appflow, RuleMode::MatchAny, [&described, &runs, &started]);
    let sections = "[platform.sources]\nappflow_flows = [\"salesforce-accounts\"]\n";
    let (platform, _) = connect(sections, MockedLayers { appflow: Some(client), ..Default::default() }).await;
    let snapshot = platform.snapshot().await.expect("snapshot");
    assert_eq!(ready(&snapshot.sources).sources[0].trigger.as_deref(), Some("OnDemand"));

    let applied =
        apply(&platform, Change::Rerun(Rerun::AppFlowFlow("salesforce-accounts".into()))).await.expect("started");
    assert_eq!(applied.answer(), format!("run {RUN} started"));
    assert_eq!(applied.confirmation(), None);
    assert_eq!(started.num_calls(), 1);
    platform.snapshot().await.expect("snapshot");
    assert_eq!(platform.calls("DescribeFlow"), 2, "read again: the rerun dropped the cached read");
}

#[tokio::test]
async fn a_flow_appflow_refuses_names_the_service_and_the_code_and_is_sent_once() {
    use aws_sdk_appflow::operation::describe_flow_execution_records::DescribeFlowExecutionRecordsOutput;
    use aws_sdk_appflow::operation::start_flow::StartFlowError;
    use aws_sdk_appflow::types::TriggerType;
    use aws_sdk_appflow::Client;
    let described = flow_described("salesforce-accounts", TriggerType::Ondemand);
    let runs = mock!(Client::describe_flow_execution_records)
        .then_output(|| DescribeFlowExecutionRecordsOutput::builder().build());
    let conflict = mock!(Client::start_flow).then_error(|| {
        StartFlowError::generic(
            ErrorMetadata::builder()
                .code("ConflictException")
                .message("There is an execution of flow salesforce-accounts in progress")
                .build(),
        )
    });
    let client = mock_client!(aws_sdk_appflow, RuleMode::MatchAny, [&described, &runs, &conflict], retrying);
    let sections = "[platform.sources]\nappflow_flows = [\"salesforce-accounts\"]\n";
    let (platform, _) = connect(sections, MockedLayers { appflow: Some(client), ..Default::default() }).await;
    let refused =
        apply(&platform, Change::Rerun(Rerun::AppFlowFlow("salesforce-accounts".into()))).await.expect_err("refused");
    assert_eq!(
        refused.to_string(),
        "AppFlow StartFlow: ConflictException: There is an execution of flow salesforce-accounts in progress"
    );
    assert_eq!((refused.outcome(), conflict.num_calls()), ("failed", 1));

    // A flow AppFlow does not know: nothing is sent.
    let gone = mock!(Client::describe_flow).then_error(|| {
        aws_sdk_appflow::operation::describe_flow::DescribeFlowError::generic(
            ErrorMetadata::builder().code("ResourceNotFoundException").message("no flow gone").build(),
        )
    });
    let start = mock!(Client::start_flow)
        .then_output(|| aws_sdk_appflow::operation::start_flow::StartFlowOutput::builder().build());
    let client = mock_client!(aws_sdk_appflow, RuleMode::MatchAny, [&gone, &start]);
    let (platform, _) = connect("", MockedLayers { appflow: Some(client), ..Default::default() }).await;
    let missing = apply(&platform, Change::Rerun(Rerun::AppFlowFlow("gone".into()))).await.expect_err("no such flow");
    assert!(missing.to_string().contains("there is no flow gone"), "{missing}");
    assert_eq!(start.num_calls(), 0);
}

#[tokio::test]
async fn a_flow_run_whose_answer_is_lost_is_sent_once_and_read_back_from_its_runs() {
    use aws_sdk_appflow::operation::describe_flow_execution_records::DescribeFlowExecutionRecordsOutput;
    use aws_sdk_appflow::types::{ExecutionStatus, TriggerType};
    use aws_sdk_appflow::Client;
    let old = || flow_run("run-1", ExecutionStatus::Successful, ago(7_200));
    let runs = move |with_new: bool| {
        let mut out = DescribeFlowExecutionRecordsOutput::builder().flow_executions(old());
        if with_new {
            out = out.flow_executions(flow_run(RUN, ExecutionStatus::Inprogress, ago(0)));
        }
        out.build()
    };
    let described = flow_described("salesforce-accounts", TriggerType::Ondemand);
    let lost = mock!(Client::start_flow).sequence().http_status(500, Some(LOST.into())).repeatedly().build();
    // Before the call, run-1 alone; read back, the new run too.
    let records = mock!(Client::describe_flow_execution_records)
        .sequence()
        .output(move || runs(false))
        .output(move || runs(true))
        .build();
    let client = mock_client!(aws_sdk_appflow, RuleMode::MatchAny, [&described, &lost, &records], retrying);
    let (platform, _) = connect("", MockedLayers { appflow: Some(client), ..Default::default() }).await;
    let run = || apply(&platform, Change::Rerun(Rerun::AppFlowFlow("salesforce-accounts".into())));
    let applied = run().await.expect("the run landed");
    assert_eq!(lost.num_calls(), 1, "StartFlow was sent once, not retried");
    assert_eq!(applied.answer(), format!("run {RUN} started"));
    let confirmation = applied.confirmation().unwrap_or_default();
    assert!(
        confirmation.starts_with(&format!("landed (confirmed by reading back: run {RUN} is InProgress)")),
        "{confirmation}"
    );

    // No new run read back: it did not land.
    let lost = mock!(Client::start_flow).sequence().http_status(503, Some(LOST.into())).repeatedly().build();
    let records = mock!(Client::describe_flow_execution_records).then_output(move || runs(false));
    let client = mock_client!(aws_sdk_appflow, RuleMode::MatchAny, [&described, &lost, &records], retrying);
    let (platform, _) = connect("", MockedLayers { appflow: Some(client), ..Default::default() }).await;
    let error = apply(&platform, Change::Rerun(Rerun::AppFlowFlow("salesforce-accounts".into())))
        .await
        .expect_err("did not land");
    assert!(matches!(&error, PlatformError::NotLanded { service, .. } if service == "AppFlow StartFlow"), "{error:?}");
    assert!(
        error.to_string().contains("did not land (read back: no run of salesforce-accounts started since the call)"),
        "{error}"
    );
    assert_eq!(lost.num_calls(), 1);
}

#[tokio::test]
async fn describe_flows_trigger_type_arrives_in_the_source_and_a_scheduled_flow_is_activated_not_run() {
    use aws_sdk_appflow::operation::describe_flow_execution_records::DescribeFlowExecutionRecordsOutput;
    use aws_sdk_appflow::operation::start_flow::StartFlowOutput;
    use aws_sdk_appflow::types::{FlowStatus, TriggerType};
    use aws_sdk_appflow::Client;
    let scheduled = flow_described("nightly-accounts", TriggerType::Scheduled);
    let event = flow_described("account-changes", TriggerType::Event);
    let runs = mock!(Client::describe_flow_execution_records)
        .then_output(|| DescribeFlowExecutionRecordsOutput::builder().build());
    // StartFlow of a scheduled flow activates it: no execution id.
    let activated =
        mock!(Client::start_flow).then_output(|| StartFlowOutput::builder().flow_status(FlowStatus::Active).build());
    let client = mock_client!(aws_sdk_appflow, RuleMode::MatchAny, [&scheduled, &event, &runs, &activated]);
    let sections = "[platform.sources]\nappflow_flows = [\"nightly-accounts\", \"account-changes\"]\n";
    let (platform, _) = connect(sections, MockedLayers { appflow: Some(client), ..Default::default() }).await;
    let snapshot = platform.snapshot().await.expect("snapshot");
    let triggers: Vec<Option<&str>> = ready(&snapshot.sources).sources.iter().map(|s| s.trigger.as_deref()).collect();
    assert_eq!(triggers, [Some("Scheduled"), Some("Event")]);

    let applied =
        apply(&platform, Change::Rerun(Rerun::AppFlowFlow("nightly-accounts".into()))).await.expect("activated");
    assert_eq!(applied.answer(), "flow nightly-accounts is Active: it runs on its schedule");
}

/// The ids of the refreshes asked for, as the mocks saw them.
type Seen = std::sync::Arc<std::sync::Mutex<Vec<String>>>;

/// QuickSight's pattern for an ingestion id: `[a-zA-Z0-9-_]{1,128}`.
fn valid_ingestion_id(id: &str) -> bool {
    (1..=128).contains(&id.len()) && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn create_ingestion(
    seen: &Seen,
) -> aws_smithy_mocks::RuleBuilder<
    aws_sdk_quicksight::operation::create_ingestion::CreateIngestionInput,
    aws_sdk_quicksight::operation::create_ingestion::CreateIngestionOutput,
    aws_sdk_quicksight::operation::create_ingestion::CreateIngestionError,
> {
    use aws_sdk_quicksight::types::IngestionType;
    let seen = seen.clone();
    mock!(aws_sdk_quicksight::Client::create_ingestion).match_requests(move |r| {
        let id = r.ingestion_id().unwrap_or_default();
        seen.lock().unwrap().push(id.to_string());
        r.aws_account_id() == Some("123456789012")
            && r.data_set_id() == Some("sessions")
            && r.ingestion_type() == Some(&IngestionType::FullRefresh)
            && id.starts_with("lakeops-")
            && valid_ingestion_id(id)
    })
}

#[tokio::test]
async fn a_spice_refresh_starts_through_the_gate_with_an_id_quicksight_accepts() {
    use aws_sdk_quicksight::operation::create_ingestion::CreateIngestionOutput;
    use aws_sdk_quicksight::types::IngestionStatus;
    let seen = Seen::default();
    let created = create_ingestion(&seen).then_output(|| {
        CreateIngestionOutput::builder().ingestion_status(IngestionStatus::Initialized).status(201).build()
    });
    let mut rules = quicksight_rules();
    rules.push(created.clone());
    let client = mock_client!(aws_sdk_quicksight, RuleMode::MatchAny, &rules);
    let sections = "[platform.quicksight]\ndatasets = [\"sessions\"]\n";
    let (platform, _) = connect(sections, MockedLayers { quicksight: Some(client), ..Default::default() }).await;
    platform.snapshot().await.expect("snapshot");

    let applied = apply(&platform, Change::Rerun(Rerun::SpiceDataset("sessions".into()))).await.expect("refreshing");
    let id = seen.lock().unwrap().first().cloned().expect("an ingestion id");
    assert_eq!(applied.answer(), format!("refresh {id} started"));
    assert_eq!(created.num_calls(), 1);
    platform.snapshot().await.expect("snapshot");
    assert_eq!(platform.calls("ListIngestions"), 2, "read again: the rerun dropped the cached read");
    assert_eq!(platform.calls("GetCallerIdentity"), 1, "the account is asked for once");
}

#[tokio::test]
async fn a_refresh_quicksight_refuses_names_the_service_and_the_code_and_is_no_throttling() {
    use aws_sdk_quicksight::operation::create_ingestion::CreateIngestionError;
    let seen = Seen::default();
    let refused = create_ingestion(&seen).then_error(|| {
        CreateIngestionError::generic(
            ErrorMetadata::builder()
                .code("LimitExceededException")
                .message("Ingestion limit exceeded for dataset sessions")
                .build(),
        )
    });
    let client = mock_client!(aws_sdk_quicksight, RuleMode::MatchAny, [&refused], retrying_quicksight);
    let (platform, _) = connect("", MockedLayers { quicksight: Some(client), ..Default::default() }).await;
    let refresh = || apply(&platform, Change::Rerun(Rerun::SpiceDataset("sessions".into())));
    let error = refresh().await.expect_err("refused");
    let text = error.to_string();
    assert!(
        text.starts_with(
            "QuickSight CreateIngestion: LimitExceededException: Ingestion limit exceeded for dataset sessions"
        ),
        "{text}"
    );
    assert!(!error.is_throttling(), "a refresh limit is no reason to back off: {error:?}");
    assert_eq!((error.outcome(), refused.num_calls()), ("failed", 1));
    // Asked again, it is sent again: nothing holds the call back.
    refresh().await.expect_err("refused again");
    assert_eq!(refused.num_calls(), 2);
}

#[tokio::test]
async fn a_refresh_whose_answer_is_lost_is_sent_once_and_read_back_by_its_id() {
    use aws_sdk_quicksight::operation::describe_ingestion::{DescribeIngestionError, DescribeIngestionOutput};
    use aws_sdk_quicksight::types::{Ingestion, IngestionStatus};
    use aws_sdk_quicksight::Client;
    let seen = Seen::default();
    let lost = create_ingestion(&seen).sequence().http_status(500, Some(LOST.into())).repeatedly().build();
    let asked = Seen::default();
    let noted = asked.clone();
    let described = mock!(Client::describe_ingestion)
        .match_requests(move |r| {
            noted.lock().unwrap().push(r.ingestion_id().unwrap_or_default().to_string());
            r.aws_account_id() == Some("123456789012") && r.data_set_id() == Some("sessions")
        })
        .then_compute_output(|r| {
            let id = r.ingestion_id().unwrap_or_default();
            let ingestion = Ingestion::builder()
                .arn(format!("arn:aws:quicksight:us-east-1:123456789012:dataset/sessions/ingestion/{id}"))
                .ingestion_id(id)
                .ingestion_status(IngestionStatus::Running)
                .created_time(ago(1))
                .build()
                .unwrap();
            DescribeIngestionOutput::builder().ingestion(ingestion).status(200).build()
        });
    let client = mock_client!(aws_sdk_quicksight, RuleMode::MatchAny, [&lost, &described], retrying_quicksight);
    let (platform, _) = connect("", MockedLayers { quicksight: Some(client), ..Default::default() }).await;
    let applied = apply(&platform, Change::Rerun(Rerun::SpiceDataset("sessions".into()))).await.expect("landed");
    assert_eq!(lost.num_calls(), 1, "CreateIngestion was sent once, not retried");
    let id = seen.lock().unwrap()[0].clone();
    assert_eq!(*asked.lock().unwrap(), vec![id.clone()], "read back by the id it was sent with");
    assert_eq!(applied.answer(), format!("refresh {id} started"));
    let confirmation = applied.confirmation().unwrap_or_default();
    assert!(
        confirmation.starts_with(&format!("landed (confirmed by reading back: refresh {id} of sessions is RUNNING)")),
        "{confirmation}"
    );

    // QuickSight has no refresh of that id: it did not land.
    let seen = Seen::default();
    let lost = create_ingestion(&seen).sequence().http_status(500, Some(LOST.into())).repeatedly().build();
    let unknown = mock!(Client::describe_ingestion).then_error(|| {
        DescribeIngestionError::generic(
            ErrorMetadata::builder().code("ResourceNotFoundException").message("no such ingestion").build(),
        )
    });
    let client = mock_client!(aws_sdk_quicksight, RuleMode::MatchAny, [&lost, &unknown], retrying_quicksight);
    let (platform, _) = connect("", MockedLayers { quicksight: Some(client), ..Default::default() }).await;
    let error = apply(&platform, Change::Rerun(Rerun::SpiceDataset("sessions".into()))).await.expect_err("not landed");
    let id = seen.lock().unwrap()[0].clone();
    assert_eq!(error.outcome(), "did not land");
    assert!(
        error.to_string().contains(&format!("did not land (read back: dataset sessions has no refresh {id})")),
        "{error}"
    );
}
