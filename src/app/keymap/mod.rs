//! The key table: every key of the console, declared once per context (everywhere, in lists, in
//! dialogs, and each view's own, in its module), with what it does, its status-bar hint and
//! whether it changes something. The key handler, the help, the status bar, `lakeops keys` and
//! docs/keys.md all read it; `[keys]` in `config.toml` rebinds it.

mod docs;
mod overrides;

pub use docs::{HelpRow, Hint, KeyDocs};
pub use overrides::{KeyOverride, KeymapError};

use super::chord::Chord;
use super::command::Command;
use super::registry::{Pane, ViewId};

/// One line of the key table: a command and its keys (or two commands described together, "move
/// down / up"), what it does, its label in the status bar, whether it changes the platform (read-only
/// mode refuses it), and the part of the view it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Binding {
    pub command: Command,
    pub keys: &'static [&'static str],
    pub and: Option<(Command, &'static [&'static str])>,
    pub does: &'static str,
    pub hint: Option<&'static str>,
    pub changes: bool,
    pub pane: Option<Pane>,
}

/// A binding of `command` to `keys`, doing `does`.
pub const fn bind(command: Command, keys: &'static [&'static str], does: &'static str) -> Binding {
    Binding { command, keys, and: None, does, hint: None, changes: false, pane: None }
}

impl Binding {
    /// A second command described on the same line.
    pub const fn and(self, command: Command, keys: &'static [&'static str]) -> Binding {
        Binding { and: Some((command, keys)), ..self }
    }

    /// The status bar shows this key with `label`.
    pub const fn hint(self, label: &'static str) -> Binding {
        Binding { hint: Some(label), ..self }
    }

    /// The key changes the platform: read-only mode refuses it.
    pub const fn changes(self) -> Binding {
        Binding { changes: true, ..self }
    }

    /// The key belongs to one part of the view.
    pub const fn pane(self, pane: Pane) -> Binding {
        Binding { pane: Some(pane), ..self }
    }

    /// The commands of the line with their default keys.
    fn commands(&self) -> impl Iterator<Item = (Command, &'static [&'static str])> {
        std::iter::once((self.command, self.keys)).chain(self.and)
    }
}

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Context {
    /// In every view.
    Global,
    /// In every view that has a list of rows.
    List,
    /// In dialogs, pickers and typed lines.
    Dialog,
    /// In every view that draws charts over time (their change markers).
    Charts,
    View(ViewId),
    /// The fleet overview of several profiles (`lakeops --profile a,b`), before one is opened.
    Fleet,
}

impl Context {
    /// Every context: the shared ones, then each view's, then the fleet's.
    pub fn all() -> impl Iterator<Item = Context> {
        [Context::Global, Context::List, Context::Dialog, Context::Charts]
            .into_iter()
            .chain(ViewId::ALL.iter().map(|v| Context::View(*v)))
            .chain([Context::Fleet])
    }

    /// The built-in table of the context.
    pub fn defaults(self) -> &'static [Binding] {
        match self {
            Context::Global => GLOBAL,
            Context::List => LIST,
            Context::Dialog => DIALOG,
            Context::Charts => super::markers::KEYS,
            Context::View(view) => view.spec().keys,
            Context::Fleet => super::fleet::KEYS,
        }
    }

    /// The name `[keys.<name>]` and `lakeops keys` use.
    pub fn name(self) -> &'static str {
        match self {
            Context::Global => "everywhere",
            Context::List => "lists",
            Context::Dialog => "dialogs",
            Context::Charts => "charts",
            Context::View(view) => view.command(),
            Context::Fleet => "fleet",
        }
    }

    /// The shared contexts whose keys work on `view` after its own, in the order they are
    /// tried: its list's (if it has one), its charts' (if it draws any), then those everywhere.
    pub fn shared(view: ViewId) -> Vec<Context> {
        let spec = view.spec();
        let list = spec.list.as_ref().map(|_| Context::List);
        let charts = spec.charts.then_some(Context::Charts);
        list.into_iter().chain(charts).chain([Context::Global]).collect()
    }
}

/// Keys that work in every view (a view may give one a meaning of its own first).
const GLOBAL: &[Binding] = &[
    bind(Command::Back, &["esc"], "close, clear the filter, or go back").hint("back"),
    bind(Command::CommandLine, &[":"], "command line: open a view by name; tab completes").hint("command"),
    bind(Command::Refresh, &["r"], "refresh now").hint("refresh"),
    bind(Command::Help, &["?"], "show or hide this help").hint("help"),
    bind(Command::Quit, &["q"], "quit").hint("quit"),
    bind(Command::Interrupt, &["ctrl-c"], "cancel what runs (a query), else quit"),
];

