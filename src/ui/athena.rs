//! `:athena`: the SQL editor (keywords highlighted), the query's state, data scanned and cost,
//! and the results table (numbers right-aligned, NULL apart from empty, scrolled both ways).

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use super::{base, clip, dim, panel, rows};
use crate::app::athena::{AthenaFocus, AthenaView, Results};
use crate::app::keymap::Context;
use crate::app::picker::Picker;
use crate::app::{App, Command, ViewId};
use crate::model::text::{fit, sanitize, width};
use crate::ops::athena::Rates;
use crate::ops::format::{bytes, millis, thousands};
use crate::settings::Theme;

/// Prices shown until the profile's are known: Athena's list price.
pub const DEFAULT_RATES: Rates = crate::ops::cost::ATHENA_LIST;

pub fn draw(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let view = &app.athena;
    let editor_height = rows(view.editor.lines.len()).saturating_add(2).clamp(5, area.height / 2);
    let [editor, status, results] =
        Layout::vertical([Constraint::Length(editor_height), Constraint::Length(2), Constraint::Fill(1)]).areas(area);
    draw_editor(app, theme, frame, editor);
    frame.render_widget(Paragraph::new(status_lines(app, theme)).wrap(Wrap { trim: true }), status);
    match &view.results {
        Some(r) => {
            let pane = Some(crate::app::registry::Pane::Results);
            let k = |command| {
                app.keys.chords_in(Context::View(ViewId::Athena), pane, command).first().map(|c| c.to_string())
            };
            let keys = |a, b| format!("{}/{}", k(a).unwrap_or_default(), k(b).unwrap_or_default());
            let scroll = format!("{}, {}", keys(Command::Down, Command::Up), keys(Command::Left, Command::Right));
            draw_results(r, &scroll, view.focus == AthenaFocus::Results, theme, frame, results);
            if r.detail {
                let closes = format!("{} or {} closes", app.key(Command::Open), app.key(Command::Back));
                draw_row(r, &closes, theme, frame, area);
            }
        }
        None => {
            let k = |command| app.key(command);
            let run: Vec<String> =
                app.keys.chords(Context::View(ViewId::Athena), Command::Run).iter().map(|c| c.to_string()).collect();
            let hint = format!(
                "Write SQL above and run it with {}. {} completes names, {} browses the catalog, {} lists the \
                 history, {} moves to the results, where {} lists every key.",
                run.join(" or "),
                k(Command::Complete),
                k(Command::Catalog),
                k(Command::History),
                k(Command::Back),
                k(Command::Help)
            );
            frame.render_widget(
                Paragraph::new(Line::styled(hint, dim(theme)))
                    .wrap(Wrap { trim: true })
                    .block(panel(theme, " results ")),
                results,
            );
        }
    }
}

fn draw_editor(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let view = &app.athena;
    let focused = view.focus == AthenaFocus::Editor;
    let (workgroup, database) = app.athena_target.clone().unwrap_or_default();
    let title = format!(
        " {}SQL — workgroup {} · database {} ",
        if focused { "▸ " } else { "" },
        sanitize(&workgroup),
        sanitize(&database)
    );
    let mut block = panel(theme, title);
    if focused {
        block = block.border_style(Style::new().fg(theme.accent));
    }
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let visible = inner.height as usize;
    let top = view.editor.row.saturating_sub(visible.saturating_sub(1));
    // Every line scrolls sideways with the cursor, so typing at the end of a long line is seen:
    // by characters, as many as the cursor's line needs for the cells up to the cursor to fit (a
    // CJK character or an emoji takes two).
    let width = (inner.width as usize).saturating_sub(GUTTER);
    let line = view.editor.lines.get(view.editor.row).map(Vec::as_slice).unwrap_or_default();
    let col = view.editor.col.min(line.len());
    let cells =
        |chars: &[char]| chars.iter().map(|c| unicode_width::UnicodeWidthChar::width(*c).unwrap_or(0)).sum::<usize>();
    let mut left = 0;
    while left < col && cells(&line[left..col]) > width.saturating_sub(1) {
        left += 1;
    }
    let lines: Vec<Line> = view
        .editor
        .lines
        .iter()
        .enumerate()
        .skip(top)
        .take(visible)
        .map(|(i, chars)| {
            let text: String = chars.iter().collect();
            let mut spans = Vec::new();
            match view.error_at.filter(|(row, _)| *row == i) {
                // The line Athena complains about: the offending column marked.
                Some((_, col)) => {
                    let clean = sanitize(&text);
                    let before: String = clean.chars().take(col).collect();
                    let at: String = clean.chars().skip(col).take(1).collect();
                    let after: String = clean.chars().skip(col + 1).collect();
                    spans.extend(highlight(&before, theme));
                    let mark = if at.is_empty() { " ".to_string() } else { at };
                    spans.push(Span::styled(mark, Style::new().fg(theme.background).bg(theme.critical)));
                    spans.extend(highlight(&after, theme));
                }
                None => spans.extend(highlight(&sanitize(&text), theme)),
            }
            let hidden = if left > 0 && !chars.is_empty() { "‹" } else { " " };
            let mut line = vec![Span::styled(format!("{:>3}{hidden}", i + 1), dim(theme))];
            line.extend(skip_chars(spans, left));
            Line::from(line)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines).style(base(theme)), inner);
    if focused && app.mode == crate::app::Mode::Normal {
        let x = inner.x + (GUTTER + cells(&line[left..col])) as u16;
        let y = inner.y + (view.editor.row - top) as u16;
        if x < inner.right() && y < inner.bottom() {
            frame.set_cursor_position((x, y));
        }
    }
}

