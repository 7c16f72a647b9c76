//! Rendering the console into text for snapshots: the characters, then a map of styles
//! (one letter per distinct style) so that themes are part of what is checked.

use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::Terminal;

use lakeops::app::App;
use lakeops::settings::Theme;

pub fn render(app: &App, theme: &Theme, width: u16, height: u16) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    terminal.draw(|frame| lakeops::ui::draw(app, theme, frame)).expect("draw");
    terminal.backend().buffer().clone()
}

/// The screen's text, one line a row.
pub fn text(buffer: &Buffer) -> String {
    let area = buffer.area;
    let mut out = String::new();
    for y in 0..area.height {
        let mut line = String::new();
        for x in 0..area.width {
            line.push_str(buffer[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The text followed by the style map and its legend.
pub fn with_styles(buffer: &Buffer) -> String {
    let area = buffer.area;
    let mut styles: Vec<String> = Vec::new();
    let mut map = String::new();
    for y in 0..area.height {
        for x in 0..area.width {
            let cell = &buffer[(x, y)];
            let style = format!("fg={:?} bg={:?} mod={:?}", cell.fg, cell.bg, cell.modifier);
            let index = styles.iter().position(|s| *s == style).unwrap_or_else(|| {
                styles.push(style);
                styles.len() - 1
            });
            map.push(legend_char(index));
        }
        map.push('\n');
    }
    let legend: String = styles.iter().enumerate().map(|(i, s)| format!("{} {s}\n", legend_char(i))).collect();
    format!("{}\n--- styles ---\n{map}--- legend ---\n{legend}", text(buffer))
}

fn legend_char(i: usize) -> char {
    const CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    CHARS.get(i).map(|c| *c as char).unwrap_or('?')
}
