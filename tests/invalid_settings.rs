//! Bad settings get one clear message and exit 2, never a panic. Each file in
//! `tests/invalid_settings/` is a profile with its expected message beside it
//! (`NAME.expected`, where PROFILE stands for the file's path).

mod support;

use std::process::{Command, Output};

fn lakeops(args: &[&str], env: &[(&str, &str)]) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let mut command = Command::new(support::binary());
    command
        .args(args)
        .env("XDG_CONFIG_HOME", dir.path().join("config"))
        .env("XDG_STATE_HOME", dir.path().join("state"));
    for (k, v) in env {
        command.env(k, v);
    }
    command.env_remove("LAKEOPS_PROFILE").output().expect("run lakeops")
}

fn assert_refused(out: &Output, expected: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(out.stdout.is_empty(), "stdout: {}", String::from_utf8_lossy(&out.stdout));
    assert_eq!(stderr.trim_end(), expected);
}

#[test]
fn every_invalid_profile_is_refused_with_its_message() {
    let folder = support::repo_file("tests/invalid_settings");
    let mut checked = 0;
    let mut entries: Vec<_> = std::fs::read_dir(&folder).unwrap().flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries.iter().filter(|p| p.extension().is_some_and(|x| x == "toml")) {
        let expected = std::fs::read_to_string(path.with_extension("expected"))
            .unwrap_or_else(|_| panic!("{} has no .expected file", path.display()));
        let shown = path.display().to_string();
        let out = lakeops(&["--profile", &shown, "status"], &[]);
        assert_refused(&out, expected.trim_end().replace("PROFILE", &shown).as_str());
        checked += 1;
    }
    assert!(checked >= 12, "only {checked} invalid profiles checked");
}

#[test]
fn unknown_profile_names_the_nearest() {
    let out = lakeops(&["--profile", "sandbx", "status"], &[]);
    assert_refused(
        &out,
        "lakeops: command line: key `--profile`: no profile named \"sandbx\" (did you mean `sandbox`?); known profiles: sandbox, production, localstack, moto (or give a path to a .toml file)",
    );
}

#[test]
fn missing_profile_file() {
    let out = lakeops(&["--profile", "/nonexistent/prod.toml", "status"], &[]);
    assert_refused(
        &out,
        "lakeops: /nonexistent/prod.toml: cannot read the profile \"/nonexistent/prod.toml\": no such file",
    );
}

/// A profile is named by its file: a name that reads as another (`prod` and a zero-width space, or
/// an escape sequence) cannot pass for it in the fleet or a prompt.
#[test]
fn a_profile_file_named_to_pass_for_another_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    for (name, shown) in [("prod\u{200b}", "prod\\u{200b}"), ("pr\u{1b}[31mod", "pr\\u{1b}[31mod")] {
        let path = dir.path().join(format!("{name}.toml"));
        std::fs::write(&path, "backend = \"sandbox\"\n").unwrap();
        let out = lakeops(&["--profile", path.to_str().unwrap(), "status"], &[]);
        let expected = format!(
            "lakeops: {}: expected a profile name with no control, bidi or invisible characters, found \"{shown}\": rename the file",
            lakeops::model::text::sanitize(&path.display().to_string())
        );
        assert_refused(&out, &expected);
    }
}

#[test]
fn unknown_theme_flag() {
    let out = lakeops(&["--theme", "hight-contrast", "status"], &[]);
    assert_refused(
        &out,
        "lakeops: command line: key `console.theme`: no theme named \"hight-contrast\" (did you mean `high-contrast`?); known themes: default, light, high-contrast",
    );
}

#[test]
fn impossible_flag_values() {
    let out = lakeops(&["--speed", "0", "status"], &[]);
    assert_refused(
        &out,
        "lakeops: command line: key `sandbox.speed`: expected 0.01 to 3600 times the wall clock, found 0",
    );
    let out = lakeops(&["--endpoint-url", "ftp://x", "status"], &[]);
    assert_refused(
        &out,
        "lakeops: command line: key `aws.endpoint_url`: expected an http:// or https:// URL such as http://127.0.0.1:4566, found \"ftp://x\"",
    );
    // clap's own usage errors are exit 2 as well.
    let out = lakeops(&["--speed", "fast", "status"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid value 'fast' for '--speed <N>'"));
}

#[test]
fn bad_environment_values_name_the_variable() {
    let out = lakeops(&["status"], &[("LAKEOPS_CONSOLE__REFRESH_SECONDS", "soon")]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.starts_with(
            "lakeops: environment variable LAKEOPS_CONSOLE__REFRESH_SECONDS: key `console.refresh_seconds`"
        ),
        "{stderr}"
    );
    let out = lakeops(&["status"], &[("LAKEOPS_PLATFORM__STREEM__NAME", "x")]);
    assert_refused(&out, "lakeops: environment variable LAKEOPS_PLATFORM__STREEM__NAME: key `platform.streem`: unknown key in [platform] (did you mean `stream`?)");
}

#[test]
fn a_bad_user_config_names_its_file() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config/lakeops");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(config.join("config.toml"), "[console]\nreadonly = \"yes\"\n").unwrap();
    let out = Command::new(support::binary())
        .arg("status")
        .env("XDG_CONFIG_HOME", dir.path().join("config"))
        .env("XDG_STATE_HOME", dir.path().join("state"))
        .output()
        .unwrap();
    let file = config.join("config.toml").display().to_string();
    assert_refused(&out, &format!("lakeops: {file}: key `console.readonly`: expected true or false, found \"yes\""));
}

