//! Making a change the operator confirmed, for the console and the headless commands alike: a
//! change whose plan rests on what the platform was doing is checked again first, as a reshard is
//! (`reshard::apply`).

use crate::model::{Applied, Change, EmrChange};
use crate::ops::emr::{plan, FoundCluster};
use crate::platform::{GateError, Platform};

use super::Session;

/// Makes `change` (`detail`: its plan in words, journaled with it) through the gate. Terminating
/// an EMR cluster reads the cluster again first: EMR terminates a busy cluster, the step running
/// on it with it, so one that took a step since its plan was shown is refused and journaled.
pub async fn apply(
    session: &Session,
    platform: &dyn Platform,
    change: &Change,
    detail: &str,
) -> Result<Applied, GateError> {
    if let Change::Emr(emr @ EmrChange::Terminate { cluster_id, .. }) = change {
        session.gate.check(change, detail)?;
        let found = platform.emr_cluster(cluster_id).await?;
        let checked = FoundCluster {
            cluster: found.as_ref().map(|d| &d.cluster),
            steps: found.as_ref().map(|d| d.steps.as_slice()).unwrap_or_default(),
            cost_per_hour: 0.0,
        };
        if let Err(refusal) = plan(emr, checked, platform.now()) {
            let reason = format!(
                "{cluster_id} changed since its plan was shown: {}; nothing was done — read it again",
                refusal.text()
            );
            session.gate.record(change.action(), change.target(), detail, &format!("refused: {reason}"));
            return Err(GateError::Refused(reason));
        }
    }
    session.gate.apply(platform, change, detail).await
}
