//! The key table as people read it: the help overlay's lines, the status bar's hints, and
//! `lakeops keys` as text, Markdown (docs/keys.md) or JSON.

use serde_json::{json, Value};

use super::{Binding, Context, Keymap};
use crate::app::chord::Chord;
use crate::app::command::Command;
use crate::app::list::MOUSE_HELP;
use crate::app::registry::{Pane, ViewId};

/// A key the status bar shows: the command, its first key, its label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hint {
    pub command: Command,
    pub key: String,
    pub label: &'static str,
}

/// One line of the help: its keys as shown and what they do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelpRow {
    pub keys: String,
    pub does: String,
    pub pane: Option<Pane>,
    /// Read-only mode refuses it.
    pub changes: bool,
}

/// What a line says the keys do, its part of the view named first.
fn does(binding: &Binding) -> String {
    match binding.pane {
        Some(pane) => format!("({}) {}", pane.label(), binding.does),
        None => binding.does.to_string(),
    }
}

impl Keymap {
    /// The keys of one command of one line, as configured.
    fn keys_of(&self, context: Context, line: usize, command: Command) -> Vec<Chord> {
        self.entries
            .iter()
            .filter(|e| e.context == context && e.line == line && e.command == command)
            .flat_map(|e| e.chords.iter().copied())
            .collect()
    }

    fn shown(&self, context: Context, line: usize, binding: &Binding) -> String {
        binding
            .commands()
            .map(|(command, _)| {
                self.keys_of(context, line, command).iter().map(Chord::to_string).collect::<Vec<_>>().join(" ")
            })
            .collect::<Vec<_>>()
            .join("  ")
    }

    /// The lines of a context's table with the keys it has now.
    pub fn rows(&self, context: Context) -> Vec<HelpRow> {
        context
            .defaults()
            .iter()
            .enumerate()
            .map(|(line, b)| HelpRow {
                keys: self.shown(context, line, b),
                does: does(b),
                pane: b.pane,
                changes: b.changes,
            })
            .collect()
    }

    /// Every line of the help of `view`: its own keys, then its list's, then those everywhere.
    pub fn help(&self, view: ViewId) -> Vec<HelpRow> {
        let mut rows = self.rows(Context::View(view));
        if let Some(list) = view.list() {
            for (row, binding) in self.rows(Context::List).into_iter().zip(Context::List.defaults()) {
                let does = if binding.command == Command::Filter { list.filter_help.to_string() } else { row.does };
                rows.push(HelpRow { does, ..row });
            }
            rows.push(HelpRow { keys: MOUSE_HELP.0.into(), does: MOUSE_HELP.1.into(), pane: None, changes: false });
        }
        if view.spec().charts {
            rows.extend(self.rows(Context::Charts));
        }
        rows.extend(self.rows(Context::Global));
        rows
    }

    /// The hints of a context's lines that apply in `pane`: the command, its first key, its label.
    pub fn hints(&self, context: Context, pane: Option<Pane>) -> Vec<Hint> {
        context
            .defaults()
            .iter()
            .enumerate()
            .filter(|(_, b)| b.pane.is_none() || b.pane == pane)
            .filter_map(|(line, b)| {
                let label = b.hint?;
                let key = self.keys_of(context, line, b.command).first()?.to_string();
                Some(Hint { command: b.command, key, label })
            })
            .collect()
    }
}

/// `lakeops keys`: the table as text, Markdown or JSON.
pub struct KeyDocs<'a> {
    pub keymap: &'a Keymap,
}

/// Every context in the order the docs show them: everywhere, lists, dialogs, then each view.
fn contexts(only: Option<ViewId>) -> Vec<Context> {
    match only {
        Some(view) => vec![Context::View(view)],
        None => Context::all().collect(),
    }
}

fn heading(context: Context) -> String {
    match context {
        Context::Global => "Everywhere".into(),
        Context::List => {
            let lists: Vec<String> =
                ViewId::ALL.iter().filter(|v| v.list().is_some()).map(|v| format!(":{}", v.command())).collect();
            format!("In lists ({})", lists.join(" "))
        }
        Context::Dialog => "In dialogs, pickers and typed lines".into(),
        Context::Charts => {
            let views: Vec<String> = ViewId::ALL.iter().filter(|v| v.spec().charts).map(|v| view_name(*v)).collect();
            format!("In views with charts, on their change markers ({})", views.join(" "))
        }
        Context::Fleet => "The fleet overview (lakeops --profile a,b or --all)".into(),
        Context::View(view) => match view.spec().names {
            [] => format!("{} (opened from {})", view.title(), view.spec().opened_from),
            names => {
                format!("{} ({})", view.title(), names.iter().map(|n| format!(":{n}")).collect::<Vec<_>>().join(" "))
            }
        },
    }
}

