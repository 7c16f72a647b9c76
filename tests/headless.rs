//! Headless subcommands through the real binary: output, exit codes, confirmation,
//! read-only refusals and the journal.

mod support;

use std::process::{Command, Output, Stdio};

struct Home {
    dir: tempfile::TempDir,
    /// The sandbox's clock start (`LAKEOPS_SANDBOX_START`), for tests that depend on its
    /// hourly schedules.
    start: Option<&'static str>,
}

/// Quarter past: the hour's scheduled ETL run has ended, the crawler (at :30) has not begun.
const QUIET_QUARTER: &str = "2026-03-20T14:15:00Z";

impl Home {
    fn new() -> Home {
        Home { dir: tempfile::tempdir().unwrap(), start: None }
    }

    fn at(start: &'static str) -> Home {
        Home { start: Some(start), ..Home::new() }
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).stdin(Stdio::null()).output().expect("run lakeops")
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(support::binary());
        match self.start {
            Some(start) => command.env("LAKEOPS_SANDBOX_START", start),
            None => command.env_remove("LAKEOPS_SANDBOX_START"),
        };
        command
            .args(args)
            .env("XDG_CONFIG_HOME", self.dir.path().join("config"))
            .env("XDG_STATE_HOME", self.dir.path().join("state"))
            .env_remove("LAKEOPS_PROFILE");
        command
    }

    fn journal(&self) -> Vec<serde_json::Value> {
        std::fs::read_to_string(self.dir.path().join("state/lakeops/journal.jsonl"))
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn status_prints_every_layer_and_json_is_only_json() {
    let home = Home::new();
    let out = home.run(&["status"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    for layer in lakeops::model::Layer::ALL.map(|l| l.title()) {
        assert!(text.contains(layer), "{layer}: {text}");
    }
    let out = home.run(&["status", "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(json["backend"], "sandbox");
    // The sandbox profile watches every layer: fifteen, in pipeline order (`Layer::ALL`).
    let layers: Vec<&str> = json["layers"].as_array().unwrap().iter().map(|l| l["layer"].as_str().unwrap()).collect();
    assert_eq!(
        layers,
        [
            "kinesis",
            "msk",
            "sources",
            "firehose",
            "lambda",
            "lake",
            "glue",
            "orchestration",
            "processing",
            "redshift",
            "athena",
            "opensearch",
            "quicksight",
            "cloudtrail",
            "alarms"
        ]
    );
    assert!(["ok", "warn", "critical", "unknown"].contains(&json["overall"].as_str().unwrap()));
    assert!(out.stderr.is_empty());
    // Every unit a number is in is one docs/status-json.md lists; a number that is only a word
    // (a state) has no value and no unit.
    let docs = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/status-json.md")).unwrap();
    let listed = docs.split("Units used:").nth(1).and_then(|rest| rest.split(". ").next()).unwrap().replace('\n', " ");
    // The sandbox profile as it is, and with EMR Serverless instead of a cluster.
    let serverless = home.command(&["status", "--json"]).env("LAKEOPS_PLATFORM__EMR__MODE", "serverless").output();
    let serverless: serde_json::Value = serde_json::from_slice(&serverless.unwrap().stdout).expect("JSON");
    assert!(serverless["layers"].to_string().contains("jobs/h"), "the serverless processing layer is read");
    for layer in json["layers"].as_array().unwrap().iter().chain(serverless["layers"].as_array().unwrap()) {
        for number in layer["numbers"].as_array().unwrap() {
            match number["unit"].as_str().unwrap() {
                "" => assert!(number["value"].is_null(), "{number}"),
                unit => assert!(listed.contains(&format!("`{unit}`")), "{unit} ({number}) is not in: {listed}"),
            }
        }
    }
}

#[test]
fn a_fault_needs_confirmation_and_is_journaled() {
    let home = Home::new();
    let out = home.run(&["sandbox", "fault", "consumer-errors"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("not confirmed: stdin is not a terminal; pass --yes"));
    let out = home.run(&["sandbox", "fault", "consumer-errors", "--yes"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("Fault consumer-errors is on"));
    let out = home.run(&["sandbox", "fault", "consumer-errors", "--yes"]);
    assert!(stdout(&out).contains("was already on"));
    let journal = home.journal();
    assert_eq!(journal.len(), 3);
    assert!(journal[0]["outcome"].as_str().unwrap().starts_with("refused"));
    assert_eq!(journal[1]["action"], "sandbox.fault");
    assert_eq!(journal[1]["outcome"], "done");
    let out = home.run(&["sandbox", "fault", "consumer-errors", "--off", "--yes"]);
    assert!(stdout(&out).contains("is off"));
}

#[test]
fn read_only_refuses_every_change() {
    let home = Home::new();
    let out = home.run(&["--readonly", "sandbox", "fault", "hot-key", "--yes"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("read-only mode"), "{}", stderr(&out));
    let out = home.run(&["--readonly", "sandbox", "reset", "--yes"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(home.journal().iter().all(|e| e["outcome"].as_str().unwrap().starts_with("refused")));
}

#[test]
fn reset_removes_the_saved_state() {
    let home = Home::new();
    assert!(home.run(&["status"]).status.success());
    let state = home.dir.path().join("state/lakeops/sandbox/sandbox.json");
    assert!(state.is_file());
    let out = home.run(&["sandbox", "reset", "--yes"]);
    assert!(out.status.success());
    assert!(stdout(&out).contains("reset"));
    assert!(!state.exists());
}

#[test]
fn sandbox_commands_refuse_aws_profiles() {
    let home = Home::new();
    let out = home.run(&["--profile", "localstack", "sandbox", "reset", "--yes"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("sandbox commands work on sandbox profiles only"));
}

#[test]
fn profiles_themes_and_completions() {
    let home = Home::new();
    let profiles = home.dir.path().join("config/lakeops/profiles");
    std::fs::create_dir_all(&profiles).unwrap();
    std::fs::write(profiles.join("staging.toml"), "name = \"staging\"\n").unwrap();
    let out = home.run(&["profiles"]);
    let text = stdout(&out);
    assert!(text.contains("staging") && text.contains("sandbox") && text.contains("production"), "{text}");
    let out = home.run(&["themes"]);
    assert!(stdout(&out).contains("high-contrast"));
    for shell in ["bash", "zsh", "fish"] {
        let out = home.run(&["completions", shell]);
        assert!(out.status.success());
        assert!(stdout(&out).contains("lakeops"));
    }
    let out = home.run(&["completions", "tcsh"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn reshard_plans_asks_and_follows_the_change() {
    let home = Home::new();
    let out = home.run(&["reshard", "clickstream-events", "--to", "6", "--dry-run"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("open shards: 4 → 6"));
    // Without --yes and without a terminal: refused, nothing changed.
    let out = home.run(&["reshard", "clickstream-events", "--to", "6"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("not confirmed"));
    let out = home.run(&["--speed", "60", "reshard", "clickstream-events", "--to", "6", "--yes"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("clickstream-events is ACTIVE with 6 open shards"), "{}", stdout(&out));
    // The next run sees the change (state persists), and the trail counts the scaling.
    let out = home.run(&["status", "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let shards =
        json["layers"][0]["numbers"].as_array().unwrap().iter().find(|n| n["label"] == "shards").unwrap().clone();
    assert_eq!(shards["value"], 6.0);
    let actions: Vec<String> = home.journal().iter().map(|e| format!("{} {}", e["action"], e["outcome"])).collect();
    assert_eq!(actions.len(), 2, "{actions:?}");
    assert!(actions[0].contains("refused") && actions[1].ends_with("\"done\""), "{actions:?}");
}

#[test]
fn reshard_bad_input_exit_codes() {
    let home = Home::new();
    let out = home.run(&["reshard", "clickstream-events", "--to", "20", "--yes"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("from 4 open shards UpdateShardCount can go to 2–8, not 20"), "{}", stderr(&out));
    let out = home.run(&[
        "reshard",
        "clickstream-events",
        "--merge",
        "shardId-000000000000",
        "shardId-000000000002",
        "--yes",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let out = home.run(&["reshard", "clickstream-events", "--split", "shardId-000000000000", "--at", "0", "--yes"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("split key strictly inside the range"));
    let out = home.run(&["reshard", "clickstream-events"]);
    assert_eq!(out.status.code(), Some(2), "clap: one change is required");
    // --at is a split's key: beside another change it was ignored, exit 0.
    let out = home.run(&["reshard", "clickstream-events", "--to", "5", "--at", "5", "--dry-run"]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(stderr(&out).contains("cannot be used with '--at <HASH_KEY>'"), "{}", stderr(&out));
    let out = home.run(&["reshard", "clickstream-events", "--to", "x"]);
    assert_eq!(out.status.code(), Some(2));
    let out = home.run(&["--readonly", "reshard", "clickstream-events", "--to", "5", "--yes"]);
    assert_eq!(out.status.code(), Some(3));
    // A refusal is journaled with what was asked; a dry run's is not (it only asked for a plan).
    let out = home.run(&["reshard", "clickstream-events", "--to", "20", "--dry-run"]);
    assert_eq!(out.status.code(), Some(2));
    let refused: Vec<String> = home
        .journal()
        .iter()
        .filter(|e| e["action"] == "reshard.update-shard-count" && e["detail"] == "to 20 shards")
        .map(|e| e["outcome"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(refused.len(), 1, "the --yes one, not the --dry-run one: {refused:?}");
}

#[test]
fn peek_prints_records_and_refuses_bad_input() {
    let home = Home::new();
    let out = home.run(&["peek", "clickstream-events", "--from", "trim-horizon", "--limit", "4", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 4);
    assert!(json[0]["sequence"].is_string() && json[0]["data_base64"].is_string());
    let out = home.run(&["peek", "clickstream-events", "--from", "trim-horizon", "--limit", "2"]);
    assert!(stdout(&out).contains("shardId-"), "{}", stdout(&out));
    for (args, text) in [
        (vec!["peek", "nope"], "no stream named \"nope\""),
        (vec!["peek", "clickstream-events", "--shard", "shardId-9"], "has no shard shardId-9"),
        (vec!["peek", "clickstream-events", "--from", "soon"], "--from: expected latest"),
        (vec!["peek", "clickstream-events", "--limit", "0"], "--limit: expected 1 to 10000"),
    ] {
        let out = home.run(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains(text), "{}", stderr(&out));
    }
}

#[test]
fn audit_lists_changes_with_the_journal_merged_in() {
    let home = Home::new();
    assert!(home.run(&["sandbox", "fault", "hot-key", "--yes"]).status.success());
    let out = home.run(&["audit", "--since", "4h", "--writes", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let events: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(events.iter().all(|e| e["read_only"] == false));
    let fault = events.iter().find(|e| e["from_journal"] == true && e["event"] == "sandbox.fault");
    let fault = fault.unwrap_or_else(|| panic!("the journal's line: {events:?}"));
    assert_eq!((&fault["record"]["detail"], &fault["record"]["outcome"]), (&"on".into(), &"done".into()), "{fault}");
    assert!(home.run(&["sandbox", "fault", "hot-key", "--off", "--yes"]).status.success());
    let out = home.run(&["audit", "--since", "4h", "--lakeops", "--resource", "hot-key"]);
    let text = stdout(&out);
    let marks: Vec<&str> = text.lines().skip(1).map(|l| l.trim_end().rsplit("  ").next().unwrap()).collect();
    assert_eq!(marks, ["journal · off", "journal · on"], "which way the fault went: {text}");
    // CloudTrail records the change the incident starts from (the producer's deploy), not that a
    // fault was turned on: the rehearsal is finding the cause.
    let cause = events.iter().find(|e| e["from_journal"] == false && e["event"] == "UpdateFunctionCode");
    let cause = cause.unwrap_or_else(|| panic!("the producer's deploy in CloudTrail: {events:?}"));
    assert_eq!(
        (cause["user"].as_str(), cause["resource"].as_str()),
        (Some("ci-deployer"), Some("clickstream-producer"))
    );
    assert!(!events.iter().any(|e| e["event"] == "FaultOn" || e["source"] == "lakeops.sandbox"), "{events:?}");
    // A user is matched by the whole name, as CloudTrail's lookup matches it.
    let out = home.run(&["audit", "--since", "4h", "--user", "alice.ops"]);
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().skip(1).collect();
    assert!(!lines.is_empty() && lines.iter().all(|l| l.contains(" alice.ops ")), "{text}");
    let out = home.run(&["audit", "--since", "4h", "--user", "alice"]);
    assert!(stdout(&out).starts_with("no events since"), "part of a name is not the name: {}", stdout(&out));
    let out = home.run(&["audit", "--user", ""]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let out = home.run(&["audit", "--since", "100d"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("at most 90d"));
}

/// `glue run --wait` follows the run to its end; a run that fails exits 1 with how it ended on
/// stderr, and the plan and the run's id stay on stdout, as when it succeeds.
#[test]
fn glue_run_wait_keeps_the_run_id_on_stdout_when_the_run_fails() {
    let home = Home::at(QUIET_QUARTER);
    assert!(home.run(&["sandbox", "fault", "etl-failure", "--yes"]).status.success());
    let out = home.run(&["--speed", "600", "glue", "run", "clickstream-curate", "--yes", "--wait"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with("plan:\n") && text.lines().any(|l| l.starts_with("run jr_") && l.ends_with(" started")),
        "{text}"
    );
    assert!(stderr(&out).contains("ended FAILED"), "{}", stderr(&out));
    assert!(!stderr(&out).contains("plan:"), "the plan is not repeated as the error: {}", stderr(&out));
}

#[test]
fn glue_run_stop_and_crawl_are_checked_confirmed_and_journaled() {
    let home = Home::at(QUIET_QUARTER);
    // Not confirmed without a terminal: nothing changes.
    let out = home.run(&["glue", "run", "clickstream-curate", "--arg", "day=2026-11-21"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("pass --yes"));
    let out = home.run(&["glue", "run", "clickstream-curate", "--arg", "day=2026-11-21", "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("argument --day = 2026-11-21"), "{}", stdout(&out));
    let run_id =
        stdout(&out).lines().find_map(|l| l.strip_prefix("run ")?.strip_suffix(" started")).unwrap().to_string();
    // `lakeops glue` lists it, with the id `glue stop` takes.
    let out = home.run(&["glue"]);
    let listed = stdout(&out);
    assert!(listed.starts_with("job clickstream-curate · at most 1 at once"), "{listed}");
    assert!(listed.lines().any(|l| l.trim_start().starts_with("STARTING") && l.ends_with(&run_id)), "{listed}");
    assert!(listed.contains("crawler clickstream-raw · "), "{listed}");
    let out = home.run(&["glue", "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(json["jobs"][0]["runs"][0]["id"], run_id.as_str(), "{json}");
    // The job allows one run at a time: a second is refused by the rule, before any call.
    let out = home.run(&["glue", "run", "clickstream-curate", "--yes"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("max concurrent runs") && stderr(&out).contains(&run_id), "{}", stderr(&out));
    let out = home.run(&["glue", "stop", "clickstream-curate", &run_id, "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("is STOPPING"));
    let out = home.run(&["glue", "stop", "clickstream-curate", &run_id, "--yes"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("already STOPPING"), "{}", stderr(&out));
    let out = home.run(&["glue", "crawl", "clickstream-raw", "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = home.run(&["glue", "crawl", "clickstream-raw", "--yes"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("one crawl at a time"), "{}", stderr(&out));
    let outcomes: Vec<String> = home
        .journal()
        .iter()
        .filter(|e| e["action"].as_str().unwrap().starts_with("glue."))
        .map(|e| format!("{} {}", e["action"].as_str().unwrap(), e["outcome"].as_str().unwrap()))
        .collect();
    assert_eq!(outcomes.len(), 7, "{outcomes:#?}");
    assert!(outcomes[1].starts_with("glue.start-job-run done: run jr_"), "{outcomes:#?}");
    assert!(outcomes[3].starts_with("glue.stop-job-run done"), "{outcomes:#?}");
}

#[test]
fn glue_bad_input_exit_codes() {
    let home = Home::at(QUIET_QUARTER);
    let cases: [(&[&str], i32, &str); 6] = [
        (&["glue", "run", "no-such-job", "--yes"], 2, "no Glue job named \"no-such-job\""),
        (&["glue", "crawl", "no-such-crawler", "--yes"], 2, "no Glue crawler named \"no-such-crawler\""),
        (&["glue", "stop", "clickstream-curate", "jr_nope", "--yes"], 2, "has no run jr_nope"),
        (&["glue", "run", "clickstream-curate", "--arg", "novalue", "--yes"], 2, "is not KEY=VALUE"),
        (&["glue", "run", "clickstream-curate", "--arg", "--conf=x", "--yes"], 2, "reserved by Glue"),
        (&["--readonly", "glue", "crawl", "clickstream-raw", "--yes"], 3, "read-only mode"),
    ];
    for (args, code, message) in cases {
        let out = home.run(args);
        assert_eq!(out.status.code(), Some(code), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(message), "{args:?}: {}", stderr(&out));
    }
    // Unreadable arguments are journaled under the action they were for, in the one scheme.
    let journal = home.journal();
    let refused = journal.iter().find(|e| e["outcome"].as_str().unwrap().contains("is not KEY=VALUE")).unwrap();
    assert_eq!(refused["action"], "glue.start-job-run", "{refused}");
    let out = home.run(&["glue", "crawl", "clickstream-raw", "--dry-run"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("dry run: nothing was changed"));
}

#[test]
fn logs_print_errors_with_their_traces_and_refuse_bad_input() {
    let home = Home::at(QUIET_QUARTER);
    let out = home.run(&["sandbox", "fault", "consumer-errors", "--yes"]);
    assert_eq!(out.status.code(), Some(0));
    let out = home.run(&["logs", "--errors", "--since", "3h", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let events: Vec<serde_json::Value> = stdout(&out).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert!(!events.is_empty());
    assert!(events.iter().all(|e| ["error", "timeout"].contains(&e["kind"].as_str().unwrap())));
    let out = home.run(&["logs", "--since", "3h", "--limit", "5"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).lines().filter(|l| l.starts_with("20")).count() <= 5);
    for (args, message) in [
        (&["logs", "--since", "soon"][..], "--since: expected a duration"),
        (&["logs", "--limit", "0"][..], "--limit: expected 1 to 10000"),
        (&["logs", ""][..], "FUNCTION: expected a function's name, found nothing"),
        (&["logs", "no-such-function"][..], "log group /aws/lambda/no-such-function does not exist: has the function run yet? (is no-such-function a function of this platform? The profile's is clickstream-ingest)"),
    ] {
        let out = home.run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains(message), "{args:?}: {}", stderr(&out));
    }
    // The profile's own function without a log group is the platform's state, named or not: 1.
    for args in [&["logs"][..], &["logs", "renamed-ingest"]] {
        let out = home.command(args).env("LAKEOPS_PLATFORM__LAMBDA__FUNCTION", "renamed-ingest").output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("/aws/lambda/renamed-ingest does not exist"), "{}", stderr(&out));
    }
}

#[test]
fn a_bad_sandbox_start_is_bad_input() {
    let home = Home::at("half past two");
    let out = home.run(&["status"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("LAKEOPS_SANDBOX_START: expected a time such as"), "{}", stderr(&out));
}

#[test]
fn query_runs_on_the_sandbox_lake_and_checks_its_input() {
    let home = Home::at(QUIET_QUARTER);
    let out = home.run(&["query", ""]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("there is no SQL to run"), "{}", stderr(&out));
    // A workgroup that does not exist is bad input, as Athena's InvalidRequestException says.
    let out = home.run(&["query", "SELECT 1", "--workgroup", "nosuchwg"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("nosuchwg"), "{}", stderr(&out));
    // A typo is bad input before anything is asked: not "this statement may change the data".
    let out = home.run(&["query", "SELEC 1"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(stderr(&out), "lakeops: SELEC is not a statement Athena runs (did you mean `SELECT`?)\n");

    let sql = "SELECT event_type, count(*) AS n FROM events WHERE day = '19' GROUP BY 1 ORDER BY 1";
    let out = home.run(&["query", sql, "--format", "csv"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let csv = stdout(&out);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "event_type,n");
    let types: Vec<&str> = lines[1..].iter().map(|l| l.split(',').next().unwrap()).collect();
    assert_eq!(types, ["add_to_cart", "click", "page_view", "purchase", "search"]);
    // Progress and cost go to stderr: the bytes the engine read, at Athena's minimum of 10 MB.
    assert!(stderr(&out).contains("SUCCEEDED"), "{}", stderr(&out));
    assert!(stderr(&out).contains("cost $0.00005"), "{}", stderr(&out));

    let out = home.run(&["query", "SELECT count(*) AS n, approx_distinct(user_id) FROM events", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert!(json[0]["n"].as_i64().unwrap() > 1000, "typed from the metadata: {json}");
    assert!(json[0]["_col1"].is_i64(), "{json}");

    // A small table is fitted to all of its rows: no warning that later cells may be cut.
    let out = home.run(&["query", "SELECT 1 AS n"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stderr(&out).contains("fitted to the first"), "{}", stderr(&out));
    assert!(stdout(&out).lines().any(|l| l.trim() == "1"), "{}", stdout(&out));

    // The query's own fault is bad input (exit 2), told from an outage or the engine's failure (1).
    let out = home.run(&["query", "SELECT nope FROM events"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("COLUMN_NOT_FOUND: line 1:8: Column 'nope' cannot be resolved"), "{}", stderr(&out));
    // SQL pasted with a comment first is SQL, not an option, its lines counted as written; an
    // option lakeops does not know is still refused as one.
    let out = home.run(&["query", "-- how many\nSELECT 7 AS n", "--format", "csv"]);
    assert_eq!((out.status.code(), stdout(&out).as_str()), (Some(0), "n\r\n7\r\n"), "{}", stderr(&out));
    // A first row that reads as the header is a row: only the header row Athena's first page
    // starts with is taken off, by its place.
    let out = home.run(&["query", "SELECT * FROM (VALUES 'n', 'm') t(n)", "--format", "csv"]);
    assert_eq!((out.status.code(), stdout(&out).as_str()), (Some(0), "n\r\nn\r\nm\r\n"), "{}", stderr(&out));
    let out = home.run(&["query", "-- which column\nSELECT nope FROM events"]);
    assert!(stderr(&out).contains("line 2:8: Column 'nope' cannot be resolved"), "{}", stderr(&out));
    let out = home.run(&["query", "--formt", "csv", "SELECT 1"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("unexpected argument '--formt'"), "{}", stderr(&out));
    let out = home.run(&["--readonly", "query", "DROP TABLE clickstream.events"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("read-only mode"), "{}", stderr(&out));
    let out = home.run(&["--readonly", "query", "\u{feff}PREPARE p FROM INSERT INTO events SELECT * FROM events"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("PREPARE is not a query"), "{}", stderr(&out));
    // A statement that may change something is shown and needs a yes; a script gives it --yes.
    let out = home.run(&["query", "DROP TABLE raw_events"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("DROP: this statement may change the catalog or the data") && err.contains("pass --yes"),
        "{err}"
    );
    assert!(!err.contains("query 0000"), "nothing was started: {err}");
    let out = home.run(&["query", "DROP TABLE raw_events", "--yes"]);
    assert_eq!(out.status.code(), Some(1), "run, and refused by the sandbox's engine: {}", stderr(&out));
    assert!(
        stderr(&out).contains(
            "NOT_SUPPORTED: DROP statements are not run here: the sandbox engine runs only reads: SELECT, WITH, VALUES, TABLE, SHOW, DESCRIBE and EXPLAIN (Athena runs them as written)"
        ),
        "{}",
        stderr(&out)
    );
    // Valid Athena DDL the engine's parser does not know is the sandbox's limit too, not a syntax
    // error: exit 1, not 2.
    for ddl in [
        "ALTER TABLE events ADD COLUMNS (referrer string)",
        "CREATE EXTERNAL TABLE t (a int) LOCATION 's3://b/p/'",
        "OPTIMIZE events REWRITE DATA USING BIN_PACK",
        "EXPLAIN ANALYZE VERBOSE INSERT INTO events SELECT * FROM events",
        "/* x */ explain (type distributed) create table t as select 1",
    ] {
        let out = home.run(&["query", ddl, "--yes"]);
        assert_eq!(out.status.code(), Some(1), "{ddl}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(" statements are not run here: the sandbox engine runs only reads"),
            "{ddl}: {}",
            stderr(&out)
        );
    }
    // A read the read-only parser cannot read (Trino's VALUES without parentheses) runs at once.
    let out = home.run(&["query", "SELECT * FROM (VALUES 1, 2) t(x)", "--format", "csv"]);
    assert_eq!((out.status.code(), stdout(&out).as_str()), (Some(0), "x\r\n1\r\n2\r\n"), "{}", stderr(&out));
}

/// A table written to a pipe keeps its cells whole; a stderr closed early loses the progress,
/// never the query or the results (writing to it panicked: exit 101, the query left running).
#[test]
fn query_output_to_pipes_is_whole_and_a_closed_stderr_is_no_crash() {
    let home = Home::at(QUIET_QUARTER);
    let out =
        home.command(&["query", "SELECT rpad('a', 300, 'b') AS long, 1 AS n"]).env_remove("COLUMNS").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains(&format!("a{}", "b".repeat(299))), "{}", stdout(&out));
    let mut child = home
        .command(&["query", "SELECT count(*) AS n FROM events", "--format", "csv"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stderr.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).starts_with("n\r\n"), "{}", stdout(&out));
}

/// A panic in the sandbox's engine fails the query and says so once, in its FAILED line: Rust's
/// own panic message stays in the log, off the script's stderr.
#[test]
fn a_panic_in_the_sandbox_engine_fails_the_query_quietly() {
    let home = Home::new();
    let out = home.command(&["query", "SELECT 1"]).env("LAKEOPS_DEBUG_PANIC", "engine").output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("FAILED: GENERIC_INTERNAL_ERROR: the sandbox engine failed"), "{err}");
    assert!(err.contains("on purpose") && !err.contains("panicked at"), "{err}");
    let log = std::fs::read_to_string(home.dir.path().join("state/lakeops/lakeops.log")).unwrap();
    assert!(log.contains("the sandbox engine's worker ended without an answer"), "{log}");
}

/// A sandbox query that would take more memory than `[sandbox] engine_memory_mib` fails as
/// Athena fails one too large for it, and the next query runs (a CROSS JOIN of the events with
/// themselves grew its worker past 20 GB, until the kernel killed it).
/// An answer larger than the sandbox keeps (256 MiB of text as the worker writes it) fails as
/// Athena fails a query too large for it, within a worker's memory limit.
#[test]
fn a_sandbox_answer_past_what_lakeops_keeps_fails() {
    let home = Home::at(QUIET_QUARTER);
    // 300 rows of a million characters: 300 MB of text.
    let sql = "SELECT lpad('', 1000000, 'x') AS x FROM UNNEST(sequence(1, 300)) AS t(i)";
    let out = home.run(&["query", sql, "--format", "csv"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("FAILED: EXCEEDED_LOCAL_MEMORY_LIMIT: the answer is over 256 MiB of text"),
        "{}",
        stderr(&out)
    );
    assert!(stdout(&out).is_empty());
}

#[test]
fn a_sandbox_query_past_its_memory_limit_fails_alone() {
    let home = Home::at(QUIET_QUARTER);
    let sql = "SELECT a.user_id, b.page_url FROM events a CROSS JOIN events b LIMIT 5000000";
    let out = home
        .command(&["query", sql, "--format", "csv"])
        .env("LAKEOPS_SANDBOX__ENGINE_MEMORY_MIB", "300")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("FAILED: EXCEEDED_LOCAL_MEMORY_LIMIT: Query exceeded per-node memory limit of 300MB"),
        "{err}"
    );
    assert!(stdout(&out).is_empty(), "no rows of a failed query: {}", stdout(&out));
    let out = home
        .command(&["query", "SELECT 1 AS n", "--format", "csv"])
        .env("LAKEOPS_SANDBOX__ENGINE_MEMORY_MIB", "300")
        .output()
        .unwrap();
    assert_eq!((out.status.code(), stdout(&out).as_str()), (Some(0), "n\r\n1\r\n"), "{}", stderr(&out));
    let out = home.command(&["query", "SELECT 1"]).env("LAKEOPS_SANDBOX__ENGINE_MEMORY_MIB", "100").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("key `sandbox.engine_memory_mib`: expected 256 to 1048576 MiB, found 100"),
        "{}",
        stderr(&out)
    );
}

/// `--output` is replaced only by a whole result: a failed or refused query leaves the old file.
#[test]
fn output_replaces_the_file_only_when_the_query_succeeds() {
    let home = Home::at(QUIET_QUARTER);
    let path = home.dir.path().join("report.csv");
    std::fs::write(&path, "yesterday's report\n").unwrap();
    let file = path.to_str().unwrap();
    let out = home.run(&["query", "SELECT nope FROM events", "--format", "csv", "--output", file]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let out = home.run(&["--readonly", "query", "EXPLAIN ANALYZE SELECT 1", "--output", file]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "yesterday's report\n");
    let out = home.run(&["query", "SELECT 1 AS n", "--format", "csv", "--output", file]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "n\r\n1\r\n");
    let names: Vec<_> = std::fs::read_dir(home.dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert!(!names.iter().any(|n| n.to_string_lossy().ends_with(".part")), "no temporary file left: {names:?}");
}

/// Cells from the data cannot drive the terminal or a spreadsheet, unless `--raw` asks for bytes.
#[test]
fn results_are_safe_for_a_terminal_and_a_spreadsheet_unless_raw() {
    let home = Home::at(QUIET_QUARTER);
    let sql = "SELECT '=HYPERLINK(\"http://evil\")' AS f, 'https://x/\u{1b}]52;c;ZXZpbA==\u{7}p\u{202e}q' AS page_url";
    let out = home.run(&["query", sql, "--format", "csv"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "f,page_url\r\n\"'=HYPERLINK(\"\"http://evil\"\")\",https://x/\u{fffd}pq\r\n");
    let out = home.run(&["query", sql, "--format", "table"]);
    assert!(!stdout(&out).contains('\u{1b}') && stdout(&out).contains("https://x/\u{fffd}pq"), "{}", stdout(&out));
    let out = home.run(&["query", sql, "--format", "csv", "--raw"]);
    assert!(stdout(&out).starts_with("f,page_url\r\n\"=HYPERLINK("), "{}", stdout(&out));
    assert!(stdout(&out).contains("\u{1b}]52;c;ZXZpbA==\u{7}p\u{202e}q"), "{}", stdout(&out));
}

/// Ctrl-C while the pages are read and written stops there (it was swallowed once the query had
/// succeeded): the rest is not written and the exit says why.
#[test]
fn ctrl_c_while_pages_are_read_stops_the_output() {
    use std::io::Read;
    let home = Home::at(QUIET_QUARTER);
    let every = home.run(&["query", "SELECT count(*) AS n FROM events", "--format", "csv"]);
    let total: usize = stdout(&every).lines().nth(1).unwrap().parse().unwrap();
    assert!(total > 10_000, "enough pages that a pipe cannot hold them: {total}");
    let mut child = home
        .command(&["query", "SELECT * FROM events", "--format", "csv"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    // The first bytes mean the query succeeded and its pages are being written; the pipe fills
    // and the writer waits for the reader.
    let mut first = [0u8; 1024];
    stdout.read_exact(&mut first).unwrap();
    let interrupt = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(interrupt.success());
    let mut rest = Vec::new();
    stdout.read_to_end(&mut rest).unwrap();
    let mut errors = String::new();
    child.stderr.take().unwrap().read_to_string(&mut errors).unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(1), "{errors}");
    assert!(errors.contains("interrupted while reading the results of query"), "{errors}");
    let written = first.len() + rest.len();
    let lines = first.iter().chain(&rest).filter(|b| **b == b'\n').count();
    assert!(lines < total, "{lines} of {total} rows ({written} bytes) were written before it stopped");
}

/// A template over CloudFormation's inline limit is printed whole, the note on stderr saying a plan
/// puts it in S3; the plan says where it was put.
#[test]
fn a_template_over_the_inline_limit_is_printed_and_planned_through_s3() {
    let home = Home::new();
    let every_layer = std::fs::read_to_string(support::repo_file("profiles/sandbox.toml")).unwrap();
    let cluster = every_layer
        .replace("mode = \"serverless\"\nname = \"clickstream\"", "mode = \"cluster\"\nname = \"clickstream\"");
    assert_ne!(cluster, every_layer, "the sandbox profile's warehouse is serverless");
    let path = home.dir.path().join("big.toml");
    std::fs::write(&path, cluster).unwrap();
    let profile = path.to_str().unwrap();
    let out = home.run(&["--profile", profile, "provision", "template", "--compact"]);
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_slice::<serde_json::Value>(&out.stdout).expect("the template is JSON");
    assert!(out.stdout.len() > 51_200, "the whole template, over the limit: {} bytes", out.stdout.len());
    assert!(stderr(&out).contains("(inline limit 51,200: over it, a plan puts it in S3 first)"), "{}", stderr(&out));
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
    let out = home.run(&["--profile", profile, "provision", "plan"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let said = "is over CloudFormation's inline limit of 51,200: it was put in \
                s3://lakeops-templates-000000000000-us-east-1/clickstream/";
    assert!(stdout(&out).contains(said), "{}", stdout(&out));
}

/// `provision` on the sandbox through the binary: the template is JSON on stdout only; an
/// unchanged profile plans nothing; read-only refuses; delete, with --yes or without, is refused
/// before anything is asked (exit 3), saying the sandbox's stack cannot be deleted; drift prints
/// JSON; every refusal is journaled.
#[test]
fn provision_on_the_sandbox() {
    let home = Home::at(QUIET_QUARTER);
    let out = home.run(&["provision", "template"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let template: serde_json::Value = serde_json::from_slice(&out.stdout).expect("the template is JSON");
    assert_eq!(template["Resources"]["Stream"]["Properties"]["Name"], "clickstream-events");
    assert!(stderr(&out).contains("bytes as sent (inline limit 51,200)"), "{}", stderr(&out));

    let out = home.run(&["provision", "plan"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("no changes: the stack clickstream already matches the profile"), "{}", stdout(&out));
    let out = home.run(&["provision", "apply", "--yes"]);
    assert!(out.status.success() && stdout(&out).contains("no changes"), "{}", stderr(&out));

    let out = home.run(&["--readonly", "provision", "apply", "--yes"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("read-only mode: applying to clickstream"), "{}", stderr(&out));

    for args in [&["provision", "delete"][..], &["provision", "delete", "--yes"]] {
        let out = home.run(args);
        assert_eq!(out.status.code(), Some(3), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(
                "the sandbox platform cannot be deleted (clickstream is what the sandbox runs); `lakeops sandbox reset` starts it afresh"
            ),
            "{args:?}: {}",
            stderr(&out)
        );
        assert!(!stderr(&out).contains("Type the stack name"), "refused before it asks");
    }

    let out = home.run(&["provision", "drift", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap(), serde_json::json!([]));
    // Resharded outside the stack: drift is a verdict, the document and exit 1.
    assert!(home.run(&["reshard", "clickstream-events", "--to", "5", "--yes"]).status.success());
    let out = home.run(&["provision", "drift", "--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let drifted: serde_json::Value = serde_json::from_slice(&out.stdout).expect("the drift is JSON on stdout");
    assert_eq!(drifted[0]["logical_id"], "Stream");
    assert!(
        stderr(&out).contains("clickstream: 1 resource(s) drifted from what the stack deployed"),
        "{}",
        stderr(&out)
    );

    let outcomes: Vec<String> = home
        .journal()
        .iter()
        .filter(|e| e["action"].as_str().is_some_and(|a| a.starts_with("stack.")))
        .map(|e| format!("{} {}", e["action"].as_str().unwrap(), e["outcome"].as_str().unwrap()))
        .collect();
    assert_eq!(outcomes.len(), 6, "{outcomes:?}");
    assert_eq!(outcomes[2], "stack.apply done: no changes to apply", "an apply with nothing to do says so");
    assert!(outcomes[3].starts_with("stack.apply refused: read-only mode"), "{outcomes:?}");
    assert!(outcomes[4].starts_with("stack.delete refused: the sandbox platform cannot be deleted"), "{outcomes:?}");
    assert_eq!(outcomes[5], outcomes[4], "with --yes as without");
}

/// A shard count the resharding rules refuse (more than double the open shards) is a warning at
/// the head of the plan, before any apply: the stack's update would fail on it and roll back.
/// Double is no warning, and the plan says the count before and after.
#[test]
fn a_plan_warns_of_a_shard_count_kinesis_would_refuse() {
    let home = Home::at(QUIET_QUARTER);
    assert!(home.run(&["provision", "plan"]).status.success(), "the sandbox's stack, as the profile made it");
    let plan = |shards: &str| {
        home.command(&["provision", "plan"]).env("LAKEOPS_PLATFORM__STREAM__SHARDS", shards).output().unwrap()
    };
    let out = plan("20");
    assert!(out.status.success(), "{}", stderr(&out));
    let warned =
        "\n  ⚠ Stream ShardCount 4 → 20: Kinesis would refuse it: from 4 open shards UpdateShardCount can go to \
                  2–8, not 20; scale in steps (the rule \"target between half and double\")";
    assert!(stdout(&out).contains(warned), "{}", stdout(&out));
    assert!(stdout(&out).contains("the update would fail and roll back"), "{}", stdout(&out));
    let out = plan("8");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("~ Stream AWS::Kinesis::Stream (ShardCount 4 → 8)"), "{}", stdout(&out));
    assert!(!stdout(&out).contains('⚠'), "{}", stdout(&out));
    // Resharded to 6 outside the stack: a profile of 6 records what the stream has (no warning),
    // and 13 is checked against the 6 the stream has, not the 4 the stack remembers.
    assert!(home.run(&["reshard", "clickstream-events", "--to", "6", "--yes"]).status.success());
    let out = plan("6");
    assert!(stdout(&out).contains("(ShardCount 4 → 6)") && !stdout(&out).contains('⚠'), "{}", stdout(&out));
    let out = plan("12");
    assert!(!stdout(&out).contains('⚠'), "{}", stdout(&out));
    let out = plan("13");
    assert!(stdout(&out).contains("from 6 open shards UpdateShardCount can go to 3–12, not 13"), "{}", stdout(&out));
}

/// Ctrl-C at a terminal reaches every process of the foreground group: lakeops cancels the query,
/// and the sandbox engine's worker, in a group of its own, is ended by lakeops, not by the signal,
/// so the query ends CANCELLED, not FAILED.
#[test]
fn ctrl_c_at_the_terminal_cancels_a_sandbox_query() {
    use std::io::BufRead;
    use std::os::unix::process::CommandExt;
    let home = Home::at(QUIET_QUARTER);
    let slow = "SELECT count(*) FROM raw_events a CROSS JOIN raw_events b CROSS JOIN raw_events c";
    let mut child = home
        .command(&["query", slow])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stderr.take().unwrap()).lines();
    let mut said = Vec::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        let running = line.starts_with("RUNNING");
        said.push(line);
        if running {
            break;
        }
    }
    assert!(said.last().is_some_and(|l| l.starts_with("RUNNING")), "{said:?}");
    let group = format!("-{}", child.id());
    assert!(Command::new("kill").args(["-INT", "--", &group]).status().unwrap().success());
    said.extend(lines.map(Result::unwrap));
    let status = child.wait().unwrap();
    let said = said.join("\n");
    assert_eq!(status.code(), Some(1), "{said}");
    assert!(said.contains("CANCELLED") && !said.contains("GENERIC_INTERNAL_ERROR"), "{said}");
    let log = std::fs::read_to_string(home.dir.path().join("state/lakeops/lakeops.log")).unwrap();
    assert!(!log.contains("worker ended without an answer"), "the signal did not reach the worker: {log}");
}

/// While `query -` waits for its SQL on stdin, Ctrl-C still ends it (it is taken over only once
/// there is a query to cancel).
#[test]
fn ctrl_c_ends_a_wait_for_sql_on_stdin() {
    use std::os::unix::process::ExitStatusExt;
    let home = Home::at(QUIET_QUARTER);
    let mut child = home
        .command(&["query", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_secs(2));
    assert!(Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap().success());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(std::time::Instant::now() < deadline, "Ctrl-C did not end lakeops waiting for stdin");
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    drop(child.stdin.take());
    assert_eq!(status.signal(), Some(2), "{status:?}");
}

/// `lakeops show LAYER` lists an added layer's resources; `lakeops grants` answers who may read a
/// table, and why a principal cannot; a layer or database not in the profile is bad input.
#[test]
fn show_and_grants_answer_from_the_sandbox() {
    let home = Home::new();
    let out = home.run(&["show", "sources"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    for source in ["orders-cdc", "partner-share", "salesforce-accounts"] {
        assert!(text.contains(source), "{source}: {text}");
    }
    let out = home.run(&["show", "firehose", "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(json["layer"], "firehose");
    assert_eq!(json["rows"][0]["name"], "clickstream-delivery");
    assert_eq!(json["data"]["data"]["streams"][0]["dynamic_partitioning"], true);
    let out = home.run(&["show", "kinesis"]);
    assert_eq!(out.status.code(), Some(2), "only the added layers: {}", stderr(&out));
    let bare = home.dir.path().join("bare.toml");
    std::fs::write(&bare, "name = \"bare\"\nbackend = \"sandbox\"\n").unwrap();
    let out = home.run(&["--profile", bare.to_str().unwrap(), "show", "msk"]);
    assert_eq!(out.status.code(), Some(2), "a layer the profile does not add: {}", stderr(&out));
    assert!(stderr(&out).contains("MSK: not part of this platform's profile"), "{}", stderr(&out));

    let out = home.run(&["grants", "clickstream.events", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    let readers: Vec<&str> =
        json["readers"].as_array().unwrap().iter().map(|r| r["principal"].as_str().unwrap()).collect();
    assert!(readers.contains(&"arn:aws:iam::000000000000:role/clickstream-analysts"), "{readers:?}");
    let out = home.run(&["grants", "raw_events", "--principal", "clickstream-analysts"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("no Lake Formation grant lets arn:aws:iam::000000000000:role/clickstream-analysts SELECT from clickstream.raw_events"), "{}", stdout(&out));
    // Names as Glue keeps them (Athena folds case); a table or principal it cannot find is bad input.
    let out = home.run(&["grants", "Clickstream.EVENTS", "--principal", "role/clickstream-analysts"]);
    assert!(stdout(&out).contains("may SELECT all columns but user_id of clickstream.events"), "{}", stdout(&out));
    let out = home.run(&["grants", "nope", "--principal", "clickstream-curate-job"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no table nope in clickstream (its tables in the Glue Data Catalog: events, raw_events)"),
        "{}",
        stderr(&out)
    );
    let out = home.run(&["grants", "events", "--principal", " "]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let out = home.run(&["grants", "sales.orders"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("the profile's database clickstream, not sales"), "{}", stderr(&out));
}

#[test]
fn sources_start_and_quicksight_refresh_are_checked_confirmed_and_journaled() {
    let home = Home::at(QUIET_QUARTER);
    // A task that replicates has nothing to resume: refused by the rule, exit 3, journaled.
    let out = home.run(&["sources", "start", "orders-cdc", "--yes"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("orders-cdc is running: nothing to resume"), "{}", stderr(&out));
    assert!(home.run(&["sandbox", "fault", "dms-stopped", "--yes"]).status.success());
    assert!(home.run(&["sandbox", "fault", "dms-stopped", "--off", "--yes"]).status.success());
    // Stopped, it stays so after the fault until resumed; the plan names why it stopped.
    let out = home.run(&["sources", "start", "orders-cdc", "--dry-run"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let plan = stdout(&out);
    assert!(plan.contains("StartReplicationTask (resume-processing) on DMS task orders-cdc"), "{plan}");
    assert!(plan.contains("why it stopped: Stop Reason FATAL_ERROR"), "{plan}");
    assert!(plan.ends_with("dry run: nothing was changed\n"), "{plan}");
    let out = home.run(&["sources", "start", "orders-cdc"]);
    assert_eq!(out.status.code(), Some(3), "no terminal, no --yes: {}", stderr(&out));
    let out = home.run(&["sources", "start", "orders-cdc", "--yes"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).ends_with("task orders-cdc is starting\n"), "{}", stdout(&out));
    let out = home.run(&["sources", "start", "partner-share", "--yes"]);
    assert!(stdout(&out).contains("StartTaskExecution on DataSync task partner-share"), "{}", stdout(&out));
    let out = home.run(&["quicksight", "refresh", "clickstream-sessions", "--yes"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("refresh lakeops-"), "{}", stdout(&out));
    // Bad names and read-only mode.
    let out = home.run(&["sources", "start", "nope", "--yes"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("nope is not one of the profile's sources"), "{}", stderr(&out));
    let out = home.run(&["quicksight", "refresh", "nope", "--yes"]);
    assert_eq!(out.status.code(), Some(2));
    // Read-only mode or not, a name the profile does not have is bad input, said before anything.
    let out = home.run(&["--readonly", "quicksight", "refresh", "nope", "--yes"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("nope is not one of the profile's datasets ([platform.quicksight] datasets: clickstream-sessions, clickstream-funnel)"), "{}", stderr(&out));
    let out = home.run(&["--readonly", "sources", "start", "salesforce-accounts", "--yes"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("read-only mode: running the AppFlow flow salesforce-accounts"), "{}", stderr(&out));
    // A dry run changes nothing: read-only mode shows its plan, as it does a reshard's.
    for args in [
        &["--readonly", "sources", "start", "salesforce-accounts", "--dry-run"][..],
        &["--readonly", "quicksight", "refresh", "clickstream-funnel", "--dry-run"],
        &["--readonly", "workflows", "start", "clickstream-nightly", "--dry-run"],
    ] {
        let out = home.run(args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        assert!(stdout(&out).ends_with("dry run: nothing was changed\n"), "{args:?}: {}", stdout(&out));
    }
    let journal = home.journal();
    let outcome = |action: &str| -> Vec<String> {
        journal.iter().filter(|e| e["action"] == action).map(|e| e["outcome"].as_str().unwrap().to_string()).collect()
    };
    let dms = outcome("dms.resume-task");
    assert!(dms[0].starts_with("refused: the rule \"only a stopped or failed task resumes\""), "{dms:?}");
    assert!(dms.iter().any(|o| o == "done: task orders-cdc is starting"), "{dms:?}");
    assert!(outcome("datasync.start-task")[0].starts_with("done: execution exec-"));
    assert!(outcome("quicksight.refresh-dataset")[0].starts_with("done: refresh lakeops-"));
    assert!(outcome("appflow.start-flow")[0].starts_with("refused: read-only mode"));
    // The audit marks what lakeops did as its own, and only refusals as errors.
    let out = home.run(&["audit", "--since", "1h"]);
    let line = stdout(&out).lines().find(|l| l.contains("datasync.start-task")).unwrap().to_string();
    assert!(line.contains("  journal · StartTaskExecution on DataSync task partner-share"), "{line}");
    assert!(line.contains(" · done: execution exec-"), "what came of it: {line}");
}

#[test]
fn a_reader_that_stops_early_ends_the_output_without_a_panic() {
    let home = Home::at(QUIET_QUARTER);
    let mut child = home.command(&["keys"]).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    // The reader goes away before lakeops writes.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
    // peek writes as it reads: `peek --follow | head -1` ends it quietly, as `head` means.
    use std::io::BufRead;
    let mut child = home
        .command(&["peek", "clickstream-events", "--follow", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    assert!(first.starts_with('{'), "{first}");
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "", "no 'cannot write: Broken pipe'");
    // --follow stops after --limit when it is given.
    let out = home.run(&["peek", "clickstream-events", "--follow", "--json", "--limit", "3"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out).lines().count(), 3, "{}", stdout(&out));
    // A closed shard followed from latest: nothing will come, and it says so at once.
    assert!(home.run(&["reshard", "clickstream-events", "--to", "5", "--yes"]).status.success());
    let out = home.run(&["peek", "clickstream-events", "--shard", "shardId-000000000000", "--follow"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("it is closed (resharded) and takes no new records"), "{}", stdout(&out));
}

/// The changes made through lakeops are marked as lakeops': in the sandbox's CloudTrail (the
/// call's user agent carries lakeops' app name, as the Rust SDK writes it) as in the journal. A
/// fault's cause (a deploy by ci-deployer with the AWS CLI) is not; `--lakeops` keeps only them.
#[test]
fn audit_marks_the_changes_made_through_lakeops() {
    let home = Home::new();
    assert!(home.run(&["sandbox", "fault", "consumer-errors", "--yes"]).status.success());
    let out = home.run(&["reshard", "clickstream-events", "--to", "8", "--yes", "--no-wait"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = home.run(&["audit", "--since", "4h", "--writes", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let events: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let trail = |name: &str| {
        events
            .iter()
            .find(|e| e["from_journal"] == false && e["event"] == name)
            .unwrap_or_else(|| panic!("{name} in CloudTrail: {events:?}"))
    };
    let reshard = trail("UpdateShardCount");
    assert_eq!(reshard["by_lakeops"], true, "{reshard}");
    let agent = reshard["record"]["userAgent"].as_str().unwrap_or_default();
    assert!(agent.starts_with("aws-sdk-rust/") && agent.ends_with(" app/lakeops"), "{agent}");
    let cause = trail("UpdateFunctionCode");
    assert_eq!((cause["user"].as_str(), cause["by_lakeops"].as_bool()), (Some("ci-deployer"), Some(false)));
    assert!(cause["record"]["userAgent"].as_str().unwrap_or_default().starts_with("aws-cli/2."), "{cause}");
    assert!(events.iter().filter(|e| e["from_journal"] == true).all(|e| e["by_lakeops"] == true), "{events:?}");

    let out = home.run(&["audit", "--since", "4h", "--lakeops", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let mine: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(mine.iter().all(|e| e["by_lakeops"] == true && e["read_only"] == false), "{mine:?}");
    let names: Vec<&str> = mine.iter().filter_map(|e| e["event"].as_str()).collect();
    for wanted in ["UpdateShardCount", "reshard.update-shard-count", "sandbox.fault"] {
        assert!(names.contains(&wanted), "{wanted} in {names:?}");
    }
    assert!(!names.contains(&"UpdateFunctionCode"), "{names:?}");

    let out = home.run(&["audit", "--since", "4h", "--lakeops"]);
    let text = stdout(&out);
    let line = |event: &str| text.lines().find(|l| l.contains(event)).unwrap_or_else(|| panic!("{event}: {text}"));
    assert!(line("kinesis.amazonaws.com     UpdateShardCount ").trim_end().ends_with("lakeops"), "{text}");
    let journal = line("reshard.update-shard-count");
    assert!(journal.contains("journal · UpdateShardCount (UNIFORM_SCALING) to 8 shards"), "what was asked: {text}");
}

/// A sandbox whose time is not this machine's (`LAKEOPS_SANDBOX_START` here, `--speed` alike):
/// lakeops' own entries are stamped with its time, so `audit --lakeops` finds them beside the
/// sandbox's CloudTrail event of the same call; another backend's entries are not this
/// platform's.
#[test]
fn the_audit_finds_lakeops_entries_in_the_sandboxs_time() {
    let home = Home::at(QUIET_QUARTER);
    let out = home.run(&["reshard", "clickstream-events", "--to", "6", "--yes", "--no-wait"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let entry = home.journal().into_iter().find(|e| e["action"] == "reshard.update-shard-count").unwrap();
    assert!(entry["platform_time"].as_str().unwrap().starts_with("2026-03-20T14:15"), "{entry}");
    // An AWS profile's entry at the same platform time is of another platform.
    let line = serde_json::json!({
        "time": entry["time"], "platform_time": entry["platform_time"], "profile": "sandbox", "backend": "aws",
        "action": "glue.start-job-run", "target": "clickstream-curate", "detail": "", "outcome": "done"
    });
    let path = home.dir.path().join("state/lakeops/journal.jsonl");
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str(&format!("{line}\n"));
    std::fs::write(&path, text).unwrap();

    let out = home.run(&["audit", "--since", "1h", "--lakeops", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let mine: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let time = |event: &str| -> String {
        let found = mine.iter().find(|e| e["event"] == event).unwrap_or_else(|| panic!("{event} in {mine:?}"));
        found["time"].as_str().unwrap()[..16].to_string()
    };
    assert_eq!(time("reshard.update-shard-count"), time("UpdateShardCount"), "{mine:?}");
    assert!(mine.iter().all(|e| e["event"] != "glue.start-job-run"), "{mine:?}");
}
