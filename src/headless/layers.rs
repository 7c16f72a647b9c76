//! `lakeops show LAYER [--json]`: one of the layers a profile adds (MSK, the sources, Firehose,
//! OpenSearch, QuickSight), resource by resource with health and reason: the rows its view shows.

use serde::Serialize;

use super::{json, Failure};
use crate::model::text::sanitize;
use crate::model::{Layer, PlatformSnapshot};
use crate::ops::health::Thresholds;
use crate::ops::inventory::{inventory, InventoryRow};
use crate::platform::Platform;
use crate::settings::Loaded;

/// What `--json` prints: the rows, and the layer's data as read.
#[derive(Serialize)]
struct Shown<'a> {
    layer: Layer,
    rows: &'a [InventoryRow],
    data: serde_json::Value,
}

pub async fn show(loaded: &Loaded, platform: &dyn Platform, layer: Layer, as_json: bool) -> Result<String, Failure> {
    let snapshot = platform.snapshot().await?;
    let thresholds = Thresholds::from_alarms(&loaded.settings.platform.alarms);
    let shown = inventory(layer, &snapshot, thresholds).map_err(|reason| {
        let said = format!("{}: {}", layer.title(), sanitize(&reason));
        // A layer the profile does not add is the user's to turn on, not the platform failing.
        match reason == crate::ops::health::NOT_IN_PROFILE {
            true => Failure::Invalid(format!("{said} (docs/configuration.md says how to add it)")),
            false => Failure::Platform(said),
        }
    })?;
    if as_json {
        return json(&Shown { layer, rows: &shown.rows, data: data(layer, &snapshot) });
    }
    let mut out = String::new();
    let widths = shown.widths(usize::MAX);
    out.push_str(&format!("{:<9}{}REASON\n", "HEALTH", shown.header(&widths)));
    for row in &shown.rows {
        let cells = shown.cells(row, &widths);
        out.push_str(&format!("{:<9}{cells}{}\n", row.health.label(), sanitize(&row.reason)));
        for (label, text) in &row.detail {
            out.push_str(&format!("{:9}  {label}: {}\n", "", sanitize(text)));
        }
    }
    Ok(out)
}

/// The layer's part of the snapshot, as JSON.
fn data(layer: Layer, s: &PlatformSnapshot) -> serde_json::Value {
    let value = match layer {
        Layer::Msk => serde_json::to_value(&s.msk),
        Layer::Sources => serde_json::to_value(&s.sources),
        Layer::Firehose => serde_json::to_value(&s.firehose),
        Layer::Opensearch => serde_json::to_value(&s.opensearch),
        Layer::Quicksight => serde_json::to_value(&s.quicksight),
        _ => Ok(serde_json::Value::Null),
    };
    value.unwrap_or(serde_json::Value::Null)
}
