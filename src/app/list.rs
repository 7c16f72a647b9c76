//! Lists of rows: the cursor, moving it a row or a page, keeping it on screen, the typed filter
//! and the mouse, the same for every view that has a list (its [`ListSpec`]).

use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Rect;

use super::command::Command;
use super::layout;
use super::registry::{ListSpec, ViewId};
use super::state::App;

/// What the mouse does on a list, for the help (the handler below does it).
pub const MOUSE_HELP: (&str, &str) = ("mouse", "wheel scrolls, click selects");

/// A scrollable list's cursor.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListCursor {
    pub selected: usize,
    pub offset: usize,
    pub filter: String,
}

/// The on-screen area of `list` in a terminal of `app`'s size.
pub fn area(app: &App, list: &ListSpec) -> Rect {
    let screen = Rect::new(0, 0, app.width, app.height);
    (list.area)(app, layout::areas(screen).body)
}

/// How many rows of `list` fit on screen.
fn page(app: &App, list: &ListSpec) -> usize {
    let rows = layout::list_rows(area(app, list)).height as usize;
    (rows / (list.lines_per_row)(app).max(1)).max(1)
}

/// Carries out a list command on the view on screen; false when the view has no list or the
/// command is not a list's.
pub fn command(app: &mut App, command: Command) -> bool {
    let Some(list) = app.view().list() else { return false };
    let page = page(app, list) as isize;
    let delta = match command {
        Command::Up => -1,
        Command::Down => 1,
        Command::PageUp => -page,
        Command::PageDown => page,
        Command::Top => isize::MIN / 2,
        Command::Bottom => isize::MAX / 2,
        Command::Filter => {
            let input = (list.cursor)(app).filter.clone();
            app.mode = super::state::Mode::Filter { input };
            return true;
        }
        _ => return false,
    };
    move_by(app, list, delta);
    true
}

fn move_by(app: &mut App, list: &ListSpec, delta: isize) {
    let count = (list.rows)(app);
    let page = page(app, list);
    let c = (list.cursor_mut)(app);
    let last = count.saturating_sub(1) as isize;
    c.selected = (c.selected as isize).saturating_add(delta).clamp(0, last.max(0)) as usize;
    keep_visible(c, page);
}

fn keep_visible(c: &mut ListCursor, page: usize) {
    if c.selected < c.offset {
        c.offset = c.selected;
    } else if c.selected >= c.offset + page {
        c.offset = c.selected + 1 - page;
    }
}

/// Selects row `index` of `view`'s list, scrolled into sight.
pub fn select(app: &mut App, view: ViewId, index: usize) {
    let Some(list) = view.list() else { return };
    let page = page(app, list);
    let c = (list.cursor_mut)(app);
    c.selected = index;
    keep_visible(c, page);
}

/// The filter of the list on screen, as it is typed: the cursor goes back to the top.
pub fn set_filter(app: &mut App, text: String) {
    if let Some(list) = app.view().list() {
        let c = (list.cursor_mut)(app);
        c.filter = text;
        c.selected = 0;
        c.offset = 0;
    }
}

/// Clears the list's filter; false when there was none to clear.
pub fn clear_filter(app: &mut App) -> bool {
    let Some(list) = app.view().list() else { return false };
    let c = (list.cursor_mut)(app);
    if c.filter.is_empty() {
        return false;
    }
    c.filter.clear();
    c.selected = 0;
    c.offset = 0;
    true
}

/// After data or size changes, every list's cursor stays on a real row.
pub fn clamp_cursors(app: &mut App) {
    for list in ViewId::ALL.iter().filter_map(|v| v.list()) {
        let (count, page) = ((list.rows)(app), page(app, list));
        let c = (list.cursor_mut)(app);
        c.selected = c.selected.min(count.saturating_sub(1));
        c.offset = c.offset.min(c.selected);
        keep_visible(c, page);
    }
}

/// The wheel scrolls the list on screen; a click selects the row under it.
pub fn on_mouse(app: &mut App, mouse: MouseEvent) {
    let Some(list) = app.view().list() else { return };
    match mouse.kind {
        MouseEventKind::ScrollDown => move_by(app, list, 1),
        MouseEventKind::ScrollUp => move_by(app, list, -1),
        MouseEventKind::Down(MouseButton::Left) => {
            let rows = layout::list_rows(area(app, list));
            let inside = (rows.y..rows.y + rows.height).contains(&mouse.row)
                && (rows.x..rows.x + rows.width).contains(&mouse.column);
            if !inside {
                return;
            }
            let index = (list.cursor)(app).offset + (mouse.row - rows.y) as usize / (list.lines_per_row)(app).max(1);
            if index < (list.rows)(app) {
                (list.cursor_mut)(app).selected = index;
            }
        }
        _ => {}
    }
}
