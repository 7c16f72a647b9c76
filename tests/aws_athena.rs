//! `lakeops query` on the AWS path: against moto with results seeded through its
//! `/moto-api/static/athena/query-results` (header row, typed columns, quotes and commas,
//! NULLs), cancelling, bad input before any call; paging and failures on mocked responses.

mod support;

use lakeops::aws::{AwsPlatform, ClientOptions};
use lakeops::cli::{QueryArgs, QueryFormat};
use lakeops::headless::query;
use lakeops::model::{QueryRequest, QueryState};
use lakeops::platform::Platform;
use lakeops::settings::{Loaded, Paths};
use support::counting::Counting;
use support::moto::{credentials, moto, sdk_config, seed_athena_results, unique};

/// moto hands seeded results to the next query started anywhere: the tests that start
/// queries take turns.
static STARTING_QUERIES: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

struct Fixture {
    dir: tempfile::TempDir,
    paths: Paths,
    loaded: Loaded,
    platform: Counting,
    workgroup: String,
}

async fn fixture(readonly: bool) -> Fixture {
    let workgroup = unique("ops");
    let athena = aws_sdk_athena::Client::new(&sdk_config().await);
    athena.create_work_group().name(&workgroup).send().await.expect("CreateWorkGroup");
    let (dir, paths) = support::temp_paths();
    let profile = format!(
        "name = \"moto-athena\"\nbackend = \"aws\"\n[aws]\nregion = \"us-east-1\"\nendpoint_url = \"{}\"\n[platform.athena]\nworkgroup = \"{workgroup}\"\n[console]\nreadonly = {readonly}\n",
        moto().endpoint
    );
    let loaded = support::load_profile(dir.path(), &paths, &profile);
    let inner = AwsPlatform::connect(&loaded.settings, ClientOptions { credentials: Some(credentials()) }).await;
    Fixture { dir, paths, loaded, platform: Counting::new(inner), workgroup }
}

fn args(sql: &str, format: QueryFormat) -> QueryArgs {
    QueryArgs { sql: sql.into(), database: None, workgroup: None, format, output: None, raw: false, yes: false }
}

/// `lakeops query` as the binary runs it, its stdout kept (no Ctrl-C here).
async fn run_query(
    loaded: &lakeops::settings::Loaded,
    paths: &lakeops::settings::Paths,
    platform: &dyn lakeops::platform::Platform,
    args: &QueryArgs,
) -> Result<String, lakeops::headless::Failure> {
    let (_presses, mut interrupts) = tokio::sync::mpsc::unbounded_channel();
    let mut out = Vec::new();
    query::write(loaded, paths, platform, args, &args.sql, &mut out, &mut interrupts).await?;
    Ok(String::from_utf8(out).expect("UTF-8 results"))
}

fn row(values: &[Option<&str>]) -> serde_json::Value {
    let data: Vec<serde_json::Value> = values
        .iter()
        .map(|v| match v {
            Some(text) => serde_json::json!({"VarCharValue": text}),
            None => serde_json::json!({}),
        })
        .collect();
    serde_json::json!({ "Data": data })
}

fn column(name: &str, kind: &str) -> serde_json::Value {
    serde_json::json!({"Name": name, "Label": name, "Type": kind, "Nullable": "NULLABLE", "CaseSensitive": true})
}