/// How the docs name a view: `:lambda`, or its title when `:` does not open it ("Stream").
fn view_name(view: ViewId) -> String {
    match view.spec().names.first() {
        Some(name) => format!(":{name}"),
        None => view.title().to_string(),
    }
}

const READ_ONLY_NOTE: &str = " — a change: refused in read-only mode";

impl KeyDocs<'_> {
    fn rows(&self, context: Context) -> Vec<HelpRow> {
        let mut rows = self.keymap.rows(context);
        if context == Context::List {
            rows.push(HelpRow { keys: MOUSE_HELP.0.into(), does: MOUSE_HELP.1.into(), pane: None, changes: false });
        }
        rows
    }

    /// Plain text, one block a context.
    pub fn text(&self, only: Option<ViewId>) -> String {
        let blocks: Vec<(Context, Vec<HelpRow>)> = contexts(only).into_iter().map(|c| (c, self.rows(c))).collect();
        // The keys' column fits the longest keys of all blocks (rebound keys can be long).
        let width =
            blocks.iter().flat_map(|(_, rows)| rows).map(|r| r.keys.chars().count() + 2).max().unwrap_or(0).max(18);
        let mut out = String::new();
        for (context, rows) in blocks {
            out.push_str(&format!("{}\n", heading(context)));
            if rows.is_empty() {
                out.push_str("  no keys of its own: the keys everywhere apply\n");
            }
            for r in rows {
                let note = if r.changes { READ_ONLY_NOTE } else { "" };
                out.push_str(&format!("  {:<width$}{}{note}\n", r.keys, r.does));
            }
            out.push('\n');
        }
        out
    }

    /// Markdown: a table a context, as docs/keys.md shows it.
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        for context in contexts(None) {
            let rows = self.rows(context);
            out.push_str(&format!("**{}**\n\n", heading(context)));
            if rows.is_empty() {
                out.push_str("No keys of its own: the keys everywhere apply.\n\n");
                continue;
            }
            out.push_str("| key | does |\n|---|---|\n");
            for r in rows {
                let keys: Vec<String> = r
                    .keys
                    .split("  ")
                    .map(|group| {
                        group.split(' ').map(|k| format!("`{}`", k.replace('|', "\\|"))).collect::<Vec<_>>().join(" ")
                    })
                    .collect();
                let note = if r.changes { READ_ONLY_NOTE } else { "" };
                out.push_str(&format!("| {} | {}{note} |\n", keys.join(" · "), r.does.replace('|', "\\|")));
            }
            out.push('\n');
        }
        out
    }

    /// JSON: every context with its bindings, each command apart with its keys.
    pub fn json(&self, only: Option<ViewId>) -> Value {
        let contexts: Vec<Value> = contexts(only)
            .into_iter()
            .map(|context| {
                let bindings: Vec<Value> = context
                    .defaults()
                    .iter()
                    .enumerate()
                    .flat_map(|(line, b)| b.commands().map(move |(command, _)| (line, b, command)).collect::<Vec<_>>())
                    .map(|(line, b, command)| {
                        let keys: Vec<String> =
                            self.keymap.keys_of(context, line, command).iter().map(Chord::to_string).collect();
                        json!({
                            "command": command.name(),
                            "keys": keys,
                            "does": b.does,
                            "pane": b.pane.map(Pane::label),
                            "hint": if command == b.command { b.hint } else { None },
                            "changes": b.changes,
                        })
                    })
                    .collect();
                let (view, title, opens_with, list) = match context {
                    Context::View(v) => (
                        Some(v.module()),
                        v.title(),
                        v.spec().names.iter().map(|n| format!(":{n}")).collect(),
                        v.list().is_some(),
                    ),
                    other => (None, other.name(), Vec::new(), false),
                };
                json!({
                    "context": context.name(),
                    "view": view,
                    "title": title,
                    "opens_with": opens_with,
                    "list": list,
                    "bindings": bindings,
                })
            })
            .collect();
        Value::Array(contexts)
    }
}