/// Keys of every list of rows.
const LIST: &[Binding] = &[
    bind(Command::Down, &["j", "↓"], "move down / up").and(Command::Up, &["k", "↑"]),
    bind(Command::PageDown, &["pgdn", "ctrl-d"], "move a page down / up").and(Command::PageUp, &["pgup", "ctrl-u"]),
    bind(Command::Top, &["home", "g"], "first / last row").and(Command::Bottom, &["end", "G"]),
    bind(Command::Filter, &["/"], "filter the rows as you type").hint("filter"),
];

/// Keys of dialogs, pickers and typed lines (a picker also moves as a list does).
const DIALOG: &[Binding] = &[
    bind(Command::Confirm, &["enter"], "yes, choose, or take the typed line").hint("confirm"),
    bind(Command::Back, &["esc"], "cancel").hint("cancel"),
    bind(Command::Complete, &["tab"], "(command line) complete the name, again for the next")
        .and(Command::CompleteBack, &["shift-tab"]),
];

/// The key table as configured: every context's bindings with the keys they have now.
#[derive(Debug, Clone, PartialEq)]
pub struct Keymap {
    entries: Vec<Entry>,
}

/// One command of one binding line, with its keys.
#[derive(Debug, Clone, PartialEq)]
struct Entry {
    context: Context,
    line: usize,
    command: Command,
    chords: Vec<Chord>,
    /// Where the keys were set when not built in (a file), for the messages about them.
    origin: Option<String>,
}

impl Default for Keymap {
    fn default() -> Self {
        Keymap::builtin()
    }
}

impl Keymap {
    /// The built-in table (every key in it is one `Chord::parse` reads: a unit test says so).
    pub fn builtin() -> Keymap {
        let mut entries = Vec::new();
        for context in Context::all() {
            for (line, binding) in context.defaults().iter().enumerate() {
                for (command, keys) in binding.commands() {
                    let chords = keys.iter().filter_map(|k| Chord::parse(k).ok()).collect();
                    entries.push(Entry { context, line, command, chords, origin: None });
                }
            }
        }
        Keymap { entries }
    }

    /// The built-in table with the user's `[keys]` applied, checked: an unknown command or view,
    /// a key that cannot be read, or two commands on one key is an error naming where it was set.
    pub fn configured(overrides: &[KeyOverride]) -> Result<Keymap, KeymapError> {
        let mut keymap = Keymap::builtin();
        for o in overrides {
            overrides::apply(&mut keymap, o)?;
        }
        overrides::check_clashes(&keymap)?;
        Ok(keymap)
    }

    /// The command `chord` means in `context` in `pane`.
    pub fn command(&self, context: Context, pane: Option<Pane>, chord: Chord) -> Option<Command> {
        self.entries
            .iter()
            .filter(|e| e.context == context && self.applies(e, pane))
            .find(|e| e.chords.contains(&chord))
            .map(|e| e.command)
    }

    /// The keys of `command` in `context` (all its bindings in every pane).
    pub fn chords(&self, context: Context, command: Command) -> Vec<Chord> {
        self.entries
            .iter()
            .filter(|e| e.context == context && e.command == command)
            .flat_map(|e| e.chords.iter().copied())
            .collect()
    }

    /// The keys of `command` in `context` that work in `pane`.
    pub fn chords_in(&self, context: Context, pane: Option<Pane>, command: Command) -> Vec<Chord> {
        self.entries
            .iter()
            .filter(|e| e.context == context && e.command == command && self.applies(e, pane))
            .flat_map(|e| e.chords.iter().copied())
            .collect()
    }

    /// The first key of `command` as the view on screen would take it (its own, a list's, or
    /// the one everywhere), for text that names a key: "(w)".
    pub fn label(&self, view: ViewId, command: Command) -> String {
        std::iter::once(Context::View(view))
            .chain(Context::shared(view))
            .chain([Context::Dialog])
            .find_map(|c| self.chords(c, command).first().map(Chord::to_string))
            .unwrap_or_default()
    }

    fn binding(&self, e: &Entry) -> &'static Binding {
        &e.context.defaults()[e.line]
    }

    fn applies(&self, e: &Entry, pane: Option<Pane>) -> bool {
        let binding_pane = self.binding(e).pane;
        binding_pane.is_none() || binding_pane == pane
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_key_reads_and_none_clashes() {
        for context in Context::all() {
            for binding in context.defaults() {
                for (command, keys) in binding.commands() {
                    assert!(!keys.is_empty(), "{command:?} in {context:?} has no key");
                    for key in keys {
                        assert!(Chord::parse(key).is_ok(), "{key} ({command:?} in {context:?})");
                    }
                }
            }
        }
        assert!(Keymap::configured(&[]).is_ok(), "{:?}", Keymap::configured(&[]));
    }
}