/// One test for every seeded result: moto hands queued results to whichever query asks first.
#[tokio::test]
async fn seeded_results_come_out_as_csv_json_and_a_table() {
    let _turn = STARTING_QUERIES.lock().await;
    let f = fixture(false).await;
    let result = serde_json::json!({
        "rows": [
            row(&[Some("event_type"), Some("events"), Some("note")]),
            row(&[Some("page_view"), Some("1200"), Some("plain")]),
            row(&[Some("add_to_cart"), Some("37"), Some("say \"hi\", then\nleave")]),
            row(&[Some("purchase"), None, Some("")]),
        ],
        "column_info": [column("event_type", "varchar"), column("events", "bigint"), column("note", "varchar")],
    });
    seed_athena_results(&serde_json::json!({ "results": [result.clone(), result.clone(), result] }));
    let sql = "SELECT event_type, count(*) AS events FROM events GROUP BY 1";

    let out = run_query(&f.loaded, &f.paths, &f.platform, &args(sql, QueryFormat::Csv)).await.expect("csv");
    assert_eq!(
        out,
        "event_type,events,note\r\npage_view,1200,plain\r\nadd_to_cart,37,\"say \"\"hi\"\", then\nleave\"\r\npurchase,,\"\"\r\n"
    );

    let out = run_query(&f.loaded, &f.paths, &f.platform, &args(sql, QueryFormat::Json)).await.expect("json");
    let value: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(value[0], serde_json::json!({"event_type": "page_view", "events": 1200, "note": "plain"}));
    assert_eq!(value[2], serde_json::json!({"event_type": "purchase", "events": null, "note": ""}));

    let path = f.dir.path().join("out.txt");
    let mut to_file = args(sql, QueryFormat::Table);
    to_file.output = Some(path.clone());
    assert_eq!(run_query(&f.loaded, &f.paths, &f.platform, &to_file).await.expect("table"), "");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("event_type   events  note"), "{text}");
    assert!(text.contains("purchase       NULL"), "NULL is shown as NULL: {text}");
    assert!(text.contains("say \"hi\", then leave"), "a line break in a cell stays in its cell: {text}");

    let journal = std::fs::read_to_string(f.paths.journal_file()).unwrap();
    // Each query twice: when it was started, and how it ended.
    assert_eq!(journal.matches("\"action\":\"athena.query\"").count(), 6);
    assert!(journal.contains(&f.workgroup));
    assert!(journal.contains("done: SUCCEEDED"), "{journal}");
}

#[tokio::test]
async fn a_running_query_can_be_cancelled() {
    let _turn = STARTING_QUERIES.lock().await;
    // (moto moves a query on only when it is read: stopped before that, it never ran.)
    let f = fixture(false).await;
    let request =
        QueryRequest { sql: "SELECT 1".into(), database: "clickstream".into(), workgroup: f.workgroup.clone() };
    let id = support::writes::start_query(&f.platform, &request).await.expect("start");
    support::writes::stop_query(&f.platform, &id).await.expect("stop");
    assert_eq!(f.platform.mutations(), 2, "StartQueryExecution and StopQueryExecution went through");
    let status = f.platform.query_status(&id).await.unwrap();
    assert_eq!(status.state, QueryState::Cancelled);
    assert!(status.state.is_done());
}

#[tokio::test]
async fn bad_input_is_refused_before_any_call() {
    let f = fixture(true).await;
    let cases: [(QueryArgs, i32, &str); 4] = [
        (args("  ", QueryFormat::Table), 2, "there is no SQL to run"),
        (args(&"x".repeat(262_145), QueryFormat::Table), 2, "at most 262144"),
        (args("DROP TABLE clickstream.events", QueryFormat::Table), 3, "read-only mode"),
        (
            QueryArgs { output: Some("/nonexistent-dir/out.csv".into()), ..args("SELECT 1", QueryFormat::Csv) },
            2,
            "cannot write /nonexistent-dir/out.csv",
        ),
    ];
    for (a, code, message) in cases {
        let failure = run_query(&f.loaded, &f.paths, &f.platform, &a).await.unwrap_err();
        assert_eq!(failure.exit_code() as i32, code, "{failure:?}");
        assert!(failure.message().contains(message), "{failure:?}");
    }
    let started = aws_sdk_athena::Client::new(&sdk_config().await)
        .list_query_executions()
        .work_group(&f.workgroup)
        .send()
        .await
        .unwrap();
    assert!(started.query_execution_ids().is_empty(), "no query was started");
}

#[tokio::test]
async fn saved_queries_are_saved_and_listed_by_name() {
    use lakeops::model::SavedQuery;
    let f = fixture(false).await;
    let query = |name: &str, sql: &str| SavedQuery {
        id: String::new(),
        name: name.into(),
        description: Some("for the runbook".into()),
        database: "clickstream".into(),
        workgroup: f.workgroup.clone(),
        sql: sql.into(),
    };
    let id = support::writes::save_query(&f.platform, &query("top pages", "SELECT page_url FROM events"))
        .await
        .expect("CreateNamedQuery");
    assert!(!id.is_empty());
    support::writes::save_query(&f.platform, &query("Events by type", "SELECT event_type FROM events")).await.unwrap();
    let saved = f.platform.saved_queries(&f.workgroup).await.expect("ListNamedQueries");
    let names: Vec<&str> = saved.iter().map(|q| q.name.as_str()).collect();
    assert_eq!(names, ["Events by type", "top pages"], "by name, case aside");
    assert_eq!(saved[1].id, id);
    assert_eq!(saved[1].sql, "SELECT page_url FROM events");
    assert_eq!(saved[1].description.as_deref(), Some("for the runbook"));
}

