//! `lakeops sandbox reset` and `lakeops sandbox fault KIND [--off]`.

use super::confirm::{confirm, refuse_readonly};
use super::{sandbox_store, Failure};
use crate::journal::Journal;
use crate::platform::Platform;
use crate::sandbox::{Fault, Sandbox};
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

fn journal(
    loaded: &Loaded,
    paths: &Paths,
    action: &str,
    target: &str,
    detail: &str,
    outcome: &str,
) -> Result<(), Failure> {
    Journal::new(paths.journal_file())
        .record(&loaded.profile, "sandbox", action, target, detail, outcome)
        .map_err(Failure::Platform)
}

pub fn reset(loaded: &Loaded, paths: &Paths, yes: bool) -> Result<String, Failure> {
    require_sandbox(loaded)?;
    let store = sandbox_store(loaded, paths);
    let refusal = refuse_readonly(loaded.settings.console.readonly, "sandbox reset").and_then(|_| {
        confirm(
            &format!("Reset the sandbox of profile {}: its history, faults and changes are lost", loaded.profile),
            yes,
        )
    });
    if let Err(e) = refusal {
        journal(loaded, paths, "sandbox.reset", &loaded.profile, "", &format!("refused: {}", e.message()))?;
        return Err(e);
    }
    let existed = store.reset()?;
    journal(loaded, paths, "sandbox.reset", &loaded.profile, "", "done")?;
    Ok(if existed {
        format!("Sandbox of profile {} reset; the next lakeops starts it afresh.", loaded.profile)
    } else {
        format!("Sandbox of profile {} had no saved state; nothing to reset.", loaded.profile)
    })
}

pub fn fault(loaded: &Loaded, paths: &Paths, fault: Fault, on: bool, yes: bool) -> Result<String, Failure> {
    require_sandbox(loaded)?;
    let verb = if on { "on" } else { "off" };
    let what = format!("Turn the {} fault {verb} in the sandbox of profile {}", fault.name(), loaded.profile);
    let refusal = refuse_readonly(loaded.settings.console.readonly, "sandbox fault").and_then(|_| confirm(&what, yes));
    if let Err(e) = refusal {
        journal(loaded, paths, "sandbox.fault", fault.name(), verb, &format!("refused: {}", e.message()))?;
        return Err(e);
    }
    let sandbox = Sandbox::open(&loaded.settings, super::sandbox_clock()?, sandbox_store(loaded, paths))?;
    let changed = sandbox.with_model(|state| {
        let changed = state.set_fault(fault, on);
        if changed {
            let target = state.stream.name.clone();
            state.record(
                "lakeops",
                "lakeops.sandbox",
                &format!("Fault{}", if on { "On" } else { "Off" }),
                &format!("{} ({})", target, fault.name()),
                false,
            );
        }
        changed
    })?;
    sandbox.flush()?;
    journal(loaded, paths, "sandbox.fault", fault.name(), verb, "done")?;
    Ok(if changed {
        format!("Fault {} is {verb}. Watch it with `lakeops` or `lakeops status`.", fault.name())
    } else {
        format!("Fault {} was already {verb}.", fault.name())
    })
}
