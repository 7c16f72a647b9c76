//! The blast radius: from a failing layer, what is affected downstream, following the pipeline's
//! data flow (stream → consumer → raw zone → job → curated zone → Athena, Redshift, QuickSight).
//! The flow is declared once ([`FEEDS`]); the overview's reason, `:pipeline` and `status --json`'s
//! `impacts` read it.

use serde::Serialize;

use crate::model::*;

/// What each layer feeds, in the direction data moves. Observers (CloudTrail, the alarms) feed
/// nothing; the orchestration feeds the job it runs.
pub const FEEDS: &[(Layer, &[Layer])] = &[
    (Layer::Kinesis, &[Layer::Lambda, Layer::Firehose]),
    (Layer::Msk, &[Layer::Lake]),
    (Layer::Sources, &[Layer::Lake]),
    (Layer::Firehose, &[Layer::Lake]),
    (Layer::Lambda, &[Layer::Lake]),
    (Layer::Lake, &[Layer::Glue, Layer::Processing]),
    (Layer::Orchestration, &[Layer::Glue]),
    (Layer::Glue, &[Layer::Athena, Layer::Redshift]),
    (Layer::Processing, &[Layer::Athena, Layer::Redshift]),
    (Layer::Athena, &[Layer::Quicksight]),
];

/// What `layer` feeds.
pub fn feeds(layer: Layer) -> &'static [Layer] {
    FEEDS.iter().find(|(from, _)| *from == layer).map(|(_, to)| *to).unwrap_or(&[])
}

/// A layer affected by a failing one upstream of it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Impact {
    /// The affected layer.
    pub layer: Layer,
    /// The failing layer that causes it, and how it fails.
    pub caused_by: Layer,
    pub cause_health: Health,
    /// From the cause to the affected layer, both included.
    pub path: Vec<Layer>,
    /// What of the affected layer is hit, named from the snapshot: "raw zone s3://…", "datasets …".
    pub affected: String,
}

/// Every layer downstream of each failing (critical) layer among `layers` (the overview's
/// verdicts: a layer not shown, or not part of the profile, is not affected), nearest first. A
/// warning (one failed query, messages in the DLQ) is not a blast: it names nothing downstream.
pub fn impacts(layers: &[LayerHealth], s: &PlatformSnapshot) -> Vec<Impact> {
    let shown = |l: Layer| layers.iter().any(|h| h.layer == l && h.reason != super::health::NOT_IN_PROFILE);
    let mut out = Vec::new();
    for cause in layers.iter().filter(|l| l.health == Health::Critical) {
        // Breadth first, each layer once per cause, by its shortest path.
        let mut paths: Vec<Vec<Layer>> = vec![vec![cause.layer]];
        let mut seen = vec![cause.layer];
        let mut at = 0;
        while let Some(path) = paths.get(at).cloned() {
            at += 1;
            let last = *path.last().unwrap_or(&cause.layer);
            for &next in feeds(last) {
                if !shown(next) || seen.contains(&next) {
                    continue;
                }
                seen.push(next);
                let mut longer = path.clone();
                longer.push(next);
                out.push(Impact {
                    layer: next,
                    caused_by: cause.layer,
                    cause_health: cause.health,
                    path: longer.clone(),
                    affected: affected(next, s),
                });
                paths.push(longer);
            }
        }
    }
    out
}

/// The layers `cause` affects, in words for its reason: "S3 lake, Glue, Athena, QuickSight".
pub fn downstream_of(impacts: &[Impact], cause: Layer) -> Option<String> {
    let names: Vec<&str> = impacts.iter().filter(|i| i.caused_by == cause).map(|i| i.layer.title()).collect();
    (!names.is_empty()).then(|| names.join(", "))
}

