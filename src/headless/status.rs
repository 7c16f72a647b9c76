//! `lakeops status [--json]`: per layer, health, the reason in words, key numbers.

use serde::Serialize;

use super::Failure;
use crate::model::text::sanitize;
use crate::model::{Health, LayerHealth, PlatformSnapshot};
use crate::ops::health::{assess, overall, Thresholds};
use crate::ops::impact::{impacts, Impact};
use crate::platform::Platform;
use crate::settings::Loaded;

/// The JSON document `status --json` prints (docs/status-json.md).
#[derive(Debug, Serialize)]
pub struct StatusReport {
    pub profile: String,
    pub backend: String,
    pub location: String,
    pub taken_at: chrono::DateTime<chrono::Utc>,
    pub overall: Health,
    pub layers: Vec<LayerHealth>,
    /// What each failing layer affects downstream (docs/status-json.md).
    pub impacts: Vec<Impact>,
    pub problems: Vec<String>,
}

pub async fn report(loaded: &Loaded, platform: &dyn Platform) -> Result<StatusReport, Failure> {
    let snapshot: PlatformSnapshot = platform.snapshot().await?;
    let mut layers = assess(&snapshot, Thresholds::from_alarms(&loaded.settings.platform.alarms));
    if let Some(slo) = &loaded.slo {
        let objectives = crate::ops::slo::judge_all(slo, &snapshot, &loaded.settings.platform.glue.database, &layers);
        crate::ops::health::with_objectives(&mut layers, &objectives);
    }
    let info = platform.info();
    Ok(StatusReport {
        profile: loaded.profile.clone(),
        backend: info.backend.to_string(),
        location: info.location,
        taken_at: snapshot.taken_at,
        overall: overall(&layers),
        impacts: impacts(&layers, &snapshot),
        layers,
        problems: snapshot.problems,
    })
}

pub fn to_json(report: &StatusReport) -> String {
    serde_json::to_string_pretty(report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

pub fn to_text(report: &StatusReport) -> String {
    let mut out = format!(
        "lakeops status — profile {} ({} {}), read at {}\n\n",
        sanitize(&report.profile),
        report.backend,
        sanitize(&report.location),
        report.taken_at.format("%Y-%m-%d %H:%M:%S UTC")
    );
    out.push_str(&format!("{:<15}{:<9}{}\n", "LAYER", "HEALTH", "REASON · KEY NUMBERS"));
    for l in &report.layers {
        out.push_str(&format!("{:<15}{:<9}{}\n", l.layer.title(), l.health.label(), sanitize(&l.reason)));
        if !l.numbers.is_empty() {
            let numbers: Vec<String> = l.numbers.iter().map(|n| format!("{} {}", n.label, sanitize(&n.text))).collect();
            out.push_str(&format!("{:<24}{}\n", "", numbers.join(" · ")));
        }
    }
    if !report.impacts.is_empty() {
        out.push_str("\nimpacts (what each failing layer affects downstream; --json names what of each):\n");
    }
    for cause in report.layers.iter().filter(|l| report.impacts.iter().any(|i| i.caused_by == l.layer)) {
        let hit = crate::ops::impact::downstream_of(&report.impacts, cause.layer).unwrap_or_default();
        out.push_str(&format!("  {} ({}) → {hit}\n", cause.layer.title(), cause.health.label()));
    }
    for p in &report.problems {
        out.push_str(&format!("\nproblem: {}", sanitize(p)));
    }
    out.push_str(&format!("\noverall: {}\n", report.overall.label()));
    out
}
