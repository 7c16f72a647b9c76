//! The profile's runbooks, read once when lakeops starts: the console shows them beside the
//! alarms, `lakeops runbook` prints one. A file that cannot be read becomes a runbook that says
//! why, shown where its text would be (docs/runbooks.md).

use crate::ops::runbook::{Runbook, Runbooks};
use crate::settings::{Loaded, RunbookTarget};

/// Every runbook of `[runbooks]`, read.
pub fn load(loaded: &Loaded) -> Runbooks {
    let runbooks = loaded
        .runbooks
        .iter()
        .map(|r| {
            let location = r.target.location();
            match (&r.target, r.read()) {
                (RunbookTarget::Url(url), _) => Runbook::url(&r.key, url),
                (_, Ok(Some(text))) => Runbook::markdown(&r.key, &location, &text),
                (_, Ok(None)) => Runbook::unreadable(&r.key, &location, &format!("{location}: no such runbook")),
                (_, Err(problem)) => Runbook::unreadable(&r.key, &location, &problem),
            }
        })
        .collect();
    Runbooks::new(&loaded.settings.platform.stack_name, runbooks)
}