#[tokio::test]
async fn the_workgroup_history_and_the_workgroups_come_from_athena() {
    let _turn = STARTING_QUERIES.lock().await;
    let f = fixture(false).await;
    let other = fixture(false).await;
    let request = |sql: &str, workgroup: &str| QueryRequest {
        sql: sql.into(),
        database: "clickstream".into(),
        workgroup: workgroup.into(),
    };
    let first = support::writes::start_query(&f.platform, &request("SELECT 1", &f.workgroup)).await.unwrap();
    let second = support::writes::start_query(&f.platform, &request("SELECT event_type\nFROM events", &f.workgroup))
        .await
        .unwrap();
    support::writes::start_query(&other.platform, &request("SELECT 'elsewhere'", &other.workgroup)).await.unwrap();
    support::writes::stop_query(&f.platform, &first).await.unwrap();
    let past = f.platform.query_history(&f.workgroup).await.expect("ListQueryExecutions + GetQueryExecution");
    let mut seen: Vec<(&str, &str, QueryState)> =
        past.iter().map(|p| (p.status.id.as_str(), p.sql.as_str(), p.status.state)).collect();
    seen.sort_by_key(|s| s.0);
    let mut expected = vec![
        (first.as_str(), "SELECT 1", QueryState::Cancelled),
        (second.as_str(), "SELECT event_type\nFROM events", QueryState::Succeeded),
    ];
    expected.sort_by_key(|s| s.0);
    assert_eq!(seen, expected, "this workgroup's queries only, with their SQL and state");
    assert!(past.iter().all(|p| p.database.as_deref() == Some("clickstream") && p.status.submitted.is_some()));
    let workgroups = f.platform.workgroups().await.expect("ListWorkGroups");
    assert!(workgroups.contains(&f.workgroup) && workgroups.contains(&other.workgroup), "{workgroups:?}");
    // The changes: two StartQueryExecution and a StopQueryExecution; reading the history adds none.
    assert_eq!(f.platform.mutations(), 3, "reading the history changes nothing");
}

mod mocked {
    //! Several pages of results, and a query the workgroup's cutoff stopped.
    use aws_sdk_athena::operation::get_query_execution::GetQueryExecutionOutput;
    use aws_sdk_athena::operation::get_query_results::GetQueryResultsOutput;
    use aws_sdk_athena::operation::start_query_execution::StartQueryExecutionOutput;
    use aws_sdk_athena::types::{
        ColumnInfo, Datum, QueryExecution, QueryExecutionState, QueryExecutionStatistics, QueryExecutionStatus,
        ResultSet, ResultSetMetadata, Row, StatementType,
    };
    use aws_sdk_athena::Client;
    use aws_smithy_mocks::{mock, mock_client, RuleMode};
    use lakeops::aws::{AwsPlatform, ClientOptions};
    use lakeops::cli::QueryFormat;

