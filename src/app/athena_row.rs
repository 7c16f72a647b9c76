//! `:athena`'s popup of the selected row whole (`enter`): every column, a line for each line of
//! its value (a stack trace keeps its lines; a value longer than 64 KiB shows its start and its
//! length), scrolled with the results' own keys while it is open.

use super::athena::Results;
use super::command::Command;
use crate::model::text::{clip, sanitize_keeping_lines, width};

/// How much of a value the popup shows.
const SHOWN_BYTES: usize = 64 * 1024;
/// The popup's width at most, its borders included (`ui::athena` draws it so).
pub const POPUP_WIDTH: u16 = 100;
/// A column's name takes at most this many cells.
const NAME_CELLS: usize = 30;

/// One line of the popup: the column's name on its value's first line (blank on the others), the
/// line itself (`None` for NULL), and the value's length in bytes when it is cut.
#[derive(Debug, Clone, PartialEq)]
pub struct RowLine {
    pub name: String,
    pub text: Option<String>,
    pub cut: Option<usize>,
}

/// The selected row's lines, the names padded to one width.
pub fn lines(r: &Results) -> Vec<RowLine> {
    let Some(row) = r.rows.get(r.row) else { return Vec::new() };
    let names: Vec<String> = r.columns.iter().map(|c| clip(&c.name, NAME_CELLS)).collect();
    let name_cells = names.iter().map(|n| width(n)).max().unwrap_or(0);
    let pad = |name: &str| format!("{name}{}", " ".repeat(name_cells.saturating_sub(width(name))));
    let mut out = Vec::new();
    for (name, value) in names.iter().zip(row) {
        let Some(value) = value else {
            out.push(RowLine { name: pad(name), text: None, cut: None });
            continue;
        };
        let mut end = value.len().min(SHOWN_BYTES);
        while !value.is_char_boundary(end) {
            end -= 1;
        }
        let cut = (end < value.len()).then_some(value.len());
        let shown = sanitize_keeping_lines(&value[..end]);
        let mut parts = shown.split('\n').peekable();
        let mut first = true;
        while let Some(part) = parts.next() {
            let last = parts.peek().is_none();
            let name = if first { pad(name) } else { " ".repeat(name_cells) };
            out.push(RowLine { name, text: Some(part.replace('\t', "    ")), cut: if last { cut } else { None } });
            first = false;
        }
    }
    out
}

impl RowLine {
    /// The line as written: the name, two spaces, the value (`NULL`), and its length when cut;
    /// with where the value begins (a byte offset).
    pub fn written(&self) -> (String, usize) {
        let start = self.name.len() + 2;
        let value = self.text.as_deref().unwrap_or("NULL");
        let cut = self.cut.map(|bytes| format!(" … ({bytes} bytes in all)")).unwrap_or_default();
        (format!("{}  {value}{cut}", self.name), start)
    }
}

/// `text` cut into pieces of at most `cells` cells (a wide character is never split), as the
/// popup shows a long line: at least one piece.
pub fn pieces(text: &str, cells: usize) -> Vec<(usize, usize)> {
    let cells = cells.max(2);
    let (mut out, mut start, mut used) = (Vec::new(), 0, 0);
    for (at, c) in text.char_indices() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > cells {
            out.push((start, at));
            (start, used) = (at, 0);
        }
        used += w;
    }
    out.push((start, text.len()));
    out
}

/// How many screen lines `lines` take in `cells` columns.
pub fn height(lines: &[RowLine], cells: usize) -> usize {
    lines.iter().map(|l| pieces(&l.written().0, cells).len()).sum()
}

/// The popup's scroll keys (`true` when `command` was one): a line, a page, the start, the end.
pub fn scroll(r: &mut Results, command: Command, terminal: (u16, u16)) -> bool {
    let (columns, rows) = terminal;
    let cells = POPUP_WIDTH.min(columns).saturating_sub(2) as usize;
    // The popup's text area: the view's body less the popup's margins and borders.
    let visible = rows.saturating_sub(10).max(1) as usize;
    let most = height(&lines(r), cells).saturating_sub(visible);
    r.detail_scroll = match command {
        Command::Down => r.detail_scroll + 1,
        Command::Up => r.detail_scroll.saturating_sub(1),
        Command::PageDown => r.detail_scroll + visible,
        Command::PageUp => r.detail_scroll.saturating_sub(visible),
        Command::Top => 0,
        Command::Bottom => most,
        _ => return false,
    }
    .min(most);
    true
}
