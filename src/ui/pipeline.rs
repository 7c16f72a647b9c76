//! `:pipeline`: the platform as a diagram, each stage a box with its throughput, lag or
//! errors, bordered in its health colour, so the broken stage is obvious at a glance.
//!
//! ```text
//! producers ─▶ Kinesis ─▶ Lambda ─▶ raw zone
//!                           │          ▼
//!                          DLQ        Glue
//!  QuickSight ◀╌ Redshift ◀╌ Athena ◀─ curated zone
//!        MSK   sources   Firehose   OpenSearch      (beside the pipeline, when watched)
//! ```

use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Wrap};
use ratatui::Frame;

use super::{base, dim, health_color, health_mark};
use crate::app::App;
use crate::model::text::sanitize;
use crate::model::{Health, Layer, LayerHealth, PlatformSnapshot};
use crate::ops::format::{bytes, millis, percent, rate, thousands};
use crate::settings::Theme;

/// One box: its title, health, and two lines (the key number, then the reason).
struct Stage {
    title: String,
    health: Health,
    lines: Vec<String>,
}

pub fn draw(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let Some(snapshot) = app.snapshot.as_ref() else {
        frame.render_widget(Paragraph::new(Line::styled("Reading the platform…", dim(theme))), area);
        return;
    };
    let stages = stages(snapshot, &app.layers);
    // The layers a profile adds, in a row of their own below the pipeline (QuickSight beside
    // the warehouse it reads).
    let beside: Vec<Stage> = [Layer::Msk, Layer::Sources, Layer::Firehose, Layer::Opensearch]
        .into_iter()
        .filter_map(|l| added_stage(&app.layers, l))
        .collect();
    let quicksight = added_stage(&app.layers, Layer::Quicksight);
    let box_rows = if beside.is_empty() { 3 } else { 4 };
    let box_height = ((area.height.saturating_sub(box_rows - 1)) / box_rows).clamp(3, 6);
    let rows = Layout::vertical([
        Constraint::Length(box_height),
        Constraint::Length(1),
        Constraint::Length(box_height),
        Constraint::Length(1),
        Constraint::Length(box_height),
        Constraint::Length(if beside.is_empty() { 0 } else { box_height }),
        Constraint::Fill(1),
    ])
    .split(area);
    let columns = |row: Rect| {
        Layout::horizontal([
            Constraint::Fill(1),
            Constraint::Length(3),
            Constraint::Fill(1),
            Constraint::Length(3),
            Constraint::Fill(1),
            Constraint::Length(3),
            Constraint::Fill(1),
        ])
        .split(row)
    };
    let arrow = |frame: &mut Frame, rect: Rect, text: &str, height: u16| {
        let y = rect.y + height / 2;
        frame.render_widget(Paragraph::new(text.to_string()).style(dim(theme)), Rect { y, height: 1, ..rect });
    };
    let [producers, kinesis, lambda, raw, dlq, glue, curated, athena, redshift] = stages;

    // Row 1: producers ─▶ Kinesis ─▶ Lambda ─▶ raw zone.
    let r1 = columns(rows[0]);
    for (stage, i) in [(&producers, 0), (&kinesis, 2), (&lambda, 4), (&raw, 6)] {
        draw_stage(stage, theme, frame, r1[i]);
    }
    for i in [1, 3, 5] {
        arrow(frame, r1[i], "─▶", box_height);
    }
    // Down: failed batches to the DLQ, the raw zone to Glue.
    let c1 = columns(rows[1]);
    let centre = |text: &'static str| Paragraph::new(text).style(dim(theme)).alignment(Alignment::Center);
    frame.render_widget(centre("│"), c1[4]);
    frame.render_widget(centre("▼"), c1[6]);
    let r2 = columns(rows[2]);
    draw_stage(&dlq, theme, frame, r2[4]);
    draw_stage(&glue, theme, frame, r2[6]);
    // The state machines that run the crawler and the job, when the profile watches any.
    if let Some(orchestration) = orchestration_stage(snapshot, &app.layers) {
        draw_stage(&orchestration, theme, frame, r2[2]);
    }
    // The EMR cluster or Serverless application that processes the lake, when there is one.
    if let Some(processing) = processing_stage(snapshot, &app.layers) {
        draw_stage(&processing, theme, frame, r2[0]);
    }
    let c2 = columns(rows[3]);
    frame.render_widget(centre("▼"), c2[6]);
    // Row 3, right to left: curated zone ─▶ Athena, and Redshift loading from it.
    let r3 = columns(rows[4]);
    draw_stage(&curated, theme, frame, r3[6]);
    draw_stage(&athena, theme, frame, r3[4]);
    draw_stage(&redshift, theme, frame, r3[2]);
    arrow(frame, r3[5], "◀─", box_height);
    arrow(frame, r3[3], "◀╌", box_height);
    if let Some(quicksight) = &quicksight {
        draw_stage(quicksight, theme, frame, r3[0]);
        arrow(frame, r3[1], "◀╌", box_height);
    }
    let r4 = columns(rows[5]);
    for (stage, i) in beside.iter().zip([0, 2, 4, 6]) {
        draw_stage(stage, theme, frame, r4[i]);
    }
    let legend = if beside.is_empty() {
        "◀╌ Redshift loads the curated zone too · colours and marks: ● OK ▲ WARN ✖ CRIT ○ UNKNOWN"
    } else {
        "bottom row: beside the pipeline (Kafka, sources and Firehose land in the raw zone) · ● OK ▲ WARN ✖ CRIT ○ UNKNOWN"
    };
    // Below the diagram: what each failing layer affects downstream, then the legend.
    let spare = rows[6];
    let radius = blast_radius(app, snapshot, theme);
    let shown = (radius.len() as u16).min(spare.height.saturating_sub(1));
    frame.render_widget(Paragraph::new(radius).style(base(theme)), Rect { height: shown, ..spare });
    let legend_at = Rect { y: spare.y + shown, height: 1.min(spare.height.saturating_sub(shown)), ..spare };
    frame.render_widget(Paragraph::new(legend).style(dim(theme)), legend_at);
}