/// The line number and a space (or `‹` when the line is scrolled sideways).
const GUTTER: usize = 4;

/// The spans without their first `count` characters, styles kept.
fn skip_chars(spans: Vec<Span<'static>>, mut count: usize) -> Vec<Span<'static>> {
    let mut out = Vec::new();
    for span in spans {
        let len = span.content.chars().count();
        if count >= len {
            count -= len;
            continue;
        }
        let rest: String = span.content.chars().skip(count).collect();
        count = 0;
        out.push(Span::styled(rest, span.style));
    }
    out
}

/// Keywords in the accent colour, strings and numbers in the chart colours.
fn highlight(text: &str, theme: &Theme) -> Vec<Span<'static>> {
    let mut spans = Vec::new();
    let mut word = String::new();
    let mut in_string = false;
    let flush = |word: &mut String, spans: &mut Vec<Span<'static>>| {
        if word.is_empty() {
            return;
        }
        let style = if crate::ops::athena::KEYWORDS.contains(&word.to_ascii_uppercase().as_str()) {
            Style::new().fg(theme.accent).add_modifier(Modifier::BOLD)
        } else if word.chars().all(|c| c.is_ascii_digit() || c == '.') {
            Style::new().fg(theme.chart.get(3).copied().unwrap_or(theme.text))
        } else {
            base(theme)
        };
        spans.push(Span::styled(std::mem::take(word), style));
    };
    let string_style = Style::new().fg(theme.chart.get(2).copied().unwrap_or(theme.text));
    for c in text.chars() {
        if in_string {
            word.push(c);
            if c == '\'' {
                spans.push(Span::styled(std::mem::take(&mut word), string_style));
                in_string = false;
            }
        } else if c == '\'' {
            flush(&mut word, &mut spans);
            word.push(c);
            in_string = true;
        } else if c.is_alphanumeric() || c == '_' || c == '.' {
            word.push(c);
        } else {
            flush(&mut word, &mut spans);
            spans.push(Span::styled(c.to_string(), base(theme)));
        }
    }
    if in_string {
        spans.push(Span::styled(word, string_style));
    } else {
        flush(&mut word, &mut spans);
    }
    spans
}

fn status_lines(app: &App, theme: &Theme) -> Vec<Line<'static>> {
    let view: &AthenaView = &app.athena;
    let mut lines = Vec::new();
    if let Some(r) = &view.running {
        let elapsed = millis(app.now_ms.saturating_sub(r.started_ms) as f64);
        let state = r.status.as_ref().map(|s| s.state.name()).unwrap_or("STARTING");
        let scanned =
            r.status.as_ref().and_then(|s| s.scanned_bytes).map(|b| format!(" · scanned {}", bytes(b as f64)));
        // The cancel key is a letter the editor would type: said only where it cancels.
        let interrupt = app.keys.label(ViewId::Athena, Command::Interrupt);
        let keys = match view.focus {
            AthenaFocus::Editor => interrupt,
            AthenaFocus::Results => format!("{interrupt} or {}", app.key(Command::Cancel)),
        };
        lines.push(Line::styled(
            format!("{state} for {elapsed}{} — {keys} cancels", scanned.unwrap_or_default()),
            Style::new().fg(theme.accent),
        ));
    } else if let Some(s) = &view.last {
        let sql = view.editor.text();
        let rows = view.results.as_ref().map(|r| {
            if r.pages.is_loading() && r.rows.is_empty() {
                return " · reading rows…".to_string();
            }
            match r.next_token {
                Some(_) => format!(" · {}+ rows", thousands(r.rows.len() as f64)),
                None => format!(" · {}", crate::ops::format::count(r.rows.len(), "row")),
            }
        });
        // As `lakeops query` says it (what a query cancelled before it said is not known).
        let summary = crate::ops::athena::summary(s, &sql, app.athena_rates.unwrap_or(DEFAULT_RATES));
        let unbilled = if crate::ops::athena::is_billed(s) { "" } else { " (failed queries are not charged)" };
        lines.push(Line::styled(format!("{summary}{unbilled}{}", rows.unwrap_or_default()), base(theme)));
    }
    if let Some(e) = &view.error {
        lines.push(Line::styled(sanitize(e), Style::new().fg(theme.critical)));
    }
    if let Some(hint) = &view.hint {
        lines.push(Line::styled(sanitize(hint), dim(theme)));
    }
    lines
}

