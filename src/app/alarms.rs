//! `:alarms`: every alarm of the platform, worst first, above the dead-letter queue and Firehose;
//! the selected alarm's runbook beside it (`[runbooks]`, found by `ops::runbook`'s one rule),
//! read in full with `enter`, its suggested commands copied with `c`.
//!
//! The `:` line opens views and runs the console's own commands; it cannot run `lakeops …`
//! subcommands, so a suggested command goes to the clipboard (OSC 52) for a shell, and says so.

use chrono::{DateTime, Utc};
use ratatui::layout::Rect;

use super::action::Effect;
use super::command::Command;
use super::keymap::{bind, Binding};
use super::layout;
use super::registry::{ListSpec, Pane, View, ViewSpec};
use super::report::{report_error, toast, ErrorSource};
use super::state::{App, ToastLevel};
use crate::model::{Alarm, Layer};
use crate::ops::runbook::{layer_of_metric, Content, Found, Runbooks};

pub const VIEW: &dyn View = &Alarms;

struct Alarms;

const KEYS: &[Binding] = &[
    bind(Command::Open, &["enter"], "read the selected alarm's runbook in full / close it").hint("runbook"),
    bind(
        Command::CopyCommand,
        &["c"],
        "copy the runbook's next suggested command (or its URL) to the clipboard, OSC 52",
    )
    .hint("copy command"),
    bind(Command::Down, &["j", "↓"], "scroll the runbook").and(Command::Up, &["k", "↑"]).pane(Pane::Runbook),
    bind(Command::PageDown, &["pgdn", "ctrl-d"], "scroll the runbook a page")
        .and(Command::PageUp, &["pgup", "ctrl-u"])
        .pane(Pane::Runbook),
    bind(Command::Top, &["home", "g"], "the runbook's start / end")
        .and(Command::Bottom, &["end", "G"])
        .pane(Pane::Runbook),
    bind(Command::Back, &["esc"], "close the runbook").pane(Pane::Runbook).hint("close"),
];

const SPEC: ViewSpec = ViewSpec {
    names: &["alarms"],
    title: "Alarms",
    details: &[Layer::Alarms],
    keys: KEYS,
    list: Some(ListSpec {
        area: alarms_area,
        filter_help: "filter by name, state, reason or metric",
        ..ListSpec::new(|app| &app.alarms_cursor, |app| &mut app.alarms_cursor, |app| visible(app).len())
    }),
    ..ViewSpec::NONE
};

/// The runbook reader and the copying of suggested commands.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AlarmsView {
    /// The reader is open over the list, its first line shown this one.
    pub reading: Option<usize>,
    /// The alarm whose suggested commands `c` copies, and the one it copies next.
    pub next_command: Option<(String, usize)>,
}

impl View for Alarms {
    fn spec(&self) -> &'static ViewSpec {
        &SPEC
    }

    fn pane(&self, app: &App) -> Option<Pane> {
        app.alarms.reading.map(|_| Pane::Runbook)
    }

    fn command(&self, app: &mut App, command: Command, effects: &mut Vec<Effect>) -> bool {
        match (command, app.alarms.reading) {
            (Command::Open, Some(_)) | (Command::Back, Some(_)) => app.alarms.reading = None,
            (Command::Open, None) => open(app),
            (Command::CopyCommand, _) => copy_next(app, effects),
            (Command::Down | Command::Up | Command::PageDown | Command::PageUp, Some(_))
            | (Command::Top | Command::Bottom, Some(_)) => scroll(app, command),
            // The list under the reader stays as it is while the runbook is read.
            (Command::Filter, Some(_)) => {}
            _ => return false,
        }
        true
    }
}

/// The alarm list, between the dead-letter queue above and the selected alarm below.
fn alarms_area(_: &App, body: Rect) -> Rect {
    layout::alarms_split(body).1
}

/// The platform's alarms passing the filter, worst first.
pub fn visible(app: &App) -> Vec<&Alarm> {
    let needle = app.alarms_cursor.filter.to_lowercase();
    let Some(status) = app.snapshot.as_ref().and_then(|s| s.alarms.ready()) else { return Vec::new() };
    status
        .alarms
        .iter()
        .filter(|a| {
            needle.is_empty()
                || [&a.name, &a.state, &a.reason].iter().any(|f| f.to_lowercase().contains(&needle))
                || a.metric.as_deref().is_some_and(|m| m.to_lowercase().contains(&needle))
        })
        .collect()
}

/// The selected alarm and its runbook, if it has one.
pub fn selected(app: &App) -> Option<(&Alarm, Option<Found<'_>>)> {
    let alarm = visible(app).get(app.alarms_cursor.selected).copied()?;
    Some((alarm, runbook_of(&app.runbooks, alarm)))
}

/// An alarm's runbook, by the one rule (its layer from the metric it watches).
pub fn runbook_of<'a>(runbooks: &'a Runbooks, alarm: &Alarm) -> Option<Found<'a>> {
    let layer = alarm.metric.as_deref().and_then(layer_of_metric);
    runbooks.for_alarm(&alarm.name, layer)
}

