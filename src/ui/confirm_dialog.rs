//! A yes/no confirmation: what will happen, or why it is refused.

use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph, Wrap};
use ratatui::Frame;

use super::{base, dim, panel};
use crate::app::confirm::{ConfirmDialog, Then};
use crate::model::text::sanitize;
use crate::settings::Theme;

pub fn draw(dialog: &ConfirmDialog, keys: &super::DialogKeys, theme: &Theme, frame: &mut Frame, area: Rect) {
    let mut lines: Vec<Line> =
        dialog.lines.iter().map(|l| Line::styled(format!("  {}", sanitize(l)), base(theme))).collect();
    lines.push(Line::raw(""));
    match &dialog.refusal {
        Some(reason) => {
            lines.push(Line::styled(sanitize(reason), Style::new().fg(theme.critical)));
            lines.push(Line::styled(keys.cancel.clone(), dim(theme)));
        }
        None => {
            // Quitting says its own choices: "cancel" would read as cancelling the query.
            let (yes, no) = (&keys.confirm_key, &keys.cancel_key);
            let choices = match dialog.then {
                Some(Then::Quit) => format!("{yes}: quit · {no}: stay"),
                Some(Then::QuitWhenCancelled) => format!("{yes}: cancel the query, then quit · {no}: stay"),
                _ => keys.yes.clone(),
            };
            lines.push(Line::styled(choices, Style::new().fg(theme.warn).add_modifier(Modifier::BOLD)))
        }
    }
    let paragraph =
        Paragraph::new(lines).wrap(Wrap { trim: true }).block(panel(theme, dialog.title.clone())).style(base(theme));
    let rect = super::dialog_area(area, 86, &paragraph, 0);
    frame.render_widget(Clear, rect);
    frame.render_widget(paragraph, rect);
}
