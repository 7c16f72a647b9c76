//! Glue on the AWS path against moto: jobs, runs, crawlers, databases, tables and partitions
//! read back; runs and crawls started and checked by reading moto; refusals with zero calls.
//! BatchStopJobRun and GetCrawlerMetrics, which moto does not serve, on mocked responses.

mod support;

use std::collections::HashMap;

use aws_sdk_glue::types::{Column, CrawlerTargets, ExecutionProperty, JobCommand, S3Target, StorageDescriptor};
use lakeops::aws::{AwsPlatform, ClientOptions};
use lakeops::cli::{ChangeArgs, GlueCommand};
use lakeops::headless::{glue, Failure};
use lakeops::platform::Platform;
use lakeops::settings::{Loaded, Paths};
use support::counting::Counting;
use support::moto::{credentials, hold_state, moto, sdk_config, unique};

struct Fixture {
    _dir: tempfile::TempDir,
    paths: Paths,
    loaded: Loaded,
    platform: Counting,
    client: aws_sdk_glue::Client,
    job: String,
    crawler: String,
}

async fn fixture(readonly: bool) -> Fixture {
    // Runs stay STARTING (moto would finish them at once), so concurrency can be tested.
    hold_state("glue::job_run", 1000);
    let client = aws_sdk_glue::Client::new(&sdk_config().await);
    let (job, crawler, database) = (unique("curate"), unique("raw"), unique("lake").replace('-', "_"));
    client
        .create_job()
        .name(&job)
        .role("arn:aws:iam::123456789012:role/glue")
        .command(JobCommand::builder().name("glueetl").script_location("s3://scripts/curate.py").build())
        .execution_property(ExecutionProperty::builder().max_concurrent_runs(1).build())
        .max_capacity(10.0)
        .send()
        .await
        .expect("CreateJob");
    client
        .create_crawler()
        .name(&crawler)
        .role("arn:aws:iam::123456789012:role/glue")
        .database_name(&database)
        .targets(CrawlerTargets::builder().s3_targets(S3Target::builder().path("s3://raw/events/").build()).build())
        .schedule("cron(30 * * * ? *)")
        .send()
        .await
        .expect("CreateCrawler");
    client
        .create_database()
        .database_input(aws_sdk_glue::types::DatabaseInput::builder().name(&database).build().unwrap())
        .send()
        .await
        .expect("CreateDatabase");
    let day = |d: &str| Column::builder().name(d).r#type("string").build().unwrap();
    let table = aws_sdk_glue::types::TableInput::builder()
        .name("events")
        .storage_descriptor(
            StorageDescriptor::builder()
                .location("s3://curated/events/")
                .input_format("org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat")
                .columns(Column::builder().name("event_time").r#type("timestamp").build().unwrap())
                .columns(Column::builder().name("user_id").r#type("string").build().unwrap())
                .build(),
        )
        .partition_keys(day("year"))
        .partition_keys(day("month"))
        .partition_keys(day("day"))
        .build()
        .unwrap();
    client.create_table().database_name(&database).table_input(table).send().await.expect("CreateTable");
    for d in ["19", "20", "21"] {
        let partition = aws_sdk_glue::types::PartitionInput::builder()
            .values("2026")
            .values("11")
            .values(d)
            .storage_descriptor(
                StorageDescriptor::builder()
                    .location(format!("s3://curated/events/year=2026/month=11/day={d}/"))
                    .build(),
            )
            .build();
        client
            .create_partition()
            .database_name(&database)
            .table_name("events")
            .partition_input(partition)
            .send()
            .await
            .expect("CreatePartition");
    }
    let (dir, paths) = support::temp_paths();
    let profile = format!(
        "name = \"moto-glue\"\nbackend = \"aws\"\n[aws]\nregion = \"us-east-1\"\nendpoint_url = \"{}\"\n[platform.glue]\njob = \"{job}\"\ncrawler = \"{crawler}\"\ndatabase = \"{database}\"\n[console]\nreadonly = {readonly}\n",
        moto().endpoint
    );
    let loaded = support::load_profile(dir.path(), &paths, &profile);
    let inner = AwsPlatform::connect(&loaded.settings, ClientOptions { credentials: Some(credentials()) }).await;
    Fixture { _dir: dir, paths, loaded, platform: Counting::new(inner), client, job, crawler }
}

const YES: ChangeArgs = ChangeArgs { dry_run: false, yes: true };

impl Fixture {
    async fn run(&self, command: GlueCommand) -> Result<String, Failure> {
        glue::run(&self.loaded, &self.paths, &self.platform, &command).await
    }

    fn start(&self, arguments: &[&str]) -> GlueCommand {
        let arguments = arguments.iter().map(|a| a.to_string()).collect();
        GlueCommand::Run { job: self.job.clone(), arguments, wait: false, change: YES }
    }

    async fn moto_runs(&self) -> Vec<aws_sdk_glue::types::JobRun> {
        self.client.get_job_runs().job_name(&self.job).send().await.expect("GetJobRuns").job_runs().to_vec()
    }
}

#[tokio::test]
async fn jobs_crawlers_and_the_catalog_are_read() {
    let f = fixture(false).await;
    let overview = f.platform.glue_overview().await.expect("glue overview");
    let job = &overview.jobs[0];
    assert_eq!((job.name.as_str(), job.max_concurrent_runs), (f.job.as_str(), 1));
    assert_eq!(job.capacity.as_deref(), Some("10 DPU"));
    assert!(job.runs.is_empty());
    let crawler = &overview.crawlers[0];
    assert_eq!((crawler.name.as_str(), crawler.state.as_str()), (f.crawler.as_str(), "READY"));
    assert_eq!(crawler.schedule.as_deref(), Some("cron(30 * * * ? *)"));
    let table = &overview.databases[0].tables[0];
    assert_eq!(table.name, "events");
    assert_eq!(table.format.as_deref(), Some("parquet"));
    assert_eq!(table.partition_keys, ["year", "month", "day"]);
    let columns: Vec<(&str, &str, bool)> =
        table.columns.iter().map(|c| (c.name.as_str(), c.kind.as_str(), c.partition_key)).collect();
    assert_eq!(
        columns,
        [
            ("event_time", "timestamp", false),
            ("user_id", "string", false),
            ("year", "string", true),
            ("month", "string", true),
            ("day", "string", true)
        ],
        "the columns the catalog browser and completion offer"
    );
    assert_eq!(table.partitions, Some(3));
    // moto does not serve GetCrawlerMetrics: said, not hidden, and the rest still shows.
    assert!(overview.warnings.iter().any(|w| w.contains("GetCrawlerMetrics")), "{:?}", overview.warnings);
}

#[tokio::test]
async fn a_run_is_started_with_arguments_and_a_second_is_refused_before_any_call() {
    let f = fixture(false).await;
    let out = f.run(f.start(&["day=2026-11-21"])).await.expect("start");
    let runs = f.moto_runs().await;
    assert_eq!(runs.len(), 1);
    let id = runs[0].id().unwrap();
    assert!(out.contains(&format!("run {id} started")), "{out}");
    let arguments: HashMap<String, String> = runs[0].arguments().cloned().unwrap_or_default();
    assert_eq!(arguments.get("--day").map(String::as_str), Some("2026-11-21"));
    let job = f.platform.glue_job(&f.job).await.unwrap().unwrap();
    assert_eq!(job.runs[0].id, id);
    assert!(job.runs[0].is_active(), "{}", job.runs[0].state);

    let before = f.platform.mutations();
    let refused = f.run(f.start(&[])).await.unwrap_err();
    assert_eq!(refused.exit_code(), 3);
    assert!(refused.message().contains("max concurrent runs") && refused.message().contains(id), "{refused:?}");
    assert_eq!(f.platform.mutations(), before, "no call was made");
    assert_eq!(f.moto_runs().await.len(), 1);
}

#[tokio::test]
async fn a_crawl_is_started_and_bad_names_are_bad_input() {
    let f = fixture(false).await;
    f.run(GlueCommand::Crawl { crawler: f.crawler.clone(), change: YES }).await.expect("crawl");
    let state = f.client.get_crawler().name(&f.crawler).send().await.unwrap().crawler().unwrap().state().cloned();
    assert_eq!(state.map(|s| s.as_str().to_string()).as_deref(), Some("RUNNING"));
    let refused = f.run(GlueCommand::Crawl { crawler: f.crawler.clone(), change: YES }).await.unwrap_err();
    assert_eq!(refused.exit_code(), 3, "{refused:?}");

    let before = f.platform.mutations();
    for command in [
        GlueCommand::Run { job: "no-such-job".into(), arguments: vec![], wait: false, change: YES },
        GlueCommand::Crawl { crawler: "no-such-crawler".into(), change: YES },
        GlueCommand::Stop { job: f.job.clone(), run_id: "jr_does_not_exist".into(), change: YES },
    ] {
        let failure = f.run(command.clone()).await.unwrap_err();
        assert_eq!(failure.exit_code(), 2, "{command:?}: {failure:?}");
    }
    assert_eq!(f.platform.mutations(), before);
}

#[tokio::test]
async fn read_only_makes_no_call() {
    let f = fixture(true).await;
    let refused = f.run(f.start(&[])).await.unwrap_err();
    assert_eq!(refused.exit_code(), 3);
    assert!(refused.message().starts_with("read-only mode"), "{refused:?}");
    assert_eq!(f.platform.mutations(), 0);
    assert!(f.moto_runs().await.is_empty());
}

mod mocked {
    //! What moto does not serve: BatchStopJobRun (also with its answer lost) and GetCrawlerMetrics.
    use aws_sdk_glue::operation::batch_stop_job_run::BatchStopJobRunOutput;
    use aws_sdk_glue::operation::get_crawler_metrics::GetCrawlerMetricsOutput;
    use aws_sdk_glue::operation::get_job_run::GetJobRunOutput;
    use aws_sdk_glue::types::{
        BatchStopJobRunError, BatchStopJobRunSuccessfulSubmission, CrawlerMetrics, ErrorDetail, JobRun, JobRunState,
    };
    use aws_sdk_glue::Client;
    use aws_smithy_mocks::{mock, mock_client, RuleMode};
    use lakeops::aws::glue::{change, crawler_metrics};
    use lakeops::model::{GlueChange, GlueCrawler};

    fn stop() -> GlueChange {
        GlueChange::StopJobRun { job: "curate".into(), run_id: "jr_1".into() }
    }

    #[tokio::test]
    async fn a_stop_is_sent_for_the_one_run_and_its_refusal_is_not_hidden() {
        let accepted = mock!(Client::batch_stop_job_run)
            .match_requests(|r| r.job_name() == Some("curate") && r.job_run_ids() == ["jr_1"])
            .then_output(|| {
                BatchStopJobRunOutput::builder()
                    .successful_submissions(
                        BatchStopJobRunSuccessfulSubmission::builder().job_name("curate").job_run_id("jr_1").build(),
                    )
                    .build()
            });
        let client = mock_client!(aws_sdk_glue, RuleMode::MatchAny, [&accepted]);
        assert_eq!(change(&client, &stop()).await.unwrap().answer(), "run jr_1 is STOPPING");

        // The batch call succeeds even when the run was not stopped: the error is in the body.
        let rejected = mock!(Client::batch_stop_job_run).then_output(|| {
            BatchStopJobRunOutput::builder()
                .errors(
                    BatchStopJobRunError::builder()
                        .job_name("curate")
                        .job_run_id("jr_1")
                        .error_detail(
                            ErrorDetail::builder()
                                .error_code("InvalidInputException")
                                .error_message("Job run jr_1 is not running \u{1b}[31m")
                                .build(),
                        )
                        .build(),
                )
                .build()
        });
        let client = mock_client!(aws_sdk_glue, RuleMode::MatchAny, [&rejected]);
        let error = change(&client, &stop()).await.unwrap_err().to_string();
        assert!(error.contains("InvalidInputException: Job run jr_1 is not running"), "{error}");
        assert!(!error.contains('\u{1b}'), "escape sequences never pass: {error:?}");
    }

    /// A client that retries as lakeops' own do (3 attempts), so a change sent once shows it.
    fn retrying(rules: &[&aws_smithy_mocks::Rule]) -> Client {
        mock_client!(aws_sdk_glue, RuleMode::MatchAny, rules.iter().copied(), |c| c
            .retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(3)))
    }

    fn run_in(state: JobRunState) -> GetJobRunOutput {
        GetJobRunOutput::builder().job_run(JobRun::builder().id("jr_1").job_run_state(state).build()).build()
    }

    #[tokio::test]
    async fn a_stop_whose_answer_is_lost_is_sent_once_and_read_back_from_the_run() {
        // moto serves no BatchStopJobRun: a 500 after the run was stopped, then GetJobRun.
        let lost = mock!(Client::batch_stop_job_run)
            .sequence()
            .http_status(500, Some(r#"{"__type":"InternalServiceException","message":"lost"}"#.into()))
            .repeatedly()
            .build();
        let stopping = mock!(Client::get_job_run)
            .match_requests(|r| r.job_name() == Some("curate") && r.run_id() == Some("jr_1"))
            .then_output(|| run_in(JobRunState::Stopping));
        let client = retrying(&[&lost, &stopping]);
        let applied = change(&client, &stop()).await.expect("the stop landed");
        assert_eq!(lost.num_calls(), 1, "BatchStopJobRun was sent once, not retried");
        assert_eq!(applied.answer(), "run jr_1 is STOPPING");
        let confirmation = applied.confirmation().unwrap_or_default();
        assert!(
            confirmation.starts_with("landed (confirmed by reading back: run jr_1 of curate is STOPPING)"),
            "{confirmation}"
        );

        // The run still RUNNING: the stop did not land, and that is what is said.
        let lost = mock!(Client::batch_stop_job_run)
            .sequence()
            .http_status(503, Some(r#"{"__type":"InternalServiceException","message":"lost"}"#.into()))
            .repeatedly()
            .build();
        let running = mock!(Client::get_job_run).then_output(|| run_in(JobRunState::Running));
        let client = retrying(&[&lost, &running]);
        let error = change(&client, &stop()).await.unwrap_err();
        assert_eq!(lost.num_calls(), 1);
        assert_eq!(error.outcome(), "did not land");
        assert!(error.to_string().contains("read back: run jr_1 of curate is RUNNING"), "{error}");
    }

    #[tokio::test]
    async fn crawler_metrics_fill_in_tables_created_and_updated() {
        let metrics =
            mock!(Client::get_crawler_metrics).match_requests(|r| r.crawler_name_list() == ["raw"]).then_output(|| {
                GetCrawlerMetricsOutput::builder()
                    .crawler_metrics_list(
                        CrawlerMetrics::builder().crawler_name("raw").tables_created(1).tables_updated(2).build(),
                    )
                    .build()
            });
        let client = mock_client!(aws_sdk_glue, RuleMode::MatchAny, [&metrics]);
        let mut crawlers = vec![GlueCrawler {
            name: "raw".into(),
            state: "READY".into(),
            database: None,
            schedule: None,
            last_status: None,
            last_crawl: None,
            last_error: None,
            tables_created: None,
            tables_updated: None,
            tables_deleted: None,
        }];
        crawler_metrics(&client, &mut crawlers).await.unwrap();
        assert_eq!((crawlers[0].tables_created, crawlers[0].tables_updated), (Some(1), Some(2)));
    }
}
