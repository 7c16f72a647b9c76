//! Support shared by the integration tests.
#![allow(dead_code)]

pub mod counting;
pub mod moto;
pub mod pty;
pub mod screen;
pub mod writes;

use std::path::{Path, PathBuf};

use lakeops::settings::{self, Loaded, Overrides, Paths};

/// XDG directories inside a temporary folder, so tests never touch the user's files.
pub fn temp_paths() -> (tempfile::TempDir, Paths) {
    let dir = tempfile::tempdir().expect("temp dir");
    let paths = Paths { config_dir: dir.path().join("config/lakeops"), state_dir: dir.path().join("state/lakeops") };
    (dir, paths)
}

/// Settings from a profile written to `dir` with `text`.
pub fn load_profile(dir: &Path, paths: &Paths, text: &str) -> Loaded {
    let file = dir.join("profile.toml");
    std::fs::write(&file, text).expect("write profile");
    let overrides = Overrides { profile: Some(file.display().to_string()), ..Default::default() };
    settings::load(&overrides, paths, &[]).unwrap_or_else(|e| panic!("{e}"))
}

/// A sandbox test's bench: the built-in sandbox profile in memory at `start` on a clock the test
/// moves, and a directory for its journal.
pub fn sandbox_lab(
    start: chrono::DateTime<chrono::Utc>,
) -> (Loaded, std::sync::Arc<lakeops::sandbox::ManualClock>, lakeops::sandbox::Sandbox, tempfile::TempDir) {
    let loaded = sandbox_settings();
    let clock = std::sync::Arc::new(lakeops::sandbox::ManualClock::new(start.timestamp_millis()));
    let s = lakeops::sandbox::Sandbox::in_memory(&loaded.settings, clock.clone());
    (loaded, clock, s, tempfile::tempdir().expect("temp dir"))
}

/// The write gate a sandbox test applies changes through, journaling into `dir`.
pub fn sandbox_gate(dir: &Path) -> lakeops::platform::Gate {
    let journal = lakeops::journal::Journal::new(dir.join("journal.jsonl"));
    lakeops::platform::Gate::new(false, journal, "sandbox", "sandbox", Box::new(|_| {}))
}

/// The built-in sandbox profile's settings.
pub fn sandbox_settings() -> Loaded {
    let (_dir, paths) = temp_paths();
    settings::load(&Overrides::default(), &paths, &[]).expect("sandbox profile loads")
}

pub fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_lakeops"))
}

pub fn repo_file(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// `lakeops reshard STREAM --yes` with no change chosen: tests set the one they make.
pub fn reshard_args(stream: &str) -> lakeops::cli::ReshardArgs {
    lakeops::cli::ReshardArgs {
        stream: stream.into(),
        to: None,
        split: None,
        at: None,
        merge: None,
        mode: None,
        dry_run: false,
        yes: true,
        no_wait: false,
    }
}

/// A query in the sandbox's workgroup and database.
pub fn sandbox_query(sql: &str) -> lakeops::model::QueryRequest {
    lakeops::model::QueryRequest {
        sql: sql.into(),
        database: "clickstream".into(),
        workgroup: "clickstream-ops".into(),
    }
}

/// The status of query `id` once it is done (at most 30 s).
pub async fn query_done(platform: &dyn lakeops::platform::Platform, id: &str) -> lakeops::model::QueryStatus {
    for _ in 0..1500 {
        let status = platform.query_status(id).await.unwrap();
        if status.state.is_done() {
            return status;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("query {id} did not finish in 30 s");
}
