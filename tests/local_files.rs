//! The files lakeops keeps on this machine with two lakeops at once, a shared host and a crash
//! behind them: no journal line lost or torn, no change saved over, no damaged state silently
//! replaced, nothing readable by other users.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Arc;

use lakeops::model::{Fault, SandboxChange};
use lakeops::platform::Platform;
use lakeops::sandbox::{Sandbox, Store, SystemClock};
use lakeops::settings::{self, Overrides, Paths};

fn paths(home: &Path) -> Paths {
    Paths { config_dir: home.join("config/lakeops"), state_dir: home.join("state/lakeops") }
}

fn lakeops(home: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(support::binary());
    command
        .args(args)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env_remove("LAKEOPS_PROFILE")
        .env_remove("LAKEOPS_SANDBOX_START")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

fn run(home: &Path, args: &[&str]) -> Output {
    lakeops(home, args).output().expect("run lakeops")
}

fn state_file(home: &Path) -> PathBuf {
    paths(home).sandbox_dir().join("sandbox.json")
}

#[test]
fn two_dozen_lakeops_at_once_lose_no_journal_line() {
    let home = tempfile::tempdir().unwrap();
    // Each is refused (read-only) and journals the refusal.
    let children: Vec<_> = (0..24)
        .map(|_| {
            lakeops(home.path(), &["--readonly", "glue", "run", "clickstream-curate", "--yes"])
                .spawn()
                .expect("start lakeops")
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(3), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let text = std::fs::read_to_string(paths(home.path()).journal_file()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 24, "one line per lakeops:\n{text}");
    for line in lines {
        let entry: serde_json::Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        assert_eq!(entry["action"], "glue.start-job-run");
    }
}

fn console_sandbox(home: &Path) -> Sandbox {
    let paths = paths(home);
    let loaded = settings::load(&Overrides::default(), &paths, &[]).expect("sandbox profile");
    Sandbox::open(&loaded.settings, Arc::new(SystemClock), Store::new(state_file(home))).expect("open sandbox")
}

fn faults(home: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(state_file(home)).unwrap();
    let state: serde_json::Value = serde_json::from_str(&text).unwrap();
    state["faults"].as_array().unwrap().iter().map(|f| f.as_str().unwrap().to_string()).collect()
}

fn fault_on(home: &Path) -> bool {
    faults(home).contains(&"consumer-errors".to_string())
}

#[test]
fn a_change_made_beside_the_console_survives_the_console_quitting() {
    let home = tempfile::tempdir().unwrap();
    // The console: opened, refreshed (its state saved), still running.
    let console = console_sandbox(home.path());
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(console.snapshot()).unwrap();
    console.flush().unwrap();
    assert!(!fault_on(home.path()));
    // A headless command changes the sandbox...
    let out = run(home.path(), &["sandbox", "fault", "consumer-errors", "--yes"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(fault_on(home.path()));
    // ...and the console quits within the same refresh: its save must not erase the change.
    console.flush().unwrap();
    assert!(fault_on(home.path()), "the headless change was saved over");
    // The console's next read adopts it, and its own change is saved at once beside it.
    let console = console_sandbox(home.path());
    let change = lakeops::model::Change::Sandbox(SandboxChange::Fault { fault: Fault::HotKey, on: true });
    rt.block_on(support::writes::apply(&console, change)).unwrap();
    assert!(faults(home.path()).contains(&"hot-key".to_string()), "a change is saved when it is made");
    assert!(fault_on(home.path()));
    let left: Vec<String> = std::fs::read_dir(paths(home.path()).sandbox_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!left.iter().any(|n| n.contains("tmp")), "no temporary file left behind: {left:?}");
}

#[test]
fn a_damaged_state_is_kept_aside_and_said() {
    let home = tempfile::tempdir().unwrap();
    let file = state_file(home.path());
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(&file, "{\"version\": 3, \"seed\": 4").unwrap();
    let out = run(home.path(), &["status"]);
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(said.contains("could not be read") && said.contains(".damaged-"), "{said}");
    let kept: Vec<PathBuf> = std::fs::read_dir(file.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains("sandbox.json.damaged-"))
        .collect();
    assert_eq!(kept.len(), 1, "the damaged file is kept");
    assert_eq!(std::fs::read_to_string(&kept[0]).unwrap(), "{\"version\": 3, \"seed\": 4");
}

#[test]
fn a_lock_held_by_a_stuck_process_is_an_error_not_a_hang() {
    let home = tempfile::tempdir().unwrap();
    let file = state_file(home.path());
    let held = lakeops::local_files::FileLock::exclusive(&file).expect("hold the state's lock");
    let started = std::time::Instant::now();
    let out = run(home.path(), &["status"]);
    let waited = started.elapsed();
    drop(held);
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains("sandbox.json.lock") && said.contains("stuck"), "{said}");
    assert!(waited >= lakeops::local_files::LOCK_WAIT, "it waited {waited:?} first");
    // Once the holder lets go, the same command works.
    assert!(run(home.path(), &["status"]).status.success());
}

#[cfg(unix)]
#[test]
fn what_lakeops_keeps_is_readable_by_its_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let home = tempfile::tempdir().unwrap();
    let out = run(home.path(), &["sandbox", "fault", "consumer-errors", "--yes"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = run(home.path(), &["query", "SELECT 1"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let paths = paths(home.path());
    let mode =
        |p: &Path| std::fs::metadata(p).unwrap_or_else(|e| panic!("{}: {e}", p.display())).permissions().mode() & 0o777;
    assert_eq!(mode(&paths.state_dir), 0o700);
    assert_eq!(mode(&paths.sandbox_dir()), 0o700);
    for file in [paths.journal_file(), paths.query_history_file(), paths.log_file(), state_file(home.path())] {
        assert_eq!(mode(&file), 0o600, "{}", file.display());
    }
}
