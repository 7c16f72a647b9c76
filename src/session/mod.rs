//! The application layer: what the console and the headless commands both do with a platform.
//! A [`Session`] is one run of lakeops acting for a profile: its write gate (read-only mode and
//! the journal), its query history; the modules beside it connect to the backend, follow an
//! operation to its end, count recent changes, export results and merge the journal into the
//! audit. `headless/` parses arguments, prints and exits; the console's runtime runs its
//! effects through the same functions.

pub mod audit;
pub mod change;
pub mod fleet;
pub mod glue;
pub mod output;
pub mod query;
pub mod reshard;
pub mod runbook;
pub mod stack;

use std::sync::Arc;

use crate::history::QueryHistory;
use crate::journal::Journal;
use crate::platform::gate::ProblemSink;
use crate::platform::{BackendInfo, Gate, GateError, Platform, PlatformError};
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
    /// 101 (as a Rust panic): a task of the console panicked; the console ended cleanly.
    Crashed(String),
    /// 1: the command read the platform and found it failing a check it makes for scripts (`lakeops
    /// slo`: a freshness objective broken): `output` is printed on stdout as on success, `message`
    /// on stderr.
    Verdict { output: String, message: String },
}

impl Failure {
    pub fn exit_code(&self) -> u8 {
        match self {
            Failure::Platform(_) => 1,
            Failure::Invalid(_) => 2,
            Failure::Refused(_) => 3,
            Failure::Crashed(_) => 101,
            Failure::Verdict { .. } => 1,
        }
    }

    pub fn message(&self) -> &str {
        match self {
            Failure::Platform(m) | Failure::Invalid(m) | Failure::Refused(m) | Failure::Crashed(m) => m,
            Failure::Verdict { message, .. } => message,
        }
    }

    /// What the command printed before it failed, for stdout (a [`Failure::Verdict`]'s document).
    pub fn output(&self) -> Option<&str> {
        match self {
            Failure::Verdict { output, .. } => Some(output),
            _ => None,
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

impl From<GateError> for Failure {
    fn from(e: GateError) -> Self {
        match e {
            GateError::ReadOnly(reason) | GateError::Refused(reason) => Failure::Refused(reason),
            GateError::Platform(e) => e.into(),
        }
    }
}

/// One run of lakeops acting for a profile.
pub struct Session {
    pub profile: String,
    pub backend: Backend,
    /// The one door for changes: read-only mode and the journal.
    pub gate: Gate,
    /// SQL run from `:athena` and `lakeops query`.
    pub history: QueryHistory,
    /// The profile's region: what `${AWS::Region}` in a template's names stands for.
    pub region: String,
}

impl Session {
    /// The session `loaded` describes, acting on `platform` (whose time the journal is stamped
    /// with too); journal problems go to `problems`.
    pub fn open(loaded: &Loaded, paths: &Paths, platform: &dyn Platform, problems: ProblemSink) -> Session {
        let backend = loaded.settings.backend;
        let journal = Journal::new(paths.journal_file());
        let readonly = loaded.settings.console.readonly;
        Session {
            profile: loaded.profile.clone(),
            backend,
            gate: Gate::new(readonly, journal, &loaded.profile, backend.as_str(), problems)
                .on_platform_time(platform.clock()),
            history: QueryHistory::new(paths.query_history_file()),
            region: loaded.settings.aws.region.clone(),
        }
    }

    /// A session for a headless command: journal problems are warnings on stderr.
    pub fn headless(loaded: &Loaded, paths: &Paths, platform: &dyn Platform) -> Session {
        Session::open(
            loaded,
            paths,
            platform,
            Box::new(|problem| crate::note!("lakeops: warning: {}", crate::model::text::sanitize(&problem))),
        )
    }

    pub fn readonly(&self) -> bool {
        self.gate.readonly()
    }

    pub fn journal(&self) -> &Journal {
        self.gate.journal()
    }

    /// Whose entries of the journal are this session's platform's.
    pub fn scope(&self) -> crate::journal::Scope<'_> {
        crate::journal::Scope { profile: &self.profile, backend: self.backend.as_str() }
    }

    /// How often to ask a backend how a long operation is doing: gently on AWS, where every
    /// call counts against an API's rate, briskly on the sandbox.
    pub fn poll_every(&self, on_aws: std::time::Duration) -> std::time::Duration {
        match self.backend {
            Backend::Aws => on_aws,
            Backend::Sandbox => std::time::Duration::from_millis(500),
        }
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
    match for_console(loaded, paths)? {
        Connecting::Ready(platform) => Ok(platform),
        Connecting::Pending { connect, .. } => Ok(connect.await),
    }
}

/// The console's platform: the sandbox, opened (its state is on this disk); or AWS, still to be
/// connected, which the console does after its first frame, since loading the SDK's
/// configuration and the TLS roots takes longer than drawing it.
pub enum Connecting {
    Ready(Arc<dyn Platform>),
    Pending { info: BackendInfo, connect: futures::future::BoxFuture<'static, Arc<dyn Platform>> },
}

impl Connecting {
    pub fn info(&self) -> BackendInfo {
        match self {
            Connecting::Ready(platform) => platform.info(),
            Connecting::Pending { info, .. } => info.clone(),
        }
    }
}

/// The platform the profile names, ready or on its way (see [`Connecting`]).
pub fn for_console(loaded: &Loaded, paths: &Paths) -> Result<Connecting, Failure> {
    let settings = &loaded.settings;
    Ok(match settings.backend {
        Backend::Sandbox => {
            Connecting::Ready(Arc::new(Sandbox::open(settings, sandbox_clock()?, sandbox_store(loaded, paths))?))
        }
        Backend::Aws => {
            let settings = settings.clone();
            Connecting::Pending {
                info: crate::aws::client::backend_info(&settings.aws),
                connect: Box::pin(async move {
                    Arc::new(crate::aws::AwsPlatform::connect(&settings, Default::default()).await) as Arc<dyn Platform>
                }),
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::{self, Overrides};

    fn loaded(profile: &str, paths: &Paths) -> Loaded {
        let overrides = Overrides { profile: Some(profile.into()), ..Overrides::default() };
        settings::load(&overrides, paths, &[]).unwrap()
    }

    /// The console's first frame must not wait for the SDK: an AWS platform is handed over still
    /// to be connected, and the header's words come from the profile alone.
    #[test]
    fn the_console_gets_aws_unconnected_and_the_sandbox_opened() {
        let (_dir, paths) = Paths::temp();
        std::fs::create_dir_all(paths.profiles_dir()).unwrap();
        std::fs::write(
            paths.profiles_dir().join("far.toml"),
            "name = \"far\"\nbackend = \"aws\"\n[aws]\nregion = \"eu-west-1\"\nendpoint_url = \"http://127.0.0.1:9\"\n",
        )
        .unwrap();
        let aws = for_console(&loaded("far", &paths), &paths).unwrap();
        assert!(matches!(aws, Connecting::Pending { .. }), "AWS is connected after the first frame");
        assert_eq!(aws.info(), BackendInfo { backend: "aws", location: "eu-west-1 via http://127.0.0.1:9".into() });
        let sandbox = for_console(&loaded("sandbox", &paths), &paths).unwrap();
        assert!(matches!(sandbox, Connecting::Ready(_)));
        assert_eq!(sandbox.info().backend, "sandbox");
    }
}