    fn page(values: &[&str], token: Option<&str>) -> GetQueryResultsOutput {
        let rows = values.iter().map(|v| Row::builder().data(Datum::builder().var_char_value(*v).build()).build());
        let metadata = ResultSetMetadata::builder()
            .column_info(ColumnInfo::builder().name("n").r#type("integer").build().unwrap());
        GetQueryResultsOutput::builder()
            .result_set(
                ResultSet::builder().set_rows(Some(rows.collect())).result_set_metadata(metadata.build()).build(),
            )
            .set_next_token(token.map(str::to_string))
            .build()
    }

    fn execution(state: QueryExecutionState, reason: Option<&str>, scanned: i64) -> GetQueryExecutionOutput {
        let status = QueryExecutionStatus::builder().state(state).set_state_change_reason(reason.map(str::to_string));
        GetQueryExecutionOutput::builder()
            .query_execution(
                QueryExecution::builder()
                    .query_execution_id("q1")
                    .statement_type(StatementType::Dml)
                    .status(status.build())
                    .statistics(
                        QueryExecutionStatistics::builder()
                            .data_scanned_in_bytes(scanned)
                            .engine_execution_time_in_millis(1_500)
                            .build(),
                    )
                    .build(),
            )
            .build()
    }

    async fn platform(
        client: Client,
    ) -> (tempfile::TempDir, lakeops::settings::Paths, lakeops::settings::Loaded, AwsPlatform) {
        let (dir, paths) = super::support::temp_paths();
        let loaded = super::support::load_profile(
            dir.path(),
            &paths,
            "name = \"mocked\"\nbackend = \"aws\"\n[aws]\nregion = \"us-east-1\"\nendpoint_url = \"http://127.0.0.1:9\"\n",
        );
        let platform =
            AwsPlatform::connect(&loaded.settings, ClientOptions { credentials: Some(super::credentials()) })
                .await
                .with_athena(client);
        (dir, paths, loaded, platform)
    }

    #[tokio::test]
    async fn every_page_is_read_and_the_header_dropped_once() {
        let start = mock!(Client::start_query_execution)
            .then_output(|| StartQueryExecutionOutput::builder().query_execution_id("q1").build());
        let done = mock!(Client::get_query_execution)
            .then_output(|| execution(QueryExecutionState::Succeeded, None, 3 * 1_048_576));
        let first = mock!(Client::get_query_results)
            .match_requests(|r| r.next_token().is_none() && r.max_results() == Some(1000))
            .then_output(|| page(&["n", "1", "2"], Some("p2")));
        let second = mock!(Client::get_query_results)
            .match_requests(|r| r.next_token() == Some("p2"))
            .then_output(|| page(&["n", "3"], None));
        let client = mock_client!(aws_sdk_athena, RuleMode::MatchAny, [&start, &done, &first, &second]);
        let (_dir, paths, loaded, platform) = platform(client).await;
        let out = super::run_query(&loaded, &paths, &platform, &super::args("SELECT n FROM t", QueryFormat::Csv))
            .await
            .unwrap();
        // Only the first page carries the header; a later row that reads "n" is data.
        assert_eq!(out, "n\r\n1\r\n2\r\nn\r\n3\r\n");
        assert_eq!((first.num_calls(), second.num_calls()), (1, 1));
    }

    #[tokio::test]
    async fn the_workgroup_cutoff_is_explained() {
        let start = mock!(Client::start_query_execution)
            .then_output(|| StartQueryExecutionOutput::builder().query_execution_id("q1").build());
        let failed = mock!(Client::get_query_execution).then_output(|| {
            execution(QueryExecutionState::Failed, Some("Bytes scanned limit was exceeded"), 10_000_000_000)
        });
        let client = mock_client!(aws_sdk_athena, RuleMode::MatchAny, [&start, &failed]);
        let (_dir, paths, loaded, platform) = platform(client).await;
        let failure =
            super::run_query(&loaded, &paths, &platform, &super::args("SELECT * FROM events", QueryFormat::Table))
                .await
                .unwrap_err();
        assert_eq!(failure.exit_code(), 1);
        let message = failure.message();
        assert!(message.contains("query q1 FAILED: Bytes scanned limit was exceeded"), "{message}");
        assert!(message.contains("filter on the partition columns"), "{message}");
        // 10 GB is 9,537 MiB: 9,537 / 1,048,576 TiB × $5.
        assert!(message.contains("cost $0.05"), "a failed query is still billed for what it scanned: {message}");
    }

    /// Athena's ErrorCategory decides the exit code: the query's fault (2, user) is bad input,
    /// the service's (1, system) or an unsaid one is the platform failing.
    #[tokio::test]
    async fn a_failure_of_the_query_is_told_from_a_failure_of_athena() {
        use aws_sdk_athena::types::AthenaError;
        for (category, exit) in [(Some(2), 2), (Some(1), 1), (Some(3), 1), (None, 1)] {
            let start = mock!(Client::start_query_execution)
                .then_output(|| StartQueryExecutionOutput::builder().query_execution_id("q1").build());
            let failed = mock!(Client::get_query_execution).then_output(move || {
                let mut out = execution(QueryExecutionState::Failed, Some("TABLE_NOT_FOUND: line 1:15: nope"), 0);
                let error = AthenaError::builder().set_error_category(category).error_type(1000).build();
                let status = out.query_execution.as_mut().and_then(|q| q.status.as_mut()).unwrap();
                status.athena_error = Some(error);
                out
            });
            let client = mock_client!(aws_sdk_athena, RuleMode::MatchAny, [&start, &failed]);
            let (_dir, paths, loaded, platform) = platform(client).await;
            let failure =
                super::run_query(&loaded, &paths, &platform, &super::args("SELECT * FROM nope", QueryFormat::Csv))
                    .await
                    .unwrap_err();
            assert_eq!(failure.exit_code(), exit, "category {category:?}: {}", failure.message());
            assert!(failure.message().contains("query q1 FAILED: TABLE_NOT_FOUND"), "{}", failure.message());
        }
    }

    #[tokio::test]
    async fn the_overview_row_counts_running_failed_and_scanned_today() {
        use aws_sdk_athena::operation::batch_get_query_execution::BatchGetQueryExecutionOutput;
        use aws_sdk_athena::operation::list_query_executions::ListQueryExecutionsOutput;
        use aws_smithy_types::DateTime;
        use chrono::TimeZone;
        let now = chrono::Utc.with_ymd_and_hms(2026, 3, 20, 14, 0, 0).unwrap();
        let at =
            move |minutes_ago: i64| DateTime::from_secs((now - chrono::Duration::minutes(minutes_ago)).timestamp());
        let list = mock!(Client::list_query_executions)
            .match_requests(|r| r.work_group() == Some("ops") && r.max_results() == Some(50))
            .then_output(|| {
                ListQueryExecutionsOutput::builder()
                    .query_execution_ids("a")
                    .query_execution_ids("b")
                    .query_execution_ids("c")
                    .build()
            });
        let batch = mock!(Client::batch_get_query_execution).then_output(move || {
            let q = |id: &str, state: QueryExecutionState, submitted: i64, completed: Option<i64>, scanned: i64| {
                QueryExecution::builder()
                    .query_execution_id(id)
                    .status(
                        QueryExecutionStatus::builder()
                            .state(state)
                            .submission_date_time(at(submitted))
                            .set_completion_date_time(completed.map(at))
                            .build(),
                    )
                    .statistics(QueryExecutionStatistics::builder().data_scanned_in_bytes(scanned).build())
                    .build()
            };
            BatchGetQueryExecutionOutput::builder()
                .query_executions(q("a", QueryExecutionState::Running, 1, None, 0))
                .query_executions(q("b", QueryExecutionState::Failed, 12, Some(10), 1_000))
                .query_executions(q("c", QueryExecutionState::Succeeded, 30, Some(29), 2_000_000_000))
                .build()
        });
        let client = mock_client!(aws_sdk_athena, RuleMode::MatchAny, [&list, &batch]);
        let row = lakeops::aws::athena::workgroup_status(&client, "ops", now, &Default::default()).await.unwrap();
        assert_eq!((row.running, row.failed_last_hour), (1, 1));
        assert_eq!(row.scanned_bytes_today, 2_000_001_000, "both finished queries were submitted today");
    }

    /// The history is one ListQueryExecutions and one BatchGetQueryExecution call; an endpoint
    /// without the batch call (it answers HTTP 500 with no error code, as moto does) is read one
    /// GetQueryExecution at a time, and the batch call is not tried again.
    #[tokio::test]
    async fn the_history_is_read_in_one_batch_where_the_endpoint_has_it() {
        use aws_sdk_athena::operation::batch_get_query_execution::BatchGetQueryExecutionOutput;
        use aws_sdk_athena::operation::list_query_executions::ListQueryExecutionsOutput;
        use lakeops::platform::Platform;
        let ids: Vec<String> = (0..30).map(|i| format!("q{i:02}")).collect();
        let listed = ids.clone();
        let list = mock!(Client::list_query_executions).then_output(move || {
            ListQueryExecutionsOutput::builder().set_query_execution_ids(Some(listed.clone())).build()
        });
        let query = |id: &str, minute: i64| {
            QueryExecution::builder()
                .query_execution_id(id)
                .query(format!("SELECT {minute}"))
                .status(
                    QueryExecutionStatus::builder()
                        .state(QueryExecutionState::Succeeded)
                        .submission_date_time(aws_smithy_types::DateTime::from_secs(1_774_000_000 + minute * 60))
                        .build(),
                )
                .build()
        };
        let batch = mock!(Client::batch_get_query_execution).then_output(move || {
            BatchGetQueryExecutionOutput::builder()
                .query_executions(query("q00", 1))
                .query_executions(query("q01", 2))
                .build()
        });
        let client = mock_client!(aws_sdk_athena, RuleMode::MatchAny, [&list, &batch]);
        let (_dir, _paths, _loaded, batched) = platform(client).await;
        let past = batched.query_history("ops").await.expect("history in a batch");
        let seen: Vec<(&str, &str)> = past.iter().map(|p| (p.status.id.as_str(), p.sql.as_str())).collect();
        assert_eq!(seen, [("q01", "SELECT 2"), ("q00", "SELECT 1")], "newest first");
        assert_eq!(batch.num_calls(), 1, "30 ids are one batch call");

        // An endpoint without BatchGetQueryExecution.
        let list = mock!(Client::list_query_executions).then_output(move || {
            ListQueryExecutionsOutput::builder().set_query_execution_ids(Some(ids.clone())).build()
        });
        let missing = mock!(Client::batch_get_query_execution).then_http_response(|| {
            aws_smithy_runtime_api::http::Response::new(
                500.try_into().unwrap(),
                aws_smithy_types::body::SdkBody::from("<html><title>500 Internal Server Error</title></html>"),
            )
        });
        let one =
            mock!(Client::get_query_execution).then_output(|| execution(QueryExecutionState::Succeeded, None, 10));
        let client = mock_client!(aws_sdk_athena, RuleMode::MatchAny, [&list, &missing, &one]);
        let (_dir2, _paths2, _loaded2, single) = platform(client).await;
        let past = single.query_history("ops").await.expect("history one by one");
        assert_eq!(past.len(), 20, "the 20 newest, one call each");
        // One BatchGetQueryExecution call: three HTTP attempts, the SDK retrying a 500.
        assert_eq!((missing.num_calls(), one.num_calls()), (3, 20));
        single.query_history("ops").await.expect("history again");
        assert_eq!((missing.num_calls(), one.num_calls()), (3, 40), "the batch call is not tried again");
    }

    #[tokio::test]
    async fn an_export_reads_the_pages_not_loaded_yet() {
        let second = mock!(Client::get_query_results)
            .match_requests(|r| r.next_token() == Some("p2"))
            .then_output(|| page(&["3"], None));
        let broken = mock!(Client::get_query_results)
            .match_requests(|r| r.next_token() == Some("broken"))
            .then_http_response(|| {
                aws_smithy_runtime_api::http::Response::new(
                    400.try_into().unwrap(),
                    aws_smithy_types::body::SdkBody::from("{}"),
                )
            });
        let client = mock_client!(aws_sdk_athena, RuleMode::MatchAny, [&second, &broken]);
        let (dir, _paths, _loaded, platform) = platform(client).await;
        let path = dir.path().join("all.json");
        let loaded = lakeops::session::query::LoadedRows {
            columns: vec![lakeops::model::ResultColumn { name: "n".into(), kind: "integer".into() }],
            rows: vec![vec![Some("1".into())], vec![Some("2".into())]],
            next_token: Some("p2".into()),
        };
        let (written, rows) =
            lakeops::session::query::export(&platform, "q1", path.to_str().unwrap(), true, loaded, false)
                .await
                .unwrap();
        assert_eq!((written, rows), (path.display().to_string(), 3));
        let value: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(value, serde_json::json!([{"n": 1}, {"n": 2}, {"n": 3}]));
        let whole = std::fs::read_to_string(&path).unwrap();

        // The file is there now: not replaced unless confirmed, and not by an export that breaks.
        let again = |token: &str| lakeops::session::query::LoadedRows {
            columns: vec![lakeops::model::ResultColumn { name: "n".into(), kind: "integer".into() }],
            rows: vec![vec![Some("9".into())]],
            next_token: Some(token.into()),
        };
        let file = path.to_str().unwrap();
        let asked = lakeops::session::query::export(&platform, "q1", file, true, again("p2"), false).await;
        assert_eq!(asked, Err(lakeops::session::query::ExportError::Exists(file.into())));
        let broke = lakeops::session::query::export(&platform, "q1", file, true, again("broken"), true).await;
        assert!(matches!(broke, Err(lakeops::session::query::ExportError::Failed(_))), "{broke:?}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), whole, "a broken export leaves the file as it was");
        assert_eq!(
            std::fs::read_dir(dir.path())
                .unwrap()
                .filter(|e| e.as_ref().unwrap().path().extension().is_some_and(|x| x == "part"))
                .count(),
            0
        );
        let replaced = lakeops::session::query::export(&platform, "q1", file, true, again("p2"), true).await;
        assert_eq!(replaced, Ok((file.to_string(), 2)));
        let failure = lakeops::session::query::export(
            &platform,
            "q1",
            "/nonexistent-dir/x.csv",
            false,
            lakeops::session::query::LoadedRows { columns: vec![], rows: vec![], next_token: None },
            false,
        )
        .await
        .unwrap_err();
        let lakeops::session::query::ExportError::Failed(failure) = failure else { panic!("{failure:?}") };
        assert!(failure.starts_with("cannot write /nonexistent-dir/x.csv"), "{failure}");
    }
}
