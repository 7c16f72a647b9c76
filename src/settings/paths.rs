//! Where lakeops keeps its files, following the XDG base directory convention.

use std::path::PathBuf;

/// The directories lakeops reads and writes.
#[derive(Debug, Clone)]
pub struct Paths {
    /// `$XDG_CONFIG_HOME/lakeops`: config.toml, profiles/, themes/.
    pub config_dir: PathBuf,
    /// `$XDG_STATE_HOME/lakeops`: the log file, the journal, the sandbox state.
    pub state_dir: PathBuf,
}

impl Paths {
    /// Reads `XDG_CONFIG_HOME`, `XDG_STATE_HOME` and `HOME` from the environment.
    pub fn from_env() -> Self {
        let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("."));
        let dir = |var: &str, fallback: &str| {
            std::env::var_os(var)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
                .unwrap_or_else(|| home.join(fallback))
                .join("lakeops")
        };
        Paths { config_dir: dir("XDG_CONFIG_HOME", ".config"), state_dir: dir("XDG_STATE_HOME", ".local/state") }
    }

    /// Config and state directories inside a new temporary folder, for unit tests.
    #[cfg(test)]
    pub fn temp() -> (tempfile::TempDir, Paths) {
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths { config_dir: dir.path().join("config"), state_dir: dir.path().join("state") };
        (dir, paths)
    }

    pub fn config_file(&self) -> PathBuf {
        self.config_dir.join("config.toml")
    }
    pub fn profiles_dir(&self) -> PathBuf {
        self.config_dir.join("profiles")
    }
    pub fn themes_dir(&self) -> PathBuf {
        self.config_dir.join("themes")
    }
    pub fn log_file(&self) -> PathBuf {
        self.state_dir.join("lakeops.log")
    }
    pub fn journal_file(&self) -> PathBuf {
        self.state_dir.join("journal.jsonl")
    }
    pub fn query_history_file(&self) -> PathBuf {
        self.state_dir.join("query-history.jsonl")
    }
    pub fn sandbox_dir(&self) -> PathBuf {
        self.state_dir.join("sandbox")
    }
}