/// Takes the profile's runbooks; a file that could not be read is said once, in `:errors` (and
/// where the runbook would be).
pub fn set_runbooks(app: &mut App, runbooks: Runbooks, at: DateTime<Utc>) {
    for runbook in runbooks.all() {
        if let Content::Unreadable(problem) = &runbook.content {
            report_error(app, ErrorSource::Runbook, &format!("a runbook cannot be read: {problem}"), at);
        }
    }
    app.runbooks = runbooks;
}

fn open(app: &mut App) {
    let Some((alarm, found)) = selected(app) else { return };
    if found.is_none() {
        let message = no_runbook(app, alarm);
        toast(app, ToastLevel::Info, message);
        return;
    }
    app.alarms.reading = Some(0);
}

/// "no runbook for X: add one under [runbooks] in the profile, as …".
pub fn no_runbook(app: &App, alarm: &Alarm) -> String {
    format!(
        "no runbook for {}: add one under [runbooks] in the profile, as {} (docs/runbooks.md)",
        crate::model::text::sanitize(&alarm.name),
        runbook_keys(app, alarm)
    )
}

/// The names a runbook for `alarm` may be configured under, in words: `"a", "b" or "c"`.
pub fn runbook_keys(app: &App, alarm: &Alarm) -> String {
    let layer = alarm.metric.as_deref().and_then(layer_of_metric);
    let keys: Vec<String> = app
        .runbooks
        .candidates(&alarm.name, layer)
        .into_iter()
        .map(|(k, _)| format!("\"{}\"", crate::model::text::sanitize(&k)))
        .collect();
    match keys.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// Copies the selected alarm's next suggested command (the first, then the next on each press),
/// or a URL runbook's address.
fn copy_next(app: &mut App, effects: &mut Vec<Effect>) {
    let Some((alarm, found)) = selected(app) else { return };
    let Some(found) = found else {
        let message = no_runbook(app, alarm);
        return toast(app, ToastLevel::Info, message);
    };
    let runbook = found.runbook;
    let (text, message) = match &runbook.content {
        Content::Url(url) => {
            let copied = (url.clone(), format!("copied the runbook's address to the clipboard (OSC 52): {url}"));
            app.alarms.next_command = None;
            copied
        }
        Content::Unreadable(problem) => {
            let message = format!("the runbook cannot be read: {problem}");
            return toast(app, ToastLevel::Error, message);
        }
        Content::Text(_) if runbook.commands.is_empty() => {
            let message = format!("runbook {} suggests no lakeops command (docs/runbooks.md)", runbook.key);
            return toast(app, ToastLevel::Info, message);
        }
        Content::Text(_) => {
            let index = next_command(app, &alarm.name, runbook.commands.len());
            let command = runbook.commands[index].clone();
            let message = format!(
                "copied to the clipboard (OSC 52), {} of {}: {command} — paste it in a shell (the : line only opens views)",
                index + 1,
                runbook.commands.len()
            );
            let name = alarm.name.clone();
            app.alarms.next_command = Some((name, index + 1));
            (command, message)
        }
    };
    toast(app, ToastLevel::Info, message);
    effects.push(Effect::CopyToClipboard { text });
}

/// What a line of a runbook is, for its style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    Heading,
    /// Inside a fenced code block (the fences too).
    Code,
    Text,
}

/// The reader's lines: the selected runbook's text (or what stands for it), wrapped to `width`.
pub fn reader_lines(app: &App, width: u16) -> Vec<(LineKind, String)> {
    let Some((_, Some(found))) = selected(app) else { return Vec::new() };
    let text = match &found.runbook.content {
        Content::Text(text) => text.clone(),
        Content::Url(url) => {
            format!("This runbook is a web page:\n\n{url}\n\nOpen it in a browser (the copy key copies the address).")
        }
        Content::Unreadable(problem) => format!("The runbook cannot be read:\n\n{problem}"),
    };
    let mut lines = Vec::new();
    let mut fenced = false;
    for line in text.lines() {
        let fence = line.trim_start().starts_with("```") || line.trim_start().starts_with("~~~");
        let kind = if fence || fenced {
            LineKind::Code
        } else if line.starts_with('#') {
            LineKind::Heading
        } else {
            LineKind::Text
        };
        fenced ^= fence;
        let line = if kind == LineKind::Code { line.to_string() } else { plain(line) };
        lines.extend(wrap(&line, width as usize).into_iter().map(|l| (kind, l)));
    }
    lines
}

/// A line of Markdown prose without its bold markers (`**`), which a terminal shows as they are.
pub fn plain(line: &str) -> String {
    line.replace("**", "")
}

/// Which of `count` suggested commands of `alarm`'s runbook the copy key copies next.
pub fn next_command(app: &App, alarm: &str, count: usize) -> usize {
    match &app.alarms.next_command {
        Some((name, next)) if name == alarm && count > 0 => next % count,
        _ => 0,
    }
}

fn scroll(app: &mut App, command: Command) {
    let body = layout::areas(Rect::new(0, 0, app.width, app.height)).body;
    let (width, height) = layout::reader_text_size(body);
    let lines = reader_lines(app, width).len();
    if let Some(at) = app.alarms.reading.as_mut() {
        *at = layout::reader_scrolled(*at, command, lines, height as usize);
    }
}

pub use crate::model::text::wrap;