/// One line a failing layer, the path to what it affects, then what each affected part is.
fn blast_radius<'a>(app: &App, snapshot: &PlatformSnapshot, theme: &Theme) -> Vec<Line<'a>> {
    let impacts = crate::ops::impact::impacts(&app.layers, snapshot);
    let mut causes: Vec<(Layer, Health)> = Vec::new();
    for i in &impacts {
        if !causes.iter().any(|(l, _)| *l == i.caused_by) {
            causes.push((i.caused_by, i.cause_health));
        }
    }
    let mut lines = Vec::new();
    // Every failing layer's line first; what each part hit is, for the first (the most upstream).
    let first = causes.first().map(|(l, _)| *l);
    for (cause, health) in causes.iter().copied() {
        let hit: Vec<&crate::ops::impact::Impact> = impacts.iter().filter(|i| i.caused_by == cause).collect();
        let names: Vec<&str> = hit.iter().map(|i| i.layer.title()).collect();
        let color = Style::new().fg(health_color(theme, health)).add_modifier(Modifier::BOLD);
        lines.push(Line::from(vec![
            ratatui::text::Span::styled(format!("{} {} ", health_mark(health), cause.title()), color),
            ratatui::text::Span::raw(format!("affects downstream: {}", names.join(", "))),
        ]));
    }
    for i in impacts.iter().filter(|i| Some(i.caused_by) == first) {
        lines.push(Line::styled(format!("    {}: {}", i.layer.title(), sanitize(&i.affected)), dim(theme)));
    }
    lines
}

/// A box for a layer the profile adds, from its overview verdict: its first numbers, its reason.
fn added_stage(layers: &[LayerHealth], which: Layer) -> Option<Stage> {
    let l = layers.iter().find(|l| l.layer == which)?;
    let numbers: Vec<String> = l.numbers.iter().take(2).map(|n| format!("{} {}", n.label, n.text)).collect();
    Some(Stage { title: which.title().into(), health: l.health, lines: vec![numbers.join(" · "), l.reason.clone()] })
}

fn draw_stage(stage: &Stage, theme: &Theme, frame: &mut Frame, area: Rect) {
    let color = health_color(theme, stage.health);
    let title = format!(" {} {} ", health_mark(stage.health), stage.title);
    let block = Block::bordered()
        .title(Line::styled(title, Style::new().fg(color).add_modifier(Modifier::BOLD)))
        .border_style(Style::new().fg(if stage.health == Health::Ok { theme.border } else { color }))
        .style(base(theme));
    let lines: Vec<Line> = stage
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| Line::styled(sanitize(l), if i == 0 { base(theme) } else { dim(theme) }))
        .collect();
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }).block(block), area);
}

fn layer(layers: &[LayerHealth], which: Layer) -> (Health, String) {
    layers
        .iter()
        .find(|l| l.layer == which)
        .map(|l| (l.health, l.reason.clone()))
        .unwrap_or((Health::Unknown, "not assessed yet".into()))
}

fn orchestration_stage(s: &PlatformSnapshot, layers: &[LayerHealth]) -> Option<Stage> {
    let o = s.orchestration.ready();
    let verdict = layers.iter().find(|l| l.layer == Layer::Orchestration)?;
    let names: Vec<&str> = o.map(|o| o.state_machines.iter().map(|m| m.name.as_str()).collect()).unwrap_or_default();
    let latest = o
        .and_then(|o| o.state_machines.iter().find_map(|m| m.latest.as_ref()))
        .map(|e| format!("last {}", e.status))
        .unwrap_or_else(|| "no execution yet".into());
    Some(Stage {
        title: format!("Step Functions {}", names.join(", ")),
        health: verdict.health,
        lines: vec![latest, verdict.reason.clone()],
    })
}

