//! `lakeops sandbox reset` and `lakeops sandbox fault KIND [--off]`.

use super::confirm::{ask, Confirmation};
use super::Failure;
use crate::model::{Applied, Change, Fault, SandboxChange};
use crate::session::{self, Session};
use crate::settings::{Backend, Loaded, Paths};

fn require_sandbox(loaded: &Loaded) -> Result<(), Failure> {
    if loaded.settings.backend != Backend::Sandbox {
        return Err(Failure::Invalid(format!(
            "profile {} uses the {} backend; sandbox commands work on sandbox profiles only",
            loaded.profile,
            loaded.settings.backend.as_str()
        )));
    }
    Ok(())
}

pub async fn reset(loaded: &Loaded, paths: &Paths, yes: bool) -> Result<String, Failure> {
    require_sandbox(loaded)?;
    let platform = session::connect(loaded, paths).await?;
    let session = Session::headless(loaded, paths, platform.as_ref());
    let change = Change::Sandbox(SandboxChange::Reset);
    let question = format!("Reset the sandbox of profile {}: its history, faults and changes are lost", loaded.profile);
    ask(&session, &change, "", "", Confirmation::Question(&question), yes)?;
    let applied = session.gate.apply(platform.as_ref(), &change, "").await?;
    platform.flush()?;
    Ok(match applied {
        Applied::Done => format!("Sandbox of profile {} reset; the next lakeops, and a console open on it at its next refresh, start it afresh.", loaded.profile),
        other => format!("Sandbox of profile {} {}.", loaded.profile, other.answer()),
    })
}

pub async fn fault(loaded: &Loaded, paths: &Paths, fault: Fault, on: bool, yes: bool) -> Result<String, Failure> {
    require_sandbox(loaded)?;
    let platform = session::connect(loaded, paths).await?;
    let session = Session::headless(loaded, paths, platform.as_ref());
    let verb = if on { "on" } else { "off" };
    let change = Change::Sandbox(SandboxChange::Fault { fault, on });
    let question = format!("Turn the {} fault {verb} in the sandbox of profile {}", fault.name(), loaded.profile);
    ask(&session, &change, verb, "", Confirmation::Question(&question), yes)?;
    let applied = session.gate.apply(platform.as_ref(), &change, verb).await?;
    platform.flush()?;
    Ok(match applied {
        Applied::Done => format!("Fault {} is {verb}. Watch it with `lakeops` or `lakeops status`.", fault.name()),
        other => format!("Fault {}: {}.", fault.name(), other.answer()),
    })
}