/// The start of `text`, at most `bytes` long (cut at a character boundary).
fn head(text: &str, bytes: usize) -> &str {
    let mut end = text.len().min(bytes);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

fn draw_results(r: &Results, scroll: &str, focused: bool, theme: &Theme, frame: &mut Frame, area: Rect) {
    let title = format!(
        " {}results — row {} of {}{} ({scroll} scroll) ",
        if focused { "▸ " } else { "" },
        thousands((r.row + 1).min(r.rows.len()) as f64),
        thousands(r.rows.len() as f64),
        if r.next_token.is_some() { "+" } else { "" }
    );
    let mut block = panel(theme, title);
    if focused {
        block = block.border_style(Style::new().fg(theme.accent));
    }
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if r.columns.is_empty() {
        let text =
            if r.pages.is_loading() { "Reading the results…" } else { "No columns: the statement returned nothing." };
        frame.render_widget(Paragraph::new(Line::styled(text, dim(theme))), inner);
        return;
    }
    // A cell as shown: at most the pane's width, so only the start of a long one is made safe
    // (a 10 MB cell costs no more than a short one); a row shorter than the columns shows NULLs.
    let bytes = (4 * inner.width as usize).max(400);
    let cell =
        |row: &[Option<String>], i: usize| row.get(i).and_then(|v| v.as_deref()).map(|t| sanitize(head(t, bytes)));
    // Widths from the header and the rows on screen, each at most 40 wide but the last one's,
    // which takes the room the others leave (a DDL's or a plan's lines read whole).
    let page = inner.height.saturating_sub(1) as usize;
    let shown = &r.rows[r.row.min(r.rows.len())..(r.row + page).min(r.rows.len())];
    // Only the columns that fit on screen from the first shown one.
    let mut columns: Vec<usize> = Vec::new();
    let mut widths: Vec<usize> = Vec::new();
    let mut longest = 0;
    let mut used = 0;
    for (i, c) in r.columns.iter().enumerate().skip(r.column) {
        if used >= inner.width as usize {
            break;
        }
        let cells = shown.iter().map(|row| cell(row, i).map(|t| width(&t)).unwrap_or(4)).max();
        longest = cells.unwrap_or(0).max(width(&sanitize(head(&c.name, 400)))).max(4);
        let width = longest.min(40);
        used += width + 2;
        columns.push(i);
        widths.push(width);
    }
    // The last takes the room left, more or less than its own width: one cut short ends in `…`
    // (the border had cut it, and `sessi` read as a whole value).
    if let Some(last) = widths.last_mut() {
        let others = used - (*last + 2);
        let room = (inner.width as usize).saturating_sub(others);
        *last = longest.min(room).max(1);
    }
    let padded = |text: &str, w: usize, right: bool| fit(text, w, right) + "  ";
    let header: Vec<Span> = columns
        .iter()
        .zip(&widths)
        .map(|(&i, &w)| {
            Span::styled(
                padded(&sanitize(head(&r.columns[i].name, 400)), w, r.columns[i].is_numeric()),
                Style::new().fg(theme.dim).add_modifier(Modifier::BOLD),
            )
        })
        .collect();
    let mut lines = vec![Line::from(header)];
    for (n, row) in shown.iter().enumerate() {
        let selected = n == 0 && focused;
        let spans: Vec<Span> = columns
            .iter()
            .zip(&widths)
            .map(|(&i, &w)| {
                let numeric = r.columns[i].is_numeric();
                match cell(row, i) {
                    Some(text) => Span::styled(
                        padded(&text, w, numeric),
                        if selected { Style::new().fg(theme.highlight_fg).bg(theme.highlight_bg) } else { base(theme) },
                    ),
                    None => Span::styled(padded("NULL", w, numeric), dim(theme).add_modifier(Modifier::ITALIC)),
                }
            })
            .collect();
        lines.push(Line::from(spans));
    }
    frame.render_widget(Paragraph::new(lines).style(base(theme)), inner);
}

/// A list over the pane: labels (indented in a tree), details dimmed, and below it the SQL
/// of the selected choice when it is a query.
pub fn draw_picker(picker: &Picker, theme: &Theme, frame: &mut Frame, area: Rect) {
    let previews = picker.choices.iter().any(|c| c.preview.is_some());
    let height = if previews { area.height } else { rows(picker.choices.len()).saturating_add(3).min(area.height) };
    let rect = super::centered(area, 90, height);
    frame.render_widget(ratatui::widgets::Clear, rect);
    let block = panel(theme, format!(" {} ", sanitize(&picker.title)));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let list_height = if previews {
        rows(picker.choices.len()).saturating_add(1).min((inner.height / 2).max(3))
    } else {
        inner.height
    };
    let [names, sql] = Layout::vertical([Constraint::Length(list_height), Constraint::Fill(1)]).areas(inner);
    // The selected choice stays in sight: the list scrolls by whole pages.
    let visible = names.height.max(1) as usize;
    let first = picker.selected / visible * visible;
    // Details line up in a column after the longest (indented) label; a label too long for the
    // list is cut so that its detail (a query's state and age) stays whole.
    let label_width = |c: &crate::app::picker::Choice| 2 * c.depth as usize + width(&sanitize(&c.label));
    let detail_width = picker.choices.iter().map(|c| width(&sanitize(&c.detail)) + 2).max().unwrap_or(0);
    let room = (names.width as usize).saturating_sub(detail_width.min(names.width as usize / 2)).max(12);
    let width = picker.choices.iter().map(label_width).max().unwrap_or(0).min(room);
    let lines: Vec<Line> = picker
        .choices
        .iter()
        .enumerate()
        .skip(first)
        .take(visible)
        .map(|(i, c)| {
            let selected = i == picker.selected;
            let style = if selected { Style::new().fg(theme.highlight_fg).bg(theme.highlight_bg) } else { base(theme) };
            let indent = "  ".repeat(c.depth as usize);
            let label = format!("{indent}{}", clip(&c.label, width.saturating_sub(indent.len())));
            // Padded by the cells it takes, so details line up after CJK labels too.
            let mut spans = vec![Span::styled(fit(&label, width, false), style)];
            if !c.detail.is_empty() {
                let room = (names.width as usize).saturating_sub(width + 2);
                spans.push(Span::styled(
                    format!("  {}", clip(&c.detail, room)),
                    if selected { style } else { dim(theme) },
                ));
            }
            Line::from(spans)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), names);
    if let Some(sql_text) = picker.choices.get(picker.selected).and_then(|c| c.preview.as_deref()) {
        let room = sql.width as usize;
        let body: Vec<Line> = sql_text.lines().map(|l| Line::from(highlight(&clip(l, room), theme))).collect();
        frame.render_widget(Paragraph::new(body).style(base(theme)), sql);
    }
}

/// The selected row whole: each column's name and value, long values wrapped, NULL apart.
fn draw_row(r: &Results, closes: &str, theme: &Theme, frame: &mut Frame, area: Rect) {
    use crate::app::athena_row::{height, lines, pieces, POPUP_WIDTH};
    if r.rows.get(r.row).is_none() {
        return;
    }
    let rect = super::centered(area, POPUP_WIDTH, area.height.saturating_sub(4));
    frame.render_widget(ratatui::widgets::Clear, rect);
    let row = lines(r);
    let cells = rect.width.saturating_sub(2) as usize;
    let visible = rect.height.saturating_sub(2) as usize;
    let below = height(&row, cells).saturating_sub(visible);
    let top = r.detail_scroll.min(below);
    // Each line cut into pieces the popup's width wide: its height is then known exactly.
    let mut text: Vec<Line> = Vec::new();
    for line in &row {
        let (written, value_at) = line.written();
        let value = if line.text.is_some() { base(theme) } else { dim(theme).add_modifier(Modifier::ITALIC) };
        for (start, end) in pieces(&written, cells) {
            let split = value_at.clamp(start, end);
            text.push(Line::from(vec![
                Span::styled(written[start..split].to_string(), Style::new().fg(theme.dim)),
                Span::styled(written[split..end].to_string(), value),
            ]));
        }
    }
    let more = match (top, below) {
        (0, 0) => String::new(),
        (top, below) if top >= below => " · the end".to_string(),
        _ => " · more below".to_string(),
    };
    let title = format!(" row {} — {closes}{more} ", thousands((r.row + 1) as f64));
    let shown: Vec<Line> = text.into_iter().skip(top).take(visible).collect();
    frame.render_widget(Paragraph::new(shown).block(panel(theme, title)), rect);
}
