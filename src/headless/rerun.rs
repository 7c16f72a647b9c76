//! `lakeops sources start NAME` and `lakeops quicksight refresh DATASET`: a source run or a SPICE
//! refresh now, checked against what the services report before any call (`ops::rerun`),
//! confirmed, journaled, refused in read-only mode.

use super::confirm::{make_planned, refuse_early};
use super::Failure;
use crate::cli::ChangeArgs;
use crate::model::{Change, Rerun};
use crate::ops::refusal::Refusal;
use crate::ops::rerun::plan;
use crate::platform::Platform;
use crate::session::Session;
use crate::settings::{Loaded, Paths};

/// Makes `rerun`, or says why the name asked for names none (not a source of the profile).
pub async fn run(
    loaded: &Loaded,
    paths: &Paths,
    platform: &dyn Platform,
    rerun: Result<Rerun, Refusal>,
    args: ChangeArgs,
) -> Result<String, Failure> {
    // A name the profile gives no source is refused before anything is read; with no kind of
    // change known there is no action to journal it under.
    let rerun = rerun?;
    let session = Session::headless(loaded, paths, platform);
    let change = Change::Rerun(rerun.clone());
    refuse_early(&session, &change, args)?;
    let snapshot = platform.snapshot().await?;
    let lines = match plan(&rerun, &snapshot, snapshot.taken_at) {
        Ok(lines) => lines,
        Err(refusal) => {
            session.gate.record(rerun.action(), rerun.target(), "", &refusal.outcome());
            return Err(refusal.into());
        }
    };
    make_planned(&session, platform, &change, &lines, args, None).await.map(|(out, _)| out)
}