/// What of `layer` a failure upstream hits, named from what was read.
fn affected(layer: Layer, s: &PlatformSnapshot) -> String {
    let named = match layer {
        Layer::Lambda => s.function.ready().map(|f| format!("function {}", f.name)),
        Layer::Firehose => s.firehose.ready().map(|f| {
            let names: Vec<&str> = f.streams.iter().map(|d| d.name.as_str()).collect();
            format!("delivery stream {}", names.join(", "))
        }),
        Layer::Lake => s.lake.ready().map(|l| format!("raw zone s3://{}/ stops filling", l.raw_bucket)),
        Layer::Glue => s.glue.ready().map(|g| {
            let curated = s.lake.ready().map(|l| format!(" into s3://{}/", l.curated_bucket)).unwrap_or_default();
            format!("job {} curates less or nothing{curated}: the curated tables fall behind", g.job)
        }),
        Layer::Processing => Some("the EMR steps read what the raw zone holds".to_string()),
        Layer::Athena => s.athena.ready().map(|a| format!("queries in {} read stale curated data", a.workgroup)),
        Layer::Redshift => s.redshift.ready().map(|r| format!("{} loads stale curated data", r.name)),
        Layer::Quicksight => s.quicksight.ready().map(|q| {
            let ids: Vec<&str> = q.datasets.iter().map(|d| d.id.as_str()).collect();
            format!("SPICE datasets {} refresh stale data", ids.join(", "))
        }),
        _ => None,
    };
    named.unwrap_or_else(|| layer.title().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn health(layer: Layer, health: Health) -> LayerHealth {
        LayerHealth { layer, health, reason: "r".into(), numbers: vec![] }
    }

    #[test]
    fn every_layer_is_named_once_in_the_flow_and_the_flow_runs_one_way() {
        let mut from: Vec<Layer> = FEEDS.iter().map(|(l, _)| *l).collect();
        from.dedup();
        assert_eq!(from.len(), FEEDS.len(), "each layer's feeds are declared once");
        // No cycle: following the flow from any layer never comes back to it.
        for layer in Layer::ALL {
            let layers: Vec<LayerHealth> = Layer::ALL.iter().map(|l| health(*l, Health::Ok)).collect();
            let mut all = layers.clone();
            all.iter_mut().find(|l| l.layer == layer).unwrap().health = Health::Critical;
            let hit = impacts(&all, &PlatformSnapshot::example());
            assert!(hit.iter().all(|i| i.layer != layer), "{layer:?} reaches itself: {hit:?}");
        }
    }

    #[test]
    fn a_failing_consumer_reaches_the_lake_the_job_and_what_reads_the_curated_zone() {
        let mut layers: Vec<LayerHealth> = Layer::ALL.iter().map(|l| health(*l, Health::Ok)).collect();
        layers.iter_mut().find(|l| l.layer == Layer::Lambda).unwrap().health = Health::Critical;
        // Not part of the profile: not affected, and not a way through.
        let redshift = layers.iter_mut().find(|l| l.layer == Layer::Redshift).unwrap();
        redshift.reason = crate::ops::health::NOT_IN_PROFILE.into();
        let hit = impacts(&layers, &PlatformSnapshot::example());
        let order: Vec<Layer> = hit.iter().map(|i| i.layer).collect();
        assert_eq!(order, [Layer::Lake, Layer::Glue, Layer::Processing, Layer::Athena, Layer::Quicksight]);
        assert!(hit.iter().all(|i| i.caused_by == Layer::Lambda && i.cause_health == Health::Critical));
        let quicksight = hit.iter().find(|i| i.layer == Layer::Quicksight).unwrap();
        assert_eq!(quicksight.path, [Layer::Lambda, Layer::Lake, Layer::Glue, Layer::Athena, Layer::Quicksight]);
        assert_eq!(downstream_of(&hit, Layer::Lambda).unwrap(), "S3 lake, Glue, EMR, Athena, QuickSight");
        // Warnings and unknown layers cause nothing; observers feed nothing.
        let quiet: Vec<LayerHealth> = [Layer::Cloudtrail, Layer::Alarms, Layer::Glue, Layer::Athena]
            .iter()
            .map(|l| {
                let h = match l {
                    Layer::Glue => Health::Unknown,
                    Layer::Athena => Health::Warn,
                    _ => Health::Critical,
                };
                health(*l, h)
            })
            .collect();
        assert_eq!(impacts(&quiet, &PlatformSnapshot::example()), vec![]);
    }
}
