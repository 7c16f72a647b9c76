//! The reshard dialog: what will happen, or which rule refuses it; enter confirms.

use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph, Wrap};
use ratatui::Frame;

use super::{base, dialog_area, dim, panel};
use crate::app::stream_detail::{DialogKind, ReshardDialog};
use crate::model::text::sanitize;
use crate::settings::Theme;

pub fn draw(dialog: &ReshardDialog, keys: &super::DialogKeys, theme: &Theme, frame: &mut Frame, area: Rect) {
    let title = match dialog.kind {
        DialogKind::Scale => " Scale uniformly ",
        DialogKind::Split => " Split shard ",
        DialogKind::Merge => " Merge shards ",
        DialogKind::SwitchMode => " Switch capacity mode ",
    };
    let mut lines = vec![Line::styled(format!("stream {}", sanitize(&dialog.stream)), base(theme))];
    if dialog.kind == DialogKind::Scale {
        lines.push(Line::styled(
            format!("target shards: {}▏  (type a number)", dialog.input),
            Style::new().fg(theme.accent).add_modifier(Modifier::BOLD),
        ));
        if let Some(s) = &dialog.suggestion {
            lines.push(Line::styled(format!("suggestion: {s}"), dim(theme)));
        }
    }
    lines.push(Line::raw(""));
    match &dialog.outcome {
        Ok(plan) => {
            for line in plan.describe() {
                lines.push(Line::styled(format!("  {line}"), base(theme)));
            }
            lines.push(Line::raw(""));
            lines.push(Line::styled(keys.yes.clone(), Style::new().fg(theme.warn).add_modifier(Modifier::BOLD)));
        }
        Err(reason) => {
            lines.push(Line::styled(sanitize(reason), Style::new().fg(theme.critical)));
            lines.push(Line::raw(""));
            lines.push(Line::styled(keys.cancel.clone(), dim(theme)));
        }
    }
    let paragraph = Paragraph::new(lines).wrap(Wrap { trim: true }).block(panel(theme, title)).style(base(theme));
    let rect = dialog_area(area, 78, &paragraph, 2);
    frame.render_widget(Clear, rect);
    frame.render_widget(paragraph, rect);
}