/// What CloudFormation would reject is refused before any call: the profile points at an AWS
/// endpoint where nothing listens, so a call would exit 1; the refusal exits 2 with the key.
#[test]
fn provisioning_refuses_what_cloudformation_would_reject_before_any_call() {
    let dir = tempfile::tempdir().unwrap();
    let aws = "backend = \"aws\"\n[aws]\nendpoint_url = \"http://127.0.0.1:9\"\n";
    let cases = [
        ("[platform.stream]\nshards = 0\n", "key `platform.stream.shards`"),
        ("[platform.stream]\nretention_hours = 1\n", "key `platform.stream.retention_hours`"),
        ("[platform.network]\ncidr = \"10.20.0.0/33\"\n", "key `platform.network.cidr`"),
        ("[platform.lake]\ncurated_bucket = \"Curated\"\n", "key `platform.lake.curated_bucket`"),
        (
            "[platform]\nstack_name = \"Clickstream\"\n",
            "key `platform.stack_name`: the query-results and trail buckets",
        ),
        (
            "[platform.redshift]\nmode = \"cluster\"\n[platform.network]\nenabled = false\n",
            "key `platform.redshift.mode`",
        ),
        // A name derived from a stack name too short for Redshift: the rule, the value and where it came from.
        (
            "[platform]\nstack_name = \"ab\"\n",
            "key `platform.redshift.name`: expected a Redshift name: 3 to 63 lowercase letters, digits and hyphens, \
             starting with a letter, not ending with a hyphen, no two hyphens in a row, found \"ab\" (derived from \
             platform.stack_name \"ab\": set platform.redshift.name or choose another stack name)",
        ),
    ];
    for (i, (text, expected)) in cases.iter().enumerate() {
        let path = dir.path().join(format!("p{i}.toml"));
        std::fs::write(&path, format!("name = \"x\"\n{aws}{text}")).unwrap();
        let shown = path.display().to_string();
        for command in [&["provision", "plan"][..], &["provision", "apply", "--yes"], &["provision", "template"]] {
            let mut args = vec!["--profile", shown.as_str()];
            args.extend_from_slice(command);
            let out = lakeops(&args, &[]);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{command:?} {text}: {stderr}");
            assert!(stderr.contains(expected) && stderr.contains(&shown), "{command:?}: {stderr}");
            assert!(out.stdout.is_empty());
        }
    }
}

/// A runbook file that cannot be read does not stop lakeops (an on-call console must open when
/// someone moved a runbook): `status` runs, and `lakeops runbook` says what is wrong, exit 2,
/// naming the profile, the key and the file.
#[test]
fn runbook_files_that_cannot_be_read_are_named_where_they_are_used() {
    let dir = tempfile::tempdir().unwrap();
    let runbooks = dir.path().join("runbooks");
    std::fs::create_dir_all(&runbooks).unwrap();
    std::fs::write(runbooks.join("latin1.md"), b"# Caf\xe9 au lait\n").unwrap();
    std::fs::write(runbooks.join("huge.md"), vec![b'#'; 300 * 1024]).unwrap();
    let profile = dir.path().join("team.toml");
    std::fs::write(
        &profile,
        "[runbooks]\nkinesis = \"runbooks/moved.md\"\nlambda = \"runbooks/latin1.md\"\nglue = \"runbooks/huge.md\"\n\
         redshift = \"runbooks\"\n",
    )
    .unwrap();
    let shown = profile.display().to_string();
    let file = |name: &str| runbooks.join(name).display().to_string();
    let cases = [
        ("kinesis", format!("{}: no such file", file("moved.md"))),
        (
            "lambda",
            format!("{}: not UTF-8 text (at byte offset 5): save the runbook as UTF-8 Markdown", file("latin1.md")),
        ),
        (
            "glue",
            format!(
                "{}: 300 KiB, larger than a runbook may be (256 KiB): keep the page short and link to the rest",
                file("huge.md")
            ),
        ),
        ("redshift", format!("{}: not a file (a runbook is a Markdown file)", runbooks.display())),
    ];
    for (key, problem) in cases {
        let out = lakeops(&["--profile", &shown, "runbook", key], &[]);
        assert_refused(
            &out,
            &format!("lakeops: the runbook for {key} cannot be read: {shown}: key `runbooks.{key}`: {problem}"),
        );
    }
    let out = lakeops(&["--profile", &shown, "status"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn runbooks_are_not_taken_from_the_environment() {
    let out = lakeops(&["status"], &[("LAKEOPS_RUNBOOKS__KINESIS", "k.md")]);
    assert_refused(
        &out,
        "lakeops: environment variable LAKEOPS_RUNBOOKS__KINESIS: key `runbooks`: runbooks are set in config.toml or a profile ([runbooks]), not in the environment",
    );
}
