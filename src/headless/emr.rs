//! `lakeops emr [--json]` lists the watched clusters with their steps (or the Serverless
//! application's job runs); `emr steps CLUSTER_ID [--failed] [--json]` one cluster's steps;
//! `add-step`, `cancel` and `terminate` are checked against what EMR reports before any call,
//! confirmed (terminate: the cluster's name typed), journaled, refused in read-only mode.

use chrono::{DateTime, Utc};

use super::confirm::{make_planned, refuse_early};
use super::{json, Failure};
use crate::cli::{ChangeArgs, EmrArgs, EmrCommand};
use crate::model::text::sanitize;
use crate::model::{Change, EmrChange, EmrOverview, EmrStep};
use crate::ops::emr::{idle_cost, plan, FoundCluster};
use crate::ops::format::millis;
use crate::platform::Platform;
use crate::session::Session;
use crate::settings::{Loaded, Paths};

pub async fn run(loaded: &Loaded, paths: &Paths, platform: &dyn Platform, args: &EmrArgs) -> Result<String, Failure> {
    match &args.action {
        None => list(loaded, platform, args.json).await,
        Some(EmrCommand::Steps { cluster_id, failed, json }) => steps(platform, cluster_id, *failed, *json).await,
        Some(command) => change(loaded, paths, platform, command).await,
    }
}

async fn list(loaded: &Loaded, platform: &dyn Platform, as_json: bool) -> Result<String, Failure> {
    let overview = platform.emr().await?;
    for warning in &overview.warnings {
        crate::note!("warning: {}", sanitize(warning));
    }
    if as_json {
        return json(&overview);
    }
    Ok(table(&overview, loaded.settings.platform.emr.cost_per_hour, platform.now()))
}

fn table(overview: &EmrOverview, cost: f64, now: DateTime<Utc>) -> String {
    if overview.clusters.is_empty() && overview.applications.is_empty() {
        return "no live EMR cluster or application of the profile's name (platform.emr): a terminated one is not \
                listed; `lakeops audit --source elasticmapreduce.amazonaws.com` shows who ended it\n"
            .into();
    }
    let mut out = String::new();
    for detail in &overview.clusters {
        let c = &detail.cluster;
        out.push_str(&format!(
            "{} {} {} {}{}\n",
            c.id,
            sanitize(&c.name),
            c.state,
            c.release.as_deref().map(sanitize).unwrap_or_default(),
            match c.idle_seconds(now) {
                Some(idle) => format!(" · idle {}{}", millis(idle as f64 * 1000.0), idle_cost(idle, cost)),
                None => String::new(),
            }
        ));
        for g in &c.instance_groups {
            out.push_str(&format!(
                "  {:<7}{:<14}{}/{} {}\n",
                g.role,
                sanitize(&g.instance_type),
                g.running,
                g.requested,
                g.state
            ));
        }
        out.push_str(&steps_table(&detail.steps, now));
    }
    for app in &overview.applications {
        out.push_str(&format!(
            "{} {} {} {}\n",
            app.id,
            sanitize(&app.name),
            app.state,
            app.release.as_deref().map(sanitize).unwrap_or_default()
        ));
        for r in &app.job_runs {
            out.push_str(&format!(
                "  {:<12}{:<24}{:<22}{}\n",
                r.state,
                sanitize(&r.id),
                r.created.map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string()).unwrap_or_default(),
                r.state_details.as_deref().map(sanitize).unwrap_or_default()
            ));
        }
    }
    out
}

fn steps_table(steps: &[EmrStep], now: DateTime<Utc>) -> String {
    let mut out = format!("  {:<12}{:<18}{:<28}{:<22}{:<10}WHY\n", "STATE", "STEP", "NAME", "STARTED (UTC)", "RAN");
    for s in steps {
        let why = match &s.failure {
            Some(f) => {
                let log = f.log_file.as_deref().map(|l| format!(" (log: {})", sanitize(l))).unwrap_or_default();
                format!("{}{log}", sanitize(&f.summary()))
            }
            None => String::new(),
        };
        out.push_str(&format!(
            "  {:<12}{:<18}{:<28}{:<22}{:<10}{}\n",
            s.state,
            s.id,
            sanitize(&s.name),
            s.started.map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string()).unwrap_or_else(|| "—".into()),
            s.duration_seconds(now).map(|d| millis(d as f64 * 1000.0)).unwrap_or_else(|| "—".into()),
            why
        ));
    }
    out
}

async fn steps(platform: &dyn Platform, cluster_id: &str, failed: bool, as_json: bool) -> Result<String, Failure> {
    let Some(steps) = platform.emr_steps(cluster_id, failed).await? else {
        return Err(Failure::Invalid(format!("there is no cluster {cluster_id} (lakeops emr lists them)")));
    };
    if as_json {
        return json(&steps);
    }
    Ok(steps_table(&steps, platform.now()))
}

fn requested(loaded: &Loaded, command: &EmrCommand) -> Result<(EmrChange, ChangeArgs), Failure> {
    Ok(match command {
        EmrCommand::AddStep { cluster_id, template, change } => {
            let templates = &loaded.settings.platform.emr.steps;
            let Some(step) = templates.get(template) else {
                let known: Vec<&str> = templates.keys().map(String::as_str).collect();
                return Err(Failure::Invalid(format!(
                    "the profile has no step template {template:?} ({})",
                    if known.is_empty() {
                        "it has none: add [platform.emr.steps.NAME] with name and args".to_string()
                    } else {
                        format!("it has {}", known.join(", "))
                    }
                )));
            };
            (EmrChange::AddStep { cluster_id: cluster_id.clone(), step: step.clone() }, *change)
        }
        EmrCommand::Cancel { cluster_id, step_id, change } => {
            (EmrChange::CancelStep { cluster_id: cluster_id.clone(), step_id: step_id.clone() }, *change)
        }
        // The name is EMR's, read below; the rules check what is typed against it.
        EmrCommand::Terminate { cluster_id, change } => {
            (EmrChange::Terminate { cluster_id: cluster_id.clone(), name: String::new() }, *change)
        }
        // `run` lists the steps itself; listing is not a change.
        EmrCommand::Steps { .. } => return Err(Failure::Invalid("emr steps changes nothing".into())),
    })
}

async fn change(
    loaded: &Loaded,
    paths: &Paths,
    platform: &dyn Platform,
    command: &EmrCommand,
) -> Result<String, Failure> {
    let session = Session::headless(loaded, paths, platform);
    let (mut change, args) = requested(loaded, command)?;
    refuse_early(&session, &Change::Emr(change.clone()), args)?;
    let found = platform.emr_cluster(change.target()).await?;
    if let (EmrChange::Terminate { name, .. }, Some(found)) = (&mut change, &found) {
        name.clone_from(&found.cluster.name);
    }
    let checked = FoundCluster {
        cluster: found.as_ref().map(|d| &d.cluster),
        steps: found.as_ref().map(|d| d.steps.as_slice()).unwrap_or_default(),
        cost_per_hour: loaded.settings.platform.emr.cost_per_hour,
    };
    let lines = match plan(&change, checked, platform.now()) {
        Ok(lines) => lines,
        Err(refusal) => {
            session.gate.record(change.action(), change.target(), "", &refusal.outcome());
            return Err(refusal.into());
        }
    };
    let typed = match &change {
        EmrChange::Terminate { name, .. } => Some(name.clone()),
        _ => None,
    };
    make_planned(&session, platform, &Change::Emr(change), &lines, args, typed.as_deref()).await.map(|(out, _)| out)
}
