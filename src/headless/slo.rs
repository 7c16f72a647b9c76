//! `lakeops slo [--json]`: each freshness objective of the profile's `[slo]` as `ops::slo` judges
//! it; exit 1 when one is broken (for cron jobs and CI), the document printed all the same.

use serde::Serialize;

use super::Failure;
use crate::model::text::{padded, sanitize, width};
use crate::ops::format::ago;
use crate::ops::slo::{judge_all, seconds, Objective, State};
use crate::platform::Platform;
use crate::settings::Loaded;

/// The JSON document `slo --json` prints (docs/slo.md).
#[derive(Debug, Serialize)]
pub struct SloReport {
    pub profile: String,
    pub backend: String,
    pub taken_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The error budget's window and target; `null` when the profile sets no `[slo]`.
    pub window_hours: Option<i64>,
    pub target: Option<f64>,
    /// Worst first.
    pub objectives: Vec<Objective>,
}

pub async fn run(loaded: &Loaded, platform: &dyn Platform, json: bool) -> Result<String, Failure> {
    let backend = platform.info().backend.to_string();
    let Some(slo) = &loaded.slo else {
        let report = SloReport {
            profile: loaded.profile.clone(),
            backend,
            taken_at: None,
            window_hours: None,
            target: None,
            objectives: Vec::new(),
        };
        return if json {
            super::json(&report)
        } else {
            Ok(format!(
                "profile {} sets no freshness objectives: add [slo] to it (docs/slo.md), e.g.\n\n[slo.objectives]\ncurated = \"90m\"\n",
                sanitize(&loaded.profile)
            ))
        };
    };
    let snapshot = platform.snapshot().await?;
    let thresholds = crate::ops::health::Thresholds::from_alarms(&loaded.settings.platform.alarms);
    let layers = crate::ops::health::assess(&snapshot, thresholds);
    let report = SloReport {
        profile: loaded.profile.clone(),
        backend,
        taken_at: Some(snapshot.taken_at),
        window_hours: Some(slo.window_seconds / 3600),
        target: Some(slo.target),
        objectives: judge_all(slo, &snapshot, &loaded.settings.platform.glue.database, &layers),
    };
    let out = if json { super::json(&report)? } else { to_text(&report) };
    let broken: Vec<&str> =
        report.objectives.iter().filter(|o| o.state == State::Broken).map(|o| o.dataset.as_str()).collect();
    if broken.is_empty() {
        Ok(out)
    } else {
        let message = format!("{} freshness objective(s) broken: {}", broken.len(), broken.join(", "));
        Err(Failure::Verdict { output: out, message })
    }
}

pub fn to_text(report: &SloReport) -> String {
    let now = report.taken_at.unwrap_or_default();
    let mut out = format!(
        "lakeops slo — profile {} ({}), read at {}; error budget over {} h, target {} %\n\n",
        sanitize(&report.profile),
        report.backend,
        now.format("%Y-%m-%d %H:%M:%S UTC"),
        report.window_hours.unwrap_or_default(),
        report.target.unwrap_or_default() * 100.0
    );
    // Written for scripts and files: every dataset whole, the column as wide as the widest.
    let dataset = |o: &Objective| sanitize(&o.dataset);
    let wide = report.objectives.iter().map(|o| width(&dataset(o))).max().unwrap_or(0).max("DATASET".len()) + 2;
    out.push_str(&format!(
        "{:<9}{}{:<14}{:<14}{:<11}{}\n",
        "STATE",
        padded("DATASET", wide),
        "LAST UPDATE",
        "LAG",
        "OBJECTIVE",
        "BUDGET LEFT"
    ));
    for o in &report.objectives {
        let updated = o.last_update.map(|t| ago(now, t)).unwrap_or_else(|| "—".into());
        let lag = o.lag.map(|l| l.text()).unwrap_or_else(|| "—".into());
        let budget = o.budget.as_ref().map(|b| b.text()).unwrap_or_else(|| "—".into());
        out.push_str(&format!(
            "{:<9}{}{:<14}{:<14}{:<11}{}\n",
            o.state.label(),
            padded(&dataset(o), wide),
            updated,
            lag,
            format!("≤ {}", seconds(o.objective_seconds)),
            budget
        ));
        out.push_str(&format!("{:<9}{}\n", "", sanitize(&o.reason)));
        if let Some(detail) = &o.detail {
            out.push_str(&format!("{:<9}{}\n", "", sanitize(detail)));
        }
    }
    let worst = crate::ops::slo::worst(&report.objectives).map_or("none", State::label);
    out.push_str(&format!("\nworst: {worst}\n"));
    out
}
