//! Headless subcommands: the console's capabilities for scripts, one file each.

pub mod audit;
pub mod confirm;
pub mod glue;
pub mod lists;
pub mod logs;
pub mod peek;
pub mod provision;
pub mod query;
pub mod reshard;
pub mod sandbox;
pub mod status;

use std::sync::Arc;

use crate::journal::Journal;
use crate::platform::{Platform, PlatformError};
use crate::sandbox::{Clock, Sandbox, Store};
use crate::settings::{Backend, Loaded, Paths, SettingsError};

/// How a command ended badly; each maps to the documented exit code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// 1: the platform failed or could not be reached.
    Platform(String),
    /// 2: bad input (usage, profile, theme, validation).
    Invalid(String),
    /// 3: refused (read-only, a safety rule, not confirmed).
    Refused(String),
}

impl Failure {
    pub fn exit_code(&self) -> u8 {
        match self {
            Failure::Platform(_) => 1,
            Failure::Invalid(_) => 2,
            Failure::Refused(_) => 3,
        }
    }

    pub fn message(&self) -> &str {
        match self {
            Failure::Platform(m) | Failure::Invalid(m) | Failure::Refused(m) => m,
        }
    }
}

impl From<SettingsError> for Failure {
    fn from(e: SettingsError) -> Self {
        Failure::Invalid(e.to_string())
    }
}

impl From<crate::ops::refusal::Refusal> for Failure {
    fn from(refusal: crate::ops::refusal::Refusal) -> Self {
        match refusal {
            crate::ops::refusal::Refusal::Invalid { .. } => Failure::Invalid(refusal.text()),
            crate::ops::refusal::Refusal::Safety { .. } => Failure::Refused(refusal.text()),
        }
    }
}

impl From<PlatformError> for Failure {
    fn from(e: PlatformError) -> Self {
        Failure::Platform(e.to_string())
    }
}

/// The sandbox's state file for a profile.
pub fn sandbox_store(loaded: &Loaded, paths: &Paths) -> Store {
    Store::new(paths.sandbox_dir().join(format!("{}.json", loaded.profile)))
}

/// The sandbox's clock: the wall clock, unless `LAKEOPS_SANDBOX_START` starts it elsewhere.
pub fn sandbox_clock() -> Result<Arc<dyn Clock>, Failure> {
    let value = std::env::var(crate::sandbox::clock::START_VARIABLE).ok();
    crate::sandbox::clock::from_env(value.as_deref()).map_err(Failure::Invalid)
}

/// The backend the profile names, connected.
pub async fn connect(loaded: &Loaded, paths: &Paths) -> Result<Arc<dyn Platform>, Failure> {
    let settings = &loaded.settings;
    Ok(match settings.backend {
        Backend::Sandbox => Arc::new(Sandbox::open(settings, sandbox_clock()?, sandbox_store(loaded, paths))?),
        Backend::Aws => Arc::new(crate::aws::AwsPlatform::connect(settings, Default::default()).await),
    })
}

/// Appends one action to lakeops' journal.
pub fn record(
    journal: &Journal,
    loaded: &Loaded,
    action: &str,
    target: &str,
    detail: &str,
    outcome: &str,
) -> Result<(), Failure> {
    journal
        .record(&loaded.profile, loaded.settings.backend.as_str(), action, target, detail, outcome)
        .map_err(Failure::Platform)
}