fn processing_stage(s: &PlatformSnapshot, layers: &[LayerHealth]) -> Option<Stage> {
    let verdict = layers.iter().find(|l| l.layer == Layer::Processing)?;
    let p = s.processing.ready();
    let latest = p.and_then(|p| {
        let step = p.clusters.iter().find_map(|c| c.latest_step.as_ref()).map(|s| (&s.name, &s.state));
        let run = p.applications.iter().find_map(|a| a.application.job_runs.first()).map(|r| (&r.id, &r.state));
        step.or(run).map(|(name, state)| format!("last {name} {state}"))
    });
    Some(Stage {
        title: format!("EMR {}", p.map(|p| p.name.as_str()).unwrap_or_default()),
        health: verdict.health,
        lines: vec![latest.unwrap_or_else(|| "nothing run yet".into()), verdict.reason.clone()],
    })
}

fn stages(s: &PlatformSnapshot, layers: &[LayerHealth]) -> [Stage; 9] {
    let stage = |title: &str, (health, reason): (Health, String), number: String| Stage {
        title: title.to_string(),
        health,
        lines: vec![number, reason],
    };
    let streams = s.streams.ready().map(|v| v.as_slice()).unwrap_or_default();
    let incoming: Option<f64> = streams.iter().filter_map(|s| s.incoming_records_per_second).reduce(|a, b| a + b);
    let throttled: f64 = streams.iter().filter_map(|s| s.write_throttled).sum();
    let producers = Stage {
        title: "producers".into(),
        health: if throttled > 0.0 {
            Health::Warn
        } else if incoming.is_some() {
            Health::Ok
        } else {
            Health::Unknown
        },
        lines: vec![
            incoming.map(|r| format!("{} accepted", rate(r))).unwrap_or_else(|| "—".into()),
            if throttled > 0.0 {
                format!("{} writes refused last minute", thousands(throttled))
            } else {
                "no writes refused".into()
            },
        ],
    };
    let age = streams.iter().filter_map(|s| s.iterator_age_ms).reduce(f64::max);
    let kinesis_name = streams.first().map(|s| s.name.as_str()).unwrap_or("Kinesis");
    let kinesis = stage(
        &format!("Kinesis {kinesis_name}"),
        layer(layers, Layer::Kinesis),
        format!("{} · lag {}", incoming.map(rate).unwrap_or_else(|| "—".into()), age.map(millis).unwrap_or("—".into())),
    );
    let f = s.function.ready();
    let lambda = stage(
        &format!("Lambda {}", f.map(|f| f.name.as_str()).unwrap_or("")),
        layer(layers, Layer::Lambda),
        format!(
            "{}/min · errors {}",
            f.and_then(|f| f.invocations_per_minute).map(thousands).unwrap_or_else(|| "—".into()),
            f.and_then(|f| f.error_rate()).map(percent).unwrap_or_else(|| "—".into())
        ),
    );
    let lake = s.lake.ready();
    let lake_health = layer(layers, Layer::Lake);
    let raw = stage(
        "S3 raw zone",
        lake_health.clone(),
        lake.map(|l| format!("{} in {} objects", bytes(l.raw_bytes as f64), thousands(l.raw_objects as f64)))
            .unwrap_or_else(|| "—".into()),
    );
    let dlq = match s.alarms.ready().and_then(|a| a.dlq.ready()) {
        Some(d) => Stage {
            title: "dead-letter queue".into(),
            health: if d.visible.unwrap_or(0) > 0 { Health::Warn } else { Health::Ok },
            lines: vec![
                format!("{} waiting", d.visible.map(|v| thousands(v as f64)).unwrap_or_else(|| "?".into())),
                d.oldest_age_seconds
                    .map(|a| format!("oldest {}", millis(a * 1000.0)))
                    .unwrap_or_else(|| "batches that failed every retry".into()),
            ],
        },
        None => Stage {
            title: "dead-letter queue".into(),
            health: Health::Unknown,
            lines: vec!["—".into(), "not read".into()],
        },
    };
    let g = s.glue.ready();
    let glue = stage(
        &format!("Glue {}", g.map(|g| g.job.as_str()).unwrap_or("")),
        layer(layers, Layer::Glue),
        g.and_then(|g| g.last_run.as_ref())
            .map(|r| format!("last run {}", r.state))
            .unwrap_or_else(|| "no run yet".into()),
    );
    let curated = stage(
        "S3 curated zone",
        lake_health,
        lake.map(|l| format!("{} in {} objects", bytes(l.curated_bytes as f64), thousands(l.curated_objects as f64)))
            .unwrap_or_else(|| "—".into()),
    );
    let a = s.athena.ready();
    let athena = stage(
        &format!("Athena {}", a.map(|a| a.workgroup.as_str()).unwrap_or("")),
        layer(layers, Layer::Athena),
        a.map(|a| format!("{} running · {} scanned today", a.running, bytes(a.scanned_bytes_today as f64)))
            .unwrap_or_else(|| "—".into()),
    );
    let r = s.redshift.ready();
    let redshift = stage(
        &format!("Redshift {}", r.map(|r| r.name.as_str()).unwrap_or("")),
        layer(layers, Layer::Redshift),
        r.map(|r| format!("{} connections", r.connections.map(thousands).unwrap_or_else(|| "—".into())))
            .unwrap_or_else(|| "—".into()),
    );
    [producers, kinesis, lambda, raw, dlq, glue, curated, athena, redshift]
}
