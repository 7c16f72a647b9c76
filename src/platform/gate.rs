//! The write gate: the one door every change to the platform goes through, from the console and
//! from every headless command. It refuses what read-only mode forbids and what the backend
//! cannot make at all (the rules are `ops::change`), makes the call, and journals the outcome. A backend makes a change only when
//! handed a [`Permit`], and only this module can make one, so a write that skips the gate does
//! not compile.

use std::collections::HashSet;
use std::sync::Mutex;

use super::{Platform, PlatformClock, PlatformError};
use crate::journal::{Journal, Stamp};
use crate::model::{Applied, Change};

/// Proof that a change passed the gate; [`Platform::apply`] takes one.
pub struct Permit(());

/// Why the gate did not make a change.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GateError {
    /// Read-only mode refused it; nothing was called.
    #[error("{0}")]
    ReadOnly(String),
    /// A safety rule refused it before any call: the plan shown no longer holds.
    #[error("{0}")]
    Refused(String),
    /// The platform was called and failed.
    #[error("{0}")]
    Platform(#[from] PlatformError),
}

/// Where journal problems go: the console's error history, or a warning on stderr.
pub type ProblemSink = Box<dyn Fn(String) + Send + Sync>;

pub struct Gate {
    readonly: bool,
    journal: Journal,
    profile: String,
    backend: String,
    /// Queries this session started: read-only mode lets it cancel its own reads.
    started_queries: Mutex<HashSet<String>>,
    problems: ProblemSink,
    /// The platform's present, which the journal's entries are stamped with beside this
    /// machine's: the wall clock until [`Gate::on_platform_time`].
    clock: PlatformClock,
}

impl Gate {
    /// A gate for a session of `profile` on `backend`; `problems` hears of journal failures (a
    /// change that was made stays made).
    pub fn new(readonly: bool, journal: Journal, profile: &str, backend: &str, problems: ProblemSink) -> Gate {
        Gate {
            readonly,
            journal,
            profile: profile.to_string(),
            backend: backend.to_string(),
            started_queries: Mutex::default(),
            problems,
            clock: std::sync::Arc::new(chrono::Utc::now),
        }
    }

    /// The gate, stamping the journal with `clock`'s time too ([`Platform::clock`]).
    pub fn on_platform_time(self, clock: PlatformClock) -> Gate {
        Gate { clock, ..self }
    }

    pub fn readonly(&self) -> bool {
        self.readonly
    }

    pub fn journal(&self) -> &Journal {
        &self.journal
    }

    /// Why the gate would refuse `change` now, before anything is asked or called.
    pub fn refusal(&self, change: &Change) -> Option<String> {
        if !self.readonly {
            return None;
        }
        if let Change::StopQuery { id } = change {
            if self.started_queries.lock().is_ok_and(|started| started.contains(id)) {
                return None;
            }
        }
        crate::ops::change::readonly_refusal(change)
    }

    /// Refuses `change` if read-only mode forbids it, or the backend cannot make it at all,
    /// journaling the refusal.
    pub fn check(&self, change: &Change, detail: &str) -> Result<(), GateError> {
        let refused = match self.refusal(change) {
            Some(reason) => GateError::ReadOnly(reason),
            None => match crate::ops::change::backend_refusal(&self.backend, change) {
                Some(reason) => GateError::Refused(reason),
                None => return Ok(()),
            },
        };
        self.record(change.action(), change.target(), detail, &format!("refused: {refused}"));
        Err(refused)
    }

    /// Makes `change` if read-only mode allows it, and journals what happened; `detail` is the
    /// plan in words, kept in the journal beside the outcome.
    pub async fn apply(&self, platform: &dyn Platform, change: &Change, detail: &str) -> Result<Applied, GateError> {
        self.check(change, detail)?;
        // Stamped as the call is made, where the platform's trail has it (at a high `--speed`,
        // the sandbox's time runs on minutes while the call is answered).
        let at = Stamp::now((self.clock)());
        let result = platform.apply(change, &Permit(())).await;
        let outcome = match &result {
            Ok(applied) => outcome(change, applied),
            Err(e) => format!("{}: {e}", e.outcome()),
        };
        if let (Change::StartQuery(_), Ok(applied)) = (change, &result) {
            if let Ok(mut started) = self.started_queries.lock() {
                started.insert(applied.answer());
            }
        }
        self.record_at(at, change.action(), change.target(), detail, &outcome);
        Ok(result?)
    }

    /// Journals an action that ended without a call, or how a followed operation ended:
    /// `outcome` is `refused: …`, `ended: …` and the like.
    pub fn record(&self, action: &str, target: &str, detail: &str, outcome: &str) {
        self.record_at(Stamp::now((self.clock)()), action, target, detail, outcome)
    }

    /// The one place lakeops writes its journal: an entry of the platform's time `at`.
    fn record_at(&self, at: Stamp, action: &str, target: &str, detail: &str, outcome: &str) {
        if let Err(problem) = self.journal.record(at, &self.profile, &self.backend, action, target, detail, outcome) {
            (self.problems)(format!("the journal was not written: {problem}"));
        }
    }
}

/// The journal's outcome of a change the platform made: `done: …`, `started: …`, or `landed: …`
/// when its answer was lost and reading back confirmed it.
fn outcome(change: &Change, applied: &Applied) -> String {
    match applied {
        Applied::Answer(answer) if matches!(change, Change::StartQuery(_)) => format!("started: {answer}"),
        Applied::Answer(answer) => format!("done: {answer}"),
        Applied::Plan(plan) => {
            let staged = plan.staged.as_ref().map(|t| format!("; the template is in {}", t.uri)).unwrap_or_default();
            match &plan.change_set {
                Some(id) => format!("done: change set {id}{staged}"),
                None => format!("done: no changes{staged}"),
            }
        }
        Applied::Done => "done".to_string(),
        Applied::Landed { applied, seen, lost } => {
            let done = outcome(change, applied);
            let what = done.split_once(": ").map(|(_, what)| format!(": {what}")).unwrap_or_default();
            format!("landed (confirmed by reading back: {seen}){what}; its answer was lost: {lost}")
        }
    }
}
