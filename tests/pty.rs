//! The real binary in a pseudo-terminal, driven by keys, read back through a vt100 parser.

mod support;

use std::time::{Duration, Instant};

use portable_pty::PtySize;

use support::pty::{nz, Pty};

/// lakeops in a pseudo-terminal of 100 × 30, with XDG directories of its own.
struct Console {
    pty: Pty,
    _dir: tempfile::TempDir,
    state_dir: std::path::PathBuf,
}

impl std::ops::Deref for Console {
    type Target = Pty;
    fn deref(&self) -> &Pty {
        &self.pty
    }
}

impl std::ops::DerefMut for Console {
    fn deref_mut(&mut self) -> &mut Pty {
        &mut self.pty
    }
}

impl Console {
    fn open(extra_env: &[(&str, &str)]) -> Console {
        Console::open_after(extra_env, |_| {})
    }

    /// Opens the console on the AWS profile `name` (its TOML `text`), with moto's test
    /// credentials and no AWS configuration of the machine's.
    fn open_profile(name: &str, text: &str) -> Console {
        let env = [
            ("LAKEOPS_PROFILE", name),
            ("AWS_ACCESS_KEY_ID", "testing"),
            ("AWS_SECRET_ACCESS_KEY", "testing"),
            ("AWS_CONFIG_FILE", "/nonexistent"),
            ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent"),
        ];
        Console::open_after(&env, |base| {
            let dir = base.join("config/lakeops/profiles");
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join(format!("{name}.toml")), text).unwrap();
        })
    }

    /// Opens the console after `prepare` has run with the XDG base (its `config/` and `state/`).
    fn open_after(extra_env: &[(&str, &str)], prepare: impl FnOnce(&std::path::Path)) -> Console {
        let dir = tempfile::tempdir().unwrap();
        prepare(dir.path());
        let (config, state) = (dir.path().join("config"), dir.path().join("state"));
        let mut env: Vec<(&str, &std::ffi::OsStr)> =
            vec![("XDG_CONFIG_HOME", config.as_os_str()), ("XDG_STATE_HOME", state.as_os_str())];
        env.extend(extra_env.iter().map(|(k, v)| (*k, std::ffi::OsStr::new(*v))));
        let pty = Pty::lakeops(&[], &env, 30, 100);
        let state_dir = dir.path().join("state/lakeops");
        Console { pty, _dir: dir, state_dir }
    }

    fn wait_for(&self, text: &str) -> String {
        self.wait_within(text, 10)
    }

    /// Waits until the header shows `label` followed by a time, and answers the time.
    fn header_within(&self, label: &str, seconds: u64) -> String {
        let deadline = Instant::now() + Duration::from_secs(seconds);
        loop {
            let screen = self.screen();
            if let Some(time) = header_time(&screen, label) {
                return time;
            }
            assert!(Instant::now() < deadline, "waited {seconds} s for {label:?} in the header:\n{screen}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

#[test]
fn opens_shows_the_overview_helps_and_quits_cleanly() {
    let started = Instant::now();
    let mut console = Console::open(&[]);
    let screen = console.wait_for("CloudTrail");
    for layer in ["Kinesis", "Lambda", "S3 lake", "Glue", "Redshift", "Athena", "CloudTrail", "Alarms"] {
        assert!(screen.contains(layer), "{layer} missing:\n{screen}");
    }
    assert!(screen.contains("profile sandbox"));
    assert!(started.elapsed() < Duration::from_secs(5));
    console.send("?");
    console.wait_for("Keys — Overview");
    console.send("?");
    console.send(":err\t\r");
    console.wait_for("No errors.");
    console.send("q");
    let status = console.wait_exit();
    assert!(status.success(), "exit {status:?}");
    console.assert_restored();
}

#[test]
fn sigterm_restores_the_terminal() {
    let mut console = Console::open(&[]);
    console.wait_for("CloudTrail");
    let pid = console.child.process_id().expect("pid");
    let killed = std::process::Command::new("kill").args(["-TERM", &pid.to_string()]).status().unwrap();
    assert!(killed.success());
    let status = console.wait_exit();
    assert!(status.success(), "SIGTERM is a clean quit: {status:?}");
    console.assert_restored();
    assert!(console.state_dir.join("sandbox/sandbox.json").is_file(), "the sandbox was saved on the way out");
}

#[test]
fn a_panic_restores_the_terminal_prints_and_logs_the_message() {
    let mut console = Console::open(&[("LAKEOPS_DEBUG_PANIC", "1")]);
    let status = console.wait_exit();
    assert!(!status.success());
    console.assert_restored();
    let screen = console.screen();
    assert!(screen.contains("panicking on purpose"), "{screen}");
    let log = std::fs::read_to_string(console.state_dir.join("lakeops.log")).expect("log file");
    assert!(log.contains("panic: ") && log.contains("panicking on purpose"), "{log}");
    assert_eq!(status.exit_code(), 101, "{status:?}");
    assert!(screen.contains("lakeops: the console stopped: "), "{screen}");
}

#[test]
fn a_panic_in_a_background_task_ends_the_console_cleanly() {
    // Not half alive: the terminal restored, the message said, the log written, exit 101.
    let mut console = Console::open(&[("LAKEOPS_DEBUG_PANIC", "task")]);
    console.wait_for("CloudTrail");
    // The sandbox saves as it is first read, then every 30 s: a save in the seconds after that
    // first one is the panic hook's, the one a build that aborts on panic (the published binary)
    // makes too. Each save replaces the file (a new inode). (Deleting the file would read as a
    // `sandbox reset` beside the console, which nothing saves over.)
    use std::os::unix::fs::MetadataExt;
    let saved = console.state_dir.join("sandbox/sandbox.json");
    let first = std::fs::metadata(&saved).expect("saved as first read").ino();
    console.send("?");
    let status = console.wait_exit();
    assert_eq!(status.exit_code(), 101, "{status:?}");
    console.assert_restored();
    let screen = console.screen();
    assert!(screen.contains("a background task panicked") && screen.contains("on purpose"), "{screen}");
    let log = std::fs::read_to_string(console.state_dir.join("lakeops.log")).expect("log file");
    assert!(log.contains("panic: ") && log.contains("a background task panics on purpose"), "{log}");
    assert_ne!(std::fs::metadata(&saved).unwrap().ino(), first, "the panic hook saved the sandbox");
}

/// A fault in the sandbox's engine (a panic inside DataFusion on input nobody foresaw) fails the
/// query that met it; the console goes on, its screen never torn down, and the log says why.
#[test]
fn a_panic_in_the_sandbox_engine_fails_its_query_and_the_console_goes_on() {
    let mut console = Console::open(&[("LAKEOPS_DEBUG_PANIC", "engine")]);
    console.wait_for("CloudTrail");
    console.send(":athena\r");
    console.wait_for("Write SQL above and run it with F5");
    console.send("SELECT 1");
    console.wait_for("SELECT 1");
    console.send("\x1b[15~");
    let screen = console.wait_within("GENERIC_INTERNAL_ERROR", 30);
    assert!(screen.contains("FAILED"), "{screen}");
    assert!(!screen.contains("panicked"), "the message stays in the log, off the screen: {screen}");
    // Still alive: the help opens and closes, then q quits cleanly.
    console.send("\x1b");
    std::thread::sleep(Duration::from_millis(150));
    console.send("?");
    console.wait_for("Keys — ");
    console.send("?");
    console.send("q");
    let status = console.wait_exit();
    assert!(status.success(), "exit {status:?}");
    console.assert_restored();
    let log = std::fs::read_to_string(console.state_dir.join("lakeops.log")).expect("log file");
    assert!(log.contains("the sandbox engine's worker ended without an answer") && log.contains("on purpose"), "{log}");
}

#[test]
fn a_terminal_too_small_says_so() {
    let mut console = Console::open(&[]);
    console.wait_for("CloudTrail");
    // Shrink the terminal the way a window manager would: the pty signals the new size.
    console.parser.lock().unwrap().screen_mut().set_size(nz(20), nz(60));
    console.master.resize(PtySize { rows: 20, cols: 60, pixel_width: 0, pixel_height: 0 }).unwrap();
    console.wait_for("terminal too small");
    console.parser.lock().unwrap().screen_mut().set_size(nz(30), nz(100));
    console.master.resize(PtySize { rows: 30, cols: 100, pixel_width: 0, pixel_height: 0 }).unwrap();
    console.wait_for("CloudTrail");
    console.send("q");
    assert!(console.wait_exit().success());
}

/// Every view of the pipeline opens in the real binary, and a Glue change made from `:glue`
/// is confirmed, made and journaled: at a quarter past, a new run; two minutes past the hour,
/// while the scheduled run still goes, the job is at its one concurrent run and the run is
/// stopped instead.
#[test]
fn the_pipeline_views_open_and_glue_changes_are_made_from_the_console() {
    assert_eq!(glue_change_from_the_console("2026-03-20T14:15:00Z"), "glue.start-job-run");
    assert_eq!(glue_change_from_the_console("2026-03-20T14:02:00Z"), "glue.stop-job-run");
}

fn glue_change_from_the_console(start: &str) -> &'static str {
    let mut console = Console::open(&[("LAKEOPS_SANDBOX_START", start)]);
    console.wait_for("CloudTrail");
    for (view, text) in [
        ("lambda", "log — errors and timeouts"),
        ("redshift", "Redshift Serverless workgroup"),
        ("alarms", "Dead-letter queue"),
        ("pipeline", "producers"),
        ("glue", "RUNS → newest, ┊ change"),
    ] {
        console.send(&format!(":{view}\r"));
        console.wait_for(text);
    }
    console.send("s");
    let dialog = console.wait_for("Start a run of clickstream-curate");
    let action = if dialog.contains("max concurrent runs") {
        console.send("\x1b");
        std::thread::sleep(Duration::from_millis(150));
        console.send("\tx");
        console.wait_for("BatchStopJobRun on clickstream-curate");
        console.send("\r");
        console.wait_for("is STOPPING");
        "glue.stop-job-run"
    } else {
        console.send("\r");
        console.wait_for("StartJobRun: run jr_");
        "glue.start-job-run"
    };
    console.send("q");
    assert!(console.wait_exit().success());
    console.assert_restored();
    let journal = std::fs::read_to_string(console.state_dir.join("journal.jsonl")).expect("journal written");
    assert!(journal.contains(&format!("\"action\":\"{action}\"")), "{journal}");
    assert!(journal.contains("\"outcome\":\"done: run jr_"), "{journal}");
    action
}

#[test]
fn a_query_typed_in_the_athena_pane_runs_on_the_sandbox_lake() {
    let mut console = Console::open(&[("LAKEOPS_SANDBOX_START", "2026-03-20T14:15:00Z")]);
    console.wait_for("CloudTrail");
    console.send(":athena\r");
    console.wait_for("Write SQL above and run it with F5");
    console.send("SELECT device_type, count(*) AS events\rFROM events WHERE day = '19'\rGROUP BY 1 ORDER BY 2 DESC");
    console.wait_for("GROUP BY 1 ORDER BY 2 DESC");
    console.send("\x1b[15~");
    // The first query writes the lake's three days first (a few seconds in a debug build).
    console.wait_within("SUCCEEDED in", 60);
    let screen = console.wait_for("· 3 rows");
    let rows: Vec<&str> =
        screen.lines().filter(|l| l.contains("mobile") || l.contains("desktop") || l.contains("tablet")).collect();
    assert_eq!(rows.len(), 3, "{screen}");
    assert!(rows[0].contains("mobile"), "the busiest device first: {screen}");
    // Esc leaves the editor (alone: Esc then q at once would read as Alt-q); then q quits.
    console.send("\x1b");
    std::thread::sleep(Duration::from_millis(150));
    console.send("q");
    assert!(console.wait_exit().success());
    console.assert_restored();
    let history = std::fs::read_to_string(console.state_dir.join("query-history.jsonl")).expect("history written");
    assert!(history.contains("SELECT device_type, count(*) AS events"), "{history}");
}

/// `:stack` on the sandbox with a profile that wants 6 shards: `a` plans and asks, enter
/// applies, the stack settles at UPDATE_COMPLETE with the stream resharded; journaled.
#[test]
fn a_plan_is_applied_from_the_stack_view() {
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("lab.toml");
    let lab = |shards: &str| format!("name = \"lab\"\nbackend = \"sandbox\"\n{shards}[sandbox]\nspeed = 60.0\n");
    let mut console = Console::open_after(&[("LAKEOPS_PROFILE", profile.to_str().unwrap())], |base| {
        // The sandbox starts from the profile with 4 shards (a headless command creates it)…
        std::fs::write(&profile, lab("")).unwrap();
        let status = std::process::Command::new(support::binary())
            .args(["--profile", profile.to_str().unwrap(), "status"])
            .env("XDG_CONFIG_HOME", base.join("config"))
            .env("XDG_STATE_HOME", base.join("state"))
            .output()
            .unwrap();
        assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
        // …then the profile asks for 6.
        std::fs::write(&profile, lab("[platform.stream]\nshards = 6\n")).unwrap();
    });
    console.wait_for("CloudTrail");
    console.send(":stack\r");
    console.wait_for("CREATE_COMPLETE");
    console.send("a");
    let screen = console.wait_for("Apply to clickstream");
    assert!(screen.contains("0 to add, 1 to change, 0 to remove"), "{screen}");
    assert!(screen.contains("~ Stream AWS::Kinesis::Stream (ShardCount 4 → 6)"), "{screen}");
    console.send("\r");
    console.wait_within("apply finished: clickstream UPDATE_COMPLETE", 60);
    console.send("q");
    assert!(console.wait_exit().success());
    console.assert_restored();
    let journal = std::fs::read_to_string(console.state_dir.join("journal.jsonl")).expect("journal written");
    assert!(journal.contains("\"stack.apply\"") && journal.contains("\"stack.plan\""), "{journal}");
}

/// The header's data time, "data 03:41:07 UTC" or "STALE since 03:41:07 UTC": the time.
fn header_time(screen: &str, label: &str) -> Option<String> {
    let header = screen.lines().next()?;
    let at = header.find(label)? + label.len();
    header.get(at..at + 8).map(str::to_string)
}

/// With the endpoint gone the header says STALE since the last good read, and that time stays
/// put while nothing is read; when the endpoint returns, the data is read again within one
/// refresh (no back-off piled up meanwhile). A moto of the test's own, stopped and started.
#[test]
fn an_endpoint_that_goes_away_is_stale_since_the_last_read_and_recovers_within_a_refresh() {
    use support::moto::{unique, OwnMoto};
    let mut moto = OwnMoto::start();
    let stream = unique("stale-events");
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let create_stream = |moto: &OwnMoto| {
        runtime.block_on(async {
            let kinesis = aws_sdk_kinesis::Client::new(&moto.sdk_config().await);
            kinesis.create_stream().stream_name(&stream).shard_count(1).send().await.expect("CreateStream");
        })
    };
    create_stream(&moto);
    let profile = format!(
        "name = \"stale\"\nbackend = \"aws\"\n[aws]\nregion = \"us-east-1\"\nendpoint_url = \"{}\"\nmax_attempts = 1\n\
         [platform.stream]\nname = \"{stream}\"\n[console]\nrefresh_seconds = 1\n",
        moto.endpoint
    );
    let mut console = Console::open_profile("stale", &profile);
    let read = console.header_within("data ", 30);

    moto.stop();
    let since = console.header_within("STALE since ", 5);
    assert!(since >= read, "STALE since {since}, the last read shown at {read}");
    // Several failed refreshes later the time has not moved: nothing was read.
    std::thread::sleep(Duration::from_secs(8));
    let screen = console.screen();
    assert_eq!(header_time(&screen, "STALE since ").as_deref(), Some(since.as_str()), "{screen}");

    moto.restart();
    create_stream(&moto);
    let back = Instant::now();
    let read_again = console.header_within("data ", 5);
    assert!(read_again > since, "data {read_again} after STALE since {since}");
    assert!(back.elapsed() < Duration::from_secs(4), "recovered after {:?}", back.elapsed());
    console.send("q");
    console.wait_exit();
}

/// `:workflows` on the sandbox: the nightly state machine's executions, and an execution started
/// from the console with `s`, confirmed, made and journaled.
#[test]
fn an_execution_is_started_from_the_workflows_view() {
    let mut console = Console::open(&[("LAKEOPS_SANDBOX_START", "2026-03-20T14:15:00Z")]);
    console.wait_for("Orchestration");
    console.send(":workflows\r");
    console.wait_for("scheduled-20260320T0240Z");
    console.send("s");
    console.wait_for("StartExecution of clickstream-nightly");
    console.send("\r");
    console.wait_for("RUNNING     clickstream-nightly");
    console.send("q");
    assert!(console.wait_exit().success());
    console.assert_restored();
    let journal = std::fs::read_to_string(console.state_dir.join("journal.jsonl")).expect("journal written");
    assert!(journal.contains("\"action\":\"states.start-execution\""), "{journal}");
    assert!(journal.contains("\"outcome\":\"done: execution arn:aws:states:"), "{journal}");
}

/// On moto, a profile naming a state machine with an aborted execution and an EMR cluster with a
/// step: the console shows both layers (the aborted execution a warning, the step running), and
/// `:emr` lists the step.
#[test]
fn the_orchestration_and_emr_layers_show_on_moto() {
    use aws_sdk_emr::types::{
        HadoopJarStepConfig, InstanceGroupConfig, InstanceRoleType, JobFlowInstancesConfig, StepConfig,
    };
    use support::moto::{moto, sdk_config, unique};
    let (machine, cluster) = (unique("nightly"), unique("spark"));
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    runtime.block_on(async {
        let config = sdk_config().await;
        let sfn = aws_sdk_sfn::Client::new(&config);
        let definition = r#"{"StartAt": "Run", "States": {"Run": {"Type": "Pass", "End": true}}}"#;
        let arn = sfn
            .create_state_machine()
            .name(&machine)
            .definition(definition)
            .role_arn("arn:aws:iam::123456789012:role/states")
            .send()
            .await
            .expect("CreateStateMachine")
            .state_machine_arn;
        let execution = sfn.start_execution().state_machine_arn(&arn).send().await.expect("StartExecution");
        sfn.stop_execution().execution_arn(&execution.execution_arn).send().await.expect("StopExecution");
        let emr = aws_sdk_emr::Client::new(&config);
        let group = |role, kind: &str, n| {
            InstanceGroupConfig::builder().instance_role(role).instance_type(kind).instance_count(n).build()
        };
        let step = StepConfig::builder()
            .name("compact-curated")
            .hadoop_jar_step(HadoopJarStepConfig::builder().jar("command-runner.jar").args("spark-submit").build())
            .build();
        emr.run_job_flow()
            .name(&cluster)
            .release_label("emr-7.1.0")
            .instances(
                JobFlowInstancesConfig::builder()
                    .instance_groups(group(InstanceRoleType::Master, "m5.xlarge", 1))
                    .keep_job_flow_alive_when_no_steps(true)
                    .build(),
            )
            .steps(step)
            .job_flow_role("EMR_EC2_DefaultRole")
            .service_role("EMR_DefaultRole")
            .send()
            .await
            .expect("RunJobFlow");
    });
    let profile = format!(
        "name = \"layers\"\nbackend = \"aws\"\n[aws]\nregion = \"us-east-1\"\nendpoint_url = \"{}\"\n\
         [platform.orchestration]\nnightly = false\nstate_machines = [\"{machine}\"]\n\
         [platform.emr]\nmode = \"cluster\"\nname = \"{cluster}\"\n",
        moto().endpoint
    );
    let mut console = Console::open_profile("layers", &profile);
    let screen = console.wait_within("step compact-curated RUNNING", 30);
    assert!(screen.contains("Orchestration") && screen.contains("ABORTED"), "{screen}");
    assert!(screen.contains("EMR"), "{screen}");
    console.send(":emr\r");
    console.wait_within("  compact-curated", 15);
    console.send("q");
    assert!(console.wait_exit().success());
    console.assert_restored();
}

/// The sandbox profile's fifteen layers fit the 100×30 console a line each; each added layer's
/// view opens from the command line, and `:glue`'s catalog says who may read the selected table.
#[test]
fn the_added_layers_show_and_their_views_open_on_the_sandbox_and_a_refresh_runs_now() {
    let mut console = Console::open(&[("LAKEOPS_SANDBOX_START", "2026-03-20T14:15:00Z")]);
    let screen = console.wait_for("QuickSight");
    for layer in ["MSK", "Sources", "Firehose", "OpenSearch", "QuickSight", "Alarms"] {
        assert!(screen.contains(layer), "{layer} in the overview:\n{screen}");
    }
    assert!(screen.contains("REASON (the selected layer's numbers below)"), "one line a layer:\n{screen}");
    console.send(":firehose\r");
    console.wait_for("clickstream-delivery");
    console.send(":sources\r");
    console.wait_for("salesforce-accounts");
    // The DMS task replicates: nothing to resume, said in the dialog.
    console.send("s");
    console.wait_for("nothing to resume");
    console.send("\x1b");
    console.wait_for("s run now");
    // A refresh asked for runs now, listed under its dataset.
    console.send(":quicksight\r");
    console.wait_for("clickstream-funnel");
    console.send("s");
    console.wait_for("manual refreshes in the last 24 hours: 0 of 32");
    console.send("\r");
    console.wait_for("CreateIngestion: refresh lakeops-");
    console.wait_for("RUNNING");
    console.send(":opensearch\r");
    console.wait_for("JVM memory pressure");
    console.send(":glue\r");
    console.wait_for("Catalog");
    console.send("\t\t\t");
    console.wait_for("clickstream-analysts: all columns but user");
    console.send("q");
    assert!(console.wait_exit().success());
    console.assert_restored();
}

/// On moto, a profile watching a delivery stream and an OpenSearch domain: the console shows both
/// layers from real reads (the domain red from its CloudWatch status), and `:firehose` lists the
/// stream with where it delivers.
#[test]
fn the_firehose_and_opensearch_layers_show_on_moto() {
    use aws_sdk_cloudwatch::types::{Dimension, MetricDatum};
    use aws_sdk_firehose::types::{CompressionFormat, ExtendedS3DestinationConfiguration};
    use support::moto::{moto, sdk_config, unique};
    let (delivery, domain) = (unique("delivery"), unique("logs").to_lowercase().replace('_', "-"));
    let domain: String = domain.chars().take(28).collect();
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    runtime.block_on(async {
        let config = sdk_config().await;
        let destination = ExtendedS3DestinationConfiguration::builder()
            .role_arn("arn:aws:iam::123456789012:role/firehose")
            .bucket_arn("arn:aws:s3:::moto-raw")
            .prefix("firehose/")
            .compression_format(CompressionFormat::Uncompressed)
            .build()
            .unwrap();
        aws_sdk_firehose::Client::new(&config)
            .create_delivery_stream()
            .delivery_stream_name(&delivery)
            .extended_s3_destination_configuration(destination)
            .send()
            .await
            .expect("CreateDeliveryStream");
        aws_sdk_opensearch::Client::new(&config)
            .create_domain()
            .domain_name(&domain)
            .send()
            .await
            .expect("CreateDomain");
        let account = aws_sdk_sts::Client::new(&config).get_caller_identity().send().await.unwrap().account.unwrap();
        let now = chrono::Utc::now().timestamp();
        let datum = MetricDatum::builder()
            .metric_name("ClusterStatus.red")
            .timestamp(aws_smithy_types::DateTime::from_secs(now - now.rem_euclid(60) - 50))
            .value(1.0)
            .dimensions(Dimension::builder().name("DomainName").value(&domain).build())
            .dimensions(Dimension::builder().name("ClientId").value(account).build())
            .build();
        let cloudwatch = aws_sdk_cloudwatch::Client::new(&config);
        cloudwatch.put_metric_data().namespace("AWS/ES").metric_data(datum).send().await.expect("PutMetricData");
    });
    let profile = format!(
        "name = \"served\"\nbackend = \"aws\"\n[aws]\nregion = \"us-east-1\"\nendpoint_url = \"{}\"\n\
         [platform.orchestration]\nnightly = false\n\
         [platform.firehose]\ndelivery_streams = [\"{delivery}\"]\n[platform.opensearch]\ndomain = \"{domain}\"\n",
        moto().endpoint
    );
    let mut console = Console::open_profile("served", &profile);
    let screen = console.wait_within(&format!("{domain} is red"), 30);
    assert!(screen.contains("Firehose"), "{screen}");
    console.send(":firehose\r");
    console.wait_within("s3://moto-raw/firehose/", 15);
    console.send("q");
    assert!(console.wait_exit().success());
    console.assert_restored();
}

/// The incident's first question in one key (issue 17): with `consumer-errors` on, the Lambda
/// charts mark the deploy CloudTrail recorded when the fault began, the line under them names it,
/// and `C` opens it in `:audit`.
#[test]
fn the_change_before_the_errors_is_marked_on_the_lambda_charts_and_opens_in_audit() {
    const START: &str = "2026-03-20T14:15:00Z";
    let mut console = Console::open_after(&[("LAKEOPS_SANDBOX_START", START)], |base| {
        let fault = std::process::Command::new(support::binary())
            .args(["sandbox", "fault", "consumer-errors", "--yes"])
            .env("XDG_CONFIG_HOME", base.join("config"))
            .env("XDG_STATE_HOME", base.join("state"))
            .env("LAKEOPS_SANDBOX_START", START)
            .env_remove("LAKEOPS_PROFILE")
            .output()
            .expect("run lakeops sandbox fault");
        assert!(fault.status.success(), "{}", String::from_utf8_lossy(&fault.stderr));
    });
    console.wait_for("QuickSight");
    console.send(":lambda\r");
    console.wait_for("clickstream-ingest — charts 1 h");
    let screen = console.wait_for("▲ 14:15 ci-deployer UpdateFunctionCode clickstream-ingest (CloudTrail)");
    let charts: Vec<&str> = screen.lines().filter(|l| l.contains("•")).collect();
    // Two rows of two charts, each row with the named change's dots.
    assert!(charts.len() >= 4, "the change's dotted column on the charts:\n{screen}");
    console.send("C");
    console.wait_for("Audit — last 1 h");
    console.wait_for("UpdateFunctionCode");
    console.send("q");
    assert!(console.wait_exit().success());
    console.assert_restored();
}
