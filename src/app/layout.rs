//! Screen geometry shared by the drawing code and the mouse handling, so a click lands on
//! the row that was drawn there.

use ratatui::layout::Rect;

/// The smallest terminal the console draws in.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

pub struct Areas {
    pub header: Rect,
    pub body: Rect,
    pub status: Rect,
}

pub fn areas(area: Rect) -> Areas {
    let header = Rect { height: 1.min(area.height), ..area };
    let status = Rect { y: area.bottom().saturating_sub(1), height: 1.min(area.height), ..area };
    let body = Rect { y: area.y + 1, height: area.height.saturating_sub(2), ..area };
    Areas { header, body, status }
}

pub fn too_small(width: u16, height: u16) -> bool {
    width < MIN_WIDTH || height < MIN_HEIGHT
}

/// Lines a list view spends above its first row: the block's border and the column header.
pub const LIST_CHROME_TOP: u16 = 2;

/// The screen rows of a list's items (inside the border, below the column header).
pub fn list_rows(body: Rect) -> Rect {
    Rect {
        x: body.x + 1,
        y: body.y + LIST_CHROME_TOP,
        width: body.width.saturating_sub(2),
        height: body.height.saturating_sub(LIST_CHROME_TOP + 1),
    }
}

/// Lines an overview layer takes: two (its numbers, then its reason) when every layer fits so,
/// else one (its reason; the selected layer's numbers go to the table's foot).
pub fn overview_lines_per_layer(body: Rect, layers: u16) -> u16 {
    if layers * 2 + LIST_CHROME_TOP < body.height {
        2
    } else {
        1
    }
}

/// The overview gives the layer table its rows plus chrome, and the rest to the trend chart.
pub fn overview_split(body: Rect, layers: u16) -> (Rect, Rect) {
    let per = overview_lines_per_layer(body, layers);
    let table_height = (layers * per + LIST_CHROME_TOP + 1).min(body.height);
    let table = Rect { height: table_height, ..body };
    let rest = Rect { y: body.y + table_height, height: body.height - table_height, ..body };
    (table, rest)
}

/// `:workflows` gives the executions the body less the selected one's detail at its foot.
pub fn workflows_split(body: Rect) -> (Rect, Rect) {
    let detail_height = 7.min(body.height);
    let list = Rect { height: body.height - detail_height, ..body };
    let detail = Rect { y: list.bottom(), height: detail_height, ..body };
    (list, detail)
}

/// `:alarms`: the dead-letter queue and Firehose panel on top, the alarm list, and the
/// selected alarm's detail beside its runbook at the bottom.
pub fn alarms_split(body: Rect) -> (Rect, Rect, Rect) {
    let top_height = 5.min(body.height);
    let bottom = if body.height >= 26 { 9 } else { 7 };
    let detail_height = bottom.min(body.height - top_height);
    let top = Rect { height: top_height, ..body };
    let list = Rect { y: body.y + top_height, height: body.height - top_height - detail_height, ..body };
    let detail = Rect { y: list.bottom(), height: detail_height, ..body };
    (top, list, detail)
}

/// The foot of `:alarms`: the selected alarm on the left, its runbook on the right.
pub fn alarm_detail_split(detail: Rect) -> (Rect, Rect) {
    let left = detail.width * 2 / 5;
    let alarm = Rect { width: left, ..detail };
    let runbook = Rect { x: detail.x + left, width: detail.width - left, ..detail };
    (alarm, runbook)
}

/// A reader open over a view's list (`:alarms`' runbook, `:errors`' whole error) takes the body;
/// its text is drawn inside the border, above one line of keys: (width, height) of the text.
pub fn reader_text_size(body: Rect) -> (u16, u16) {
    (body.width.saturating_sub(2), body.height.saturating_sub(3))
}

/// The first line a reader `height` lines tall shows of `lines` after `command` (a scroll key),
/// from `at`.
pub fn reader_scrolled(at: usize, command: super::command::Command, lines: usize, height: usize) -> usize {
    use super::command::Command;
    let page = height.saturating_sub(1).max(1);
    let last = lines.saturating_sub(height);
    match command {
        Command::Down => at + 1,
        Command::Up => at.saturating_sub(1),
        Command::PageDown => at + page,
        Command::PageUp => at.saturating_sub(page),
        Command::Top => 0,
        _ => last,
    }
    .min(last)
}
